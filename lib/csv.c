/* csv.c — see csv.h */
#include "csv.h"
#include "csvscan.h"
#include "util.h"
#include <string.h>

/* the bytes that make a field quoted */
static const unsigned char special[256] = { [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1 };

int csv_has_special(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	for (; i + 4 <= n; i += 4)                  /* four a step: paths are long */
		if (special[u[i]] | special[u[i + 1]] | special[u[i + 2]] | special[u[i + 3]])
			return 1;
	for (; i < n; i++)
		if (special[u[i]])
			return 1;
	return 0;
}

int csv_needs_quotes(const char *s, size_t n)
{
	return (n && (s[0] == ' ' || s[n - 1] == ' ')) || csv_has_special(s, n);
}

void csv_str(struct obuf *o, const char *s, size_t n)
{
	csv_sep(o);
	if (!csv_needs_quotes(s, n)) {
		ob_put_fast(o, s, n);
		return;
	}
	csv_quoted(o, s, n);
}

void csv_quoted(struct obuf *o, const char *s, size_t n)
{
	ob_putc(o, '"');
	for (;;) {
		const char *q = memchr(s, '"', n);
		size_t k = q ? (size_t)(q - s) + 1 : n;
		ob_put(o, s, k);
		if (!q)
			break;
		ob_putc(o, '"');
		s += k, n -= k;
	}
	ob_putc(o, '"');
}

void csv_cstr(struct obuf *o, const char *s)
{
	csv_str(o, s, strlen(s));
}


void csv_u64(struct obuf *o, uint64_t v)
{
	csv_sep(o);
	if (o->cap - o->len < 24)
		ob_flush(o);
	o->len += fmt_u64(o->buf + o->len, v);   /* in place */
}

void csv_s64(struct obuf *o, int64_t v)
{
	char b[24];
	csv_sep(o);
	ob_put(o, b, fmt_s64(b, v));
}


void csv_end(struct obuf *o)
{
	ob_putc(o, '\n');
	o->nfield = 0;
}

void csv_header(struct obuf *o, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_cstr(o, names[i]);
	csv_end(o);
}

int csv_line_ends_row(const char *line, size_t n, int *inq)
{
	struct csvscan s = { *inq ? CSVS_QUOTED : CSVS_ROW };
	int end = csvscan_line(&s, line, n);
	*inq = !end;
	return end;
}
