/* crypto.h — SHA-256 and HMAC-SHA-256 from the platform (OpenSSL libcrypto
 * on Linux, CommonCrypto on macOS), and random bytes. */
#ifndef IOTRC_CRYPTO_H
#define IOTRC_CRYPTO_H
#include <stddef.h>
#include <stdint.h>
void sha256(const void *msg, size_t n, uint8_t out[32]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n, uint8_t out[32]);
int random_bytes(void *buf, size_t n);  /* 0 ok, -1 error */
#endif
