/* iotrc_run.c — one session: the folder (<root>/<YYYYMMDD_HHMMSS_mmm>,
 * 0700, the family's subfolders), the pipelines, the uploader, the loop
 * that reaps and restarts children and forwards finished paths, and the
 * shutdown: engines first (they drain), filters reach end of input,
 * writers announce their last files, manifest rewritten, uploader drained
 * within upload.drain (a second ^C skips the drain). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "pipe.h"
#include "schema.h"
#include "sig.h"
#include "util.h"

#define NS 1000000000LL

static const struct { const char *label, *rec; size_t on; } engine_streams[] = {
	{ "fs", "vfs", offsetof(struct conf, fs) },
	{ "block", "io", offsetof(struct conf, block) },
	{ "nw_conn", "net", offsetof(struct conf, nw_conn) },
};

static void find_bindir(struct session *s, const char *self)
{
	const char *sl = strrchr(self, '/');
	if (s->c->bin_dir[0])
		snprintf(s->bindir, sizeof s->bindir, "%s", s->c->bin_dir);
	else if (sl)
		snprintf(s->bindir, sizeof s->bindir, "%.*s", (int)(sl - self), self);
	else {          /* found on PATH: the first folder holding it */
		const char *path = getenv("PATH");
		char cand[PATH_MAX];
		snprintf(s->bindir, sizeof s->bindir, "/usr/local/bin");
		for (const char *p = path ? path : ""; *p;) {
			size_t n = strcspn(p, ":");
			snprintf(cand, sizeof cand, "%.*s/%s", (int)n, p, self);
			if (n && access(cand, X_OK) == 0) {
				snprintf(s->bindir, sizeof s->bindir, "%.*s", (int)n, p);
				break;
			}
			p += n + (p[n] == ':');
		}
	}
}

