/* kdebug_dkio.c — the disk I/O event handler: match an issue with its
 * done by buffer id and write one io record (notes/macos-kdebug.md §3.7).
 * Below it: kdebug_emit.c (the record), kdebug_tab.c (in-flight I/Os). */
#include "kdebug_int.h"

/* The issue names the buffer, device, block and size on the issuing
 * thread; the done (any thread) the vnode, resid and errno. */
void kd_dkio_event(struct kd_decoder *d, const kd_buf *e)
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
