/* fuzz_upload.c — what iotrc-upload takes from outside (upload/upload_parse.c,
 * upload_key.c): a presign answer, an error body, a credentials file, and a
 * path turned into an object key. Byte 0 picks the parser. Properties
 * checked besides memory safety: an accepted presigned URL is http(s) with
 * a host and only printable ASCII; a key built from a path is key_safe, has
 * no "." or ".." component and ends with the path's last component; an
 * error message is printable and bounded. */
#include "upload.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void check_url(const uint8_t *d, size_t n)
{
	char out[512];
	const char *why;
	if (presign_url((const char *)d, n, out, sizeof out, &why) < 0)
		return;
	if (strncasecmp(out, "http://", 7) && strncasecmp(out, "https://", 8))
		abort();
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	if (strlen(out) >= sizeof out || strlen(out) > n)
		abort();
}

static void check_message(const uint8_t *d, size_t n)
{
	char out[UMSG_MAX];
	server_message((const char *)d, n, out, sizeof out);
	if (strlen(out) >= sizeof out)
		abort();
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			abort();
}

static void check_creds(const uint8_t *d, size_t n)
{
	struct s3creds c;
	const char *why;
	if (creds_parse((const char *)d, n, "default", &c, &why) < 0)
		return;
	if (!c.key[0] || !c.secret[0] || strchr(c.key, ':') || strchr(c.key, ' '))
		abort();
}

static void check_key(const uint8_t *d, size_t n)
{
	char path[600], rel[UKEY_MAX], key[UKEY_MAX];
	const char *why, *last;
	if (n >= sizeof path - 4)
		return;
	memcpy(path, "/r/", 3);
	memcpy(path + 3, d, n);
	path[n + 3] = '\0';
	if (strlen(path) != n + 3)
		return;                      /* a NUL: the reader refuses those first */
	if (key_from_path("/r", path, "bucket", "ID", rel, sizeof rel, key, sizeof key, &why) < 0)
		return;
	if (!key_safe(key) || strncmp(key, "bucket/ID/", 10) || strcmp(key + 10, rel))
		abort();
	for (const char *s = key; s; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
		if (!strncmp(s, "../", 3) || !strcmp(s, "..") || !strncmp(s, "./", 2) || !strcmp(s, "."))
			abort();
	last = strrchr(path, '/') + 1;
	if (strlen(key) < strlen(last) || strcmp(key + strlen(key) - strlen(last), last))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 1 || n > 65536)
		return 0;
	switch (d[0] & 3) {
	case 0: check_url(d + 1, n - 1); break;
	case 1: check_message(d + 1, n - 1); break;
	case 2: check_creds(d + 1, n - 1); break;
	case 3: check_key(d + 1, n - 1); break;
	}
	return 0;
}
