/* iotrc-snap-proc — snapshots of every process as the io-tracer
 * `process` CSV (iotrc-snap-proc(1)): one, after measuring the 5 s CPU
 * window, or with --every one per period, the CPU windows measured from
 * samples taken every second. Layers: sproc.h. */
#include "sproc.h"
#include "anon.h"
#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "proc.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: iotrc-snap-proc [-av] [--anon-key FILE] [--every SECONDS] [--window SECONDS]\n"
"                       [--max-procs N] [--cmdline-max SIZE] [--fds FILE] [--stats FILE]\n";

#define NS_PER_S 1000000000LL
#define SAMPLE_NS NS_PER_S          /* the sampler's period (upstream: 1 s) */

/* The counters, with their --stats keys in the order written
 * (iotrc-snap-proc(1)). */
#define SPSTATS(X) \
	X(snapshots, "snapshots") X(rows, "rows_written") X(gone, "skipped_gone") \
	X(denied, "skipped_denied") X(scans, "samples") X(list_errors, "list_errors") \
	X(tracked, "procs_tracked") X(tracked_max, "procs_tracked_max") \
	X(evicted, "procs_evicted") X(reused, "pid_reused") X(cmdline_cut, "cmdline_cut") \
	X(fd_procs, "fds_procs") X(fds, "fds_written") X(fd_cwds, "fds_cwds") \
	X(fd_denied, "fds_denied") X(fd_gone, "fds_gone")
struct spstats {
#define SPSTATS_FIELD(f, key) uint64_t f;
	SPSTATS(SPSTATS_FIELD)
#undef SPSTATS_FIELD
};

struct cli {
	int anon, verbose;
	const char *keyfile, *stats, *fds;
	int64_t every_ns;               /* 0: one snapshot */
	int64_t window_ns;              /* the short window (cpu_5s) */
	uint64_t max_procs, cmd_max;
};

