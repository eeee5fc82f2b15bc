/* pfd.c — see pfd.h.
 *
 * fdmap has no iteration, so fork, exec and exit are handled lazily with
 * one serial number that counts births (first sight, fork), execs and
 * nothing else. Every entry carries the serial at which it was written
 * (64-bit aux: serial << 4 | flags, never wraps); every process knows
 * its birth and last exec, and a forked one its parent's birth and last
 * exec as of the fork. An entry older than its process's birth is a
 * previous process's; a close-on-exec entry older than the last exec is
 * closed; a child without an entry of its own reads its parent's entry
 * as of the fork (older than the child's birth), recursively.
 *
 * What the lazy scheme cannot see is the parent changing an entry after
 * the fork, so every write of an entry first copies the value it hides
 * into the parent's live children that still inherit it (copy on write;
 * each process remembers its last PFD_KIDS children, forgets one when a
 * child exits). Exec and exit change no entry, so they need no copy. */
#include "pfd.h"
#include "fdmap.h"
#include "kdtab.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define PFD_KIDS 6
#define DEPTH 8                    /* ancestors a lookup may climb */
#define P_FORKED 0x1u              /* ppid, pbirth and pexec are set */
#define P_DEAD 0x2u                /* exited: kept for its children */
#define CWD_FD 0                   /* the cwd map's only key per pid */

struct proc {
	uint64_t birth, execser;   /* serials; execser 0: no exec seen */
	uint64_t pbirth, pexec;    /* the parent's, as of the fork */
	uint32_t ppid, flags, nkids;
	uint32_t kids[PFD_KIDS];
};

struct pfd {
	struct pfd_config cfg;
	struct pfd_hooks hk;
	struct fdmap *fds, *cwds;
	struct kd_tab procs;
	uint64_t serial;
	struct pfd_stats st;
	/* copies: a put may free the string it replaces or evicts */
	char buf[PFD_NAME_MAX + 1], kbuf[PFD_NAME_MAX + 1];
};

#define SER(aux) ((aux) >> 4)
#define AUX(ser, flags) ((ser) << 4 | (flags))

struct pfd *pfd_new(const struct pfd_config *c, const struct pfd_hooks *h)
{
	struct pfd *m = xcalloc(1, sizeof *m);
	m->cfg = *c;
	if (h)
		m->hk = *h;
	m->fds = fdmap_new(c->max_fds);
	m->cwds = fdmap_new(c->max_cwds);
	if (c->fd_bytes)
		fdmap_set_byte_cap(m->fds, c->fd_bytes);
	if (c->cwd_bytes)
		fdmap_set_byte_cap(m->cwds, c->cwd_bytes);
	kdtab_init(&m->procs, sizeof(struct proc), c->max_procs);
	return m;
}

void pfd_free(struct pfd *m)
{
	if (!m)
		return;
	fdmap_free(m->fds), fdmap_free(m->cwds);
	kdtab_free(&m->procs);
	free(m);
}

void pfd_get_stats(const struct pfd *m, struct pfd_stats *st)
{
	*st = m->st;
	st->fd_entries = fdmap_size(m->fds);
	st->fd_evictions = fdmap_evictions(m->fds);
	st->cwd_evictions = fdmap_evictions(m->cwds);
	st->proc_evictions = m->procs.evictions;
}

static struct proc *proc_of(struct pfd *m, uint32_t pid)
{
	return kdtab_get(&m->procs, pid);
}

/* The process pid is now: known, first seen (born now), or a new one
 * with the pid of one that exited. Valid until the next proc_live. */
static struct proc *proc_live(struct pfd *m, uint32_t pid)
{
	int isnew;
	struct proc *p = kdtab_put(&m->procs, pid, &isnew);
	if (isnew || (p->flags & P_DEAD)) {
		memset(p, 0, sizeof *p);
		p->birth = ++m->serial;
	}
	return p;
}

/* What (pid, fd) held as of serial asof, with the process's last exec
 * as of then at xasof. *aux gets the entry's flags and serial. */
