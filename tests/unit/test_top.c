/* test_top.c — iotrc-top's counting, fed known fs CSV: exact totals per
 * process and per file, transient processes and reused pids apart, quoted
 * paths, malformed rows and repeated headers, the "(other)" rows under a
 * small budget, bad headers, zstd frame by frame (a cut last frame adds
 * nothing), and lib/json's escaping (any bytes give valid JSON). */
#include "check.h"
#include "top.h"
#include "json.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define HDR "timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,inode," \
            "device,flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,address,cmdline," \
            "ppid,container_id,fs_type,mono_ns\n"
/* one fs row: time, op, pid, command, file, bytes, cmdline */
#define ROW(ts, op, pid, cmd, file, bytes, argv) \
	"2025-11-23 12:00:" ts "," op "," pid "," pid "," cmd "," file ",," "," bytes ",,,,,,,,,," argv ",1,,,1\n"

static const char trace[] = HDR
	ROW("00.000001", "open", "100", "cc", "/src/a.c", "", "cc -c a.c")
	ROW("00.000002", "read", "100", "cc", "/src/a.c", "4096", "cc -c a.c")
	ROW("00.000003", "read", "100", "cc", "/src/a.c", "100", "cc -c a.c")
	ROW("00.000004", "write", "100", "cc", "/obj/a.o", "777", "cc -c a.c")
	/* pid 100 execs ld: a process of its own */
	ROW("00.000005", "read", "100", "ld", "/obj/a.o", "777", "ld -o a a.o")
	ROW("00.000006", "write", "100", "ld", "/bin/a", "5000", "ld -o a a.o")
	/* a transient sh, then pid 200 reused by another sh */
	ROW("00.000007", "read", "200", "sh", "/etc/profile", "10", "sh -c one")
	ROW("00.000008", "read", "200", "sh", "/etc/profile", "20", "sh -c two")
	/* a path with a comma, quotes and a newline; no name; a failed read */
	ROW("00.000009", "read", "300", "py", "\"/tmp/a,b\n\"\"c\"\"\"", "7", "")
	ROW("00.000010", "write", "300", "py", "", "3", "")
	ROW("00.000011", "read", "300", "py", "/tmp/x", "", "")
	"2025-11-23 12:00:00.000012,mmap,300,300,py,/tmp/x,,,99,,,,,,,,,,,1,,,1\r\n"
	HDR                                   /* files joined: skipped */
	"2025-11-23 12:00:00.000013,read,300,300,py,/tmp/x,,,5\n"   /* short: malformed */
	ROW("00.000014", "read", "x3", "py", "/tmp/x", "5", "")          /* bad pid */
	ROW("00.000015", "read", "300", "py", "/tmp/x", "-5", "")        /* bad bytes */
	"\n";

struct want {
	uint32_t pid;
	const char *cmd;
	uint64_t r, w, reads, writes, ops, files;
};

static const struct tproc *proc_of(struct top *t, uint32_t pid, const char *cmd, const char *argv)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct tproc *p = t->procs[i];
		if (p->pid == pid && strcmp(p->name, cmd) == 0 && (!argv || strcmp(p->cmdline, argv) == 0))
			return p;
	}
	return NULL;
}

static const struct tfile *file_of(const struct tproc *p, const char *path, size_t n)
{
	for (const struct tfile *f = p->files; f; f = f->pnext)
		if (f->len == n && memcmp(f->path, path, n) == 0)
			return f;
	return NULL;
}

