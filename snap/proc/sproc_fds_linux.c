/* sproc_fds_linux.c — a process's open files from /proc/PID/fd (the link
 * names the file; sockets, pipes and anonymous inodes, "socket:[N]", are
 * not files and are left out), close-on-exec from the "flags:" line of
 * /proc/PID/fdinfo/FD (octal, O_CLOEXEC 02000000), the working
 * directory from /proc/PID/cwd. */
#include "sproc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd_cloexec(uint32_t pid, long fd)
{
	char path[64], buf[512], *f;
	ssize_t n;
	int h;
	snprintf(path, sizeof path, "/proc/%u/fdinfo/%ld", pid, fd);
	if ((h = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(h, buf, sizeof buf - 1);
	close(h);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	f = strstr(buf, "flags:");
	return f && (strtoul(f + 6, NULL, 8) & 02000000) != 0;
}

int fds_read(uint32_t pid, fds_fn fn, void *ctx)
{
	char path[64], link[8192];
	struct dirent *d;
	struct fds_entry e;
	ssize_t n;
	DIR *dir;
	snprintf(path, sizeof path, "/proc/%u/fd", pid);
	if (!(dir = opendir(path)))
		return errno == EACCES || errno == EPERM ? SP_DENIED : SP_GONE;
	while ((d = readdir(dir))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);
		if (d->d_name[0] < '0' || d->d_name[0] > '9' || *end)
			continue;
		snprintf(path, sizeof path, "/proc/%u/fd/%ld", pid, fd);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0 || link[0] != '/')
			continue;
		link[n] = 0;
		e.fd = (int32_t)fd, e.cloexec = fd_cloexec(pid, fd);
		e.path = link, e.len = (size_t)n;
		fn(ctx, pid, &e);
	}
	closedir(dir);
	snprintf(path, sizeof path, "/proc/%u/cwd", pid);
	if ((n = readlink(path, link, sizeof link - 1)) > 0 && link[0] == '/') {
		e.fd = -1, e.cloexec = 0, e.path = link, e.len = (size_t)n;
		fn(ctx, pid, &e);
	}
	return SP_OK;
}
