/* iotrc-kdebug — the macOS engine on the kernel's kdebug facility (the one
 * fs_usage uses; root only, works with SIP on): one process, all three
 * streams, each to its own output, in the iotrc-records(5) layout of the
 * DTrace engine. Reads the live kernel (Darwin) or a recorded file
 * (--replay, anywhere). Facts: shared/notes/macos-kdebug.md.
 *
 * Where things are, top down; a file calls only those below it
 * (tests/layers.t): this file (options, outputs, --stats, the replay
 * loop); kdebug_live_darwin.c (sysctl KERN_KDEBUG; _linux.c says no) and
 * kdebug_replay.c (recorded files); the decoder (kdebug_decode.h):
 * kdebug_decode.c (kd_new, kd_event dispatch), the event handlers
 * kdebug_sys.c, kdebug_lookup.c, kdebug_dkio.c, kdebug_ident.c, then
 * kdebug_emit.c (records), kdebug_threads.c and kdebug_fds.c (state, the
 * latter on lib/pfd), kdebug_systab.c and lib/kdtab (tables);
 * kdebug_int.h says more. */
#include "decode.h"
#include "kdebug_decode.h"
#include "kdebug_live.h"
#include "kdebug_replay.h"
#include "mono.h"
#include "optval.h"
#include "records.h"
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
"usage: iotrc-kdebug [--vfs PATH] [--io PATH] [--net PATH] [--replay FILE | --record FILE]\n"
"                    [--timebase N/D] [--wall-offset NS] [--lookup auto|tail|full]\n"
"                    [--buffer-events N] [--exclude-pid PID]... [-d DURATION]\n"
"                    [--fd-cap N] [--vnode-cap N] [--preload FILE] [--stats FILE]\n";

struct cli {
	const char *path[REC_NSTREAMS], *replay, *record, *stats, *preload;
	int has_tb, has_wall, lookup;
	uint32_t tb_numer, tb_denom;
	int64_t wall_offset;
	long buf_events;
	double duration;
	struct kd_config cfg;
};

/* A stop request is any signal caught through lib/sig (sig_caught): the
 * live loop waits in the kernel (KERN_KDBUFWAIT) and a replay may block in
 * read(2) on a silent pipe, neither of which can poll the signal pipe, so
 * both look at the count after each wait or EINTR. */
/* A crash must not leave kdebug running (kern_ktrace.c:38-40, notes §3.10).
 * The self-pipe cannot serve here: after SIGSEGV and its kind the main
 * loop never runs again, so the handler itself does the cleanup, with
 * async-signal-safe calls only (sysctl), then takes the default action. */
