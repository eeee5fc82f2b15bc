/* kdebug_ident.c — the identity event handlers: which process a thread
 * belongs to and what it is called (the thread map, NEWTHREAD, EXEC and
 * thread-terminate records), the fork, exec and exit records they imply,
 * and lost events (notes/macos-kdebug.md §3.8, §3.9). Below it:
 * kdebug_emit.c, kdebug_threads.c, kdebug_fds.c, kdebug_systab.c. */
#include "kdebug_int.h"
#include "util.h"
#include <string.h>

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

/* TRACE_STRING_EXEC carries the new name: the exec record, with the image
 * path from the exec'ing call's lookups. */
static void on_exec_name(struct kd_decoder *d, const kd_buf *e)
{
	char name[33];
	struct kd_vrec v;
	int32_t pid = kd_thread_put(d, e->arg5)->pid;
	if (pid < 0)
		return;
	str32(e, name);
	kd_proc_name(d, pid, name, 32, 1);
	kd_vrec_init(&v, "exec");
	v.ret = 0, v.err = 0;
	v.pathn = exec_path(d, e->arg5, d->tmp[0], &v.entry);
	v.path = d->tmp[0];
	kd_emit_vfs(d, pid, e->arg5, e->timestamp, &v);
	kd_proc_exec(d, pid);
}

void kd_ident_event(struct kd_decoder *d, const kd_buf *e)
{
	char name[33];
	struct kd_thread *t;
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
	case KD_TRACE_STRING_EXEC:
		on_exec_name(d, e);
		break;
	case KD_TRACE_DATA_THREAD_TERMINATE_PID:
		kd_thread_end(d, e->arg5);
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
void kd_exit_event(struct kd_decoder *d, const kd_buf *e)
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
