/* fuzz_scan.c — the scanners in lib/: the CSV row framer (csvscan.c)
 * against a framer written here a byte at a time, fed in pieces cut where
 * the input says; and the zstd frame walker (zframe.c) against libzstd's
 * ZSTD_findFrameCompressedSize, whole and in pieces, on the input as it
 * is (mostly garbage) and on frames made from it. Byte 0 picks the mode
 * and the piece size. */
#include "csvscan.h"
#include "zframe.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* 0 field start, 1 unquoted, 2 quoted, 3 quote in quoted */
static int ref_end(uint8_t c, int *q)
{
	if (*q == 2) {
		*q = c == '"' ? 3 : 2;
		return 0;
	}
	if (*q == 3 && c == '"') {
		*q = 2;
		return 0;
	}
	if (*q == 0 && c == '"') {
		*q = 2;
		return 0;
	}
	*q = c == ',' || c == '\n' ? 0 : 1;
	return c == '\n';
}

/* Every row end, fed in pieces, where the reference has one, in order. */
static void csv(const uint8_t *d, size_t n, size_t piece)
{
	struct csvscan s;
	size_t i = 0, next = 0;
	int q = 0;
	csvscan_init(&s);
	while (next < n && !ref_end(d[next], &q))
		next++;
	while (i < n) {
		size_t k = n - i < piece ? n - i : piece, e;
		e = csvscan_feed(&s, (const char *)d + i, k);
		if (e < k) {
			if (i + e != next || s.st != CSVS_ROW)
				abort();
			i += e + 1;
			while (++next < n && !ref_end(d[next], &q))
				;
		} else {
			if (next < i + k)
				abort();
			i += k;
		}
	}
	if ((q == 2) != (s.st == CSVS_QUOTED))
		abort();
}

static void frames(const uint8_t *d, size_t n, size_t piece)
{
	size_t at = 0, len;
	while (at < n) {
		size_t want = ZSTD_findFrameCompressedSize(d + at, n - at);
		int r = zframe_next(d + at, n - at, &len);
		if (r == ZF_END) {
			/* libzstd checks more (window sizes, literal headers): it
			 * may refuse what the walker takes, never the reverse */
			if (!ZSTD_isError(want) && want != len)
				abort();
			at += len;
			continue;
		}
		if (!ZSTD_isError(want))   /* zstd found a whole frame */
			abort();
		break;
	}
	{   /* in pieces: the same frame ends */
		struct zframe z;
		size_t off = 0, used, at2 = 0;
		zframe_init(&z);
		while (off < n) {
			size_t k = n - off < piece ? n - off : piece;
			int r = zframe_walk(&z, d + off, k, &used);
			if (r == ZF_BAD)
				break;
			off += used;
			if (r == ZF_END)
				at2 = off;
		}
		if (at2 > at)
			abort();
	}
}

static void made_frames(const uint8_t *d, size_t n, size_t piece)
{
	size_t cap = ZSTD_compressBound(n) * 2 + 64, len = 0;
	uint8_t *f = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, (int)(piece & 1));
	for (size_t s = 0; s < n; s += piece) {
		size_t k = n - s < piece ? n - s : piece;
		size_t z = ZSTD_compress2(c, f + len, cap - len, d + s, k);
		if (ZSTD_isError(z))
			abort();
		len += z;
	}
	frames(f, len, piece);
	{
		size_t at = 0, l;
		while (at < len && zframe_next(f + at, len - at, &l) == ZF_END)
			at += l;
		if (at != len)
			abort();
	}
	ZSTD_freeCCtx(c);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	size_t piece;
	if (n < 1 || n > 65536)
		return 0;
	piece = (size_t)(d[0] >> 2) + 1;
	switch (d[0] & 3) {
	case 0: case 1: csv(d + 1, n - 1, piece); break;
	case 2: frames(d + 1, n - 1, piece); break;
	default: made_frames(d + 1, n - 1, piece * 37); break;
	}
	return 0;
}
