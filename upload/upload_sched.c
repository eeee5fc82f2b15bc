/* upload_sched.c — the delivery loop. Paths arrive on the input (and from
 * --spool); each is checked and queued once; transfers start while a slot
 * is free and the server is not in backoff; each result decides the file's
 * fate:
 *   delivered      removed (or moved to --keep), one line on stdout
 *   worth retrying back of the queue; the server backs off (exponential,
 *                  with jitter), reset by the next success
 *   configuration  reported once per message, retried every --retry-max
 *   refused, gone  reported, dropped (never deleted by us)
 * Input ends (or SIGINT/SIGTERM): at most --drain-timeout more, then what
 * is left is listed; a second signal stops at once. */
#include "upload.h"
#include "exits.h"
#include "mono.h"
#include "rdr.h"
#include "reward.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NREPORTED 16
#define RESULTS 64

struct usched {
	const struct ucfg *c;
	struct ustats *st;
	struct uqueue q;
	struct uhttp *http;
	int rootfd, destfd, keepfd;
	int input_open, stops, rewarded, stdout_broken;
	int64_t now, drain_by;
	uint32_t server_fails;          /* in a row, across files */
	int64_t server_next, server_fail_at, backoff;
	uint64_t rng;
	char lasterr[PATH_MAX + UMSG_MAX];
	char reported[NREPORTED][UMSG_MAX];
	int nreported;
};

/* ---- admitting paths -------------------------------------------------- */

static void refuse(struct usched *s, const char *path, const char *why)
{
	warnmsg("%s: refused: %s", path, why);
	s->st->refused++;
}

/* A path from the input or the spool: checked, keyed, queued once. A
 * path through a symlinked folder of the root (macOS /tmp) is taken by
 * its real folder's name. */
static void admit(struct usched *s, const char *path)
{
	char rel[UKEY_MAX], key[UKEY_MAX], dir[PATH_MAX], real[PATH_MAX], alt[PATH_MAX];
	const char *why, *c = s->c->machine_id;
	if (key_from_path(s->c->root, path, s->c->bucket, c, rel, sizeof rel, key, sizeof key,
	                  &why) < 0) {
		const char *slash = strrchr(path, '/');
		if (!slash || path[0] != '/' || (size_t)(slash - path) >= sizeof dir ||
		    strstr(path, "/./") || strstr(path, "/../") || strstr(path, "//"))
			return refuse(s, path, why);
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (!realpath(*dir ? dir : "/", real) ||
		    (size_t)snprintf(alt, sizeof alt, "%s%s", real, slash) >= sizeof alt ||
		    !strcmp(alt, path) ||
		    key_from_path(s->c->root, alt, s->c->bucket, c, rel, sizeof rel, key, sizeof key,
		                  &why) < 0)
			return refuse(s, path, why);
	}
	(void)uq_add(&s->q, path, rel, key);
}

static void admit_cb(void *ctx, const char *path)
{
	admit(ctx, path);
}

/* Whole lines waiting on the input; end of input starts the drain. */
static void read_input(struct usched *s, struct rdr *r)
{
	char *line, path[PATH_MAX];
	size_t n;
	int st;
	while ((st = rdr_next(r, &line, &n, 0)) == RDR_LINE) {
		if (n == 0)
			continue;
		if (memchr(line, '\0', n) || n >= sizeof path) {
			refuse(s, "(input line)", n >= sizeof path ? "too long for a path"
			                                         : "a NUL byte in the path");
			continue;
		}
		memcpy(path, line, n);       /* the reader's lines have no terminator */
		path[n] = '\0';
		admit(s, path);
	}
	if (st == RDR_EOF || st == RDR_ERR) {
		if (st == RDR_ERR) {
			errno = r->err;
			warnerr("input");
		}
		if (r->too_long)
			warnmsg("input: %llu lines too long for a path, skipped",
			        (unsigned long long)r->too_long);
		s->input_open = 0;
		s->drain_by = s->now + s->c->drain_ns;
	}
}

/* ---- results ---------------------------------------------------------- */

static void set_error(struct usched *s, const struct ufile *f, const char *msg)
{
	snprintf(s->lasterr, sizeof s->lasterr, "%s: %s", f->key, msg);
	s->st->last_error = s->lasterr;
}

static void report_config(struct usched *s, const struct ufile *f, const char *msg)
{
	for (int i = 0; i < NREPORTED; i++)
		if (!strcmp(s->reported[i], msg))
			return;
	snprintf(s->reported[s->nreported++ % NREPORTED], UMSG_MAX, "%s", msg);
	warnmsg("%s: configuration problem: %s (the files wait; retried every %llds)", f->key,
	        msg, (long long)(s->c->retry_max_ns / 1000000000));
}

