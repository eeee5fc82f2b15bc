/* rdr.h — buffered line reader for hostile input.
 * Copes with partial reads, EINTR, NUL bytes (kept, lines carry a length),
 * CRLF (the CR is dropped), a missing final newline, and lines longer than
 * the buffer (skipped whole and counted in too_long). A CSV reader sets
 * csv to its row framer: the skipped bytes go through it too, so the
 * framing stays in step, and the rows that end in them are counted. */
#ifndef IOTRC_RDR_H
#define IOTRC_RDR_H
#include <stddef.h>
#include <stdint.h>

struct csvscan;

enum { RDR_LINE = 1, RDR_EOF = 0, RDR_AGAIN = -2, RDR_ERR = -1 };

struct rdr {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof, skipping;
	int keep_cr;     /* CSV readers: a CR may be data inside a quoted field */
	uint64_t lines, too_long, bytes;
	struct csvscan *csv;      /* CSV readers: their framer, fed the skipped bytes */
	uint64_t skipped_rows;    /* rows it saw end in skipped bytes */
	int err;  /* errno of a read failure */
};

int rdr_init(struct rdr *r, int fd, size_t maxline);
void rdr_free(struct rdr *r);
/* Next line (without its newline) in *line and *len, valid until the next call.
 * timeout_ms < 0 blocks; otherwise RDR_AGAIN after that long without a
 * whole line, when a signal interrupted the wait, or after each read that
 * only fed an over-long line being skipped (so an endless line cannot
 * starve the caller's timers). */
int rdr_next(struct rdr *r, char **line, size_t *len, int timeout_ms);
#endif