struct snap {
	struct cli *c;
	struct hist_tab hist;
	struct sp_pids pids;
	struct obuf out;
	struct row_ctx row;
	struct spstats st;
};

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_KEY = 256, O_EVERY, O_WINDOW, O_MAXP, O_CMDMAX, O_FDS, O_STATS };
	static const struct option lo[] = {
		{ "anonymize", no_argument, 0, 'a' }, { "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' }, { "anon-key", required_argument, 0, O_KEY },
		{ "every", required_argument, 0, O_EVERY }, { "window", required_argument, 0, O_WINDOW },
		{ "max-procs", required_argument, 0, O_MAXP },
		{ "cmdline-max", required_argument, 0, O_CMDMAX },
		{ "fds", required_argument, 0, O_FDS }, { "stats", required_argument, 0, O_STATS },
		{ 0, 0, 0, 0 },
	};
	int ch;
	c->window_ns = 5 * NS_PER_S, c->max_procs = 16384, c->cmd_max = 256 * 1024;
	while ((ch = getopt_long(argc, argv, "avh", lo, NULL)) != -1) {
		switch (ch) {
		case 'a': c->anon = 1; break;
		case 'v': c->verbose = 1; break;
		case 'h': fputs(usage, stdout); exit(0);
		case O_KEY: c->keyfile = optarg; break;
		case O_EVERY:
			c->every_ns = opt_duration(usage, "--every", optarg, NS_PER_S, 7 * 86400 * NS_PER_S, 0);
			break;
		case O_WINDOW:
			c->window_ns = opt_duration(usage, "--window", optarg, NS_PER_S, 60 * NS_PER_S, 0);
			break;
		case O_MAXP: c->max_procs = opt_count(usage, "--max-procs", optarg, 64, 1u << 22); break;
		case O_CMDMAX: c->cmd_max = opt_size(usage, "--cmdline-max", optarg, 4096, 1u << 20); break;
		case O_FDS: c->fds = optarg; break;
		case O_STATS: c->stats = optarg; break;
		default: fputs(usage, stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage_error(usage, "too many arguments");
	if (c->every_ns && c->every_ns < c->window_ns)
		usage_error(usage, "--every must be at least --window");
}

static void setup(struct snap *s)
{
	char err[1200];
	if (s->c->anon && anon_setup(s->c->keyfile, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s", err);
	sig_watch_parent();     /* iotrc SIGKILLed: stop as on SIGTERM (lib/sig.h) */
	if (sig_ignore(SIGPIPE) < 0 || sig_catch_unless_ignored(SIGINT) < 0 ||
	    sig_catch_unless_ignored(SIGTERM) < 0)
		dieerr(EXIT_RUNTIME, "signals");
	if (sp_init() < 0)
		dieerr(EXIT_RUNTIME, "cannot read the process table");
	hist_init(&s->hist, s->c->max_procs);
	ob_init(&s->out, 1, 256 * 1024);
	walltz_init(&s->row.tz);
	s->row.out = &s->out;
	s->row.anon = s->c->anon;
	s->row.windows[0] = s->c->window_ns;
	s->row.windows[1] = 120 * NS_PER_S;
	s->row.windows[2] = 3600 * NS_PER_S;
	s->row.cmd_cap = s->c->cmd_max + 1;
	s->row.cmd = xmalloc(s->row.cmd_cap);
}

/* One process of a snapshot: its argument vector, then the row. */
static void snap_row(struct snap *s, const struct sp_proc *p, const struct hist *hp)
{
	size_t arg0 = 0;
	long n = proc_args((pid_t)p->pid, s->row.cmd, s->row.cmd_cap, &arg0);
	if (n >= 0 && (size_t)n == s->row.cmd_cap - 1)
		s->row.cmdline_cut++;
	row_write(&s->row, &s->hist, hp, p, s->row.cmd, n, arg0);
	s->st.rows++;
}

/* Sample every process's CPU time; with full, also write its row. */
static void scan(struct snap *s, int full)
{
	struct wallfmt wf;
	struct sp_proc p;
	if (sp_list(&s->pids) < 0) {
		s->st.list_errors++;
		warnerr("cannot list processes");
		return;
	}
	hist_scan_begin(&s->hist, mono_now_ns());
	s->st.scans++;
	if (full) {
		s->row.mono_ns = mono_now_ns();
		wall_init(&wf);
		wall_fmt_ms(&wf, wall_now_ns(), s->row.ts);
	}
	for (size_t i = 0; i < s->pids.n; i++) {
		const struct hist *hp = NULL;
		int k = sp_read(s->pids.v[i], &p, full);
		if (k != SP_OK) {
			if (full)
				*(k == SP_DENIED ? &s->st.denied : &s->st.gone) += 1;
			continue;
		}
		if (!p.no_task)
			hp = hist_add(&s->hist, p.pid, p.start_id, mono_now_ns(), p.cpu_ns);
		if (full)
			snap_row(s, &p, hp);
	}
	hist_scan_end(&s->hist);
	if (full) {
		s->st.snapshots++;
		ob_flush(&s->out);
	}
}

static void refresh_counts(struct snap *s)
{
	s->st.tracked = hist_count(&s->hist);
	s->st.tracked_max = s->hist.st.tracked_max;
	s->st.evicted = s->hist.st.evicted;
	s->st.reused = s->hist.st.pid_reused;
	s->st.cmdline_cut = s->row.cmdline_cut;
}

/* The --fds side file, once, at the first scan: temp name, fsync, rename. */
static void write_fds(struct snap *s)
{
	char tmp[4200];
	struct obuf o;
	struct fds_stats fs = { 0 };
	int fd;
	snprintf(tmp, sizeof tmp, "%s.tmp", s->c->fds);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		dieerr(EXIT_RUNTIME, "%s", tmp);
	ob_init(&o, fd, 256 * 1024);
	fds_header(&o, mono_now_ns(), wall_now_ns());
	for (size_t i = 0; i < s->pids.n; i++)
		fds_process(&o, s->pids.v[i], &fs);
	if (ob_flush(&o) < 0 || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, s->c->fds) < 0) {
		int e = o.err ? o.err : errno;
		unlink(tmp);
		die(EXIT_RUNTIME, "%s: %s", s->c->fds, strerror(e));
	}
	ob_free(&o);
	s->st.fd_procs = fs.procs, s->st.fds = fs.fds, s->st.fd_cwds = fs.cwds;
	s->st.fd_denied = fs.denied, s->st.fd_gone = fs.gone;
}

/* Sample every second; a snapshot when one is due. A signal stops us;
 * a one-shot run stopped before its window snapshots what it has (the
 * windows not yet covered are empty). */
static void run(struct snap *s, struct stats *st)
{
	int64_t t0 = mono_now_ns(), next_sample = t0, next_snap = t0 + s->c->window_ns, now;
	int stop = 0;
	for (;;) {
		now = mono_now_ns();
		if (now >= next_snap || (stop && !s->st.snapshots)) {
			scan(s, 1);
			if (!s->c->every_ns || stop)
				break;
			next_snap += s->c->every_ns;
			if (next_snap <= now)       /* overran: start-to-start, at once */
				next_snap = now;
			next_sample = mono_now_ns() + SAMPLE_NS;
		} else if (now >= next_sample) {
			scan(s, 0);
			if (s->st.scans == 1 && s->c->fds)
				write_fds(s);
			while (next_sample <= now)
				next_sample += SAMPLE_NS;
		}
		if (s->out.err || stop)
			break;
		refresh_counts(s);
		stats_tick(st, 0);
		if (loop_sleep(next_sample < next_snap ? next_sample : next_snap, sig_fd()) > 0)
			while (sig_next() > 0)
				stop = 1;
		if (sig_parent_gone())      /* samples come each second: so does this */
			stop = 1;
	}
}

int main(int argc, char **argv)
{
	static struct cli c;
	static struct snap s;
	struct stats st;
#define KEY(f, key) STATS_KEY(struct spstats, f, key),
	static const struct stats_key keys[] = { SPSTATS(KEY) };
#undef KEY
	setprogname_(argv[0]);
	parse_args(argc, argv, &c);
	s.c = &c;
	setup(&s);
	stats_init(&st, c.stats);
	stats_add_table(&st, &s.st, keys, STATS_NKEYS(keys));
	row_header(&s.out);
	ob_flush(&s.out);
	run(&s, &st);
	ob_flush(&s.out);
	refresh_counts(&s);
	stats_tick(&st, 1);
	if (s.out.err)
		die(EXIT_RUNTIME, "stdout: %s", strerror(s.out.err));
	if (c.verbose)
		warnmsg("%llu snapshots, %llu rows, %llu exited, %llu denied",
		        (unsigned long long)s.st.snapshots, (unsigned long long)s.st.rows,
		        (unsigned long long)s.st.gone, (unsigned long long)s.st.denied);
	hist_free(&s.hist);
	sp_pids_free(&s.pids);
	ob_free(&s.out);
	free(s.row.cmd);
	return 0;
}
