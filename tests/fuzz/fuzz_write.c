/* fuzz_write.c — iotrc-write's recovery scanner (filters/write/write_recover.c),
 * the code that decides how much of a killed writer's leftover survives.
 * Input byte 0 picks the mode; in zstd mode the rest is cut at 0xff bytes
 * into pieces, each compressed as one frame with a checksum (as the writer
 * flushes), and the file is cut at a point chosen by byte 1 (a kill during
 * a write), maybe followed by garbage. The scanner must keep exactly the
 * whole frames before the cut whose rows all end; in plain mode, exactly
 * the bytes up to the last row end. Rows are framed by a reference framer
 * written here a byte at a time, not by lib/csvscan.c. The file is an unlinked temporary. */
#include "write.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

static int tmpfd = -1;

/* The reference framer, a byte at a time (RFC 4180 as pandas reads it):
 * *q is 0 at a field start, 1 in an unquoted field, 2 in a quoted one, 3
 * after a quote in a quoted one. Is this byte a row end? */
static int row_end(uint8_t c, int *q)
{
	switch (*q) {
	case 2:
		*q = c == '"' ? 3 : 2;
		return 0;
	case 3:
		if (c == '"') {
			*q = 2;
			return 0;
		}
		/* FALLTHROUGH: the field is closed; c is outside quotes */
	case 1:
		*q = c == ',' || c == '\n' ? 0 : 1;
		return c == '\n';
	default:
		*q = c == '"' ? 2 : c == ',' || c == '\n' ? 0 : 1;
		return c == '\n';
	}
}

/* rows in p[0..n), state in *q; *ends: p ends at the end of a row */
static uint64_t rows_of(const uint8_t *p, size_t n, int *q, int *ends)
{
	uint64_t r = 0;
	*ends = 0;
	for (size_t i = 0; i < n; i++)
		r += (uint64_t)(*ends = row_end(p[i], q));
	return r;
}

static void put_file(const void *p, size_t n)
{
	if (ftruncate(tmpfd, 0) < 0 || (n && pwrite(tmpfd, p, n, 0) != (ssize_t)n) ||
	    lseek(tmpfd, 0, SEEK_SET) < 0)
		abort();
}

static void plain(const uint8_t *d, size_t n)
{
	uint64_t off, rows, want_off = 0, want_rows = 0;
	int q = 0;
	for (size_t i = 0; i < n; i++)
		if (row_end(d[i], &q))
			want_rows++, want_off = i + 1;
	put_file(d, n);
	recover_scan(tmpfd, 0, &off, &rows);
	if (off != want_off || rows != want_rows)
		abort();
}

static void zst(const uint8_t *d, size_t n, size_t cutsel, int garbage)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n) + 64 * (n + 1), len = 0, nb = 0;
	uint8_t *file = malloc(cap + n);
	size_t *bound = malloc((n + 2) * sizeof *bound);
	uint64_t *brows = malloc((n + 2) * sizeof *brows), off, rows, r = 0;
	int q = 0, ok = 1, ends;
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	for (size_t s = 0; s <= n;) {
		size_t e = s;
		while (e < n && d[e] != 0xff)
			e++;
		if (e > s) {
			size_t z = ZSTD_compress2(c, file + len, cap - len, d + s, e - s);
			if (ZSTD_isError(z))
				abort();
			len += z;
			r += rows_of(d + s, e - s, &q, &ends);
			ok = ok && ends;                 /* the scan stops at a frame not ending a row */
			bound[nb] = len, brows[nb++] = ok ? r : UINT64_MAX;
		}
		s = e + 1;
	}
	{
		size_t cut = len ? cutsel % (len + 1) : 0, want_off = 0;
		uint64_t want_rows = 0;
		for (size_t i = 0; i < nb && bound[i] <= cut && brows[i] != UINT64_MAX; i++)
			want_off = bound[i], want_rows = brows[i];
		if (garbage && cut == len)               /* junk after whole frames */
			memcpy(file + cut, d, n), cut += n;
		put_file(file, cut);
		recover_scan(tmpfd, 1, &off, &rows);
		/* junk may by chance be a frame of its own: only more is allowed then */
		if (garbage ? off < want_off || rows < want_rows || off > cut
		            : off != want_off || rows != want_rows)
			abort();
	}
	ZSTD_freeCCtx(c);
	free(file), free(bound), free(brows);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (tmpfd < 0) {
		char path[] = "/tmp/fuzz_write.XXXXXX";
		tmpfd = mkstemp(path);
		if (tmpfd < 0)
			abort();
		unlink(path);
	}
	if (n < 2 || n > 8192)
		return 0;
	if (d[0] & 1)
		zst(d + 2, n - 2, (size_t)d[1] * 131 + (d[0] >> 1), d[0] & 2);
	else
		plain(d + 2, n - 2);
	return 0;
}
