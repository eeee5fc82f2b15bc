/* iotrc-top — who does I/O to which files: per-process and per-file read
 * and write bytes from the fs CSV stream (stdin, finished files, or a
 * running session), shown live in the terminal (curses, or plain text
 * when stdout is not one), live in a browser (--listen), or as a report
 * at the end of input. See iotrc-top(1). */
#include "top.h"
#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "sig.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: iotrc-top [-b] [-d INTERVAL] [-n N] [--files N] [-s KEY] [--filter NAME]\n"
	"                 [-m MAX] [-l ADDR] [--report | --csv | --json | --html FILE]\n"
	"                 [--session DIR | FILE...]\n"
	"  FILE...                 fs CSV files, plain or .csv.zst (none: stdin)\n"
	"      --session DIR       follow a running session's fs/ folder\n"
	"  -b, --batch             plain text every interval, even on a terminal\n"
	"  -d, --interval T        refresh every T (1s)\n"
	"  -n, --top N             show N processes (text 20, terminal: what fits; 0: all)\n"
	"      --files N           files per process in reports (text 10; 0: all)\n"
	"  -s, --sort KEY          total, rate, read, write or ops (total)\n"
	"      --filter NAME       only processes whose command holds NAME\n"
	"  -m, --max-entries N     keep N processes and files, fold older ones (100000)\n"
	"  -l, --listen ADDR       serve the live page on ADDR (127.0.0.1:8092; PORT alone:\n"
	"                          loopback)\n"
	"      --report            at the end of input, print the tables as text\n"
	"      --csv               ... as CSV\n"
	"      --json              ... as JSON\n"
	"      --html FILE         ... as one self-contained HTML page in FILE\n"
	"  -h, --help              print this help and exit\n";

