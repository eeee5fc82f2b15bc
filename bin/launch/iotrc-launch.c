/* iotrc-launch — start the probe engine of one stream and pass its records
 * on, after the header line of iotrc-records(5). See iotrc-launch(1).
 *
 * macOS: /usr/sbin/dtrace -q -s dtrace/STREAM.d PIDS; Linux: bpftrace -f
 * json dtrace/STREAM.bt PIDS, whose JSON is turned into records here
 * (launch_bt.c). The engine stays our child; its stderr is classified
 * (launch_errs.c): drops and faults are counted into --stats, attach
 * failures end us with a documented status and one actionable message.
 *
 * Where things are: this file (options, the header, the loop on lib/loop,
 * signals through lib/sig, --stats, exit statuses of lib/exits.h);
 * launch_engine.c (the engine as a lib/spawn child), launch_errs.c
 * (stderr classes), launch_bt.c (bpftrace JSON to records),
 * launch_darwin.c / launch_linux.c (what differs per OS: engine path,
 * prechecks, --check); launch.h declares them. */
#include "launch.h"
#include "decode.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "rdr.h"
#include "records.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"usage: iotrc-launch [-hv] [-b SIZE] [-e PATH] [-d DIR] [-k dtrace|bpftrace] [-n NICE]\n"
	"                    [-x PID]... [--stats FILE] [--after-sleep warn|refuse|allow] vfs|io|net\n"
	"       iotrc-launch --check [-e PATH] [-k dtrace|bpftrace] [vfs|io|net]\n";

enum { SLEEP_WARN, SLEEP_REFUSE, SLEEP_ALLOW };
/* Between escalating stop signals: dtrace drains and exits at once;
 * bpftrace detaches its probes one by one at exit, each waiting for an RCU
 * grace period: about 7 s for the hundred of vfs.bt on an idle 2-CPU
 * machine, more on a busy one. */
#define STOP_GRACE_NS(l) ((l)->o.kind == KIND_BPFTRACE ? 30000000000LL : 10000000000LL)
#define MAXLINE (1 << 20)

struct opts {
	int stream, kind, after_sleep, check, verbose, nx;
	const char *engine, *dir, *stats;
	long xpid[2];
	uint64_t buffer;        /* -b: the engine's buffer per CPU; 0 its default */
	int nice;               /* -n: our and the engine's scheduling priority */
};

/* The engine's reader must keep up with the kernel's buffers even when
 * other processes keep every CPU busy: by default it (and we, who pass its
 * output on) run at nice -10, ahead of ordinary work (bench/README.md). */
#define DEFAULT_NICE (-10)

/* -b bounds: a perf buffer of 16 pages at least; 1 GiB per CPU at most. */
#define BUFFER_MIN (64 << 10)
#define BUFFER_MAX (1ULL << 30)

struct launch {
	struct opts o;
	const char *sname;      /* stream name, for messages */
	struct child e;         /* the engine */
	struct obuf out;
	struct rdr rout, rerr;
	struct btconv bt;
	struct lstats st;
	struct stats sf;
	int out_open, err_open, downstream_gone;
	int fail;               /* first attach-failure class seen, or 0 */
	char fail_probe[256];   /* the probe description a "does not match" names */
	int shown[EC_NCLASSES];
	int64_t offset_ns;
	int64_t sec_ns;         /* start of the current second of drops_last_s */
	uint64_t sec_drops;     /* drops at that start */
	int64_t quiesce_ns;     /* bpftrace told to stop tracing at; 0 not yet */
	int quiesce_cpus;       /* the CPUs whose markers we wait for */
};

/* Signals come through lib/sig's self-pipe: SIGINT, SIGTERM and SIGHUP
 * stop the engine (each one more firmly), SIGCHLD wakes the loop to reap. */
static void setup_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if (sig_catch(stops[i]) < 0)
			dieerr(EXIT_RUNTIME, "signals");
	if (sig_ignore(SIGPIPE) < 0)
		dieerr(EXIT_RUNTIME, "signals");
}

