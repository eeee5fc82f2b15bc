/* iotrc-kdebug — the macOS engine on the kernel's kdebug facility (the one
 * fs_usage uses; root only, works with SIP on): one process, all three
 * streams, each to its own output, in the iotrc-records(5) layout of the
 * DTrace engine. Reads the live kernel (Darwin) or a recorded file
 * (--replay, anywhere). Facts: shared/notes/macos-kdebug.md. */
#include "decode.h"
#include "kdebug_decode.h"
#include "kdebug_live.h"
#include "kdebug_replay.h"
#include "mono.h"
#include "records.h"
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
"                    [--fd-cap N] [--vnode-cap N] [--stats FILE]\n";

struct cli {
	const char *path[REC_NSTREAMS], *replay, *record, *stats;
	int has_tb, has_wall, lookup;
	uint32_t tb_numer, tb_denom;
	int64_t wall_offset;
	long buf_events;
	double duration;
	struct kd_config cfg;
};

static volatile sig_atomic_t stop;
static void on_stop(int sig) { (void)sig; stop = 1; }
static void on_alarm(int sig) { (void)sig; stop = 1; }

/* A crash must not leave kdebug running (kern_ktrace.c:38-40, notes §3.10). */
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
	uint64_t u;
	if (parse_size(s, &u) < 0 || u < 1 || u > (1u << 30))
		usage_error(usage, "bad %s: %s", opt, s);
	return (size_t)u;
}

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { OPT_VFS = 256, OPT_IO, OPT_NET, OPT_REPLAY, OPT_RECORD, OPT_TB, OPT_WALL, OPT_LOOKUP, OPT_BUF,
	       OPT_EXCL, OPT_FDCAP, OPT_VNCAP, OPT_STATS };
	static const struct option lo[] = {
		{ "vfs", required_argument, 0, OPT_VFS }, { "io", required_argument, 0, OPT_IO },
		{ "net", required_argument, 0, OPT_NET }, { "replay", required_argument, 0, OPT_REPLAY },
		{ "record", required_argument, 0, OPT_RECORD }, { "timebase", required_argument, 0, OPT_TB },
		{ "wall-offset", required_argument, 0, OPT_WALL }, { "lookup", required_argument, 0, OPT_LOOKUP },
		{ "buffer-events", required_argument, 0, OPT_BUF },
		{ "exclude-pid", required_argument, 0, OPT_EXCL }, { "fd-cap", required_argument, 0, OPT_FDCAP },
		{ "vnode-cap", required_argument, 0, OPT_VNCAP }, { "stats", required_argument, 0, OPT_STATS },
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
			if (parse_size(optarg, &u) < 0 || u < 1024 || u > INT32_MAX)
				usage_error(usage, "bad --buffer-events: %s (1024 to 2^31-1)", optarg);
			c->buf_events = (long)u;
			break;
		case OPT_EXCL:
			if (parse_u64(optarg, &u) < 0 || u > INT32_MAX)
				usage_error(usage, "bad --exclude-pid: %s", optarg);
			if (c->cfg.nexclude == KD_MAXEXCLUDE)
				usage_error(usage, "too many --exclude-pid (at most %d)", KD_MAXEXCLUDE);
			c->cfg.exclude[c->cfg.nexclude++] = (int32_t)u;
			break;
		case OPT_FDCAP: c->cfg.max_fds = parse_cap("--fd-cap", optarg); break;
		case OPT_VNCAP: c->cfg.max_vnodes = parse_cap("--vnode-cap", optarg); break;
		case OPT_STATS: c->stats = optarg; break;
		case 'd':
			if (parse_duration(optarg, &c->duration) < 0 || c->duration <= 0)
				usage_error(usage, "bad -d: %s", optarg);
			break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); exit(KD_EXIT_USAGE);
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
			dieerr(KD_EXIT_RUNTIME, "%s", c->path[i]);
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

