/* kdgen — build kd_buf streams by hand for iotrc-kdebug's tests, one line
 * of a small text spec at a time, each tied to the kernel emit site it
 * imitates (shared/notes/macos-kdebug.md §3). Writes a bare sequence of
 * 64-byte little-endian kd_buf records, or a RAW_VERSION1 file.
 *
 *   kdgen < spec > out.kd        kdgen mix N [SEED] > out.kd (benchmark mix)
 *
 * Spec lines (numbers: decimal, 0x hex, or negative = two's complement):
 *   raw                                   write a RAW_VERSION1 file
 *   sort                                  order the events by time, as the
 *                                         kernel merges its per-CPU buffers (§3.9)
 *   thread TID PID NAME                   thread map entry (raw files)
 *   tag TEXT...                           our tag in the padding (raw files)
 *   ev TS TID CPU DEBUGID A1 A2 A3 A4     any event
 *   start TS TID CPU CALL A1 A2 A3 A4     syscall START (§3.5, systemcalls.c:543-554)
 *   end TS TID CPU CALL ERR RV0 RV1 PID   syscall END (arm systemcalls.c:222-225);
 *                                         RV0 given as a 32-bit int is sign-extended
 *   lookup TS TID CPU VNODE full|old|old> PATH
 *       VFS_LOOKUP chunks, one a tick: full = 15.4+ (whole path, last chunk
 *       zero-filled, vfs_lookup.c:2128-2178); old = before 15.4 (the last
 *       184 bytes, padding '\0'), old> = padding '>' (lookup stopped early;
 *       xnu-11215 vfs_lookup.c:1995-2019)
 *   issue TS TID CPU BUFID DEV BLKNO BYTES FLAGS   disk I/O issue (spec_vnops.c:2671)
 *   done TS TID CPU BUFID VNODE RESID ERR FLAGS    disk I/O done (vfs_bio.c:4257)
 *       FLAGS: comma list of read,async,meta,paging,throttle,passive,nocache or -
 *   newthread TS TID CPU NEWTID PID EXECCOPY NAME  TRACE_DATA/STRING_NEWTHREAD (thread.c:1576-1602);
 *                                                  TID creates it (for an exec, the exec'ing thread)
 *   exec TS TID CPU PID NAME                       TRACE_DATA/STRING_EXEC (kern_exec.c:2301-2307);
 *                                                  TID = arg5 = the new image's thread (:1505)
 *   exit TS TID CPU PID STATUS                     BSD_PROC_EXIT START+END (kern_exit.c:2194-2197,
 *                                                  2633-2636), on the process's last thread
 *   terminate TS TID CPU PID                       TRACE_DATA_THREAD_TERMINATE_PID (thread.c:549)
 * (tags xnu-11417.101.15; the same in the xnu-11215 tags)
 *   lost TS                                        TRACE_LOST_EVENTS (kdebug_common.c:630)
 * CALL is a syscall name from kdebug_systab.c or a number. */
#include "../../bin/kdebug/kdebug_defs.h"
#include "../../bin/kdebug/kdebug_systab.c"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *ev;
static size_t nev, capev;
static kd_threadmap map[4096];
static size_t nmap;
static char tag[512];
static int raw, sorted, line;

static void fail(const char *what)
{
	fprintf(stderr, "kdgen: line %d: %s\n", line, what);
	exit(1);
}

static uint64_t num(const char *s)
{
	char *e;
	if (!s)
		fail("missing number");
	errno = 0;
	if (s[0] == '-') {
		long long v = strtoll(s, &e, 0);
		if (*e || errno)
			fail("bad number");
		return (uint64_t)v;
	}
	unsigned long long v = strtoull(s, &e, 0);
	if (*e || errno)
		fail("bad number");
	return v;
}

static void put(uint64_t ts, uint32_t debugid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t tid, uint32_t cpu)
{
	kd_buf e = { ts, a1, a2, a3, a4, tid, debugid, cpu, 0 };
	if (nev == capev) {
		capev = capev ? 2 * capev : 1024;
		ev = realloc(ev, capev * 64);
		if (!ev)
			fail("out of memory");
	}
	kd_buf_store(ev + 64 * nev++, &e);
}

static uint32_t callno(const char *s)
{
	if (!s)
		fail("missing call");
	if (s[0] >= '0' && s[0] <= '9')
		return (uint32_t)num(s);
	for (uint32_t i = 0; i < KD_NSYS; i++)
		if (kd_systab[i].name && strcmp(kd_systab[i].name, s) == 0)
			return i;
	fail("unknown call");
	return 0;
}

