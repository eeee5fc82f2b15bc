/* iotrc_kdebug.c — the kdebug engine in a session. The kernel admits one
 * kdebug consumer, so one iotrc-kdebug writes every stream that has it:
 * each such pipeline starts its writer and parser (iotrc_pipe.c), keeps
 * the parser's stdin in kd_in, and the engine then gets those pipes as
 * inherited descriptors named /dev/fd/N (--vfs, --io, --net). Its
 * exclusion is of exact pids (the kernel's KDPIDEX), so it is given ours
 * and every child's running when it starts. The streams go down and come
 * back together; with engine.kdebug_replay the file's end is the engine's
 * normal end and the session stops. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exits.h"
#include "pipe.h"
#include "util.h"

/* What the child must keep across exec: the streams' pipes. */
static struct {
	int fd[ENG_NSTREAMS], n;
	intptr_t parent;
} keep;

static void kd_child(char **argv, void *arg)
{
	(void)arg;
	for (int i = 0; i < keep.n; i++)
		(void)fcntl(keep.fd[i], F_SETFD, 0);
	child_tie_to_parent(argv, (void *)keep.parent);
}

/* --exclude-pid for us and each running child, as long as argv has room
 * (pairs only: a flag without its value would be a usage error). */
static void exclude_running(const struct session *s, struct av *a)
{
	pid_t pids[64];
	int n = 0;
	pids[n++] = getpid();
	if (s->up.ch.pid > 0)
		pids[n++] = s->up.ch.pid;
	for (int i = 0; i < s->npl; i++)
		for (int j = 0; j < s->pl[i].nst && n < 64; j++)
			if (s->pl[i].st[j].running)
				pids[n++] = s->pl[i].st[j].ch.pid;
	for (int i = 0; i < n && a->n + 2 <= a->cap; i++) {
		av_add(a, "--exclude-pid");
		av_addf(a, "%llu", (unsigned long long)pids[i]);
	}
}

/* The parsers' inputs are the engine's now (or, failed, a gap on each):
 * they see end of input when it ends. */
static void close_inputs(struct session *s, int failed)
{
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].kd_in >= 0) {
			if (failed && !s->stopping)
				gap_open(s, &s->pl[i], "iotrc-kdebug", "could not start");
			close(s->pl[i].kd_in);
			s->pl[i].kd_in = -1;
		}
}

int kd_args(const struct session *s, struct av *a, const char *path, int fd[ENG_NSTREAMS])
{
	char name[32];
	int n = 0;
	av_add(a, path);
	av_add(a, "--stats");
	av_add(a, s->kd.st.stats);
	for (int i = 0; i < s->npl; i++) {
		const struct pipeline *p = &s->pl[i];
		if (!pl_kdebug(p) || p->kd_in < 0 || n == ENG_NSTREAMS)
			continue;
		fd[n++] = p->kd_in;
		snprintf(name, sizeof name, "--%s", p->rec);
		av_add(a, name);
		av_addf(a, "/dev/fd/%llu", (unsigned long long)p->kd_in);
	}
	if (s->c->kdebug_replay[0]) {
		av_add(a, "--replay");
		av_add(a, s->c->kdebug_replay);
	} else {
		av_add(a, "--buffer-events");
		av_addf(a, "%llu", (unsigned long long)s->c->kdebug_buffer);
	}
	if (s->fds[0]) {
		av_add(a, "--preload");
		av_add(a, s->fds);
	}
	exclude_running(s, a);
	a->v[a->n] = NULL;
	return n;
}

void kd_start(struct session *s)
{
	struct stage *st = &s->kd.st;
	struct av a = { st->argv, 0, PL_MAXARGS };
	char path[PATH_MAX];
	av_free(st->argv);
	keep.parent = (intptr_t)getpid();
	if (tool_path(s, "iotrc-kdebug", path, sizeof path) < 0)
		goto fail;                      /* checked at setup: gone since */
	keep.n = kd_args(s, &a, path, keep.fd);
	if (!keep.n)
		return;
	struct spawn_opts o = { .argv = st->argv, .fd = { s->devnull, s->devnull, SPAWN_INHERIT },
	                        .in_child = kd_child };
	unlink(st->stats);              /* a new run counts from 0 */
	int e = child_spawn(&st->ch, &o);
	if (e) {
		warnmsg("kdebug: %s: %s", path, strerror(e));
		goto fail;
	}
	st->running = 1;
	s->kd.ended = 0;
	if (s->c->verbosity >= 1)
		warnmsg("kdebug: started iotrc-kdebug (pid %ld) for %d stream%s", (long)st->ch.pid, keep.n,
		        keep.n == 1 ? "" : "s");
	close_inputs(s, 0);
	return;
fail:
	close_inputs(s, 1);
}

void kd_reap(struct session *s)
{
	struct stage *st = &s->kd.st;
	if (!st->running || child_reap(&st->ch) <= 0)
		return;
	char why[64];
	st->running = 0;
	child_close_fds(&st->ch);
	describe(&st->ch, why, sizeof why);
	int code = WIFEXITED(st->ch.status) ? WEXITSTATUS(st->ch.status) : -1;
	int clean = code == 0 || child_killed(&st->ch);
	int replay_end = code == 0 && s->c->kdebug_replay[0] && !st->ch.stops;
	if (s->c->verbosity >= 1 || (!clean && !s->stopping))
		warnmsg("kdebug: iotrc-kdebug (pid %ld) %s", (long)st->ch.pid, why);
	int attached = 0;
	for (int i = 0; i < s->npl; i++)
		attached |= pl_kdebug(&s->pl[i]) && s->pl[i].attached;
	int noattach = !attached && (code == EXIT_USAGE || (code >= EXIT_NOATTACH && code < EXIT_NCODES));
	if (noattach) {
		const struct exit_info *x = exit_info(code);
		warnmsg("kdebug: the engine cannot attach: %s", x ? x->why : why);
	}
	if (replay_end) {
		s->kd.ended = 1;
		if (s->c->verbosity >= 1)
			warnmsg("kdebug: the replayed file %s ended", s->c->kdebug_replay);
	}
	for (int i = 0; i < s->npl; i++) {
		struct pipeline *p = &s->pl[i];
		if (!pl_kdebug(p) || p->disabled)
			continue;
		if (noattach) {
			const struct exit_info *x = exit_info(code);
			snprintf(p->why_off, sizeof p->why_off, "%s", x ? x->why : why);
			p->disabled = 1;
		} else if (!s->stopping && !replay_end)
			gap_open(s, p, st->tool, why);
	}
}

int kd_restart(struct session *s, int64_t now)
{
	int due = 0;
	for (int i = 0; i < s->npl; i++) {
		const struct pipeline *p = &s->pl[i];
		if (!pl_kdebug(p) || p->disabled)
			continue;
		if (p->up)
			return 0;
		due |= p->restart_at && now >= p->restart_at;
	}
	if (!due || s->kd.st.running || s->stopping || s->kd.ended)
		return 0;
	for (int i = 0; i < s->npl; i++) {
		struct pipeline *p = &s->pl[i];
		if (pl_kdebug(p) && !p->disabled)
			pl_start(s, p);
	}
	kd_start(s);
	for (int i = 0; i < s->npl; i++)  /* the gaps end when the engine runs again */
		if (s->kd.st.running && pl_kdebug(&s->pl[i]) && !s->pl[i].disabled)
			pl_gap_close(s, &s->pl[i]);
	return 1;
}
