/* kdebug_sys.c — the syscall event handlers (notes/macos-kdebug.md §3.5):
 * START keeps the call's arguments on its thread; END matches it with them,
 * takes errno, return value and pid, and writes the vfs or net record,
 * keeping the descriptor, cwd and vnode tables right. Which START argument
 * fills which field is the shape in kdebug_systab.c. Below it:
 * kdebug_emit.c, kdebug_threads.c, kdebug_fds.c, kdebug_systab.c. */
#include "kdebug_int.h"
#include "osnum.h"
#include <stdio.h>
#include <string.h>

struct kd_end {
	int32_t pid;
	uint64_t tid, ts;
	int64_t ret, err, entry;
	uint64_t rv0, rv1, a[4];
	int matched;
	const struct kd_sysent *ent;
	const struct kd_slot *s;       /* this call's lookups, or NULL */
};

/* START arguments by type; unknown without a START (a call in flight when
 * tracing began, or state reset by lost events). */
static int64_t a_int(const struct kd_end *x, int i)
{
	return x->matched ? (int64_t)(int32_t)(uint32_t)x->a[i] : KD_UNK;
}
static int64_t a_64(const struct kd_end *x, int i)
{
	return x->matched ? (int64_t)x->a[i] : KD_UNK;
}

/* Lookup idx of this call, joined with dirfd (or the cwd), into tmp[k]. */
static const char *lpath(struct kd_decoder *d, const struct kd_end *x, int idx, int64_t dirfd,
                         int k, size_t *n, int *flags)
{
	const struct kd_path *p;
	*n = 0;
	if (flags)
		*flags = 0;
	if (!x->s || !(p = &x->s->p[idx])->valid)
		return NULL;
	if (flags)
		*flags = p->flags;
	*n = kd_join(d, x->pid, dirfd, x->s->buf[idx], p->len, p->flags, d->tmp[k]);
	return d->tmp[k];
}

/* The path of a descriptor argument, for fd-based records: iotrc-parse
 * uses a path when the record has one (copied: the table may change). */
static void fdpath(struct kd_decoder *d, const struct kd_end *x, int64_t fd, int k,
                   const char **out, size_t *n)
{
	const char *s;
	if (fd == KD_UNK || fd < 0 || fd > INT32_MAX)
		return;
	s = kd_fd_path(d, x->pid, (int32_t)fd, n);
	if (!s)
		return;
	if (*n >= sizeof d->tmp[k])
		*n = sizeof d->tmp[k] - 1;
	memcpy(d->tmp[k], s, *n);
	*out = d->tmp[k];
}

static int is_open(int shape)
{
	return shape >= SH_OPEN && shape <= SH_OPENBYID;
}

/* Remember vnode -> path for disk I/O (§3.7) from a call that succeeded.
 * On a failed lookup the vnode is the parent directory (§3.6), and so it
 * is when a create finds no file: those are not kept, and an O_CREAT open
 * is kept only when the vnode is not already known as an ancestor. */
static void map_vnodes(struct kd_decoder *d, const struct kd_end *x, int64_t oflags)
{
	const struct kd_sysent *e = x->ent;
	int shape = e ? e->shape : SH_NONE, pflags;
	size_t n, kn;
	const char *p, *known;
	if (x->err != 0 || !x->s || (e && (e->flags & SYF_CREATE) && !is_open(shape)))
		return;
	p = lpath(d, x, PS_FIRST, -1, 0, &n, &pflags);
	/* a relative string joined with the cwd may be wrong (symlinks,
	 * kdebug_lookup.c settle): not kept, lest it settle later lookups */
	if (!p || !n || p[0] != '/' || (pflags & (KP_TAIL | KP_PARTIAL | KP_REL)) || !x->s->p[PS_FIRST].vnode)
		return;
	known = fdmap_get(d->vnodes, x->s->p[PS_FIRST].vnode, &kn, NULL);
	if (known && kn == n && memcmp(known, p, n) == 0)
		return;                    /* already known (and now recently used) */
	if (known && is_open(shape) && (oflags == KD_UNK || (oflags & DARWIN_O_CREAT)) &&
	    kd_is_ancestor(known, kn, p, n))
		return;
	fdmap_put(d->vnodes, x->s->p[PS_FIRST].vnode, p, n, 0);
}

