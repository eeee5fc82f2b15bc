/* kdebug_fds.c — what the decoder knows about processes: pid -> (ppid,
 * name) here, and through lib/pfd.h the per-(pid, fd) descriptor table,
 * the cwd, fork/exec/exit and joining relative lookup paths with them
 * (notes/macos-kdebug.md §5.3 step 3). A thin layer: the rules are the
 * model's, libproc answers through its hooks. */
#include "kdebug_int.h"
#include "util.h"
#include <string.h>

/* the model's hooks: kdebug's, counted with the decoder's other lookups */
static long hook_fdpath(void *ctx, uint32_t pid, int32_t fd, char *out, size_t cap)
{
	struct kd_decoder *d = ctx;
	d->st.hook_lookups++;
	return d->hk.fdpath(d->hk.ctx, (int32_t)pid, fd, out, cap);
}

static long hook_cwd(void *ctx, uint32_t pid, char *out, size_t cap)
{
	struct kd_decoder *d = ctx;
	d->st.hook_lookups++;
	return d->hk.cwd(d->hk.ctx, (int32_t)pid, out, cap);
}

void kd_fds_init(struct kd_decoder *d)
{
	struct pfd_config c = { .max_fds = d->cfg.max_fds, .max_cwds = d->cfg.max_fds / 16 + 1024,
	                        .max_procs = d->cfg.max_procs, .abs_only = 1 };
	struct pfd_hooks h = { d, d->hk.fdpath ? hook_fdpath : NULL, d->hk.cwd ? hook_cwd : NULL };
	d->pfd = pfd_new(&c, &h);
}

void kd_fds_free(struct kd_decoder *d)
{
	pfd_free(d->pfd);
}

