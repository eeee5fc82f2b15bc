/* crypto_darwin.c — SHA-256 from CommonCrypto (part of libSystem), random
 * bytes from arc4random_buf(3). */
#include "crypto.h"
#include <CommonCrypto/CommonDigest.h>
#include <stdlib.h>

_Static_assert(sizeof(CC_SHA256_CTX) <= sizeof(struct sha256_ctx), "sha256_ctx too small");

void sha256_init(struct sha256_ctx *c)
{
	CC_SHA256_Init((CC_SHA256_CTX *)(void *)c->opaque);
}

void sha256_update(struct sha256_ctx *c, const void *p, size_t n)
{
	CC_SHA256_Update((CC_SHA256_CTX *)(void *)c->opaque, p, (CC_LONG)n);
}

void sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	CC_SHA256_Final(out, (CC_SHA256_CTX *)(void *)c->opaque);
}

int random_bytes(void *buf, size_t n)
{
	arc4random_buf(buf, n);
	return 0;
}
