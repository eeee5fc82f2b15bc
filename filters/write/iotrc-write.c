/* iotrc-write — CSV on stdin to rotated Zstandard files in DIR, like
 * multilog or s6-log for logs: write under a temporary name, flush whole
 * frames every few seconds, rotate by rows, age, size or SIGHUP, fsync,
 * rename, fsync the directory, then print the file's path. See
 * iotrc-write(1).
 *
 * Where things are: this file (options, the loop, signals, --stats);
 * write_rows.c (CSV rows framed by lib/csvscan, header changes);
 * write_out.c (the file being written, zstd, flush, finish);
 * write_recover.c (leftovers of a killed writer, frames by lib/zframe);
 * write_dir.c (the folder: created, checked, locked, announcements);
 * write_names.c (file names); write_sys_*.c (what differs per OS). */
#include "write.h"
#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "rdr.h"
#include "sig.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: iotrc-write -d DIR -p PREFIX [-n] [-r ROWS] [-a AGE] [-s SIZE] [-l LEVEL]\n"
	"                   [-T THREADS] [-f INTERVAL] [--retry-interval INTERVAL]\n"
	"                   [--max-row SIZE] [--stats FILE] [-g]\n"
	"  -d, --dir DIR             write files into DIR (created if missing)\n"
	"  -p, --prefix PREFIX       name files PREFIX_<YYYYMMDD_HHMMSS_mmm>_<NNNN>.csv.zst\n"
	"  -r, --max-rows ROWS       rotate after ROWS data rows (100000; 0: no limit)\n"
	"  -a, --max-age AGE         rotate when a file is AGE old (20m; 0: no limit)\n"
	"  -s, --max-bytes SIZE      rotate at SIZE compressed bytes (100M; 0: no limit)\n"
	"  -l, --level LEVEL         zstd level (3)\n"
	"  -T, --threads N           zstd worker threads (0: compress in this thread)\n"
	"  -f, --flush-interval T    end a zstd frame and sync at least every T (2s)\n"
	"      --retry-interval T    after a write error, try again every T (5s)\n"
	"  -n, --no-compress         write plain .csv files\n"
	"      --max-row SIZE        drop (and count) rows longer than SIZE (1M)\n"
	"      --stats FILE          rewrite FILE with counters about once a second\n"
	"  -g, --group               files 0640 and new folders 0750 (default 0600, 0700)\n"
	"  -h, --help                print this help and exit\n";