/* ---- options ------------------------------------------------------------- */

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "buffer", required_argument, NULL, 'b' },
		{ "nice", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "engine", required_argument, NULL, 'e' },
		{ "scripts", required_argument, NULL, 'd' },
		{ "kind", required_argument, NULL, 'k' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "stats", required_argument, NULL, 'S' },
		{ "after-sleep", required_argument, NULL, 'A' },
		{ "check", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	uint64_t v;
	memset(o, 0, sizeof *o);
	o->kind = los_default_kind();
	o->nice = DEFAULT_NICE;
	while ((c = getopt_long(argc, argv, "hb:n:ve:d:k:x:", lo, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); exit(0);
		case 'b': o->buffer = opt_size(usage, "-b", optarg, BUFFER_MIN, BUFFER_MAX); break;
		case 'n': {
			int64_t v;
			if (parse_s64_n(optarg, strlen(optarg), &v) < 0 || v < -20 || v > 19)
				usage_error(usage, "-n: a nice value from -20 to 19, not %s", optarg);
			o->nice = (int)v;
			break;
		}
		case 'v': o->verbose = 1; break;
		case 'e': o->engine = optarg; break;
		case 'd': o->dir = optarg; break;
		case 'S': o->stats = optarg; break;
		case 'C': o->check = 1; break;
		case 'k':
			if (!strcmp(optarg, "dtrace")) o->kind = KIND_DTRACE;
			else if (!strcmp(optarg, "bpftrace")) o->kind = KIND_BPFTRACE;
			else usage_error(usage, "-k: dtrace or bpftrace, not %s", optarg);
			break;
		case 'x':
			v = opt_count(usage, "-x", optarg, 2, 0x7fffffff);
			if (o->nx == 2)
				usage_error(usage, "-x: at most two pids");
			o->xpid[o->nx++] = (long)v;
			break;
		case 'A':
			if (!strcmp(optarg, "warn")) o->after_sleep = SLEEP_WARN;
			else if (!strcmp(optarg, "refuse")) o->after_sleep = SLEEP_REFUSE;
			else if (!strcmp(optarg, "allow")) o->after_sleep = SLEEP_ALLOW;
			else usage_error(usage, "--after-sleep: warn, refuse or allow, not %s", optarg);
			break;
		default:
			fputs(usage, stderr);
			exit(EXIT_USAGE);
		}
	}
	if (o->check && optind == argc) {       /* --check: every stream */
		o->stream = -1;
		return;
	}
	if (optind != argc - 1)
		usage_error(usage, optind == argc ? "no stream given" : "one stream only");
	o->stream = rec_stream_from_name(argv[optind], strlen(argv[optind]));
	if (o->stream < 0)
		usage_error(usage, "unknown stream: %s (vfs, io or net)", argv[optind]);
}

/* ---- messages for the exits that need the user's action ------------------ */

static void die_explained(int code, const struct launch *l, const char *detail)
{
	const char *eng = l->o.kind == KIND_DTRACE ? "dtrace" : "bpftrace";
	switch (code) {
	case EXIT_SIP:
		die(code, "%s: DTrace cannot attach: System Integrity Protection restricts it."
		    " To allow DTrace: shut down, start up in macOS Recovery (Apple silicon:"
		    " hold the power button until \"Loading startup options\", then Options >"
		    " Continue; Intel: hold Command-R at restart), choose Utilities > Terminal,"
		    " run \"csrutil enable --without dtrace\" (or \"csrutil disable\"), restart"
		    " and run again with sudo (\"csrutil status\" shows the setting, \"csrutil"
		    " enable\" restores it).%s", l->sname,
		    l->o.stream == REC_IO ? " The vfs and net streams use the syscall provider"
		    " and still work with SIP on." : "");
	case EXIT_NOROOT:
		die(code, "%s: %s needs root: run with sudo", l->sname, eng);
	case EXIT_NOENGINE:
		die(code, "%s: %s", l->sname, l->o.kind == KIND_DTRACE ?
		    "dtrace not found (it ships with macOS as /usr/sbin/dtrace; -e PATH names another)" :
		    "bpftrace not found: install it (apt-get install bpftrace) or name it with -e PATH");
	case EXIT_NOTRACEFS:
		die(code, "%s: %s", l->sname, detail ? detail :
		    "bpftrace cannot reach the kernel's tracepoints: mount tracefs"
		    " (mount -t tracefs nodev /sys/kernel/tracing)");
	default:
		die(code, "%s: %s could not attach%s%s", l->sname, eng,
		    detail ? ": " : " (its message is above)", detail ? detail : "");
	}
}

