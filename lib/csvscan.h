/* csvscan.h — the one CSV row framer: where RFC 4180 rows end in a byte
 * stream fed in pieces of any size. It frames rows the way RFC 4180
 * readers do (pandas, Python's csv): a quote opens a quoted field only at
 * the start of a field; inside one, "" is an escaped quote and a lone "
 * closes it; a quote in the middle of an unquoted field is data (1,ab"c is
 * one row). A newline ends the row unless it is inside a quoted field.
 * iotrc-write frames its input with it, the line reader keeps it in step
 * across the lines it skips, and recovery frames the files with it, so a
 * file is read back exactly as it was written. */
#ifndef IOTRC_CSVSCAN_H
#define IOTRC_CSVSCAN_H
#include <stddef.h>

enum csvs_state {
	CSVS_ROW = 0,     /* at the start of a row (nothing of it seen yet) */
	CSVS_FIELD,       /* at the start of a later field (after a comma) */
	CSVS_DATA,        /* in an unquoted field: a quote here is data */
	CSVS_QUOTED,      /* in a quoted field: a newline here is data */
	CSVS_QUOTE,       /* a quote in a quoted field: "" or the field's end */
};

struct csvscan {
	enum csvs_state st;
};

static inline void csvscan_init(struct csvscan *s)
{
	s->st = CSVS_ROW;
}

/* Scan p[0..n): returns the offset of the first newline that ends a row
 * (the state is then CSVS_ROW, ready for the next row), or n when no row
 * ends in p (the state carries over to the next piece). */
size_t csvscan_feed(struct csvscan *s, const char *p, size_t n);

/* One physical line, without its newline, and then the newline: 1 if it
 * ends the row, 0 if the row continues on the next line (the newline was
 * inside a quoted field). */
int csvscan_line(struct csvscan *s, const char *line, size_t n);
#endif