static void on_fatal(int sig)
{
	kd_live_stop();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void parse_timebase(const char *s, struct cli *c)
{
	if (rec_parse_timebase(s, strlen(s), &c->tb_numer, &c->tb_denom) < 0)
		usage_error(usage, "bad --timebase: %s (want NUMER/DENOM, e.g. 125/3)", s);
	c->has_tb = 1;
}

static size_t parse_cap(const char *opt, const char *s)
{
	return (size_t)opt_size(usage, opt, s, 1, 1u << 30);
}

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { OPT_VFS = 256, OPT_IO, OPT_NET, OPT_REPLAY, OPT_RECORD, OPT_TB, OPT_WALL, OPT_LOOKUP, OPT_BUF,
	       OPT_EXCL, OPT_FDCAP, OPT_VNCAP, OPT_STATS, OPT_PRELOAD };
	static const struct option lo[] = {
		{ "vfs", required_argument, 0, OPT_VFS }, { "io", required_argument, 0, OPT_IO },
		{ "net", required_argument, 0, OPT_NET }, { "replay", required_argument, 0, OPT_REPLAY },
		{ "record", required_argument, 0, OPT_RECORD }, { "timebase", required_argument, 0, OPT_TB },
		{ "wall-offset", required_argument, 0, OPT_WALL }, { "lookup", required_argument, 0, OPT_LOOKUP },
		{ "buffer-events", required_argument, 0, OPT_BUF },
		{ "exclude-pid", required_argument, 0, OPT_EXCL }, { "fd-cap", required_argument, 0, OPT_FDCAP },
		{ "vnode-cap", required_argument, 0, OPT_VNCAP }, { "stats", required_argument, 0, OPT_STATS },
		{ "preload", required_argument, 0, OPT_PRELOAD },
		{ "duration", required_argument, 0, 'd' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	uint64_t u;
	int64_t s;
	int ch;
	kd_config_defaults(&c->cfg);
	while ((ch = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (ch) {
		case OPT_VFS: c->path[REC_VFS] = optarg; break;
		case OPT_IO: c->path[REC_IO] = optarg; break;
		case OPT_NET: c->path[REC_NET] = optarg; break;
		case OPT_REPLAY: c->replay = optarg; break;
		case OPT_RECORD: c->record = optarg; break;
		case OPT_TB: parse_timebase(optarg, c); break;
		case OPT_WALL:
			if (parse_s64_n(optarg, strlen(optarg), &s) < 0)
				usage_error(usage, "bad --wall-offset: %s (nanoseconds)", optarg);
			c->wall_offset = s, c->has_wall = 1;
			break;
		case OPT_LOOKUP:
			if (strcmp(optarg, "auto") == 0)
				c->lookup = KD_LOOKUP_AUTO;
			else if (strcmp(optarg, "tail") == 0)
				c->lookup = KD_LOOKUP_TAIL;
			else if (strcmp(optarg, "full") == 0)
				c->lookup = KD_LOOKUP_FULL;
			else
				usage_error(usage, "bad --lookup: %s (auto, tail or full)", optarg);
			break;
		case OPT_BUF:
			c->buf_events = (long)opt_size(usage, "--buffer-events", optarg, 1024, INT32_MAX);
			break;
		case OPT_EXCL:
			u = opt_count(usage, "--exclude-pid", optarg, 0, INT32_MAX);
			if (c->cfg.nexclude == KD_MAXEXCLUDE)
				usage_error(usage, "too many --exclude-pid (at most %d)", KD_MAXEXCLUDE);
			c->cfg.exclude[c->cfg.nexclude++] = (int32_t)u;
			break;
		case OPT_FDCAP: c->cfg.max_fds = parse_cap("--fd-cap", optarg); break;
		case OPT_VNCAP: c->cfg.max_vnodes = parse_cap("--vnode-cap", optarg); break;
		case OPT_STATS: c->stats = optarg; break;
		case OPT_PRELOAD: c->preload = optarg; break;
		case 'd':
			/* alarm(2) takes whole seconds, rounded up */
			c->duration = (double)opt_duration(usage, "-d", optarg, 1000000,
			                                   INT64_C(1000000000) * 100000000, 0) / 1e9;
			break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage_error(usage, "unexpected argument: %s", argv[optind]);
}

static void check_args(const struct cli *c)
{
	if (!c->path[REC_VFS] && !c->path[REC_IO] && !c->path[REC_NET] && !c->record)
		usage_error(usage, "name at least one output: --vfs, --io or --net");
	if (c->replay && c->record)
		usage_error(usage, "--record saves a live trace; it cannot be used with --replay");
	for (int i = 0; i < REC_NSTREAMS; i++)
		for (int j = i + 1; j < REC_NSTREAMS; j++)
			if (c->path[i] && c->path[j] && strcmp(c->path[i], c->path[j]) == 0 &&
			    strcmp(c->path[i], "/dev/null") != 0)
				usage_error(usage, "--%s and --%s name the same output: %s",
				            rec_stream_names[i], rec_stream_names[j], c->path[i]);
}

static void open_outputs(const struct cli *c, struct obuf ob[REC_NSTREAMS], struct obuf *out[REC_NSTREAMS])
{
	for (int i = 0; i < REC_NSTREAMS; i++) {
		int fd;
		out[i] = NULL;
		if (!c->path[i])
			continue;
		if (strcmp(c->path[i], "-") == 0)
			fd = 1;
		else if ((fd = open(c->path[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
			dieerr(EXIT_RUNTIME, "%s", c->path[i]);
		ob_init(&ob[i], fd, 1u << 20);
		out[i] = &ob[i];
	}
}

static void write_headers(const struct kd_config *cfg, int has_tb, struct obuf *out[REC_NSTREAMS])
{
	struct rec_header h;
	char line[512];
	for (int i = 0; i < REC_NSTREAMS; i++) {
		if (!out[i])
			continue;
		rec_header_init(&h);
		h.stream = i, h.engine = ENG_KDEBUG, h.os = OS_DARWIN, h.clock = CLK_MACH;
		if (has_tb)
			h.tb_numer = cfg->tb_numer, h.tb_denom = cfg->tb_denom;
		h.has_wall_offset = cfg->has_wall, h.wall_offset_ns = cfg->wall_offset_ns;
		h.pid = (long)getpid();
		ob_put(out[i], line, rec_format_header(line, sizeof line, &h));
		ob_flush(out[i]);
	}
}

struct run {
	const struct cli *cli;
	struct kd_decoder *d;
	struct obuf *out[REC_NSTREAMS];
	struct stats st;
	uint64_t bytes_in, junk, wraps, bytes_out[REC_NSTREAMS];
	int out_err;
};

/* The --stats keys, in the order written (iotrc-kdebug(1)): the decoder's
 * counters, with the reader's wraps after lost_events, then our bytes. */
#define K(f, name) STATS_KEY(struct kd_stats, f, name)
static const struct stats_key kd_keys1[] = {
	K(events, "events"), K(records[REC_VFS], "records_vfs"), K(records[REC_IO], "records_io"),
	K(records[REC_NET], "records_net"), K(drops, "drops"), K(lost_events, "lost_events"),
};
static const struct stats_key kd_keys2[] = {
	K(excluded, "excluded"), K(ignored_events, "ignored_events"),
	K(syscalls_other, "syscalls_other"), K(orphan_ends, "orphan_ends"),
	K(unfinished, "unfinished"), K(lookups, "lookups"), K(lookup_orphans, "lookup_orphans"),
	K(lookup_tails, "lookup_tails"), K(lookup_partial, "lookup_partial"),
	K(lookup_rootlinks, "lookup_rootlinks"), K(lookup_settled, "lookup_settled"),
	K(lookup_ambiguous, "lookup_ambiguous"), K(shadow_exits, "shadow_exits"),
	K(path_overflow, "path_overflow"), K(io_unmatched, "io_unmatched"),
	K(io_evicted, "io_evicted"), K(threads_evicted, "threads_evicted"),
	K(procs_evicted, "procs_evicted"), K(slots_stolen, "slots_stolen"),
	K(fd_evictions, "fd_evictions"), K(vnode_evictions, "vnode_evictions"),
	K(sockinfo_ok, "sockinfo_ok"), K(sockinfo_failed, "sockinfo_failed"),
	K(hook_lookups, "hook_lookups"), K(preloaded, "preloaded"), K(preload_bad, "preload_bad"),
};
#undef K
#define R(f, name) STATS_KEY(struct run, f, name)
static const struct stats_key run_keys1[] = { R(wraps, "wraps") };
static const struct stats_key run_keys2[] = {
	R(bytes_in, "bytes_in"), R(junk, "junk_bytes"), R(bytes_out[REC_VFS], "bytes_vfs"),
	R(bytes_out[REC_IO], "bytes_io"), R(bytes_out[REC_NET], "bytes_net"),
};
#undef R

static void setup_stats(struct run *r)
{
	const struct kd_stats *k = kd_get_stats(r->d);
	stats_init(&r->st, r->cli->stats);
	stats_add_table(&r->st, k, kd_keys1, STATS_NKEYS(kd_keys1));
	stats_add_table(&r->st, r, run_keys1, STATS_NKEYS(run_keys1));
	stats_add_table(&r->st, k, kd_keys2, STATS_NKEYS(kd_keys2));
	stats_add_table(&r->st, r, run_keys2, STATS_NKEYS(run_keys2));
}

/* After each batch: flush (live), refresh and maybe write the stats.
 * Nonzero when an output failed. */
static int tick(void *ctx)
{
	struct run *r = ctx;
	r->wraps = kd_live_wraps;
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (r->out[i]) {
			if (!r->cli->replay)
				ob_flush(r->out[i]);
			r->bytes_out[i] = r->out[i]->bytes;
			if (r->out[i]->err && !r->out_err) {
				errno = r->out[i]->err;
				warnerr("--%s %s", rec_stream_names[i], r->cli->path[i]);
				r->out_err = 1;
			}
		}
	kd_get_stats(r->d);
	stats_tick(&r->st, 0);
	return r->out_err;
}

static int replay(struct run *r, struct kd_replay *rp)
{
	enum { BATCH = 4096 };
	static kd_buf ev[BATCH];
	long n;
	kd_thread_map(r->d, rp->map, rp->nmap);
	while (!sig_caught && (n = kd_replay_read(rp, ev, BATCH)) > 0) {
		for (long i = 0; i < n; i++)
			kd_event(r->d, &ev[i]);
		r->bytes_in = rp->bytes;
		if (tick(r) != 0)
			return EXIT_RUNTIME;
	}
	r->bytes_in = rp->bytes, r->junk = rp->junk;
	if (rp->err) {
		errno = rp->err;
		warnerr("%s", r->cli->replay);
		return EXIT_RUNTIME;
	}
	if (rp->junk && !rp->stopped)
		warnmsg("%s: %llu trailing bytes are not a whole 64-byte record", r->cli->replay,
		        (unsigned long long)rp->junk);
	return EXIT_OK;
}

/* Every signal whose default action ends the process is caught: live
 * tracing must be switched off on every exit path (notes §3.10 step 6).
 * Termination requests stop cleanly; core-dumping ones clean up and then
 * take their default action; SIGXFSZ (an output over `ulimit -f`) is
 * ignored, so the write fails with EFBIG and is reported as an output
 * error. Only SIGKILL and SIGSTOP cannot be caught. */
static void signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT, SIGSYS,
	                             SIGXCPU,
#ifdef SIGEMT
	                             SIGEMT,
#endif
	};
	struct sigaction sa;
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if (sig_catch(stops[i]) < 0)
			dieerr(EXIT_RUNTIME, "signals");
	if (sig_catch(SIGALRM) < 0 ||           /* -d DURATION */
	    sig_ignore(SIGPIPE) < 0 ||          /* EPIPE is an output error, handled */
	    sig_ignore(SIGXFSZ) < 0)            /* EFBIG likewise */
		dieerr(EXIT_RUNTIME, "signals");
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (sigaction(fatal[i], &sa, NULL) < 0)
			dieerr(EXIT_RUNTIME, "signals");
}

/* Where the timebase, wall clock anchor and lookup style come from:
 * options first, then the file's tag, then (timebase) this Mac's own. */
static int replay_config(struct cli *c, struct kd_replay *rp)
{
	int has_tb = 1;
	if (c->has_tb)
		c->cfg.tb_numer = c->tb_numer, c->cfg.tb_denom = c->tb_denom;
	else if (rp->has_tb)
		c->cfg.tb_numer = rp->tb_numer, c->cfg.tb_denom = rp->tb_denom;
	else if (OS_HOST == OS_DARWIN)
		mono_timebase(&c->cfg.tb_numer, &c->cfg.tb_denom);
	else
		has_tb = 0;                  /* unknown: the header leaves it out */
	c->cfg.has_wall = c->has_wall || rp->has_wall;
	c->cfg.wall_offset_ns = c->has_wall ? c->wall_offset : rp->wall_offset_ns;
	c->cfg.lookup_mode = c->lookup ? c->lookup : rp->lookup_mode;
	return has_tb;
}

/* Take kdebug; the timebase, wall clock and lookup style come from this
 * Mac. Returns 0 or an exit status. */
static int live_config(struct cli *c, struct kd_hooks *hooks)
{
	struct kd_live_opts lo;
	struct kd_live_info info;
	int status;
	memset(&lo, 0, sizeof lo);
	lo.buf_events = c->buf_events, lo.record = c->record, lo.lookup_mode = c->lookup;
	lo.exclude = c->cfg.exclude, lo.nexclude = c->cfg.nexclude;
	for (int i = 0; i < REC_NSTREAMS; i++)
		lo.want[i] = c->path[i] != NULL;
	if ((status = kd_live_start(&lo, &info)) != 0)
		return status;
	c->cfg.tb_numer = info.tb_numer, c->cfg.tb_denom = info.tb_denom;
	c->cfg.has_wall = 1, c->cfg.wall_offset_ns = info.wall_offset_ns;
	c->cfg.lookup_mode = info.lookup_mode;
	kd_live_hooks(hooks);
	if (c->duration > 0)
		alarm((unsigned)(c->duration + 0.999));
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct run r;
	struct obuf ob[REC_NSTREAMS];
	struct kd_replay rp;
	struct kd_hooks hooks;
	char err[256];
	int status, has_tb = 1, fd;
	tool_start(argv[0]);
	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	memset(&hooks, 0, sizeof hooks);
	parse_args(argc, argv, &c);
	check_args(&c);
	r.cli = &c;
	signals();
	if (c.replay) {
		kd_replay_stop_flag(&sig_caught);     /* a signal ends a wait on a silent pipe */
		fd = strcmp(c.replay, "-") == 0 ? 0 : open(c.replay, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			dieerr(EXIT_RUNTIME, "%s", c.replay);
		if (kd_replay_open(&rp, fd, err, sizeof err) < 0)
			die(EXIT_RUNTIME, "%s: %s", c.replay, err);
		has_tb = replay_config(&c, &rp);
		open_outputs(&c, ob, r.out);
	} else {
		open_outputs(&c, ob, r.out);    /* first: a FIFO may wait for its reader */
		if ((status = live_config(&c, &hooks)) != 0) {
			for (int i = 0; i < REC_NSTREAMS; i++)
				if (r.out[i])
					ob_free(r.out[i]);
			return status;
		}
	}
	write_headers(&c.cfg, has_tb, r.out);
	r.d = kd_new(&c.cfg, &hooks, r.out);
	/* live, kdebug is on by now: exiting releases it (atexit) */
	if (c.preload && kd_preload(r.d, c.preload) < 0)
		die(EXIT_USAGE, "%s: %s", c.preload,
		    errno == EINVAL ? "not a file of iotrc-snap-proc --fds" : strerror(errno));
	setup_stats(&r);
	status = c.replay ? replay(&r, &rp) : kd_live_loop(r.d, &sig_caught, tick, &r);
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (r.out[i])
			ob_flush(r.out[i]);
	tick(&r);
	stats_tick(&r.st, 1);
	if (r.out_err && status == EXIT_OK)
		status = EXIT_RUNTIME;
	kd_free(r.d);
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (r.out[i]) {
			if (r.out[i]->fd != 1 && close(r.out[i]->fd) < 0 && status == EXIT_OK) {
				warnerr("%s", c.path[i]);
				status = EXIT_RUNTIME;
			}
			ob_free(r.out[i]);
		}
	if (c.replay)
		kd_replay_close(&rp);
	return status;
}
