/* test_snap-proc.c — iotrc-snap-proc's platform-neutral parts: the CPU
 * windows from the sample rings, pid reuse, exits, eviction; psutil's
 * names and status words; a whole row, cell by cell. */
#include "check.h"
#include "anon.h"
#include "sproc.h"
#include <stdlib.h>
#include <unistd.h>

#define S 1000000000LL

/* a process using `pct` percent of a CPU, sampled every second from t=0 */
static struct hist *feed(struct hist_tab *h, uint32_t pid, int from, int to, double pct)
{
	struct hist *p = NULL;
	for (int t = from; t <= to; t++) {
		hist_scan_begin(h, t * S);
		p = hist_add(h, pid, 77, t * S + 1000, (uint64_t)(t * pct / 100.0 * S));
		hist_scan_end(h);
	}
	return p;
}

static void test_windows(void)
{
	struct hist_tab h;
	struct hist *p;
	hist_init(&h, 100);
	p = feed(&h, 10, 0, 5, 50);
	CHECK(p != NULL);
	CHECK(hist_cpu_percent(&h, p, 5 * S) > 49.99 && hist_cpu_percent(&h, p, 5 * S) < 50.01);
	CHECK(hist_cpu_percent(&h, p, 120 * S) == -1);    /* not watched that long */
	CHECK(hist_cpu_percent(&h, p, 3600 * S) == -1);
	hist_free(&h);

	/* an hour and a bit: 100% for the first hour, idle the last 2 minutes */
	hist_init(&h, 100);
	for (int t = 0; t <= 3720; t++) {
		hist_scan_begin(&h, t * S);
		p = hist_add(&h, 10, 77, t * S, (uint64_t)(t < 3600 ? t : 3600) * S);
		hist_scan_end(&h);
	}
	CHECK(hist_cpu_percent(&h, p, 5 * S) == 0.0);
	CHECK(hist_cpu_percent(&h, p, 120 * S) == 0.0);
	{       /* the hour reaches back to a 30 s sample: 3600..3630 s */
		double v = hist_cpu_percent(&h, p, 3600 * S);
		CHECK(v > 96.0 && v < 97.0);
	}
	/* at 3630 s the 2 min window covers 3510..3630: 90 s busy of 120 */
	hist_free(&h);
	hist_init(&h, 100);
	for (int t = 0; t <= 3630; t++) {
		hist_scan_begin(&h, t * S);
		p = hist_add(&h, 10, 77, t * S, (uint64_t)(t < 3600 ? t : 3600) * S);
		hist_scan_end(&h);
	}
	{
		double v = hist_cpu_percent(&h, p, 120 * S);
		CHECK(v > 74.9 && v < 75.1);
	}
	hist_free(&h);
}

static void test_lifecycle(void)
{
	struct hist_tab h;
	struct hist *a, *b;
	hist_init(&h, 100);
	feed(&h, 1, 0, 3, 10);          /* pid 1 from the start */
	/* pid 2 starts at t=4: its windows reach back to its first sample */
	hist_scan_begin(&h, 4 * S);
	hist_add(&h, 1, 77, 4 * S, 0);
	b = hist_add(&h, 2, 99, 4 * S, 0);
	hist_scan_end(&h);
	CHECK(hist_cpu_percent(&h, b, 5 * S) == -1);     /* one sample */
	hist_scan_begin(&h, 6 * S);
	hist_add(&h, 1, 77, 6 * S, 0);
	b = hist_add(&h, 2, 99, 6 * S, S);
	hist_scan_end(&h);
	CHECK(hist_cpu_percent(&h, b, 5 * S) == 50.0);   /* 1 s of CPU in 2 s */
	CHECK(hist_cpu_percent(&h, b, 120 * S) == -1);   /* we watched 6 s only */
	/* pid 2 exits (not seen by a scan): forgotten */
	hist_scan_begin(&h, 7 * S);
	a = hist_add(&h, 1, 77, 7 * S, 0);
	hist_scan_end(&h);
	CHECK(hist_count(&h) == 1 && h.st.exited == 1);
	/* pid 1 reused with another start time: a new history */
	hist_scan_begin(&h, 8 * S);
	a = hist_add(&h, 1, 78, 8 * S, 5 * S);
	hist_scan_end(&h);
	CHECK(h.st.pid_reused == 1 && a->r[0].n == 1 && a->first_scan > 1);
	CHECK(hist_cpu_percent(&h, a, 5 * S) == -1);
	hist_free(&h);

	/* the cap: the oldest go, counted */
	hist_init(&h, 64);
	hist_scan_begin(&h, 0);
	for (uint32_t pid = 1; pid <= 100; pid++)
		hist_add(&h, pid, 1, 0, 0);
	hist_scan_end(&h);
	CHECK(hist_count(&h) == 64 && h.st.evicted == 36);
	hist_free(&h);
}