static void delivered(struct usched *s, struct uresult *r)
{
	struct ufile *f = r->f;
	if (file_done(&r->o, s->keepfd, f->rel) < 0) {
		warnerr("%s: delivered, but not %s", f->path, s->keepfd >= 0 ? "moved" : "removed");
		s->st->remove_errors++;
	}
	file_close(&r->o);
	if (!s->stdout_broken && (printf("%s\t%s\n", f->path, f->key) < 0 || fflush(stdout) != 0)) {
		warnerr("stdout");
		s->stdout_broken = 1;
	}
	s->st->delivered++;
	s->st->bytes += r->bytes;
	if (s->server_fails && s->c->verbose)
		warnmsg("delivering again after %u failed attempts in a row", s->server_fails);
	s->server_fails = 0;
	s->server_next = s->backoff = 0;
	if (!s->rewarded) {
		s->rewarded = 1;
		if (reward_touch() < 0)
			warnerr("reward marker");
	}
	uq_forget(&s->q, f);
}

static void handle(struct usched *s, struct uresult *r)
{
	struct ufile *f = r->f;
	switch (r->outcome) {
	case UR_OK:
		return delivered(s, r);
	case UR_RETRY:
		f->failures++, f->cfg_error = 0;
		s->st->failed_attempts++;
		snprintf(f->last_error, sizeof f->last_error, "%s", r->msg);
		set_error(s, f, r->msg);
		/* transfers that were already running when the server failed
		 * are one failure, not N: only one started after it counts */
		if (r->started_ns >= s->server_fail_at) {
			if (s->server_fails++ == 0 || s->c->verbose)
				warnmsg("%s: %s; retrying with backoff", f->key, r->msg);
			s->server_fail_at = s->now;
			s->backoff = backoff_ns(s->server_fails, s->c->retry_min_ns, s->c->retry_max_ns,
			                        rng_next(&s->rng));
			s->server_next = s->now + s->backoff;
		}
		f->next_ns = s->now;
		return uq_requeue(&s->q, f);
	case UR_CONFIG:
		f->failures++, f->cfg_error = 1;
		s->st->failed_attempts++, s->st->config_errors++;
		snprintf(f->last_error, sizeof f->last_error, "%s", r->msg);
		set_error(s, f, r->msg);
		report_config(s, f, r->msg);
		f->next_ns = s->now + s->c->retry_max_ns;
		return uq_requeue(&s->q, f);
	case UR_REFUSED:
		refuse(s, f->path, r->msg);
		return uq_forget(&s->q, f);
	case UR_GONE:
		warnmsg("%s: gone before it was delivered (%s)", f->path, r->msg);
		s->st->vanished++;
		return uq_forget(&s->q, f);
	}
}

/* ---- the loop --------------------------------------------------------- */

static void start_transfers(struct usched *s)
{
	struct uresult r;
	struct ufile *f;
	int n = 0;
	if (s->c->mode == MODE_DIR) {
		/* copies are synchronous: a few per turn, so input and
		 * signals are still seen */
		while (n++ < 8 && s->now >= s->server_next && (f = uq_take(&s->q, s->now))) {
			dir_deliver(s->rootfd, s->destfd, f, s->now, &r);
			handle(s, &r);
			s->now = mono_now_ns();
		}
		return;
	}
	while (http_idle_slot(s->http) && s->now >= s->server_next && (f = uq_take(&s->q, s->now)))
		if (http_start(s->http, f, s->now, &r) == 1)
			handle(s, &r);
}

static int wait_ms(const struct usched *s)
{
	int64_t t = 1000000000, due;     /* the stats file, about once a second */
	if (s->q.queued && (s->c->mode == MODE_DIR || http_idle_slot(s->http))) {
		due = uq_next_due(&s->q);
		if (due < s->server_next)
			due = s->server_next;
		if (due - s->now < t)
			t = due - s->now;
	}
	if (!s->input_open && s->drain_by - s->now < t)
		t = s->drain_by - s->now;
	return t <= 0 ? 0 : (int)((t + 999999) / 1000000);
}

static void take_signals(struct usched *s)
{
	int sig;
	while ((sig = sig_next()) > 0) {
		if (sig != SIGINT && sig != SIGTERM)
			continue;
		if (s->stops++ == 0 && s->input_open) {
			s->input_open = 0;
			s->drain_by = s->now + s->c->drain_ns;
		}
	}
}