static uint64_t word(const char *p)
{
	return kd_le64((const unsigned char *)p);
}

/* kdebug_vfs_lookup: START {vnode, 24 bytes}, then 32 bytes a record,
 * END on the last; the first record is START|END when it all fits. */
static void lookup(uint64_t ts, uint64_t tid, uint32_t cpu, uint64_t vnode, const char *mode,
                   const char *path)
{
	char words[2048];
	size_t len = strlen(path), plen;
	uint32_t code = KD_VFS_LOOKUP | KD_FUNC_START;
	memset(words, 0, sizeof words);
	if (strcmp(mode, "full") == 0) {
		if (len + 1 > sizeof words)
			fail("path too long");
		memcpy(words, path, len);
		plen = len;
	} else {
		/* before 15.4: the tail, at most NUMPARMS*8 bytes, padded */
		size_t keep = len < KD_LOOKUP_TAIL_MAX ? len : KD_LOOKUP_TAIL_MAX;
		memset(words, strcmp(mode, "old>") == 0 ? '>' : 0, KD_LOOKUP_TAIL_MAX);
		memcpy(words, path + len - keep, keep);
		plen = keep;
	}
	if (plen <= 24)
		code |= KD_FUNC_END;
	put(ts++, code, vnode, word(words), word(words + 8), word(words + 16), tid, cpu);
	code &= ~KD_FUNC_START;
	for (size_t i = 24; i < plen; i += 32) {
		if (i + 32 >= plen)
			code |= KD_FUNC_END;
		put(ts++, code, word(words + i), word(words + i + 8), word(words + i + 16),
		    word(words + i + 24), tid, cpu);
	}
}

static uint32_t dkflags(const char *s)
{
	static const struct { const char *n; uint32_t b; } f[] = {
		{ "read", DKIO_READ }, { "async", DKIO_ASYNC }, { "meta", DKIO_META },
		{ "paging", DKIO_PAGING }, { "throttle", DKIO_THROTTLE }, { "passive", DKIO_PASSIVE },
		{ "nocache", DKIO_NOCACHE },
	};
	uint32_t b = 0;
	char buf[256], *tok, *save;
	if (!s || strcmp(s, "-") == 0)
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof f / sizeof f[0] && strcmp(f[i].n, tok); i++)
			;
		if (i == sizeof f / sizeof f[0])
			fail("unknown disk flag");
		b |= f[i].b;
	}
	return b;
}

static void name32(const char *s, uint64_t w[4])
{
	char b[32];
	memset(b, 0, sizeof b);
	strncpy(b, s ? s : "", sizeof b);
	for (int i = 0; i < 4; i++)
		w[i] = word(b + 8 * i);
}