uint64_t kd_fd_evictions(const struct kd_decoder *d)
{
	struct pfd_stats st;
	pfd_get_stats(d->pfd, &st);
	return st.fd_evictions + st.cwd_evictions;
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

/* An --exclude-pid process, or one it started after tracing began (seen
 * forking: kd_proc_fork marks the child), so the supervisor's restarted
 * children are not traced either. */
int kd_excluded(struct kd_decoder *d, int32_t pid)
{
	const struct kd_proc *p;
	if (!d->cfg.nexclude)
		return 0;
	for (size_t i = 0; i < d->cfg.nexclude; i++)
		if (d->cfg.exclude[i] == pid)
			return 1;
	p = kd_proc_get(d, pid, 0);
	return p && (p->flags & PF_EXCLUDED);
}

/* A new process child of ppid (NEWTHREAD of a new task, or fork's END):
 * a new incarnation that inherits the parent's descriptors and name. */
void kd_proc_fork(struct kd_decoder *d, int32_t ppid, int32_t child)
{
	struct kd_proc *pp, *c;
	char name[sizeof pp->name];
	int excl;
	if (ppid < 0 || child < 0 || ppid == child)
		return;
	excl = kd_excluded(d, ppid);
	pp = kd_proc_get(d, ppid, 1);
	memcpy(name, pp->name, sizeof name);
	kdtab_del(&d->procs, (uint64_t)(uint32_t)child);
	kd_late_shadow_take(d, child);      /* the pid is a new process's now */
	c = kd_proc_get(d, child, 1);
	c->ppid = ppid;
	c->flags = PF_PPID | (excl ? PF_EXCLUDED : 0);
	memcpy(c->name, name, sizeof name);
	pfd_fork(d->pfd, (uint32_t)ppid, (uint32_t)child);
}

void kd_proc_exec(struct kd_decoder *d, int32_t pid)
{
	if (pid >= 0)
		pfd_exec(d->pfd, (uint32_t)pid);
}

void kd_late_shadow_add(struct kd_decoder *d, int32_t pid)
{
	d->late_shadow[d->late_next++ % 8] = (uint32_t)pid + 1;
}

int kd_late_shadow_take(struct kd_decoder *d, int32_t pid)
{
	for (int i = 0; i < 8; i++)
		if (d->late_shadow[i] == (uint32_t)pid + 1) {
			d->late_shadow[i] = 0;
			return 1;
		}
	return 0;
}

/* The process is forgotten: a later one with its pid is a new one. */
void kd_proc_exit(struct kd_decoder *d, int32_t pid)
{
	if (pid < 0)
		return;
	kdtab_del(&d->procs, (uint64_t)(uint32_t)pid);
	pfd_exit(d->pfd, (uint32_t)pid);
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

const char *kd_fd_get(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n, uint32_t *aux)
{
	unsigned fl = 0;
	const char *s = pid < 0 ? NULL : pfd_get(d->pfd, (uint32_t)pid, fd, n, &fl);
	if (s && aux)
		*aux = fl;
	return s;
}

void kd_fd_put(struct kd_decoder *d, int32_t pid, int32_t fd, const char *s, size_t n,
               uint32_t kind, int cloexec)
{
	if (pid < 0)
		return;
	kd_proc_get(d, pid, 1);
	if (fd == KD_FD_CWD)
		pfd_chdir(d->pfd, (uint32_t)pid, s, n);
	else if (kind == FK_CLOSED)
		pfd_close(d->pfd, (uint32_t)pid, fd);
	else
		pfd_open(d->pfd, (uint32_t)pid, fd, s, n, kind, cloexec);
}

void kd_fd_dup(struct kd_decoder *d, int32_t pid, int32_t from, int32_t to, int cloexec)
{
	if (pid >= 0)
		pfd_dup(d->pfd, (uint32_t)pid, from, to, cloexec);
}

void kd_fd_setcloexec(struct kd_decoder *d, int32_t pid, int32_t fd, int on)
{
	if (pid >= 0)
		pfd_setcloexec(d->pfd, (uint32_t)pid, fd, on);
}

const char *kd_fd_path(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n)
{
	return pid < 0 ? NULL : pfd_name(d->pfd, (uint32_t)pid, fd, n);
}

const char *kd_cwd(struct kd_decoder *d, int32_t pid, size_t *n)
{
	return pid < 0 ? NULL : pfd_cwd(d->pfd, (uint32_t)pid, n);
}

int kd_is_ancestor(const char *dir, size_t dn, const char *p, size_t n)
{
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	return dn < n && memcmp(dir, p, dn) == 0 && (p[dn] == '/' || (dn == 1 && dir[0] == '/'));
}

/* What the marks mean (iotrc-kdebug(1), iotrc-records(5)): "/..." + text
 * is a path whose leading part is unknown. */
size_t kd_join(struct kd_decoder *d, int32_t pid, int64_t dirfd, const char *p, size_t n,
               int flags, char *out)
{
	if (flags & KP_TAIL) {
		/* only the tail reached us (§3.6), or a relative string whose
		 * directory cannot be told (KP_AMBIG: "/.../" + the string):
		 * marked so that no one joins it with a directory */
		size_t m = flags & KP_AMBIG ? 5 : 4;
		memcpy(out, "/.../", m);
		memcpy(out + m, p, n);
		return n + m;
	}
	if (pid < 0)
		dirfd = -3;                     /* no process, no base */
	return pfd_join(d->pfd, (uint32_t)pid, dirfd, DARWIN_AT_FDCWD, p, n, out, 2 * KD_PATHMAX + 8);
}

int kd_path_fits(const char *k, size_t kn, const char *s, size_t n, int flags)
{
	size_t start = 0, i = 0;
	while (kn > 1 && k[kn - 1] == '/')
		kn--;
	if (kn == 0 || k[0] != '/' || n == 0)
		return 0;
	if ((flags & KP_TAIL) && !(flags & KP_AMBIG))     /* a cut path: its last bytes */
		return kn >= n && memcmp(k + kn - n, s, n) == 0;
	while (n > 1 && s[n - 1] == '/')
		n--;
	/* the components after the last "." or "..": namei walked them by
	 * name from wherever the string started */
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '/')
			j++;
		if ((j - i == 1 && s[i] == '.') || (j - i == 2 && s[i] == '.' && s[i + 1] == '.'))
			start = j < n ? j + 1 : n;
		i = j + 1;
	}
	if (start >= n)
		return 0;
	n -= start, s += start;
	return kn > n && k[kn - n - 1] == '/' && memcmp(k + kn - n, s, n) == 0;
}

/* proc_pidfdinfo(PROC_PIDFDVNODEPATHINFO) through the fdpath hook
 * (lib/proc_darwin.c proc_fdpath): asked when the END is decoded, which
 * may be after the program closed the descriptor and opened another file
 * on its number; kd_path_fits turns such an answer down. */
size_t kd_settle_fd(struct kd_decoder *d, int32_t pid, int32_t fd, const struct kd_path *p,
                    const char *buf, char *out)
{
	long k;
	if (!d->hk.fdpath || pid < 0 || fd < 0)
		return 0;
	d->st.hook_lookups++;
	k = d->hk.fdpath(d->hk.ctx, pid, fd, out, KD_PATHMAX);
	if (k <= 0 || k >= KD_PATHMAX || !kd_path_fits(out, (size_t)k, buf, p->len, p->flags))
		return 0;
	out[k] = 0;
	if (p->vnode)
		fdmap_put(d->vnodes, p->vnode, out, (size_t)k, 0);
	d->st.lookup_settled++;
	return (size_t)k;
}
