/* kdebug_decode.c — the decoder's event dispatch: syscall START, the
 * VFS_LOOKUP path chunks, disk I/O issue/done, the thread and process
 * identity records, and lost events (notes/macos-kdebug.md §3.4-§3.9).
 * Syscall ENDs are in kdebug_sys.c, process and descriptor state in
 * kdebug_fds.c, record writing in kdebug_emit.c. */
#include "kdebug_int.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

void kd_config_defaults(struct kd_config *c)
{
	memset(c, 0, sizeof *c);
	c->tb_numer = c->tb_denom = 1;
	c->lookup_mode = KD_LOOKUP_AUTO;
	c->max_threads = 65536;
	c->max_slots = 2048;        /* x 3.3 KiB of path buffers */
	c->max_procs = 32768;
	c->max_fds = 262144;
	c->max_vnodes = 262144;
	c->max_ios = 65536;
}

void kd_slot_release(struct kd_decoder *d, struct kd_thread *t)
{
	if (t->slot < 0)
		return;
	d->slot_free[d->nslot_free++] = t->slot;
	t->slot = -1;
}

static void thread_evicted(void *ctx, uint64_t key, void *val)
{
	(void)key;
	kd_slot_release(ctx, val);
}

struct kd_decoder *kd_new(const struct kd_config *c, const struct kd_hooks *h,
                          struct obuf *out[REC_NSTREAMS])
{
	struct kd_decoder *d = xcalloc(1, sizeof *d);
	d->cfg = *c;
	if (!d->cfg.tb_numer || !d->cfg.tb_denom)
		d->cfg.tb_numer = d->cfg.tb_denom = 1;
	if (d->cfg.max_slots < 1)
		d->cfg.max_slots = 1;
	if (h)
		d->hk = *h;
	for (int i = 0; i < REC_NSTREAMS; i++)
		d->out[i] = out[i];
	kdtab_init(&d->threads, sizeof(struct kd_thread), c->max_threads);
	d->threads.on_evict = thread_evicted, d->threads.ctx = d;
	kdtab_init(&d->procs, sizeof(struct kd_proc), c->max_procs);
	kdtab_init(&d->ios, sizeof(struct kd_io), c->max_ios);
	kd_fds_init(d);
	d->vnodes = fdmap_new(c->max_vnodes);
	d->slots = xcalloc(d->cfg.max_slots, sizeof *d->slots);
	d->slot_free = xcalloc(d->cfg.max_slots, sizeof *d->slot_free);
	return d;
}

void kd_free(struct kd_decoder *d)
{
	if (!d)
		return;
	kdtab_free(&d->threads), kdtab_free(&d->procs), kdtab_free(&d->ios);
	kd_fds_free(d), fdmap_free(d->vnodes);
	for (size_t i = 0; i < d->nslots; i++)
		free(d->slots[i]);
	free(d->slots), free(d->slot_free);
	free(d);
}

const struct kd_stats *kd_get_stats(struct kd_decoder *d)
{
	d->st.threads_evicted = d->threads.evictions;
	d->st.procs_evicted = d->procs.evictions;
	d->st.io_evicted = d->ios.evictions;
	d->st.fd_evictions = kd_fd_evictions(d);
	d->st.vnode_evictions = fdmap_evictions(d->vnodes);
	return &d->st;
}

void kd_set_wall_offset(struct kd_decoder *d, int64_t wall_offset_ns)
{
	d->cfg.has_wall = 1;
	d->cfg.wall_offset_ns = wall_offset_ns;
}

struct kd_thread *kd_thread_put(struct kd_decoder *d, uint64_t tid)
{
	int isnew;
	struct kd_thread *t = kdtab_put(&d->threads, tid, &isnew);
	if (isnew)
		t->pid = -1, t->slot = -1, t->nt_pid = -1;
	return t;
}

/* A path slot for thread t: free, new (up to the cap), or taken from
 * another thread (counted; that thread's paths are lost). */
static struct kd_slot *slot_get(struct kd_decoder *d, uint64_t tid, struct kd_thread *t)
{
	struct kd_slot *s;
	int32_t i;
	if (t->slot >= 0)
		return d->slots[t->slot];
	if (d->nslot_free)
		i = d->slot_free[--d->nslot_free];
	else if (d->nslots < d->cfg.max_slots) {
		i = (int32_t)d->nslots++;
		d->slots[i] = xmalloc(sizeof *d->slots[i]);
	} else {
		struct kd_thread *o;
		i = (int32_t)(d->slot_hand++ % d->nslots);
		o = kdtab_get(&d->threads, d->slots[i]->owner);
		if (o && o->slot == i)
			o->slot = -1, o->state &= ~T_LOOKUP;
		d->st.slots_stolen++;
	}
	s = d->slots[i];
	s->owner = tid;
	for (int k = 0; k < PS_N; k++)
		s->p[k].valid = 0, s->p[k].len = 0;
	t->slot = i;
	return s;
}