static void make_dirs(struct session *s)
{
	const char *root = session_root(s->c);
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(s->stamp, sizeof s->stamp, "%Y%m%d_%H%M%S", &tm);
	snprintf(s->stamp + strlen(s->stamp), sizeof s->stamp - strlen(s->stamp), "_%03ld",
	         ts.tv_nsec / 1000000);
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		dieerr(EXIT_RUNTIME, "%s", root);
	/* absolute and resolved, as the writers print their paths and the
	 * uploader checks them (on macOS /tmp is /private/tmp) */
	char *real = realpath(root, NULL);
	if (!real)
		dieerr(EXIT_RUNTIME, "%s", root);
	int rn = snprintf(s->root, sizeof s->root, "%s", real);
	free(real);
	if (rn >= (int)sizeof s->root - 64)
		die(EXIT_USAGE, "%s: output root too long", root);
	if (snprintf(s->dir, sizeof s->dir, "%s/%s", s->root, s->stamp) >= (int)sizeof s->dir - 64)
		die(EXIT_USAGE, "%s: output root too long", root);
	/* a fresh name: an existing one (planted or a twin) is refused */
	if (mkdir(s->dir, 0700) < 0)
		dieerr(EXIT_RUNTIME, "%s", s->dir);
	int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		dieerr(EXIT_RUNTIME, "%s", s->dir);
	for (size_t i = 0; i < schema_nstreams; i++)
		if (mkdirat(dfd, schema_streams[i].name, 0700) < 0 && errno != EEXIST)
			dieerr(EXIT_RUNTIME, "%s/%s", s->dir, schema_streams[i].name);
	if (mkdirat(dfd, "system_spec", 0700) < 0 || mkdirat(dfd, ".iotrc", 0700) < 0)
		dieerr(EXIT_RUNTIME, "%s", s->dir);
	close(dfd);
	if (snprintf(s->ctl, sizeof s->ctl, "%s/.iotrc", s->dir) >= (int)sizeof s->ctl)
		die(EXIT_USAGE, "%s: too long", s->dir);
	char pidf[PATH_MAX + 8], b[32];
	snprintf(pidf, sizeof pidf, "%s/pid", s->ctl);
	int fd = open(pidf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
	if (fd < 0 || write_all(fd, b, (size_t)n) < 0 || close(fd) < 0)
		dieerr(EXIT_RUNTIME, "%s", pidf);
}

static struct pipeline *add_pipeline(struct session *s, const char *label, const char *rec,
                                     const char *producer, int engine)
{
	struct pipeline *p = &s->pl[s->npl++];
	memset(p, 0, sizeof *p);
	p->label = label;
	p->rec = rec;
	p->wfd = -1;
	p->gap = -1;
	p->kd_in = -1;
	const char *tools[3] = { "iotrc-launch", "iotrc-parse", "iotrc-write" };
	if (engine == ENG_KDEBUG)
		tools[0] = "iotrc-kdebug";
	if (!rec) {
		tools[0] = producer;
		tools[1] = "iotrc-write";
	}
	p->nst = rec ? 3 : 2;
	for (int i = 0; i < p->nst; i++) {
		p->st[i].tool = tools[i];
		p->st[i].ch.pid = -1;
		if (snprintf(p->st[i].stats, sizeof p->st[i].stats, "%s/%s-%s.stats", s->ctl,
		             tools[i] + 6, label) >= (int)sizeof p->st[i].stats)
			die(EXIT_USAGE, "%s: too long", s->ctl);
	}
	if (engine == ENG_KDEBUG)          /* one engine, one stats file */
		snprintf(p->st[0].stats, sizeof p->st[0].stats, "%s", s->kd.st.stats);
	char path[PATH_MAX];
	for (int i = 0; i < p->nst; i++)
		if (tool_path(s, tools[i], path, sizeof path) < 0) {
			p->disabled = 1;
			if (snprintf(p->why_off, sizeof p->why_off, "%s is not installed in %s",
			             tools[i], s->bindir) >= (int)sizeof p->why_off)
				snprintf(p->why_off, sizeof p->why_off, "%s is not installed", tools[i]);
			warnmsg("%s: %s", label, p->why_off);
			break;
		}
	return p;
}

/* Wait for a started child (at most limit_ns, then stopped); its wait
 * status. */
static int wait_child(struct child *ch, int64_t limit_ns)
{
	int64_t end = mono_now_ns() + limit_ns;
	while (!child_reap(ch)) {
		int64_t now = mono_now_ns();
		if (now >= end && !ch->stops)
			child_stop(ch, now, 2 * NS);
		else
			(void)child_stop_due(ch, now, 2 * NS);
		(void)loop_sleep(now + NS / 50, -1);
	}
	ch->pid = -1;
	return ch->status;
}

/* Start argv, stdout and stdin on /dev/null: 0, or an errno. */
static int start_child(struct session *s, struct child *ch, char **argv)
{
	struct spawn_opts o = { .argv = argv, .fd = { s->devnull, s->devnull, SPAWN_INHERIT },
	                        .in_child = child_tie_to_parent,
	                        .arg = (void *)(intptr_t)getpid() };
	return child_spawn(ch, &o);
}

/* Run argv to its end (at most limit_ns, then stopped), stdout and
 * stdin on /dev/null; its wait status, or -1 if it could not start. */
static int run_child(struct session *s, struct child *ch, char **argv, int64_t limit_ns)
{
	int e = start_child(s, ch, argv);
	if (e) {
		warnmsg("%s: %s", argv[0], strerror(e));
		return -1;
	}
	return wait_child(ch, limit_ns);
}

/* engine: auto on macOS asks iotrc-launch --check whether DTrace attaches;
 * iotrc_engine.c decides. */
static void choose_engine(struct session *s)
{
	int check[ENG_NSTREAMS] = { 0 };
#ifdef __APPLE__
	const int macos = 1;
#else
	const int macos = 0;
#endif
	/* iotrc-launch --check STREAM, per stream (fs, block, nw_conn are
	 * the records' vfs, io, net): SIP withholds io:::start alone */
	static const char *const rec_name[ENG_NSTREAMS] = { "vfs", "io", "net" };
	for (int i = 0; macos && s->c->engine == ENG_AUTO && i < ENG_NSTREAMS; i++) {
		char path[PATH_MAX];
		char *argv[] = { path, "--check", "-k", "dtrace", (char *)rec_name[i], NULL };
		struct child ch;
		int st = EXIT_NOENGINE;
		if (tool_path(s, "iotrc-launch", path, sizeof path) == 0)
			st = run_child(s, &ch, argv, 30 * NS);
		check[i] = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_RUNTIME;
	}
	engine_decide(s->c->engine, macos, check, &s->eng);
}

/* What engine traces each stream and why, once: one line when all agree. */
static void say_engines(const struct session *s)
{
	const struct pipeline *first = NULL;
	int same = 1;
	for (int i = 0; i < s->npl; i++) {
		const struct pipeline *p = &s->pl[i];
		if (!p->rec)
			continue;
		if (!first)
			first = p;
		same &= p->engine == first->engine && !strcmp(p->engine_why, first->engine_why);
	}
	if (first && same)
		warnmsg("engine %s (%s)", conf_engine_name(first->engine), first->engine_why);
	else
		for (int i = 0; i < s->npl; i++)
			if (s->pl[i].rec)
				warnmsg("%s: engine %s (%s)", s->pl[i].label, conf_engine_name(s->pl[i].engine),
				        s->pl[i].engine_why);
}

/* upload.keep, or for dev ROOT.delivered: delivered files move there */
static void keep_dir(struct session *s)
{
	if (s->c->upload == UP_NONE)
		return;
	int n = 0;
	if (s->c->keep[0])
		n = snprintf(s->keep, sizeof s->keep, "%s", s->c->keep);
	else if (s->cl->dev)
		n = snprintf(s->keep, sizeof s->keep, "%s.delivered", s->root);
	if (n < 0 || n >= (int)sizeof s->keep)
		die(EXIT_USAGE, "upload.keep: too long");
}

static void setup(struct session *s)
{
	make_dirs(s);
	s->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (s->devnull < 0)
		dieerr(EXIT_RUNTIME, "/dev/null");
	choose_engine(s);
	s->kd.st.tool = "iotrc-kdebug";
	s->kd.st.ch.pid = -1;
	if (snprintf(s->kd.st.stats, sizeof s->kd.st.stats, "%s/kdebug.stats", s->ctl) >=
	    (int)sizeof s->kd.st.stats)
		die(EXIT_USAGE, "%s: too long", s->ctl);
	for (size_t i = 0; i < ENG_NSTREAMS; i++) {
		if (!*(const int *)((const char *)s->c + engine_streams[i].on))
			continue;
		struct pipeline *p = add_pipeline(s, engine_streams[i].label, engine_streams[i].rec, NULL,
		                                  s->eng.engine[i]);
		p->engine = s->eng.engine[i];
		p->engine_why = s->eng.why[i];
	}
	if (s->c->proc_every)
		add_pipeline(s, "process", NULL, "iotrc-snap-proc", 0);
	if (s->c->fs_every)
		add_pipeline(s, "filesystem_snapshot", NULL, "iotrc-snap-fs", 0);
	keep_dir(s);
	up_init(s);
	warnmsg("session %s, streams:%s%s%s", s->dir,
	        s->c->fs ? " fs" : "", s->c->block ? " block" : "", s->c->nw_conn ? " nw_conn" : "");
	say_engines(s);
}

/* Finished paths from a writer: counted, logged, passed on whole. */
static void forward(struct session *s, struct pipeline *p)
{
	for (;;) {
		ssize_t n = read(p->wfd, p->line + p->nline, sizeof p->line - 1 - p->nline);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(p->wfd);
				p->wfd = -1;
			}
			return;
		}
		p->nline += (size_t)n;
		char *nl;
		while ((nl = memchr(p->line, '\n', p->nline))) {
			size_t len = (size_t)(nl - p->line) + 1;
			if (s->c->verbosity >= 2)
				warnmsg("%s: finished %.*s", p->label, (int)len - 1, p->line);
			up_send(s, p->line, len);
			memmove(p->line, nl + 1, p->nline - len);
			p->nline -= len;
		}
		if (p->nline == sizeof p->line - 1)
			p->nline = 0;           /* no path is this long: drop it */
	}
}

