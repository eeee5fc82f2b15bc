/* top_csv.c — the fs CSV stream into the counters. Rows are framed by
 * lib/csvscan (as iotrc-write frames them, so a quoted newline in a path
 * stays inside its row), fed in pieces of any size; a row split between
 * pieces waits in a carry buffer. Each input starts with a header row that
 * says where our columns are (their order is free, unknown names are an
 * error, so another stream's CSV is refused with one clear message). A
 * later row equal to the header (files concatenated) is skipped; a
 * different header changes the layout. Data rows with the wrong number of
 * fields, a bad pid or a bad byte count are counted as malformed. */
#include "top.h"
#include "schema.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_TS, K_OP, K_PID, K_CMD, K_FILE, K_BYTES, K_CMDLINE, K_N };
static const char *const kname[K_N] = {
	"timestamp", "operation", "pid", "command", "filename", "bytes_completed", "cmdline",
};
static const unsigned char krequired[K_N] = { 0, 1, 1, 1, 1, 1, 0 };

#define MAXFIELDS 64

struct field {
	const char *p;
	size_t n;
};

void tcsv_init(struct tcsv *c, struct top *t)
{
	memset(c, 0, sizeof *c);
	c->top = t;
	c->ccap = 65536;
	c->carry = xmalloc(c->ccap);
	c->scap = 65536;
	c->scratch = xmalloc(c->scap);
	csvscan_init(&c->cs);
}

void tcsv_free(struct tcsv *c)
{
	free(c->carry);
	free(c->scratch);
	free(c->header);
	c->carry = c->scratch = c->header = NULL;
}

void tcsv_start(struct tcsv *c, const char *name)
{
	csvscan_init(&c->cs);
	c->clen = 0;
	c->skipping = 0;
	c->have_header = 0;
	c->name = name;
	c->err[0] = 0;
}

/* The bytes of w equal to the byte in ones (0x0101.. * byte): the high bit
 * of each such byte set, no other (exact, unlike the (x - 1) & ~x trick). */
static inline uint64_t eq_bytes(uint64_t w, uint64_t pattern)
{
	const uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL;
	uint64_t x = w ^ pattern;
	return ~(((x & lo7) + lo7) | x | lo7);
}

/* Most rows hold no quote: their fields are found eight bytes at a time.
 * -1 when there is a quote (the caller splits the row the slow way). */
static int split_plain(const char *p, size_t n, struct field *f, int max, int *nf)
{
	const uint64_t commas = 0x2C2C2C2C2C2C2C2CULL;
	const char *start = p, *s = p, *end = p + n;
	int k = 0;
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || memchr(p, '"', n))
		return -1;
	for (; s + 8 <= end; s += 8) {
		uint64_t w, m;
		memcpy(&w, s, 8);
		for (m = eq_bytes(w, commas); m; m &= m - 1) {
			const char *comma = s + (__builtin_ctzll(m) >> 3);
			if (k == max)
				return *nf = max + 1, 0;
			f[k].p = start, f[k].n = (size_t)(comma - start);
			k++;
			start = comma + 1;
		}
	}
	for (; s < end; s++)
		if (*s == ',') {
			if (k == max)
				return *nf = max + 1, 0;
			f[k].p = start, f[k].n = (size_t)(s - start);
			k++;
			start = s + 1;
		}
	if (k == max)
		return *nf = max + 1, 0;
	f[k].p = start, f[k].n = (size_t)(end - start);
	*nf = k + 1;
	return 0;
}

/* Split row p[0..n) into fields (at most max; *nf gets the count, max + 1
 * when there are more). A field that starts with a quote is unquoted into
 * scratch: "" is a quote, a lone quote closes it and what follows up to
 * the comma is data (as lib/csvscan frames it). 1 when scratch holds some
 * field (valid until the next split), 0 when all point into p. */
static int split(struct tcsv *c, const char *p, size_t n, struct field *f, int max, int *nf)
{
	const char *end = p + n;
	char *s;
	int k = 0;
	if (split_plain(p, n, f, max, nf) == 0)
		return 0;
	if (c->scap < n) {
		free(c->scratch);
		c->scap = n;
		c->scratch = xmalloc(c->scap);
	}
	s = c->scratch;
	for (;;) {
		const char *comma;
		if (k == max) {
			*nf = max + 1;
			return 1;
		}
		if (p < end && *p == '"') {
			char *start = s;
			p++;
			for (;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));
				if (!q) {            /* cannot be: the framer saw the end */
					memcpy(s, p, (size_t)(end - p));
					s += end - p, p = end;
					break;
				}
				memcpy(s, p, (size_t)(q - p));
				s += q - p;
				p = q + 1;
				if (p < end && *p == '"') {
					*s++ = '"';
					p++;
					continue;
				}
				break;
			}
			comma = memchr(p, ',', (size_t)(end - p));
			if (!comma)
				comma = end;
			memcpy(s, p, (size_t)(comma - p));
			s += comma - p;
			f[k].p = start, f[k].n = (size_t)(s - start);
		} else {
			comma = memchr(p, ',', (size_t)(end - p));
			if (!comma)
				comma = end;
			f[k].p = p, f[k].n = (size_t)(comma - p);
		}
		k++;
		if (comma == end) {
			*nf = k;
			return 1;
		}
		p = comma + 1;
	}
}

