/* kdebug_threads.c — per-thread state, the bottom layer of the decoder
 * beside kdebug_fds.c: thread -> (pid, pending syscall START, lookup in
 * progress), and the path slots that hold a thread's VFS_LOOKUP paths
 * until its syscall ends (notes/macos-kdebug.md §3.5, §3.6). Calls only
 * kdebug_tab.c and lib/, so every event handler can use it. */
#include "kdebug_int.h"
#include "util.h"
#include <stdlib.h>

void kd_slot_release(struct kd_decoder *d, struct kd_thread *t)
{
	if (t->slot < 0)
		return;
	d->slot_free[d->nslot_free++] = t->slot;
	t->slot = -1;
}

/* An evicted thread gives its slot back, or the slots would leak. */
static void thread_evicted(void *ctx, uint64_t key, void *val)
{
	(void)key;
	kd_slot_release(ctx, val);
}

void kd_threads_init(struct kd_decoder *d)
{
	kdtab_init(&d->threads, sizeof(struct kd_thread), d->cfg.max_threads);
	d->threads.on_evict = thread_evicted, d->threads.ctx = d;
	d->slots = xcalloc(d->cfg.max_slots, sizeof *d->slots);
	d->slot_free = xcalloc(d->cfg.max_slots, sizeof *d->slot_free);
}

void kd_threads_free(struct kd_decoder *d)
{
	kdtab_free(&d->threads);
	for (size_t i = 0; i < d->nslots; i++)
		free(d->slots[i]);
	free(d->slots), free(d->slot_free);
}

void kd_thread_end(struct kd_decoder *d, uint64_t tid)
{
	struct kd_thread *t = kdtab_get(&d->threads, tid);
	if (!t)
		return;
	kd_slot_release(d, t);
	kdtab_del(&d->threads, tid);
}

/* A path slot for thread t: free, new (up to the cap), or taken from
 * another thread (counted; that thread's paths are lost). */
struct kd_slot *kd_slot_get(struct kd_decoder *d, uint64_t tid, struct kd_thread *t)
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

/* After lost events no pending START or half-assembled lookup can be
 * trusted; pids and names stay (they are still right). */
void kd_lost(struct kd_decoder *d)
{
	d->st.drops++;
	kdtab_each(&d->threads, reset_thread, d);
}