static void end_open(struct kd_decoder *d, const struct kd_end *x, struct kd_vrec *v, int shape)
{
	int64_t dirfd = -1;
	int pflags = 0;
	size_t n;
	/* fd: the directory the path is relative to, AT_FDCWD for the plain
	 * forms (as dtrace/vfs.d writes it) */
	switch (shape) {
	case SH_OPEN: dirfd = v->fd = DARWIN_AT_FDCWD, v->flags = a_int(x, 1), v->mode = a_int(x, 2); break;
	case SH_OPEN5: dirfd = v->fd = DARWIN_AT_FDCWD, v->flags = a_int(x, 1); break;
	case SH_OPENAT: dirfd = v->fd = a_int(x, 0), v->flags = a_int(x, 2), v->mode = a_int(x, 3); break;
	case SH_OPENAT5: dirfd = v->fd = a_int(x, 0), v->flags = a_int(x, 2); break;
	case SH_GOPEN: dirfd = v->fd = DARWIN_AT_FDCWD, v->flags = a_int(x, 3); break;
	case SH_OPENBYID: v->flags = a_int(x, 2); break;
	}
	if (shape != SH_OPENBYID)
		v->path = lpath(d, x, PS_FIRST, dirfd, 0, &v->pathn, &pflags);
	/* a relative (maybe symlinked) or cut lookup: live, the new
	 * descriptor's own path, if it fits (kdebug_fds.c kd_settle_fd) */
	if (v->path && (pflags & (KP_REL | KP_TAIL)) && x->err == 0 && x->ret >= 0 && x->ret <= INT32_MAX &&
	    (n = kd_settle_fd(d, x->pid, (int32_t)x->ret, &x->s->p[PS_FIRST], x->s->buf[PS_FIRST], d->tmp[1])))
		v->path = d->tmp[1], v->pathn = n, pflags = 0;
	kd_emit_vfs(d, x->pid, x->tid, x->ts, v);
	if (x->err == 0 && x->ret >= 0 && x->ret <= INT32_MAX) {
		int cloexec = v->flags != KD_UNK && (v->flags & DARWIN_O_CLOEXEC);
		if (v->path && v->pathn && v->path[0] == '/' && !(pflags & KP_PARTIAL))
			kd_fd_put(d, x->pid, (int32_t)x->ret, v->path, v->pathn, FK_FILE, cloexec);
		else
			kd_fd_put(d, x->pid, (int32_t)x->ret, "", 0, FK_NOPATH, cloexec);
	}
	map_vnodes(d, x, v->flags);
}

/* dup, dup2, fcntl; only the duplicating fcntl commands are records
 * (iotrc-records(5)); F_SETFD keeps our close-on-exec bit right. */
static void end_dup(struct kd_decoder *d, const struct kd_end *x, struct kd_vrec *v, int shape)
{
	int64_t cmd = KD_UNK;
	v->fd = a_int(x, 0);
	if (shape == SH_DUP2)
		v->fd2 = a_int(x, 1);
	if (shape == SH_FCNTL) {
		cmd = a_int(x, 1);
		if (cmd == DARWIN_F_SETFD && x->err == 0 && v->fd >= 0)
			kd_fd_setcloexec(d, x->pid, (int32_t)v->fd, (a_64(x, 2) & 1) != 0);
		if (cmd != DARWIN_F_DUPFD && cmd != DARWIN_F_DUPFD_CLOEXEC)
			return;
		v->flags = cmd, v->mode = a_64(x, 2);
	}
	fdpath(d, x, v->fd, 0, &v->path, &v->pathn);
	kd_emit_vfs(d, x->pid, x->tid, x->ts, v);
	if (x->err == 0 && v->fd != KD_UNK && v->fd >= 0 && x->ret >= 0 && x->ret <= INT32_MAX &&
	    x->ret != v->fd)
		kd_fd_dup(d, x->pid, (int32_t)v->fd, (int32_t)x->ret, cmd == DARWIN_F_DUPFD_CLOEXEC);
}

