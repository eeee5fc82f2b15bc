/* iotrc_pipe.c — start, watch and restart one pipeline. The writer starts
 * first, then the producer, then the engine, so the engine can exclude
 * every filter's pid (iotrc-launch -x; scripts/trace-fs does the same).
 * One death takes the whole pipeline down in order: the engine is stopped
 * (it drains), the parser and writer read end of input and finish their
 * files (a writer's recovery keeps every flushed row, write(1)); then it
 * restarts after a backoff, at most restart_max times a minute, and the
 * gap between is recorded for the manifest. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exits.h"
#include "mono.h"
#include "pipe.h"
#include "util.h"

#define NS 1000000000LL

int tool_path(const struct session *s, const char *tool, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", s->bindir, tool);
	return n > 0 && (size_t)n < cap && access(out, X_OK) == 0 ? 0 : -1;
}

/* The value of key in a --stats file (read into buf), up to its end of
 * line; NULL if none. */
static const char *stats_value(const char *path, const char *key, char *buf, size_t cap, size_t *len)
{
	size_t kl = strlen(key);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, cap - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	for (char *l = buf; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ' ') {
			*len = strcspn(l + kl + 1, "\n");
			return l + kl + 1;
		}
	return NULL;
}

uint64_t stats_read_key(const char *path, const char *key)
{
	char buf[4096];
	size_t n;
	uint64_t v;
	const char *s = stats_value(path, key, buf, sizeof buf, &n);
	return s && parse_u64_n(s, n, &v) == 0 ? v : 0;
}

void stats_read_str(const char *path, const char *key, char *out, size_t cap)
{
	char buf[4096];
	size_t n;
	const char *s = stats_value(path, key, buf, sizeof buf, &n);
	snprintf(out, cap, "%.*s", s ? (int)n : 0, s ? s : "");
}

/* ---- argv ---- */

void av_add(struct av *a, const char *s)
{
	if (a->n < a->cap)
		a->v[a->n++] = xstrdup(s);
}

void av_addf(struct av *a, const char *fmt, unsigned long long v)
{
	char b[32];
	snprintf(b, sizeof b, fmt, v);
	av_add(a, b);
}