static void reset_thread(void *ctx, uint64_t key, void *val)
{
	struct kd_thread *t = val;
	(void)key;
	t->state = 0;
	t->nlookups = 0;
	kd_slot_release(ctx, t);
}

void kd_lost(struct kd_decoder *d)
{
	d->st.drops++;
	kdtab_each(&d->threads, reset_thread, d);
}

void kd_thread_map(struct kd_decoder *d, const kd_threadmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* valid is the pid, but 1 for kernel_task's threads, which are
		 * pid 0 (xnu kdebug.c _resolve_kernel_task; launchd is 1) */
		int32_t pid = strncmp(m[i].command, "kernel_task", sizeof m[i].command) == 0 ? 0 : m[i].valid;
		if (m[i].thread == 0)
			continue;           /* the kernel pads the file map with zeros */
		kd_thread_put(d, m[i].thread)->pid = pid;
		kd_proc_name(d, pid, m[i].command, sizeof m[i].command, 0);
	}
}

static void syscall_start(struct kd_decoder *d, const kd_buf *e)
{
	struct kd_thread *t = kd_thread_put(d, e->arg5);
	if (t->state & T_SYSCALL)
		d->st.unfinished++;
	t->state = T_SYSCALL;       /* an unfinished lookup is abandoned */
	t->sysno = KD_CODE(e->debugid);
	t->ts_start = e->timestamp;
	t->a[0] = e->arg1, t->a[1] = e->arg2, t->a[2] = e->arg3, t->a[3] = e->arg4;
	t->nlookups = 0;
	if (t->slot >= 0)
		for (int k = 0; k < PS_N; k++)
			d->slots[t->slot]->p[k].valid = 0;
}

static void append_words(struct kd_decoder *d, struct kd_slot *s, const uint64_t *w, int nw)
{
	struct kd_path *a = &s->p[PS_ASM];
	for (int i = 0; i < nw; i++) {
		if (a->len + 8 > KD_PATHMAX) {
			if (!(a->flags & 0x80))
				d->st.path_overflow++;
			a->flags |= 0x80;
			return;
		}
		kd_put64((unsigned char *)s->buf[PS_ASM] + a->len, w[i]);
		a->len += 8;
	}
}

static void keep_path(struct kd_slot *s, int idx)
{
	s->p[idx] = s->p[PS_ASM];
	s->p[idx].valid = 1;
	memcpy(s->buf[idx], s->buf[PS_ASM], s->p[PS_ASM].len);
}

/* A whole lookup: cut at the NUL; before 15.4 a '>' run pads a lookup that
 * stopped early and exactly 184 bytes is the tail of a longer path (§3.6;
 * xnu-11215 vfs_lookup.c kdebug_lookup). */
static void lookup_done(struct kd_decoder *d, struct kd_thread *t, struct kd_slot *s)
{
	struct kd_path *a = &s->p[PS_ASM];
	char *b = s->buf[PS_ASM];
	size_t raw = a->len, n = strnlen(b, raw);
	int in_call = (t->state & T_SYSCALL) != 0;
	const struct kd_sysent *ent = in_call ? kd_sys(t->sysno) : NULL;
	int full = d->cfg.lookup_mode == KD_LOOKUP_FULL ||
	           (d->cfg.lookup_mode == KD_LOOKUP_AUTO && d->saw_long_lookup);
	a->flags &= 0x7f;
	if (in_call && raw > KD_LOOKUP_TAIL_MAX && d->cfg.lookup_mode == KD_LOOKUP_AUTO)
		d->saw_long_lookup = full = 1;
	if (n == raw && !full) {
		if (n && b[n - 1] == '>') {
			while (n && b[n - 1] == '>')
				n--;
			a->flags |= KP_PARTIAL;
			d->st.lookup_partial++;
		} else if (raw == KD_LOOKUP_TAIL_MAX) {
			a->flags |= KP_TAIL;
			d->st.lookup_tails++;
		}
	}
	a->len = (uint16_t)n;
	d->st.lookups++;
	if (ent && ent->shape == SH_SPAWN) {
		/* posix_spawn: file actions come before the image; dyld after
		 * it (xnu kern_exec.c posix_spawn, load_dylinker) */
		if (t->nlookups == 0)
			keep_path(s, PS_FIRST);
		if (!(n == 13 && memcmp(b, "/usr/lib/dyld", 13) == 0))
			keep_path(s, PS_SECOND);
	} else if (t->nlookups < 2)
		keep_path(s, PS_FIRST + t->nlookups);
	if (t->nlookups < UINT16_MAX)
		t->nlookups++;
	/* outside a call (vfs.generic.trace_paths, kernel threads): seed the
	 * vnode -> path map at once (§3.2) */
	if (!in_call && n && b[0] == '/' && !(a->flags & (KP_TAIL | KP_PARTIAL)) && a->vnode) {
		size_t kn;
		const char *known = fdmap_get(d->vnodes, a->vnode, &kn, NULL);
		if (!known || kn != n || memcmp(known, b, n) != 0)
			fdmap_put(d->vnodes, a->vnode, b, n, 0);
	}
}