static const char *visible(struct pfd *m, struct fdmap *map, uint32_t pid, int32_t fd,
                           uint64_t asof, uint64_t xasof, size_t *n, uint64_t *aux, int depth)
{
	const struct proc *p = proc_of(m, pid);
	const char *s;
	uint64_t pbirth, pexec, birth;
	uint32_t ppid;
	if (!p)
		return NULL;
	s = fdmap_get64(map, fdmap_key(pid, fd), n, aux);
	if (s && SER(*aux) >= p->birth) {
		/* written after asof: what it hid went to the children that
		 * inherit it (copy on write), or is lost to an untracked one */
		if (SER(*aux) >= asof || (*aux & PFD_KIND) == PFD_CLOSED)
			return NULL;
		return (*aux & PFD_CLOEXEC) && SER(*aux) < xasof ? NULL : s;
	}
	if (!(p->flags & P_FORKED) || depth >= DEPTH)
		return NULL;
	ppid = p->ppid, pbirth = p->pbirth, pexec = p->pexec, birth = p->birth;
	p = proc_of(m, ppid);
	if (!p || p->birth != pbirth)
		return NULL;              /* the parent's pid was reused or evicted */
	s = visible(m, map, ppid, fd, birth, pexec, n, aux, depth + 1);
	/* inherited entries are older than this process: any exec of it
	 * (xasof > 0) closed the close-on-exec ones */
	return s && (*aux & PFD_CLOEXEC) && SER(*aux) < xasof ? NULL : s;
}

static int own_entry(struct fdmap *map, uint32_t pid, int32_t fd, uint64_t birth)
{
	uint64_t aux;
	return fdmap_get64(map, fdmap_key(pid, fd), NULL, &aux) && SER(aux) >= birth;
}

/* Before pid's entry for fd changes: each child forked from this
 * process that still inherits the entry gets its own copy as of its
 * fork, written at its birth so that its own exec still closes it. */
static void keep_for_kids(struct pfd *m, struct fdmap *map, uint32_t pid, int32_t fd)
{
	const struct proc *p = proc_of(m, pid);
	uint32_t kids[PFD_KIDS], nkids;
	uint64_t birth, aux;
	size_t n;
	if (!p || !p->nkids)
		return;
	nkids = p->nkids, birth = p->birth;
	memcpy(kids, p->kids, sizeof kids);
	for (uint32_t i = 0; i < nkids; i++) {
		const struct proc *k = proc_of(m, kids[i]);
		const char *s;
		uint64_t kbirth, kexec;
		if (!k || !(k->flags & P_FORKED) || (k->flags & P_DEAD) || k->ppid != pid ||
		    k->pbirth != birth)
			continue;
		kbirth = k->birth, kexec = k->execser;
		if (own_entry(map, kids[i], fd, kbirth))
			continue;
		s = visible(m, map, pid, fd, kbirth, k->pexec, &n, &aux, 0);
		if (!s || ((aux & PFD_CLOEXEC) && kexec) || n > PFD_NAME_MAX)
			continue;
		memcpy(m->kbuf, s, n);
		if (fdmap_put64(map, fdmap_key(kids[i], fd), m->kbuf, n, AUX(kbirth, aux & 0xf)) == 0)
			m->st.inherit_copies++;
	}
}

/* The one writer of entries. */
static void put(struct pfd *m, struct fdmap *map, uint32_t pid, int32_t fd, const char *s,
                size_t n, unsigned flags)
{
	proc_live(m, pid);
	keep_for_kids(m, map, pid, fd);
	if (n > PFD_NAME_MAX)
		s = "", n = 0, flags = (flags & ~PFD_KIND) | PFD_NOPATH;
	if (fdmap_put64(map, fdmap_key(pid, fd), s, n, AUX(m->serial, flags)) < 0)
		fdmap_del(map, fdmap_key(pid, fd));   /* no memory: unknown, not stale */
}

void pfd_open(struct pfd *m, uint32_t pid, int32_t fd, const char *s, size_t n,
              unsigned kind, int cloexec)
{
	if (fd >= 0)
		put(m, m->fds, pid, fd, s, n, (kind & PFD_KIND) | (cloexec ? PFD_CLOEXEC : 0));
}

/* A tombstone hides what a child inherited and keeps the hook from
 * naming a descriptor we saw closed; without either there is nothing to
 * hide and the entry can go. */
