/* write_dir.c — the output directory: created if missing, held open (every
 * file operation is relative to it, so fsync(dirfd) covers our renames),
 * locked against a second writer of the same prefix (multilog's "lock"),
 * and the announcement of finished files on stdout. */
#include "write.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path), *s = p;
	int rc = 0;
	for (;;) {
		while (*s == '/')
			s++;
		s = strchr(s, '/');
		if (s)
			*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		if (!s)
			break;
		*s++ = '/';
	}
	free(p);
	return rc;
}

/* A second writer on the same DIR and PREFIX would "recover" the first
 * one's temporary file under its feet; a POSIX lock on .PREFIX.lock stops
 * it (released by the kernel when we die, even by SIGKILL). */
static void lock_prefix(struct writer *w)
{
	char name[WNAME_MAX + 1];
	struct flock fl;
	snprintf(name, sizeof name, ".%s.lock", w->cfg.prefix);
	w->lockfd = openat(w->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (w->lockfd < 0)
		dieerr(1, "%s/%s", w->cfg.dir, name);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(w->lockfd, F_SETLK, &fl) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			die(1, "%s: another iotrc-write is writing prefix %s here", w->cfg.dir,
			    w->cfg.prefix);
		dieerr(1, "%s/%s: lock", w->cfg.dir, name);
	}
}

void wdir_open(struct writer *w)
{
	char abs[PATH_MAX];
	if (make_dirs(w->cfg.dir) < 0)
		dieerr(1, "%s", w->cfg.dir);
	w->dirfd = open(w->cfg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0)
		dieerr(1, "%s", w->cfg.dir);
	if (!realpath(w->cfg.dir, abs))
		dieerr(1, "%s", w->cfg.dir);
	w->dirabs = xstrdup(abs);
	lock_prefix(w);
}

/* One line per finished file, shorter than PIPE_BUF, so that writers
 * sharing one pipe to the uploader never interleave (DESIGN.md). If the
 * reader is gone, the files stay in DIR for a spool scan: say it once. */
void wdir_announce(struct writer *w, const char *final)
{
	char line[PATH_MAX + WNAME_MAX + 2];
	int n = snprintf(line, sizeof line, "%s/%s\n", w->dirabs, final);
	if (n <= 0 || (size_t)n >= sizeof line || write_all(1, line, (size_t)n) < 0) {
		if (!w->announce_broken)
			warnerr("stdout: cannot announce %s", final);
		w->announce_broken = 1;
	}
}

int wdir_sync(struct writer *w)
{
	if (wsync_full(w->dirfd) < 0) {
		wdir_error(w, ".", errno);
		warnmsg("%s", w->lasterr);
		return -1;
	}
	return 0;
}

/* Remember "DIR/name: reason" for the stats file (key last_error). */
void wdir_error(struct writer *w, const char *name, int err)
{
	snprintf(w->lasterr, sizeof w->lasterr, "%s/%s: %s", w->cfg.dir, name, strerror(err));
	w->st.last_error = w->lasterr;
}
