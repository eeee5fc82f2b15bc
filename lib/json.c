/* json.c — see json.h. */
#include "json.h"
#include "pyfmt.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof *j);
	j->cap = 1024;
	j->buf = xmalloc(j->cap);
}

void json_free(struct json *j)
{
	free(j->buf);
	j->buf = NULL;
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		while (j->len + n + 1 > j->cap)
			j->cap *= 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void newline(struct json *j)
{
	put(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* One code point as \uXXXX (a surrogate pair above the BMP). */
static void put_u(struct json *j, uint32_t c)
{
	char b[16];
	if (c > 0xffff) {
		c -= 0x10000;
		snprintf(b, sizeof b, "\\u%04x\\u%04x", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
	} else {
		snprintf(b, sizeof b, "\\u%04x", c);
	}
	puts_(j, b);
}

/* The next UTF-8 code point at s (n bytes left) and its length; an
 * invalid sequence is U+FFFD, one byte long. */
static uint32_t utf8(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0], min;
	size_t k;
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, c &= 0x07, min = 0x10000;
	else
		k = 0, min = 0;
	if (k == 0 || k > n)
		goto bad;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*len = k;
	return c;
bad:
	*len = 1;
	return 0xfffd;
}

static void put_string(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	put(j, "\"", 1);
	while (i < n) {
		size_t k = 0, len;
		uint32_t c;
		while (i + k < n && p[i + k] >= 0x20 && p[i + k] < 0x7f && p[i + k] != '"' && p[i + k] != '\\')
			k++;
		put(j, s + i, k);
		i += k;
		if (i == n)
			break;
		c = utf8(p + i, n - i, &len);
		i += len;
		switch (c) {
		case '"': puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\r': puts_(j, "\\r"); break;
		case '\t': puts_(j, "\\t"); break;
		case '\b': puts_(j, "\\b"); break;
		case '\f': puts_(j, "\\f"); break;
		default: put_u(j, c);
		}
	}
	put(j, "\"", 1);
}

/* Before a value: the separator, the indent, the key. */
static void member(struct json *j, const char *key)
{
	if (j->depth == 0) {
		if (j->len)
			j->err = 1;             /* a second top-level value */
	} else {
		if (j->items[j->depth]++)
			put(j, ",", 1);
		newline(j);
	}
	if (key) {
		put_string(j, key, strlen(key));
		put(j, ": ", 2);
	}
}

static void open_(struct json *j, const char *key, const char *bracket)
{
	member(j, key);
	puts_(j, bracket);
	if (j->depth + 1 >= JSON_MAXDEPTH) {
		j->err = 1;
		return;
	}
	j->items[++j->depth] = 0;
}

static void close_(struct json *j, const char *bracket)
{
	if (j->depth == 0) {
		j->err = 1;
		return;
	}
	if (j->items[j->depth--])
		newline(j);
	puts_(j, bracket);
}

void json_obj_begin(struct json *j, const char *key) { open_(j, key, "{"); }
void json_obj_end(struct json *j) { close_(j, "}"); }
void json_arr_begin(struct json *j, const char *key) { open_(j, key, "["); }
void json_arr_end(struct json *j) { close_(j, "]"); }

void json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	member(j, key);
	put_string(j, s, n);
}

void json_str(struct json *j, const char *key, const char *s)
{
	if (!s)
		json_null(j, key);
	else
		json_strn(j, key, s, strlen(s));
}

void json_int(struct json *j, const char *key, int64_t v)
{
	char b[24];
	member(j, key);
	put(j, b, fmt_s64(b, v));
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	char b[24];
	member(j, key);
	put(j, b, fmt_u64(b, v));
}

void json_float(struct json *j, const char *key, double v)
{
	char b[PY_REPR_MAX];
	member(j, key);
	if (__builtin_isnan(v))
		puts_(j, "NaN");
	else if (__builtin_isinf(v))
		puts_(j, v < 0 ? "-Infinity" : "Infinity");
	else
		put(j, b, py_repr_double(v, b));
}

void json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	puts_(j, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	puts_(j, "null");
}

const char *json_text(const struct json *j, size_t *n)
{
	if (j->err || j->depth || !j->len)
		return NULL;
	*n = j->len;
	return j->buf;
}
