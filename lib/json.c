/* json.c — see json.h */
#include "json.h"
#include "pyfmt.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_CHUNK 65536    /* written out at this size when fd >= 0 */

void json_init(struct json *j, int fd)
{
	memset(j, 0, sizeof *j);
	j->fd = fd;
	j->cap = 4096;
	j->buf = xmalloc(j->cap);
}

void json_init_py(struct json *j)
{
	json_init(j, -1);
	j->py = 1;
}

void json_free(struct json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}

char *json_take(struct json *j, size_t *len)
{
	char *p;
	if (j->len == j->cap)
		j->buf = xrealloc(j->buf, j->cap += 1);
	j->buf[j->len] = 0;
	p = j->buf;
	if (len)
		*len = j->len;
	j->buf = NULL;
	j->len = j->cap = 0;
	return p;
}

int json_flush(struct json *j)
{
	if (j->fd >= 0 && j->len && !j->err && write_all(j->fd, j->buf, j->len) < 0)
		j->err = errno ? errno : EIO;
	if (j->fd >= 0)
		j->len = 0;   /* after a failure the text is dropped: err is sticky */
	return j->err ? -1 : 0;
}

static void put(struct json *j, const void *p, size_t n)
{
	if (j->cap - j->len < n) {
		while (j->cap - j->len < n)
			j->cap *= 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
	if (j->fd >= 0 && j->len >= JSON_CHUNK)
		json_flush(j);
}

static void putc_(struct json *j, char c)
{
	put(j, &c, 1);
}

/* Python's indent=2: a new line, two spaces a level. */
static void newline(struct json *j, int depth)
{
	putc_(j, '\n');
	for (int i = 0; i < depth; i++)
		put(j, "  ", 2);
}

/* Before any value: the comma that separates it from the one before (and
 * in Python's text the new line it starts on). */
static void value(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth && j->more[j->depth - 1])
		putc_(j, ',');
	if (j->depth) {
		j->more[j->depth - 1] = 1;
		if (j->py)
			newline(j, j->depth);
	}
}

static void open_(struct json *j, char c)
{
	value(j);
	putc_(j, c);
	if (j->depth < JSON_MAXDEPTH) {
		j->open[j->depth] = (unsigned char)c;
		j->more[j->depth] = 0;
	}
	j->depth++;
}

void json_obj(struct json *j)
{
	open_(j, '{');
}

void json_arr(struct json *j)
{
	open_(j, '[');
}

void json_end(struct json *j)
{
	if (j->depth <= 0)
		return;
	j->depth--;
	if (j->py && j->depth < JSON_MAXDEPTH && j->more[j->depth])
		newline(j, j->depth);
	putc_(j, j->depth < JSON_MAXDEPTH && j->open[j->depth] == '[' ? ']' : '}');
	if (j->depth == 0 && j->fd >= 0)
		putc_(j, '\n');
}

void json_key(struct json *j, const char *key)
{
	value(j);
	putc_(j, '"');
	json_escape(j, key, strlen(key));
	put(j, j->py ? "\": " : "\":", j->py ? 3 : 2);
	j->after_key = 1;
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		if (c == 0xE0)
			lo = 0xA0;          /* no overlong forms */
		if (c == 0xED)
			hi = 0x9F;          /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;          /* nothing above U+10FFFF */
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

/* One code point as \uXXXX, a surrogate pair above U+FFFF. */
static void put_u(struct json *j, uint32_t c)
{
	static const char hex[] = "0123456789abcdef";
	char b[6] = { '\\', 'u' };
	if (c > 0xffff) {
		c -= 0x10000;
		put_u(j, 0xd800 + (c >> 10));
		put_u(j, 0xdc00 + (c & 0x3ff));
		return;
	}
	for (int i = 0; i < 4; i++)
		b[2 + i] = hex[(c >> (12 - 4 * i)) & 15];
	put(j, b, 6);
}

/* Python's ensure_ascii escaping; bytes that are not UTF-8 are U+FFFD. */
static void py_escape(struct json *j, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;
	while (p < end) {
		const unsigned char *run = p;
		uint32_t c;
		size_t k;
		while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		put(j, run, (size_t)(p - run));
		if (p == end)
			break;
		c = *p;
		switch (c) {
		case '"': put(j, "\\\"", 2); p++; continue;
		case '\\': put(j, "\\\\", 2); p++; continue;
		case '\n': put(j, "\\n", 2); p++; continue;
		case '\r': put(j, "\\r", 2); p++; continue;
		case '\t': put(j, "\\t", 2); p++; continue;
		case '\b': put(j, "\\b", 2); p++; continue;
		case '\f': put(j, "\\f", 2); p++; continue;
		}
		k = c < 0x80 ? 1 : utf8_seq_len(p, (size_t)(end - p));
		if (k == 0) {
			put_u(j, 0xfffd);
			p++;
			continue;
		}
		if (k > 1) {
			c &= 0xff >> (k + 1);
			for (size_t i = 1; i < k; i++)
				c = c << 6 | (p[i] & 0x3f);
		}
		put_u(j, c);
		p += k;
	}
}

void json_escape(struct json *j, const char *s, size_t n)
{
	if (j->py) {
		py_escape(j, (const unsigned char *)s, n);
		return;
	}
	{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	while (p < end) {
		unsigned c = *p;
		char esc[8];
		size_t k;
		/* the common case: printable ASCII that needs nothing */
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' &&
		    c != '&') {
			p++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_seq_len(p, (size_t)(end - p));
			/* U+2028/2029 end a line in older JavaScript */
			if (k == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
				put(j, run, (size_t)(p - run));
				put(j, p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
				p += 3, run = p;
			} else if (k) {
				p += k;
			} else {              /* not UTF-8: U+FFFD for this byte */
				put(j, run, (size_t)(p - run));
				put(j, "\xEF\xBF\xBD", 3);
				p++, run = p;
			}
			continue;
		}
		put(j, run, (size_t)(p - run));
		switch (c) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
			put(j, esc, 6);
			break;
		}
		p++, run = p;
	}
	put(j, run, (size_t)(p - run));
	}
}

void json_str(struct json *j, const char *s, size_t n)
{
	value(j);
	putc_(j, '"');
	json_escape(j, s, n);
	putc_(j, '"');
}

void json_cstr(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_str(j, s, strlen(s));
}

void json_u64(struct json *j, uint64_t v)
{
	char b[24];
	value(j);
	put(j, b, fmt_u64(b, v));
}

void json_s64(struct json *j, int64_t v)
{
	char b[24];
	value(j);
	put(j, b, fmt_s64(b, v));
}

void json_double(struct json *j, double v)
{
	char b[40];
	int n;
	if (j->py) {                     /* repr(), and Python's NaN/Infinity */
		value(j);
		if (isnan(v))
			put(j, "NaN", 3);
		else if (isinf(v))
			put(j, v < 0 ? "-Infinity" : "Infinity", v < 0 ? 9 : 8);
		else
			put(j, b, py_repr_double(v, b));
		return;
	}
	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	value(j);
	n = snprintf(b, sizeof b, "%.17g", v);
	/* %.17g of a whole number has no point, which JSON reads the same */
	put(j, b, n > 0 && (size_t)n < sizeof b ? (size_t)n : 0);
}

void json_bool(struct json *j, int v)
{
	value(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j)
{
	value(j);
	put(j, "null", 4);
}
