/* proc_linux.c — process facts from /proc. */
#include "proc.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

long proc_cmdline(pid_t pid, char *out, size_t cap)
{
	char path[64];
	ssize_t n, total = 0;
	int fd;
	if (cap == 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)total < cap - 1 && (n = read(fd, out + total, cap - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	/* argv is NUL-separated with a final NUL: join with spaces. */
	while (total > 0 && out[total - 1] == 0)
		total--;
	for (ssize_t i = 0; i < total; i++)
		if (out[i] == 0)
			out[i] = ' ';
	out[total] = 0;
	return total;
}

static long readlink_into(const char *path, char *out, size_t cap)
{
	ssize_t n;
	if (cap == 0)
		return -1;
	n = readlink(path, out, cap - 1);
	if (n < 0)
		return -1;
	out[n] = 0;
	return n;
}

long proc_fdpath(pid_t pid, int fd, char *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/fd/%d", (long)pid, fd);
	return readlink_into(path, out, cap);
}

long proc_cwd(pid_t pid, char *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/cwd", (long)pid);
	return readlink_into(path, out, cap);
}
