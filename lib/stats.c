/* stats.c — see stats.h. The file is written to a fresh temporary name
 * beside it and renamed, so a reader never sees a half-written file. */
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void stats_init(struct stats *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->last_ns = INT64_MIN;
	s->dirfd = -1;
}

/* Open FILE's folder once (the folder is the user's choice; its last
 * component is where names could be planted). */
static int stats_dir(struct stats *s)
{
	const char *slash;
	char *dir;
	if (s->dirfd >= 0)
		return 0;
	slash = strrchr(s->path, '/');
	s->base = slash ? slash + 1 : s->path;
	if (!*s->base) {
		errno = EISDIR;
		return -1;
	}
	dir = slash ? (slash == s->path ? xstrdup("/") : strndup(s->path, (size_t)(slash - s->path)))
	            : xstrdup(".");
	if (!dir)
		return -1;
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return s->dirfd < 0 ? -1 : 0;
}

/* A temporary file beside FILE that nobody else could have made. */
static int stats_tmp(struct stats *s, char *name, size_t cap)
{
	for (int tries = 0; tries < 16; tries++) {
		int fd;
		snprintf(name, cap, ".%s.%ld.%u.tmp", s->base, (long)getpid(), s->tmpseq++);
		fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

void stats_add(struct stats *s, const char *key, const uint64_t *val)
{
	if (s->n < STATS_MAX) {
		s->key[s->n] = key;
		s->val[s->n++] = val;
	}
}

void stats_add_table(struct stats *s, const void *base, const struct stats_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		stats_add(s, keys[i].key, (const uint64_t *)(const void *)((const char *)base + keys[i].off));
}

void stats_add_str(struct stats *s, const char *key, const char *const *val)
{
	if (s->ns < 8) {
		s->skey[s->ns] = key;
		s->sval[s->ns++] = val;
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stats_tick(struct stats *s, int force)
{
	char tmp[512], buf[8192];
	size_t n = 0;
	int64_t now;
	int fd;
	if (!s->path)
		return 0;
	now = mono_ms();
	if (!force && s->last_ns != INT64_MIN && now - s->last_ns < 1000)
		return 0;
	s->last_ns = now;
	for (int i = 0; i < s->n && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %llu\n", s->key[i],
		                      (unsigned long long)*s->val[i]);
	for (int i = 0; i < s->ns && n < sizeof buf; i++) {
		const char *v = *s->sval[i] ? *s->sval[i] : "";
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s\n", s->skey[i], v);
	}
	if (n > sizeof buf)
		n = sizeof buf;
	if (stats_dir(s) < 0 || (fd = stats_tmp(s, tmp, sizeof tmp)) < 0)
		return -1;
	if (write_all(fd, buf, n) < 0) {
		close(fd);
		unlinkat(s->dirfd, tmp, 0);
		return -1;
	}
	if (close(fd) != 0 || renameat(s->dirfd, tmp, s->dirfd, s->base) != 0) {
		unlinkat(s->dirfd, tmp, 0);
		return -1;
	}
	return 0;
}
