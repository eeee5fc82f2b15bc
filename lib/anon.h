/* anon.h — anonymization: a keyed hash (HMAC-SHA-256, 12 hex digits) with a
 * per-install secret, so the same input maps to the same output within an
 * install and a dictionary of common names does not reverse it. */
#ifndef IOTRC_ANON_H
#define IOTRC_ANON_H
#include <stddef.h>

/* Load the key from path, creating it (0600, 32 random bytes) if missing.
 * Returns 0, or -1 with errno set and a message in err. */
int anon_load_key(const char *path, char *err, size_t errcap);
void anon_set_key(const void *key, size_t n);  /* tests */
/* Every tool's -a: load the key file (NULL: anon_default_keyfile()),
 * creating it and its folder (0700) if missing. 0, or -1 with a message. */
int anon_setup(const char *path, char *err, size_t errcap);
/* /var/lib/iotrc/anon.key for root (or without HOME), else ~/.iotrc/anon.key */
const char *anon_default_keyfile(void);
/* 12 hex digits of HMAC(key, s) into out (13 bytes). */
void anon_token(const char *s, size_t n, char *out);
/* Anonymize every component of a path: a leading '/' is kept, each
 * component hashed; the last component keeps its last extension if it is
 * 1-8 ASCII letters or digits ("a.tar.gz" -> hash("a.tar") + ".gz";
 * ".bashrc", "x.tmp~" and directories "john.smith" are hashed whole). Empty components
 * and "." vanish. Returns the length written to out (cap >= 2*n + 16). */
size_t anon_path(const char *s, size_t n, char *out, size_t cap);
#endif