/* VFS_LOOKUP: START = {vnode, 24 bytes}, then 32 bytes a record, the END
 * flag on the last (§3.6); reassembled per thread. */
static void on_lookup(struct kd_decoder *d, const kd_buf *e)
{
	uint32_t f = KD_FUNC(e->debugid);
	struct kd_thread *t = kd_thread_put(d, e->arg5);
	struct kd_slot *s;
	if (f & KD_FUNC_START) {
		uint64_t w[3] = { e->arg2, e->arg3, e->arg4 };
		if (t->state & T_LOOKUP)
			d->st.lookup_orphans++;
		s = slot_get(d, e->arg5, t);
		s->p[PS_ASM].vnode = e->arg1;
		s->p[PS_ASM].len = 0;
		s->p[PS_ASM].flags = 0;
		append_words(d, s, w, 3);
		t->state |= T_LOOKUP;
	} else {
		uint64_t w[4] = { e->arg1, e->arg2, e->arg3, e->arg4 };
		if (!(t->state & T_LOOKUP) || t->slot < 0) {
			d->st.lookup_orphans++;
			return;
		}
		s = d->slots[t->slot];
		append_words(d, s, w, 4);
	}
	if (f & KD_FUNC_END) {
		t->state &= ~T_LOOKUP;
		lookup_done(d, t, s);
	}
}

/* Disk I/O (§3.7): the issue names the buffer, device, block and size on
 * the issuing thread; the done (any thread) the vnode, resid and errno. */
static void on_dkio(struct kd_decoder *d, const kd_buf *e)
{
	struct kd_io *io, copy;
	int isnew;
	if (!(KD_CODE(e->debugid) & DKIO_DONE)) {
		struct kd_thread *t = kdtab_get(&d->threads, e->arg5);
		int32_t pid = t ? t->pid : -1;
		io = kdtab_put(&d->ios, e->arg1, &isnew);
		if (!isnew)
			d->st.io_unmatched++;   /* issued again: the first never completed */
		io->ts = e->timestamp, io->tid = e->arg5, io->dev = e->arg2;
		io->blkno = e->arg3, io->bytes = e->arg4;
		io->code = KD_CODE(e->debugid), io->cpu = e->cpuid, io->pid = pid;
		return;
	}
	io = kdtab_get(&d->ios, e->arg1);
	if (!io) {
		d->st.io_unmatched++;       /* issued before tracing began, or evicted */
		return;
	}
	copy = *io;
	kdtab_del(&d->ios, e->arg1);
	kd_emit_io(d, &copy, e);
}

static void str32(const kd_buf *e, char *out)
{
	kd_put64((unsigned char *)out, e->arg1);
	kd_put64((unsigned char *)out + 8, e->arg2);
	kd_put64((unsigned char *)out + 16, e->arg3);
	kd_put64((unsigned char *)out + 24, e->arg4);
	out[32] = 0;
}

/* The exec'd image: the first lookup of execve, the last one before dyld
 * of posix_spawn — on the exec'ing thread or the thread that created it. */
static size_t exec_path(struct kd_decoder *d, uint64_t tid, char *out, int64_t *entry)
{
	const struct kd_thread *t = kdtab_get(&d->threads, tid);
	for (int hop = 0; t && hop < 2; hop++) {
		const struct kd_sysent *ent = (t->state & T_SYSCALL) ? kd_sys(t->sysno) : NULL;
		if (ent && (ent->shape == SH_EXEC || ent->shape == SH_SPAWN)) {
			const struct kd_slot *s = t->slot >= 0 ? d->slots[t->slot] : NULL;
			int idx = s && ent->shape == SH_SPAWN && s->p[PS_SECOND].valid ? PS_SECOND : PS_FIRST;
			*entry = (int64_t)t->ts_start;
			if (!s || !s->p[idx].valid)
				return 0;
			return kd_join(d, t->pid, -1, s->buf[idx], s->p[idx].len, s->p[idx].flags, out);
		}
		t = t->creator ? kdtab_get(&d->threads, t->creator) : NULL;
	}
	return 0;
}

