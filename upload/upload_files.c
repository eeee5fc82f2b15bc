/* upload_files.c — the local side of a delivery. A file is opened one
 * component at a time from the root with O_NOFOLLOW, so a symlink planted
 * anywhere under the root cannot point the uploader (often root) at a file
 * outside it, and only a regular file is sent. After a delivery the file
 * is removed only if the name still holds the inode that was sent. Copies
 * (--mode dir, and --keep across file systems) are atomic, as iotrc-write
 * writes: a hidden temporary name, fsync, rename, fsync of the folder. */
#include "upload.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPEN_DIR (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Next component of *s into part (cap 256); 0 at the end. */
static int next_part(const char **s, char part[256])
{
	const char *e = strchr(*s, '/');
	size_t n = e ? (size_t)(e - *s) : strlen(*s);
	if (!**s || n > 255)
		return 0;
	memcpy(part, *s, n);
	part[n] = '\0';
	*s += n + (e != NULL);
	return 1;
}

enum uopen file_open(int rootfd, const char *rel, struct uopened *o, const char **why)
{
	char part[256];
	const char *s = rel;
	int dfd = dup(rootfd), fd;
	o->dirfd = o->fd = -1;
	if (dfd < 0)
		return *why = "dup", UO_FAILED;
	o->name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	while (next_part(&s, part) && *s) {         /* the folders */
		int nfd = openat(dfd, part, OPEN_DIR);
		int e = errno;
		close(dfd);
		if (nfd < 0) {
			errno = e;
			*why = "folder";
			return e == ENOENT ? UO_GONE : e == ELOOP || e == ENOTDIR ? UO_REFUSED
			                                                         : UO_FAILED;
		}
		dfd = nfd;
	}
	fd = openat(dfd, o->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &o->sb) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		close(dfd);
		errno = e;
		*why = e == ELOOP ? "a symbolic link" : "open";
		return e == ENOENT ? UO_GONE : e == ELOOP ? UO_REFUSED : UO_FAILED;
	}
	if (!S_ISREG(o->sb.st_mode)) {
		close(fd);
		close(dfd);
		*why = "not a regular file";
		errno = 0;
		return UO_REFUSED;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	o->dirfd = dfd;
	o->fd = fd;
	return UO_OK;
}

void file_close(struct uopened *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->fd = o->dirfd = -1;
}

int mkdirs_at(int dirfd, const char *path)
{
	char part[256];
	const char *s = path;
	int dfd = dup(dirfd);
	while (dfd >= 0 && next_part(&s, part)) {
		int nfd;
		if (mkdirat(dfd, part, 0700) < 0 && errno != EEXIST) {
			int e = errno;
			close(dfd);
			errno = e;
			return -1;
		}
		nfd = openat(dfd, part, OPEN_DIR);
		close(dfd);
		dfd = nfd;
	}
	return dfd;
}

static int same_file(int dirfd, const char *name, const struct stat *sb)
{
	struct stat now;
	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (now.st_dev != sb->st_dev || now.st_ino != sb->st_ino) {
		errno = ESTALE;        /* replaced since it was sent: leave it */
		return -1;
	}
	return 0;
}

/* rel's folder part ("session" or "session/subdir") into out. */
static void rel_dir(const char *rel, char *out, size_t cap)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, rel, n);
	out[n] = '\0';
}

int file_done(struct uopened *o, int keepfd, const char *rel)
{
	char dir[UKEY_MAX];
	int kfd, r, e;
	if (same_file(o->dirfd, o->name, &o->sb) < 0)
		return -1;
	if (keepfd < 0)
		return unlinkat(o->dirfd, o->name, 0);
	rel_dir(rel, dir, sizeof dir);
	kfd = mkdirs_at(keepfd, dir);
	if (kfd < 0)
		return -1;
	r = renameat(o->dirfd, o->name, kfd, o->name);
	if (r < 0 && errno == EXDEV) {            /* another file system: copy */
		const char *why;
		r = copy_atomic(o->fd, o->sb.st_size, keepfd, rel, &why);
		if (r == 0)
			r = unlinkat(o->dirfd, o->name, 0);
	}
	e = errno;
	if (r == 0)
		(void)fsync(kfd);
	close(kfd);
	errno = e;
	return r;
}

/* Copy src to fd: pread from offset 0, so the source's offset is not used. */
static int copy_bytes(int src, off_t size, int fd)
{
	char *buf = malloc(1 << 20);
	off_t off = 0;
	if (!buf)
		return -1;
	while (off < size) {
		size_t want = size - off < (1 << 20) ? (size_t)(size - off) : (size_t)1 << 20;
		ssize_t n = pread(src, buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;     /* shorter than it was: not the whole file */
			free(buf);
			return -1;
		}
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(fd, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				free(buf);
				return -1;
			}
			w += k;
		}
		off += n;
	}
	free(buf);
	return 0;
}

int copy_atomic(int srcfd, off_t size, int destfd, const char *key, const char **why)
{
	char dir[UKEY_MAX], tmp[300];
	const char *name = strrchr(key, '/') ? strrchr(key, '/') + 1 : key;
	int dfd, fd, e;
	rel_dir(key, dir, sizeof dir);
	dfd = *dir ? mkdirs_at(destfd, dir) : dup(destfd);
	if (dfd < 0)
		return *why = "destination folder", -1;
	snprintf(tmp, sizeof tmp, ".%.240s.%ld.part", name, (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		close(dfd);
		errno = e;
		return *why = "create", -1;
	}
	if (copy_bytes(srcfd, size, fd) < 0)
		*why = "copy";
	else if (fsync(fd) < 0)
		*why = "fsync";
	else {
		int c = close(fd);
		fd = -1;
		if (c < 0)
			*why = "close";
		else if (renameat(dfd, tmp, dfd, name) < 0)
			*why = "rename";
		else if (fsync(dfd) < 0)
			*why = "fsync of the folder";
		else {
			close(dfd);
			return 0;
		}
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	(void)unlinkat(dfd, tmp, 0);
	close(dfd);
	errno = e;
	return -1;
}
