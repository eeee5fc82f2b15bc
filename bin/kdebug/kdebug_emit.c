/* kdebug_emit.c — writing the decoder's records in the iotrc-records(5)
 * layout the DTrace engine uses (field indices from lib/records.h), so
 * iotrc-parse needs nothing engine-specific. Empty numeric = unknown. */
#include "kdebug_int.h"
#include "mono.h"
#include <string.h>

static void put_num(struct obuf *o, int64_t v)
{
	if (v == KD_UNK)
		recw_empty(o);
	else
		recw_s64(o, v);
}

/* op pid ppid tid execname wall mono — the common prefix. mono is the raw
 * kd_buf timestamp (mach ticks; the header says clock=mach). */
static void prefix(struct kd_decoder *d, struct obuf *o, const char *op, int32_t pid,
                   uint64_t tid, uint64_t ts)
{
	struct kd_proc *p = kd_proc_get(d, pid, 1);
	recw_raw(o, op, strlen(op));
	put_num(o, pid >= 0 ? pid : KD_UNK);
	put_num(o, p && (p->flags & PF_PPID) ? p->ppid : KD_UNK);
	recw_u64(o, tid);
	if (p)
		recw_str(o, p->name, strlen(p->name));
	else
		recw_empty(o);
	if (d->cfg.has_wall)
		recw_s64(o, mono_ticks_to_ns((int64_t)ts, d->cfg.tb_numer, d->cfg.tb_denom) +
		                d->cfg.wall_offset_ns);
	else
		recw_empty(o);
	recw_u64(o, ts);
}

/* Start a record of a stream: NULL when the stream is not traced or the
 * pid is excluded (counted), else the output with the prefix written. */
static struct obuf *begin(struct kd_decoder *d, int stream, const char *op, int32_t pid,
                          uint64_t tid, uint64_t ts)
{
	struct obuf *o = d->out[stream];
	if (!o)
		return NULL;
	if (kd_excluded(d, pid)) {
		d->st.excluded++;
		return NULL;
	}
	prefix(d, o, op, pid, tid, ts);
	return o;
}

void kd_vrec_init(struct kd_vrec *v, const char *op)
{
	memset(v, 0, sizeof *v);
	v->op = op;
	v->entry = v->size = v->flags = v->mode = KD_UNK;
	v->fd = v->fd2 = v->offset = -1;    /* "-1 none" (iotrc-records(5)) */
}

void kd_emit_vfs(struct kd_decoder *d, int32_t pid, uint64_t tid, uint64_t ts, const struct kd_vrec *v)
{
	struct obuf *o = begin(d, REC_VFS, v->op, pid, tid, ts);
	if (!o)
		return;
	put_num(o, v->ret);
	put_num(o, v->err);
	put_num(o, v->entry);
	put_num(o, v->fd);
	put_num(o, v->fd2);
	recw_str(o, v->path ? v->path : "", v->path ? v->pathn : 0);
	recw_str(o, v->path2 ? v->path2 : "", v->path2 ? v->path2n : 0);
	put_num(o, v->size);
	put_num(o, v->offset);
	put_num(o, v->flags);
	put_num(o, v->mode);
	recw_end(o);
	d->st.records[REC_VFS]++;
}

/* An address field: an AF_UNIX path (escaped), or 8 or 32 hex digits of
 * the bytes in network order, or empty. */
static void put_addr(struct obuf *o, const unsigned char *a, size_t n, int is_path)
{
	static const char hex[] = "0123456789abcdef";
	char h[40];
	if (is_path)
		recw_str(o, (const char *)a, n);
	else if (n == 4 || n == 16) {
		for (size_t i = 0; i < n; i++)
			h[2 * i] = hex[a[i] >> 4], h[2 * i + 1] = hex[a[i] & 15];
		recw_raw(o, h, 2 * n);
	} else
		recw_empty(o);
}

void kd_emit_net(struct kd_decoder *d, int32_t pid, uint64_t tid, uint64_t ts, const struct kd_nrec *v)
{
	struct obuf *o = begin(d, REC_NET, v->op, pid, tid, ts);
	if (!o)
		return;
	put_num(o, v->ret);
	put_num(o, v->err);
	put_num(o, v->entry);
	put_num(o, v->fd);
	put_num(o, v->family);
	put_num(o, v->type);
	put_num(o, v->proto);
	put_num(o, v->arg);
	put_num(o, v->port);
	put_addr(o, v->addr, v->addrn, v->addr_is_path);
	if (v->has_local) {              /* the extension: lport laddr */
		put_num(o, v->lport);
		put_addr(o, v->laddr, v->laddrn, v->laddr_is_path);
	}
	recw_end(o);
	d->st.records[REC_NET]++;
}

/* DKIO code bits (§3.7) -> the buf flags io.d reports (macos-dtrace.md
 * §2.2, xnu bsd/sys/buf.h): B_READ 1, B_ASYNC 2, B_NOCACHE 4, B_PAGEIO
 * 0x80, B_META 0x100, B_PASSIVE 0x800, B_THROTTLED_IO 0x2000. The I/O
 * tier has no buf flag and is not kept. */
static int64_t bflags(uint32_t code)
{
	static const struct { uint32_t dkio; int64_t b; } map[] = {
		{ DKIO_READ, 0x1 }, { DKIO_ASYNC, 0x2 }, { DKIO_NOCACHE, 0x4 },
		{ DKIO_PAGING, 0x80 }, { DKIO_META, 0x100 }, { DKIO_PASSIVE, 0x800 },
		{ DKIO_THROTTLE, 0x2000 },
	};
	int64_t f = 0;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (code & map[i].dkio)
			f |= map[i].b;
	return f;
}

/* One completed disk I/O: issue (saved) + done (§3.7). The prefix names
 * the issuer; wall and mono are the completion's. */
void kd_emit_io(struct kd_decoder *d, const struct kd_io *io, const kd_buf *done)
{
	struct obuf *o = d->out[REC_IO];
	uint32_t dev = (uint32_t)io->dev;    /* dev_t is 32 bits, sign-extended in arg2 */
	size_t pn = 0;
	const char *path;
	if (!o)
		return;
	if (io->pid >= 0 && kd_excluded(d, io->pid)) {
		d->st.excluded++;
		return;
	}
	path = fdmap_get(d->vnodes, done->arg2, &pn, NULL);
	prefix(d, o, "done", io->pid, io->tid, done->timestamp);
	recw_s64(o, (dev >> 24) & 0xff);             /* major(), xnu bsd/sys/types.h:161 */
	recw_s64(o, dev & 0xffffff);                 /* minor() */
	recw_u64(o, io->blkno);
	recw_u64(o, io->bytes);
	recw_u64(o, done->arg3);                     /* resid */
	recw_s64(o, bflags(io->code | KD_CODE(done->debugid)));
	recw_s64(o, (int32_t)done->arg4);            /* errno */
	recw_u64(o, io->ts);
	recw_u64(o, done->cpuid);                    /* the completing CPU (iotrc-schema(7)) */
	if (path)
		recw_str(o, path, pn);
	else
		recw_empty(o);
	recw_end(o);
	d->st.records[REC_IO]++;
}
