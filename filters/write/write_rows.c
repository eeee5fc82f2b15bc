/* write_rows.c — from input lines to rows: RFC 4180 rows may span lines
 * (a quoted field holding a newline), the first row is the header, and a
 * later header row starts a new file (a layout change) or is skipped (the
 * same header again, e.g. a restarted producer). Every data row is then
 * either in a file or counted in rows_dropped. */
#include "write.h"
#include "util.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void rows_init(struct wrows *r)
{
	memset(r, 0, sizeof *r);
	csvscan_init(&r->cs);
}

void rows_free(struct wrows *r)
{
	free(r->buf);
	r->buf = NULL;
}

static void set_header(struct writer *w, const char *p, size_t n)
{
	const char *comma = memchr(p, ',', n);
	free(w->header);
	w->header = xmalloc(n + 1);
	memcpy(w->header, p, n);
	w->header[n] = 0;
	w->header_len = n;
	w->hfirst_len = comma ? (size_t)(comma - p) : n;
}

/* A header row is recognised by its first field: the same name as the
 * first column of the header in force ("timestamp" in every schema
 * stream), which no data row holds there. */
static int header_like(const struct writer *w, const char *p, size_t n)
{
	size_t k = w->hfirst_len;
	return k && n >= k && memcmp(p, w->header, k) == 0 && (n == k || p[k] == ',');
}

static void header_row(struct writer *w, const char *p, size_t n)
{
	if (n == w->header_len && memcmp(p, w->header, n) == 0) {
		w->st.headers_repeated++;
		return;
	}
	/* other columns: never mix layouts in one file */
	w->st.headers_changed++;
	(void)out_finish(w);
	set_header(w, p, n);
}

void writer_take_row(struct writer *w, const char *row, size_t n)
{
	struct wfile *f = &w->f;
	w->st.rows_in++;
	if (out_ensure(w) < 0) {
		w->st.rows_dropped++;
		return;
	}
	if (out_row(w, row, n) < 0) {
		out_broken(w, errno);
		return;
	}
	if ((w->cfg.max_rows && f->rows >= w->cfg.max_rows) ||
	    (w->cfg.max_bytes && f->off >= w->cfg.max_bytes))
		(void)out_finish(w);
}

static void one_row(struct writer *w, const char *p, size_t n)
{
	if (n == 0) {
		w->st.blank_lines++;
	} else if (!w->header) {
		set_header(w, p, n);
	} else if (header_like(w, p, n)) {
		header_row(w, p, n);
	} else {
		writer_take_row(w, p, n);
	}
}

static void drop_long_row(struct writer *w)
{
	if (!w->st.rows_too_long)
		warnmsg("stdin: a row longer than --max-row (%zu bytes) dropped", w->cfg.max_row);
	w->st.rows_too_long++;
	w->st.rows_in++;
	w->st.rows_dropped++;
}

static void append(struct writer *w, struct wrows *r, const char *p, size_t n, int nl)
{
	size_t need = r->len + nl + n;
	if (r->oversize || need > w->cfg.max_row) {
		r->oversize = 1;
		return;
	}
	if (need > r->cap) {
		r->cap = need < 4096 ? 4096 : need * 2 > w->cfg.max_row ? w->cfg.max_row : need * 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	if (nl)
		r->buf[r->len++] = '\n';
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

/* One input line, without its newline. A line that starts inside a
 * quoted field continues the row in progress. */
void rows_line(struct writer *w, struct wrows *r, const char *line, size_t n)
{
	int cont = r->cs.st != CSVS_ROW;
	int ends = csvscan_line(&r->cs, line, n);
	/* The reader keeps CRs (keep_cr): one that ends a row is a CRLF line
	 * end and goes; one inside an open quoted field is data and stays. */
	if (ends && n && line[n - 1] == '\r')
		n--;
	if (!cont) {
		if (ends) {
			if (n > w->cfg.max_row)        /* the reader's floor is 4 KiB */
				drop_long_row(w);
			else
				one_row(w, line, n);   /* the common case: no copy */
			return;
		}
		r->len = 0;
		r->oversize = 0;
		append(w, r, line, n, 0);
		return;
	}
	if (r->discard) {                 /* counted when it was skipped */
		r->discard = !ends;
		return;
	}
	append(w, r, line, n, 1);
	if (!ends)
		return;
	if (r->oversize)
		drop_long_row(w);
	else
		one_row(w, r->buf, r->len);
	r->len = 0;
}

/* The reader skipped lines longer than its buffer (rdr.h), through our
 * framer: each row that ended in them is lost, and so is the row still
 * open after them, whose remaining lines are then discarded; a row whose
 * start was already counted (discard) is not counted again. A row in
 * progress (buffered lines) is one of these rows. */
void rows_too_long(struct writer *w, struct wrows *r, uint64_t too_long, uint64_t skipped_rows)
{
	int open = r->cs.st != CSVS_ROW;
	uint64_t k = skipped_rows - r->skipped_seen + (uint64_t)open - (uint64_t)r->discard;
	r->too_long_seen = too_long;
	r->skipped_seen = skipped_rows;
	r->len = 0;
	r->discard = open;
	while (k--)
		drop_long_row(w);
}

/* End of input inside quotes: the last row is torn; a file holding it
 * would not parse, so it is dropped and counted. So is the start of a row
 * that a stop signal cut short (torn): the rest was never read. */
void rows_end(struct writer *w, struct wrows *r, int torn)
{
	int inq = r->cs.st != CSVS_ROW && !r->discard;   /* a discarded rest was counted */
	csvscan_init(&r->cs);
	r->discard = 0;
	if ((!inq && !torn) || !w->header)
		return;
	if (inq)
		warnmsg("stdin: input ended inside a quoted field; last row dropped");
	else
		warnmsg("stdin: stopped in the middle of a row; it was dropped");
	w->st.rows_in++;
	w->st.rows_dropped++;
}