static void reap(struct session *s, int64_t now)
{
	kd_reap(s);
	for (int i = 0; i < s->npl; i++) {
		struct pipeline *p = &s->pl[i];
		for (int j = 0; j < p->nst; j++)
			if (p->st[j].running && child_reap(&p->st[j].ch) > 0)
				pl_exited(s, p, j);
		int any = 0;
		for (int j = 0; j < p->nst; j++)
			any |= p->st[j].running;
		if (p->up && !any) {
			if (p->wfd >= 0)
				forward(s, p);
			pl_down(s, p, now);
		}
	}
	up_reap(s, now);
}

static void tick(struct session *s, int64_t now)
{
	up_tick(s, now);
	status_tick(s, now, 0);
	for (int i = 0; i < s->npl; i++) {
		struct pipeline *p = &s->pl[i];
		if (p->up && p->rec && !p->attached &&
		    stats_read_key(p->st[0].stats, pl_kdebug(p) ? "events" : "probes") > 0) {
			p->attached = 1;
			if (s->c->verbosity >= 1)
				warnmsg("%s: attached", p->label);
		}
		if (!pl_kdebug(p) && !p->up && !p->disabled && !s->stopping && p->restart_at &&
		    now >= p->restart_at) {
			pl_start(s, p);
			pl_gap_close(s, p);
		}
		for (int j = 0; j < p->nst; j++)
			if (p->st[j].running && child_stop_due(&p->st[j].ch, now, 5 * NS))
				warnmsg("%s: %s slow to stop, sent signal %d", p->label, p->st[j].tool,
				        p->st[j].ch.sent);
	}
	(void)kd_restart(s, now);
	if (s->kd.st.running && child_stop_due(&s->kd.st.ch, now, 5 * NS))
		warnmsg("kdebug: iotrc-kdebug slow to stop, sent signal %d", s->kd.st.ch.sent);
}

