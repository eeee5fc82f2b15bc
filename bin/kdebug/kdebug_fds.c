/* kdebug_fds.c — what the decoder knows about processes: pid -> (ppid,
 * name), the per-(pid, fd) descriptor table, the cwd, and joining relative
 * lookup paths with them (notes/macos-kdebug.md §5.3 step 3).
 *
 * fdmap has no iteration, so fork, exec and exit are handled lazily with
 * serial numbers: every descriptor entry is stamped with a serial, every
 * process incarnation has a birth serial. An entry older than its
 * process's birth belongs to a previous process with that pid; a forked
 * child that has no entry of its own reads its parent's entry if it is
 * older than the child (opened before the fork); an O_CLOEXEC entry older
 * than the process's last exec is closed. Best effort: a parent that
 * closes or replaces a descriptor after the fork hides it from the child. */
#include "kdebug_int.h"
#include "util.h"
#include <string.h>

/* a before b, on the 28-bit serial circle */
static int ser_before(uint32_t a, uint32_t b)
{
	uint32_t d = (b - a) & KD_SERIAL_MASK;
	return d != 0 && d < (KD_SERIAL_MASK >> 1);
}

static uint32_t next_serial(struct kd_decoder *d)
{
	d->serial = (d->serial + 1) & KD_SERIAL_MASK;
	return d->serial;
}

struct kd_proc *kd_proc_get(struct kd_decoder *d, int32_t pid, int create)
{
	struct kd_proc *p;
	int isnew;
	char name[64];
	int32_t ppid = -1;
	if (pid < 0)
		return NULL;
	if (!create)
		return kdtab_get(&d->procs, (uint64_t)(uint32_t)pid);
	p = kdtab_put(&d->procs, (uint64_t)(uint32_t)pid, &isnew);
	if (!isnew)
		return p;
	p->ppid = -1;
	p->birth = next_serial(d);
	if (d->hk.procinfo) {
		name[0] = 0;
		d->st.hook_lookups++;
		if (d->hk.procinfo(d->hk.ctx, pid, &ppid, name, sizeof name) >= 0) {
			p = kdtab_get(&d->procs, (uint64_t)(uint32_t)pid);
			if (ppid >= 0)
				p->ppid = ppid, p->flags |= PF_PPID;
			if (name[0]) {
				size_t k = strnlen(name, sizeof p->name - 1);
				memcpy(p->name, name, k);
				p->name[k] = 0;
				p->flags |= PF_NAME_STRONG;
			}
		}
	}
	return p;
}

/* A new process child of ppid (NEWTHREAD of a new task, or fork's END):
 * a new incarnation that inherits the parent's descriptors and name. */
void kd_proc_fork(struct kd_decoder *d, int32_t ppid, int32_t child)
{
	struct kd_proc *pp, *c;
	uint32_t pbirth;
	char name[sizeof pp->name];
	if (ppid < 0 || child < 0 || ppid == child)
		return;
	pp = kd_proc_get(d, ppid, 1);
	pbirth = pp->birth;
	memcpy(name, pp->name, sizeof name);
	kdtab_del(&d->procs, (uint64_t)(uint32_t)child);
	c = kd_proc_get(d, child, 1);
	c->ppid = ppid;
	c->flags = PF_PPID | PF_FORKED;
	c->pbirth = pbirth;
	memcpy(c->name, name, sizeof name);
}

/* Names come from the thread map (19 bytes), NEWTHREAD/EXEC strings (32
 * bytes, not always terminated, §3.8) or libproc; a strong name (EXEC,
 * libproc) is not replaced by a weak one. */
void kd_proc_name(struct kd_decoder *d, int32_t pid, const char *s, size_t max, int strong)
{
	struct kd_proc *p = kd_proc_get(d, pid, 1);
	size_t n = strnlen(s, max);
	if (!p || n == 0 || ((p->flags & PF_NAME_STRONG) && !strong))
		return;
	if (n > sizeof p->name - 1)
		n = sizeof p->name - 1;
	memcpy(p->name, s, n);
	p->name[n] = 0;
	if (strong)
		p->flags |= PF_NAME_STRONG;
}

static const char *entry_of(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n,
                            uint32_t *aux, int depth)
{
	struct kd_proc *p = kd_proc_get(d, pid, 0), *pp;
	const char *s = fdmap_get(d->fds, fdmap_key((uint32_t)pid, fd), n, aux);
	if (s && (!p || !ser_before(FK_SERIAL(*aux), p->birth))) {
		if ((*aux & FK_KIND) == FK_CLOSED)
			return NULL;
		if ((*aux & FK_CLOEXEC) && p && (p->flags & PF_EXECD) &&
		    ser_before(FK_SERIAL(*aux), p->execser))
			return NULL;
		return s;
	}
	if (!p || !(p->flags & PF_FORKED) || depth >= 4)
		return NULL;
	pp = kd_proc_get(d, p->ppid, 0);
	if (!pp || pp->birth != p->pbirth)
		return NULL;
	{
		uint32_t birth = p->birth, execd = p->flags & PF_EXECD;
		s = entry_of(d, p->ppid, fd, n, aux, depth + 1);
		if (!s || !ser_before(FK_SERIAL(*aux), birth))
			return NULL;
		if ((*aux & FK_CLOEXEC) && execd)
			return NULL;
	}
	return s;
}

