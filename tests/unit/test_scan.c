/* test_scan.c — the two scanners in lib/: the CSV row framer (csvscan.h,
 * framing as pandas does) and the zstd frame walker (zframe.h), the way a
 * reader follows a .csv.zst that iotrc-write is still writing: the file
 * grown frame by frame, a truncated last frame, garbage. */
#include "check.h"
#include "csvscan.h"
#include "zframe.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Row ends of s fed whole and fed a byte at a time, as "o1 o2 ..." */
static const char *row_ends(const char *s, int bytewise)
{
	static char out[256];
	struct csvscan c;
	size_t n = strlen(s), i = 0, len = 0;
	csvscan_init(&c);
	out[0] = 0;
	while (i < n) {
		size_t k = bytewise ? 1 : n - i, e = csvscan_feed(&c, s + i, k);
		if (e < k)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%zu", len ? " " : "", i + e);
		i += e < k ? e + 1 : k;
	}
	return out;
}

static void test_csv(void)
{
	static const struct { const char *in, *ends; } cases[] = {
		{ "a,b\nc,d\n", "3 7" },
		{ "1,ab\"c\n2,x\n", "6 10" },                 /* a stray quote is data */
		{ "1,\"a\nb\",2\n3\n", "9 11" },              /* newline in a quoted field */
		{ "\"x\"\"y\",1\nz\n", "8 10" },              /* "" is a quote */
		{ "\"ab\"cd,\"\n\"\n", "10" },                /* "ab"cd is abcd; then a quoted \n */
		{ "a,b\"\"c\"\n\n", "7 8" },                  /* quotes mid-field, a blank row */
		{ "x,\"open\nstill\n", "" },                  /* no row ends */
		{ "\"\"\n", "2" },                            /* an empty quoted field */
		{ "a\r\n\"b\r\nc\"\r\n", "2 10" },            /* CRs are data */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CHECK_STR(row_ends(cases[i].in, 0), cases[i].ends);
		CHECK_STR(row_ends(cases[i].in, 1), cases[i].ends);
	}
	{
		struct csvscan c;
		csvscan_init(&c);
		CHECK(csvscan_line(&c, "1,ab\"c", 6) == 1);
		CHECK(csvscan_line(&c, "2,\"open", 7) == 0 && c.st == CSVS_QUOTED);
		CHECK(csvscan_line(&c, "", 0) == 0);
		CHECK(csvscan_line(&c, "closed\",3", 9) == 1 && c.st == CSVS_ROW);
	}
}

/* A file as iotrc-write makes it: frames with checksums, one per flush,
 * and a skippable frame (metadata a reader must step over). */
struct zfile {
	unsigned char *p;
	size_t len, ends[8];
	int n;
};

static void add_frame(struct zfile *f, ZSTD_CCtx *c, const char *rows, size_t n)
{
	size_t z = ZSTD_compress2(c, f->p + f->len, 1 << 20, rows, n);
	CHECK(!ZSTD_isError(z));
	f->len += z;
	f->ends[f->n++] = f->len;
}

static void make_file(struct zfile *f)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	char *big = malloc(300000);
	static const unsigned char skip[] = { 0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c' };
	for (int i = 0; i < 300000; i++)      /* several blocks, poorly compressible */
		big[i] = i % 61 == 60 ? '\n' : (char)('a' + ((unsigned)i * 7919u % 26));
	f->p = malloc(2 << 20);
	f->len = 0, f->n = 0;
	CHECK(!ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
	add_frame(f, c, "timestamp,x\n1,a\n", 16);
	add_frame(f, c, big, 300000);
	memcpy(f->p + f->len, skip, sizeof skip);
	f->len += sizeof skip;
	f->ends[f->n++] = f->len;
	CHECK(!ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0)));
	add_frame(f, c, "2,\"b\nc\"\n", 8);
	add_frame(f, c, "", 0);                /* an empty frame is a frame */
	ZSTD_freeCCtx(c);
	free(big);
}

/* A reader of the growing file: at every length it knows exactly the
 * frames complete so far, with zframe_next from each frame's start. */
static void test_grow(const struct zfile *f)
{
	int bad = 0;
	for (size_t have = 0; have <= f->len; have += have < 64 ? 1 : 997) {
		size_t at = 0, len;
		int frames = 0, r;
		while ((r = zframe_next(f->p + at, have - at, &len)) == ZF_END)
			at += len, frames++;
		int want = 0;
		while (want < f->n && f->ends[want] <= have)
			want++;
		if (r != ZF_MORE || frames != want || (want && at != f->ends[want - 1]))
			bad++;
	}
	CHECK(bad == 0);
	{   /* the walker, fed the whole file in 1000-byte pieces */
		struct zframe z;
		size_t off = 0, used;
		int k = 0;
		zframe_init(&z);
		while (off < f->len) {
			size_t n = f->len - off < 1000 ? f->len - off : 1000;
			int r = zframe_walk(&z, f->p + off, n, &used);
			CHECK(r != ZF_BAD);
			if (r == ZF_END) {
				CHECK(k < f->n && off + used == f->ends[k]);
				CHECK(z.frame_len == f->ends[k] - (k ? f->ends[k - 1] : 0));
				k++;
			}
			off += used;
		}
		CHECK(k == f->n);
	}
}

static void test_bad(const struct zfile *f)
{
	unsigned char *p = malloc(f->len + 16);
	size_t len;
	/* truncated last frame: the whole ones before it, then "need more" */
	size_t at = 0, cut = f->ends[f->n - 2] - 3;
	while (zframe_next(f->p + at, cut - at, &len) == ZF_END)
		at += len;
	CHECK(at == f->ends[f->n - 3]);
	CHECK(zframe_next(f->p + at, cut - at, &len) == ZF_MORE && len == 0);
	/* garbage: at once, even before four bytes are there */
	CHECK(zframe_next("timestamp,x\n", 12, &len) == ZF_BAD);
	CHECK(zframe_next("t", 1, &len) == ZF_BAD);
	CHECK(zframe_next("\x28\xb5", 2, &len) == ZF_MORE);
	CHECK(zframe_next("", 0, &len) == ZF_MORE);
	/* garbage after whole frames: the frames, then ZF_BAD */
	memcpy(p, f->p, f->ends[0]);
	memcpy(p + f->ends[0], "garbage!", 8);
	CHECK(zframe_next(p, f->ends[0] + 8, &len) == ZF_END && len == f->ends[0]);
	CHECK(zframe_next(p + len, 8, &len) == ZF_BAD);
	/* a reserved bit in the frame header; a reserved block type */
	memcpy(p, f->p, f->ends[0]);
	p[4] |= 0x08;
	CHECK(zframe_next(p, f->ends[0], &len) == ZF_BAD);
	memcpy(p, "\x28\xb5\x2f\xfd\x00\x00\x07\x00\x00", 9);  /* no FCS, window byte, block type 3 */
	CHECK(zframe_next(p, 9, &len) == ZF_BAD);
	free(p);
}

int main(void)
{
	struct zfile f;
	test_csv();
	make_file(&f);
	test_grow(&f);
	test_bad(&f);
	free(f.p);
	return CHECK_DONE();
}
