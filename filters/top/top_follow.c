/* top_follow.c — a running session's fs/ folder (iotrc-write(1)): finished
 * files "fs_<stamp>_<seq>.csv.zst" are read whole, once, in name (= time)
 * order; the file being written, ".<final name>.part", is followed through
 * one open descriptor: each poll reads what was appended and decodes the
 * frames that are whole (top_in.c), so only what iotrc-write has flushed
 * is read, and nothing twice. When the .part name is gone, iotrc-write
 * has finished the file (its last frame written and synced, then renamed):
 * the descriptor is read to its end, which is the file's end even if the
 * file was renamed and removed since, and the final name is marked read,
 * so it is not read again under that name. The followed file has a CSV
 * state of its own (curcsv): finished files read meanwhile leave it be. */
#include "top.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "fs_"

void follow_init(struct tfollow *f, const char *dir, struct tcsv *csv)
{
	char *fs = xmalloc(strlen(dir) + 4);
	struct stat sb;
	memset(f, 0, sizeof *f);
	f->csv = csv;
	tcsv_init(&f->curcsv, csv->top);
	f->cur_fd = -1;
	/* a session folder holds fs/; an fs folder is taken as it is */
	sprintf(fs, "%s/fs", dir);
	if (stat(fs, &sb) == 0 && S_ISDIR(sb.st_mode))
		f->dir = fs;
	else {
		DIR *d = opendir(dir);
		struct dirent *de;
		int has = 0;
		while (d && (de = readdir(d)))
			if (strncmp(de->d_name, PREFIX, 3) == 0 || strncmp(de->d_name, "." PREFIX, 4) == 0)
				has = 1;
		if (d)
			closedir(d);
		f->dir = has ? xstrdup(dir) : fs;   /* fs/ may not be there yet */
		if (has)
			free(fs);
	}
}

void follow_free(struct tfollow *f)
{
	if (f->cur_fd >= 0) {
		close(f->cur_fd);
		tin_free(&f->cur);
	}
	tcsv_free(&f->curcsv);
	for (size_t i = 0; i < f->ndone; i++)
		free(f->done[i]);
	free(f->done);
	free(f->dir);
}

const char *follow_dir(const struct tfollow *f)
{
	return f->dir;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_done(const struct tfollow *f, const char *name)
{
	return f->ndone && bsearch(&name, f->done, f->ndone, sizeof *f->done, cmp_names) != NULL;
}

static void mark_done(struct tfollow *f, const char *name)
{
	size_t i = f->ndone;
	if (is_done(f, name))
		return;
	if (f->ndone == f->done_cap) {
		f->done_cap = f->done_cap ? 2 * f->done_cap : 64;
		f->done = xrealloc(f->done, f->done_cap * sizeof *f->done);
	}
	while (i > 0 && strcmp(f->done[i - 1], name) > 0) {
		f->done[i] = f->done[i - 1];
		i--;
	}
	f->done[i] = xstrdup(name);
	f->ndone++;
}

/* "fs_<stamp>_<seq>.csv[.zst]" (finished: 1) or "." that ".part" (2). */
static int kind_of(const char *name, char *final, size_t cap)
{
	size_t n = strlen(name);
	int part = name[0] == '.';
	const char *s = name + part;
	size_t m = n - (size_t)part - (part ? 5 : 0);
	if (part && (n < 6 || strcmp(name + n - 5, ".part") != 0))
		return 0;
	if (strncmp(s, PREFIX, 3) != 0 || m >= cap)
		return 0;
	if (!((m > 4 && memcmp(s + m - 4, ".csv", 4) == 0) ||
	      (m > 8 && memcmp(s + m - 8, ".csv.zst", 8) == 0)))
		return 0;
	memcpy(final, s, m);
	final[m] = 0;
	return part ? 2 : 1;
}

/* The followed file is finished: read its end, then let it go. */
static int end_current(struct tfollow *f)
{
	int rc;
	while ((rc = tin_drain(&f->cur, f->cur_fd, SIZE_MAX)) == 0)
		;
	if (rc > 0) {
		top_lock(f->curcsv.top);
		rc = tin_finish(&f->cur);
		top_unlock(f->curcsv.top);
	}
	if (rc)
		snprintf(f->err, sizeof f->err, "%s", f->cur.err);
	mark_done(f, f->cur_final);
	close(f->cur_fd);
	f->cur_fd = -1;
	tin_free(&f->cur);
	return rc;
}

static int read_finished(struct tfollow *f, const char *name)
{
	char path[4096];
	int rc;
	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	rc = tin_file(f->csv, path, f->err, sizeof f->err);
	if (rc < 0 && access(path, F_OK) < 0)
		rc = 0;                   /* removed (uploaded) before we came */
	mark_done(f, name);
	return rc;
}

static int start_current(struct tfollow *f, const char *part, const char *final)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", f->dir, part);
	f->cur_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->cur_fd < 0)
		return 0;                 /* finished in the meantime: next poll */
	snprintf(f->cur_part, sizeof f->cur_part, "%s", part);
	snprintf(f->cur_final, sizeof f->cur_final, "%s", final);
	/* cur.name points at cur_final: messages name the file as it ends up */
	tin_init(&f->cur, &f->curcsv, f->cur_final);
	return 0;
}

int follow_poll(struct tfollow *f)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, final[256];
	size_t n = 0, cap = 0;
	int ret = 0, rc;
	f->err[0] = 0;
	if (f->cur_fd >= 0) {
		struct stat sb, cb;
		int gone = fstatat(AT_FDCWD, f->dir, &sb, 0) < 0;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", f->dir, f->cur_part);
		gone = gone || stat(path, &sb) < 0 || fstat(f->cur_fd, &cb) < 0 ||
		       sb.st_ino != cb.st_ino || sb.st_dev != cb.st_dev;
		if (gone) {
			if ((rc = end_current(f)) != 0)
				return rc;
		} else if ((rc = tin_drain(&f->cur, f->cur_fd, SIZE_MAX)) < 0) {
			snprintf(f->err, sizeof f->err, "%s", f->cur.err);
			return -1;
		}
	}
	d = opendir(f->dir);
	if (!d)
		return 0;                 /* not there yet */
	while ((de = readdir(d))) {
		if (!kind_of(de->d_name, final, sizeof final))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	/* finished files first, in time order; then the one being written */
	for (size_t i = 0; i < n && ret >= 0; i++)
		if (kind_of(names[i], final, sizeof final) == 1 && !is_done(f, final) &&
		    !(f->cur_fd >= 0 && strcmp(final, f->cur_final) == 0))
			if ((rc = read_finished(f, final)) != 0)
				ret = rc;
	for (size_t i = 0; i < n && ret >= 0 && f->cur_fd < 0; i++)
		if (kind_of(names[i], final, sizeof final) == 2 && !is_done(f, final)) {
			start_current(f, names[i], final);
			if (f->cur_fd >= 0 && tin_drain(&f->cur, f->cur_fd, SIZE_MAX) < 0) {
				snprintf(f->err, sizeof f->err, "%s", f->cur.err);
				ret = -1;
			}
		}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}
