/* test_plumb.c — the plumbing of long-running programs in lib/: the exit
 * table (against the man pages), option value bounds, the stats tables,
 * and (below) signals, the poll loop and child processes. */
#include "check.h"
#include "exits.h"
#include "loop.h"
#include "mono.h"
#include "optval.h"
#include "sig.h"
#include "spawn.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- exits ------------------------------------------------------------- */

/* The ".It N" numbers of a page's EXIT STATUS section, as a bit set. */
static unsigned man_exit_codes(const char *page)
{
	char line[512];
	unsigned set = 0;
	int in = 0, n;
	FILE *f = fopen(page, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, ".Sh ", 4))
			in = !strncmp(line, ".Sh EXIT STATUS", 15);
		else if (in && sscanf(line, ".It %d", &n) == 1 && n >= 0 && n < 32)
			set |= 1u << n;
	}
	fclose(f);
	return set;
}

static void test_exits(void)
{
	static const struct { const char *page; unsigned want; } pages[] = {
		{ "man/iotrc-launch.1", 0x1ff },     /* 0-8: every code */
		{ "man/iotrc-kdebug.1", 0x1f },      /* 0-4 */
		{ "man/iotrc-parse.1", 0x7 },
		{ "man/iotrc-write.1", 0x7 },
		{ "man/iotrc-upload.1", 0x7 },
		{ "man/iotrc-top.1", 0x7 },
		{ "man/iotrc-snap-proc.1", 0x7 },
		{ "man/iotrc-snap-fs.1", 0x7 },
		{ "man/iotrc-snap-sys.1", 0x7 },
	};
	int n;
	const struct exit_info *t = exit_table(&n);
	CHECK(n == EXIT_NCODES && n == 9);
	for (int i = 0; i < n; i++) {
		CHECK(t[i].code == i && exit_info(i) == &t[i]);
		CHECK(t[i].name && *t[i].name && t[i].why && *t[i].why);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(t[i].name, t[j].name) != 0);
	}
	CHECK(exit_info(-1) == NULL && exit_info(EXIT_NCODES) == NULL);
	CHECK(EXIT_RUNTIME == 1 && EXIT_USAGE == 2 && EXIT_NOATTACH == 3 && EXIT_NOROOT == 4);
	CHECK(EXIT_SIP == 5 && EXIT_NOENGINE == 6 && EXIT_NOTRACEFS == 7 && EXIT_SLEPT == 8);
	CHECK(strstr(exit_info(EXIT_SIP)->why, "System Integrity Protection") != NULL);
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		unsigned got = man_exit_codes(pages[i].page);
		if (got != pages[i].want)
			fprintf(stderr, "%s: EXIT STATUS lists %#x, want %#x\n", pages[i].page, got,
			        pages[i].want);
		CHECK(got == pages[i].want);
		CHECK((got >> EXIT_NCODES) == 0);   /* no code the table lacks */
	}
}

/* ---- optval ------------------------------------------------------------ */

static void test_optval(void)
{
	char why[160];
	uint64_t u = 7;
	int64_t ns = 7;
	CHECK(optval_size("1M", 16, 256u << 20, &u, why, sizeof why) == 0 && u == 1u << 20);
	CHECK(optval_size("256M", 16, 256u << 20, &u, why, sizeof why) == 0 && u == 256u << 20);
	CHECK(optval_size("18446744073709551615", 16, 256u << 20, &u, why, sizeof why) < 0);
	CHECK_STR(why, "too big: 18446744073709551615 (16 to 256M)");
	CHECK(optval_size("64G", 16, 256u << 20, &u, why, sizeof why) < 0);
	CHECK_STR(why, "too big: 64G (16 to 256M)");
	CHECK(optval_size("15", 16, 1024, &u, why, sizeof why) < 0);
	CHECK_STR(why, "too small: 15 (16 to 1k)");
	CHECK(optval_size("17179869184G", 0, UINT64_MAX, &u, why, sizeof why) < 0);   /* 2^64 */
	CHECK(optval_size("x", 0, 10, &u, why, sizeof why) < 0 && strstr(why, "bad size") == why);
	CHECK(u == 256u << 20);                                /* untouched by failures */
	CHECK(optval_count("100000000", 16, 100000000, &u, why, sizeof why) == 0 && u == 100000000);
	CHECK(optval_count("100000001", 16, 100000000, &u, why, sizeof why) < 0);
	CHECK_STR(why, "out of range: 100000001 (16 to 100000000)");
	CHECK(optval_count("1k", 0, 10000, &u, why, sizeof why) < 0);   /* counts take no suffix */
	CHECK(optval_duration("20m", 1000000, INT64_C(1000000000) * 3600, 0, &ns, why, sizeof why) == 0 &&
	      ns == INT64_C(1200) * 1000000000);
	CHECK(optval_duration("0.001", 1000000, 1000000000, 0, &ns, why, sizeof why) == 0 && ns == 1000000);
	CHECK(optval_duration("0", 1000000, 1000000000, 1, &ns, why, sizeof why) == 0 && ns == 0);
	CHECK(optval_duration("0", 1000000, 1000000000, 0, &ns, why, sizeof why) < 0);
	CHECK_STR(why, "too short: 0 (1ms to 1s)");
	CHECK(optval_duration("1e-12", 1000000, 1000000000, 1, &ns, why, sizeof why) < 0);
	CHECK(optval_duration("0.0000001", 1000000, 1000000000, 1, &ns, why, sizeof why) < 0);
	CHECK(optval_duration("2h", 1000000, 1000000000, 1, &ns, why, sizeof why) < 0);
	CHECK_STR(why, "too long: 2h (1ms to 1s)");
	CHECK(optval_duration("nan", 0, 1000000000, 1, &ns, why, sizeof why) < 0);
	CHECK(optval_duration("inf", 0, 1000000000, 1, &ns, why, sizeof why) < 0);
}

