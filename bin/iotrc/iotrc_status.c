/* iotrc_status.c — what a running session is doing, about once a second:
 * <session>/.iotrc/status (0600 in a 0700 folder, rewritten atomically;
 * one "key value" a line like every --stats file) for `iotrc status`, and
 * on a terminal one line on stderr, redrawn in place: events/s per stream,
 * engine drops, rows written, files finished, the upload queue and its
 * last error. Nothing of the sort when stderr is not a terminal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exits.h"
#include "obuf.h"
#include "pipe.h"
#include "util.h"

#define NS 1000000000LL

const char *session_root(const struct conf *c)
{
	const char *root = c->root[0] ? c->root : getenv("TMPDIR");
	return root && root[0] ? root : "/tmp";
}

struct snapshot {
	double rate[PL_MAX];
	struct plsum sum[PL_MAX], total;
	uint64_t queued, delivered;
	char last_error[160];
};

static void take(struct session *s, int64_t now, struct snapshot *n)
{
	double dt = s->status_at ? (double)(now - s->status_at) / 1e9 : 0;
	memset(n, 0, sizeof *n);
	for (int i = 0; i < s->npl; i++) {
		pl_counts(&s->pl[i], &n->sum[i]);
		/* events: engine records, or a snapshot's rows */
		uint64_t ev = s->pl[i].rec ? n->sum[i].records : n->sum[i].rows_written;
		n->rate[i] = dt > 0 && ev >= s->last_events[i] ? (double)(ev - s->last_events[i]) / dt : 0;
		s->last_events[i] = ev;
		n->total.drops += n->sum[i].drops;
		n->total.rows_written += n->sum[i].rows_written;
		n->total.files += n->sum[i].files;
	}
	n->queued = stats_read_key(s->up.stats, "queued") + stats_read_key(s->up.stats, "in_flight");
	n->delivered = s->up.delivered;
	stats_read_str(s->up.stats, "last_error", n->last_error, sizeof n->last_error);
}

static void write_file(const struct session *s, const struct snapshot *n)
{
	struct obuf b;
	char tmp[PATH_MAX + 16], fin[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s/.status.tmp", s->ctl);
	snprintf(fin, sizeof fin, "%s/status", s->ctl);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ob_init(&b, fd, 8192);
	ob_printf(&b, "pid %ld\nsession %s\n", (long)getpid(), s->dir);
	for (int i = 0; i < s->npl; i++) {
		const char *l = s->pl[i].label;
		ob_printf(&b, "%s.up %d\n%s.events_per_s %.1f\n", l, s->pl[i].up, l, n->rate[i]);
		if (s->pl[i].rec)
			ob_printf(&b, "%s.drops %llu\n", l, (unsigned long long)n->sum[i].drops);
		ob_printf(&b, "%s.rows_written %llu\n%s.files_finished %llu\n", l,
		          (unsigned long long)n->sum[i].rows_written, l, (unsigned long long)n->sum[i].files);
	}
	ob_printf(&b, "upload.mode %s\nupload.sent %llu\nupload.delivered %llu\nupload.queued %llu\n"
	          "upload.last_error %s\n", conf_upload_name(s->c->upload),
	          (unsigned long long)s->files_sent, (unsigned long long)n->delivered,
	          (unsigned long long)n->queued, n->last_error);
	int bad = ob_flush(&b) < 0;
	ob_free(&b);
	if (close(fd) < 0 || bad || rename(tmp, fin) < 0)
		(void)unlink(tmp);
}

static void print_line(const struct session *s, const struct snapshot *n, int64_t now)
{
	struct obuf b;
	long long t = (now - s->start_mono) / NS;
	ob_init(&b, 2, 4096);
	ob_printf(&b, "\r\033[Kiotrc %lld:%02lld:%02lld | ", t / 3600, t / 60 % 60, t % 60);
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].rec)
			ob_printf(&b, "%s %.0f/s | ", s->pl[i].label, n->rate[i]);
	ob_printf(&b, "drops %llu | rows %llu | files %llu", (unsigned long long)n->total.drops,
	          (unsigned long long)n->total.rows_written, (unsigned long long)n->total.files);
	if (s->c->upload != UP_NONE)
		ob_printf(&b, " | upload queue %llu%s%.60s", (unsigned long long)n->queued,
		          n->last_error[0] ? ", last error: " : "", n->last_error);
	(void)ob_flush(&b);
	ob_free(&b);
}

void status_tick(struct session *s, int64_t now, int final)
{
	struct snapshot n;
	if (!final && s->status_at && now - s->status_at < NS)
		return;
	take(s, now, &n);
	s->status_at = now;
	write_file(s, &n);
	if (s->tty && final)
		(void)write_all(2, "\r\033[K", 4);
	else if (s->tty)
		print_line(s, &n, now);
}

/* `iotrc status`: the newest running session under the root. */
int run_status(const struct conf *c)
{
	const char *root = session_root(c);
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = rootfd < 0 ? NULL : fdopendir(rootfd);
	struct dirent *de;
	char best[64] = "";
	if (!d && errno == ENOENT)
		die(EXIT_RUNTIME, "no running session under %s", root);
	if (!d)
		dieerr(EXIT_RUNTIME, "%s", root);
	while ((de = readdir(d)))
		if (stamp_name(de->d_name) && strcmp(de->d_name, best) > 0 &&
		    session_live(dirfd(d), de->d_name))
			memcpy(best, de->d_name, strlen(de->d_name) + 1);   /* stamp_name: 19 bytes */
	if (!best[0]) {
		closedir(d);
		die(EXIT_RUNTIME, "no running session under %s", root);
	}
	char p[128], buf[8192];
	snprintf(p, sizeof p, "%s/.iotrc/status", best);
	int fd = openat(dirfd(d), p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	int e = errno;
	if (fd >= 0)
		close(fd);
	closedir(d);
	if (n < 0) {
		errno = e;
		dieerr(EXIT_RUNTIME, "%s/%s", root, p);
	}
	if (write_all(1, buf, (size_t)n) < 0)
		dieerr(EXIT_RUNTIME, "stdout");
	return EXIT_OK;
}