static void check_sleep(const struct launch *l)
{
	const char *env = getenv("IOTRC_LAUNCH_SLEPT");   /* testing aid, see man page */
	int slept = env ? atoi(env) : los_slept_since_boot();
	if (l->o.kind != KIND_DTRACE || slept != 1 || l->o.after_sleep == SLEEP_ALLOW)
		return;
	if (l->o.after_sleep == SLEEP_REFUSE)
		die(EXIT_SLEPT, "%s: this Mac has slept since it started up, and dtrace may then"
		    " freeze it: restart the Mac, then trace (--after-sleep=warn or allow to run anyway)",
		    l->sname);
	warnmsg("warning: this Mac has slept since it started up; running or stopping dtrace"
	        " after a sleep can freeze macOS. Restart the Mac before tracing and keep the"
	        " tracer running rather than stopping and starting it (--after-sleep=refuse"
	        " stops here instead, --after-sleep=allow silences this)");
}

/* ---- --check --------------------------------------------------------------- */

static int do_check(const struct opts *o)
{
	const char *engine = o->engine ? o->engine : los_default_engine(o->kind);
	char why[512];
	int ok = 1;
	for (int s = 0; s < REC_NSTREAMS; s++) {
		if (o->stream >= 0 && s != o->stream)
			continue;
		int yes = los_can_attach(s, o->kind, engine, why, sizeof why);
		printf("%s\t%s\t%s\n", rec_stream_names[s], yes ? "yes" : "no", why);
		ok &= yes;
	}
	if (o->kind == KIND_DTRACE && los_slept_since_boot() == 1)
		printf("sleep\twarn\tthis Mac has slept since boot: dtrace may freeze it (restart first)\n");
	fflush(stdout);
	return ok ? EXIT_OK : EXIT_NOATTACH;
}

/* ---- the engine's command line ---------------------------------------------- */

/* The script: -d DIR, else next to the installed tools
 * (PREFIX/bin/../share/iotrc/dtrace), else the source tree's dtrace/ when
 * run from BUILD/bin. */
static char *find_script(const struct opts *o, const char *name)
{
	static char path[4096];
	char exe[2048];
	if (o->dir) {
		snprintf(path, sizeof path, "%s/%s", o->dir, name);
		return access(path, R_OK) == 0 ? path : NULL;
	}
	if (los_exe_dir(exe, sizeof exe) < 0)
		return NULL;
	snprintf(path, sizeof path, "%s/../share/iotrc/dtrace/%s", exe, name);
	if (access(path, R_OK) == 0)
		return path;
	snprintf(path, sizeof path, "%s/../../dtrace/%s", exe, name);
	return access(path, R_OK) == 0 ? path : NULL;
}

/* dtrace -q [-x bufsize=B] -s SCRIPT P1 P2 P3 P4 / bpftrace -f json
 * SCRIPT P1 P2 P3 P4: the pids not to trace are ours, the engine's
 * ("@pid@", filled in by the child) and the -x ones, repeated to fill the
 * four macro arguments. */