static void spec_line(char *s)
{
	char *t[12], *save, *rest = NULL;
	int n = 0;
	uint64_t w[4];
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = 0;
	if (s[0] == '#' || s[strspn(s, " \t")] == 0)
		return;
	/* lookup and tag take the rest of the line */
	for (char *p = strtok_r(s, " \t", &save); p && n < 12; p = strtok_r(NULL, " \t", &save)) {
		t[n++] = p;
		if ((n == 6 && strcmp(t[0], "lookup") == 0) || (n == 1 && strcmp(t[0], "tag") == 0)) {
			rest = strtok_r(NULL, "", &save);
			break;
		}
	}
	for (int i = n; i < 12; i++)
		t[i] = NULL;
	if (strcmp(t[0], "raw") == 0)
		raw = 1;
	else if (strcmp(t[0], "sort") == 0)
		sorted = 1;
	else if (strcmp(t[0], "tag") == 0)
		snprintf(tag, sizeof tag, "%s%s\n", KD_TAG, rest ? rest : "");
	else if (strcmp(t[0], "thread") == 0) {
		if (nmap == sizeof map / sizeof map[0])
			fail("too many threads");
		map[nmap].thread = num(t[1]);
		map[nmap].valid = (int32_t)num(t[2]);
		strncpy(map[nmap].command, t[3] ? t[3] : "", sizeof map[nmap].command - 1);
		nmap++;
	} else if (strcmp(t[0], "ev") == 0)
		put(num(t[1]), (uint32_t)num(t[4]), num(t[5]), num(t[6]), num(t[7]), num(t[8]), num(t[2]),
		    (uint32_t)num(t[3]));
	else if (strcmp(t[0], "start") == 0)
		put(num(t[1]), KD_SYSCALL(callno(t[4])) | KD_FUNC_START, num(t[5]), num(t[6]), num(t[7]),
		    num(t[8]), num(t[2]), (uint32_t)num(t[3]));
	else if (strcmp(t[0], "end") == 0) {
		/* uu_rval is int[2]: each half arrives sign-extended (§3.5) */
		uint64_t rv0 = (uint64_t)(int64_t)(int32_t)(uint32_t)num(t[6]);
		uint64_t rv1 = (uint64_t)(int64_t)(int32_t)(uint32_t)num(t[7]);
		uint64_t err = (uint64_t)(int64_t)(int32_t)(uint32_t)num(t[5]);
		put(num(t[1]), KD_SYSCALL(callno(t[4])) | KD_FUNC_END, err, rv0, rv1, num(t[8]), num(t[2]),
		    (uint32_t)num(t[3]));
	} else if (strcmp(t[0], "lookup") == 0) {
		if (!t[5] || !rest)
			fail("lookup TS TID CPU VNODE MODE PATH");
		lookup(num(t[1]), num(t[2]), (uint32_t)num(t[3]), num(t[4]), t[5], rest);
	} else if (strcmp(t[0], "issue") == 0)
		put(num(t[1]), KD_DEBUGID(3, 2, dkflags(t[8])), num(t[4]), num(t[5]), num(t[6]), num(t[7]),
		    num(t[2]), (uint32_t)num(t[3]));
	else if (strcmp(t[0], "done") == 0)
		put(num(t[1]), KD_DEBUGID(3, 2, DKIO_DONE | dkflags(t[8])), num(t[4]), num(t[5]), num(t[6]),
		    (uint64_t)(int64_t)(int32_t)num(t[7]), num(t[2]), (uint32_t)num(t[3]));
	else if (strcmp(t[0], "newthread") == 0) {
		put(num(t[1]), KD_TRACE_DATA_NEWTHREAD, num(t[4]), num(t[5]), num(t[6]), 0, num(t[2]),
		    (uint32_t)num(t[3]));
		name32(t[7], w);
		put(num(t[1]) + 1, KD_TRACE_STRING_NEWTHREAD, w[0], w[1], w[2], w[3], num(t[2]),
		    (uint32_t)num(t[3]));
	} else if (strcmp(t[0], "exec") == 0) {
		put(num(t[1]), KD_TRACE_DATA_EXEC, num(t[4]), 0x1000004, 12345, 0, num(t[2]), (uint32_t)num(t[3]));
		name32(t[5], w);
		put(num(t[1]) + 1, KD_TRACE_STRING_EXEC, w[0], w[1], w[2], w[3], num(t[2]), (uint32_t)num(t[3]));
	} else if (strcmp(t[0], "exit") == 0) {
		put(num(t[1]), KD_BSD_PROC_EXIT | KD_FUNC_START, num(t[4]), num(t[5]), 0, 0, num(t[2]),
		    (uint32_t)num(t[3]));
		put(num(t[1]) + 1, KD_BSD_PROC_EXIT | KD_FUNC_END, num(t[4]), num(t[5]), 0, 0, num(t[2]),
		    (uint32_t)num(t[3]));
	} else if (strcmp(t[0], "terminate") == 0)
		put(num(t[1]), KD_TRACE_DATA_THREAD_TERMINATE_PID, num(t[4]), 0, 0, 0, num(t[2]),
		    (uint32_t)num(t[3]));
	else if (strcmp(t[0], "lost") == 0)
		put(num(t[1]), KD_TRACE_LOST_EVENTS, 1, 0, 0, 0, 0, 0);
	else
		fail("unknown line");
}

/* stable: events with equal times keep the spec's order */
static void sort_events(void)
{
	unsigned char tmp[64];
	for (size_t i = 1; i < nev; i++)
		for (size_t j = i; j > 0 && kd_le64(ev + 64 * (j - 1)) > kd_le64(ev + 64 * j); j--) {
			memcpy(tmp, ev + 64 * j, 64);
			memcpy(ev + 64 * j, ev + 64 * (j - 1), 64);
			memcpy(ev + 64 * (j - 1), tmp, 64);
		}
}

static void out(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n)
		fail("write failed");
}

