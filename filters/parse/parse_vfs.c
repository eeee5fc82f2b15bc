/* parse_vfs.c — vfs records -> fs rows (iotrc-records(5) "Stream vfs";
 * columns from schema.tsv; value conventions from upstream.md §2.2, minus
 * the defects of §10: failed calls keep return_value and errno, dup/fcntl
 * and *at directory descriptors feed the descriptor table). */
#include "parse.h"
#include "anon.h"
#include "decode.h"
#include "mono.h"
#include "proc.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

enum kind { K_READ, K_WRITE, K_OPEN, K_CLOSE, K_DUP, K_FSYNC, K_UNLINK, K_RENAME,
            K_MKDIR, K_RMDIR, K_LINK, K_SYMLINK, K_TRUNCATE, K_MMAP, K_CLONE,
            K_EXCHANGE, K_CHDIR, K_FORK, K_EXEC, K_EXIT };

/* The one table of syscall -> operation (macOS names from
 * notes/macos-dtrace.md §1.4, then Linux names). *_nocancel is stripped
 * before lookup. The operation of a bookkeeping kind is NULL: no row. */
static const struct vfs_op {
	const char *name;
	enum kind kind;
} vfs_ops[] = {
	{ "read", K_READ }, { "pread", K_READ }, { "readv", K_READ }, { "preadv", K_READ },
	{ "pread64", K_READ }, { "preadv2", K_READ },
	{ "write", K_WRITE }, { "pwrite", K_WRITE }, { "writev", K_WRITE }, { "pwritev", K_WRITE },
	{ "guarded_write_np", K_WRITE }, { "guarded_pwrite_np", K_WRITE },
	{ "guarded_writev_np", K_WRITE }, { "pwrite64", K_WRITE }, { "pwritev2", K_WRITE },
	{ "open", K_OPEN }, { "openat", K_OPEN }, { "open_extended", K_OPEN },
	{ "open_dprotected_np", K_OPEN }, { "openat_dprotected_np", K_OPEN },
	{ "guarded_open_np", K_OPEN }, { "guarded_open_dprotected_np", K_OPEN },
	{ "openbyid_np", K_OPEN }, { "openat2", K_OPEN }, { "creat", K_OPEN },
	{ "close", K_CLOSE }, { "guarded_close_np", K_CLOSE },
	{ "dup", K_DUP }, { "dup2", K_DUP }, { "dup3", K_DUP }, { "fcntl", K_DUP },
	{ "fsync", K_FSYNC }, { "fdatasync", K_FSYNC },
	{ "unlink", K_UNLINK }, { "unlinkat", K_UNLINK },
	{ "rename", K_RENAME }, { "renameat", K_RENAME }, { "renameatx_np", K_RENAME },
	{ "renameat2", K_RENAME },
	{ "mkdir", K_MKDIR }, { "mkdirat", K_MKDIR }, { "mkdir_extended", K_MKDIR },
	{ "rmdir", K_RMDIR },
	{ "link", K_LINK }, { "linkat", K_LINK },
	{ "symlink", K_SYMLINK }, { "symlinkat", K_SYMLINK },
	{ "truncate", K_TRUNCATE }, { "ftruncate", K_TRUNCATE },
	{ "mmap", K_MMAP },
	{ "clonefileat", K_CLONE }, { "fclonefileat", K_CLONE },
	{ "exchangedata", K_EXCHANGE },
	{ "chdir", K_CHDIR }, { "fchdir", K_CHDIR },
	{ "fork", K_FORK }, { "exec", K_EXEC }, { "exit", K_EXIT },
};
static const char *const kind_op[] = {
	[K_READ] = "read", [K_WRITE] = "write", [K_OPEN] = "open", [K_CLOSE] = "close",
	[K_DUP] = "dup", [K_FSYNC] = "fsync", [K_UNLINK] = "unlink", [K_RENAME] = "rename",
	[K_MKDIR] = "mkdir", [K_RMDIR] = "rmdir", [K_LINK] = "link", [K_SYMLINK] = "symlink",
	[K_TRUNCATE] = "truncate", [K_MMAP] = "mmap", [K_CLONE] = "clonefile",
	[K_EXCHANGE] = "exchangedata", [K_CHDIR] = "chdir",
};

