/* parse_io.c — io records -> block rows (iotrc-records(5) "Stream io";
 * conventions from upstream.md §2.3: read/write from B_READ (macOS,
 * notes/macos-dtrace.md §2.2) or the first rwbs letter (Linux), device
 * "major:minor", request_id counting from 1, macOS leaves queue_latency_ms,
 * command_flags and operation_code empty). queue_latency_ms is issue minus
 * queued (the io extension field, Linux block_rq_insert -> issue). A request without a sector (a
 * cache flush completes with sector (sector_t)-1) is a row with sector and
 * size empty, never malformed. */
#include "parse.h"
#include "decode.h"
#include "mono.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

struct iorec {
	int64_t pid, ppid, tid, major, minor, block, bytes, resid, err, start, cpu, bflags, queued;
	int has_start, has_cpu, has_block, has_bytes, resid_unusable, no_sector, has_queued;
};

static int pull(const struct rec *r, struct iorec *v, int darwin)
{
	int bad = 0;
	v->pid = fs64(r, F_PID, 0, &bad);
	v->ppid = fs64(r, F_PPID, -1, &bad);
	v->tid = fs64(r, F_TID, 0, &bad);
	v->major = fs64(r, FI_MAJOR, 0, &bad);
	v->minor = fs64(r, FI_MINOR, 0, &bad);
	/* no sector: -1, or the same (sector_t)-1 printed unsigned */
	int kb = rec_s64(r, FI_BLOCK, &v->block);
	uint64_t u;
	v->no_sector = (kb == 1 && v->block < 0) ||
	               (kb < 0 && parse_u64_n(r->f[FI_BLOCK], r->n[FI_BLOCK], &u) == 0);
	v->has_block = kb == 1 && !v->no_sector;
	v->has_bytes = rec_s64(r, FI_BYTES, &v->bytes) == 1;
	/* resid: a huge unsigned value (kdebug's engine prints it as one) is a
	 * count we cannot use, not a broken record: the row stays, size empty */
	int k = rec_s64(r, FI_RESID, &v->resid);
	v->resid_unusable = k < 0 && parse_u64_n(r->f[FI_RESID], r->n[FI_RESID], &u) == 0;
	v->err = fs64(r, FI_ERR, 0, &bad);
	v->has_start = rec_s64(r, FI_START, &v->start) == 1 && v->start > 0;
	v->has_cpu = rec_s64(r, FI_CPU, &v->cpu) == 1 && v->cpu >= 0;
	/* the extension: queued (0 or empty: the request bypassed the queue) */
	v->has_queued = 0;
	if (r->nf > FI_QUEUED) {
		int kq = rec_s64(r, FI_QUEUED, &v->queued);
		v->has_queued = kq == 1 && v->queued > 0;
		bad |= kq < 0;
	}
	v->bflags = darwin ? fs64(r, FI_FLAGS, 0, &bad) : 0;
	for (int i = FI_BLOCK; i <= FI_CPU; i++)
		if (i != FI_FLAGS && i != FI_RESID && i != FI_BLOCK && r->n[i] &&
		    rec_s64(r, i, &(int64_t){ 0 }) < 0)
			bad = 1;
	if ((k < 0 && !v->resid_unusable) || (kb < 0 && !v->no_sector))
		bad = 1;
	if (k != 1)
		v->resid = 0;
	return bad ? -1 : 0;
}

int row_io(struct parser *p, const struct rec *r)
{
	char op[32], flags[256], dev[48];
	struct iorec v;
	int64_t mono, lat;
	int darwin = p->os == OS_DARWIN, ok;
	size_t n;
	if (r->n[F_OP] != 4 || memcmp(r->f[F_OP], "done", 4) != 0) {
		p->st.unknown_op++;
		return 0;
	}
	if (pull(r, &v, darwin) < 0)
		return -1;
	if (darwin) {
		snprintf(op, sizeof op, "%s", v.bflags & 1 ? "read" : "write");
		dec_bflags(v.bflags, flags);
	} else
		dec_rwbs(r->f[FI_FLAGS], r->n[FI_FLAGS], op, flags);
	row_prefix_time(p, r, &mono);
	csv_cstr(&p->out, op);
	put_opt_u64(&p->out, v.pid > 0, (uint64_t)v.pid);
	put_opt_u64(&p->out, v.tid > 0, (uint64_t)v.tid);
	put_str_field(p, r, F_EXEC);
	put_opt_u64(&p->out, v.has_block, (uint64_t)v.block);                     /* sector */
	/* size: bytes less the residual, computed only when it cannot overflow;
	 * a request without a sector moves no data: empty */
	ok = v.has_bytes && !v.no_sector && !v.resid_unusable && v.resid >= 0 && v.bytes >= v.resid;
	put_opt_u64(&p->out, ok, ok ? (uint64_t)(v.bytes - v.resid) : 0);
	lat = v.has_start ? mono_span(mono, mono_to_ns(p, v.start)) : -1;
	if (lat >= 0)                                                     /* latency_ms */
		put_float_ms(&p->out, lat);
	else
		csv_empty(&p->out);
	n = (size_t)snprintf(dev, sizeof dev, "%lld:%lld", (long long)v.major, (long long)v.minor);
	csv_raw(&p->out, dev, n);
	csv_str(&p->out, flags, strlen(flags));
	put_opt_u64(&p->out, v.has_cpu, (uint64_t)v.cpu);
	put_opt_u64(&p->out, v.ppid >= 0 && r->n[F_PPID], (uint64_t)v.ppid);
	/* queue_latency_ms: queued -> issued */
	lat = v.has_queued && v.has_start ? mono_span(mono_to_ns(p, v.start), mono_to_ns(p, v.queued)) : -1;
	if (lat >= 0)
		put_float_ms(&p->out, lat);
	else
		csv_empty(&p->out);                  /* not queued, or macOS */
	csv_empty(&p->out);                      /* command_flags */
	csv_empty(&p->out);                      /* operation_code */
	csv_u64(&p->out, ++p->request_id);
	put_opt_u64(&p->out, mono != INT64_MIN, (uint64_t)mono);
	csv_end(&p->out);
	return 1;
}
