/* iotrc_up.c — the session's one iotrc-upload. Every writer announces its
 * finished files on a pipe of its own that only we read (macOS's PIPE_BUF
 * is 512 bytes, so writers never share one); we pass each whole line on
 * to the uploader's stdin, and read its stdout ("path<TAB>key" per
 * delivery) to count this session's deliveries. At start it also resumes
 * earlier sessions' files (--spool, one per session folder of ours, never
 * the whole root: a root such as /tmp holds other people's files). A dead
 * uploader is restarted with backoff; the restart spools this session's
 * folders too, so no announcement made while it was down is lost. At the end
 * the writers' last files are given upload.drain to go, then the final
 * manifest follows them (iotrc_run.c drives that wait); a second
 * interrupt skips it (the files stay for the next start's spool). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exits.h"
#include "mono.h"
#include "pipe.h"
#include "util.h"

#define NS 1000000000LL
#define SPOOL_SESSIONS 8         /* earlier sessions resumed per start */
#define UP_MAXARGS 60

void up_init(struct session *s)
{
	struct uploader *u = &s->up;
	memset(u, 0, sizeof *u);
	u->ch.pid = -1;
	u->in = u->out = -1;
	if (snprintf(u->stats, sizeof u->stats, "%s/upload.stats", s->ctl) >= (int)sizeof u->stats)
		die(EXIT_USAGE, "%s: too long", s->ctl);
	if (s->c->upload == UP_NONE) {
		u->disabled = 1;
		return;
	}
	char path[PATH_MAX];
	if (tool_path(s, "iotrc-upload", path, sizeof path) < 0) {
		u->disabled = 1;
		warnmsg("upload: iotrc-upload is not installed in %s; the files stay here", s->bindir);
	}
}

/* YYYYMMDD_HHMMSS_mmm */
int stamp_name(const char *n)
{
	static const char pat[] = "dddddddd_dddddd_ddd";
	for (size_t i = 0; i < sizeof pat - 1; i++)
		if (pat[i] == 'd' ? n[i] < '0' || n[i] > '9' : n[i] != pat[i])
			return 0;
	return n[sizeof pat - 1] == 0;
}

/* A finished file (a name not hidden) in dirfd or one folder below. */
static int has_files(int dirfd, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int found = 0;
	if (!d) {
		close(dirfd);
		return 0;
	}
	while (!found && (de = readdir(d))) {
		struct stat sb;
		if (de->d_name[0] == '.' || fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(sb.st_mode))
			found = 1;
		else if (S_ISDIR(sb.st_mode) && depth == 0) {
			int fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			found = fd >= 0 && has_files(fd, 1);
		}
	}
	closedir(d);
	return found;
}

