/* test_plumb.c — the plumbing of long-running programs in lib/: the exit
 * table (against the man pages), option value bounds, the stats tables,
 * and (below) signals, the poll loop and child processes. */
#include "check.h"
#include "exits.h"
#include "optval.h"
#include "stats.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(void)
{
	test_exits();
	test_optval();
	test_stats_table();
	return CHECK_DONE();
}
