/* sfs_dir_darwin.c — directories read with getattrlistbulk(2): one call
 * returns the attributes of many entries (name, device, type, birth,
 * modification and access times, st_flags, file id, link count, data
 * length, allocated size), so no file is opened or stat'ed one by one.
 * FSOPT_PACK_INVAL_ATTRS keeps every entry's layout fixed (attributes a
 * file system lacks come zeroed, and ATTR_CMN_RETURNED_ATTRS says which
 * are real); ATTR_CMN_ERROR comes right after it (getattrlistbulk(2)).
 * A mount point or firmlink (DIR_MNTSTATUS_MNTPOINT, SF_FIRMLINK) reports
 * what it covers: fstatat(2) on it gives the device and inode we would
 * walk into. A file system getattrlistbulk does not serve is read with
 * readdir(3) and fstatat(2). Types from getfsstat(2) (f_fstypename). */
#include "sfs.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/attr.h>
#include <sys/mount.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ATTR_CMN_OBJTYPE values: xnu bsd/sys/vnode.h enum vtype (VNON, VREG,
 * VDIR, VBLK, VCHR, VLNK, ...); the SDK has the header, not every one. */
enum { OBJ_REG = 1, OBJ_DIR = 2, OBJ_LNK = 5 };

struct sfs_dir_os {
	DIR *rd;                        /* the readdir fallback, else NULL */
	char name[NAME_MAX * 3 + 1];    /* the current entry's name */
};

static struct attrlist bulk_attrs = {
	.bitmapcount = ATTR_BIT_MAP_COUNT,
	.commonattr = ATTR_CMN_RETURNED_ATTRS | ATTR_CMN_NAME | ATTR_CMN_DEVID | ATTR_CMN_OBJTYPE |
	              ATTR_CMN_CRTIME | ATTR_CMN_MODTIME | ATTR_CMN_ACCTIME | ATTR_CMN_FLAGS |
	              ATTR_CMN_FILEID | ATTR_CMN_ERROR,
	.dirattr = ATTR_DIR_MOUNTSTATUS,
	.fileattr = ATTR_FILE_LINKCOUNT | ATTR_FILE_ALLOCSIZE | ATTR_FILE_DATALENGTH,
};

const size_t sfs_dir_minbuf = 8192;
const long sfs_nofile_max = OPEN_MAX;

int sfs_dir_os_open(struct sfs_dir *d, int dirfd, const char *name)
{
	d->fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd < 0)
		return -1;
	d->os = xcalloc(1, sizeof *d->os);
	return 0;
}

void sfs_dir_os_close(struct sfs_dir *d)
{
	if (d->os && d->os->rd)
		closedir(d->os->rd);
	free(d->os);
}

static void from_stat(const struct stat *sb, struct sfs_stat *st)
{
	memset(st, 0, sizeof *st);
	switch (sb->st_mode & S_IFMT) {
	case S_IFREG: st->kind = SFS_REG; break;
	case S_IFLNK: st->kind = SFS_LNK; break;
	case S_IFDIR: st->kind = SFS_DIR; break;
	default: st->kind = SFS_OTHER; break;
	}
	st->size = (uint64_t)sb->st_size;
	st->phys = (uint64_t)sb->st_blocks * 512;
	st->ino = sb->st_ino;
	st->nlink = sb->st_nlink;
	st->dev = (uint64_t)(uint32_t)sb->st_dev;
	st->dev_major = (uint32_t)major(sb->st_dev);
	st->dev_minor = (uint32_t)minor(sb->st_dev);
	st->has_btime = 1;
	st->btime_s = sb->st_birthtimespec.tv_sec, st->btime_ns = (int32_t)sb->st_birthtimespec.tv_nsec;
	st->mtime_s = sb->st_mtimespec.tv_sec, st->mtime_ns = (int32_t)sb->st_mtimespec.tv_nsec;
	st->atime_s = sb->st_atimespec.tv_sec, st->atime_ns = (int32_t)sb->st_atimespec.tv_nsec;
	st->flags = sb->st_flags;
	st->mountpoint = -1;
}

int sfs_stat_at(int dirfd, const char *name, struct sfs_stat *st)
{
	struct stat sb;
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	from_stat(&sb, st);
	return 0;
}

/* Take n bytes of an attribute at *p (4-byte aligned, maybe not 8). */
static void take(const char **p, void *out, size_t n)
{
	memcpy(out, *p, n);
	*p += (n + 3) & ~(size_t)3;
}

