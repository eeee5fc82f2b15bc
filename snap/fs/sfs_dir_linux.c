/* sfs_dir_linux.c — directories read with getdents64(2) into a buffer of
 * many entries, each entry's attributes from statx(2) on its name
 * relative to the directory (AT_SYMLINK_NOFOLLOW: a symlink is itself;
 * AT_NO_AUTOMOUNT: an automount point is not mounted by looking;
 * AT_STATX_DONT_SYNC: a network file system answers from its cache):
 * files are never opened, so their access times stay. Directories are
 * opened with O_NOATIME where we may (owner or CAP_FOWNER). Birth time
 * from STATX_BTIME where the file system keeps it. File system types from
 * /proc/self/mountinfo (by device), else fstatfs(2) f_type. */
#include "sfs.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

/* linux/dirent.h's struct linux_dirent64 */
struct dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

const size_t sfs_dir_minbuf = 4096;
const long sfs_nofile_max = 65536;

int sfs_dir_os_open(struct sfs_dir *d, int dirfd, const char *name)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	d->fd = openat(dirfd, name, flags | O_NOATIME);
	if (d->fd < 0 && errno == EPERM)
		d->fd = openat(dirfd, name, flags);
	return d->fd < 0 ? -1 : 0;
}

void sfs_dir_os_close(struct sfs_dir *d)
{
	(void)d;
}

#define STATX_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC)
/* the fields a row has (uid, gid, mode bits and ctime are not asked: a
 * file system that fetches fields on demand need not fetch them) */
#define STATX_WANT (STATX_TYPE | STATX_NLINK | STATX_INO | STATX_SIZE | STATX_BLOCKS | \
                    STATX_ATIME | STATX_MTIME | STATX_BTIME)

static void from_statx(const struct statx *x, struct sfs_stat *st)
{
	switch (x->stx_mode & S_IFMT) {
	case S_IFREG: st->kind = SFS_REG; break;
	case S_IFLNK: st->kind = SFS_LNK; break;
	case S_IFDIR: st->kind = SFS_DIR; break;
	default: st->kind = SFS_OTHER; break;
	}
	st->size = x->stx_size;
	st->phys = x->stx_blocks * 512;
	st->ino = x->stx_ino;
	st->nlink = x->stx_nlink;
	st->dev_major = x->stx_dev_major;
	st->dev_minor = x->stx_dev_minor;
	st->dev = makedev(x->stx_dev_major, x->stx_dev_minor);
	st->has_btime = (x->stx_mask & STATX_BTIME) != 0;
	st->btime_s = x->stx_btime.tv_sec, st->btime_ns = (int32_t)x->stx_btime.tv_nsec;
	st->mtime_s = x->stx_mtime.tv_sec, st->mtime_ns = (int32_t)x->stx_mtime.tv_nsec;
	st->atime_s = x->stx_atime.tv_sec, st->atime_ns = (int32_t)x->stx_atime.tv_nsec;
	st->flags = x->stx_attributes & x->stx_attributes_mask;
	st->flags_statx = 1;
	st->mountpoint = (x->stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
	                         ? (x->stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0
	                         : -1;
}

int sfs_stat_at(int dirfd, const char *name, struct sfs_stat *st)
{
	struct statx x;
	if (statx(dirfd, name, STATX_FLAGS, STATX_WANT, &x) < 0)
		return -1;
	from_statx(&x, st);
	return 0;
}

int sfs_dir_next(struct sfs_dir *d, struct sfs_ent *e)
{
	for (;;) {
		struct dirent64_ *de;
		if (d->pos >= d->len) {
			long n;
			if (d->eof)
				return 0;
			n = syscall(SYS_getdents64, d->fd, d->buf, d->cap);
			if (n < 0)
				return -1;
			if (n == 0) {
				d->eof = 1;
				return 0;
			}
			d->len = (size_t)n, d->pos = 0;
		}
		de = (struct dirent64_ *)(void *)(d->buf + d->pos);
		d->pos += de->d_reclen;
		if (de->d_name[0] == '.' &&
		    (de->d_name[1] == 0 || (de->d_name[1] == '.' && de->d_name[2] == 0)))
			continue;
		e->name = de->d_name;
		e->namelen = strlen(de->d_name);
		e->err = 0;
		switch (de->d_type) {
		case DT_FIFO: case DT_CHR: case DT_BLK: case DT_SOCK:
			e->stat_ok = 0;             /* no row: no need to ask */
			e->st.kind = SFS_OTHER;
			return 1;
		}
		e->stat_ok = sfs_stat_at(d->fd, de->d_name, &e->st) == 0;
		if (!e->stat_ok)
			e->err = errno;
		return 1;
	}
}

/* ---- file system types ---- */

/* /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS...] - TYPE SRC SUPER" */
long sfs_mounts_list(struct sfs_mnt **out)
{
	char line[8192];
	size_t cap = 0, n = 0;
	struct sfs_mnt *m = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned maj, min;
		char *sep = strstr(line, " - "), *t, *end;
		if (!sep || sscanf(line, "%*s %*s %u:%u", &maj, &min) != 2)
			continue;
		t = sep + 3;
		end = strchr(t, ' ');
		if (!end || (size_t)(end - t) >= sizeof m->type)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			m = xrealloc(m, cap * sizeof *m);
		}
		m[n].dev = makedev(maj, min);
		memcpy(m[n].type, t, (size_t)(end - t));
		m[n].type[end - t] = 0;
		n++;
	}
	fclose(f);
	*out = m;
	return (long)n;
}