static void begin_stop(struct session *s, int64_t now)
{
	if (!s->stopping && s->c->verbosity >= 1)
		warnmsg("stopping");
	s->stopping = 1;
	kd_stop(s, now, 10 * NS);
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].st[0].running && !s->pl[i].st[0].ch.stops)
			child_stop(&s->pl[i].st[0].ch, now, 10 * NS);
}

static int all_down(const struct session *s)
{
	if (s->kd.st.running)
		return 0;
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].up)
			return 0;
	return 1;
}

void sess_wait(struct session *s, int64_t deadline)
{
	struct loop l;
	int idx[PL_MAX];
	loop_begin(&l);
	int is = loop_add(&l, sig_fd(), POLLIN);
	int iu = loop_add(&l, s->up.out, POLLIN);
	for (int i = 0; i < s->npl; i++)
		idx[i] = loop_add(&l, s->pl[i].wfd, POLLIN);
	loop_until(&l, deadline);
	loop_until(&l, mono_now_ns() + NS / 4);
	if (loop_wait(&l) < 0 && errno != EINTR)
		dieerr(EXIT_RUNTIME, "poll");
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].wfd >= 0 && loop_ready(&l, idx[i]))
			forward(s, &s->pl[i]);
	if (s->up.out >= 0 && loop_ready(&l, iu))
		up_read(s);
	if (loop_ready(&l, is)) {
		int sig;
		while ((sig = sig_next()))
			if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
				if (s->stopping)
					s->interrupts++;
				begin_stop(s, mono_now_ns());
			}
	}
}

