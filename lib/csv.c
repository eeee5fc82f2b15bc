/* csv.c — see csv.h */
#include "csv.h"
#include "csvscan.h"
#include "util.h"
#include <string.h>

static int needs_quotes(const char *s, size_t n)
{
	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			return 1;
	}
	return 0;
}

void csv_str(struct obuf *o, const char *s, size_t n)
{
	csv_sep(o);
	if (!needs_quotes(s, n)) {
		ob_put_fast(o, s, n);
		return;
	}
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
