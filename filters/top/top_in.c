/* top_in.c — one input (stdin, a file, the file a session is writing):
 * plain CSV, or zstd told by its magic number whatever the name. zstd is
 * read frame by frame: lib/zframe says where each frame ends, from the
 * bytes alone, and the frame is decoded only once it is whole (so its
 * checksum is checked and a frame cut short adds nothing), then its rows
 * go to top_csv. iotrc-write ends a frame at every flush, after a whole
 * row, so a file being written is read up to its last flush. A frame
 * bigger than SPILL (a file made by zstd(1) is one frame) is decoded as
 * its bytes come instead of held whole. */
#include "top.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define SPILL (16u << 20)
#define READ_CHUNK (1u << 20)

void tin_init(struct tin *in, struct tcsv *csv, const char *name)
{
	memset(in, 0, sizeof *in);
	in->csv = csv;
	in->name = name;
	zframe_init(&in->z);
	tcsv_start(csv, name);
}

void tin_free(struct tin *in)
{
	if (in->ds)
		ZSTD_freeDStream(in->ds);
	free(in->cbuf);
	free(in->obuf);
	in->ds = NULL;
	in->cbuf = in->obuf = NULL;
}

static int csv_err(struct tin *in)
{
	snprintf(in->err, sizeof in->err, "%s: %s", in->name, in->csv->err);
	return -1;
}

static int plain(struct tin *in, const void *p, size_t n)
{
	return tcsv_feed(in->csv, p, n) < 0 ? csv_err(in) : 0;
}

/* Decode p[0..n), the next bytes of the current frame (all of the rest
 * of it when end), rows to top_csv. */
static int decode(struct tin *in, const char *p, size_t n, int end)
{
	ZSTD_inBuffer zi = { p, n, 0 };
	for (;;) {
		ZSTD_outBuffer zo = { in->obuf, in->ocap, 0 };
		size_t rc = ZSTD_decompressStream(in->ds, &zo, &zi);
		if (ZSTD_isError(rc)) {
			snprintf(in->err, sizeof in->err, "%s: bad zstd data in frame %llu: %s", in->name,
			         (unsigned long long)in->frames + 1, ZSTD_getErrorName(rc));
			return -1;
		}
		if (zo.pos && tcsv_feed(in->csv, in->obuf, zo.pos) < 0)
			return csv_err(in);
		if (rc == 0 && zi.pos == zi.size) {
			if (!end)
				break;        /* cannot be: the walker says it goes on */
			return 0;
		}
		if (zi.pos == zi.size && zo.pos < zo.size) {
			if (!end)
				return 0;
			snprintf(in->err, sizeof in->err, "%s: bad zstd data: frame %llu does not end where its blocks say",
			         in->name, (unsigned long long)in->frames + 1);
			return -1;
		}
	}
	snprintf(in->err, sizeof in->err, "%s: bad zstd data: frame %llu ends early", in->name,
	         (unsigned long long)in->frames + 1);
	return -1;
}

static void hold(struct tin *in, const char *p, size_t n)
{
	if (in->clen + n > in->ccap) {
		in->ccap = in->ccap ? in->ccap : 65536;
		while (in->clen + n > in->ccap)
			in->ccap *= 2;
		in->cbuf = xrealloc(in->cbuf, in->ccap);
	}
	memcpy(in->cbuf + in->clen, p, n);
	in->clen += n;
}

static int zstd(struct tin *in, const char *p, size_t n)
{
	while (n) {
		size_t used;
		int r = zframe_walk(&in->z, p, n, &used);
		if (r == ZF_BAD) {
			snprintf(in->err, sizeof in->err, "%s: bad zstd data after %llu frames (%s)", in->name,
			         (unsigned long long)in->frames,
			         in->frames ? "a corrupt frame" : "not a zstd file");
			return -1;
		}
		if (in->spill) {
			if (decode(in, p, used, r == ZF_END) < 0)
				return -1;
		} else {
			hold(in, p, used);
			if (in->clen > SPILL && r != ZF_END) {
				in->spill = 1;
				if (decode(in, in->cbuf, in->clen, 0) < 0)
					return -1;
				in->clen = 0;
			}
		}
		if (r == ZF_END) {
			if (!in->spill && decode(in, in->cbuf, in->clen, 1) < 0)
				return -1;
			in->clen = 0;
			in->spill = 0;
			in->frames++;
		}
		p += used, n -= used;
	}
	return 0;
}

