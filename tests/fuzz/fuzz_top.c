/* fuzz_top.c — iotrc-top's input path: bytes (plain, or cut at 0xff bytes
 * into zstd frames as iotrc-write flushes them) through tin_feed in pieces
 * into top_csv and the counters under a small budget, then every report
 * form written out. Byte 0 picks the mode (low two bits: plain, plain
 * after an fs header, zstd, zstd after an fs header), the piece size and
 * the budget. Whatever the input, the counters must add up: each process
 * is its files plus its "(other)", the totals are the processes plus the
 * global "(other)", every data row is counted once, and the budget holds. */
#include "top.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

static const char hdr[] =
	"timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,inode,device,"
	"flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,address,cmdline,ppid,"
	"container_id,fs_type,mono_ns\n";

static int devnull = -1;

static void same(const struct tcount *a, const struct tcount *b)
{
	if (a->rbytes != b->rbytes || a->wbytes != b->wbytes || a->reads != b->reads ||
	    a->writes != b->writes || a->ops != b->ops)
		abort();
}

static void add(struct tcount *a, const struct tcount *b)
{
	a->rbytes += b->rbytes, a->wbytes += b->wbytes;
	a->reads += b->reads, a->writes += b->writes, a->ops += b->ops;
}

static void check(const struct top *t, const struct tcsv *c)
{
	struct tcount all = t->other;
	uint64_t nf = 0;
	if (t->nentries > t->max_entries || t->nentries != t->nprocs + t->nfiles)
		abort();
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct tproc *p = t->procs[i];
		struct tcount files = p->other;
		uint64_t k = 0;
		for (const struct tfile *f = p->files; f; f = f->pnext, k++) {
			if (f->proc != p)
				abort();
			add(&files, &f->e.c);
		}
		if (k != p->nfiles)
			abort();
		nf += k;
		same(&files, &p->e.c);
		add(&all, &p->e.c);
		if (top_find(t, p->pid, p->id) != p)
			abort();
	}
	if (nf != t->nfiles)
		abort();
	same(&all, &t->total);
	if (t->total.ops != c->rows)
		abort();
}

static void reports(struct top *t)
{
	struct tstatus st = { "fuzz", 0, 0, 1, NULL };
	struct trep r1 = { SORT_TOTAL, NULL, 5, 3 }, r2 = { SORT_READ, "a", 0, 0 };
	struct trep r3 = { SORT_WRITE, NULL, 0, 2 }, r4 = { SORT_OPS, NULL, 0, 0 };
	struct obuf o;
	struct json j;
	ob_init(&o, devnull, 4096);
	ttext_report(&o, t, &st, &r1);
	ttext_snapshot(&o, t, &st, SORT_RATE, "a", 0);
	tcsv_report(&o, t, &r2);
	thtml_report(&o, t, &st, &r3);
	ob_flush(&o);
	ob_free(&o);
	json_init(&j, devnull);
	tjson_report(&j, t, &st, &r4);
	if (t->nprocs)
		tjson_process(&j, t, t->procs[0]->pid, 0, SORT_TOTAL, 0);
	tjson_overview(&j, t, &st, SORT_TOTAL, "x", 10);
	json_flush(&j);
	json_free(&j);
}

/* The rest of the input as zstd frames, cut at 0xff bytes. */
static uint8_t *frames(const uint8_t *d, size_t n, size_t *len)
{
	size_t cap = ZSTD_compressBound(n) + 32 * (n + 2), at = 0, s = 0;   /* empty frames too */
	uint8_t *f = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	*len = 0;
	while (at <= n) {
		if (at == n || d[at] == 0xff) {
			size_t z = ZSTD_compress2(c, f + *len, cap - *len, d + s, at - s);
			if (ZSTD_isError(z))
				abort();
			*len += z;
			s = at + 1;
		}
		at++;
	}
	ZSTD_freeCCtx(c);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct top t;
	struct tcsv c;
	struct tin in;
	uint8_t *buf, *z = NULL;
	size_t len, piece;
	int mode;
	if (n < 1 || n > 65536)
		return 0;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	mode = d[0] & 3;
	piece = (size_t)(d[0] >> 2 & 15) * 13 + 1;
	buf = malloc(n + sizeof hdr);
	len = 0;
	if (mode & 1) {
		memcpy(buf, hdr, sizeof hdr - 1);
		len = sizeof hdr - 1;
	}
	memcpy(buf + len, d + 1, n - 1);
	len += n - 1;
	if (mode & 2) {
		z = frames(buf, len, &len);
		free(buf);
		buf = z;
	}
	top_init(&t, 16 + (d[0] >> 6) * 8, 0);
	tcsv_init(&c, &t);
	tin_init(&in, &c, "fuzz");
	for (size_t at = 0; at < len; at += piece) {
		if (tin_feed(&in, buf + at, len - at < piece ? len - at : piece) < 0)
			break;
		if (at % (piece * 7) == 0)
			top_tick(&t, (int64_t)at);
	}
	(void)tin_finish(&in);
	check(&t, &c);
	reports(&t);
	tin_free(&in);
	tcsv_free(&c);
	top_free(&t);
	free(buf);
	return 0;
}