/* Printable text of s[0..n) for a message, at most 40 characters. */
static const char *quoted(const char *s, size_t n, char *out)
{
	size_t i;
	for (i = 0; i < n && i < 40; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = 0;
	return out;
}

static int bad_header(struct tcsv *c, const char *p, size_t n, const struct field *f, int nf)
{
	const struct schema_stream *fs = schema_find("fs");
	char q[48];
	int k, i;
	for (size_t s = 0; s < schema_nstreams; s++) {
		const char *h = schema_header(&schema_streams[s]);
		if (&schema_streams[s] != fs && strlen(h) == n && memcmp(h, p, n) == 0) {
			snprintf(c->err, sizeof c->err, "not an fs CSV: this is the %s stream",
			         schema_streams[s].name);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t') {
			snprintf(c->err, sizeof c->err, "not an fs CSV: the first row is not text");
			return -1;
		}
	if (nf > MAXFIELDS) {
		snprintf(c->err, sizeof c->err, "not an fs CSV: more than %d columns", MAXFIELDS);
		return -1;
	}
	for (k = 0; k < nf; k++) {
		size_t j;
		for (j = 0; j < fs->ncols; j++)
			if (strlen(fs->cols[j].name) == f[k].n &&
			    memcmp(fs->cols[j].name, f[k].p, f[k].n) == 0)
				break;
		if (j < fs->ncols)
			continue;
		if (k == 0 && f[0].n && f[0].p[0] >= '0' && f[0].p[0] <= '9')
			snprintf(c->err, sizeof c->err, "not an fs CSV: no header row (the first row is data)");
		else
			snprintf(c->err, sizeof c->err, "not an fs CSV: unknown column \"%s\"",
			         quoted(f[k].p, f[k].n, q));
		return -1;
	}
	for (k = 0; k < nf; k++)
		for (i = 0; i < k; i++)
			if (f[i].n == f[k].n && memcmp(f[i].p, f[k].p, f[k].n) == 0) {
				snprintf(c->err, sizeof c->err, "not an fs CSV: column \"%s\" twice",
				         quoted(f[k].p, f[k].n, q));
				return -1;
			}
	return 0;
}

/* The header row: where each of our columns is. */
static int header(struct tcsv *c, const char *p, size_t n)
{
	struct field f[MAXFIELDS];
	int nf, k, i;
	split(c, p, n, f, MAXFIELDS, &nf);
	if (bad_header(c, p, n, f, nf) < 0)
		return -1;
	for (k = 0; k < K_N; k++) {
		c->col[k] = -1;
		for (i = 0; i < nf; i++)
			if (strlen(kname[k]) == f[i].n && memcmp(kname[k], f[i].p, f[i].n) == 0)
				c->col[k] = i;
		if (c->col[k] < 0 && krequired[k]) {
			snprintf(c->err, sizeof c->err, "not an fs CSV: no column \"%s\"", kname[k]);
			return -1;
		}
	}
	c->ncols = nf;
	free(c->header);
	c->header = xmalloc(n + 1);
	memcpy(c->header, p, n);
	c->hlen = n;
	c->have_header = 1;
	c->headers++;
	return 0;
}

static enum top_op op_of(const struct field *f)
{
	if (f->n == 4 && memcmp(f->p, "read", 4) == 0)
		return OP_READ;
	if (f->n == 5 && memcmp(f->p, "write", 5) == 0)
		return OP_WRITE;
	return OP_OTHER;
}

static const struct field none = { "", 0 };

/* Count the rows held: their table slots were asked for as they were
 * parsed; now their entries, then the counting, so that the cache misses
 * of a batch overlap instead of coming one after the other. */
static void flush_batch(struct tcsv *c)
{
	for (int i = 0; i < c->nbatch; i++)
		top_prefetch_entry(c->top, c->batch[i].hash);
	for (int i = 0; i < c->nbatch; i++)
		top_row(c->top, &c->batch[i]);
	c->nbatch = 0;
}

/* One row. batchable: its bytes stay where they are until the end of
 * this tcsv_feed (not the carry buffer, not unquoted into scratch), so it
 * may wait in the batch. */
static int row(struct tcsv *c, const char *p, size_t n, int batchable)
{
	struct field f[MAXFIELDS];
	const struct field *ts, *cl;
	struct trow r;
	uint64_t v;
	int nf;
	if (n && p[n - 1] == '\r')    /* CR LF line ends, as iotrc-write reads them */
		n--;
	if (!n)
		return 0;                 /* a blank line */
	if (!c->have_header)
		return header(c, p, n);
	if (p[0] == c->header[0] && n >= 9 && p[0] >= 'a' && p[0] <= 'z') {
		if (n == c->hlen && memcmp(p, c->header, n) == 0) {
			c->headers++;         /* the same header again: files joined */
			return 0;
		}
		split(c, p, n, f, MAXFIELDS, &nf);
		if (nf >= 1 && f[0].n == strlen(kname[0]) && memcmp(f[0].p, kname[0], f[0].n) == 0)
			return header(c, p, n);
	}
	if (split(c, p, n, f, c->ncols, &nf))
		batchable = 0;
	if (nf != c->ncols) {
		c->malformed++;
		return 0;
	}
	if (parse_u64_n(f[c->col[K_PID]].p, f[c->col[K_PID]].n, &v) < 0 || v > UINT32_MAX) {
		c->malformed++;
		return 0;
	}
	r.pid = (uint32_t)v;
	r.op = op_of(&f[c->col[K_OP]]);
	r.bytes = 0;
	if (r.op != OP_OTHER && f[c->col[K_BYTES]].n &&
	    parse_u64_n(f[c->col[K_BYTES]].p, f[c->col[K_BYTES]].n, &r.bytes) < 0) {
		c->malformed++;
		return 0;
	}
	ts = c->col[K_TS] >= 0 ? &f[c->col[K_TS]] : &none;
	cl = c->col[K_CMDLINE] >= 0 ? &f[c->col[K_CMDLINE]] : &none;
	r.cmd = f[c->col[K_CMD]].p, r.cmdn = f[c->col[K_CMD]].n;
	r.path = f[c->col[K_FILE]].p, r.pathn = f[c->col[K_FILE]].n;
	r.ts = ts->p, r.tsn = ts->n;
	r.cmdline = cl->p, r.cmdlinen = cl->n;
	r.hash = top_hash(r.pid, r.path, r.pathn);
	c->rows++;
	if (!batchable) {
		flush_batch(c);
		top_row(c->top, &r);
		return 0;
	}
	top_prefetch_slot(c->top, r.hash);
	c->batch[c->nbatch++] = r;
	if (c->nbatch == TCSV_BATCH)
		flush_batch(c);
	return 0;
}

/* Keep p[0..n) of a row that goes on in the next piece. */
static void carry(struct tcsv *c, const char *p, size_t n)
{
	if (c->skipping)
		return;
	if (c->clen + n > TCSV_MAXROW) {
		c->skipping = 1;          /* counted when the row ends */
		c->clen = 0;
		return;
	}
	if (c->clen + n > c->ccap) {
		while (c->clen + n > c->ccap)
			c->ccap *= 2;
		c->carry = xrealloc(c->carry, c->ccap);
	}
	memcpy(c->carry + c->clen, p, n);
	c->clen += n;
}

int tcsv_feed(struct tcsv *c, const char *p, size_t n)
{
	size_t off = 0;
	while (off < n) {
		size_t k = csvscan_feed(&c->cs, p + off, n - off);
		int rc = 0;
		if (k == n - off) {
			carry(c, p + off, k);
			break;
		}
		if (c->clen || c->skipping) {
			carry(c, p + off, k);
			if (c->skipping)
				c->too_long++;
			else
				rc = row(c, c->carry, c->clen, 0);
			c->clen = 0;
			c->skipping = 0;
		} else if (k > TCSV_MAXROW) {
			c->too_long++;
		} else
			rc = row(c, p + off, k, 1);
		if (rc < 0) {
			flush_batch(c);
			return -1;
		}
		off += k + 1;
	}
	flush_batch(c);               /* its rows point into p */
	return 0;
}

int tcsv_finish(struct tcsv *c)
{
	int rc = 0;
	if (c->skipping)
		c->too_long++;
	else if (c->clen && c->cs.st == CSVS_QUOTED)
		c->malformed++;           /* the last row ends inside quotes */
	else if (c->clen)
		rc = row(c, c->carry, c->clen, 0);
	c->clen = 0;
	c->skipping = 0;
	csvscan_init(&c->cs);
	return rc;
}