/* ---- stats tables ------------------------------------------------------ */

struct tstats {
	uint64_t a, b;
	uint64_t arr[2];
};

static void test_stats_table(void)
{
	static const struct stats_key keys[] = {
		STATS_KEY(struct tstats, b, "bee"), STATS_KEY(struct tstats, a, "ay"),
		STATS_KEY(struct tstats, arr[1], "arr_1"),
	};
	static const struct stats_key more[] = { STATS_KEY(struct tstats, arr[0], "other_0") };
	struct tstats t = { 1, 2, { 3, 4 } }, o = { 0, 0, { 99, 0 } };
	struct stats s;
	char path[] = "/tmp/test_plumb_statsXXXXXX", buf[256];
	int fd = mkstemp(path);
	ssize_t n;
	CHECK(fd >= 0);
	stats_init(&s, path);
	stats_add_table(&s, &t, keys, STATS_NKEYS(keys));
	stats_add_table(&s, &o, more, STATS_NKEYS(more));
	t.a = 10;                           /* read at write time, not at add */
	CHECK(stats_tick(&s, 1) == 0);
	close(fd);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = 0;
	CHECK_STR(buf, "bee 2\nay 10\narr_1 4\nother_0 99\n");
	if (fd >= 0)
		close(fd);
	unlink(path);
}

/* ---- sig and loop ------------------------------------------------------ */

static void test_sig(void)
{
	sig_atomic_t before = sig_caught;
	struct loop l;
	int is;
	CHECK(sig_init() == 0 && sig_fd() >= 0);
	CHECK(sig_catch(SIGUSR1) == 0 && sig_catch(SIGALRM) == 0);
	CHECK(sig_next() == 0);                       /* nothing yet */
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK(sig_caught == before + 2);
	loop_begin(&l);
	is = loop_add(&l, sig_fd(), POLLIN);
	CHECK(loop_wait(&l) == 1 && (loop_ready(&l, is) & POLLIN));
	CHECK(sig_next() == SIGUSR1 && sig_next() == SIGUSR1 && sig_next() == 0);
	CHECK((fcntl(sig_fd(), F_GETFD) & FD_CLOEXEC) && (fcntl(sig_fd(), F_GETFL) & O_NONBLOCK));
}

static void test_loop(void)
{
	struct loop l;
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };     /* SIGALRM in 30 ms */
	int64_t t0 = mono_now_ns(), dt;
	int p[2], ip, is;
	CHECK(loop_timeout_ms(LOOP_NEVER, 0) == -1);
	CHECK(loop_timeout_ms(100, 200) == 0 && loop_timeout_ms(200, 200) == 0);
	CHECK(loop_timeout_ms(201, 200) == 1 && loop_timeout_ms(2000001, 1) == 2);
	CHECK(loop_timeout_ms(INT64_MAX - 1, 0) == 2147483647);
	/* a deadline and nothing else: 0 after at least that long */
	loop_begin(&l);
	loop_until(&l, t0 + 80000000);
	loop_until(&l, t0 + 50000000);                 /* the earliest wins */
	CHECK(loop_add(&l, -1, POLLIN) == -1);
	CHECK(loop_wait(&l) == 0);
	dt = mono_now_ns() - t0;
	CHECK(dt >= 50000000 && dt < 80000000);
	/* an fd ready: at once */
	CHECK(pipe(p) == 0 && write(p[1], "x", 1) == 1);
	loop_begin(&l);
	ip = loop_add(&l, p[0], POLLIN);
	loop_until(&l, mono_now_ns() + 1000000000);
	CHECK(loop_wait(&l) == 1 && (loop_ready(&l, ip) & POLLIN) && loop_ready(&l, -1) == 0);
	/* a signal during the wait (EINTR) wakes it through the self-pipe */
	loop_begin(&l);
	is = loop_add(&l, sig_fd(), POLLIN);
	ip = loop_add(&l, p[1], 0);                   /* nothing to wait for */
	t0 = mono_now_ns();
	loop_until(&l, t0 + 2000000000);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(loop_wait(&l) == 1 && (loop_ready(&l, is) & POLLIN) && !loop_ready(&l, ip));
	CHECK(mono_now_ns() - t0 < 1000000000);
	CHECK(sig_next() == SIGALRM);
	close(p[0]), close(p[1]);
}

/* ---- spawn -------------------------------------------------------------- */

