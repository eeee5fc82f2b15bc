/* crypto_linux.c — SHA-256 from OpenSSL libcrypto (EVP), random bytes
 * from getrandom(2). */
#include "crypto.h"
#include "util.h"
#include <openssl/evp.h>
#include <string.h>
#include <sys/random.h>

static EVP_MD_CTX **ctxp(struct sha256_ctx *c)
{
	return (EVP_MD_CTX **)(void *)c->opaque;
}

void sha256_init(struct sha256_ctx *c)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	if (!x || !EVP_DigestInit_ex(x, EVP_sha256(), NULL))
		die(1, "OpenSSL: cannot initialise SHA-256");
	*ctxp(c) = x;
}

void sha256_update(struct sha256_ctx *c, const void *p, size_t n)
{
	if (!EVP_DigestUpdate(*ctxp(c), p, n))
		die(1, "OpenSSL: SHA-256 update failed");
}

void sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	unsigned int len = 32;
	if (!EVP_DigestFinal_ex(*ctxp(c), out, &len))
		die(1, "OpenSSL: SHA-256 final failed");
	EVP_MD_CTX_free(*ctxp(c));
	*ctxp(c) = NULL;
}

int random_bytes(void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0)
			return -1;
		p += r, n -= (size_t)r;
	}
	return 0;
}
