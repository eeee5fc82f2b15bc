/* launch_check.c — --check for dtrace: does a stream's probe exist?
 *
 * "dtrace -l -n PROBE" is asked, and its answer is what it lists, not its
 * exit status. From Apple's dtrace (tag dtrace-409, cmd/dtrace/dtrace.c):
 *  - -l implies -Z (:1233-1235), so a description that matches nothing
 *    still compiles; list_stmt() then says "failed to match P:M:F:N: <why>"
 *    through error() (:579-598, the message :589-592), and error() only prints (:241-249): the
 *    only assignment of g_status is the exit() action's (:903), and list
 *    mode returns g_status (:1706-1720). An unmatched probe exits 0.
 *  - The header and the probe lines go through oprintf() to stdout
 *    (:268-287; stdout at :1121; the lines :565-566, the header
 *    :1710-1711): a pipe is block-buffered, so they
 *    are written when dtrace exits. Its stdout must be read to the end:
 *    with the read end closed, that write kills dtrace with SIGPIPE
 *    (spawn resets the dispositions), and a probe that exists would read
 *    as missing.
 *  - <why> with SIP on is "System Integrity Protection is on": libdtrace
 *    blames SIP for any unmatched probe (lib/libdtrace/apple/
 *    dt_provider_apple.c:15-46, dt_provider.c:883-888, dt_error.c:111),
 *    without SIP "No probe matches description" (dt_error.c:46).
 * Platform-neutral (dtrace on Linux prints the same list), so the tests
 * drive it with a fake dtrace (tests/launch-check.t). */
#include "launch.h"
#include "loop.h"
#include "mono.h"
#include "rdr.h"
#include "records.h"
#include "spawn.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK_TIMEOUT_NS (60 * 1000000000LL)   /* libdtrace loads CTF: seconds at most */

/* A probe line: "%5d %10s %17s %33s %s" (dtrace.c:565-566), an id first;
 * the header's first word is "ID" (:1710-1711). */
static int is_probe_line(const char *s, size_t n)
{
	size_t i = 0, d;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || i == n || (s[i] != ' ' && s[i] != '\t'))
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n;
}

struct listing {
	unsigned long probes;   /* probe lines on stdout */
	int sip, noroot;        /* "failed to match ...: System Integrity
	                         * Protection is on"; not root */
	char first[200];        /* the first other stderr line */
};

static void on_stderr(struct listing *ls, const char *s, size_t n)
{
	uint64_t k;
	int c = errs_classify(s, n, &k);
	if (c == EC_FAIL_SIP)
		ls->sip = 1;
	else if (c == EC_FAIL_ROOT)
		ls->noroot = 1;
	else if (c != EC_SIP_ON && c != EC_NOTICE && !ls->first[0])
		snprintf(ls->first, sizeof ls->first, "%.*s", (int)(n < 190 ? n : 190), s);
}

/* Run argv, read both its outputs to the end (or the deadline), reap it. */
static int run_listing(char *const argv[], struct listing *ls, struct child *e)
{
	struct rdr r[2];
	int live[2] = { 1, 1 };
	int64_t deadline = mono_now_ns() + CHECK_TIMEOUT_NS;
	int timed_out = 0;
	struct spawn_opts o;
	memset(&o, 0, sizeof o);
	o.argv = argv;
	o.fd[0] = SPAWN_INHERIT;
	o.fd[1] = o.fd[2] = SPAWN_PIPE;
	/* lib/spawn directly, not engine_start: the per-OS files call this,
	 * and launch_engine.c calls them (tests/layers.t: no circles) */
	if (child_spawn(e, &o) != 0)
		return -1;
	rdr_init(&r[0], e->fd[1], 8192);
	rdr_init(&r[1], e->fd[2], 8192);
	while (live[0] || live[1]) {
		struct loop l;
		int idx[2];
		loop_begin(&l);
		for (int i = 0; i < 2; i++)
			idx[i] = live[i] ? loop_add(&l, r[i].fd, POLLIN) : -1;
		loop_until(&l, deadline);
		if (loop_wait(&l) == 0 && mono_now_ns() >= deadline) {
			timed_out = 1;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char *line;
			size_t n;
			int st;
			if (!live[i] || !loop_ready(&l, idx[i]))
				continue;
			while ((st = rdr_next(&r[i], &line, &n, 0)) == RDR_LINE)
				if (i == 0)
					ls->probes += is_probe_line(line, n);
				else
					on_stderr(ls, line, n);
			if (st == RDR_EOF || st == RDR_ERR)
				live[i] = 0;
		}
	}
	rdr_free(&r[0]), rdr_free(&r[1]);
	child_close_fds(e);
	if (timed_out)
		child_signal(e, SIGKILL);
	while (!child_reap(e))
		usleep(10000);
	return timed_out ? -2 : 0;
}

int dtrace_can_attach(int stream, const char *engine, char *why, size_t cap)
{
	static const char *const probe[REC_NSTREAMS] = {
		"syscall::read:entry", "io:::start", "syscall::connect:entry",
	};
	char *argv[] = { (char *)engine, "-l", "-n", (char *)probe[stream], NULL };
	struct listing ls;
	struct child e;
	int rc;
	memset(&ls, 0, sizeof ls);
	rc = run_listing(argv, &ls, &e);
	if (rc == -1) {
		snprintf(why, cap, "%s cannot be run", engine);
		return 0;
	}
	if (ls.probes > 0) {
		snprintf(why, cap, "%s: %s (%lu probe%s listed)", engine, probe[stream], ls.probes,
		         ls.probes == 1 ? "" : "s");
		return 1;
	}
	if (rc == -2)
		snprintf(why, cap, "%s -l did not finish in %lld s", engine, CHECK_TIMEOUT_NS / 1000000000LL);
	else if (ls.noroot)
		snprintf(why, cap, "dtrace needs root: run with sudo");
	else if (ls.sip && stream == REC_IO)
		/* the io provider needs kernel privilege, which SIP withholds
		 * (shared/notes/macos-dtrace.md §3.1) */
		snprintf(why, cap, "System Integrity Protection restricts DTrace (%s does not match)",
		         probe[stream]);
	else if (WIFSIGNALED(e.status))
		snprintf(why, cap, "%s -l was killed by signal %d%s%s", engine, WTERMSIG(e.status),
		         ls.first[0] ? ": " : "", ls.first);
	else if (WIFEXITED(e.status) && WEXITSTATUS(e.status) != 0)
		snprintf(why, cap, "%s -l exited with status %d%s%s", engine, WEXITSTATUS(e.status),
		         ls.first[0] ? ": " : "", ls.first);
	else
		/* with SIP on libdtrace blames it for a missing syscall too, but
		 * the syscall provider works with SIP on (§3.1, §5.2) */
		snprintf(why, cap, "%s does not match any probe", probe[stream]);
	return 0;
}