static char **engine_argv(const struct opts *o, const char *engine, const char *script)
{
	static char pids[3][24], bufsize[48];
	static char *argv[14];
	int n = 0;
	snprintf(pids[0], sizeof pids[0], "%ld", (long)getpid());
	for (int i = 0; i < 2; i++)
		snprintf(pids[1 + i], sizeof pids[1 + i], "%ld", i < o->nx ? o->xpid[i] : (long)getpid());
	argv[n++] = (char *)engine;
	if (o->kind == KIND_DTRACE) {
		argv[n++] = "-q";
		if (o->buffer) {        /* overrides the script's pragma (notes §2.7) */
			snprintf(bufsize, sizeof bufsize, "bufsize=%llu", (unsigned long long)o->buffer);
			argv[n++] = "-x";
			argv[n++] = bufsize;
		}
		argv[n++] = "-s";
	} else {
		argv[n++] = "-f";
		argv[n++] = "json";
	}
	argv[n++] = (char *)script;
	argv[n++] = pids[0];
	argv[n++] = "@pid@";
	argv[n++] = pids[1];
	argv[n++] = pids[2];
	argv[n] = NULL;
	return argv;
}

/* ---- the engine's output ------------------------------------------------------ */

static void on_out_line(struct launch *l, const char *line, size_t n)
{
	if (l->downstream_gone)
		return;
	if (l->o.kind == KIND_BPFTRACE) {
		bt_line(&l->bt, line, n);
		return;
	}
	if (n == 0) {           /* dtrace prints blank lines as it stops (§2.10) */
		l->st.blank_lines++;
		return;
	}
	ob_put_fast(&l->out, line, n);
	ob_putc(&l->out, '\n');
	l->st.records++;
}

/* "... probe description P does not match any probes": keep P. */
static void note_probe(struct launch *l, const char *line, size_t n)
{
	static const char key[] = "probe description ";
	const char *p = NULL, *end;
	for (size_t i = 0; !p && i + sizeof key - 1 <= n; i++)
		if (!memcmp(line + i, key, sizeof key - 1))
			p = line + i;
	if (!p)
		return;
	p += sizeof key - 1;
	end = memchr(p, ' ', n - (size_t)(p - line));
	if (!end)
		end = line + n;
	snprintf(l->fail_probe, sizeof l->fail_probe, "%.*s", (int)(end - p), p);
}

/* Each line is counted by class; what needs the user's eyes is shown: lines
 * we do not know, the first of each kind of drop and fault, and everything
 * with -v. Invalid user access (restricted processes, notes §3.1) is
 * expected and only counted. */
static void on_err_line(struct launch *l, const char *line, size_t n)
{
	int c = errs_account(&l->st, line, n), show;
	if (n == 0)
		return;
	if (c >= EC_FAIL_SIP && !l->fail) {
		l->fail = c;
		note_probe(l, line, n);
	}
	switch (c) {
	case EC_OTHER: case EC_FAIL_ATTACH: show = 1; break;
	case EC_DROP: case EC_DROP_AGG: case EC_DROP_DYNVAR: case EC_DROP_SPEC:
		show = l->shown[c] < 1; break;
	case EC_FAULT_KERNEL: case EC_FAULT_ADDR: case EC_FAULT_OTHER:
		show = l->shown[c] < 3; break;
	default: show = 0; break;
	}
	if (show || l->o.verbose) {
		l->shown[c]++;
		warnmsg("%s: %.*s%s", l->sname, (int)(n > 2000 ? 2000 : n), line,
		        c >= EC_DROP && c <= EC_FAULT_OTHER && !l->o.verbose ?
		        " (counted; more of this kind are only counted)" : "");
	}
}

/* Lines read per call: an engine that floods must not starve the loop's
 * ticks (signals, stop escalation, stats). */
#define DRAIN_BUDGET 4096

static void drain(struct launch *l, struct rdr *r, int *open, int isout)
{
	char *line;
	size_t n;
	for (int i = 0; i < DRAIN_BUDGET; i++) {
		int st = rdr_next(r, &line, &n, 0);
		if (st == RDR_LINE) {
			if (isout)
				on_out_line(l, line, n);
			else
				on_err_line(l, line, n);
			continue;
		}
		if (st == RDR_EOF || st == RDR_ERR) {
			*open = 0;
			close(r->fd);
		}
		return;
	}
}

/* Nobody reads our output: its records cannot go anywhere, so the engine
 * gets no time to drain (iotrc-launch(1): exit 1 on a write error). */
