/* test_lib.c — unit tests of lib/: the record reader on hostile input,
 * CSV quoting, wall-clock formatting, the decoding tables, record
 * escaping, the bounded maps, HMAC and anonymization, the stats writer. */
#include "check.h"
#include "anon.h"
#include "crypto.h"
#include "csv.h"
#include "decode.h"
#include "fdmap.h"
#include "rdr.h"
#include "records.h"
#include "stats.h"
#include "util.h"
#include "wallclock.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Feed data through a pipe in small pieces from a child, read lines. */
static int read_lines(const char *data, size_t n, size_t maxline, char out[][64], int max, uint64_t *too_long)
{
	int fds[2], k = 0;
	struct rdr r;
	char *line;
	size_t len;
	if (pipe(fds) < 0)
		return -1;
	if (fork() == 0) {
		close(fds[0]);
		for (size_t i = 0; i < n; i += 3) {
			(void)write_all(fds[1], data + i, n - i < 3 ? n - i : 3);
			if (i % 30 == 0)
				usleep(100);
		}
		_exit(0);
	}
	close(fds[1]);
	rdr_init(&r, fds[0], maxline);
	while (rdr_next(&r, &line, &len, -1) == RDR_LINE && k < max) {
		snprintf(out[k], 64, "%.*s", (int)len, line);
		if (memchr(line, 0, len))
			snprintf(out[k], 64, "NUL@%zu/%zu", (size_t)((char *)memchr(line, 0, len) - line), len);
		k++;
	}
	*too_long = r.too_long;
	rdr_free(&r);
	close(fds[0]);
	wait(NULL);
	return k;
}

static void test_rdr(void)
{
	char lines[16][64], big[20000];
	uint64_t tl;
	static const char in[] = "one\r\ntwo\n\nth\0ree\nlast-no-newline";
	int k = read_lines(in, sizeof in - 1, 4096, lines, 16, &tl);
	CHECK(k == 5);
	CHECK_STR(lines[0], "one");
	CHECK_STR(lines[1], "two");
	CHECK_STR(lines[2], "");
	CHECK_STR(lines[3], "NUL@2/6");
	CHECK_STR(lines[4], "last-no-newline");
	/* a line longer than the buffer is skipped whole and counted */
	memset(big, 'x', sizeof big);
	memcpy(big, "a\n", 2);
	big[10000] = '\n';
	memcpy(big + 10001, "b\n", 2);
	memset(big + 10003, 'y', 9000);
	big[sizeof big - 1] = '\n';
	k = read_lines(big, sizeof big, 4096, lines, 16, &tl);
	CHECK(k == 2);
	CHECK_STR(lines[0], "a");
	CHECK_STR(lines[1], "b");
	CHECK(tl == 2);
}

