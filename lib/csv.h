/* csv.h — RFC 4180 output through a big buffer, and a row framer for input.
 * Fields are quoted only when they hold a comma, quote, CR or LF, or start
 * or end with a space (fast path: no quoting). */
#ifndef IOTRC_CSV_H
#define IOTRC_CSV_H
#include <stddef.h>
#include <stdint.h>
#include "obuf.h"

static inline void csv_sep(struct obuf *o)
{
	if (o->nfield++)
		ob_putc(o, ',');
}
void csv_str(struct obuf *o, const char *s, size_t n);   /* quoted if needed */
/* The field s (n bytes) must be quoted: it holds a comma, quote, CR or LF
 * (csv_has_special), or starts or ends with a space. */
int csv_needs_quotes(const char *s, size_t n);
int csv_has_special(const char *s, size_t n);
/* s quoted, its quotes doubled, with no separator before it. */
void csv_quoted(struct obuf *o, const char *s, size_t n);
void csv_cstr(struct obuf *o, const char *s);
static inline void csv_raw(struct obuf *o, const char *s, size_t n)  /* needs no quotes */
{
	csv_sep(o);
	ob_put_fast(o, s, n);
}
void csv_u64(struct obuf *o, uint64_t v);
void csv_s64(struct obuf *o, int64_t v);
static inline void csv_empty(struct obuf *o)
{
	csv_sep(o);
}
void csv_end(struct obuf *o);                            /* "\n", row done */
/* Header row from a NULL-terminated list of names. */
void csv_header(struct obuf *o, const char *const *names, size_t n);

/* Row framing line by line (csvscan.h frames the rows): feed each
 * physical line; returns 1 when the row is complete, 0 when a quoted field
 * continues on the next line. *inq carries the state between lines (start
 * a row with *inq = 0). */
int csv_line_ends_row(const char *line, size_t n, int *inq);
#endif