void av_free(char **v)
{
	for (int i = 0; v[i]; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

static void writer_args(struct session *s, struct pipeline *p, struct av *a)
{
	const struct conf *c = s->c;
	char b[PATH_MAX + 32];
	snprintf(b, sizeof b, "%s/%s", s->dir, p->label);
	av_add(a, "-d");
	av_add(a, b);
	av_add(a, "-p");
	av_add(a, p->label);
	av_add(a, "-r");
	av_addf(a, "%llu", c->max_rows);
	av_add(a, "-a");
	av_addf(a, "%llus", (unsigned long long)(c->max_age / NS));
	av_add(a, "-s");
	av_addf(a, "%llu", c->max_bytes);
	av_add(a, "-l");
	av_addf(a, "%llu", c->level);
}

void anon_args(const struct conf *c, struct av *a)
{
	if (c->anonymize)
		av_add(a, "-a");
	if (c->anonymize && c->anon_key[0]) {
		av_add(a, "--anon-key");
		av_add(a, c->anon_key);
	}
}

static void producer_args(struct session *s, struct pipeline *p, struct av *a)
{
	const struct conf *c = s->c;
	anon_args(c, a);
	if (!p->rec) {          /* a snapshotter */
		int fs = !strcmp(p->label, "filesystem_snapshot");
		char b[32];
		if (fs)
			for (int i = 0; i < c->nfs_roots; i++)
				av_add(a, c->fs_roots[i]);
		av_add(a, "--every");
		snprintf(b, sizeof b, "%llds", (long long)((fs ? c->fs_every : c->proc_every) / NS));
		av_add(a, b);
		return;
	}
	if (!c->live_lookup)
		av_add(a, "--no-lookup");
	if (s->fds[0] && !strcmp(p->rec, "vfs")) {
		av_add(a, "--preload");
		av_add(a, s->fds);
	}
	av_add(a, p->rec);
}

/* The supervisor's own pid: iotrc-launch -x excludes a pid and all its
 * descendants, so every filter, snapshotter and the uploader too. */
static void exclude_args(struct av *a)
{
	av_add(a, "-x");
	av_addf(a, "%llu", (unsigned long long)getpid());
}

static void build(struct session *s, struct pipeline *p, int i)
{
	struct stage *st = &p->st[i];
	struct av a = { st->argv, 0, PL_MAXARGS };
	char path[PATH_MAX];
	av_free(st->argv);
	(void)tool_path(s, st->tool, path, sizeof path);  /* checked at setup */
	av_add(&a, path);
	av_add(&a, "--stats");
	av_add(&a, st->stats);
	if (!strcmp(st->tool, "iotrc-write"))
		writer_args(s, p, &a);
	else if (!strcmp(st->tool, "iotrc-launch")) {
		av_add(&a, "--after-sleep");
		av_add(&a, conf_after_sleep_name(s->c->after_sleep));
		av_add(&a, "-k");
		av_add(&a, conf_engine_name(p->engine));
		exclude_args(&a);
		if (s->c->engine_buffer) {
			av_add(&a, "--buffer");
			av_addf(&a, "%llu", (unsigned long long)s->c->engine_buffer);
		}
		av_add(&a, p->rec);
	} else
		producer_args(s, p, &a);
	st->argv[a.n] = NULL;
}

/* ---- start ---- */

static int spawn_stage(struct session *s, struct pipeline *p, int i, int in, int out)
{
	struct stage *st = &p->st[i];
	struct spawn_opts o = { .argv = st->argv, .fd = { in, out, SPAWN_INHERIT },
	                        .in_child = child_tie_to_parent,
	                        .arg = (void *)(intptr_t)getpid() };
	build(s, p, i);
	unlink(st->stats);              /* a new run counts from 0 */
	int e = child_spawn(&st->ch, &o);
	if (e) {
		warnmsg("%s: %s: %s", p->label, st->argv[0], strerror(e));
		return -1;
	}
	st->running = 1;
	if (s->c->verbosity >= 1)
		warnmsg("%s: started %s (pid %ld)", p->label, st->tool, (long)st->ch.pid);
	return 0;
}

void pl_start(struct session *s, struct pipeline *p)
{
	int w = p->nst - 1;
	p->run_start = mono_now_ns();
	p->up = 1;
	p->attached = 0;
	p->nline = 0;
	/* writer: stdin a pipe (our end feeds the producer), stdout to us */
	if (spawn_stage(s, p, w, SPAWN_PIPE, SPAWN_PIPE) < 0)
		goto fail;
	p->wfd = p->st[w].ch.fd[1];
	p->st[w].ch.fd[1] = -1;
	(void)fcntl(p->wfd, F_SETFL, fcntl(p->wfd, F_GETFL) | O_NONBLOCK);
	int next_in = p->st[w].ch.fd[0];
	p->st[w].ch.fd[0] = -1;
	int last = pl_kdebug(p);        /* kdebug: kd_start runs the engine */
	for (int i = w - 1; i >= last; i--) {
		int in = i == 0 ? s->devnull : SPAWN_PIPE;
		int rc = spawn_stage(s, p, i, in, next_in);
		close(next_in);
		next_in = -1;
		if (rc < 0)
			goto fail;
		if (i > 0) {
			next_in = p->st[i].ch.fd[0];
			p->st[i].ch.fd[0] = -1;
		}
	}
	p->kd_in = next_in;
	return;
fail:
	for (int i = 0; i < p->nst; i++)
		if (p->st[i].running)
			child_stop(&p->st[i].ch, mono_now_ns(), 2 * NS);
}

/* ---- exits ---- */

int pl_kdebug(const struct pipeline *p)
{
	return p->rec && p->engine == ENG_KDEBUG;
}

/* The kdebug engine is shared: a filter's death stops it (iotrc_kdebug.c
 * starts and reaps it). */
void kd_stop(struct session *s, int64_t now, int64_t grace)
{
	if (s->kd.st.running && !s->kd.st.ch.stops)
		child_stop(&s->kd.st.ch, now, grace);
}

void describe(const struct child *ch, char *out, size_t cap)
{
	if (WIFSIGNALED(ch->status))
		snprintf(out, cap, "killed by signal %d", WTERMSIG(ch->status));
	else
		snprintf(out, cap, "exit %d", WEXITSTATUS(ch->status));
}

void gap_open(struct session *s, struct pipeline *p, const char *tool, const char *why)
{
	if (p->gap >= 0 || s->ngaps == GAP_MAX)
		return;
	struct gap *g = &s->gaps[s->ngaps];
	g->label = p->label;
	g->start = wall_now_ns();
	g->end = 0;
	snprintf(g->cause, sizeof g->cause, "%s %s", tool, why);
	p->gap = s->ngaps++;
}

void pl_exited(struct session *s, struct pipeline *p, int i)
{
	struct stage *st = &p->st[i];
	char why[64];
	int64_t now = mono_now_ns();
	st->running = 0;
	child_close_fds(&st->ch);
	describe(&st->ch, why, sizeof why);
	int code = WIFEXITED(st->ch.status) ? WEXITSTATUS(st->ch.status) : -1;
	int clean = code == 0 || child_killed(&st->ch);
	if (s->c->verbosity >= 1 || (!clean && !s->stopping))
		warnmsg("%s: %s (pid %ld) %s", p->label, st->tool, (long)st->ch.pid, why);
	if (i == 0 && p->rec && !p->attached &&
	    (code == EXIT_USAGE || (code >= EXIT_NOATTACH && code < EXIT_NCODES))) {
		const struct exit_info *x = exit_info(code);
		snprintf(p->why_off, sizeof p->why_off, "%s", x ? x->why : why);
		p->disabled = 1;
		warnmsg("%s: the engine cannot attach: %s", p->label, p->why_off);
	} else if (!s->stopping && !p->disabled && !(pl_kdebug(p) && code == 0))
		gap_open(s, p, st->tool, why);  /* kdebug filters end cleanly when the engine does: kd_reap's */
	/* the rest of the pipeline follows: the engine drains, filters see EOF */
	if (pl_kdebug(p)) {             /* a clean end follows the engine's */
		if (code != 0)
			kd_stop(s, now, 5 * NS);
	} else if (p->st[0].running && !p->st[0].ch.stops)
		child_stop(&p->st[0].ch, now, 5 * NS);
}

void pl_counts(const struct pipeline *p, struct plsum *o)
{
	*o = p->sum;
	int w = p->nst - 1;
	if (p->rec) {
		char key[32] = "records";
		if (pl_kdebug(p))
			snprintf(key, sizeof key, "records_%s", p->rec);
		o->drops += stats_read_key(p->st[0].stats, "drops");
		o->records += stats_read_key(p->st[0].stats, key);
		o->rows_parsed += stats_read_key(p->st[1].stats, "rows_written");
		o->malformed += stats_read_key(p->st[1].stats, "malformed");
	}
	o->rows_written += stats_read_key(p->st[w].stats, "rows_written");
	o->files += stats_read_key(p->st[w].stats, "files_finished");
}

void pl_down(struct session *s, struct pipeline *p, int64_t now)
{
	pl_counts(p, &p->sum);
	for (int i = pl_kdebug(p); i < p->nst; i++)   /* kdebug's is shared: kd_start's */
		unlink(p->st[i].stats);
	if (p->kd_in >= 0)
		close(p->kd_in);
	p->kd_in = -1;
	if (p->wfd >= 0)
		close(p->wfd);
	p->wfd = -1;
	p->up = 0;
	p->down_since = now;
	if (s->stopping || p->disabled)
		return;
	int64_t at = restart_after(p->recent, &p->nrestarts, s->c->restart_max, now);
	if (at < 0) {
		p->disabled = 1;
		snprintf(p->why_off, sizeof p->why_off, "restarted too often in a minute; given up");
		warnmsg("%s: %s", p->label, p->why_off);
		return;
	}
	p->restart_at = at;
}

int64_t restart_after(int64_t recent[8], unsigned *nrestarts, uint64_t cap, int64_t now)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 8 && i < *nrestarts; i++)
		n += now - recent[i] < 60 * NS;
	if (n >= cap || n >= 8)
		return -1;
	recent[(*nrestarts)++ % 8] = now;
	return now + ((int64_t)NS << (n < 5 ? n : 5));   /* 1, 2, 4 ... 32 s */
}

void pl_gap_close(struct session *s, struct pipeline *p)
{
	if (p->gap >= 0)
		s->gaps[p->gap].end = wall_now_ns();
	p->gap = -1;
}
