/* write_sys_darwin.c — macOS specifics: fsync(2) only reaches the drive's
 * cache there; F_FULLFSYNC asks the drive to write it out (fcntl(2)). Some
 * file systems (network, FAT) refuse F_FULLFSYNC: fall back to fsync. Only
 * then: after a real failure (EIO) a second sync may well succeed, the
 * write error already consumed, and the lost data would go unnoticed. */
#include "write.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int wsync_data(int fd)
{
	if (fcntl(fd, F_FULLFSYNC) == 0)
		return 0;
	if (errno != ENOTSUP && errno != EOPNOTSUPP && errno != EINVAL && errno != ENOTTY)
		return -1;
	return fsync(fd);
}

int wsync_full(int fd)
{
	return wsync_data(fd);
}

/* macOS pipes grow on their own (to 64 KiB); nothing to set. */
void wsys_input(int fd)
{
	(void)fd;
}