/* Calls with one or two paths (each joined with its directory fd). */
static void end_paths(struct kd_decoder *d, const struct kd_end *x, struct kd_vrec *v, int shape)
{
	int two = 0;
	v->fd = DARWIN_AT_FDCWD;        /* the plain forms, as dtrace/vfs.d */
	switch (shape) {
	case SH_UNLINKAT: v->fd = a_int(x, 0), v->flags = a_int(x, 2); break;
	case SH_RENAME: v->fd2 = DARWIN_AT_FDCWD, two = 1; break;
	case SH_RENAMEAT: case SH_LINKAT: case SH_CLONEAT:
		v->fd = a_int(x, 0), v->fd2 = a_int(x, 2), two = 1;
		break;
	case SH_MKDIR: v->mode = a_int(x, 1); break;
	case SH_MKDIRAT: v->fd = a_int(x, 0), v->mode = a_int(x, 2); break;
	case SH_MKDIR_EXT: v->mode = a_int(x, 3); break;
	case SH_TRUNCATE: v->size = a_64(x, 1); break;
	case SH_EXCHANGE: v->fd2 = DARWIN_AT_FDCWD, two = 1, v->flags = a_64(x, 2); break;
	}
	v->path = lpath(d, x, PS_FIRST, v->fd, 0, &v->pathn, NULL);
	if (two)
		v->path2 = lpath(d, x, PS_SECOND, v->fd2, 1, &v->path2n, NULL);
	kd_emit_vfs(d, x->pid, x->tid, x->ts, v);
	map_vnodes(d, x, KD_UNK);
}

/* symlink and fclonefileat: the one lookup is the second path. */
static void end_second(struct kd_decoder *d, const struct kd_end *x, struct kd_vrec *v, int shape)
{
	if (shape == SH_SYMLINK)
		v->fd2 = DARWIN_AT_FDCWD;
	if (shape == SH_SYMLINKAT)
		v->fd2 = a_int(x, 1);
	if (shape == SH_FCLONEAT) {
		v->fd = a_int(x, 0), v->fd2 = a_int(x, 1), v->flags = a_int(x, 3);
		fdpath(d, x, v->fd, 0, &v->path, &v->pathn);
	}
	v->path2 = lpath(d, x, PS_FIRST, v->fd2, 1, &v->path2n, NULL);
	kd_emit_vfs(d, x->pid, x->tid, x->ts, v);
}

static void end_chdir(struct kd_decoder *d, const struct kd_end *x, struct kd_vrec *v, int shape)
{
	int pflags = 0;
	if (shape == SH_CHDIR) {
		v->fd = DARWIN_AT_FDCWD;
		v->path = lpath(d, x, PS_FIRST, -1, 0, &v->pathn, &pflags);
	}
	else {
		v->fd = a_int(x, 0);
		fdpath(d, x, v->fd, 0, &v->path, &v->pathn);
	}
	kd_emit_vfs(d, x->pid, x->tid, x->ts, v);
	if (x->err == 0 && v->path && v->pathn && v->path[0] == '/' && !(pflags & KP_PARTIAL))
		kd_fd_put(d, x->pid, KD_FD_CWD, v->path, v->pathn, FK_FILE, 0);
	map_vnodes(d, x, KD_UNK);
}

static void close_socket(struct kd_decoder *d, const struct kd_end *x, int64_t fd);