static void setup_stats(struct run *r)
{
	static const char *const rk[REC_NSTREAMS] = { "records_vfs", "records_io", "records_net" };
	const struct kd_stats *k = kd_get_stats(r->d);
	stats_init(&r->st, r->cli->stats);
	stats_add(&r->st, "events", &k->events);
	for (int i = 0; i < REC_NSTREAMS; i++)
		stats_add(&r->st, rk[i], &k->records[i]);
	stats_add(&r->st, "drops", &k->drops);
	stats_add(&r->st, "lost_events", &k->lost_events);
	stats_add(&r->st, "wraps", &r->wraps);
	stats_add(&r->st, "excluded", &k->excluded);
	stats_add(&r->st, "ignored_events", &k->ignored_events);
	stats_add(&r->st, "syscalls_other", &k->syscalls_other);
	stats_add(&r->st, "orphan_ends", &k->orphan_ends);
	stats_add(&r->st, "unfinished", &k->unfinished);
	stats_add(&r->st, "lookups", &k->lookups);
	stats_add(&r->st, "lookup_orphans", &k->lookup_orphans);
	stats_add(&r->st, "lookup_tails", &k->lookup_tails);
	stats_add(&r->st, "lookup_partial", &k->lookup_partial);
	stats_add(&r->st, "path_overflow", &k->path_overflow);
	stats_add(&r->st, "io_unmatched", &k->io_unmatched);
	stats_add(&r->st, "io_evicted", &k->io_evicted);
	stats_add(&r->st, "threads_evicted", &k->threads_evicted);
	stats_add(&r->st, "procs_evicted", &k->procs_evicted);
	stats_add(&r->st, "slots_stolen", &k->slots_stolen);
	stats_add(&r->st, "fd_evictions", &k->fd_evictions);
	stats_add(&r->st, "vnode_evictions", &k->vnode_evictions);
	stats_add(&r->st, "sockinfo_ok", &k->sockinfo_ok);
	stats_add(&r->st, "sockinfo_failed", &k->sockinfo_failed);
	stats_add(&r->st, "hook_lookups", &k->hook_lookups);
	stats_add(&r->st, "bytes_in", &r->bytes_in);
	stats_add(&r->st, "junk_bytes", &r->junk);
	stats_add(&r->st, "bytes_vfs", &r->bytes_out[REC_VFS]);
	stats_add(&r->st, "bytes_io", &r->bytes_out[REC_IO]);
	stats_add(&r->st, "bytes_net", &r->bytes_out[REC_NET]);
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
	while (!stop && (n = kd_replay_read(rp, ev, BATCH)) > 0) {
		for (long i = 0; i < n; i++)
			kd_event(r->d, &ev[i]);
		r->bytes_in = rp->bytes;
		if (tick(r) != 0)
			return KD_EXIT_RUNTIME;
	}
	r->bytes_in = rp->bytes, r->junk = rp->junk;
	if (rp->err) {
		errno = rp->err;
		warnerr("%s", r->cli->replay);
		return KD_EXIT_RUNTIME;
	}
	if (rp->junk && !rp->stopped)
		warnmsg("%s: %llu trailing bytes are not a whole 64-byte record", r->cli->replay,
		        (unsigned long long)rp->junk);
	return KD_EXIT_OK;
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
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;            /* no SA_RESTART: a blocked read returns */
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);      /* EPIPE is an output error, handled */
	sigaction(SIGXFSZ, &sa, NULL);      /* EFBIG likewise */
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
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
	setprogname_(argv[0]);
	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	memset(&hooks, 0, sizeof hooks);
	parse_args(argc, argv, &c);
	check_args(&c);
	r.cli = &c;
	signals();
	if (c.replay) {
		kd_replay_stop_flag(&stop);     /* a signal ends a wait on a silent pipe */
		fd = strcmp(c.replay, "-") == 0 ? 0 : open(c.replay, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			dieerr(KD_EXIT_RUNTIME, "%s", c.replay);
		if (kd_replay_open(&rp, fd, err, sizeof err) < 0)
			die(KD_EXIT_RUNTIME, "%s: %s", c.replay, err);
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
	setup_stats(&r);
	status = c.replay ? replay(&r, &rp) : kd_live_loop(r.d, &stop, tick, &r);
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (r.out[i])
			ob_flush(r.out[i]);
	tick(&r);
	stats_tick(&r.st, 1);
	if (r.out_err && status == KD_EXIT_OK)
		status = KD_EXIT_RUNTIME;
	kd_free(r.d);
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (r.out[i]) {
			if (r.out[i]->fd != 1 && close(r.out[i]->fd) < 0 && status == KD_EXIT_OK) {
				warnerr("%s", c.path[i]);
				status = KD_EXIT_RUNTIME;
			}
			ob_free(r.out[i]);
		}
	if (c.replay)
		kd_replay_close(&rp);
	return status;
}
