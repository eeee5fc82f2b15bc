/* write_dir.c — the output directory: created if missing, held open (every
 * file operation is relative to it, so fsync(dirfd) covers our renames),
 * locked against a second writer of the same prefix (multilog's "lock"),
 * and the announcement of finished files on stdout. */
#include "write.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p, each folder we create private (mode exactly dmode, whatever
 * the umask: traces carry paths and command lines). */
static int make_dirs(const char *path, unsigned dmode)
{
	char *p = xstrdup(path), *s = p;
	int rc = 0;
	for (;;) {
		while (*s == '/')
			s++;
		s = strchr(s, '/');
		if (s)
			*s = 0;
		if (mkdir(p, (mode_t)dmode) == 0) {
			if (chmod(p, (mode_t)dmode) < 0) {
				rc = -1;
				break;
			}
		} else if (errno != EEXIST) {
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

/* Was an open refused because name is a symlink? (ELOOP, or EACCES where
 * Linux's protected_symlinks/protected_regular act first.) */
static int is_link(int dirfd, const char *name)
{
	struct stat sb;
	int e = errno, link = fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode);
	errno = e;
	return link;
}

/* Failures of attaching to DIR: "DIR[/what]: reason" goes to w->lasterr
 * (and the stats file); err adds strerror(err). Returns -1. */
static int why(struct writer *w, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why(struct writer *w, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(w->lasterr, sizeof w->lasterr, "%s", w->cfg.dir);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof w->lasterr)
		n += vsnprintf(w->lasterr + n, sizeof w->lasterr - (size_t)n, fmt, ap);
	va_end(ap);
	if (err && n > 0 && (size_t)n < sizeof w->lasterr)
		snprintf(w->lasterr + n, sizeof w->lasterr - (size_t)n, ": %s", strerror(err));
	w->st.last_error = w->lasterr;
	return -1;
}

/* A second writer on the same DIR and PREFIX would "recover" the first
 * one's temporary file under its feet; a POSIX lock on .PREFIX.lock stops
 * it (released by the kernel when we die, even by SIGKILL). */
static int lock_prefix(struct writer *w)
{
	char name[WNAME_MAX + 1];
	struct flock fl;
	struct stat sb;
	snprintf(name, sizeof name, ".%s.lock", w->cfg.prefix);
	/* O_NOFOLLOW: as root, never create or open a file through a link
	 * another user planted under this name */
	w->lockfd = openat(w->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	                   w->cfg.fmode);
	if (w->lockfd < 0)
		return is_link(w->dirfd, name) ? why(w, 0, "/%s: is a symbolic link; not followed (remove it)", name)
		                               : why(w, errno, "/%s", name);
	if (fstat(w->lockfd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return why(w, 0, "/%s: not a regular file; not used (remove it)", name);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(w->lockfd, F_SETLK, &fl) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			return why(w, 0, ": another iotrc-write is writing prefix %s here", w->cfg.prefix);
		return why(w, errno, "/%s: lock", name);
	}
	return 0;
}

/* Create DIR if missing, open and check it, lock our prefix. */
static int attach(struct writer *w)
{
	char abs[PATH_MAX];
	struct stat sb;
	if (make_dirs(w->cfg.dir, w->cfg.dmode) < 0)
		return why(w, errno, "%s", "");
	/* The folder itself must not be a link or another user's: someone who
	 * owns it could swap our files (macOS /tmp and /var are links, so
	 * only the last component is checked this way). */
	w->dirfd = open(w->cfg.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->dirfd < 0 && (errno == ELOOP || errno == ENOTDIR) &&
	    lstat(w->cfg.dir, &sb) == 0 && S_ISLNK(sb.st_mode))
		return why(w, 0, ": is a symbolic link; not followed (give the real folder)");
	if (w->dirfd < 0 || fstat(w->dirfd, &sb) < 0)
		return why(w, errno, "%s", "");
	if (sb.st_uid != geteuid() && sb.st_uid != 0)
		return why(w, 0, ": owned by uid %ld, not by us; not used", (long)sb.st_uid);
	if (!realpath(w->cfg.dir, abs))
		return why(w, errno, "%s", "");
	free(w->dirabs);
	w->dirabs = xstrdup(abs);
	return lock_prefix(w);
}

void wdir_open(struct writer *w)
{
	w->dirfd = w->lockfd = -1;
	if (attach(w) < 0)
		die(1, "%s", w->lasterr);
}

int wdir_gone(struct writer *w)
{
	struct stat sb;
	return fstat(w->dirfd, &sb) == 0 && sb.st_nlink == 0;
}

int wdir_reopen(struct writer *w)
{
	if (w->lockfd >= 0)
		close(w->lockfd);
	if (w->dirfd >= 0)
		close(w->dirfd);
	w->dirfd = w->lockfd = -1;
	if (attach(w) < 0) {
		warnmsg("%s", w->lasterr);
		return -1;
	}
	warnmsg("%s: was removed while in use; created again", w->cfg.dir);
	return 0;
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

int wdir_open_own(struct writer *w, const char *name, int flags)
{
	struct stat sb;
	const char *why = NULL;
	int fd = openat(w->dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && is_link(w->dirfd, name))
		why = "a symbolic link";
	else if (fd < 0) {
		wdir_error(w, name, errno);
		warnmsg("%s; not recovered", w->lasterr);
		w->st.files_refused++;
		return -1;
	} else if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (sb.st_uid != geteuid())
		why = "another user's file";
	if (why) {
		if (fd >= 0)
			close(fd);
		snprintf(w->lasterr, sizeof w->lasterr, "%s/%s: %s; not recovered, left as it is",
		         w->cfg.dir, name, why);
		w->st.last_error = w->lasterr;
		warnmsg("%s", w->lasterr);
		w->st.files_refused++;
		return -1;
	}
	return fd;
}

/* Remember "DIR/name: reason" for the stats file (key last_error). */
void wdir_error(struct writer *w, const char *name, int err)
{
	snprintf(w->lasterr, sizeof w->lasterr, "%s/%s: %s", w->cfg.dir, name, strerror(err));
	w->st.last_error = w->lasterr;
}