static void end_vfs(struct kd_decoder *d, const struct kd_end *x)
{
	int shape = x->ent->shape;
	struct kd_vrec v;
	kd_vrec_init(&v, x->ent->name);
	v.ret = x->ret, v.err = x->err, v.entry = x->entry;
	switch (shape) {
	case SH_RW: case SH_PRW: case SH_RWV: case SH_PRWV: case SH_GW: case SH_GPW: case SH_GWV:
		v.fd = a_int(x, 0);
		v.size = shape == SH_RW || shape == SH_PRW ? a_64(x, 2)
		       : shape == SH_GW || shape == SH_GPW ? a_64(x, 3) : KD_UNK;
		/* pread/pwrite: the 64-bit offset is START arg4 (§3.5) */
		v.offset = shape == SH_PRW || shape == SH_PRWV ? a_64(x, 3) : shape == SH_GPW ? KD_UNK : -1;
		fdpath(d, x, v.fd, 0, &v.path, &v.pathn);
		kd_emit_vfs(d, x->pid, x->tid, x->ts, &v);
		return;
	case SH_CLOSE: case SH_FD: case SH_FTRUNCATE:
		v.fd = a_int(x, 0);
		if (shape == SH_FTRUNCATE)
			v.size = a_64(x, 1);
		fdpath(d, x, v.fd, 0, &v.path, &v.pathn);
		kd_emit_vfs(d, x->pid, x->tid, x->ts, &v);
		if (shape == SH_CLOSE)
			close_socket(d, x, v.fd);
		if (shape == SH_CLOSE && (x->err == 0 || x->err == DARWIN_EINTR) && v.fd >= 0 && v.fd <= INT32_MAX)
			kd_fd_put(d, x->pid, (int32_t)v.fd, "", 0, FK_CLOSED, 0);
		return;
	case SH_DUP: case SH_DUP2: case SH_FCNTL:
		end_dup(d, x, &v, shape);
		return;
	case SH_SYMLINK: case SH_SYMLINKAT: case SH_FCLONEAT:
		end_second(d, x, &v, shape);
		return;
	case SH_CHDIR: case SH_FCHDIR:
		end_chdir(d, x, &v, shape);
		return;
	default:
		if (is_open(shape))
			end_open(d, x, &v, shape);
		else
			end_paths(d, x, &v, shape);
	}
}

/* fork/vfork: the parent's END has rval[0] = child pid, rval[1] = 0; the
 * child's has rval[1] = 1 (xnu kern_fork.c). The child may already be
 * known from its NEWTHREAD record (§3.8). */
static void end_proc(struct kd_decoder *d, const struct kd_end *x)
{
	struct kd_proc *c;
	struct kd_vrec v;
	if (x->ent->shape != SH_FORK || x->err != 0 || x->rv1 != 0 || x->ret <= 0 || x->ret > INT32_MAX ||
	    x->ret == x->pid)
		return;
	c = kd_proc_get(d, (int32_t)x->ret, 0);
	if (c && (c->flags & PF_FORK_EMITTED) && c->ppid == x->pid)
		return;
	kd_proc_fork(d, x->pid, (int32_t)x->ret);
	kd_vrec_init(&v, "fork");
	v.ret = x->ret, v.err = 0, v.entry = x->entry;
	kd_emit_vfs(d, x->pid, x->tid, x->ts, &v);
	c = kd_proc_get(d, (int32_t)x->ret, 1);
	c->flags |= PF_FORK_EMITTED;
}

static void sock_params(struct kd_decoder *d, int32_t pid, int64_t fd, struct kd_nrec *n)
{
	size_t len;
	uint32_t aux;
	const char *s;
	char buf[64];
	int f, t, p;
	if (fd == KD_UNK || fd < 0 || fd > INT32_MAX)
		return;
	s = kd_fd_get(d, pid, (int32_t)fd, &len, &aux);
	if (!s || (aux & FK_KIND) != FK_SOCKET || len == 0 || len >= sizeof buf)
		return;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (sscanf(buf, "%d %d %d", &f, &t, &p) == 3)
		n->family = f, n->type = t, n->proto = p;
}

/* Addresses and ports are in no kdebug event (§1.3): ask the live system
 * at END (best effort, racy; counted). */
