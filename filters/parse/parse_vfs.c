/* parse_vfs.c — vfs records -> fs rows (iotrc-records(5) "Stream vfs";
 * columns from schema.tsv; value conventions from upstream.md §2.2, minus
 * the defects of §10: failed calls keep return_value and errno, dup/fcntl
 * and *at directory descriptors feed the descriptor table). */
#include "parse.h"
#include "anon.h"
#include "decode.h"
#include "mono.h"
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
	uint64_t ino, devmaj, devmin, fsmagic;   /* the extension; 0: none */
	int has_size, has_entry, has_flags, failed;
};

/* What (pid, fd) names (lib/pfd.h: ours, inherited, or the live
 * process's); NULL if unknown. */
static const char *fd_name(struct parser *p, uint32_t pid, int64_t fd, size_t *n)
{
	return fd < 0 || fd > INT32_MAX ? NULL : pfd_name(p->pfd, pid, (int32_t)fd, n);
}

/* Resolve a path argument against its directory descriptor (AT_FDCWD or
 * -1: the process's cwd, when known). Relative paths stay relative when
 * the directory is unknown. */
static size_t resolve(struct parser *p, const struct vrec *v, int64_t dirfd, const char *path,
                      size_t n, char *out, size_t cap)
{
	return pfd_join(p->pfd, v->pid, dirfd, os_at_fdcwd(p->os), path, n, out, cap);
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
	v->ino = v->devmaj = v->devmin = v->fsmagic = 0;
	if (r->nf > FV_INO && (rec_u64(r, FV_INO, &v->ino) < 0 || rec_u64(r, FV_DEVMAJ, &v->devmaj) < 0 ||
	                       rec_u64(r, FV_DEVMIN, &v->devmin) < 0 || rec_u64(r, FV_FSMAGIC, &v->fsmagic) < 0))
		bad = 1;
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

static int32_t fd32(int64_t fd)
{
	return fd >= 0 && fd <= INT32_MAX ? (int32_t)fd : -1;
}

/* Keep the descriptor and cwd tables right; returns 1 if the record is
 * bookkeeping only. */
static int track(struct parser *p, const struct rec *r, const struct vrec *v, enum kind k,
                 const char *path, size_t pn)
{
	switch (k) {
	case K_OPEN:
		if (!v->failed && fd32(v->ret) >= 0 && pn)
			pfd_open(p->pfd, v->pid, fd32(v->ret), path, pn, PFD_FILE,
			         (v->flags & os_o_cloexec(p->os)) != 0);
		return 0;
	case K_CLOSE:
		pfd_close(p->pfd, v->pid, fd32(v->fd));
		return 0;
	case K_DUP:          /* the target names what the source names, or nothing known */
		if (!v->failed && fd32(v->ret) >= 0)
			pfd_dup(p->pfd, v->pid, fd32(v->fd), fd32(v->ret), dup_cloexec(p, r, v));
		return 0;
	case K_CHDIR:
		if (!v->failed && pn)
			pfd_chdir(p->pfd, v->pid, path, pn);
		return 0;
	case K_FORK:
		if (v->ret > 0 && v->ret <= UINT32_MAX)
			pfd_fork(p->pfd, v->pid, (uint32_t)v->ret);
		return 1;
	case K_EXEC:
		fdmap_del(p->cmds, v->pid);   /* argv changed */
		pfd_exec(p->pfd, v->pid);     /* O_CLOEXEC descriptors are gone */
		return 1;
	case K_EXIT:
		pfd_exit(p->pfd, v->pid);     /* its descriptors are gone */
		fdmap_del(p->cmds, v->pid);
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
	int cut1, cut2;
	/* a path longer than the cell's half is cut, marked "...", counted
	 * (iotrc-parse(1) CAVEATS) */
	n1 = unesc_field(r, FV_PATH, raw, sizeof raw, &cut1);
	n2 = unesc_field(r, FV_PATH2, raw2, sizeof raw2, &cut2);
	p->st.paths_cut += (uint64_t)(cut1 + cut2);
	if (n1 == 0 && k != K_SYMLINK) {           /* fd-based call */
		s = fd_name(p, v->pid, v->fd, &n);
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

/* fs_type from a Linux superblock magic (linux/magic.h), named as the
 * family's Linux tracer names them (io-tracer-linux
 * src/tracer/FlagMapper.py fs_type_map, format_fs_type): an unknown one is
 * FS(0xHEX). */
static size_t fs_type_name(uint64_t magic, char *b, size_t cap)
{
	static const struct { uint32_t magic; const char *name; } t[] = {
		{ 0xEF53, "EXT2/3/4" }, { 0x58465342, "XFS" }, { 0x9123683E, "BTRFS" },
		{ 0xF2F52010, "F2FS" }, { 0x4D44, "FAT" }, { 0x2011BAB0, "EXFAT" },
		{ 0x5346544E, "NTFS" }, { 0x73717368, "SQUASHFS" }, { 0x9660, "ISOFS" },
		{ 0x52654973, "REISERFS" }, { 0x3434, "NILFS" }, { 0x6969, "NFS" },
		{ 0xFF534D42, "CIFS" }, { 0x65735546, "FUSE" }, { 0x794C7630, "OVERLAYFS" },
		{ 0x01021994, "TMPFS" }, { 0x858458F6, "RAMFS" }, { 0x9FA0, "PROCFS" },
		{ 0x62656572, "SYSFS" }, { 0x1373, "DEVFS" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].magic == magic)
			return (size_t)snprintf(b, cap, "%s", t[i].name);
	return (size_t)snprintf(b, cap, "FS(0x%llx)", (unsigned long long)magic);
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
	/* duration_ns: entry -> return of read, write and fsync/fdatasync */
	put_opt_u64(&p->out, (rw || k == K_FSYNC) && dur > 0, (uint64_t)dur);
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
	if (v->fsmagic)                                         /* fs_type */
		csv_raw(&p->out, b, fs_type_name(v->fsmagic, b, sizeof b));
	else
		csv_empty(&p->out);
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
	put_opt_u64(&p->out, v.ino != 0, v.ino);                /* inode */
	if (v.devmaj || v.devmin) {                             /* device */
		char d[48];
		csv_raw(&p->out, d, (size_t)snprintf(d, sizeof d, "%llu:%llu",
		        (unsigned long long)v.devmaj, (unsigned long long)v.devmin));
	} else
		csv_empty(&p->out);
	put_tail(p, r, &v, k, mono);
	return 1;
}