static void test_names(void)
{
	char out[128];
	static const char comm[] = "iotrc-snapproc-";   /* 15: cut by the kernel */
	static const char cmd[] = "/tmp/x/iotrc-snapproc-longname 300";
	CHECK(row_name(comm, cmd, 30, out, sizeof out) == 23);
	CHECK_STR(out, "iotrc-snapproc-longname");
	CHECK(row_name(comm, "/bin/other 1", 10, out, sizeof out) == 15);
	CHECK_STR(out, "iotrc-snapproc-");
	CHECK(row_name("bash", "/bin/bash-longer", 16, out, sizeof out) == 4);   /* short: as is */
	CHECK(row_name(comm, "", 0, out, sizeof out) == 15);
	CHECK_STR(sp_status_linux('R'), "running");
	CHECK_STR(sp_status_linux('D'), "disk-sleep");
	CHECK_STR(sp_status_linux('I'), "idle");
	CHECK_STR(sp_status_linux('t'), "tracing-stop");
	CHECK_STR(sp_status_linux('?'), "");
	CHECK_STR(sp_status_darwin(1), "idle");
	CHECK_STR(sp_status_darwin(2), "running");
	CHECK_STR(sp_status_darwin(5), "zombie");
	CHECK_STR(sp_status_darwin(9), "");
}

static void test_row(void)
{
	char path[] = "/tmp/iotrc-row.XXXXXX", buf[2048];
	struct hist_tab h;
	struct hist *hp;
	struct obuf o;
	struct row_ctx c = { 0 };
	struct sp_proc p = { 0 };
	int fd = mkstemp(path);
	ssize_t n;
	setenv("TZ", "UTC", 1);
	hist_init(&h, 16);
	hp = feed(&h, 42, 0, 5, 25);
	ob_init(&o, fd, 4096);
	walltz_init(&c.tz);
	c.out = &o;
	snprintf(c.ts, sizeof c.ts, "2024-05-01 10:00:00.123");
	c.mono_ns = 987654321;
	c.windows[0] = 5 * S, c.windows[1] = 120 * S, c.windows[2] = 3600 * S;
	p.pid = 42;
	snprintf(p.name, sizeof p.name, "sh");
	p.vms_bytes = 4096 * 3 + 512, p.rss_bytes = 1024;
	p.create_time = 1714557600.5;                    /* 2024-05-01 10:00:00.5 UTC */
	p.status = "sleeping";
	row_header(&o);
	row_write(&c, &h, hp, &p, "sh -c \"x, y\"", 12, 2);
	c.anon = 1;
	anon_set_key("0123456789abcdef", 16);
	p.create_time = 1714557600.0;
	p.no_task = 1;
	row_write(&c, &h, hp, &p, "", 0, 0);
	ob_flush(&o);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n < 0 ? 0 : n] = 0;
	{
		char tok[16], want[1024];
		anon_token("", 0, tok);
		snprintf(want, sizeof want,
		         "timestamp,pid,name,cmdline,vms_kb,rss_kb,creation_time,cpu_5s,cpu_2m,cpu_1h,status,mono_ns\n"
		         "2024-05-01 10:00:00.123,42,sh,\"sh -c \"\"x, y\"\"\",12.5,1.0,2024-05-01 10:00:00.500000,25.0,,,sleeping,987654321\n"
		         "2024-05-01 10:00:00.123,42,sh,%s,,,2024-05-01 10:00:00,,,,sleeping,987654321\n", tok);
		CHECK_STR(buf, want);
	}
	ob_free(&o);
	close(fd);
	unlink(path);
	hist_free(&h);
}

int main(void)
{
	test_windows();
	test_lifecycle();
	test_names();
	test_row();
	return CHECK_DONE();
}