/* The descriptor snapshot for the file system stream's --preload:
 * iotrc-snap-proc --fds into .iotrc/fds (0600; its CSV discarded), started
 * here and awaited by fds_wait, so it runs beside iotrc-snap-sys. */
static int fds_start(struct session *s, struct child *ch)
{
	char path[PATH_MAX], file[PATH_MAX + 8];
	char *argv[8] = { 0 };
	struct av a = { argv, 0, 7 };
	int want = 0;
	for (int i = 0; i < s->npl; i++)
		want |= s->pl[i].rec && !strcmp(s->pl[i].rec, "vfs") && !s->pl[i].disabled;
	if (!want)
		return -1;
	if (tool_path(s, "iotrc-snap-proc", path, sizeof path) < 0) {
		warnmsg("fs: iotrc-snap-proc is not installed in %s; no descriptor snapshot, no --preload",
		        s->bindir);
		return -1;
	}
	snprintf(file, sizeof file, "%s/fds", s->ctl);
	av_add(&a, path);
	av_add(&a, "--window");
	av_add(&a, "1");
	av_add(&a, "--fds");
	av_add(&a, file);
	int e = start_child(s, ch, argv);
	av_free(argv);
	if (e) {
		warnmsg("fs: iotrc-snap-proc: %s; no descriptor snapshot, no --preload", strerror(e));
		return -1;
	}
	return 0;
}

static void fds_wait(struct session *s, struct child *ch)
{
	char file[PATH_MAX + 8];
	struct stat sb;
	(void)wait_child(ch, 30 * NS);
	snprintf(file, sizeof file, "%s/fds", s->ctl);
	if (ch->status != 0 || stat(file, &sb) < 0) {
		char why[64];
		describe(ch, why, sizeof why);
		warnmsg("fs: the descriptor snapshot failed (iotrc-snap-proc --fds %s); carrying on without --preload",
		        why);
		return;
	}
	snprintf(s->fds, sizeof s->fds, "%s", file);
	if (s->c->verbosity >= 1)
		warnmsg("fs: descriptor snapshot %s", file);
}

/* iotrc-snap-sys writes system_spec/ first, within 30 s; its files go to
 * the uploader. */