static void on_newthread(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg2, cpid;
	struct kd_thread *c = kd_thread_put(d, e->arg5), *t;
	struct kd_proc *p;
	struct kd_vrec v;
	cpid = c->pid;
	c->nt_pid = pid;
	t = kd_thread_put(d, e->arg1);
	t->pid = pid;
	t->creator = e->arg5;
	/* a first thread in another process, not an exec copy (arg3): a fork
	 * or posix_spawn child (§3.8; xnu thread.c thread_create_internal) */
	if (cpid < 0 || pid < 0 || cpid == pid || e->arg3 != 0)
		return;
	p = kd_proc_get(d, pid, 0);
	if (p && (p->flags & PF_FORK_EMITTED) && p->ppid == cpid)
		return;
	kd_proc_fork(d, cpid, pid);
	kd_vrec_init(&v, "fork");
	v.ret = pid, v.err = 0;
	kd_emit_vfs(d, cpid, e->arg5, e->timestamp, &v);
	kd_proc_get(d, pid, 1)->flags |= PF_FORK_EMITTED;
}

static void on_identity(struct kd_decoder *d, const kd_buf *e)
{
	char name[33];
	struct kd_thread *t;
	struct kd_vrec v;
	switch (KD_EVENTID(e->debugid)) {
	case KD_TRACE_DATA_NEWTHREAD:
		on_newthread(d, e);
		break;
	case KD_TRACE_STRING_NEWTHREAD:       /* the new thread's process name */
		t = kdtab_get(&d->threads, e->arg5);
		if (t && t->nt_pid >= 0) {
			str32(e, name);
			kd_proc_name(d, t->nt_pid, name, 32, 0);
		}
		break;
	case KD_TRACE_DATA_EXEC:              /* {pid, fsid, fileid}, arg5 = thread */
		kd_thread_put(d, e->arg5)->pid = (int32_t)(uint32_t)e->arg1;
		break;
	case KD_TRACE_STRING_EXEC: {          /* the new name: emit the exec record */
		int32_t pid = kd_thread_put(d, e->arg5)->pid;
		if (pid < 0)
			break;
		str32(e, name);
		kd_proc_name(d, pid, name, 32, 1);
		kd_vrec_init(&v, "exec");
		v.ret = 0, v.err = 0;
		v.pathn = exec_path(d, e->arg5, d->tmp[0], &v.entry);
		v.path = d->tmp[0];
		kd_emit_vfs(d, pid, e->arg5, e->timestamp, &v);
		kd_proc_exec(d, pid);
		break;
	}
	case KD_TRACE_DATA_THREAD_TERMINATE_PID:
		if ((t = kdtab_get(&d->threads, e->arg5))) {
			kd_slot_release(d, t);
			kdtab_del(&d->threads, e->arg5);
		}
		break;
	case KD_TRACE_LOST_EVENTS:
		d->st.lost_events++;
		kd_lost(d);
		break;
	default:
		d->st.ignored_events++;
	}
}

/* BSD_PROC_EXIT START/END {pid, status} (§3.8): one exit record, then the
 * process is forgotten (a later process with its pid is a new one). */
static void on_exit_event(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg1;
	struct kd_vrec v;
	if (KD_EVENTID(e->debugid) != KD_BSD_PROC_EXIT) {
		d->st.ignored_events++;
		return;
	}
	if (!(KD_FUNC(e->debugid) & KD_FUNC_START) && !kd_proc_get(d, pid, 0))
		return;                     /* the START did it */
	kd_vrec_init(&v, "exit");
	v.entry = (int64_t)e->timestamp;      /* ret 0, err 0, entry = now: as vfs.d */
	kd_emit_vfs(d, pid, e->arg5, e->timestamp, &v);
	kd_proc_exit(d, pid);
}

void kd_event(struct kd_decoder *d, const kd_buf *e)
{
	d->st.events++;
	switch (KD_CSC(e->debugid)) {
	case KD_CSC_BSD_SC:
		if (KD_FUNC(e->debugid) == KD_FUNC_START)
			syscall_start(d, e);
		else if (KD_FUNC(e->debugid) == KD_FUNC_END)
			kd_sys_end(d, e);
		else
			d->st.ignored_events++;
		break;
	case KD_CSC_FSRW:
		if (KD_EVENTID(e->debugid) == KD_VFS_LOOKUP)
			on_lookup(d, e);
		else
			d->st.ignored_events++;
		break;
	case KD_CSC_DKRW:
		on_dkio(d, e);
		break;
	case KD_CSC_BSD_PROC:
		on_exit_event(d, e);
		break;
	case KD_CSC_TRACE_DATA: case KD_CSC_TRACE_STRING: case KD_CSC_TRACE_INFO:
		on_identity(d, e);
		break;
	default:
		d->st.ignored_events++;
	}
}