static void check_trace(struct top *t, struct tcsv *c)
{
	static const struct want w[] = {
		{ 100, "cc", 4196, 777, 2, 1, 4, 2 },
		{ 100, "ld", 777, 5000, 1, 1, 2, 2 },
		{ 300, "py", 7, 3, 2, 1, 4, 3 },
	};
	const struct tproc *p;
	const struct tfile *f;
	CHECK(t->nprocs == 5);
	for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
		p = proc_of(t, w[i].pid, w[i].cmd, NULL);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(p->e.c.rbytes == w[i].r && p->e.c.wbytes == w[i].w);
		CHECK(p->e.c.reads == w[i].reads && p->e.c.writes == w[i].writes);
		CHECK(p->e.c.ops == w[i].ops && p->nfiles == w[i].files);
	}
	p = proc_of(t, 100, "cc", NULL);
	f = p ? file_of(p, "/src/a.c", 8) : NULL;
	CHECK(f && f->e.c.rbytes == 4196 && f->e.c.reads == 2 && f->e.c.ops == 3);
	CHECK(p && strcmp(p->start, "2025-11-23 12:00:00.000001") == 0);
	CHECK(p && strcmp(p->last, "2025-11-23 12:00:00.000004") == 0);
	/* pid reuse: two rows of their own, the newest found by pid */
	p = proc_of(t, 200, "sh", "sh -c one");
	CHECK(p && p->e.c.rbytes == 10);
	p = proc_of(t, 200, "sh", "sh -c two");
	CHECK(p && p->e.c.rbytes == 20 && top_find(t, 200, 0) == p);
	p = proc_of(t, 300, "py", NULL);
	f = p ? file_of(p, "/tmp/a,b\n\"c\"", 12) : NULL;
	CHECK(f && f->e.c.rbytes == 7);
	f = p ? file_of(p, "", 0) : NULL;
	CHECK(f && f->e.c.wbytes == 3);
	f = p ? file_of(p, "/tmp/x", 6) : NULL;
	CHECK(f && f->e.c.reads == 1 && f->e.c.rbytes == 0 && f->e.c.ops == 2);  /* mmap: no bytes */
	CHECK(t->total.rbytes == 4196 + 777 + 30 + 7 && t->total.wbytes == 777 + 5000 + 3);
	CHECK(t->total.ops == 12 && c->rows == 12);
	CHECK(c->malformed == 3 && c->headers == 2);
}

/* The trace fed in pieces of every size from 1 to 64 and whole. */
static void test_trace(void)
{
	size_t n = strlen(trace);
	for (size_t piece = 1; piece <= 65; piece++) {
		struct top t;
		struct tcsv c;
		size_t at = 0, k = piece == 65 ? n : piece;
		top_init(&t, 1000, 0);
		tcsv_init(&c, &t);
		tcsv_start(&c, "test");
		for (; at < n; at += k)
			CHECK(tcsv_feed(&c, trace + at, n - at < k ? n - at : k) == 0);
		CHECK(tcsv_finish(&c) == 0);
		check_trace(&t, &c);
		tcsv_free(&c);
		top_free(&t);
	}
}

/* A header in another order, with only the columns needed. */
static void test_layout(void)
{
	static const char csv[] = "pid,bytes_completed,operation,filename,command\n"
	                          "7,10,read,/a,x\n7,5,write,/a,x\n8,1,read,/b,y";   /* no final newline */
	struct top t;
	struct tcsv c;
	top_init(&t, 100, 0);
	tcsv_init(&c, &t);
	tcsv_start(&c, "t");
	CHECK(tcsv_feed(&c, csv, strlen(csv)) == 0);
	CHECK(tcsv_finish(&c) == 0);
	CHECK(t.total.rbytes == 11 && t.total.wbytes == 5 && t.nprocs == 2);
	CHECK(proc_of(&t, 7, "x", NULL) && proc_of(&t, 7, "x", NULL)->e.c.rbytes == 10);
	tcsv_free(&c);
	top_free(&t);
}

static const char *header_error(const char *csv)
{
	static char err[512];
	struct top t;
	struct tcsv c;
	top_init(&t, 100, 0);
	tcsv_init(&c, &t);
	tcsv_start(&c, "t");
	err[0] = 0;
	if (tcsv_feed(&c, csv, strlen(csv)) < 0 || tcsv_finish(&c) < 0)
		snprintf(err, sizeof err, "%s", c.err);
	tcsv_free(&c);
	top_free(&t);
	return err;
}

static void test_bad_headers(void)
{
	CHECK_STR(header_error("timestamp,operation,pid,tid,command,sector,size,latency_ms,device,"
	                       "flags,cpu_id,ppid,queue_latency_ms,command_flags,operation_code,"
	                       "request_id,mono_ns\n"), "not an fs CSV: this is the block stream");
	CHECK_STR(header_error("pid,operation,command,filename,bytes_completed,colour\n"),
	          "not an fs CSV: unknown column \"colour\"");
	CHECK_STR(header_error("pid,operation,command,filename\n1,read,x,/a\n"),
	          "not an fs CSV: no column \"bytes_completed\"");
	CHECK_STR(header_error("2025-11-23 12:00:00.000001,read,1\n"),
	          "not an fs CSV: no header row (the first row is data)");
	CHECK_STR(header_error("\x28\xb5\x2f\xfd\x01\x02\n"), "not an fs CSV: the first row is not text");
	CHECK_STR(header_error("pid,pid,operation,command,filename,bytes_completed\n"),
	          "not an fs CSV: column \"pid\" twice");
	CHECK_STR(header_error(""), "");           /* empty input: nothing, no error */
}

