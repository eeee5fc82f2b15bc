/* test_write.c — iotrc-write's file names (filters/write/write_names.c): the
 * family's pattern (upstream.md §1.2), the temporary name, and which
 * leftovers recovery may take (only this prefix's, only our shape). */
#include "check.h"
#include "write.h"
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static void test_final(void)
{
	char b[WNAME_MAX + 1], t[WNAME_MAX + 1];
	/* 2024-03-05 06:07:08.009 UTC */
	int64_t ns = INT64_C(1709618828) * 1000000000 + 9 * 1000000 + 999999;
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK(wname_final(b, sizeof b, "fs", ns, 1, 1) == 0);
	CHECK_STR(b, "fs_20240305_060708_009_0001.csv.zst");
	CHECK(wname_final(b, sizeof b, "nw_conn", ns, 12345, 0) == 0);
	CHECK_STR(b, "nw_conn_20240305_060708_009_12345.csv");
	CHECK(wname_tmp(t, sizeof t, "fs_20240305_060708_009_0001.csv.zst") == 0);
	CHECK_STR(t, ".fs_20240305_060708_009_0001.csv.zst.part");
	CHECK(wname_final(b, 20, "fs", ns, 1, 1) < 0);          /* too small: refused */
}

static void test_match(void)
{
	static const struct { const char *name, *prefix, *final; int kind; } cases[] = {
		{ ".fs_20240305_060708_009_0001.csv.zst.part", "fs", "fs_20240305_060708_009_0001.csv.zst", 1 },
		{ ".fs_20240305_060708_009_0001.csv.part", "fs", "fs_20240305_060708_009_0001.csv", 2 },
		{ ".fs_20240305_060708_009_10001.csv.zst.part", "fs", "fs_20240305_060708_009_10001.csv.zst", 1 },
		{ ".fs_x_20240305_060708_009_0001.csv.zst.part", "fs_x", "fs_x_20240305_060708_009_0001.csv.zst", 1 },
		{ ".fs_x_20240305_060708_009_0001.csv.zst.part", "fs", NULL, 0 },   /* prefix fs_x */
		{ ".fs_20240305_060708_009_0001.csv.zst.part", "fs_x", NULL, 0 },
		{ "fs_20240305_060708_009_0001.csv.zst", "fs", NULL, 0 },          /* finished */
		{ ".fs_20240305_060708_009_0001.csv.zst", "fs", NULL, 0 },
		{ ".fs_20240305_060708_009_001.csv.zst.part", "fs", NULL, 0 },     /* short seq */
		{ ".fs_2024030_060708_009_0001.csv.zst.part", "fs", NULL, 0 },
		{ ".fs_20240305_060708_009_0001.csv.gz.part", "fs", NULL, 0 },
		{ ".fs.lock", "fs", NULL, 0 },
		{ ".", "fs", NULL, 0 },
		{ "", "fs", NULL, 0 },
	};
	char out[WNAME_MAX + 1];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int k = wname_match_tmp(cases[i].name, cases[i].prefix, out, sizeof out);
		CHECK(k == cases[i].kind);
		if (k && cases[i].final)
			CHECK_STR(out, cases[i].final);
	}
	CHECK(wname_match_tmp(".fs_20240305_060708_009_0001.csv.zst.part", "fs", out, 10) == 0);
}

int main(void)
{
	test_final();
	test_match();
	return CHECK_DONE();
}