static const unsigned char zmagic[4] = { 0x28, 0xB5, 0x2F, 0xFD };

static int is_zstd(const unsigned char *h)
{
	/* a zstd frame, or a skippable frame (0x184D2A5?) */
	return memcmp(h, zmagic, 4) == 0 || ((h[0] & 0xF0) == 0x50 && h[1] == 0x2A && h[2] == 0x4D &&
	                                     h[3] == 0x18);
}

static int start_zstd(struct tin *in)
{
	in->kind = 2;
	in->ds = ZSTD_createDStream();
	if (!in->ds)
		die(1, "zstd: cannot create a decompression context");
	/* iotrc-write uses <= 23; a hostile file must not make us allocate more */
	if (ZSTD_isError(ZSTD_DCtx_setParameter(in->ds, ZSTD_d_windowLogMax, 27)))
		die(1, "zstd: cannot limit the window size");
	in->ocap = ZSTD_DStreamOutSize();
	in->obuf = xmalloc(in->ocap);
	return 0;
}

int tin_feed(struct tin *in, const void *data, size_t n)
{
	const char *p = data;
	if (!in->kind) {              /* the first four bytes say which */
		size_t k = 4 - in->nhead < n ? 4 - in->nhead : n;
		memcpy(in->head + in->nhead, p, k);
		in->nhead += k, p += k, n -= k;
		if (in->nhead < 4)
			return 0;
		if (is_zstd(in->head)) {
			start_zstd(in);
			if (zstd(in, (const char *)in->head, 4) < 0)
				return -1;
		} else {
			in->kind = 1;
			if (plain(in, in->head, 4) < 0)
				return -1;
		}
	}
	return in->kind == 2 ? zstd(in, p, n) : plain(in, p, n);
}

int tin_finish(struct tin *in)
{
	int cut = 0;
	if (!in->kind && in->nhead) {  /* under four bytes: plain text */
		in->kind = 1;
		if (plain(in, in->head, in->nhead) < 0)
			return -1;
	}
	if (in->kind == 2 && (in->clen || in->spill || in->z.len)) {
		snprintf(in->err, sizeof in->err,
		         "%s: truncated: the last zstd frame is cut short; read up to the end of frame %llu",
		         in->name, (unsigned long long)in->frames);
		cut = 1;
		in->clen = 0;
		csvscan_init(&in->csv->cs);  /* a part row of the cut frame goes */
		in->csv->clen = 0;
		in->csv->skipping = 0;
	}
	if (tcsv_finish(in->csv) < 0)
		return csv_err(in);
	return cut;
}

int tin_drain(struct tin *in, int fd, size_t max)
{
	static char buf[READ_CHUNK];
	size_t got = 0;
	int rc;
	while (got < max) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			snprintf(in->err, sizeof in->err, "%s: %s", in->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 1;
		/* the HTTP thread reads the counters between two pieces */
		top_lock(in->csv->top);
		rc = tin_feed(in, buf, (size_t)n);
		top_unlock(in->csv->top);
		if (rc < 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int tin_file(struct tcsv *csv, const char *path, char *err, size_t errcap)
{
	struct tin in;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	if (fd < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	tin_init(&in, csv, path);
	while ((rc = tin_drain(&in, fd, SIZE_MAX)) == 0)
		;
	if (rc > 0) {
		top_lock(csv->top);
		rc = tin_finish(&in);
		top_unlock(csv->top);
	}
	if (rc)
		snprintf(err, errcap, "%s", in.err);
	tin_free(&in);
	close(fd);
	return rc < 0 ? -1 : rc;
}
