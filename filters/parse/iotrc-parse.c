/* iotrc-parse — engine records (iotrc-records(5)) on stdin to the stream's
 * io-tracer CSV (iotrc-schema(7)) on stdout. See iotrc-parse(1).
 *
 * Where things are, top down; a file calls only those below it
 * (tests/layers.t): this file (options, the read loop, signals, --stats);
 * parse_line.c (headers, the record prefix, exclusions, dispatch to a
 * stream); parse_vfs.c, parse_io.c, parse_net.c (one stream's rows);
 * parse_core.c (parser state, clocks, the cell writers). Descriptor and
 * process state is lib/pfd (shared with iotrc-kdebug); parse.h declares
 * the rest. */
#include "anon.h"
#include "exits.h"
#include "loop.h"
#include "optval.h"
#include "parse.h"
#include "rdr.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include "decode.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
"usage: iotrc-parse [-av] [--anon-key FILE] [--exclude-pid PID]... [--stats FILE]\n"
"                   [--timebase N/D] [--os darwin|linux] [--no-lookup]\n"
"                   [--fd-cap N] [--cmdline-cap N] [--preload FILE] vfs|io|net\n";

/* SIGINT/SIGTERM (through lib/sig's pipe): the engine upstream is
 * draining its buffers, so keep reading until end of input, but no longer
 * than DRAIN_SECS. A signal ignored at start (a background job of a shell)
 * stays ignored. */
#define DRAIN_SECS 5
#define IDLE_MS 250
static void setup_signals(void)
{
	if (sig_ignore(SIGPIPE) < 0 || sig_catch_unless_ignored(SIGINT) < 0 ||
	    sig_catch_unless_ignored(SIGTERM) < 0)
		dieerr(EXIT_RUNTIME, "signals");
}

struct cli {
	struct parser_opts o;
	const char *stats, *keyfile, *preload;
	long exclude[256];
};

