/* kdebug_ident.c — the identity event handlers: which process a thread
 * belongs to and what it is called (the thread map, NEWTHREAD, EXEC and
 * thread-terminate records), the fork, exec and exit records they imply,
 * and lost events (notes/macos-kdebug.md §3.8, §3.9). Below it:
 * kdebug_emit.c, kdebug_threads.c, kdebug_fds.c, kdebug_systab.c.
 *
 * An exec keeps the process (xnu-11417.101.15 = macOS 15.4; the same in
 * the xnu-11215 tags of 15.0-15.3): execve builds a new proc with the same
 * pid and uniqueid (bsd/kern/kern_fork.c:1001-1010), a new task and a new
 * thread, announced by TRACE_DATA_NEWTHREAD with arg3 = 1, "exec copy"
 * (osfmk/kern/thread.c:1576-1598), on the exec'ing thread. The old proc
 * becomes a shadow (kern_exec.c:5314-5316) and its task is terminated
 * (kern_exec.c:5712-5716): each old thread logs
 * TRACE_DATA_THREAD_TERMINATE_PID (thread.c:522-549) and the last one calls
 * proc_exit() on the shadow (thread.c:575-605), which logs BSD_PROC_EXIT
 * START unconditionally (kern_exit.c:2194-2197) and END (kern_exit.c:2633-2636)
 * with the same pid. That exit is the old image's, not the process's: it
 * is not written and the process, its descriptors (less the close-on-exec
 * ones) and its cwd live on. The copy is made before the image is loaded,
 * so an exec that fails leaves one too, which exits the same way; the
 * exec happened when the EXEC records name the copy's thread. Threads
 * carry the image they belong to (kd_thread.img against kd_proc.img); an
 * exit from a thread of an older image while an exec is pending is the
 * shadow's. The old image usually ends first; when the new one ends
 * first its pid is remembered (late_shadow) so the shadow's exit that
 * follows is not written either. */
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

/* An exec of pid committed: a new image whose first thread is t. */
static void exec_image(struct kd_decoder *d, int32_t pid, struct kd_thread *t)
{
	struct kd_proc *p = kd_proc_get(d, pid, 1);
	if (!p)
		return;
	p->img++;
	p->flags |= PF_SHADOW;
	t->img = p->img;
	t->tflags |= TF_NEWIMG;
}

static void on_newthread(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg2, cpid;
	struct kd_thread *c = kd_thread_put(d, e->arg5), *t;
	struct kd_proc *p;
	struct kd_vrec v;
	uint8_t cimg;
	cpid = c->pid;
	cimg = c->img;
	c->nt_pid = pid;
	if (e->arg3 != 0 && cpid < 0 && pid >= 0)
		c->pid = pid;               /* the exec'ing thread is the copy's process's */
	/* c is not used after this put: it may move the table */
	t = kd_thread_put(d, e->arg1);
	t->pid = pid;
	t->creator = e->arg5;
	if (pid < 0)
		return;
	/* arg3: the new thread is an exec copy's (thread.c:1576-1598). On the
	 * exec'ing thread, so in the same process; a copy created for another
	 * pid is a spawned child's. The copy is made before the image is
	 * loaded (kern_exec.c:5498, 5525): the exec happened only when its
	 * EXEC records follow (on_exec_data) */
	if (e->arg3 != 0 && (cpid < 0 || cpid == pid)) {
		t->tflags |= TF_EXECCOPY;
		return;
	}
	if (cpid == pid) {                  /* a thread of the creator's image */
		t->img = cimg;
		return;
	}
	/* a first thread in another process, not an exec copy (arg3): a fork
	 * or posix_spawn child (§3.8; xnu thread.c thread_create_internal) */
	if (cpid < 0 || e->arg3 != 0) {
		if ((p = kd_proc_get(d, pid, 0)))
			t->img = p->img;
		return;
	}
	p = kd_proc_get(d, pid, 0);
	if (p && (p->flags & PF_FORK_EMITTED) && p->ppid == cpid) {
		t->img = p->img;
		return;
	}
	kd_proc_fork(d, cpid, pid);
	kd_vrec_init(&v, "fork");
	v.ret = pid, v.err = 0;
	kd_emit_vfs(d, cpid, e->arg5, e->timestamp, &v);
	p = kd_proc_get(d, pid, 1);
	p->flags |= PF_FORK_EMITTED;
	t->img = p->img;
}