#define GONE_GRACE_NS 1000000000LL

static void flush_out(struct launch *l)
{
	if (l->downstream_gone)
		return;
	if (ob_flush(&l->out) < 0) {
		errno = l->out.err;
		warnerr("%s: stdout", l->sname);
		l->downstream_gone = 1;
		child_stop(&l->e, mono_now_ns(), GONE_GRACE_NS);
	}
	l->st.bytes_out = l->out.bytes;
}

/* ---- the loop ------------------------------------------------------------------ */

/* Stop requests read from the signal pipe (SIGCHLD only wakes us). */
static int new_signals(void)
{
	int s, n = 0;
	while ((s = sig_next()) > 0)
		n += s != SIGCHLD;
	return n;
}

/* How long to wait for bpftrace's stop markers before SIGINT anyway. */
#define QUIESCE_NS 2000000000LL

/* A stop: bpftrace, once attached, is first told to stop tracing and the
 * SIGINT waits until its buffers are empty (los_quiesce, launch_linux.c:
 * it would discard what they hold); dtrace drains on SIGINT (notes
 * §2.10). A further request while waiting stops it at once. */
static void request_stop(struct launch *l, int64_t now)
{
	if (l->o.kind == KIND_BPFTRACE && l->bt.attached && !l->quiesce_ns && !l->e.stops &&
	    !l->downstream_gone && (l->quiesce_cpus = los_quiesce()) > 0) {
		l->quiesce_ns = now;
		return;
	}
	child_stop(&l->e, now, STOP_GRACE_NS(l));
}

static void on_tick(struct launch *l, pid_t ppid0, int newsigs)
{
	int64_t now = mono_now_ns();
	/* a signal, or our parent gone (the supervisor was killed): stop; each
	 * further signal, or the grace running out, stops more firmly */
	int orphaned = ppid0 > 1 && getppid() != ppid0;
	int waiting = l->quiesce_ns && !l->e.stops;
	if (!l->e.exited && orphaned && !l->e.stops)
		child_stop(&l->e, now, GONE_GRACE_NS);   /* nobody will read the rest */
	else if (!l->e.exited && newsigs)
		request_stop(l, now);
	else if (!l->e.exited && waiting &&
	         (l->bt.nstopped >= l->quiesce_cpus || now - l->quiesce_ns >= QUIESCE_NS))
		child_stop(&l->e, now, STOP_GRACE_NS(l));
	else if (child_stop_due(&l->e, now, l->downstream_gone || orphaned ? GONE_GRACE_NS : STOP_GRACE_NS(l)))
		warnmsg("%s: the engine has not stopped; sending a stronger signal", l->sname);
	l->bt.wall_offset = wall_now_ns() - mono_now_ns();
	if (now - l->sec_ns >= 1000000000) {      /* drops found in the last second */
		l->st.drops_last_s = l->st.drops - l->sec_drops;
		l->sec_drops = l->st.drops;
		l->sec_ns = now;
	}
	stats_tick(&l->sf, 0);
}

/* After the engine has exited, how long its pipes may stay open: a process
 * it left behind (holding them) must not keep us running. */
#define HELD_PIPE_NS 2000000000LL
#define TICK_NS 200000000LL

static void close_held(struct launch *l)
{
	warnmsg("%s: the engine has exited but a process it left holds its"
	        " output open; not waiting for it", l->sname);
	if (l->out_open)
		drain(l, &l->rout, &l->out_open, 1);
	if (l->out_open)
		close(l->rout.fd), l->out_open = 0;
	if (l->err_open)
		drain(l, &l->rerr, &l->err_open, 0);
	if (l->err_open)
		close(l->rerr.fd), l->err_open = 0;
	flush_out(l);
}