static void parse_timebase(const char *s, struct parser_opts *o)
{
	if (rec_parse_timebase(s, strlen(s), &o->tb_numer, &o->tb_denom) < 0)
		usage_error(usage, "bad --timebase: %s (want NUMER/DENOM, e.g. 125/3)", s);
}

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_KEY = 256, O_EXCL, O_STATS, O_TB, O_OS, O_NOLOOK, O_FDCAP, O_CMDCAP, O_PRELOAD };
	static const struct option lo[] = {
		{ "anonymize", no_argument, 0, 'a' }, { "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' }, { "anon-key", required_argument, 0, O_KEY },
		{ "exclude-pid", required_argument, 0, O_EXCL }, { "stats", required_argument, 0, O_STATS },
		{ "timebase", required_argument, 0, O_TB }, { "os", required_argument, 0, O_OS },
		{ "no-lookup", no_argument, 0, O_NOLOOK }, { "fd-cap", required_argument, 0, O_FDCAP },
		{ "cmdline-cap", required_argument, 0, O_CMDCAP },
		{ "preload", required_argument, 0, O_PRELOAD }, { 0, 0, 0, 0 },
	};
	uint64_t u;
	int ch;
	c->o.os = -1, c->o.lookups = 1, c->o.fd_cap = 1u << 20, c->o.cmd_cap = 65536;
	c->o.exclude = c->exclude, c->o.outfd = 1;
	while ((ch = getopt_long(argc, argv, "avh", lo, NULL)) != -1) {
		switch (ch) {
		case 'a': c->o.anon = 1; break;
		case 'v': c->o.verbose = 1; break;
		case 'h': fputs(usage, stdout); exit(0);
		case O_KEY: c->keyfile = optarg; break;
		case O_EXCL:
			u = opt_count(usage, "--exclude-pid", optarg, 0, UINT32_MAX);
			if (c->o.nexclude == sizeof c->exclude / sizeof c->exclude[0])
				usage_error(usage, "too many --exclude-pid (at most 256)");
			c->exclude[c->o.nexclude++] = (long)u;
			break;
		case O_STATS: c->stats = optarg; break;
		case O_TB: parse_timebase(optarg, &c->o); break;
		case O_OS:
			if ((c->o.os = os_from_name(optarg, strlen(optarg))) < 0)
				usage_error(usage, "bad --os: %s (darwin or linux)", optarg);
			break;
		case O_NOLOOK: c->o.lookups = 0; break;
		case O_PRELOAD: c->preload = optarg; break;
		case O_FDCAP: case O_CMDCAP:
			u = opt_count(usage, ch == O_FDCAP ? "--fd-cap" : "--cmdline-cap", optarg, 16, 100000000);
			*(ch == O_FDCAP ? &c->o.fd_cap : &c->o.cmd_cap) = (size_t)u;
			break;
		default: fputs(usage, stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage_error(usage, optind == argc ? "missing stream" : "too many arguments");
	if ((c->o.stream = rec_stream_from_name(argv[optind], strlen(argv[optind]))) < 0)
		usage_error(usage, "unknown stream: %s (vfs, io or net)", argv[optind]);
}

static void setup_anon(struct cli *c)
{
	char err[1200];
	if (c->o.anon && anon_setup(c->keyfile, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s", err);
}

static void add_stats(struct stats *s, struct parser *p, struct rdr *r)
{
	static const struct stats_key rdr_keys[] = {
		STATS_KEY(struct rdr, too_long, "too_long"), STATS_KEY(struct rdr, bytes, "bytes_in"),
	};
#define KEY(f, key) STATS_KEY(struct pstats, f, key),
	static const struct stats_key pstats_keys[] = { PSTATS(KEY) };
#undef KEY
	stats_add_table(s, &p->st, pstats_keys, STATS_NKEYS(pstats_keys));
	stats_add_table(s, r, rdr_keys, STATS_NKEYS(rdr_keys));
}

static void refresh_counts(struct parser *p)
{
	struct pfd_stats ps;
	pfd_get_stats(p->pfd, &ps);
	p->st.fd_entries = ps.fd_entries;
	p->st.fd_evictions = ps.fd_evictions;
	p->st.cwd_evictions = ps.cwd_evictions;
	p->st.fd_lookups = ps.hook_lookups;
	p->st.fd_misses = ps.misses;
	p->st.cmdline_evictions = fdmap_evictions(p->cmds);
}

int main(int argc, char **argv)
{
	static struct cli c;
	struct parser p;
	struct rdr r;
	struct stats st;
	char *line;
	size_t n;
	int k, stop = 0;
	time_t drain_until = 0;
	tool_start(argv[0]);
	parse_args(argc, argv, &c);
	setup_anon(&c);
	setup_signals();
	parser_init(&p, &c.o);
	if (c.preload && pfd_preload(p.pfd, c.preload, &p.st.preloaded, &p.st.preload_bad) < 0)
		die(EXIT_USAGE, "%s: %s", c.preload,
		    errno == EINVAL ? "not a file of iotrc-snap-proc --fds" : strerror(errno));
	rdr_init(&r, 0, 256 * 1024);
	stats_init(&st, c.stats);
	add_stats(&st, &p, &r);
	parser_header_row(&p);
	while (p.out.err == 0) {
		while (sig_next() > 0)
			stop = 1;
		if (stop && !drain_until)
			drain_until = time(NULL) + DRAIN_SECS;
		if (drain_until && time(NULL) >= drain_until)
			break;
		k = loop_rdr_next(&r, &line, &n, IDLE_MS, sig_fd());  /* idle: flush rows, tick stats */
		if (k == RDR_LINE)
			parser_line(&p, line, n);
		else if (k == RDR_EOF)
			break;
		else if (k == RDR_ERR) {
			ob_flush(&p.out);              /* the rows parsed so far */
			die(EXIT_RUNTIME, "stdin: %s", strerror(r.err));
		}
		else                              /* idle: push out what we have */
			ob_flush(&p.out);
		if (c.stats && (k != RDR_LINE || (p.st.records & 4095) == 0)) {
			refresh_counts(&p);
			stats_tick(&st, 0);
		}
	}
	ob_flush(&p.out);
	refresh_counts(&p);
	stats_tick(&st, 1);
	if (p.out.err)
		die(EXIT_RUNTIME, "stdout: %s", strerror(p.out.err));
	if (c.o.verbose || p.st.malformed)
		warnmsg("%llu records, %llu rows, %llu malformed, %llu over-long lines",
		        (unsigned long long)p.st.records, (unsigned long long)p.st.rows,
		        (unsigned long long)p.st.malformed, (unsigned long long)r.too_long);
	parser_free(&p);
	rdr_free(&r);
	return 0;
}