/* Budget: 8 entries. Process p1 touches 6 files, then p2 touches 3: the
 * oldest are folded, totals stay exact, and p1's counters too. */
static void test_budget(void)
{
	struct top t;
	struct tcsv c;
	char csv[4096];
	size_t n = (size_t)snprintf(csv, sizeof csv, "pid,operation,command,filename,bytes_completed\n");
	uint64_t sum_r = 0;
	top_init(&t, 8, 0);
	tcsv_init(&c, &t);
	tcsv_start(&c, "t");
	for (int i = 1; i <= 6; i++)
		n += (size_t)snprintf(csv + n, sizeof csv - n, "1,read,p1,/f%d,%d\n", i, i * 10);
	for (int i = 1; i <= 3; i++)
		n += (size_t)snprintf(csv + n, sizeof csv - n, "2,write,p2,/g%d,%d\n", i, i);
	/* transient processes, each one row: the oldest of them fold away */
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(csv + n, sizeof csv - n, "%d,read,t%d,/tmp/t,1000\n", 1000 + i, i);
	CHECK(tcsv_feed(&c, csv, n) == 0 && tcsv_finish(&c) == 0);
	CHECK(t.nentries <= 8);
	for (size_t i = 0; i < t.nprocs; i++) {
		const struct tproc *p = t.procs[i];
		uint64_t fr = p->other.rbytes;
		for (const struct tfile *f = p->files; f; f = f->pnext)
			fr += f->e.c.rbytes;
		CHECK(fr == p->e.c.rbytes);      /* files + (other) = the process */
		sum_r += p->e.c.rbytes;
	}
	CHECK(sum_r + t.other.rbytes == t.total.rbytes);
	CHECK(t.total.rbytes == 210 + 20000 && t.total.wbytes == 6);
	CHECK(t.other_procs >= 1 && t.other.ops + t.total.ops - t.other.ops == 29);
	/* the newest transient process is kept, the first ones are not */
	CHECK(proc_of(&t, 1019, "t19", NULL) != NULL);
	CHECK(proc_of(&t, 1000, "t0", NULL) == NULL);
	CHECK(t.other_procs + t.nprocs == 22);
	{   /* p1 alone, with more files than fit: folded into its (other) */
		struct top u;
		struct tcsv d;
		top_init(&u, 8, 0);
		tcsv_init(&d, &u);
		tcsv_start(&d, "t");
		n = (size_t)snprintf(csv, sizeof csv, "pid,operation,command,filename,bytes_completed\n");
		for (int i = 1; i <= 30; i++)
			n += (size_t)snprintf(csv + n, sizeof csv - n, "1,read,p1,/f%d,%d\n", i, i);
		CHECK(tcsv_feed(&d, csv, n) == 0);
		CHECK(u.nprocs == 1 && u.procs[0]->e.c.rbytes == 465);
		CHECK(u.procs[0]->other_files + u.procs[0]->nfiles == 30);
		CHECK(u.procs[0]->other.rbytes + 30 + 29 + 28 <= 465);
		CHECK(file_of(u.procs[0], "/f30", 4) != NULL && file_of(u.procs[0], "/f1", 3) == NULL);
		tcsv_free(&d);
		top_free(&u);
	}
	tcsv_free(&c);
	top_free(&t);
}

/* Frames as iotrc-write makes them (one per flush, after a whole row),
 * fed in pieces; a last frame cut short adds nothing. */