void pfd_close(struct pfd *m, uint32_t pid, int32_t fd)
{
	const struct proc *p;
	if (fd < 0)
		return;
	p = proc_live(m, pid);
	if ((p->flags & P_FORKED) || m->hk.fdpath) {
		put(m, m->fds, pid, fd, "", 0, PFD_CLOSED);
		return;
	}
	keep_for_kids(m, m->fds, pid, fd);
	fdmap_del(m->fds, fdmap_key(pid, fd));
}

const char *pfd_get(struct pfd *m, uint32_t pid, int32_t fd, size_t *n, unsigned *flags)
{
	const struct proc *p;
	const char *s;
	size_t dn;
	uint64_t aux = 0;
	if (fd < 0 || !(p = proc_of(m, pid)) || (p->flags & P_DEAD))
		return NULL;
	s = visible(m, m->fds, pid, fd, UINT64_MAX, p->execser, n ? n : &dn, &aux, 0);
	if (s && flags)
		*flags = (unsigned)(aux & 0xf);
	return s;
}

void pfd_dup(struct pfd *m, uint32_t pid, int32_t from, int32_t to, int cloexec)
{
	unsigned fl = 0;
	size_t n = 0;
	const char *s = pfd_get(m, pid, from, &n, &fl);
	if (to < 0 || from == to)
		return;
	if (!s)
		s = "", n = 0, fl = PFD_NOPATH;
	memcpy(m->buf, s, n);     /* s may go in the put */
	put(m, m->fds, pid, to, m->buf, n, (fl & PFD_KIND) | (cloexec ? PFD_CLOEXEC : 0));
}

void pfd_setcloexec(struct pfd *m, uint32_t pid, int32_t fd, int on)
{
	unsigned fl = 0;
	size_t n = 0;
	const char *s = pfd_get(m, pid, fd, &n, &fl);
	if (!s)
		return;
	memcpy(m->buf, s, n);
	fl = on ? fl | PFD_CLOEXEC : fl & ~PFD_CLOEXEC;
	put(m, m->fds, pid, fd, m->buf, n, fl);
}

void pfd_chdir(struct pfd *m, uint32_t pid, const char *s, size_t n)
{
	if (n && s[0] == '/')
		put(m, m->cwds, pid, CWD_FD, s, n, PFD_FILE);
	else
		put(m, m->cwds, pid, CWD_FD, "", 0, PFD_NOPATH);
}

void pfd_fchdir(struct pfd *m, uint32_t pid, int32_t fd)
{
	size_t n = 0;
	const char *s = pfd_name(m, pid, fd, &n);
	if (s)
		memcpy(m->buf, s, n);
	pfd_chdir(m, pid, m->buf, s ? n : 0);
}

static void kid_add(struct proc *p, uint32_t child, uint64_t *untracked)
{
	for (uint32_t i = 0; i < p->nkids; i++)
		if (p->kids[i] == child)
			return;
	if (p->nkids == PFD_KIDS) {      /* the oldest child reads the present */
		memmove(p->kids, p->kids + 1, (PFD_KIDS - 1) * sizeof p->kids[0]);
		p->nkids--;
		(*untracked)++;
	}
	p->kids[p->nkids++] = child;
}

static void kid_remove(struct proc *p, uint32_t child)
{
	for (uint32_t i = 0; i < p->nkids; i++)
		if (p->kids[i] == child) {
			memmove(p->kids + i, p->kids + i + 1, (p->nkids - i - 1) * sizeof p->kids[0]);
			p->nkids--;
			return;
		}
}

/* A second report of the same fork (kdebug sees NEWTHREAD and fork's
 * END) changes nothing; otherwise child is a new process. */
void pfd_fork(struct pfd *m, uint32_t ppid, uint32_t child)
{
	struct proc *p = proc_live(m, ppid), *c;
	uint64_t birth = p->birth, pexec = p->execser;
	if (ppid == child)
		return;
	c = proc_of(m, child);
	if (c && (c->flags & P_FORKED) && !(c->flags & P_DEAD) && c->ppid == ppid && c->pbirth == birth)
		return;
	c = kdtab_put(&m->procs, child, &(int){ 0 });
	memset(c, 0, sizeof *c);
	c->birth = ++m->serial;
	c->flags = P_FORKED;
	c->ppid = ppid, c->pbirth = birth, c->pexec = pexec;
	if ((p = proc_of(m, ppid)) && p->birth == birth)   /* the put may evict */
		kid_add(p, child, &m->st.fork_untracked);
}