static void sock_addr(struct kd_decoder *d, const struct kd_end *x, int64_t fd, int local,
                      struct kd_nrec *n, struct kd_sockaddr *sa)
{
	if (!d->hk.sockinfo || fd == KD_UNK || fd < 0 || fd > INT32_MAX)
		return;
	if (d->hk.sockinfo(d->hk.ctx, x->pid, (int32_t)fd, local, sa) < 0) {
		d->st.sockinfo_failed++;
		return;
	}
	d->st.sockinfo_ok++;
	n->family = sa->family, n->type = sa->type, n->proto = sa->proto;
	if (sa->family == 1) {            /* AF_UNIX */
		n->addr = (const unsigned char *)sa->path;
		n->addrn = strnlen(sa->path, sizeof sa->path);
		n->addr_is_path = 1;
		n->port = 0;
	} else {
		n->port = sa->port;
		n->addr = sa->addr;
		n->addrn = (size_t)sa->addrlen;
	}
}

/* The close of a socket is a net record too (the family's CLOSE): a
 * descriptor is a socket when socket() or accept() returned it (or it
 * was inherited or duplicated from one), as the descriptor table says. */
static void close_socket(struct kd_decoder *d, const struct kd_end *x, int64_t fd)
{
	struct kd_nrec n;
	uint32_t aux;
	size_t len;
	if (fd == KD_UNK || fd < 0 || fd > INT32_MAX ||
	    !kd_fd_get(d, x->pid, (int32_t)fd, &len, &aux) || (aux & FK_KIND) != FK_SOCKET)
		return;
	memset(&n, 0, sizeof n);
	n.op = x->ent->name;
	n.ret = x->ret, n.err = x->err, n.entry = x->entry;
	n.fd = fd;
	n.family = n.type = n.proto = n.arg = n.port = KD_UNK;
	sock_params(d, x->pid, fd, &n);
	kd_emit_net(d, x->pid, x->tid, x->ts, &n);
}

/* The local end of a connect or accept, from the live socket too (only
 * its address and port: family and type are the remote's query's). */
static void sock_local(struct kd_decoder *d, const struct kd_end *x, int64_t fd,
                       struct kd_nrec *n, struct kd_sockaddr *sa)
{
	if (!d->hk.sockinfo || fd == KD_UNK || fd < 0 || fd > INT32_MAX)
		return;
	if (d->hk.sockinfo(d->hk.ctx, x->pid, (int32_t)fd, 1, sa) < 0) {
		d->st.sockinfo_failed++;
		return;
	}
	d->st.sockinfo_ok++;
	n->laddr_is_path = sa->family == 1;
	n->laddr = sa->family == 1 ? (const unsigned char *)sa->path : sa->addr;
	n->laddrn = sa->family == 1 ? strnlen(sa->path, sizeof sa->path) : (size_t)sa->addrlen;
	n->lport = sa->family == 1 ? 0 : sa->port;
}

static void end_net(struct kd_decoder *d, const struct kd_end *x)
{
	struct kd_nrec n;
	struct kd_sockaddr sa, la;
	char params[64];
	int shape = x->ent->shape, len;
	memset(&n, 0, sizeof n);
	n.op = x->ent->name;
	n.ret = x->ret, n.err = x->err, n.entry = x->entry;
	n.fd = n.family = n.type = n.proto = n.arg = n.port = KD_UNK;
	if (shape == SH_SOCKET) {
		n.fd = -1;
		n.family = a_int(x, 0), n.type = a_int(x, 1), n.proto = a_int(x, 2);
	} else {
		n.fd = a_int(x, 0);
		sock_params(d, x->pid, n.fd, &n);
		if (shape == SH_SOCKARG)
			n.arg = a_int(x, 1);
		if (shape == SH_SOCKFD && (x->err == 0 || x->err == DARWIN_EINPROGRESS))
			sock_addr(d, x, n.fd, x->ent->flags & SYF_LOCAL, &n, &sa);
		if (shape == SH_ACCEPT && x->err == 0)
			sock_addr(d, x, x->ret, 0, &n, &sa);
		/* connect and accept carry the local end (iotrc-records(5)) */
		n.has_local = shape == SH_ACCEPT || (shape == SH_SOCKFD && !(x->ent->flags & SYF_LOCAL));
		n.lport = KD_UNK;
		if (n.has_local && shape == SH_SOCKFD && (x->err == 0 || x->err == DARWIN_EINPROGRESS))
			sock_local(d, x, n.fd, &n, &la);
		if (shape == SH_ACCEPT && x->err == 0)
			sock_local(d, x, x->ret, &n, &la);
	}
	kd_emit_net(d, x->pid, x->tid, x->ts, &n);
	if ((shape == SH_SOCKET || shape == SH_ACCEPT) && x->err == 0 && x->ret >= 0 && x->ret <= INT32_MAX) {
		len = 0;
		if (n.family != KD_UNK && n.type != KD_UNK && n.proto != KD_UNK)
			len = snprintf(params, sizeof params, "%d %d %d", (int)n.family, (int)n.type, (int)n.proto);
		kd_fd_put(d, x->pid, (int32_t)x->ret, params, len > 0 ? (size_t)len : 0, FK_SOCKET, 0);
	}
}