static void test_zstd(void)
{
	static const char *parts[] = {
		"pid,operation,command,filename,bytes_completed\n1,read,a,/x,100\n",
		"1,read,a,/x,20\n2,write,b,/y,3\n",
		"3,read,c,/z,1000\n",
	};
	unsigned char z[4096];
	size_t len = 0, ends[3];
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	for (int i = 0; i < 3; i++) {
		len += ZSTD_compress2(cc, z + len, sizeof z - len, parts[i], strlen(parts[i]));
		ends[i] = len;
	}
	ZSTD_freeCCtx(cc);
	for (size_t piece = 1; piece <= 9; piece += 4)
		for (int cut = 0; cut < 3; cut++) {
			struct top t;
			struct tcsv c;
			struct tin in;
			size_t n = cut == 0 ? len : cut == 1 ? ends[2] - 5 : ends[1] + 2, at;
			top_init(&t, 100, 0);
			tcsv_init(&c, &t);
			tin_init(&in, &c, "z");
			for (at = 0; at < n; at += piece)
				CHECK(tin_feed(&in, z + at, n - at < piece ? n - at : piece) == 0);
			CHECK(tin_finish(&in) == (cut ? 1 : 0));
			CHECK(t.total.rbytes == (cut ? 120u : 1120u) && t.total.wbytes == 3);
			if (cut)
				CHECK(strstr(in.err, "truncated") != NULL);
			tin_free(&in);
			tcsv_free(&c);
			top_free(&t);
		}
	{   /* a corrupt frame */
		struct top t;
		struct tcsv c;
		struct tin in;
		unsigned char bad[4096];
		memcpy(bad, z, len);
		bad[ends[0] + 8] ^= 0x55;
		top_init(&t, 100, 0);
		tcsv_init(&c, &t);
		tin_init(&in, &c, "z");
		CHECK(tin_feed(&in, bad, len) < 0 && strstr(in.err, "zstd") != NULL);
		tin_free(&in);
		tcsv_free(&c);
		top_free(&t);
	}
}

static const char *esc(const char *s, size_t n)
{
	static char out[256];
	struct json j;
	char *p;
	json_init(&j, -1);
	json_str(&j, s, n);
	p = json_take(&j, NULL);
	snprintf(out, sizeof out, "%s", p);
	free(p);
	return out;
}

static void test_json(void)
{
	struct json j;
	char *p;
	CHECK_STR(esc("plain", 5), "\"plain\"");
	CHECK_STR(esc("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(esc("\n\t\r\x01\x1f\x7f", 6), "\"\\n\\t\\r\\u0001\\u001f\\u007f\"");
	CHECK_STR(esc("</script>&", 10), "\"\\u003c/script\\u003e\\u0026\"");
	CHECK_STR(esc("caf\xc3\xa9 \xf0\x9f\x98\x80", 10), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	CHECK_STR(esc("\xe2\x80\xa8", 3), "\"\\u2028\"");
	/* not UTF-8: each bad byte is U+FFFD */
	CHECK_STR(esc("a\xff" "b", 3), "\"a\xef\xbf\xbd" "b\"");
	CHECK_STR(esc("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");            /* overlong */
	CHECK_STR(esc("\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  /* surrogate */
	CHECK_STR(esc("\xe2\x82", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");            /* cut short */
	CHECK_STR(esc("\0", 1), "\"\\u0000\"");
	json_init(&j, -1);
	json_obj(&j);
	json_key(&j, "a");
	json_arr(&j);
	json_u64(&j, 1);
	json_s64(&j, -2);
	json_obj(&j);
	json_key(&j, "b");
	json_null(&j);
	json_end(&j);
	json_end(&j);
	json_key(&j, "c");
	json_bool(&j, 1);
	json_key(&j, "d");
	json_double(&j, 0.5);
	json_key(&j, "e");
	json_cstr(&j, NULL);
	json_end(&j);
	p = json_take(&j, NULL);
	CHECK_STR(p, "{\"a\":[1,-2,{\"b\":null}],\"c\":true,\"d\":0.5,\"e\":null}");
	free(p);
}

static void test_fmt(void)
{
	char b[64];
	fmt_human(b, 0);
	CHECK_STR(b, "0");
	fmt_human(b, 99999);
	CHECK_STR(b, "99999");
	fmt_human(b, 100000);
	CHECK_STR(b, "97.7K");
	fmt_human(b, 1048576);
	CHECK_STR(b, "1.00M");
	fmt_human(b, 5.0 * 1024 * 1024 * 1024);
	CHECK_STR(b, "5.00G");
	fmt_safe(b, "a\x1b[2Jb", 6, 20);
	CHECK_STR(b, "a?[2Jb");
	fmt_safe(b, "\xff\xc3\xa9", 3, 20);
	CHECK_STR(b, "?\xc3\xa9");
	fmt_safe(b, "abcdefgh", 8, 5);
	CHECK_STR(b, "abcd~");
	CHECK(fmt_cols("\xc3\xa9t\xc3\xa9", 5) == 3);
}

int main(void)
{
	test_trace();
	test_layout();
	test_bad_headers();
	test_budget();
	test_zstd();
	test_json();
	test_fmt();
	return CHECK_DONE();
}
