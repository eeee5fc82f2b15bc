/* iotrc-snap-fs — a snapshot of the files under each root as the
 * io-tracer `filesystem_snapshot` CSV (iotrc-snap-fs(1)): once, or with
 * --every one pass per period, start to start. Layers: sfs.h. */
#include "sfs.h"
#include "anon.h"
#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: iotrc-snap-fs [-avx] [--all-fs] [--include-fs TYPE[,TYPE...]] [--anon-key FILE]\n"
"                     [--every SECONDS] [--max-seconds SECONDS] [--max-depth N]\n"
"                     [--max-dirs N] [--stats FILE] [ROOT ...]\n";

#define NS_PER_S 1000000000LL
#define MAX_INCLUDE 32

struct cli {
	struct walk_opts o;
	const char *keyfile, *stats;
	const char *include[MAX_INCLUDE + 1];
	int64_t every_ns, max_ns;
	const char *const *roots;
	size_t nroots;
};

static void add_include(struct cli *c, char *list)
{
	size_t n = 0;
	while (c->include[n])
		n++;
	for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
		if (n == MAX_INCLUDE)
			usage_error(usage, "too many --include-fs types (at most %d)", MAX_INCLUDE);
		c->include[n++] = t;
	}
}

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_KEY = 256, O_EVERY, O_MAXS, O_DEPTH, O_DIRS, O_STATS, O_ALL, O_INCL };
	static const struct option lo[] = {
		{ "anonymize", no_argument, 0, 'a' }, { "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' }, { "one-file-system", no_argument, 0, 'x' },
		{ "all-fs", no_argument, 0, O_ALL }, { "include-fs", required_argument, 0, O_INCL },
		{ "anon-key", required_argument, 0, O_KEY }, { "every", required_argument, 0, O_EVERY },
		{ "max-seconds", required_argument, 0, O_MAXS },
		{ "max-depth", required_argument, 0, O_DEPTH }, { "max-dirs", required_argument, 0, O_DIRS },
		{ "stats", required_argument, 0, O_STATS }, { 0, 0, 0, 0 },
	};
	static const char *const slash[] = { "/", NULL };
	int ch;
	c->o.max_depth = 4096, c->o.max_dirs = 4u << 20, c->o.deadline = LOOP_NEVER;
	c->o.include_fs = c->include;
	while ((ch = getopt_long(argc, argv, "avxh", lo, NULL)) != -1) {
		switch (ch) {
		case 'a': c->o.anon = 1; break;
		case 'v': c->o.verbose = 1; break;
		case 'x': c->o.one_fs = 1; break;
		case 'h': fputs(usage, stdout); exit(0);
		case O_ALL: c->o.all_fs = 1; break;
		case O_INCL: add_include(c, optarg); break;
		case O_KEY: c->keyfile = optarg; break;
		case O_EVERY:
			c->every_ns = opt_duration(usage, "--every", optarg, NS_PER_S, 30 * 86400 * NS_PER_S, 0);
			break;
		case O_MAXS:
			c->max_ns = opt_duration(usage, "--max-seconds", optarg, NS_PER_S / 10,
			                         30 * 86400 * NS_PER_S, 0);
			break;
		case O_DEPTH: c->o.max_depth = opt_count(usage, "--max-depth", optarg, 1, 65536); break;
		case O_DIRS: c->o.max_dirs = opt_count(usage, "--max-dirs", optarg, 1024, 1u << 30); break;
		case O_STATS: c->stats = optarg; break;
		default: fputs(usage, stderr); exit(EXIT_USAGE);
		}
	}
	for (int i = optind; i < argc; i++)
		if (!argv[i][0])
			usage_error(usage, "an empty ROOT");
	c->roots = optind < argc ? (const char *const *)argv + optind : slash;
	c->nroots = optind < argc ? (size_t)(argc - optind) : 1;
}

static void setup(struct cli *c)
{
	char err[1200];
	if (c->o.anon && anon_setup(c->keyfile, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s", err);
	sig_watch_parent();     /* iotrc SIGKILLed: stop as on SIGTERM (lib/sig.h) */
	if (sig_ignore(SIGPIPE) < 0 || sig_catch_unless_ignored(SIGINT) < 0 ||
	    sig_catch_unless_ignored(SIGTERM) < 0)
		dieerr(EXIT_RUNTIME, "signals");
	c->o.stop_fd = sig_fd();
}

/* Every few hundred entries of a long walk: the counters, once a second. */
/* During a pass (every 512 entries) and between passes: the stats, and
 * whether our parent is gone (then a SIGTERM comes through the pipe and
 * the pass stops as on a signal). */
static void tick(void *ctx)
{
	stats_tick(ctx, 0);
	(void)sig_parent_gone();
}

int main(int argc, char **argv)
{
	static struct cli c;
	static struct walker w;
	struct obuf out;
	struct stats st;
#define KEY(f, key) STATS_KEY(struct walk_stats, f, key),
	static const struct stats_key keys[] = { WALK_STATS(KEY) };
#undef KEY
	int why;
	setprogname_(argv[0]);
	parse_args(argc, argv, &c);
	setup(&c);
	c.o.tick = tick, c.o.tick_ctx = &st;
	ob_init(&out, 1, 1u << 20);
	walk_init(&w, &c.o, &out);
	stats_init(&st, c.stats);
	stats_add_table(&st, &w.st, keys, STATS_NKEYS(keys));
	stats_add_str(&st, "stopped_at", (const char *const *)&w.stopped_at);
	row_header(&out);
	for (;;) {
		int64_t start = mono_now_ns();
		uint64_t rows = w.st.rows;
		w.o.deadline = c.max_ns ? start + c.max_ns : LOOP_NEVER;
		why = walk_pass(&w, c.roots, c.nroots);
		ob_flush(&out);
		if (why != WALK_DONE)
			warnmsg("stopped (%s) in %s after %llu files; the rows written are whole",
			        why == WALK_STOPPED_SIGNAL ? "signal" : "--max-seconds", w.stopped_at,
			        (unsigned long long)(w.st.rows - rows));
		stats_tick(&st, 1);
		if (out.err || why == WALK_STOPPED_SIGNAL || !c.every_ns)
			break;
		/* start to start (an overrun starts at once), waking each second
		 * to see that our parent still runs */
		int r = 0;
		while (r == 0 && mono_now_ns() < start + c.every_ns) {
			int64_t until = mono_now_ns() + 1000000000LL;
			r = loop_sleep(until < start + c.every_ns ? until : start + c.every_ns, sig_fd());
			if (r == 0 && sig_parent_gone())
				r = 1;
		}
		if (r != 0)
			break;
	}
	while (sig_next() > 0)
		;
	ob_flush(&out);
	stats_tick(&st, 1);
	if (out.err)
		die(EXIT_RUNTIME, "stdout: %s", strerror(out.err));
	if (c.o.verbose)
		warnmsg("%llu passes, %llu files, %llu directories, %llu unreadable, %llu mounts skipped",
		        (unsigned long long)w.st.passes, (unsigned long long)w.st.rows,
		        (unsigned long long)w.st.dirs, (unsigned long long)w.st.dirs_unreadable,
		        (unsigned long long)w.st.mounts_skipped);
	walk_free(&w);
	ob_free(&out);
	return w.st.root_errors ? EXIT_RUNTIME : 0;
}
