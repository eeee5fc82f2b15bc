/* kdebug_lookup.c — the VFS_LOOKUP event handler: reassemble a path from
 * its 32-byte records into the thread's path slot and keep the first two
 * of a syscall for its END (notes/macos-kdebug.md §3.6). Below it:
 * kdebug_threads.c (slots), kdebug_systab.c, lib/fdmap. */
#include "kdebug_int.h"
#include "util.h"
#include <string.h>

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
void kd_lookup_event(struct kd_decoder *d, const kd_buf *e)
{
	uint32_t f = KD_FUNC(e->debugid);
	struct kd_thread *t = kd_thread_put(d, e->arg5);
	struct kd_slot *s;
	if (f & KD_FUNC_START) {
		uint64_t w[3] = { e->arg2, e->arg3, e->arg4 };
		if (t->state & T_LOOKUP)
			d->st.lookup_orphans++;
		s = kd_slot_get(d, e->arg5, t);
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
