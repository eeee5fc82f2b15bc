/* sfs_dir.c — an open directory: its descriptor and a buffer of the
 * entries the OS returned (sfs.h), the same on every OS; opening it and
 * reading the entries are the per-OS readers' (sfs_dir_<os>.c). Also the
 * open-file limit, which bounds how deep the walk may go with one open
 * directory a level. */
#include "sfs.h"
#include "util.h"
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

struct sfs_dir *sfs_dir_open(int dirfd, const char *name, size_t bufsize)
{
	struct sfs_dir *d = xcalloc(1, sizeof *d);
	if (sfs_dir_os_open(d, dirfd, name) < 0) {
		free(d);
		return NULL;
	}
	d->cap = bufsize < sfs_dir_minbuf ? sfs_dir_minbuf : bufsize;
	d->buf = xmalloc(d->cap);
	return d;
}

int sfs_dir_fd(const struct sfs_dir *d)
{
	return d->fd;
}

void sfs_dir_close(struct sfs_dir *d)
{
	if (!d)
		return;
	sfs_dir_os_close(d);
	close(d->fd);
	free(d->buf);
	free(d);
}

long sfs_raise_nofile(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return 256;
	if (r.rlim_cur < r.rlim_max && r.rlim_cur < (rlim_t)sfs_nofile_max) {
		r.rlim_cur = r.rlim_max < (rlim_t)sfs_nofile_max ? r.rlim_max : (rlim_t)sfs_nofile_max;
		if (setrlimit(RLIMIT_NOFILE, &r) < 0 && getrlimit(RLIMIT_NOFILE, &r) < 0)
			return 256;         /* not raised, and the old limit unknown */
	}
	return r.rlim_cur > 1L << 30 ? 1L << 30 : (long)r.rlim_cur;
}