static void snap_sys(struct session *s)
{
	char path[PATH_MAX], dir[PATH_MAX + 16];
	char *argv[8] = { 0 };
	struct av a = { argv, 0, 7 };
	if (tool_path(s, "iotrc-snap-sys", path, sizeof path) < 0) {
		warnmsg("system_spec: iotrc-snap-sys is not installed in %s", s->bindir);
		return;
	}
	snprintf(dir, sizeof dir, "%s/system_spec", s->dir);
	av_add(&a, path);
	anon_args(s->c, &a);
	av_add(&a, dir);
	struct child ch;
	int st = run_child(s, &ch, argv, 30 * NS);
	av_free(argv);
	if (st < 0)
		return;
	if (st != 0)
		warnmsg("system_spec: iotrc-snap-sys %s %d", WIFSIGNALED(st) ? "killed by signal" : "exit",
		        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	else if (s->c->verbosity >= 1)
		warnmsg("system_spec: written");
	up_send_dir(s, "system_spec");
}

/* Engine pipelines (still enabled, if enabled_only): a session of
 * snapshots alone has none, and is no failure. */
static int engines(const struct session *s, int enabled_only)
{
	int n = 0;
	for (int i = 0; i < s->npl; i++)
		n += s->pl[i].rec && (!enabled_only || !s->pl[i].disabled);
	return n;
}

/* After the writers' last files: give them upload.drain (none after a
 * second interrupt), write the final manifest, send it too, and let the
 * uploader end (cut at the deadline, or at once on an interrupt). */
static void finish_upload(struct session *s, int64_t deadline)
{
	struct uploader *u = &s->up;
	while (u->ch.pid > 0 && !s->interrupts && u->delivered < s->files_sent &&
	       mono_now_ns() < deadline) {
		sess_wait(s, deadline);
		up_reap(s, mono_now_ns());
	}
	s->stop_wall = wall_now_ns();
	s->offset_end = s->stop_wall - mono_now_ns();
	if (manifest_write(s) < 0)
		warnerr("%s/manifest.json", s->dir);
	up_close(s, !s->interrupts);
	int64_t last = deadline > mono_now_ns() + 5 * NS ? deadline : mono_now_ns() + 5 * NS;
	while (u->ch.pid > 0) {
		int64_t now = mono_now_ns();
		if ((s->interrupts || now >= last) && !u->ch.stops)
			up_cut(u);
		else if (child_stop_due(&u->ch, now, 2 * NS) && u->ch.sent == SIGKILL)
			warnmsg("upload: iotrc-upload slow to stop, killed");
		sess_wait(s, u->ch.stops ? child_deadline(&u->ch) : last);
		up_reap(s, mono_now_ns());
	}
	if (s->files_sent > u->delivered)
		warnmsg("upload: %llu file%s not delivered; they stay in %s for the next start",
		        (unsigned long long)(s->files_sent - u->delivered),
		        s->files_sent - u->delivered == 1 ? "" : "s", s->dir);
}

int run_session(const struct conf *c, const struct cli *cl, const char *self)
{
	static struct session s;
	s.c = c;
	s.cl = cl;
	find_bindir(&s, self);
	s.tty = isatty(2);
	if (s.tty)
		msg_lead = "\r\033[K";   /* a message replaces the status line */
	umask(077);
	if (sig_init() < 0 || sig_catch(SIGCHLD) < 0 || sig_catch(SIGINT) < 0 ||
	    sig_catch(SIGTERM) < 0 || sig_catch(SIGHUP) < 0 || sig_ignore(SIGPIPE) < 0)
		dieerr(EXIT_RUNTIME, "signals");
	setup(&s);
	s.start_wall = wall_now_ns();
	s.start_mono = mono_now_ns();
	s.offset_start = s.start_wall - s.start_mono;
	if (manifest_write(&s) < 0)
		warnerr("%s/manifest.json", s.dir);
	up_start(&s);
	struct child fch;
	int fds = fds_start(&s, &fch);
	snap_sys(&s);
	if (fds == 0)
		fds_wait(&s, &fch);
	for (int pass = 0; pass < 2; pass++)   /* filters' pids first, then engines see them */
		for (int i = 0; i < s.npl; i++)
			if (!s.pl[i].disabled && (pass == 0) == !s.pl[i].rec)
				pl_start(&s, &s.pl[i]);
	kd_start(&s);                   /* last: it excludes every child's pid */
	s.fds[0] = 0;                   /* a restart does not preload a stale snapshot */
	int64_t end = cl->duration_ns ? s.start_mono + cl->duration_ns : LOOP_NEVER;
	while (!s.stopping || !all_down(&s)) {
		sess_wait(&s, end);
		int64_t now = mono_now_ns();
		reap(&s, now);
		tick(&s, now);
		if (!s.stopping && (now >= end || s.kd.ended || (engines(&s, 0) && !engines(&s, 1))))
			begin_stop(&s, now);
	}
	finish_upload(&s, mono_now_ns() + (s.interrupts ? 0 : c->upload_drain));
	status_tick(&s, mono_now_ns(), 1);
	char pidf[PATH_MAX + 8];
	snprintf(pidf, sizeof pidf, "%s/pid", s.ctl);
	(void)unlink(pidf);             /* over: the next start may resume its files */
	int attached = 0;
	for (int i = 0; i < s.npl; i++)
		attached |= s.pl[i].rec && s.pl[i].sum.records + s.pl[i].attached > 0;
	warnmsg("session %s done", s.dir);
	if (!engines(&s, 0) || attached)
		return EXIT_OK;
	return engines(&s, 1) ? EXIT_OK : EXIT_RUNTIME;   /* stopped before attaching: no failure */
}

