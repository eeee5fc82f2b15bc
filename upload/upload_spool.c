/* upload_spool.c — --spool DIR: the finished files already on disk (a
 * crash, an offline run, earlier sessions). Only final names are taken:
 * iotrc-write writes under ".NAME.part" and locks ".PREFIX.lock", both
 * hidden, and a file with a final name is always whole (DESIGN.md,
 * contract 3), so a writer still running is never raced. Links are not
 * followed, only regular files at the depths of the session layout are
 * taken, in name order (older sessions first). */
#include "upload.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct walk {
	void (*add)(void *ctx, const char *path);
	void *ctx;
	long found;
};

static int skipped_name(const char *n)
{
	size_t l = strlen(n);
	return n[0] == '.' || (l >= 5 && !strcmp(n + l - 5, ".part")) ||
	       (l >= 5 && !strcmp(n + l - 5, ".lock"));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dirfd (consumed), sorted; *n gets their count. */
static char **dir_names(int dirfd, size_t *n)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d) {
		close(dirfd);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (skipped_name(de->d_name))
			continue;
		if (*n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, by_name);
	return v;
}

/* The entries of dirfd (at depth: 0 root, 1 session, 2 subdir). */
static void walk_dir(struct walk *w, int dirfd, const char *path, int depth)
{
	size_t n;
	char **names = dir_names(dirfd, &n);
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];
		struct stat sb;
		int fd;
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, names[i]) >= sizeof sub)
			goto next;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstatat(fd, names[i], &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			if (fd >= 0)
				close(fd);
			goto next;
		}
		if (S_ISDIR(sb.st_mode) && depth < 2) {
			int sfd = openat(fd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd >= 0)
				walk_dir(w, sfd, sub, depth + 1);
		} else if (S_ISREG(sb.st_mode) && depth >= 1) {
			w->add(w->ctx, sub);
			w->found++;
		}
		close(fd);
	next:
		free(names[i]);
	}
	free(names);
}

long spool_scan(const char *root, const char *spool,
                void (*add)(void *ctx, const char *path), void *ctx, const char **why)
{
	struct walk w = { add, ctx, 0 };
	char *real = realpath(spool, NULL);
	size_t rl = strlen(root);
	int depth = 0, fd;
	if (!real)
		return *why = "spool folder", -1;
	if (strncmp(real, root, rl) || (real[rl] && real[rl] != '/' && rl > 1)) {
		free(real);
		errno = EINVAL;
		return *why = "the spool folder is not under the root", -1;
	}
	for (const char *p = real + rl; *p; p++)
		depth += *p == '/' && p[1];
	if (rl == 1 && real[1])                  /* root "/" */
		depth++;
	if (depth > 2) {
		free(real);
		errno = EINVAL;
		return *why = "the spool folder is deeper than ROOT/SESSION/SUBDIR", -1;
	}
	fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		free(real);
		return *why = "spool folder", -1;
	}
	walk_dir(&w, fd, real, depth);
	free(real);
	return w.found;
}
