/* crypto.h — SHA-256 from the platform (OpenSSL libcrypto on Linux,
 * CommonCrypto on macOS; crypto_<os>.c), HMAC-SHA-256 (RFC 2104) on top of
 * it (crypto.c), and random bytes. */
#ifndef IOTRC_CRYPTO_H
#define IOTRC_CRYPTO_H
#include <stddef.h>
#include <stdint.h>
struct sha256_ctx {
	uint64_t opaque[32];   /* CC_SHA256_CTX, or an EVP_MD_CTX pointer */
};
void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *p, size_t n);
void sha256_final(struct sha256_ctx *c, uint8_t out[32]);
void sha256(const void *msg, size_t n, uint8_t out[32]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n, uint8_t out[32]);
int random_bytes(void *buf, size_t n);  /* 0 ok, -1 error */
#endif