static void run(struct launch *l)
{
	pid_t ppid0 = getppid();
	int64_t exited_ns = 0;
	while (l->out_open || l->err_open || !child_reap(&l->e)) {
		struct loop lp;
		int io, ie;
		loop_begin(&lp);
		loop_add(&lp, sig_fd(), POLLIN);
		io = l->out_open ? loop_add(&lp, l->rout.fd, POLLIN) : -1;
		ie = l->err_open ? loop_add(&lp, l->rerr.fd, POLLIN) : -1;
		loop_until(&lp, mono_now_ns() + TICK_NS);
		loop_until(&lp, child_deadline(&l->e));
		if (exited_ns)
			loop_until(&lp, exited_ns + HELD_PIPE_NS);
		if (loop_wait(&lp) < 0)
			dieerr(EXIT_RUNTIME, "poll");
		if (loop_ready(&lp, ie))
			drain(l, &l->rerr, &l->err_open, 0);
		if (loop_ready(&lp, io))
			drain(l, &l->rout, &l->out_open, 1);
		flush_out(l);
		on_tick(l, ppid0, new_signals());
		if (child_reap(&l->e) && (l->out_open || l->err_open)) {
			int64_t now = mono_now_ns();
			if (!exited_ns)
				exited_ns = now;
			else if (now - exited_ns >= HELD_PIPE_NS)
				close_held(l);
		}
	}
}

/* ---- setup and exit ---------------------------------------------------------- */

static void write_header(struct launch *l)
{
	struct rec_header h;
	char buf[512];
	size_t n;
	rec_header_init(&h);
	h.stream = l->o.stream;
	h.engine = l->o.kind == KIND_DTRACE ? ENG_DTRACE : ENG_BPFTRACE;
	h.os = los_host_os();
	h.clock = l->o.kind == KIND_DTRACE && h.os == OS_DARWIN ? CLK_MACH : CLK_NS;
	if (h.clock == CLK_MACH)
		mono_timebase(&h.tb_numer, &h.tb_denom);
	h.has_wall_offset = 1;
	h.wall_offset_ns = wall_now_ns() - mono_now_ns();
	h.pid = (long)getpid();
	n = rec_format_header(buf, sizeof buf, &h);
	ob_put(&l->out, buf, n);
	flush_out(l);
}

static void setup_stats(struct launch *l)
{
#define KEY(f) STATS_KEY(struct lstats, f, #f),
	static const struct stats_key lstats_keys[] = { LSTATS(KEY) };
#undef KEY
	/* over-long engine lines, skipped whole by the readers: counted */
	static const struct stats_key rdr_out[] = { STATS_KEY(struct rdr, too_long, "too_long_records") };
	static const struct stats_key rdr_err[] = { STATS_KEY(struct rdr, too_long, "too_long_messages") };
	stats_init(&l->sf, l->o.stats);
	stats_add_table(&l->sf, &l->st, lstats_keys, STATS_NKEYS(lstats_keys));
	stats_add_table(&l->sf, &l->rout, rdr_out, 1);
	stats_add_table(&l->sf, &l->rerr, rdr_err, 1);
}

/* The exit status: an attach failure the engine reported wins; then the
 * engine's own status; then a lost stdout. */
