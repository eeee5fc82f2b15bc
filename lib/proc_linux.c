/* proc_linux.c — process facts from /proc. */
#include "proc.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* As psutil reads it: argv is NUL-separated with a final NUL, of which
 * one goes; a process that rewrote its title may leave spaces instead
 * (then one trailing space goes, and argv[0] ends at the first space). */
long proc_args(pid_t pid, char *out, size_t cap, size_t *arg0)
{
	char path[64];
	ssize_t n;
	size_t total = 0;
	char *nul;
	int fd;
	if (cap == 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (total < cap - 1 && (n = read(fd, out + total, cap - 1 - total)) > 0)
		total += (size_t)n;
	close(fd);
	if (total > 0 && (out[total - 1] == 0 || out[total - 1] == ' '))
		total--;
	nul = memchr(out, 0, total);
	if (arg0) {
		char *end = nul ? nul : memchr(out, ' ', total);
		*arg0 = end ? (size_t)(end - out) : total;
	}
	for (size_t i = 0; i < total; i++)
		if (out[i] == 0)
			out[i] = ' ';
	out[total] = 0;
	return (long)total;
}

long proc_cmdline(pid_t pid, char *out, size_t cap)
{
	return proc_args(pid, out, cap, NULL);
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