static void update_stats(struct usched *s)
{
	s->st->queued = s->q.queued;
	s->st->in_flight = (uint64_t)(s->c->mode == MODE_DIR ? 0 : http_active(s->http));
	s->st->backoff_ms = s->server_next > s->now ? (uint64_t)(s->backoff / 1000000) : 0;
	s->st->left = s->q.known;
}

static void loop(struct usched *s, struct rdr *r, struct stats *stats, int infd)
{
	struct uresult res[RESULTS];
	for (;;) {
		int rin = 0, rsig = 0, n;
		s->now = mono_now_ns();
		take_signals(s);
		if (s->stops > 1 || (!s->input_open && (s->q.known == 0 || s->now >= s->drain_by)))
			return;
		start_transfers(s);
		n = http_run(s->http, res, RESULTS);
		s->now = mono_now_ns();
		for (int i = 0; i < n; i++)
			handle(s, &res[i]);
		update_stats(s);
		stats_tick(stats, 0);
		if (!s->input_open && s->q.known == 0)
			return;
		if (http_wait(s->http, s->input_open ? infd : -1, sig_fd(), wait_ms(s), &rin, &rsig) < 0)
			dieerr(EXIT_RUNTIME, "libcurl: waiting failed");
		s->now = mono_now_ns();
		if (s->input_open && rin)
			read_input(s, r);
	}
}

/* Abort what is still running; list what is left on disk. */
static void finish(struct usched *s)
{
	struct uresult res[RESULTS];
	int n;
	while ((n = http_abort_all(s->http, res, RESULTS)) > 0)
		for (int i = 0; i < n; i++) {
			snprintf(res[i].f->last_error, sizeof res[i].f->last_error, "%s",
			         res[i].f->failures ? res[i].f->last_error : res[i].msg);
			uq_requeue(&s->q, res[i].f);
		}
	for (const struct ufile *f = s->q.head; f; f = f->next)
		warnmsg("left on disk: %s (%u failed attempts%s%s)", f->path, f->failures,
		        f->last_error[0] ? "; last: " : "", f->last_error);
}

static int open_dir(const char *path, int make)
{
	int fd;
	if (make && mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

int sched_run(const struct ucfg *c, struct ustats *st, const char *stats_path, int infd)
{
	static struct usched s;
	struct stats stats;
	struct rdr r;
	const char *why;
	int status, cfg_left = 0;
#define KEY(f) STATS_KEY(struct ustats, f, #f),
	static const struct stats_key keys[] = { USTATS(KEY) };
#undef KEY
	s.c = c;
	s.st = st;
	s.input_open = 1;
	s.keepfd = s.destfd = -1;
	s.now = mono_now_ns();
	s.rng = (uint64_t)s.now ^ ((uint64_t)getpid() << 32);
	uq_init(&s.q);
	stats_init(&stats, stats_path);
	stats_add_table(&stats, st, keys, STATS_NKEYS(keys));
	stats_add_str(&stats, "last_error", &st->last_error);
	st->last_error = "";
	if ((s.rootfd = open_dir(c->root, 0)) < 0)
		dieerr(EXIT_USAGE, "%s", c->root);
	if (c->keep && (s.keepfd = open_dir(c->keep, 1)) < 0)
		dieerr(EXIT_USAGE, "--keep %s", c->keep);
	if (c->mode == MODE_DIR && (s.destfd = open_dir(c->endpoint, 1)) < 0)
		dieerr(EXIT_USAGE, "--endpoint %s", c->endpoint);
	if (http_init(&s.http, c, s.rootfd, &why) < 0)
		die(EXIT_USAGE, "%s", why);
	for (int i = 0; i < c->nspool; i++)
		if (spool_scan(c->root, c->spool[i], admit_cb, &s, &why) < 0)
			dieerr(EXIT_USAGE, "--spool %s: %s", c->spool[i], why);
	if (rdr_init(&r, infd, PATH_MAX + 2) < 0)
		dieerr(EXIT_RUNTIME, "input");
	update_stats(&s);
	stats_tick(&stats, 1);
	loop(&s, &r, &stats, infd);
	finish(&s);
	s.now = mono_now_ns();
	update_stats(&s);
	st->in_flight = 0;
	stats_tick(&stats, 1);
	for (const struct ufile *f = s.q.head; f; f = f->next)
		cfg_left |= f->cfg_error;
	status = s.q.known ? (cfg_left ? EXIT_USAGE : EXIT_RUNTIME)
	       : st->refused || st->vanished ? EXIT_RUNTIME : EXIT_OK;
	http_free(s.http);
	rdr_free(&r);
	uq_free(&s.q);
	close(s.rootfd);
	if (s.keepfd >= 0)
		close(s.keepfd);
	if (s.destfd >= 0)
		close(s.destfd);
	return status;
}