#define NOPS (sizeof vfs_ops / sizeof vfs_ops[0])
#define OPTAB 256
static int16_t optab[OPTAB];      /* open addressing: index + 1 */

static unsigned ophash(const char *s, size_t n)
{
	unsigned h = 5381;
	for (size_t i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

static const struct vfs_op *op_lookup(const char *s, size_t n)
{
	static const char nc[] = "_nocancel";
	unsigned h;
	if (!optab[ophash("read", 4) % OPTAB]) {
		for (size_t i = 0; i < NOPS; i++) {
			h = ophash(vfs_ops[i].name, strlen(vfs_ops[i].name)) % OPTAB;
			while (optab[h])
				h = (h + 1) % OPTAB;
			optab[h] = (int16_t)(i + 1);
		}
	}
	if (n > sizeof nc - 1 && memcmp(s + n - (sizeof nc - 1), nc, sizeof nc - 1) == 0)
		n -= sizeof nc - 1;
	for (h = ophash(s, n) % OPTAB; optab[h]; h = (h + 1) % OPTAB) {
		const struct vfs_op *o = &vfs_ops[optab[h] - 1];
		if (strlen(o->name) == n && memcmp(o->name, s, n) == 0)
			return o;
	}
	return NULL;
}

struct vrec {
	uint32_t pid, ppid;
	int64_t ret, err, entry, fd, fd2, size, offset, flags, mode;
	int has_size, has_entry, has_flags, failed;
};

/* Descriptor names must not outlive what they name: each entry is stamped
 * with its process's life (counted up at exit, so a reused pid starts
 * afresh) and exec count, and an O_CLOEXEC entry dies at the next exec
 * (upstream.md §10 #6). The stamp is the aux of p->procs: life << 8 | execs. */
static uint32_t proc_stamp(struct parser *p, uint32_t pid)
{
	uint32_t aux = 0;
	return fdmap_get(p->procs, pid, NULL, &aux) ? aux & 0x7fffffff : 0;
}

static void proc_bump(struct parser *p, uint32_t pid, int exited)
{
	uint32_t a = proc_stamp(p, pid);
	a = exited ? (((a >> 8) + 1) & 0x7fffff) << 8 : (a & ~0xffu) | ((a + 1) & 0xff);
	fdmap_put(p->procs, pid, "", 0, a);
}

static int fd_alive(uint32_t aux, uint32_t stamp)
{
	uint32_t st = aux >> 1;
	if ((st >> 8) != (stamp >> 8))
		return 0;                      /* another life of this pid */
	return !(aux & 1) || (st & 0xff) == (stamp & 0xff);
}

static void fd_stamped(struct parser *p, uint32_t pid, int64_t fd, const char *s, size_t n,
                       int cloexec, uint32_t stamp)
{
	fdmap_put(p->fds, fdmap_key(pid, (int32_t)fd), s, n, stamp << 1 | (cloexec != 0));
}

static void fd_name_set(struct parser *p, uint32_t pid, int64_t fd, const char *s, size_t n, int cloexec)
{
	fd_stamped(p, pid, fd, s, n, cloexec, proc_stamp(p, pid));
}

/* (pid, fd) in our table, if still alive; a dead entry goes. */
static const char *fd_known(struct parser *p, uint32_t pid, int64_t fd, size_t *n, uint32_t *aux)
{
	const char *s = fdmap_get(p->fds, fdmap_key(pid, (int32_t)fd), n, aux);
	if (s && !fd_alive(*aux, proc_stamp(p, pid))) {
		fdmap_del(p->fds, fdmap_key(pid, (int32_t)fd));
		return NULL;
	}
	return s;
}

/* A forked child's descriptor from its parent's table, stamped as of the
 * fork (kept in p->kids), so an exec of the child since then has closed
 * the O_CLOEXEC ones. The parent's entry must still be alive: one the
 * parent lost after the fork (its own exec) is not found. */
static const char *fd_inherit(struct parser *p, uint32_t pid, uint32_t ppid, int64_t fd, size_t *n)
{
	char buf[4096];
	uint32_t aux, at_fork;
	const char *s;
	if (!ppid || !fdmap_get(p->kids, pid, NULL, &at_fork))
		return NULL;
	s = fd_known(p, ppid, fd, n, &aux);
	if (!s || *n >= sizeof buf)
		return NULL;
	memcpy(buf, s, *n);
	fd_stamped(p, pid, fd, buf, *n, aux & 1, at_fork);
	return fd_known(p, pid, fd, n, &aux);
}

/* Look up what (pid, fd) names: our table, then the parent's (inherited
 * descriptors of a child seen forking), then the live process (descriptors
 * opened before the trace). */
static const char *fd_name(struct parser *p, uint32_t pid, uint32_t ppid, int64_t fd, size_t *n)
{
	char buf[4096];
	uint32_t aux;
	const char *s;
	long k;
	if (fd < 0 || fd > INT32_MAX)
		return NULL;
	if ((s = fd_known(p, pid, fd, n, &aux)))
		return *n ? s : NULL;          /* "" = looked up before, unknown */
	if ((s = fd_inherit(p, pid, ppid, fd, n)))
		return *n ? s : NULL;
	p->st.fd_misses++;
	if (!p->live || !p->lookups)
		return NULL;
	p->st.fd_lookups++;
	k = proc_fdpath((pid_t)pid, (int)fd, buf, sizeof buf);
	if (k < 0)
		k = 0;                         /* remember the miss: one lookup */
	fd_name_set(p, pid, fd, buf, (size_t)k, 0);
	return k ? fdmap_get(p->fds, fdmap_key(pid, (int32_t)fd), n, NULL) : NULL;
}

/* A process's working directory: from chdir records, else (live) asked of
 * the process once; "" remembers that it is unknown. */
static const char *cwd_of(struct parser *p, uint32_t pid, size_t *n)
{
	char buf[4096];
	const char *s = fdmap_get(p->cwds, pid, n, NULL);
	long k;
	if (s || !p->live || !p->lookups)
		return s && *n ? s : NULL;
	k = proc_cwd((pid_t)pid, buf, sizeof buf);
	if (k < 0)
		k = 0;
	fdmap_put(p->cwds, pid, buf, (size_t)k, 0);
	return k ? fdmap_get(p->cwds, pid, n, NULL) : NULL;
}

/* Resolve a path argument against its directory descriptor (AT_FDCWD or
 * -1: the process's cwd, when known). Relative paths stay relative when
 * the directory is unknown. */
static size_t resolve(struct parser *p, const struct vrec *v, int64_t dirfd, const char *path,
                      size_t n, char *out, size_t cap)
{
	const char *dir = NULL;
	size_t dn = 0;
	if (n == 0 || path[0] == '/' || cap < 2)
		goto plain;
	if (dirfd == -1 || dirfd == os_at_fdcwd(p->os))
		dir = cwd_of(p, v->pid, &dn);
	else
		dir = fd_name(p, v->pid, v->ppid, dirfd, &dn);
	if (!dir || dn == 0 || dir[0] != '/' || dn + n + 2 > cap)
		goto plain;
	memcpy(out, dir, dn);
	if (out[dn - 1] != '/')
		out[dn++] = '/';
	while (n >= 2 && path[0] == '.' && path[1] == '/')
		path += 2, n -= 2;
	memcpy(out + dn, path, n);
	out[dn + n] = 0;
	return dn + n;
plain:
	if (n >= cap)
		n = cap - 1;
	memmove(out, path, n);
	out[n] = 0;
	return n;
}

/* filename cell: path(s) resolved, "old -> new", "/" after directories,
 * every component anonymized under -a. */
static void put_filename(struct parser *p, const char *s, size_t n)
{
	char an[2 * PATH_BUF + 64];
	if (p->anon && n) {
		const char *arrow = NULL;
		size_t o;
		for (size_t i = 0; i + 4 <= n; i++)
			if (memcmp(s + i, " -> ", 4) == 0) {
				arrow = s + i;
				break;
			}
		if (!arrow) {
			int dir = s[n - 1] == '/' && n > 1;
			o = anon_path(s, n, an, sizeof an - 2);
			if (dir)
				an[o++] = '/';
		} else {
			size_t a = (size_t)(arrow - s);
			o = anon_path(s, a, an, sizeof an / 2);
			memcpy(an + o, " -> ", 4);
			o += 4;
			o += anon_path(arrow + 4, n - a - 4, an + o, sizeof an - o);
		}
		csv_str(&p->out, an, o);
		return;
	}
	csv_str(&p->out, s, n);
}

static int pull(const struct rec *r, struct vrec *v)
{
	int bad = 0;
	int64_t pid = fs64(r, F_PID, 0, &bad), ppid = fs64(r, F_PPID, 0, &bad);
	v->pid = (uint32_t)pid;
	v->ppid = ppid > 0 && ppid <= UINT32_MAX ? (uint32_t)ppid : 0;
	v->ret = fs64(r, FV_RET, 0, &bad);
	v->err = fs64(r, FV_ERR, 0, &bad);
	v->has_entry = rec_s64(r, FV_ENTRY, &v->entry) == 1 && v->entry > 0;
	v->fd = fs64(r, FV_FD, -1, &bad);
	v->fd2 = fs64(r, FV_FD2, -1, &bad);
	v->has_size = rec_s64(r, FV_SIZE, &v->size) == 1;
	if (rec_s64(r, FV_SIZE, &v->size) < 0)
		bad = 1;
	v->offset = fs64(r, FV_OFFSET, -1, &bad);
	v->flags = fs64(r, FV_FLAGS, 0, &bad);
	v->has_flags = r->n[FV_FLAGS] > 0;
	v->mode = fs64(r, FV_MODE, 0, &bad);
	v->failed = v->ret < 0 || v->err != 0;
	return bad ? -1 : 0;
}

/* Does the new descriptor of a dup record have FD_CLOEXEC? dup/dup2 clear
 * it; fcntl(F_DUPFD_CLOEXEC) and dup3(O_CLOEXEC) set it. */
static int dup_cloexec(const struct parser *p, const struct rec *r, const struct vrec *v)
{
	if (r->n[F_OP] >= 5 && memcmp(r->f[F_OP], "fcntl", 5) == 0)
		return os_f_dupfd_cloexec(p->os, v->flags);
	if (r->n[F_OP] == 4 && memcmp(r->f[F_OP], "dup3", 4) == 0)
		return (v->flags & os_o_cloexec(p->os)) != 0;
	return 0;
}

/* Keep the descriptor and cwd tables right; returns 1 if the record is
 * bookkeeping only. */
static int track(struct parser *p, const struct rec *r, const struct vrec *v, enum kind k,
                 const char *path, size_t pn)
{
	char copy[PATH_BUF];
	size_t n;
	const char *s;
	switch (k) {
	case K_OPEN:
		if (!v->failed && v->ret >= 0 && v->ret <= INT32_MAX && pn)
			fd_name_set(p, v->pid, v->ret, path, pn, (v->flags & os_o_cloexec(p->os)) != 0);
		return 0;
	case K_CLOSE:
		if (v->fd >= 0 && v->fd <= INT32_MAX)
			fdmap_del(p->fds, fdmap_key(v->pid, (int32_t)v->fd));
		return 0;
	case K_DUP:          /* the target names what the source names, or nothing known */
		if (v->failed || v->ret < 0 || v->ret > INT32_MAX || v->ret == v->fd)
			return 0;
		if ((s = fd_name(p, v->pid, v->ppid, v->fd, &n)) && n < sizeof copy) {
			memcpy(copy, s, n);
			fd_name_set(p, v->pid, v->ret, copy, n, dup_cloexec(p, r, v));
		} else
			fdmap_del(p->fds, fdmap_key(v->pid, (int32_t)v->ret));
		return 0;
	case K_CHDIR:
		if (!v->failed && pn && path[0] == '/')
			fdmap_put(p->cwds, v->pid, path, pn, 0);
		return 0;
	case K_FORK:
		if (v->ret <= 0 || v->ret > UINT32_MAX)
			return 1;
		fdmap_put(p->kids, (uint64_t)v->ret, "", 0, proc_stamp(p, (uint32_t)v->ret));
		if ((s = fdmap_get(p->cwds, v->pid, &n, NULL)))
			fdmap_copy(p->cwds, v->pid, (uint64_t)v->ret);
		return 1;
	case K_EXEC:
		fdmap_del(p->cmds, v->pid);   /* argv changed */
		proc_bump(p, v->pid, 0);      /* O_CLOEXEC descriptors are gone */
		return 1;
	case K_EXIT:
		proc_bump(p, v->pid, 1);      /* its descriptors are gone */
		fdmap_del(p->cmds, v->pid);
		fdmap_del(p->cwds, v->pid);
		fdmap_del(p->kids, v->pid);
		return 1;
	default:
		return 0;
	}
}

/* The filename cell's text for this record into out. */
static size_t filename(struct parser *p, const struct rec *r, const struct vrec *v, enum kind k,
                       char *out, size_t cap)
{
	char raw[PATH_BUF / 2], raw2[PATH_BUF / 2];
	size_t n = 0, n1, n2;
	const char *s;
	if (r->n[FV_PATH] >= sizeof raw || r->n[FV_PATH2] >= sizeof raw2)
		return 0;
	n1 = unesc_field(r, FV_PATH, raw, sizeof raw);
	n2 = unesc_field(r, FV_PATH2, raw2, sizeof raw2);
	if (n1 == 0 && k != K_SYMLINK) {           /* fd-based call */
		s = fd_name(p, v->pid, v->ppid, v->fd, &n);
		if (!s)
			return 0;
		if (n >= cap / 2)
			n = cap / 2 - 1;
		memcpy(out, s, n);
	} else if (k == K_SYMLINK)
		n = n1 < cap / 2 ? n1 : cap / 2 - 1, memcpy(out, raw, n);
	else
		n = resolve(p, v, v->fd, raw, n1, out, cap / 2);
	if (k == K_RENAME || k == K_LINK || k == K_SYMLINK || k == K_CLONE || k == K_EXCHANGE) {
		memcpy(out + n, " -> ", 4);
		n += 4;
		n += resolve(p, v, k == K_EXCHANGE ? -1 : v->fd2, raw2, n2, out + n, cap - n);
	}
	if ((k == K_MKDIR || k == K_RMDIR) && n && out[n - 1] != '/' && n + 1 < cap)
		out[n++] = '/';
	out[n] = 0;
	return n;
}

static int is_rw(enum kind k)
{
	return k == K_READ || k == K_WRITE;
}

/* Calls that are not records: non-duplicating fcntl, anonymous mmap. */
static int filtered(const struct parser *p, const struct rec *r, const struct vrec *v, enum kind k)
{
	if (k == K_DUP && r->n[F_OP] >= 5 && memcmp(r->f[F_OP], "fcntl", 5) == 0)
		return !os_f_dupfd(p->os, v->flags);
	if (k == K_MMAP)
		return v->fd < 0;
	return 0;
}

static void put_errno(struct parser *p, const struct vrec *v)
{
	char b[256];
	if (v->failed && v->err)
		csv_raw(&p->out, b, dec_errno(p->os, v->err, b));
	else
		csv_empty(&p->out);
}

static void put_tail(struct parser *p, const struct rec *r, const struct vrec *v, enum kind k, int64_t mono)
{
	char b[256];
	int rw = is_rw(k);
	int64_t dur = v->has_entry ? mono_span(mono, mono_to_ns(p, v->entry)) : -1;
	if (k == K_OPEN && v->has_flags)                        /* flags */
		csv_raw(&p->out, b, dec_oflags(p->os, v->flags, b));
	else
		csv_empty(&p->out);
	put_opt_u64(&p->out, rw && dur > 0, (uint64_t)dur);     /* duration_ns */
	if (rw || v->failed)                                    /* return_value */
		csv_s64(&p->out, v->ret);
	else
		csv_empty(&p->out);
	put_errno(p, v);
	if (k == K_MMAP) {
		csv_raw(&p->out, b, dec_mmap_prot(v->mode, b));
		csv_raw(&p->out, b, dec_mmap_flags(p->os, v->flags, b));
		if (v->ret != 0 && v->ret != -1)
			csv_raw(&p->out, b, (size_t)snprintf(b, sizeof b, "0x%llx", (unsigned long long)v->ret));
		else
			csv_empty(&p->out);
	} else
		csv_empty(&p->out), csv_empty(&p->out), csv_empty(&p->out);
	put_cmdline(p, v->pid);
	put_opt_u64(&p->out, r->n[F_PPID] > 0, v->ppid);        /* ppid */
	csv_empty(&p->out);                                     /* container_id */
	csv_empty(&p->out);                                     /* fs_type */
	put_opt_u64(&p->out, mono != INT64_MIN, (uint64_t)mono);
	csv_end(&p->out);
}

int row_vfs(struct parser *p, const struct rec *r)
{
	char fname[PATH_BUF];
	const struct vfs_op *op = op_lookup(r->f[F_OP], r->n[F_OP]);
	struct vrec v;
	enum kind k;
	size_t fn;
	int64_t mono, tid;
	int rw;
	if (!op) {
		p->st.unknown_op++;
		return 0;
	}
	if (pull(r, &v) < 0)
		return -1;
	k = op->kind;
	if (filtered(p, r, &v, k)) {
		p->st.filtered++;
		return 0;
	}
	if (k == K_UNLINK && (v.flags & os_at_removedir(p->os)))
		k = K_RMDIR;
	fn = k >= K_FORK ? 0 : filename(p, r, &v, k, fname, sizeof fname);
	if (track(p, r, &v, k, fname, fn))
		return 0;
	rw = is_rw(k);
	if (rec_s64(r, F_TID, &tid) != 1)
		tid = 0;
	row_prefix_time(p, r, &mono);
	csv_cstr(&p->out, kind_op[k]);
	csv_u64(&p->out, v.pid);
	put_opt_u64(&p->out, tid > 0, (uint64_t)tid);
	put_str_field(p, r, F_EXEC);
	put_filename(p, fname, fn);
	put_opt_u64(&p->out, v.has_size && (rw || k == K_TRUNCATE || k == K_MMAP) && v.size >= 0,
	            (uint64_t)v.size);                          /* size */
	put_opt_u64(&p->out, (rw || k == K_MMAP) && v.offset > 0, (uint64_t)v.offset);
	put_opt_u64(&p->out, rw && !v.failed && v.ret >= 0, (uint64_t)v.ret);  /* bytes_completed */
	csv_empty(&p->out);                                     /* inode */
	csv_empty(&p->out);                                     /* device */
	put_tail(p, r, &v, k, mono);
	return 1;
}