void pfd_exec(struct pfd *m, uint32_t pid)
{
	struct proc *p = proc_live(m, pid);
	p->execser = ++m->serial;
}

/* The record stays (dead) while its children may read it; the next
 * event with this pid starts a new process. */
void pfd_exit(struct pfd *m, uint32_t pid)
{
	struct proc *p = proc_of(m, pid), *pp;
	if (!p || (p->flags & P_DEAD))
		return;
	p->flags |= P_DEAD;
	if ((p->flags & P_FORKED) && (pp = proc_of(m, p->ppid)) && pp->birth == p->pbirth)
		kid_remove(pp, pid);
}

/* Ask the hook once; remember its answer, a miss too. */
static const char *ask_hook(struct pfd *m, struct fdmap *map, uint32_t pid, int32_t fd, size_t *n)
{
	long k = map == m->cwds ? m->hk.cwd(m->hk.ctx, pid, m->buf, sizeof m->buf)
	                        : m->hk.fdpath(m->hk.ctx, pid, fd, m->buf, sizeof m->buf);
	if (k == PFD_NOHOOK)
		return NULL;
	m->st.hook_lookups++;
	if (k > 0 && (size_t)k < sizeof m->buf && (!m->cfg.abs_only || m->buf[0] == '/')) {
		put(m, map, pid, fd, m->buf, (size_t)k, PFD_FILE | PFD_HOOKED);
		return fdmap_get64(map, fdmap_key(pid, fd), n, NULL);
	}
	put(m, map, pid, fd, "", 0, PFD_NOPATH | PFD_HOOKED);
	return NULL;
}

static const char *name_in(struct pfd *m, struct fdmap *map, uint32_t pid, int32_t fd, size_t *n)
{
	int hook = map == m->cwds ? m->hk.cwd != NULL : m->hk.fdpath != NULL;
	const struct proc *p = proc_live(m, pid);
	uint64_t aux = 0, birth = p->birth;
	const char *s = visible(m, map, pid, fd, UINT64_MAX, p->execser, n, &aux, 0);
	int abs = m->cfg.abs_only || map == m->cwds;
	if (s) {
		if ((aux & PFD_KIND) == PFD_FILE && *n && (!abs || s[0] == '/'))
			return s;
		if ((aux & PFD_KIND) == PFD_SOCKET || (aux & PFD_HOOKED) || !hook)
			return NULL;
		return ask_hook(m, map, pid, fd, n);
	}
	m->st.misses++;
	/* known closed (by close or exec): the hook would name a newer file */
	if (!hook || own_entry(map, pid, fd, birth))
		return NULL;
	return ask_hook(m, map, pid, fd, n);
}

const char *pfd_name(struct pfd *m, uint32_t pid, int32_t fd, size_t *n)
{
	size_t dn;
	return fd < 0 ? NULL : name_in(m, m->fds, pid, fd, n ? n : &dn);
}

const char *pfd_cwd(struct pfd *m, uint32_t pid, size_t *n)
{
	size_t dn;
	return name_in(m, m->cwds, pid, CWD_FD, n ? n : &dn);
}

size_t pfd_join(struct pfd *m, uint32_t pid, int64_t dirfd, int64_t at_fdcwd, const char *p,
                size_t n, char *out, size_t cap)
{
	const char *base = NULL;
	size_t bn = 0, o = 0;
	if (cap == 0)
		return 0;
	if (n && p[0] != '/') {
		if (dirfd == at_fdcwd || dirfd == -1)
			base = pfd_cwd(m, pid, &bn);
		else if (dirfd >= 0 && dirfd <= INT32_MAX)
			base = pfd_name(m, pid, (int32_t)dirfd, &bn);
	}
	if (base && bn && base[0] == '/' && bn + n + 2 <= cap) {
		memcpy(out, base, bn);
		o = bn;
		if (out[o - 1] != '/')
			out[o++] = '/';
		while (n >= 2 && p[0] == '.' && p[1] == '/')
			p += 2, n -= 2;
		if (n == 1 && p[0] == '.')
			n = 0, o -= o > 1;
	}
	if (o + n >= cap)
		n = cap - 1 - o;
	memmove(out + o, p, n);
	out[o + n] = 0;
	return o + n;
}