static void write_raw_header(void)
{
	unsigned char h[24] = { 0 }, m[32];
	size_t off = 24 + 32 * nmap, pad = (KD_RAW_ALIGN - off % KD_RAW_ALIGN) % KD_RAW_ALIGN;
	char *zeros;
	kd_put32(h, KD_RAW_VERSION1);
	kd_put32(h + 4, (uint32_t)nmap);
	kd_put64(h + 8, 1763900000);
	out(h, sizeof h);
	for (size_t i = 0; i < nmap; i++) {
		memset(m, 0, sizeof m);
		kd_put64(m, map[i].thread);
		kd_put32(m + 8, (uint32_t)map[i].valid);
		memcpy(m + 12, map[i].command, 20);
		out(m, sizeof m);
	}
	if (pad < strlen(tag) + 1)
		pad += KD_RAW_ALIGN;
	zeros = calloc(1, pad);
	memcpy(zeros, tag, strlen(tag));
	out(zeros, pad);
	free(zeros);
}

/* A realistic mix for the benchmark: many threads in a few processes doing
 * reads, writes, preads, opens (with lookups), closes, stats and disk I/O. */
static void mix(uint64_t n, uint64_t seed)
{
	uint64_t ts = 1000000, x = seed ? seed : 88172645463325252ull;
	char path[128];
	while (nev < n) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t tid = 1000 + x % 64, pid = 100 + (tid % 8), r = (x >> 16) % 100;
		uint32_t cpu = (uint32_t)(tid % 8);
		int fd = 3 + (int)((x >> 32) % 16);
		if (r < 35) {
			put(ts++, KD_SYSCALL(396) | 1, (uint64_t)fd, 0x7000, 4096, 0, tid, cpu);
			put(ts++, KD_SYSCALL(396) | 2, 0, 4096, 0, pid, tid, cpu);
		} else if (r < 55) {
			put(ts++, KD_SYSCALL(4) | 1, (uint64_t)fd, 0x7000, 512, 0, tid, cpu);
			put(ts++, KD_SYSCALL(4) | 2, 0, 512, 0, pid, tid, cpu);
		} else if (r < 65) {
			put(ts++, KD_SYSCALL(153) | 1, (uint64_t)fd, 0x7000, 16384, (x >> 20) % (1u << 30), tid, cpu);
			put(ts++, KD_SYSCALL(153) | 2, 0, 16384, 0, pid, tid, cpu);
		} else if (r < 75) {
			snprintf(path, sizeof path, "/Users/me/Library/Caches/app/data-%llu.db",
			         (unsigned long long)(x % 5000));
			put(ts++, KD_SYSCALL(398) | 1, 0x1000, 0x1000000, 0644, 0, tid, cpu);
			lookup(ts, tid, cpu, 0xff00000000000000ull | (x % 5000), "full", path);
			ts += 3;
			put(ts++, KD_SYSCALL(398) | 2, 0, (uint64_t)fd, 0, pid, tid, cpu);
		} else if (r < 85) {
			put(ts++, KD_SYSCALL(399) | 1, (uint64_t)fd, 0, 0, 0, tid, cpu);
			put(ts++, KD_SYSCALL(399) | 2, 0, 0, 0, pid, tid, cpu);
		} else if (r < 95) {
			snprintf(path, sizeof path, "/usr/lib/lib%llu.dylib", (unsigned long long)(x % 300));
			put(ts++, KD_SYSCALL(338) | 1, 0x2000, 0x3000, 0, 0, tid, cpu);
			lookup(ts, tid, cpu, 0xfe00000000000000ull | (x % 300), "full", path);
			ts += 2;
			put(ts++, KD_SYSCALL(338) | 2, 0, 0, 0, pid, tid, cpu);
		} else {
			uint64_t buf = 0xfd00000000000000ull | (x % 1024);
			put(ts++, KD_DEBUGID(3, 2, DKIO_READ | DKIO_ASYNC), buf, 0x1000004, x % 100000000, 65536, tid, cpu);
			put(ts + 50, KD_DEBUGID(3, 2, DKIO_DONE | DKIO_READ | DKIO_ASYNC), buf,
			    0xff00000000000000ull | (x % 5000), 0, 0, 0, cpu ^ 1);
			ts++;
		}
	}
	nev = n < nev ? n : nev;
}

int main(int argc, char **argv)
{
	char buf[4096];
	if (argc >= 3 && strcmp(argv[1], "mix") == 0)
		mix(num(argv[2]), argc > 3 ? num(argv[3]) : 0);
	else if (argc != 1) {
		fprintf(stderr, "usage: kdgen < spec > out.kd | kdgen mix N [SEED] > out.kd\n");
		return 2;
	} else
		while (fgets(buf, sizeof buf, stdin)) {
			line++;
			spec_line(buf);
		}
	if (sorted)
		sort_events();
	if (raw)
		write_raw_header();
	out(ev, nev * 64);
	return fflush(stdout) == 0 ? 0 : 1;
}