/* TRACE_DATA_EXEC {pid, fsid, fileid}; arg5 is the new image's thread
 * (kern_exec.c:1505, 2301-2302), logged once the image is loaded: an
 * exec copy's thread commits its exec. If its NEWTHREAD was lost (a
 * thread we never saw, in a process we know) it is one as well. */
static void on_exec_data(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg1;
	int isnew = kdtab_get(&d->threads, e->arg5) == NULL;
	struct kd_thread *t = kd_thread_put(d, e->arg5);
	t->pid = pid;
	if (pid < 0 || (t->tflags & TF_NEWIMG))
		return;
	if ((t->tflags & TF_EXECCOPY) || (isnew && kd_proc_get(d, pid, 0)))
		exec_image(d, pid, t);
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

/* A thread ends: the process remembers it if it was its current
 * image's, for the exit the same thread may log next (thread.c:549, 575). */
static void on_terminate(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg1;
	const struct kd_thread *t = kdtab_get(&d->threads, e->arg5);
	struct kd_proc *p = kd_proc_get(d, pid, 0);
	if (p && t && t->pid == pid && t->img == p->img)
		p->term_tid = e->arg5;
	kd_thread_end(d, e->arg5);
}

/* Is this exit not the process's? Either an exec copy whose exec failed:
 * the copy, made before the image was loaded, is torn down
 * (kern_exec.c:5705-5708) and, being a shadow from its birth
 * (kern_fork.c:1009), exits as one, with the pid, from its thread, which
 * logged no thread-terminate (thread.c:522) — every failed execve does
 * this, e.g. a shell trying each $PATH folder. Or the old image after an
 * exec: its thread is of an older image, or unknown while the old image
 * has not exited (the new image's threads are all known, NEWTHREAD,
 * unless the last one just ended: term_tid); after the new image's own
 * exit, late_shadow. */
static int shadow_exit(struct kd_decoder *d, int32_t pid, uint64_t tid)
{
	struct kd_proc *p = kd_proc_get(d, pid, 0);
	const struct kd_thread *t = kdtab_get(&d->threads, tid);
	int old;
	if (t && t->pid == pid && (t->tflags & (TF_EXECCOPY | TF_NEWIMG)) == TF_EXECCOPY) {
		kd_thread_end(d, tid);
		return 1;
	}
	if (!p)
		return kd_late_shadow_take(d, pid);
	if (!(p->flags & PF_SHADOW))
		return 0;
	if (t && t->pid == pid)
		old = t->img != p->img;
	else
		old = !(tid && p->term_tid == tid);
	if (old)
		p->flags &= ~PF_SHADOW;
	return old;
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
		on_exec_data(d, e);
		break;
	case KD_TRACE_STRING_EXEC:
		on_exec_name(d, e);
		break;
	case KD_TRACE_DATA_THREAD_TERMINATE_PID:   /* {pid, uniqueid} (thread.c:522-549) */
		on_terminate(d, e);
		break;
	case KD_TRACE_LOST_EVENTS:
		d->st.lost_events++;
		kd_lost(d);
		break;
	default:
		d->st.ignored_events++;
	}
}

/* BSD_PROC_EXIT START {pid, status} (§3.8): one exit record, then the
 * process is forgotten (a later process with its pid is a new one). The
 * END (kern_exit.c:2609-2611, 2633-2636) repeats it: only START counts,
 * so a process is never written as exiting twice. */
void kd_exit_event(struct kd_decoder *d, const kd_buf *e)
{
	int32_t pid = (int32_t)(uint32_t)e->arg1;
	struct kd_proc *p;
	struct kd_vrec v;
	if (KD_EVENTID(e->debugid) != KD_BSD_PROC_EXIT) {
		d->st.ignored_events++;
		return;
	}
	if (!(KD_FUNC(e->debugid) & KD_FUNC_START))
		return;
	if (shadow_exit(d, pid, e->arg5)) {
		d->st.shadow_exits++;
		return;
	}
	kd_vrec_init(&v, "exit");
	v.entry = (int64_t)e->timestamp;      /* ret 0, err 0, entry = now: as vfs.d */
	kd_emit_vfs(d, pid, e->arg5, e->timestamp, &v);
	if ((p = kd_proc_get(d, pid, 0)) && (p->flags & PF_SHADOW))
		kd_late_shadow_add(d, pid);
	kd_proc_exit(d, pid);
}