void kd_sys_start(struct kd_decoder *d, const kd_buf *e)
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

/* errno in arg1, rval[0] and rval[1] in arg2 and arg3, pid in arg4 (§3.5).
 * As DTrace reports it (macos-dtrace.md §1.3): ret -1 on an error,
 * -1/-1 for ERESTART, 0/-2 for EJUSTRETURN; 64-bit results from two
 * halves, rval[0] arriving sign-extended. */
static void result(struct kd_end *x, const kd_buf *e)
{
	x->err = (int32_t)(uint32_t)e->arg1;
	x->rv0 = e->arg2, x->rv1 = e->arg3;
	if (x->err == DARWIN_EJUSTRETURN)
		x->ret = 0;
	else if (x->err != 0)
		x->ret = -1;
	else if (x->ent && (x->ent->flags & SYF_RET64))
		x->ret = (int64_t)(((uint64_t)(uint32_t)e->arg3 << 32) | (uint32_t)e->arg2);
	else
		x->ret = (int32_t)(uint32_t)e->arg2;
}

void kd_sys_end(struct kd_decoder *d, const kd_buf *e)
{
	struct kd_end x;
	uint32_t sysno = KD_CODE(e->debugid);
	struct kd_thread *t = kd_thread_put(d, e->arg5);
	memset(&x, 0, sizeof x);
	x.pid = (int32_t)(uint32_t)e->arg4;
	x.tid = e->arg5, x.ts = e->timestamp;
	x.ent = kd_sys(sysno);
	x.matched = (t->state & T_SYSCALL) && t->sysno == sysno;
	if (!x.matched)
		d->st.orphan_ends++;
	/* lookups without a START are this call's; a START of another call's are not */
	if (t->slot >= 0 && (x.matched || !(t->state & T_SYSCALL)))
		x.s = d->slots[t->slot];
	if (t->state & T_SYSCALL && !x.matched)
		d->st.unfinished++;
	x.entry = x.matched ? (int64_t)t->ts_start : KD_UNK;
	memcpy(x.a, t->a, sizeof x.a);
	t->pid = x.pid;
	result(&x, e);
	if (!x.ent || x.ent->stream == KS_NONE) {
		d->st.syscalls_other++;
		map_vnodes(d, &x, KD_UNK);
		if (x.ent && x.ent->shape == SH_PIPE && x.err == 0) {
			kd_fd_put(d, x.pid, (int32_t)(uint32_t)x.rv0, "", 0, FK_NOPATH, 0);
			kd_fd_put(d, x.pid, (int32_t)(uint32_t)x.rv1, "", 0, FK_NOPATH, 0);
		}
	} else if (x.ent->stream == KS_VFS)
		end_vfs(d, &x);
	else if (x.ent->stream == KS_NET)
		end_net(d, &x);
	else
		end_proc(d, &x);
	t = kd_thread_put(d, e->arg5);
	t->state = 0;
	t->nlookups = 0;
	kd_slot_release(d, t);
}