/* One packed entry of getattrlistbulk, in bit order of the request. */
static void unpack(struct sfs_dir *d, const char *entry, struct sfs_ent *e)
{
	const char *p = entry + sizeof(uint32_t);
	attribute_set_t ret;
	attrreference_t nameref;
	uint32_t err, objtype, flags, mnt, nlink;
	int32_t dev;
	struct timespec crt, mod, acc;
	uint64_t fileid;
	off_t alloc, datalen;
	struct sfs_stat *st = &e->st;
	take(&p, &ret, sizeof ret);
	take(&p, &err, sizeof err);
	{
		const char *np = p;
		take(&p, &nameref, sizeof nameref);
		snprintf(d->os->name, sizeof d->os->name, "%.*s", (int)nameref.attr_length, np + nameref.attr_dataoffset);
	}
	take(&p, &dev, sizeof dev);
	take(&p, &objtype, sizeof objtype);
	take(&p, &crt, sizeof crt);
	take(&p, &mod, sizeof mod);
	take(&p, &acc, sizeof acc);
	take(&p, &flags, sizeof flags);
	take(&p, &fileid, sizeof fileid);
	take(&p, &mnt, sizeof mnt);
	take(&p, &nlink, sizeof nlink);
	take(&p, &alloc, sizeof alloc);
	take(&p, &datalen, sizeof datalen);
	e->name = d->os->name;
	e->namelen = strlen(d->os->name);
	e->err = (int)err;
	e->stat_ok = err == 0;
	memset(st, 0, sizeof *st);
	st->kind = objtype == OBJ_REG   ? SFS_REG
	         : objtype == OBJ_LNK ? SFS_LNK
	         : objtype == OBJ_DIR ? SFS_DIR
	                              : SFS_OTHER;
	st->size = (uint64_t)datalen;
	st->phys = ((uint64_t)alloc + 511) / 512 * 512;  /* stat: roundup(total alloc, 512) */
	st->ino = fileid;
	st->nlink = nlink;
	st->dev = (uint64_t)(uint32_t)dev;
	st->dev_major = (uint32_t)major(dev);
	st->dev_minor = (uint32_t)minor(dev);
	st->has_btime = (ret.commonattr & ATTR_CMN_CRTIME) != 0;
	st->btime_s = crt.tv_sec, st->btime_ns = (int32_t)crt.tv_nsec;
	st->mtime_s = mod.tv_sec, st->mtime_ns = (int32_t)mod.tv_nsec;
	st->atime_s = acc.tv_sec, st->atime_ns = (int32_t)acc.tv_nsec;
	st->flags = flags;
	st->mountpoint = (ret.dirattr & ATTR_DIR_MOUNTSTATUS) ? (mnt & DIR_MNTSTATUS_MNTPOINT) != 0 : -1;
	if (e->stat_ok && st->kind == SFS_DIR && (st->mountpoint == 1 || (flags & SF_FIRMLINK))) {
		struct stat sb;                 /* what we would walk into */
		if (fstatat(d->fd, d->os->name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
			st->dev = (uint64_t)(uint32_t)sb.st_dev;
			st->ino = sb.st_ino;
			st->dev_major = (uint32_t)major(sb.st_dev);
			st->dev_minor = (uint32_t)minor(sb.st_dev);
		}
	}
}

/* readdir(3) and fstatat(2), for file systems without getattrlistbulk */
static int next_readdir(struct sfs_dir *d, struct sfs_ent *e)
{
	struct dirent *de;
	for (;;) {
		errno = 0;
		if (!(de = readdir(d->os->rd)))
			return errno ? -1 : 0;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(d->os->name, sizeof d->os->name, "%s", de->d_name);
		e->name = d->os->name;
		e->namelen = strlen(d->os->name);
		e->stat_ok = sfs_stat_at(d->fd, d->os->name, &e->st) == 0;
		e->err = e->stat_ok ? 0 : errno;
		return 1;
	}
}

int sfs_dir_next(struct sfs_dir *d, struct sfs_ent *e)
{
	uint32_t len;
	if (d->os->rd)
		return next_readdir(d, e);
	while (d->left == 0) {
		int n;
		if (d->eof)
			return 0;
		n = getattrlistbulk(d->fd, &bulk_attrs, d->buf, d->cap, FSOPT_NOFOLLOW | FSOPT_PACK_INVAL_ATTRS);
		if (n < 0 && (errno == ENOTSUP || errno == EINVAL) && !d->started) {
			int fd = dup(d->fd);        /* closedir closes its own copy */
			if (fd < 0 || !(d->os->rd = fdopendir(fd))) {
				if (fd >= 0)
					close(fd);
				return -1;
			}
			return next_readdir(d, e);
		}
		if (n < 0)
			return -1;
		d->started = 1;
		if (n == 0)
			d->eof = 1;
		d->left = n;
		d->pos = 0;
	}
	memcpy(&len, d->buf + d->pos, sizeof len);
	unpack(d, d->buf + d->pos, e);
	d->pos += len;
	d->left--;
	return 1;
}

/* ---- file system types ---- */

long sfs_mounts_list(struct sfs_mnt **out)
{
	struct statfs *fs;
	struct sfs_mnt *m;
	int n = getfsstat(NULL, 0, MNT_NOWAIT);
	if (n <= 0)
		return -1;
	fs = xcalloc((size_t)n + 16, sizeof *fs);
	n = getfsstat(fs, (int)(((size_t)n + 16) * sizeof *fs), MNT_NOWAIT);
	if (n < 0) {
		free(fs);
		return -1;
	}
	m = xcalloc((size_t)n + 1, sizeof *m);
	for (int i = 0; i < n; i++) {
		m[i].dev = (uint64_t)(uint32_t)fs[i].f_fsid.val[0];
		snprintf(m[i].type, sizeof m[i].type, "%s", fs[i].f_fstypename);
	}
	free(fs);
	*out = m;
	return n;
}

const int sfs_entry_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

int sfs_fstype_os(int fd, char *out, size_t cap)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return -1;
	snprintf(out, cap, "%s", sf.f_fstypename);
	return 0;
}
