/* kdebug_lookup.c — the VFS_LOOKUP event handler: reassemble a path from
 * its 32-byte records into the thread's path slot and keep the first two
 * of a syscall for its END (notes/macos-kdebug.md §3.6), after settling
 * what a relative string names (settle, below). Below it:
 * kdebug_threads.c (slots), kdebug_fds.c (kd_path_fits), kdebug_systab.c,
 * lib/fdmap. */
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

/* The text of the root links /tmp, /var and /etc: "private/tmp" ... */
static int is_rootlink(const char *b, size_t n)
{
	static const char *const dirs[] = { "tmp", "var", "etc" };
	if (n < 11 || memcmp(b, "private/", 8) != 0 || (n > 11 && b[11] != '/'))
		return 0;
	for (int i = 0; i < 3; i++)
		if (memcmp(b + 8, dirs[i], 3) == 0)
			return 1;
	return 0;
}

/* A relative lookup string is either the caller's relative path or,
 * after a symbolic link with relative text, namei's rewritten buffer:
 * the link text followed by the rest of the path, looked up from the
 * link's directory (xnu-11417.101.15 bsd/vfs/vfs_lookup.c:1903-1931,
 * lookup_handle_symlink; xnu-11215.81.4 vfs_lookup.c:1822-1842), which is
 * what kdebug_lookup logs (xnu-11417.101.15 vfs_lookup.c:2189-2192;
 * xnu-11215.81.4 :2082-2105; a lookup that stops at a symlink to follow it
 * logs nothing, xnu-11417.101.15 :998-1002, 1560-1564). So open("/tmp/x")
 * is logged "private/tmp/x". In this order: the vnode's path when the map knows it and it fits the
 * string; the root links' "private/{tmp,var,etc}" made absolute; a string
 * that begins with ".." (a relative link's usual text, as Homebrew's
 * "../Cellar/...") marked ambiguous (KP_TAIL | KP_AMBIG: written "/.../"
 * + the string); any other is joined with the directory later (KP_REL,
 * and, live, an open's new descriptor may settle it: kdebug_sys.c). A
 * cut tail (before 15.4) is settled by the vnode map too. */
static size_t settle(struct kd_decoder *d, struct kd_path *a, char *b, size_t n)
{
	const char *k;
	size_t kn;
	if (n == 0 || (a->flags & KP_PARTIAL) || (b[0] == '/' && !(a->flags & KP_TAIL)))
		return n;
	if (a->vnode && (k = fdmap_get(d->vnodes, a->vnode, &kn, NULL)) && kn < KD_PATHMAX &&
	    kd_path_fits(k, kn, b, n, a->flags)) {
		memcpy(b, k, kn);
		a->flags &= (uint8_t)~KP_TAIL;
		d->st.lookup_settled++;
		return kn;
	}
	if (a->flags & KP_TAIL)
		return n;
	if (is_rootlink(b, n) && n + 1 < KD_PATHMAX) {
		memmove(b + 1, b, n);
		b[0] = '/';
		d->st.lookup_rootlinks++;
		return n + 1;
	}
	a->flags |= KP_REL;
	if (n >= 2 && b[0] == '.' && b[1] == '.' && (n == 2 || b[2] == '/')) {
		a->flags |= KP_TAIL | KP_AMBIG;
		d->st.lookup_ambiguous++;
	}
	return n;
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
	n = settle(d, a, b, n);
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