enum { O_FILES = 256, O_FILTER, O_REPORT, O_CSV, O_JSON, O_HTML, O_SESSION };
static const struct option longopts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "interval", required_argument, NULL, 'd' },
	{ "top", required_argument, NULL, 'n' },
	{ "files", required_argument, NULL, O_FILES },
	{ "sort", required_argument, NULL, 's' },
	{ "filter", required_argument, NULL, O_FILTER },
	{ "max-entries", required_argument, NULL, 'm' },
	{ "listen", required_argument, NULL, 'l' },
	{ "report", no_argument, NULL, O_REPORT },
	{ "csv", no_argument, NULL, O_CSV },
	{ "json", no_argument, NULL, O_JSON },
	{ "html", required_argument, NULL, O_HTML },
	{ "session", required_argument, NULL, O_SESSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum report { R_NONE, R_TEXT, R_CSV, R_JSON, R_HTML };

struct opts {
	int batch;
	int64_t interval_ns;
	long top, files;              /* -1: the default of the view */
	int sort;
	const char *filter, *listen, *html, *session;
	uint64_t max_entries;
	enum report report;
	char **files_v;
	int nfiles;
};

/* Everything the main loop holds. */
struct app {
	struct opts o;
	struct top t;
	struct tcsv csv;
	struct tin in;                /* stdin or the file being read */
	int in_fd, file_i;
	struct tfollow follow;
	int following, ended, status;
	struct tstatus st;
	char note[700];
	struct thttp *http;
	struct ttty *tty;
	struct obuf out;
};

static void parse_args(struct opts *o, int argc, char **argv)
{
	int ch;
	memset(o, 0, sizeof *o);
	o->interval_ns = 1000000000;
	o->top = o->files = -1;
	o->max_entries = 100000;
	while ((ch = getopt_long(argc, argv, "bd:n:s:m:l:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': o->batch = 1; break;
		case 'd':
			o->interval_ns = opt_duration(usage_text, "--interval", optarg, 100000000,
			                              3600 * 1000000000LL, 0);
			break;
		case 'n': o->top = (long)opt_count(usage_text, "--top", optarg, 0, 100000000); break;
		case O_FILES: o->files = (long)opt_count(usage_text, "--files", optarg, 0, 100000000); break;
		case 's':
			if ((o->sort = top_sort_parse(optarg)) < 0)
				usage_error(usage_text, "--sort: %s is not total, rate, read, write or ops", optarg);
			break;
		case O_FILTER: o->filter = optarg; break;
		case 'm': o->max_entries = opt_count(usage_text, "--max-entries", optarg, 16, 100000000); break;
		case 'l': o->listen = optarg; break;
		case O_REPORT: o->report = R_TEXT; break;
		case O_CSV: o->report = R_CSV; break;
		case O_JSON: o->report = R_JSON; break;
		case O_HTML: o->report = R_HTML, o->html = optarg; break;
		case O_SESSION: o->session = optarg; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: fputs(usage_text, stderr); exit(EXIT_USAGE);
		}
	}
	o->files_v = argv + optind;
	o->nfiles = argc - optind;
	if (o->session && o->nfiles)
		usage_error(usage_text, "--session and FILE arguments do not go together");
	if (o->report && o->listen)
		usage_error(usage_text, "--listen is a live view; reports are printed at the end of input");
	if (!o->session && !o->nfiles && isatty(0))
		usage_error(usage_text, "no input: name FILEs, --session DIR, or pipe the fs CSV in");
}

/* ---- inputs ---- */

static void fail(struct app *a, const char *msg)
{
	if (a->tty)
		ttty_stop(a->tty), a->tty = NULL;
	if (a->http)
		thttp_stop(a->http), a->http = NULL;
	die(EXIT_RUNTIME, "%s", msg);
}

/* A warning that does not stop the reading: stderr now (or the status
 * line while the terminal view is up), and exit status 1 at the end. */
static void warn_input(struct app *a, const char *msg)
{
	a->status = EXIT_RUNTIME;
	top_lock(&a->t);              /* the HTTP thread shows the note */
	snprintf(a->note, sizeof a->note, "%s", msg);
	a->st.note = a->note;
	top_unlock(&a->t);
	if (!a->tty)
		warnmsg("%s", msg);
}

static void open_next_file(struct app *a)
{
	const char *path;
	if (a->file_i >= a->o.nfiles) {
		a->ended = 1;
		return;
	}
	path = a->o.files_v[a->file_i++];
	a->in_fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (a->in_fd < 0) {
		char msg[600];
		snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
		fail(a, msg);
	}
	tin_init(&a->in, &a->csv, strcmp(path, "-") == 0 ? "stdin" : path);
}

/* The current input ended: its last row, a cut frame; then the next. */
static void end_input(struct app *a)
{
	int rc;
	top_lock(&a->t);
	rc = tin_finish(&a->in);
	top_unlock(&a->t);
	if (rc < 0)
		fail(a, a->in.err);
	if (rc > 0)
		warn_input(a, a->in.err);
	tin_free(&a->in);
	if (a->in_fd > 0)
		close(a->in_fd);
	a->in_fd = -1;
	if (a->o.nfiles)
		open_next_file(a);
	else
		a->ended = 1;
}

/* Read some input: a piece of a file, what a pipe holds (it was ready),
 * a session poll. Returns 1 when there is more to read at once (files). */
static int read_some(struct app *a)
{
	int rc;
	if (a->ended)
		return 0;
	if (a->following) {
		rc = follow_poll(&a->follow);
		if (rc < 0)
			fail(a, a->follow.err);
		if (rc > 0)
			warn_input(a, a->follow.err);
		return 0;
	}
	/* a pipe: what one read gives (stdin may be blocking); a file: 4M */
	rc = tin_drain(&a->in, a->in_fd, a->o.nfiles && a->in_fd > 0 ? 4u << 20 : 1);
	if (rc < 0)
		fail(a, a->in.err);
	if (rc > 0)
		end_input(a);
	return !a->ended && a->o.nfiles > 0;
}

static void update_status(struct app *a)
{
	a->st.rows = a->t.total.ops;
	a->st.malformed = a->csv.malformed + a->csv.too_long + a->follow.curcsv.malformed +
	                  a->follow.curcsv.too_long;
	a->st.ended = a->ended;
}

/* ---- views ---- */

static void tick(struct app *a, int64_t now)
{
	top_lock(&a->t);
	top_tick(&a->t, now);
	update_status(a);
	top_unlock(&a->t);
	if (a->tty)
		ttty_draw(a->tty, &a->t, &a->st);
	else if (!a->o.report) {
		top_lock(&a->t);
		ttext_snapshot(&a->out, &a->t, &a->st, (enum top_sort)a->o.sort, a->o.filter,
		               a->o.top < 0 ? 20 : (size_t)a->o.top);
		top_unlock(&a->t);
		if (ob_flush(&a->out) < 0)
			die(EXIT_RUNTIME, "stdout: %s", strerror(a->out.err));
	}
}

static void report(struct app *a)
{
	int text = a->o.report == R_TEXT || a->o.report == R_HTML;
	struct trep r = {
		(enum top_sort)a->o.sort, a->o.filter,
		a->o.top >= 0 ? (size_t)a->o.top : text ? 20 : 0,
		a->o.files >= 0 ? (size_t)a->o.files : text ? 10 : 0,
	};
	struct json j;
	update_status(a);
	switch (a->o.report) {
	case R_TEXT: ttext_report(&a->out, &a->t, &a->st, &r); break;
	case R_CSV: tcsv_report(&a->out, &a->t, &r); break;
	case R_JSON:
		json_init(&j, 1);
		tjson_report(&j, &a->t, &a->st, &r);
		if (json_flush(&j) < 0)
			die(EXIT_RUNTIME, "stdout: %s", strerror(j.err));
		json_free(&j);
		break;
	case R_HTML: {
		struct obuf h;
		int fd = open(a->o.html, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			dieerr(EXIT_RUNTIME, "%s", a->o.html);
		ob_init(&h, fd, 1 << 16);
		thtml_report(&h, &a->t, &a->st, &r);
		if (ob_flush(&h) < 0 || close(fd) < 0)
			die(EXIT_RUNTIME, "%s: %s", a->o.html, strerror(h.err ? h.err : errno));
		ob_free(&h);
		break;
	}
	default: break;
	}
	if (ob_flush(&a->out) < 0)
		die(EXIT_RUNTIME, "stdout: %s", strerror(a->out.err));
}

/* ---- the main loop ---- */

static int take_signals(void)
{
	int s, stop = 0;
	while ((s = sig_next()) > 0)
		if (s == SIGINT || s == SIGTERM || s == SIGHUP)
			stop = 1;
	return stop;
}

/* A report, or plain text with nothing served, ends with the input; the
 * terminal view and the page stay until they are told to stop. */
static int done_at_end(const struct app *a)
{
	return a->o.report || (!a->tty && !a->http);
}

/* One turn: wait for input, keys, a signal or the next tick. 1: quit. */
static int turn(struct app *a, int64_t *next_tick, int64_t *next_poll)
{
	struct loop l;
	int is, ii = -1, ik = -1, more;
	int64_t now = mono_now_ns();
	if (now >= *next_tick) {
		/* keys first: curses learns of a resized window in getch */
		if (a->tty && ttty_keys(a->tty, &a->t))
			return 1;
		tick(a, now);
		*next_tick += a->o.interval_ns;
		if (*next_tick <= now)
			*next_tick = now + a->o.interval_ns;
	}
	more = 0;
	if (a->following && now >= *next_poll) {
		read_some(a);
		*next_poll = now + 200000000;
	} else if (!a->following && a->o.nfiles)
		more = read_some(a);
	if (a->ended && done_at_end(a))
		return 1;
	loop_begin(&l);
	is = loop_add(&l, sig_fd(), POLLIN);
	if (!a->ended && !a->following && !a->o.nfiles)
		ii = loop_add(&l, a->in_fd, POLLIN);
	if (a->tty)
		ik = loop_add(&l, ttty_fd(a->tty), POLLIN);
	loop_until(&l, more ? now : *next_tick);
	if (a->following)
		loop_until(&l, *next_poll);
	if (loop_wait(&l) < 0 && errno != EINTR)
		dieerr(EXIT_RUNTIME, "poll");
	if (loop_ready(&l, is) && take_signals())
		return 1;
	if (ii >= 0 && loop_ready(&l, ii))
		read_some(a);
	if (ik >= 0 && loop_ready(&l, ik) && ttty_keys(a->tty, &a->t))
		return 1;
	return a->ended && done_at_end(a);
}

static void live(struct app *a)
{
	int64_t next_tick = mono_now_ns() + a->o.interval_ns, next_poll = 0;
	while (!turn(a, &next_tick, &next_poll))
		;
	if (!a->tty && !a->o.report && a->ended)
		tick(a, mono_now_ns());    /* the final table */
}

static void setup_views(struct app *a)
{
	char err[512];
	if (a->o.listen) {
		a->http = thttp_start(a->o.listen, &a->t, &a->st, err, sizeof err);
		if (!a->http)
			die(EXIT_RUNTIME, "--listen %s: %s", a->o.listen, err);
		a->st.url = thttp_url(a->http);   /* the terminal view shows it too */
		warnmsg("serving %s%s", thttp_url(a->http),
		        thttp_loopback(a->http) ? " (loopback only: --listen ADDR:PORT for others)" : "");
	}
	if (!a->o.report && !a->o.batch && isatty(1)) {
		a->tty = ttty_start(err, sizeof err);
		if (!a->tty)
			warnmsg("terminal view: %s; plain text instead", err);
		else
			ttty_setup(a->tty, (enum top_sort)a->o.sort, a->o.filter, a->o.top);
	}
}

int main(int argc, char **argv)
{
	static struct app a;
	tool_start(argv[0]);
	setlocale(LC_CTYPE, "");
	parse_args(&a.o, argc, argv);
	if (sig_catch(SIGINT) < 0 || sig_catch(SIGTERM) < 0 || sig_catch(SIGHUP) < 0 ||
	    sig_ignore(SIGPIPE) < 0)
		dieerr(EXIT_RUNTIME, "signals");
	top_init(&a.t, a.o.max_entries, mono_now_ns());
	tcsv_init(&a.csv, &a.t);
	ob_init(&a.out, 1, 1 << 16);
	a.in_fd = -1;
	if (a.o.session) {
		if (access(a.o.session, F_OK) < 0)
			dieerr(EXIT_RUNTIME, "%s", a.o.session);
		follow_init(&a.follow, a.o.session, &a.csv);
		a.following = 1;
		a.st.input = follow_dir(&a.follow);
	} else if (a.o.nfiles) {
		open_next_file(&a);
		a.st.input = a.o.nfiles == 1 ? a.o.files_v[0] : "files";
	} else {
		a.in_fd = 0;
		tin_init(&a.in, &a.csv, "stdin");
		a.st.input = "stdin";
	}
	if (a.following && a.o.report) {
		/* a report of a session: what it holds now */
		read_some(&a);
		a.ended = 1;
	}
	setup_views(&a);
	if (!(a.o.report && a.ended))
		live(&a);
	if (a.tty)
		ttty_stop(a.tty);
	if (a.http)
		thttp_stop(a.http);
	if (a.o.report)
		report(&a);
	return a.status;
}