/* statfs(2) f_type magic numbers (linux/magic.h) for devices the mount
 * table does not list (btrfs subvolumes, mounts made since it was read) */
static const struct { long magic; const char *name; } magics[] = {
	{ 0x9fa0, "proc" }, { 0x62656572, "sysfs" }, { 0x1cd1, "devpts" },
	{ 0x01021994, "tmpfs" }, { 0x6969, "nfs" }, { 0x517b, "smbfs" },
	{ (long)0xff534d42, "cifs" }, { (long)0xfe534d42, "smb2" }, { 0x0187, "autofs" },
	{ 0x64626720, "debugfs" }, { 0x74726163, "tracefs" }, { 0x73636673, "securityfs" },
	{ 0x27e0eb, "cgroup" }, { 0x63677270, "cgroup2" }, { (long)0xcafe4a11, "bpf" },
	{ 0x6165676c, "pstore" }, { 0x62656570, "configfs" }, { 0x65735543, "fusectl" },
	{ (long)0x958458f6, "hugetlbfs" }, { 0x19800202, "mqueue" }, { 0x42494e4d, "binfmt_misc" },
	{ (long)0xde5e81e4, "efivarfs" }, { 0x6e736673, "nsfs" }, { (long)0xf97cff8c, "selinuxfs" },
	{ 0x67596969, "rpc_pipefs" }, { 0x65735546, "fuse" }, { 0x00c36400, "ceph" },
	{ 0x5346414f, "afs" }, { 0x01021997, "9p" }, { 0xef53, "ext4" }, { 0x58465342, "xfs" },
	{ (long)0x9123683e, "btrfs" }, { 0x794c7630, "overlay" }, { 0x2fc12fc1, "zfs" },
	{ 0x73717368, "squashfs" }, { 0x4d44, "vfat" }, { 0x2011bab0, "exfat" },
	{ (long)0xf2f52010, "f2fs" }, { 0x858458f6, "ramfs" },
};

const int sfs_entry_flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;

int sfs_fstype_os(int fd, char *out, size_t cap)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return -1;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if ((long)(uint32_t)magics[i].magic == (long)(uint32_t)sf.f_type) {
			snprintf(out, cap, "%s", magics[i].name);
			return 0;
		}
	snprintf(out, cap, "0x%lx", (unsigned long)sf.f_type);
	return 0;
}
