/* upload_key.c — object keys: "<bucket>/<MACHINE_ID>/<session>/<subdir>/<file>"
 * (DESIGN.md "Session layout"; upstream.md §5), or
 * "<bucket>/<MACHINE_ID>/<session>/manifest.json" for a file at a session's
 * root. Every component is checked before it goes into a URL or a path on
 * another machine: no "..", no absolute part, no control character. */
#include "upload.h"
#include <stdio.h>
#include <string.h>

int key_part_ok(const char *s, size_t n)
{
	if (n == 0 || n > 255 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '/' || c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

int key_safe(const char *key)
{
	const char *s = key;
	if (!*key)
		return 0;
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!key_part_ok(s, n))
			return 0;
		if (!e)
			return 1;
		s = e + 1;
	}
}

int key_from_path(const char *root, const char *path, const char *bucket, const char *id,
                  char *rel, size_t relcap, char *key, size_t keycap, const char **why)
{
	size_t rl = strlen(root), parts = 0;
	const char *r, *s;
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (path[0] != '/') {
		*why = "not an absolute path";
		return -1;
	}
	if (strncmp(path, root, rl) || (rl > 1 && path[rl] != '/')) {
		*why = "not under the root";
		return -1;
	}
	r = path + rl + (rl > 1);
	for (s = r;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!key_part_ok(s, n)) {
			*why = "unsafe name (empty, '.', '..' or a control character)";
			return -1;
		}
		parts++;
		if (!e)
			break;
		s = e + 1;
	}
	if (parts < 2 || parts > 3) {
		*why = "not ROOT/SESSION/FILE or ROOT/SESSION/SUBDIR/FILE";
		return -1;
	}
	if ((size_t)snprintf(rel, relcap, "%s", r) >= relcap ||
	    (size_t)snprintf(key, keycap, "%s/%s/%s", bucket, id, r) >= keycap) {
		*why = "name too long";
		return -1;
	}
	if (!key_safe(key)) {
		*why = "unsafe bucket or machine id";
		return -1;
	}
	return 0;
}

int url_with_key(char *out, size_t cap, const char *prefix, const char *key)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(prefix), i = 0;
	while (n && prefix[n - 1] == '/')
		n--;
	if (n + 2 > cap)
		return -1;
	memcpy(out, prefix, n);
	i = n;
	out[i++] = '/';
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		int plain = (*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
		            (*k >= '0' && *k <= '9') || *k == '-' || *k == '.' || *k == '_' ||
		            *k == '~' || *k == '/';
		if (i + (plain ? 1 : 3) + 1 > cap)
			return -1;
		if (plain)
			out[i++] = (char)*k;
		else
			out[i++] = '%', out[i++] = hex[*k >> 4], out[i++] = hex[*k & 15];
	}
	out[i] = '\0';
	return 0;
}

const char *content_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".zst", "application/zstd" },      /* RFC 8878 */
		{ ".csv", "text/csv" },
		{ ".json", "application/json" },
		{ ".gz", "application/gzip" },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && !strcmp(name + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}