int session_live(int rootfd, const char *name)
{
	char pidf[64], b[32];
	uint64_t pid;
	snprintf(pidf, sizeof pidf, "%.32s/.iotrc/pid", name);
	int fd = openat(rootfd, pidf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, b, sizeof b - 1);
	close(fd);
	if (n <= 0)
		return 0;
	b[n] = 0;
	return parse_u64_n(b, strcspn(b, "\n"), &pid) == 0 && pid > 0 && pid < (1u << 30) &&
	       (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* An earlier session of ours that holds files and whose iotrc is gone
 * (a running one's own uploader has its files). */
static int resumable(int rootfd, const char *name)
{
	char ctl[64];
	struct stat sb;
	snprintf(ctl, sizeof ctl, "%.32s/.iotrc", name);
	if (fstatat(rootfd, ctl, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode) ||
	    session_live(rootfd, name))
		return 0;
	int fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 && has_files(fd, 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --spool for the oldest earlier sessions with files left. */
static void spool_earlier(struct session *s, struct av *a)
{
	int rootfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = rootfd < 0 ? NULL : fdopendir(rootfd);
	struct dirent *de;
	char *names[256];
	size_t n = 0, taken = 0;
	if (!d) {
		if (rootfd >= 0)
			close(rootfd);
		return;
	}
	while ((de = readdir(d)) && n < sizeof names / sizeof names[0])
		if (stamp_name(de->d_name) && strcmp(de->d_name, s->stamp))
			names[n++] = xstrdup(de->d_name);
	qsort(names, n, sizeof names[0], by_name);
	for (size_t i = 0; i < n; i++) {
		if (taken < SPOOL_SESSIONS && resumable(dirfd(d), names[i])) {
			char p[PATH_MAX + 32];
			snprintf(p, sizeof p, "%s/%s", s->root, names[i]);   /* root < PATH_MAX - 64 */
			av_add(a, "--spool");
			av_add(a, p);
			taken++;
		}
		free(names[i]);
	}
	closedir(d);
	if (taken && s->c->verbosity >= 1)
		warnmsg("upload: resuming %zu earlier session%s", taken, taken == 1 ? "" : "s");
}

/* --spool for this session's folders (not its manifest, rewritten at the end) */
static void spool_own(struct session *s, struct av *a)
{
	char p[PATH_MAX + 32];
	for (int i = 0; i < s->npl; i++) {
		snprintf(p, sizeof p, "%s/%s", s->dir, s->pl[i].label);
		av_add(a, "--spool");
		av_add(a, p);
	}
	snprintf(p, sizeof p, "%s/system_spec", s->dir);
	av_add(a, "--spool");
	av_add(a, p);
}

static void up_args(struct session *s, struct av *a)
{
	const struct conf *c = s->c;
	char path[PATH_MAX];
	(void)tool_path(s, "iotrc-upload", path, sizeof path);   /* checked in up_init */
	av_add(a, path);
	av_add(a, "-r");
	av_add(a, s->root);
	av_add(a, "-e");
	av_add(a, c->endpoint);
	av_add(a, "-m");
	av_add(a, conf_upload_name(c->upload));
	av_add(a, "-b");
	av_add(a, c->bucket);
	av_add(a, "-j");
	av_addf(a, "%llu", (unsigned long long)c->upload_jobs);
	av_add(a, "--drain-timeout");
	av_addf(a, "%llus", (unsigned long long)((c->upload_drain + NS - 1) / NS));
	av_add(a, "--stats");
	av_add(a, s->up.stats);
	if (c->credentials[0]) {
		av_add(a, "--credentials");
		av_add(a, c->credentials);
	}
	if (s->keep[0]) {
		av_add(a, "--keep");
		av_add(a, s->keep);
	}
	if (c->verbosity >= 2)
		av_add(a, "-v");
	spool_earlier(s, a);
	if (s->up.nrestarts)
		spool_own(s, a);
}

void up_start(struct session *s)
{
	struct uploader *u = &s->up;
	char *argv[UP_MAXARGS + 1] = { 0 };
	struct av a = { argv, 0, UP_MAXARGS };
	if (u->disabled || u->ch.pid > 0)
		return;
	up_args(s, &a);
	struct spawn_opts o = { .argv = argv, .fd = { SPAWN_PIPE, SPAWN_PIPE, SPAWN_INHERIT },
	                        .in_child = child_tie_to_parent,
	                        .arg = (void *)(intptr_t)getpid() };
	int e = child_spawn(&u->ch, &o);
	av_free(argv);
	u->restart_at = 0;
	if (e) {
		warnmsg("upload: iotrc-upload: %s", strerror(e));
		u->ch.pid = -1;
		u->restart_at = mono_now_ns() + 5 * NS;
		return;
	}
	u->in = u->ch.fd[0];
	u->out = u->ch.fd[1];
	u->ch.fd[0] = u->ch.fd[1] = -1;
	u->nline = 0;
	(void)fcntl(u->out, F_SETFL, fcntl(u->out, F_GETFL) | O_NONBLOCK);
	if (s->c->verbosity >= 1)
		warnmsg("upload: started iotrc-upload (pid %ld)", (long)u->ch.pid);
}

void up_send(struct session *s, const char *line, size_t len)
{
	struct uploader *u = &s->up;
	if (u->in < 0)
		return;                 /* down: the restart's --spool finds it */
	if (write_all(u->in, line, len) < 0) {
		close(u->in);       /* it died; up_reap restarts it */
		u->in = -1;
		return;
	}
	s->files_sent++;
}

/* Paths of the files in dir/sub (system_spec) for the uploader. */
void up_send_dir(struct session *s, const char *sub)
{
	char p[PATH_MAX + 300];
	snprintf(p, sizeof p, "%s/%s", s->dir, sub);
	DIR *d = opendir(p);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat sb;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		int n = snprintf(p, sizeof p, "%s/%s/%s\n", s->dir, sub, de->d_name);
		if (n > 0 && (size_t)n < sizeof p)
			up_send(s, p, (size_t)n);
	}
	closedir(d);
}

void up_read(struct session *s)
{
	struct uploader *u = &s->up;
	size_t dl = strlen(s->dir);
	for (;;) {
		ssize_t n = read(u->out, u->line + u->nline, sizeof u->line - 1 - u->nline);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(u->out);
				u->out = -1;
			}
			return;
		}
		u->nline += (size_t)n;
		char *nl;
		while ((nl = memchr(u->line, '\n', u->nline))) {
			size_t len = (size_t)(nl - u->line) + 1;
			if (!strncmp(u->line, s->dir, dl) && u->line[dl] == '/')
				u->delivered++;
			if (s->c->verbosity >= 2)
				warnmsg("upload: delivered %.*s", (int)len - 1, u->line);
			memmove(u->line, nl + 1, u->nline - len);
			u->nline -= len;
		}
		if (u->nline == sizeof u->line - 1)
			u->nline = 0;
	}
}

void up_reap(struct session *s, int64_t now)
{
	struct uploader *u = &s->up;
	if (u->ch.pid <= 0 || !child_reap(&u->ch))
		return;
	if (u->out >= 0)
		up_read(s);
	if (u->in >= 0)
		close(u->in);
	if (u->out >= 0)
		close(u->out);
	u->in = u->out = -1;
	child_close_fds(&u->ch);
	u->ch.pid = -1;
	int code = WIFEXITED(u->ch.status) ? WEXITSTATUS(u->ch.status) : -1;
	if (u->closing) {
		if (s->c->verbosity >= 1 || code != 0)
			warnmsg("upload: iotrc-upload exited (status %d)", code);
		return;
	}
	if (code == EXIT_USAGE) {
		u->disabled = 1;
		warnmsg("upload: iotrc-upload refused its configuration; the files stay here");
		return;
	}
	warnmsg("upload: iotrc-upload ended unexpectedly (%s %d)",
	        WIFSIGNALED(u->ch.status) ? "signal" : "status",
	        WIFSIGNALED(u->ch.status) ? WTERMSIG(u->ch.status) : code);
	int64_t at = restart_after(u->recent, &u->nrestarts, s->c->restart_max, now);
	if (at < 0) {
		u->disabled = 1;
		warnmsg("upload: restarted too often in a minute; given up (the files stay here)");
	} else
		u->restart_at = at;
}

void up_tick(struct session *s, int64_t now)
{
	struct uploader *u = &s->up;
	if (!u->disabled && !u->closing && u->ch.pid < 0 && u->restart_at && now >= u->restart_at)
		up_start(s);
}

/* Signal it to stop: SIGTERM, and 200 ms later (two at once may merge
 * into one pending signal) SIGTERM again, through child_stop_due's
 * sequence (SIGINT, SIGTERM, SIGKILL) entered at its second step: the end
 * of input already began its drain, and a second signal ends it at once. */
void up_cut(struct uploader *u)
{
	if (u->ch.pid > 0 && !u->ch.stops) {
		(void)child_signal(&u->ch, SIGTERM);
		u->ch.stops = 1;
		u->ch.sent = SIGTERM;
		u->ch.stop_deadline = mono_now_ns() + NS / 5;
	}
}

void up_close(struct session *s, int manifest)
{
	struct uploader *u = &s->up;
	u->closing = 1;
	if (manifest && u->ch.pid > 0) {
		char line[PATH_MAX + 32];
		int n = snprintf(line, sizeof line, "%s/manifest.json\n", s->dir);
		up_send(s, line, (size_t)n);
	}
	if (u->in >= 0)
		close(u->in);
	u->in = -1;
}
