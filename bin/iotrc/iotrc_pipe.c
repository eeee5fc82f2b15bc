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

uint64_t stats_read_key(const char *path, const char *key)
{
	char buf[4096];
	size_t kl = strlen(key);
	uint64_t v = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ' ') {
			char *e = strchr(l, '\n');
			if (parse_u64_n(l + kl + 1, e ? (size_t)(e - l - kl - 1) : strlen(l + kl + 1), &v) == 0)
				return v;
		}
	return 0;
}

/* ---- argv ---- */

struct av {
	char **v;
	int n;
};
static void arg(struct av *a, const char *s)
{
	if (a->n < PL_MAXARGS)
		a->v[a->n++] = xstrdup(s);
}
static void argf(struct av *a, const char *fmt, unsigned long long v)
{
	char b[32];
	snprintf(b, sizeof b, fmt, v);
	arg(a, b);
}

static void free_argv(struct stage *st)
{
	for (int i = 0; st->argv[i]; i++) {
		free(st->argv[i]);
		st->argv[i] = NULL;
	}
}

static void writer_args(struct session *s, struct pipeline *p, struct av *a)
{
	const struct conf *c = s->c;
	char b[PATH_MAX + 32];
	snprintf(b, sizeof b, "%s/%s", s->dir, p->label);
	arg(a, "-d");
	arg(a, b);
	arg(a, "-p");
	arg(a, p->label);
	arg(a, "-r");
	argf(a, "%llu", c->max_rows);
	arg(a, "-a");
	argf(a, "%llus", (unsigned long long)(c->max_age / NS));
	arg(a, "-s");
	argf(a, "%llu", c->max_bytes);
	arg(a, "-l");
	argf(a, "%llu", c->level);
}

static void producer_args(struct session *s, struct pipeline *p, struct av *a)
{
	const struct conf *c = s->c;
	if (!p->rec) {          /* a snapshotter */
		int fs = !strcmp(p->label, "filesystem_snapshot");
		char b[32];
		if (fs)
			for (int i = 0; i < c->nfs_roots; i++)
				arg(a, c->fs_roots[i]);
		arg(a, "--every");
		snprintf(b, sizeof b, "%llds", (long long)((fs ? c->fs_every : c->proc_every) / NS));
		arg(a, b);
		return;
	}
	if (c->anonymize)
		arg(a, "-a");
	if (c->anonymize && c->anon_key[0]) {
		arg(a, "--anon-key");
		arg(a, c->anon_key);
	}
	arg(a, p->rec);
}

/* The pipeline's own filters: iotrc-launch excludes at most two pids
 * (its engine scripts take two), and these two do the most I/O for the
 * stream they feed; the supervisor itself and other pipelines' filters
 * are not excluded (see iotrc(1) BUGS). */
static void exclude_args(struct pipeline *p, struct av *a)
{
	for (int j = 1; j < p->nst; j++)
		if (p->st[j].running) {
			arg(a, "-x");
			argf(a, "%llu", (unsigned long long)p->st[j].ch.pid);
		}
}

static void build(struct session *s, struct pipeline *p, int i)
{
	struct stage *st = &p->st[i];
	struct av a = { st->argv, 0 };
	char path[PATH_MAX];
	free_argv(st);
	(void)tool_path(s, st->tool, path, sizeof path);  /* checked at setup */
	arg(&a, path);
	arg(&a, "--stats");
	arg(&a, st->stats);
	if (!strcmp(st->tool, "iotrc-write"))
		writer_args(s, p, &a);
	else if (!strcmp(st->tool, "iotrc-launch")) {
		arg(&a, "--after-sleep");
		arg(&a, conf_after_sleep_name(s->c->after_sleep));
		arg(&a, "-k");
		arg(&a, s->engine_name);
		exclude_args(p, &a);
		arg(&a, p->rec);
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
	for (int i = w - 1; i >= 0; i--) {
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
	return;
fail:
	for (int i = 0; i < p->nst; i++)
		if (p->st[i].running)
			child_stop(&p->st[i].ch, mono_now_ns(), 2 * NS);
}

/* ---- exits ---- */

static void describe(const struct child *ch, char *out, size_t cap)
{
	if (WIFSIGNALED(ch->status))
		snprintf(out, cap, "killed by signal %d", WTERMSIG(ch->status));
	else
		snprintf(out, cap, "exit %d", WEXITSTATUS(ch->status));
}

static void gap_open(struct session *s, struct pipeline *p, const char *tool, const char *why)
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
	} else if (!s->stopping && !p->disabled)
		gap_open(s, p, st->tool, why);
	/* the rest of the pipeline follows: the engine drains, filters see EOF */
	if (p->st[0].running && !p->st[0].ch.stops)
		child_stop(&p->st[0].ch, now, 5 * NS);
}

void pl_counts(const struct pipeline *p, struct plsum *o)
{
	*o = p->sum;
	int w = p->nst - 1;
	if (p->rec) {
		o->drops += stats_read_key(p->st[0].stats, "drops");
		o->records += stats_read_key(p->st[0].stats, "records");
		o->rows_parsed += stats_read_key(p->st[1].stats, "rows_written");
		o->malformed += stats_read_key(p->st[1].stats, "malformed");
	}
	o->rows_written += stats_read_key(p->st[w].stats, "rows_written");
	o->files += stats_read_key(p->st[w].stats, "files_finished");
}

void pl_down(struct session *s, struct pipeline *p, int64_t now)
{
	pl_counts(p, &p->sum);
	for (int i = 0; i < p->nst; i++)
		unlink(p->st[i].stats);
	if (p->wfd >= 0)
		close(p->wfd);
	p->wfd = -1;
	p->up = 0;
	p->down_since = now;
	if (s->stopping || p->disabled)
		return;
	/* restarts in the last minute, against the cap */
	unsigned n = 0;
	for (unsigned i = 0; i < 8 && i < p->nrestarts; i++)
		n += now - p->recent[i] < 60 * NS;
	if (n >= s->c->restart_max || n >= 8) {
		p->disabled = 1;
		snprintf(p->why_off, sizeof p->why_off, "restarted %u times in a minute; given up", n);
		warnmsg("%s: %s", p->label, p->why_off);
		return;
	}
	int64_t backoff = (int64_t)NS << (n < 5 ? n : 5);  /* 1, 2, 4 ... 32 s */
	p->restart_at = now + backoff;
	p->recent[p->nrestarts++ % 8] = now;
}

void pl_gap_close(struct session *s, struct pipeline *p)
{
	if (p->gap >= 0)
		s->gaps[p->gap].end = wall_now_ns();
	p->gap = -1;
}
