/* gen-records — a deterministic generator of realistic engine record
 * streams (iotrc-records(5)) for benchmarks and load tests.
 *
 *   gen-records [-s vfs|io|net] [-n COUNT] [-p PIDS] [-f PATHS] [-l LIVE] [-S SEED]
 *
 * vfs mix (per 100 records): 38 read/pread, 24 write/pwrite, 10 open/openat
 * (2 of them failing with ENOENT), 10 close, 4 fsync, 3 dup/dup2, 3 mmap,
 * 2 rename, 2 unlink, 1 mkdir, 1 truncate, 2 chdir/other; PIDS processes
 * (default 500) each with up to 64 open descriptors naming PATHS distinct
 * files (default 20000). -l LIVE first opens LIVE (pid, fd) pairs that are
 * never closed (the parser's memory test), spread over LIVE/100 pids.
 * io: block completions; net: socket/connect/accept/bind/listen/shutdown. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}
#define R(n) (next() % (uint64_t)(n))

static uint64_t mono = 24000000000ull, wall = 1763900000000000000ull;
static char out[1 << 16];
static size_t olen;

static void flush(void)
{
	if (olen && fwrite(out, 1, olen, stdout) != olen)
		exit(1);
	olen = 0;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;
	int n;
	if (olen > sizeof out - 4096)
		flush();
	va_start(ap, fmt);
	n = vsnprintf(out + olen, sizeof out - olen, fmt, ap);
	va_end(ap);
	olen += (size_t)n;
}

static const char *const dirs[] = { "/Users/ann/src/project", "/System/Library/Frameworks",
	"/private/var/folders/xy/T", "/Library/Caches/com.apple.Safari", "/usr/lib", "/Applications/Mail.app/Contents" };
static const char *const exts[] = { ".c", ".h", ".o", ".dylib", ".plist", ".db", ".json", "", ".log", ".txt" };
static const char *const cmds[] = { "mds_stores", "Safari", "clang", "make", "Mail", "cp", "zsh", "backupd", "Finder", "git" };

static void path(uint64_t k, char *buf)
{
	snprintf(buf, 256, "%s/dir%llu/file%llu%s", dirs[k % 6], (unsigned long long)(k / 7 % 97),
	         (unsigned long long)k, exts[k % 10]);
}

#define P "\001"
static void prefix(const char *op, unsigned pid)
{
	mono += 1 + R(50);
	wall += 24;
	emit("%s" P "%u" P "1" P "%llu" P "%s" P "%llu" P "%llu" P, op, pid,
	     (unsigned long long)(100000 + pid * 8 + R(4)), cmds[pid % 10],
	     (unsigned long long)wall, (unsigned long long)mono);
}

static void vfs_rec(unsigned pid, int fd, uint64_t npaths)
{
	unsigned k = (unsigned)R(100);
	char pbuf[256], p2[256];
	path(R(npaths), pbuf);
	if (k < 38) {
		prefix(k & 1 ? "pread" : "read_nocancel", pid);
		emit("%llu" P "0" P "%llu" P "%d" P "-1" P P P "%llu" P "%lld" P "0" P "0\n", (unsigned long long)R(65536),
		     (unsigned long long)(mono - 3), fd, (unsigned long long)(1 << R(17)), k & 1 ? (long long)R(1 << 20) : -1LL);
	} else if (k < 62) {
		prefix(k & 1 ? "pwrite" : "write_nocancel", pid);
		emit("%llu" P "0" P "%llu" P "%d" P "-1" P P P "%llu" P "%lld" P "0" P "0\n", (unsigned long long)R(8192),
		     (unsigned long long)(mono - 5), fd, (unsigned long long)R(8192), k & 1 ? (long long)R(1 << 20) : -1LL);
	} else if (k < 72) {
		int fail = k < 64;
		prefix(k & 1 ? "openat_nocancel" : "open", pid);
		emit("%d" P "%d" P "%llu" P "%d" P "-1" P "%s" P P "0" P "-1" P "%d" P "420\n", fail ? -1 : fd, fail ? 2 : 0,
		     (unsigned long long)(mono - 9), k & 1 ? -2 : -1, pbuf, k & 2 ? 0x1000000 : 0x601);
	} else if (k < 82) {
		prefix("close_nocancel", pid);
		emit("0" P "0" P "%llu" P "%d" P "-1" P P P "0" P "-1" P "0" P "0\n", (unsigned long long)(mono - 2), fd);
	} else if (k < 86) {
		prefix("fsync", pid);
		emit("0" P "0" P "%llu" P "%d" P "-1" P P P "0" P "-1" P "0" P "0\n", (unsigned long long)(mono - 900), fd);
	} else if (k < 89) {
		prefix(k & 1 ? "dup2" : "dup", pid);
		emit("%d" P "0" P "%llu" P "%d" P "%d" P P P "0" P "-1" P "0" P "0\n", fd + 1, (unsigned long long)(mono - 2), fd, fd + 1);
	} else if (k < 92) {
		prefix("mmap", pid);
		emit("%llu" P "0" P "%llu" P "%d" P "-1" P P P "%llu" P "0" P "2" P "1\n", (unsigned long long)(0x100000000ull + R(1 << 30) * 4096),
		     (unsigned long long)(mono - 4), fd, (unsigned long long)(16384 << R(4)));
	} else if (k < 94) {
		path(R(npaths), p2);
		prefix("rename", pid);
		emit("0" P "0" P "%llu" P "-1" P "-1" P "%s" P "%s" P "0" P "-1" P "0" P "0\n", (unsigned long long)(mono - 7), pbuf, p2);
	} else if (k < 96) {
		prefix("unlink", pid);
		emit("0" P "0" P "%llu" P "-1" P "-1" P "%s" P P "0" P "-1" P "0" P "0\n", (unsigned long long)(mono - 7), pbuf);
	} else if (k < 97) {
		prefix("mkdir", pid);
		emit("-1" P "17" P "%llu" P "-1" P "-1" P "%s" P P "0" P "-1" P "0" P "493\n", (unsigned long long)(mono - 7), pbuf);
	} else if (k < 98) {
		prefix("ftruncate", pid);
		emit("0" P "0" P "%llu" P "%d" P "-1" P P P "%llu" P "-1" P "0" P "0\n", (unsigned long long)(mono - 7), fd, (unsigned long long)R(1 << 20));
	} else {
		prefix("chdir", pid);
		emit("0" P "0" P "%llu" P "-1" P "-1" P "%s" P P "0" P "-1" P "0" P "0\n", (unsigned long long)(mono - 3), dirs[R(6)]);
	}
}

static void io_rec(unsigned pid)
{
	uint64_t bytes = 4096ull << R(6);
	prefix("done", pid);
	emit("1" P "%llu" P "%llu" P "%llu" P "0" P "%llu" P "0" P "%llu" P "%llu" P "\n", (unsigned long long)R(8),
	     (unsigned long long)R(1ull << 30), (unsigned long long)bytes, (unsigned long long)(R(3) ? 0x2 : 0x183),
	     (unsigned long long)(mono - 1000 - R(100000)), (unsigned long long)R(8));
}

static void net_rec(unsigned pid, int fd)
{
	static const char *const ops[] = { "socket", "connect", "accept", "bind", "listen", "shutdown" };
	unsigned k = (unsigned)R(6), v6 = (unsigned)R(2);
	prefix(ops[k], pid);
	emit("%d" P "0" P "%llu" P "%d" P "%d" P "1" P "6" P "%d" P "%llu" P "%s\n", k == 0 || k == 2 ? fd : 0,
	     (unsigned long long)(mono - 100 - R(10000)), k == 0 ? -1 : fd, v6 ? 30 : 2, k == 4 ? 128 : k == 5 ? 2 : 0,
	     (unsigned long long)(1024 + R(60000)), v6 ? "20010db8000000000000000000000001" : "7f000001");
}

int main(int argc, char **argv)
{
	const char *stream = "vfs";
	uint64_t n = 1000000, npids = 500, npaths = 20000, live = 0;
	int c;
	while ((c = getopt(argc, argv, "s:n:p:f:l:S:")) != -1) {
		switch (c) {
		case 's': stream = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'p': npids = strtoull(optarg, NULL, 10); break;
		case 'f': npaths = strtoull(optarg, NULL, 10); break;
		case 'l': live = strtoull(optarg, NULL, 10); break;
		case 'S': rng = strtoull(optarg, NULL, 10) | 1; break;
		default:
			fprintf(stderr, "usage: gen-records [-s vfs|io|net] [-n COUNT] [-p PIDS] [-f PATHS] [-l LIVE] [-S SEED]\n");
			return 2;
		}
	}
	if (!npids || !npaths || (strcmp(stream, "vfs") && strcmp(stream, "io") && strcmp(stream, "net"))) {
		fprintf(stderr, "gen-records: bad arguments\n");
		return 2;
	}
	emit("#iotrc-records 1 stream=%s engine=fixture os=darwin clock=mach timebase=125/3\n", stream);
	for (uint64_t i = 0; i < live; i++) {   /* never closed */
		char pbuf[256];
		path(R(npaths), pbuf);
		prefix("open", (unsigned)(100000 + i / 100));
		emit("%d" P "0" P "%llu" P "-1" P "-1" P "%s" P P "0" P "-1" P "0" P "0\n", (int)(1000 + i % 100),
		     (unsigned long long)(mono - 9), pbuf);
	}
	for (uint64_t i = 0; i < n; i++) {
		unsigned pid = (unsigned)(1000 + R(npids));
		int fd = (int)(3 + R(64));
		if (!strcmp(stream, "vfs"))
			vfs_rec(pid, fd, npaths);
		else if (!strcmp(stream, "io"))
			io_rec(pid);
		else
			net_rec(pid, fd);
	}
	flush();
	return fflush(stdout) == 0 ? 0 : 1;
}