const char *kd_fd_get(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n, uint32_t *aux)
{
	size_t dn;
	uint32_t da;
	return entry_of(d, pid, fd, n ? n : &dn, aux ? aux : &da, 0);
}

void kd_fd_put(struct kd_decoder *d, int32_t pid, int32_t fd, const char *s, size_t n,
               uint32_t kind, int cloexec)
{
	uint32_t aux = kind | (cloexec ? FK_CLOEXEC : 0) | (next_serial(d) << 4);
	if (pid < 0)
		return;
	kd_proc_get(d, pid, 1);
	fdmap_put(d->fds, fdmap_key((uint32_t)pid, fd), s, n, aux);
}

void kd_fd_dup(struct kd_decoder *d, int32_t pid, int32_t from, int32_t to, int cloexec)
{
	size_t n;
	uint32_t aux;
	const char *s = kd_fd_get(d, pid, from, &n, &aux);
	char buf[KD_PATHMAX];
	if (!s) {
		kd_fd_put(d, pid, to, "", 0, FK_NOPATH, cloexec);
		return;
	}
	if (n > sizeof buf)
		n = sizeof buf;
	memcpy(buf, s, n);               /* s may go away in the put */
	kd_fd_put(d, pid, to, buf, n, aux & FK_KIND, cloexec);
}

void kd_fd_setcloexec(struct kd_decoder *d, int32_t pid, int32_t fd, int on)
{
	size_t n;
	uint32_t aux;
	const char *s = fdmap_get(d->fds, fdmap_key((uint32_t)pid, fd), &n, &aux);
	if (!s)
		return;
	aux = on ? aux | FK_CLOEXEC : aux & ~FK_CLOEXEC;
	/* same string: fdmap interns, so a put of its own value is safe after a copy */
	char buf[KD_PATHMAX];
	if (n > sizeof buf)
		n = sizeof buf;
	memcpy(buf, s, n);
	fdmap_put(d->fds, fdmap_key((uint32_t)pid, fd), buf, n, aux);
}

/* The live system may know what we did not see (descriptors opened before
 * the trace): ask once, remember the answer either way. */
static const char *ask_hook(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n)
{
	char buf[KD_PATHMAX];
	long k;
	d->st.hook_lookups++;
	k = fd == KD_FD_CWD ? d->hk.cwd(d->hk.ctx, pid, buf, sizeof buf)
	                    : d->hk.fdpath(d->hk.ctx, pid, fd, buf, sizeof buf);
	if (k > 0 && buf[0] == '/') {
		kd_fd_put(d, pid, fd, buf, (size_t)k, FK_FILE | FK_HOOKED, 0);
		return kd_fd_get(d, pid, fd, n, NULL);
	}
	kd_fd_put(d, pid, fd, "", 0, FK_NOPATH | FK_HOOKED, 0);
	return NULL;
}

static const char *path_of(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n)
{
	uint32_t aux = 0;
	int hook = fd == KD_FD_CWD ? d->hk.cwd != NULL : d->hk.fdpath != NULL;
	const char *s = kd_fd_get(d, pid, fd, n, &aux);
	if (s) {
		if ((aux & FK_KIND) == FK_FILE && *n && s[0] == '/')
			return s;
		if ((aux & FK_KIND) == FK_SOCKET || (aux & FK_HOOKED) || !hook)
			return NULL;
		return ask_hook(d, pid, fd, n);
	}
	if (!hook || pid < 0)
		return NULL;
	if (fdmap_get(d->fds, fdmap_key((uint32_t)pid, fd), NULL, &aux) && (aux & FK_KIND) == FK_CLOSED)
		return NULL;
	return ask_hook(d, pid, fd, n);
}

const char *kd_fd_path(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n)
{
	if (fd < 0)
		return NULL;
	return path_of(d, pid, fd, n);
}

const char *kd_cwd(struct kd_decoder *d, int32_t pid, size_t *n)
{
	return path_of(d, pid, KD_FD_CWD, n);
}

int kd_is_ancestor(const char *dir, size_t dn, const char *p, size_t n)
{
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	return dn < n && memcmp(dir, p, dn) == 0 && (p[dn] == '/' || (dn == 1 && dir[0] == '/'));
}

size_t kd_join(struct kd_decoder *d, int32_t pid, int64_t dirfd, const char *p, size_t n,
               int flags, char *out)
{
	const char *base = NULL;
	size_t bn = 0, o = 0;
	if (flags & KP_TAIL) {
		/* only the tail reached us (§3.6): mark it "/..." so that no
		 * one joins it with a directory */
		memcpy(out, "/...", 4);
		memcpy(out + 4, p, n);
		return n + 4;
	}
	if (n && p[0] != '/') {
		if (dirfd == KD_AT_FDCWD || dirfd == -1)
			base = kd_cwd(d, pid, &bn);
		else if (dirfd >= 0 && dirfd <= INT32_MAX)
			base = kd_fd_path(d, pid, (int32_t)dirfd, &bn);
	}
	if (base && bn && bn < KD_PATHMAX) {
		memcpy(out, base, bn);
		o = bn;
		if (out[o - 1] != '/')
			out[o++] = '/';
		while (n >= 2 && p[0] == '.' && p[1] == '/')
			p += 2, n -= 2;
		if (n == 1 && p[0] == '.')
			n = 0, o -= o > 1;
	}
	memcpy(out + o, p, n);
	return o + n;
}
