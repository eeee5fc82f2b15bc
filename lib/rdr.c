/* rdr.c — see rdr.h */
#include "rdr.h"
#include "csvscan.h"
#include "util.h"
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rdr_init(struct rdr *r, int fd, size_t maxline)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->cap = maxline < 4096 ? 4096 : maxline;
	r->buf = xmalloc(r->cap);
	return 0;
}

void rdr_free(struct rdr *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Bytes of an over-long line being skipped, its newline included when
 * nl: a CSV reader's framer sees them as if the line had been read. */
static void skip_bytes(struct rdr *r, const char *p, size_t n, int nl)
{
	if (r->csv && (csvscan_feed(r->csv, p, n + (size_t)nl) < n + (size_t)nl))
		r->skipped_rows++;    /* only the newline can end the row */
}

/* A complete line in the buffer, or a full buffer with no newline (which
 * starts skipping), or the last unterminated piece at EOF. */
static int take_line(struct rdr *r, char **line, size_t *len)
{
	for (;;) {
		char *p = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - p);
			r->start += n + 1;
			if (r->skipping) {      /* tail of an over-long line */
				skip_bytes(r, p, n, 1);
				r->skipping = 0;
				continue;
			}
			if (n && p[n - 1] == '\r' && !r->keep_cr)
				n--;
			*line = p, *len = n;
			r->lines++;
			return RDR_LINE;
		}
		if (r->skipping) {
			skip_bytes(r, p, avail, 0);
			r->start = r->end = 0;
			return 0;
		}
		if (avail == r->cap) {          /* longer than any buffer */
			skip_bytes(r, p, avail, 0);
			r->too_long++;
			r->skipping = 1;
			r->start = r->end = 0;
			return 0;
		}
		if (r->eof && avail) {
			r->start = r->end;
			if (p[avail - 1] == '\r' && !r->keep_cr)
				avail--;
			*line = p, *len = avail;
			r->lines++;
			return RDR_LINE;
		}
		return 0;
	}
}

static int fill(struct rdr *r, int timeout_ms)
{
	ssize_t n;
	if (r->start && r->start == r->end)
		r->start = r->end = 0;
	if (r->start && r->end == r->cap) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (timeout_ms >= 0) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int pr = poll(&pfd, 1, timeout_ms);
		if (pr == 0 || (pr < 0 && errno == EINTR))
			return RDR_AGAIN;
		if (pr < 0) {
			r->err = errno;
			return RDR_ERR;
		}
	}
	n = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return RDR_AGAIN;
		r->err = errno;
		return RDR_ERR;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	r->bytes += (uint64_t)n;
	return 1;
}

int rdr_next(struct rdr *r, char **line, size_t *len, int timeout_ms)
{
	int fed = 0;
	for (;;) {
		int st;
		if (take_line(r, line, len) == RDR_LINE)
			return RDR_LINE;
		if (r->eof)
			return RDR_EOF;
		if (r->skipping && timeout_ms >= 0 && fed++)
			return RDR_AGAIN;
		st = fill(r, timeout_ms);
		if (st != 1)
			return st;
	}
}