enum { OPT_RETRY = 256, OPT_MAXROW, OPT_STATS };
static const struct option longopts[] = {
	{ "dir", required_argument, NULL, 'd' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "max-rows", required_argument, NULL, 'r' },
	{ "max-age", required_argument, NULL, 'a' },
	{ "max-bytes", required_argument, NULL, 's' },
	{ "level", required_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 'T' },
	{ "flush-interval", required_argument, NULL, 'f' },
	{ "retry-interval", required_argument, NULL, OPT_RETRY },
	{ "no-compress", no_argument, NULL, 'n' },
	{ "max-row", required_argument, NULL, OPT_MAXROW },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "group", no_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Signals come through lib/sig's pipe; tick() takes them: SIGHUP
 * rotates, SIGTERM/SIGINT stop (a second one at once). */
static int got_hup, got_stop;

static void setup_signals(void)
{
	if (sig_catch(SIGHUP) < 0 || sig_catch(SIGTERM) < 0 || sig_catch(SIGINT) < 0 ||
	    sig_ignore(SIGPIPE) < 0)        /* a gone reader of stdout: EPIPE */
		dieerr(EXIT_RUNTIME, "signals");
}

static void take_signals(void)
{
	int s;
	while ((s = sig_next()) > 0) {
		if (s == SIGHUP)
			got_hup = 1;
		else
			got_stop++;
	}
}

/* Bounds (iotrc-write(1)): durations from 1 ms (a shorter nonzero time
 * would round to 0, "no limit") to 10^9 s; a row of at most 256M, since
 * the reader's buffer is allocated up front at --max-row + 2 bytes. */
#define MIN_NS INT64_C(1000000)
#define MAX_NS (INT64_C(1000000000) * 1000000000)
#define MAX_ROW (256u << 20)
#define MAX_FILE_BYTES (1ull << 40)
#define MAX_FILE_ROWS UINT64_C(1000000000000)

static int opt_int(const char *name, const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		usage_error(usage_text, "%s: want a number from %d to %d: %s", name, lo, hi, s);
	return (int)v;
}

static void check_opts(const struct wcfg *c)
{
	if (!c->dir || !*c->dir)
		usage_error(usage_text, "-d DIR is required");
	if (!c->prefix || !*c->prefix)
		usage_error(usage_text, "-p PREFIX is required");
	if (strchr(c->prefix, '/') || c->prefix[0] == '.' || strlen(c->prefix) > 200)
		usage_error(usage_text, "-p %s: want a plain name (no '/', no leading '.')",
		            c->prefix);
}

static void parse_opts(struct wcfg *c, int argc, char **argv)
{
	int ch;
	c->max_rows = 100000;
	c->max_age_ns = 20 * 60 * INT64_C(1000000000);
	c->max_bytes = 100 << 20;             /* 104857600, as upstream */
	c->flush_ns = 2 * INT64_C(1000000000);
	c->retry_ns = 5 * INT64_C(1000000000);
	c->level = 3;
	c->compress = 1;
	c->max_row = 1 << 20;
	c->fmode = 0600;                      /* traces carry paths and command lines */
	c->dmode = 0700;
	opterr = 0;                           /* our own one-line messages */
	while ((ch = getopt_long(argc, argv, ":d:p:r:a:s:l:T:f:ngh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': c->dir = optarg; break;
		case 'p': c->prefix = optarg; break;
		case 'r': c->max_rows = opt_count(usage_text, "--max-rows", optarg, 0, MAX_FILE_ROWS); break;
		case 'a': c->max_age_ns = opt_duration(usage_text, "--max-age", optarg, MIN_NS, MAX_NS, 1); break;
		case 's': c->max_bytes = opt_size(usage_text, "--max-bytes", optarg, 0, MAX_FILE_BYTES); break;
		case 'l': c->level = opt_int("--level", optarg, -50, 19); break;
		case 'T': c->threads = opt_int("--threads", optarg, 0, 64); break;
		case 'f': c->flush_ns = opt_duration(usage_text, "--flush-interval", optarg, MIN_NS, MAX_NS, 0); break;
		case OPT_RETRY: c->retry_ns = opt_duration(usage_text, "--retry-interval", optarg, MIN_NS, MAX_NS, 0); break;
		case 'n': c->compress = 0; break;
		case 'g': c->fmode = 0640, c->dmode = 0750; break;
		case OPT_MAXROW: c->max_row = (size_t)opt_size(usage_text, "--max-row", optarg, 16, MAX_ROW); break;
		case OPT_STATS: c->stats = optarg; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case ':': usage_error(usage_text, "%s: needs an argument", argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 128)
				usage_error(usage_text, "unknown option: -%c", optopt);
			usage_error(usage_text, "unknown option: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error(usage_text, "unexpected argument: %s", argv[optind]);
	check_opts(c);
}

static void stats_setup(struct writer *w, struct stats *s)
{
#define KEY(f) STATS_KEY(struct wstats, f, #f),
	static const struct stats_key keys[] = { WSTATS(KEY) };
#undef KEY
	stats_init(s, w->cfg.stats);
	stats_add_table(s, &w->st, keys, STATS_NKEYS(keys));
	stats_add_str(s, "current_file", &w->st.current_file);
	stats_add_str(s, "last_error", &w->st.last_error);
	w->stats = s;
}

struct wstop {           /* stopping: drain briefly, then end */
	int stopping;
	int64_t stop_by;
};

/* Time-driven work: signals, age rotation, flushes, stats. Returns the
 * reader's next timeout in ms, or -1 to stop reading. */
static int tick(struct writer *w, struct wstop *l, int idle)
{
	int64_t now = w->now = mono_now_ns(), t;
	take_signals();
	if (got_stop) {
		/* drain what the producer already wrote, briefly (upstream.md
		 * §10.3: rows in flight are not thrown away at shutdown) */
		if (!l->stopping)
			l->stopping = 1, l->stop_by = now + 2 * INT64_C(1000000000);
		else if (idle || got_stop > 1 || now >= l->stop_by)
			return -1;
	}
	if (got_hup) {
		got_hup = 0;
		(void)out_finish(w);
	}
	if (w->f.fd >= 0 && w->cfg.max_age_ns && now - w->f.opened_ns >= w->cfg.max_age_ns)
		(void)out_finish(w);
	else if (w->pending_since && now - w->pending_since >= w->cfg.flush_ns && out_flush(w) < 0)
		out_broken(w, errno);
	stats_tick(w->stats, 0);
	t = l->stopping ? 100000000 : 250000000;   /* bounds a missed signal */
	if (w->pending_since && w->pending_since + w->cfg.flush_ns - now < t)
		t = w->pending_since + w->cfg.flush_ns - now;
	if (w->f.fd >= 0 && w->cfg.max_age_ns && w->f.opened_ns + w->cfg.max_age_ns - now < t)
		t = w->f.opened_ns + w->cfg.max_age_ns - now;
	return t <= 0 ? 0 : (int)((t + 999999) / 1000000);
}

/* Stopping: the whole lines already read into the buffer are rows taken
 * from the producer; write them (no more read(2) happens here). A piece
 * of a row left after them is counted as dropped by rows_end. */
static int drain_buffer(struct writer *w, struct rdr *r, struct wrows *rows)
{
	char *line;
	size_t n;
	while (!r->skipping && r->end > r->start &&
	       memchr(r->buf + r->start, '\n', r->end - r->start) &&
	       rdr_next(r, &line, &n, 0) == RDR_LINE)
		rows_line(w, rows, line, n);
	return !r->skipping && r->end > r->start;
}

/* Read until end of input or a stop signal. The clock is read only when
 * the reader had to read(2) or wait, not per row. Returns 1 after a read
 * error, else 0; *torn: input stopped in the middle of a row. */
static int run(struct writer *w, struct rdr *r, struct wrows *rows, int *torn)
{
	struct wstop l = { 0, 0 };
	uint64_t seen = UINT64_MAX;
	int timeout = 0;
	for (;;) {
		char *line;
		size_t n;
		int st = loop_rdr_next(r, &line, &n, timeout, sig_fd());
		if (st == RDR_LINE && r->bytes == seen) {
			rows_line(w, rows, line, n);
			continue;
		}
		seen = r->bytes;
		w->st.bytes_in = r->bytes;
		if (r->too_long != rows->too_long_seen || r->skipped_rows != rows->skipped_seen)
			rows_too_long(w, rows, r->too_long, r->skipped_rows);
		timeout = tick(w, &l, st == RDR_AGAIN);
		if (st == RDR_LINE)
			rows_line(w, rows, line, n);
		else if (st == RDR_EOF)
			return 0;
		else if (st == RDR_ERR) {
			errno = r->err;
			warnerr("stdin");
			*torn = drain_buffer(w, r, rows);
			return 1;
		}
		if (timeout < 0) {
			*torn = drain_buffer(w, r, rows);
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	static struct writer w;
	struct stats stats;
	struct wrows rows;
	struct rdr r;
	int status, torn = 0;
	tool_start(argv[0]);
	parse_opts(&w.cfg, argc, argv);
	setup_signals();
	out_init(&w);
	wdir_open(&w);
	stats_setup(&w, &stats);
	w.now = mono_now_ns();
	recover_dir(&w);
	stats_tick(&stats, 1);
	wsys_input(0);
	rdr_init(&r, 0, w.cfg.max_row + 2);   /* a row of --max-row bytes + CR LF */
	r.keep_cr = 1;          /* a CR inside a quoted field is data */
	rows_init(&rows);
	r.csv = &rows.cs;       /* skipped lines keep the row framing in step */
	status = run(&w, &r, &rows, &torn);
	w.st.bytes_in = r.bytes;
	rows_end(&w, &rows, torn);
	w.now = mono_now_ns();
	(void)out_finish(&w);
	stats_tick(&stats, 1);
	rdr_free(&r);
	rows_free(&rows);
	out_free(&w);
	free(w.header);
	free(w.dirabs);
	/* rows lost to write errors or with a removed folder are a runtime
	 * failure, if a counted one */
	return status || w.st.write_errors || w.st.files_unfinished || w.st.rows_lost ? EXIT_RUNTIME
	                                                                              : EXIT_OK;
}