static void no_children_left(void)
{
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

/* Read fd to its end or for at most ms; the bytes in buf. -1: no EOF. */
static ssize_t read_until_eof(int fd, char *buf, size_t cap, int ms)
{
	size_t n = 0;
	int64_t until = mono_now_ns() + (int64_t)ms * 1000000;
	for (;;) {
		struct loop l;
		ssize_t k;
		loop_begin(&l);
		loop_add(&l, fd, POLLIN);
		loop_until(&l, until);
		if (loop_wait(&l) <= 0)
			return -1;
		k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0) {
			buf[n] = 0;
			return k == 0 ? (ssize_t)n : -1;
		}
		n += (size_t)k;
	}
}

static void test_spawn_exec_error(void)
{
	char *argv[] = { "/nonexistent/iotrc-engine", NULL };
	struct spawn_opts o = { argv, NULL, { SPAWN_INHERIT, SPAWN_PIPE, SPAWN_PIPE }, NULL, NULL };
	struct child c;
	CHECK(child_spawn(&c, &o) == ENOENT);
	CHECK(c.pid == -1 && c.fd[1] == -1 && c.fd[2] == -1);
	no_children_left();
}

static void put_arg(char **argv, void *arg)
{
	argv[3] = arg;                               /* in the child, its copy */
}

static void test_spawn_env_fds(void)
{
	char *argv[] = { "/bin/sh", "-c", "echo \"$IOTRC_T\" \"$0\"; echo err >&2", "x", NULL };
	char *env[] = { "IOTRC_T=one", NULL };
	struct spawn_opts o = { argv, env, { SPAWN_INHERIT, SPAWN_PIPE, SPAWN_PIPE }, put_arg, "two" };
	struct child c;
	char buf[256];
	CHECK(setenv("IOTRC_T", "ours", 1) == 0);
	CHECK(child_spawn(&c, &o) == 0 && c.pid > 0 && c.fd[0] == -1);
	CHECK(read_until_eof(c.fd[1], buf, sizeof buf, 5000) > 0);
	CHECK_STR(buf, "one two\n");
	CHECK(read_until_eof(c.fd[2], buf, sizeof buf, 5000) > 0);
	CHECK_STR(buf, "err\n");
	CHECK((fcntl(c.fd[1], F_GETFD) & FD_CLOEXEC) != 0);
	while (!child_reap(&c))
		usleep(1000);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0 && child_killed(&c) == 0);
	CHECK(getpgid(0) != c.pid);                  /* it had a group of its own */
	child_close_fds(&c);
	no_children_left();
}

/* A child that ignores SIGINT: SIGTERM follows after the grace. */
static void test_spawn_escalation(void)
{
	char *argv[] = { "/bin/sh", "-c", "trap '' INT; echo ready; while :; do sleep 0.02; done", NULL };
	struct spawn_opts o = { argv, NULL, { SPAWN_INHERIT, SPAWN_PIPE, SPAWN_INHERIT }, NULL, NULL };
	struct child c;
	char buf[16];
	int64_t t0, grace = 150000000;
	int escalations = 0;
	CHECK(child_spawn(&c, &o) == 0);
	CHECK(read(c.fd[1], buf, 6) == 6);
	CHECK(child_deadline(&c) == LOOP_NEVER);
	t0 = mono_now_ns();
	child_stop(&c, t0, grace);
	CHECK(c.sent == SIGINT && child_deadline(&c) == t0 + grace);
	while (!child_reap(&c) && mono_now_ns() - t0 < 5 * INT64_C(1000000000)) {
		escalations += child_stop_due(&c, mono_now_ns(), grace);
		usleep(5000);
	}
	CHECK(c.exited && escalations == 1 && c.sent == SIGTERM);
	CHECK(WIFSIGNALED(c.status) && child_killed(&c) == SIGTERM);
	CHECK(mono_now_ns() - t0 >= grace);
	child_close_fds(&c);
	no_children_left();
}

/* A signal reaches the child's whole group: the grandchild holding our
 * pipe goes too, so the pipe ends. */
static void test_spawn_group(void)
{
	char *argv[] = { "/bin/sh", "-c", "sleep 600 & echo started; wait", NULL };
	struct spawn_opts o = { argv, NULL, { SPAWN_INHERIT, SPAWN_PIPE, SPAWN_INHERIT }, NULL, NULL };
	struct child c;
	char buf[64];
	CHECK(child_spawn(&c, &o) == 0);
	CHECK(read(c.fd[1], buf, 8) == 8);
	CHECK(child_signal(&c, SIGTERM) == 0);
	CHECK(read_until_eof(c.fd[1], buf, sizeof buf, 5000) == 0);   /* sleep is gone */
	while (!child_reap(&c))
		usleep(1000);
	CHECK(WIFSIGNALED(c.status) && child_killed(&c) == 0);        /* not a stop of ours */
	child_close_fds(&c);
	no_children_left();
}

int main(void)
{
	test_sig();
	test_loop();
	test_spawn_exec_error();
	test_spawn_env_fds();
	test_spawn_escalation();
	test_spawn_group();
	test_exits();
	test_optval();
	test_stats_table();
	return CHECK_DONE();
}
