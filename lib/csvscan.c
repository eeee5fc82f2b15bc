/* csvscan.c — see csvscan.h. The writer frames every input line with it,
 * so it walks a line with memchr from quote to quote: a line without
 * quotes costs one memchr. */
#include "csvscan.h"
#include <string.h>

/* p[0..n) holds no newline. */
static void scan_quotes(struct csvscan *s, const char *p, size_t n)
{
	const char *end = p + n, *q;
	enum csvs_state st = s->st;
	while (p < end) {
		switch (st) {
		case CSVS_QUOTED:
			q = memchr(p, '"', (size_t)(end - p));
			if (!q) {
				p = end;
				break;
			}
			p = q + 1;
			st = CSVS_QUOTE;
			break;
		case CSVS_QUOTE:          /* "" is data; else the field is closed */
			st = *p == '"' ? CSVS_QUOTED : *p == ',' ? CSVS_FIELD : CSVS_DATA;
			p++;
			break;
		default:                  /* CSVS_ROW, CSVS_FIELD, CSVS_DATA */
			q = memchr(p, '"', (size_t)(end - p));
			if (!q) {
				st = end[-1] == ',' ? CSVS_FIELD : CSVS_DATA;
				p = end;
				break;
			}
			/* a quote opens a field only where a field starts */
			if (q > p ? q[-1] == ',' : st != CSVS_DATA)
				st = CSVS_QUOTED;
			else
				st = CSVS_DATA;
			p = q + 1;
			break;
		}
	}
	s->st = st;
}

size_t csvscan_feed(struct csvscan *s, const char *p, size_t n)
{
	size_t off = 0;
	while (off < n) {
		const char *nl = memchr(p + off, '\n', n - off);
		size_t k = nl ? (size_t)(nl - p) : n;
		scan_quotes(s, p + off, k - off);
		if (!nl)
			return n;
		if (s->st != CSVS_QUOTED) {
			s->st = CSVS_ROW;
			return k;
		}
		off = k + 1;              /* a newline inside a quoted field */
	}
	return n;
}

int csvscan_line(struct csvscan *s, const char *line, size_t n)
{
	scan_quotes(s, line, n);
	if (s->st == CSVS_QUOTED)
		return 0;
	s->st = CSVS_ROW;
	return 1;
}