static void test_csv(void)
{
	char path[] = "/tmp/iotrc-csv-XXXXXX", buf[512];
	int fd = mkstemp(path), inq = 0;
	struct obuf o;
	ssize_t n;
	ob_init(&o, fd, 300);
	csv_cstr(&o, "plain");
	csv_cstr(&o, "a,b");
	csv_cstr(&o, "say \"hi\"");
	csv_cstr(&o, "two\nlines");
	csv_cstr(&o, " lead");
	csv_empty(&o);
	csv_s64(&o, -42);
	csv_u64(&o, 18446744073709551615ull);
	csv_end(&o);
	CHECK(ob_flush(&o) == 0);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	CHECK_STR(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,-42,18446744073709551615\n");
	ob_free(&o);
	close(fd);
	unlink(path);
	CHECK(csv_line_ends_row("a,\"b", 4, &inq) == 0 && inq == 1);
	CHECK(csv_line_ends_row("c\",d", 4, &inq) == 1 && inq == 0);
	CHECK(csv_line_ends_row("\"\"\"x\"", 5, &inq) == 1);
}

static void test_wall(void)
{
	struct wallfmt w;
	char out[32], want[64];
	struct tm tm;
	time_t t;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	wall_init(&w);
	wall_fmt(&w, 1763900000123456789LL, out);
	t = 1763900000;
	localtime_r(&t, &tm);
	strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S.123456", &tm);
	CHECK_STR(out, want);
	CHECK_STR(out, "2025-11-23 13:13:20.123456");
	wall_fmt(&w, 1763900000999999999LL, out);      /* same second, cached */
	CHECK_STR(out, "2025-11-23 13:13:20.999999");
	wall_fmt(&w, 1763900001000000000LL, out);
	CHECK_STR(out, "2025-11-23 13:13:21.000000");
	wall_fmt(&w, 1751328000000000000LL, out);      /* summer time */
	CHECK_STR(out, "2025-07-01 02:00:00.000000");
	wall_fmt_ms(&w, 1763900000123456789LL, out);
	CHECK_STR(out, "2025-11-23 13:13:20.123");
	wall_fmt(&w, -1, out);
	CHECK_STR(out, "1970-01-01 00:59:59.999999");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_decode(void)
{
	char b[256];
	/* upstream.md §2.2 examples */
	dec_oflags(OS_DARWIN, 0, b); CHECK_STR(b, "O_RDONLY");
	dec_oflags(OS_DARWIN, 0x201, b); CHECK_STR(b, "O_WRONLY|O_CREAT");
	dec_oflags(OS_DARWIN, 3, b); CHECK_STR(b, "NO_FLAGS");
	dec_oflags(OS_DARWIN, 0x1100602, b); CHECK_STR(b, "O_RDWR|O_CREAT|O_TRUNC|O_DIRECTORY|O_CLOEXEC");
	dec_oflags(OS_LINUX, 01101, b); CHECK_STR(b, "O_WRONLY|O_CREAT|O_TRUNC");
#ifndef __aarch64__
	dec_oflags(OS_LINUX, 02000000 | 0200000, b); CHECK_STR(b, "O_RDONLY|O_DIRECTORY|O_CLOEXEC");
#endif
	dec_oflags(OS_LINUX, 04010001, b); CHECK_STR(b, "O_WRONLY|O_SYNC");
	dec_oflags(OS_LINUX, 010001, b); CHECK_STR(b, "O_WRONLY|O_DSYNC");
	{   /* the host's own flags decode to their names */
		dec_oflags(OS_HOST, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, b);
		CHECK(strstr(b, "O_DIRECTORY") && strstr(b, "O_NOFOLLOW") && strstr(b, "O_CLOEXEC") && !strstr(b, "O_DIRECT|"));
		dec_oflags(OS_HOST, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_EXCL, b);
		CHECK_STR(b, OS_HOST == OS_LINUX ? "O_WRONLY|O_CREAT|O_EXCL|O_TRUNC|O_APPEND" : "O_WRONLY|O_APPEND|O_CREAT|O_TRUNC|O_EXCL");
	}
	dec_errno(OS_DARWIN, 2, b); CHECK_STR(b, "ENOENT");
	dec_errno(OS_DARWIN, 35, b); CHECK_STR(b, "EAGAIN");
	dec_errno(OS_DARWIN, 36, b); CHECK_STR(b, "EINPROGRESS");
	dec_errno(OS_DARWIN, -1, b); CHECK_STR(b, "ERESTART");
	dec_errno(OS_DARWIN, 999, b); CHECK_STR(b, "ERRNO(999)");
	dec_errno(OS_LINUX, 115, b); CHECK_STR(b, "EINPROGRESS");
	dec_errno(OS_LINUX, 11, b); CHECK_STR(b, "EAGAIN");
#ifdef __GLIBC__
	/* the Linux table against the C library's own names */
	for (int e = 1; e < 134; e++) {
		const char *g = strerrorname_np(e);
		if (!g || !strcmp(g, "EWOULDBLOCK") || !strcmp(g, "EDEADLOCK") || !strcmp(g, "ENOTSUP"))
			continue;
		dec_errno(OS_LINUX, e, b);
		if (strcmp(b, g))
			fprintf(stderr, "errno %d: %s vs glibc %s\n", e, b, g);
		CHECK(strcmp(b, g) == 0);
	}
#endif
	dec_domain(OS_DARWIN, 30, b); CHECK_STR(b, "AF_INET6");
	dec_domain(OS_LINUX, 10, b); CHECK_STR(b, "AF_INET6");
	dec_domain(OS_DARWIN, 10, b); CHECK_STR(b, "AF(10)");
	dec_socktype(OS_DARWIN, 2, b); CHECK_STR(b, "SOCK_DGRAM");
	dec_socktype(OS_DARWIN, 9, b); CHECK_STR(b, "TYPE(9)");
	dec_shuthow(2, b); CHECK_STR(b, "SHUT_RDWR");
	dec_shuthow(5, b); CHECK_STR(b, "HOW(5)");
	dec_mmap_prot(0, b); CHECK_STR(b, "PROT_NONE");
	dec_mmap_prot(5, b); CHECK_STR(b, "PROT_READ|PROT_EXEC");
	dec_mmap_flags(OS_DARWIN, 0x1002, b); CHECK_STR(b, "MAP_PRIVATE|MAP_ANON");
	dec_mmap_flags(OS_LINUX, 0x22, b); CHECK_STR(b, "MAP_PRIVATE|MAP_ANONYMOUS");
	dec_mmap_flags(OS_LINUX, 0x3, b); CHECK_STR(b, "MAP_SHARED_VALIDATE");
	dec_mmap_flags(OS_DARWIN, 0, b); CHECK_STR(b, "NO_MAP");
	dec_bflags(0x183, b); CHECK_STR(b, "B_ASYNC|B_PAGEIO|B_META");
	dec_bflags(1, b); CHECK_STR(b, "");
	dec_bflags(0x2003, b); CHECK_STR(b, "B_ASYNC|B_THROTTLED_IO");
	dec_bflags(0x10002, b); CHECK_STR(b, "B_ASYNC|B(0x10000)");
	{
		char op[32], fl[256];
		dec_rwbs("WSM", 3, op, fl); CHECK_STR(op, "write"); CHECK_STR(fl, "sync|meta");
		dec_rwbs("R", 1, op, fl); CHECK_STR(op, "read"); CHECK_STR(fl, "");
	}
	CHECK(os_at_fdcwd(OS_DARWIN) == -2 && os_at_fdcwd(OS_LINUX) == -100);
	CHECK(os_f_dupfd(OS_DARWIN, 67) && !os_f_dupfd(OS_DARWIN, 1030) && os_f_dupfd(OS_LINUX, 1030));
}

static void test_records(void)
{
	char e[256], u[256];
	static const char raw[] = "a\\b\"c\nd\te\001f\x7fg\xff";
	struct rec r;
	struct rec_header h;
	size_t n = rec_escape(raw, sizeof raw - 1, e);
	CHECK_STR(e, "a\\\\b\\\"c\\nd\\te\\001f\\177g\xff");
	CHECK(rec_unescape(e, n, u) == sizeof raw - 1 && memcmp(u, raw, sizeof raw - 1) == 0);
	rec_unescape("x\\x41\\101\\q\\", 12, u); CHECK_STR(u, "xAA\\q\\");
	rec_unescape("ab\\0cd", 6, u); CHECK_STR(u, "ab");
	rec_unescape("\\1234", 5, u); CHECK_STR(u, "S4");
	CHECK(rec_split("a\001\001c", 4, &r) == 3 && r.n[1] == 0 && r.n[2] == 1);
	CHECK(rec_split("", 0, &r) == 1);
	CHECK(rec_parse_header("#iotrc-records 1 stream=io engine=dtrace os=darwin clock=mach timebase=125/3 x=y", 80, &h) == 0);
	CHECK(h.stream == REC_IO && h.engine == ENG_DTRACE && h.os == OS_DARWIN && h.clock == CLK_MACH);
	CHECK(h.tb_numer == 125 && h.tb_denom == 3);
	CHECK(rec_parse_header("#iotrc-records 1 stream=bogus", 29, &h) < 0);
	CHECK(rec_parse_header("#iotrc-records 1 timebase=0/3", 29, &h) < 0);
	CHECK(rec_parse_header("#iotrc-records 2 stream=whatever", 32, &h) == 0 && h.version == 2);
	CHECK(rec_parse_header("#iotrc-recordsX 1", 17, &h) < 0);
	{
		static const char hl[] = "#iotrc-records 1 stream=io engine=dtrace os=darwin clock=mach timebase=125/3";
		CHECK(rec_parse_header(hl, sizeof hl - 1, &h) == 0);
	}
	h.wall_offset_ns = -5, h.has_wall_offset = 1, h.pid = 7;
	h.stream = REC_NET, h.version = 1;
	rec_format_header(e, sizeof e, &h);
	CHECK_STR(e, "#iotrc-records 1 stream=net engine=dtrace os=darwin clock=mach timebase=125/3 wall_offset_ns=-5 pid=7\n");
}

static void test_fdmap(void)
{
	struct fdmap *m = fdmap_new(4);
	size_t n;
	uint32_t aux;
	const char *s;
	CHECK(fdmap_put(m, fdmap_key(1, 3), "/a", 2, 0) == 0);
	CHECK(fdmap_put(m, fdmap_key(1, 4), "/a", 2, 1) == 0);
	CHECK(fdmap_strings(m) == 1);                 /* interned */
	CHECK(fdmap_put(m, fdmap_key(2, 3), "/b", 2, 0) == 0);
	CHECK(fdmap_put(m, fdmap_key(3, 3), "/c", 2, 0) == 0);
	s = fdmap_get(m, fdmap_key(1, 3), &n, &aux);   /* touch: now most recent */
	CHECK(s && n == 2 && !strcmp(s, "/a"));
	CHECK(fdmap_put(m, fdmap_key(4, 3), "/d", 2, 0) == 0);   /* evicts (1,4) */
	CHECK(fdmap_evictions(m) == 1);
	CHECK(fdmap_get(m, fdmap_key(1, 4), NULL, NULL) == NULL);
	CHECK(fdmap_get(m, fdmap_key(1, 3), NULL, NULL) != NULL);
	CHECK(fdmap_size(m) == 4);
	CHECK(fdmap_copy(m, fdmap_key(4, 3), fdmap_key(4, 9)) == 1);
	CHECK(fdmap_evictions(m) == 2);
	CHECK(fdmap_del(m, fdmap_key(4, 3)) == 1 && fdmap_del(m, fdmap_key(4, 3)) == 0);
	s = fdmap_get(m, fdmap_key(4, 9), &n, NULL);
	CHECK(s && !strcmp(s, "/d"));
	CHECK(fdmap_put(m, fdmap_key(4, 9), "/e", 2, 0) == 0);    /* replace */
	CHECK(!strcmp(fdmap_get(m, fdmap_key(4, 9), NULL, NULL), "/e"));
	fdmap_free(m);
	/* churn: many keys through a small map stays at the cap */
	m = fdmap_new(1000);
	for (uint32_t i = 0; i < 100000; i++) {
		char p[32];
		int k = snprintf(p, sizeof p, "/f/%u", i % 3000);
		fdmap_put(m, fdmap_key(i % 5000, (int32_t)(i % 7)), p, (size_t)k, 0);
		if (i % 3 == 0)
			fdmap_del(m, fdmap_key((i + 17) % 5000, (int32_t)(i % 7)));
	}
	CHECK(fdmap_size(m) <= 1000);
	CHECK(fdmap_strings(m) <= fdmap_size(m));
	fdmap_free(m);
	/* a byte budget: long strings evict the least recently used */
	m = fdmap_new(1000000);
	fdmap_set_byte_cap(m, 100000);
	for (uint32_t i = 0; i < 1000; i++) {
		char p[4096];
		memset(p, 'a' + i % 26, sizeof p);
		p[0] = (char)('0' + i % 10), p[1] = (char)('0' + i / 10 % 10), p[2] = (char)('0' + i / 100);
		fdmap_put(m, i, p, sizeof p, 0);
	}
	CHECK(fdmap_bytes(m) <= 100000);
	CHECK(fdmap_size(m) >= 20 && fdmap_size(m) <= 25);
	CHECK(fdmap_get(m, 999, NULL, NULL) != NULL && fdmap_get(m, 0, NULL, NULL) == NULL);
	fdmap_free(m);
}

static void test_crypto(void)
{
	/* RFC 4231 test case 2 */
	static const uint8_t want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
		0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
	uint8_t mac[32];
	char out[256], tok[13], tok2[13];
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	CHECK(memcmp(mac, want, 32) == 0);
	anon_set_key("0123456789abcdef", 16);
	anon_token("ann", 3, tok);
	CHECK(strlen(tok) == 12 && strspn(tok, "0123456789abcdef") == 12);
	anon_path("/Users/ann/a.tar.gz", 19, out, sizeof out);
	CHECK(out[0] == '/' && strlen(out) == 1 + 12 + 1 + 12 + 1 + 12 + 3);
	CHECK(!strcmp(out + strlen(out) - 3, ".gz"));
	anon_path("rel//./.bashrc/", 15, out, sizeof out);
	CHECK(strlen(out) == 12 + 1 + 12 && out[0] != '/' && !strchr(out, '.'));
	/* only the last component keeps an extension, and only a plain one */
	anon_path("/Users/john.smith/notes.txt", 27, out, sizeof out);
	CHECK(strlen(out) == 3 * 13 + 4 && !strstr(out, "smith") && !strcmp(out + 39, ".txt"));
	anon_path("/d/x.secretname1", 16, out, sizeof out);          /* 11 chars: not an extension */
	CHECK(strlen(out) == 1 + 12 + 1 + 12 && !strchr(out, '.'));
	anon_path("/d/x.a b", 8, out, sizeof out);                   /* not plain */
	CHECK(strlen(out) == 1 + 12 + 1 + 12 && !strchr(out, '.'));
	anon_path("/d/john.smith/", 14, out, sizeof out);            /* a directory: no type */
	CHECK(strlen(out) == 1 + 12 + 1 + 12 && !strchr(out, '.'));
	anon_set_key("another key.....", 16);
	anon_token("ann", 3, tok2);
	CHECK(strcmp(tok, tok2) != 0);                 /* keyed: not a dictionary hash */
}

static void test_stats(void)
{
	char path[] = "/tmp/iotrc-stats-XXXXXX", buf[256];
	uint64_t a = 5, b = 7;
	const char *cur = "/x/y", *none = NULL;
	struct stats s;
	FILE *f;
	size_t n;
	int fd = mkstemp(path);
	close(fd);
	stats_init(&s, path);
	stats_add(&s, "rows", &a);
	stats_add(&s, "drops", &b);
	stats_add_str(&s, "current_file", &cur);
	stats_add_str(&s, "other", &none);
	CHECK(stats_tick(&s, 1) == 0);
	a = 6;
	CHECK(stats_tick(&s, 0) == 0);                /* too soon: unchanged */
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	CHECK_STR(buf, "rows 5\ndrops 7\ncurrent_file /x/y\nother \n");
	unlink(path);
}

static void test_util(void)
{
	int64_t v;
	uint64_t u;
	double d;
	CHECK(parse_s64_n("-9223372036854775808", 20, &v) == 0 && v == INT64_MIN);
	CHECK(parse_s64_n("9223372036854775808", 19, &v) < 0);
	CHECK(parse_u64_n("18446744073709551616", 20, &u) < 0);
	CHECK(parse_s64_n("12x", 3, &v) < 0 && parse_s64_n("", 0, &v) < 0 && parse_s64_n("-", 1, &v) < 0);
	CHECK(parse_size("100M", &u) == 0 && u == 100ull << 20);
	CHECK(parse_duration("20m", &d) == 0 && d == 1200);
	CHECK(parse_duration("5x", &d) < 0);
	CHECK(parse_duration("nan", &d) < 0 && parse_duration("inf", &d) < 0 && parse_duration("0x10", &d) < 0);
	CHECK(parse_duration("-1", &d) < 0 && parse_duration("", &d) < 0);
	CHECK(parse_duration("1.5h", &d) == 0 && d == 5400);
	CHECK(parse_duration("250ms", &d) == 0 && d > 0.2499 && d < 0.2501);   /* man pages: "from 1ms" */
	CHECK(parse_duration("1ms", &d) == 0 && parse_duration("1mss", &d) < 0 && parse_duration("1e5", &d) < 0);
	/* numbers at every digit count, as printf writes them */
	for (int k = 0; k <= 20; k++)
		for (int delta = -1; delta <= 1; delta++) {
			char got[32], want[32];
			uint64_t p10 = 1, x;
			for (int i = 0; i < k && i < 19; i++)
				p10 *= 10;
			x = k == 20 ? UINT64_MAX + (uint64_t)(delta < 0 ? delta : 0) : p10 + (uint64_t)delta;
			memset(got, 'x', sizeof got);
			got[fmt_u64(got, x)] = 0;
			snprintf(want, sizeof want, "%llu", (unsigned long long)x);
			CHECK_STR(got, want);
			got[fmt_s64(got, -(int64_t)(x >> 1))] = 0;
			snprintf(want, sizeof want, "%lld", -(long long)(x >> 1));
			CHECK_STR(got, want);
		}
	/* wall_fmt_py: microseconds with and without leading zeros; none at 0 */
	{
		struct walltz z;
		char out[32];
		walltz_init(&z);
		CHECK(wall_fmt_py(&z, 0, 7, out) == 26);
		CHECK_STR(out, "1970-01-01 00:00:00.000007");
		CHECK(wall_fmt_py(&z, 0, 120450, out) == 26);
		CHECK_STR(out, "1970-01-01 00:00:00.120450");
		CHECK(wall_fmt_py(&z, 1, 0, out) == 19);
		CHECK_STR(out, "1970-01-01 00:00:01");
	}
}

int main(void)
{
	test_rdr();
	test_csv();
	test_wall();
	test_decode();
	test_records();
	test_fdmap();
	test_crypto();
	test_stats();
	test_util();
	return CHECK_DONE();
}