static int finish(struct launch *l)
{
	static const int code_of[EC_NCLASSES] = {
		[EC_FAIL_SIP] = EXIT_SIP, [EC_FAIL_ROOT] = EXIT_NOROOT,
		[EC_FAIL_TRACEFS] = EXIT_NOTRACEFS, [EC_FAIL_ATTACH] = EXIT_NOATTACH,
	};
	int st = l->e.status;
	uint64_t faults = l->st.faults_user_access + l->st.faults_kernel_access +
	                  l->st.faults_address + l->st.faults_other;
	uint64_t drops = l->st.drops + l->st.drops_aggregation + l->st.drops_dynvar +
	                 l->st.drops_speculative;
	bt_free(&l->bt);
	flush_out(l);
	stats_tick(&l->sf, 1);
	if (drops || faults)
		warnmsg("%s: the engine reported %llu drops and %llu probe faults (%llu of them"
		        " invalid user access in restricted processes)", l->sname,
		        (unsigned long long)drops, (unsigned long long)faults,
		        (unsigned long long)l->st.faults_user_access);
	if (l->fail && !(WIFEXITED(st) && WEXITSTATUS(st) == 0 && l->st.records)) {
		/* libdtrace appends "System Integrity Protection is on" to every
		 * unmatched probe while SIP is on, whatever the cause (notes §5.2);
		 * the syscall provider works with SIP on (§3.1), so for the vfs and
		 * net streams the system call is missing on this macOS. */
		if (l->fail == EC_FAIL_SIP && l->o.stream != REC_IO && l->o.kind == KIND_DTRACE) {
			char why[512];
			snprintf(why, sizeof why, "probe %s does not exist on this macOS (the syscall"
			         " provider works with System Integrity Protection on, so SIP is not"
			         " the cause; this script needs a newer macOS)",
			         l->fail_probe[0] ? l->fail_probe : "description");
			die_explained(EXIT_NOATTACH, l, why);
		}
		die_explained(code_of[l->fail], l, NULL);
	}
	/* SIGINT is the clean stop (dtrace drains, §2.10); an engine that
	 * ignored it and died of our SIGTERM or SIGKILL may have lost records */
	if (child_killed(&l->e) == SIGTERM || child_killed(&l->e) == SIGKILL)
		die(EXIT_RUNTIME, "%s: the engine did not stop on SIGINT and was killed by signal %d",
		    l->sname, WTERMSIG(st));
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGINT && WTERMSIG(st) != SIGTERM)
		die(EXIT_RUNTIME, "%s: the engine was killed by signal %d", l->sname, WTERMSIG(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		die(EXIT_RUNTIME, "%s: the engine exited with status %d", l->sname, WEXITSTATUS(st));
	return l->downstream_gone ? EXIT_RUNTIME : EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct launch l;
	const char *engine, *script;
	char name[16], msg[512];
	int code;
	tool_start(argv[0]);
	parse_opts(argc, argv, &l.o);
	if (l.o.check)
		return do_check(&l.o);
	l.sname = rec_stream_names[l.o.stream];
	if ((code = los_precheck(l.o.stream, l.o.kind, msg, sizeof msg)) != 0)
		die_explained(code, &l, msg);
	snprintf(name, sizeof name, "%s.%s", l.sname, l.o.kind == KIND_DTRACE ? "d" : "bt");
	if (!(script = find_script(&l.o, name)))
		die(EXIT_USAGE, "%s: no script %s%s%s (-d DIR names the folder)", l.sname, name,
		    l.o.dir ? " in " : "", l.o.dir ? l.o.dir : "");
	engine = l.o.engine ? l.o.engine : los_default_engine(l.o.kind);
	if (!engine)
		die_explained(EXIT_NOENGINE, &l, NULL);
	check_sleep(&l);
	/* the engine inherits it */
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) != l.o.nice && setpriority(PRIO_PROCESS, 0, l.o.nice) < 0)
		warnerr("%s: cannot run at nice %d", l.sname, l.o.nice);
	setup_signals();
	setup_stats(&l);
	ob_init(&l.out, 1, 1 << 16);
	bt_init(&l.bt, l.o.stream, &l.out, &l.st);
	l.bt.wall_offset = wall_now_ns() - mono_now_ns();
	write_header(&l);
	if (l.downstream_gone)          /* stdout closed or unwritable: no engine */
		return EXIT_RUNTIME;
	code = engine_start(&l.e, engine_argv(&l.o, engine, script),
	                    los_engine_env(l.o.kind, l.o.stream, l.o.buffer));
	if (code == ENOENT)
		die_explained(EXIT_NOENGINE, &l, NULL);
	if (code) {
		errno = code;
		dieerr(EXIT_RUNTIME, "%s: %s", l.sname, engine);
	}
	rdr_init(&l.rout, l.e.fd[1], MAXLINE);
	rdr_init(&l.rerr, l.e.fd[2], 64 << 10);
	l.out_open = l.err_open = 1;
	run(&l);
	code = finish(&l);
	rdr_free(&l.rout);
	rdr_free(&l.rerr);
	ob_free(&l.out);
	return code;
}
