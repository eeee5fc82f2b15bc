/* test_kdebug.c — the kdebug engine's tables and its bounded hash table:
 * syscall numbers against the notes (typed here from
 * notes/macos-kdebug.md §3.5 and notes/macos-dtrace.md §1.4, not from the
 * table), every name a real DTrace probefunc (shared/tools/dlint's list),
 * the ABI sizes, and kd_tab against a reference under eviction. Linked
 * with bin/kdebug/kdebug_*.c (Makefile "unitmods"). */
#include "check.h"
#include "kdebug_decode.h"
#include "kdebug_int.h"
#include "kdebug_defs.h"
#include "kdebug_replay.h"
#include "kdebug_systab.h"
#include "kdtab.h"
#include "records.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_numbers(void)
{
	/* §3.5: event ids 0x040C0000 + 4n */
	static const struct { uint32_t id; const char *name; } ids[] = {
		{ 0x040c000c, "read" }, { 0x040c0010, "write" }, { 0x040c0014, "open" },
		{ 0x040c0018, "close" }, { 0x040c0264, "pread" }, { 0x040c073c, "openat" },
		{ 0x040c0184, "socket" }, { 0x040c0188, "connect" }, { 0x040c01a0, "bind" },
		{ 0x040c01a8, "listen" }, { 0x040c0078, "accept" },
	};
	/* macos-dtrace.md §1.4 */
	static const struct { int n; const char *name; } nums[] = {
		{ 396, "read_nocancel" }, { 397, "write_nocancel" }, { 398, "open_nocancel" },
		{ 399, "close_nocancel" }, { 414, "pread_nocancel" }, { 415, "pwrite_nocancel" },
		{ 463, "openat" }, { 464, "openat_nocancel" }, { 540, "preadv" }, { 543, "pwritev_nocancel" },
		{ 447, "connectx" }, { 404, "accept_nocancel" }, { 409, "connect_nocancel" },
		{ 486, "guarded_pwrite_np" }, { 442, "guarded_close_np" }, { 92, "fcntl" },
		{ 90, "dup2" }, { 41, "dup" }, { 472, "unlinkat" }, { 488, "renameatx_np" },
		{ 517, "fclonefileat" }, { 462, "clonefileat" }, { 12, "chdir" }, { 13, "fchdir" },
		{ 2, "fork" }, { 66, "vfork" }, { 59, "execve" }, { 244, "posix_spawn" }, { 134, "shutdown" },
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const struct kd_sysent *e = kd_sys(KD_CODE(ids[i].id));
		CHECK((ids[i].id & 0xffff0000u) == 0x040c0000u);
		CHECK(e != NULL);
		if (e)
			CHECK_STR(e->name, ids[i].name);
		CHECK(KD_SYSCALL(KD_CODE(ids[i].id)) == ids[i].id);
	}
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		const struct kd_sysent *e = kd_sys((uint32_t)nums[i].n);
		CHECK(e != NULL);
		if (e)
			CHECK_STR(e->name, nums[i].name);
	}
	CHECK(kd_sys(KD_NSYS) == NULL);
	CHECK(kd_sys(0) == NULL);
	/* 64-bit results: the ssize_t calls; fds: int */
	CHECK(kd_sys(3)->flags & SYF_RET64);
	CHECK(kd_sys(153)->flags & SYF_RET64);
	CHECK(!(kd_sys(5)->flags & SYF_RET64));
	CHECK(kd_sys(104)->flags & SYF_LOCAL);
}

/* Every name is a syscall provider probefunc; every *_nocancel has its
 * base call in the table with the same stream and shape. */
static void test_names(void)
{
	const char *shared = getenv("SHARED");
	char path[1024], line[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/tools/dlint/lib/macos-syscalls.txt", shared ? shared : "../shared");
	f = fopen(path, "r");
	if (!f)
		printf("note: %s missing: names not checked against dlint's list\n", path);
	for (uint32_t i = 0; i < KD_NSYS; i++) {
		const char *nm = kd_systab[i].name, *nc;
		int found = 0;
		if (!nm)
			continue;
		if (f) {
			rewind(f);
			while (fgets(line, sizeof line, f))
				if (line[0] != '#' && strncmp(line, nm, strlen(nm)) == 0 && line[strlen(nm)] == '\n')
					found = 1;
			if (!found)
				fprintf(stderr, "not a probefunc: %s\n", nm);
			CHECK(found);
		}
		if ((nc = strstr(nm, "_nocancel"))) {
			size_t bl = (size_t)(nc - nm);
			int base = 0;
			for (uint32_t j = 0; j < KD_NSYS; j++)
				if (kd_systab[j].name && strlen(kd_systab[j].name) == bl &&
				    strncmp(kd_systab[j].name, nm, bl) == 0) {
					base = 1;
					CHECK(kd_systab[j].stream == kd_systab[i].stream);
					CHECK(kd_systab[j].shape == kd_systab[i].shape);
				}
			CHECK(base);
		}
	}
	if (f)
		fclose(f);
}

static void test_debugids(void)
{
	CHECK(KD_VFS_LOOKUP == KD_DEBUGID(3, 1, 36));      /* FSDBG_CODE(DBG_FSRW,36) */
	CHECK(KD_VFS_LOOKUP_DONE == KD_DEBUGID(3, 1, 39));
	CHECK(KD_TRACE_DATA_NEWTHREAD == KD_DEBUGID(7, 0, 1));
	CHECK(KD_TRACE_DATA_EXEC == KD_DEBUGID(7, 0, 2));
	CHECK(KD_TRACE_DATA_THREAD_TERMINATE_PID == KD_DEBUGID(7, 0, 4));
	CHECK(KD_TRACE_STRING_NEWTHREAD == KD_DEBUGID(7, 1, 1));
	CHECK(KD_TRACE_STRING_EXEC == KD_DEBUGID(7, 1, 2));
	CHECK(KD_TRACE_LOST_EVENTS == KD_DEBUGID(7, 2, 2));
	CHECK(KD_BSD_PROC_EXIT == KD_DEBUGID(4, 1, 1));
	CHECK(KD_CSC(KD_DEBUGID(3, 2, DKIO_DONE | DKIO_READ)) == KD_CSC_DKRW);
	CHECK(KD_CODE(KD_DEBUGID(3, 2, DKIO_DONE | DKIO_READ)) == (DKIO_DONE | DKIO_READ));
	CHECK(KD_FUNC(0x040c0015u) == KD_FUNC_START && KD_FUNC(0x040c0016u) == KD_FUNC_END);
}

static void test_layout(void)
{
	unsigned char b[64];
	kd_buf e = { 1, 2, 3, 4, 5, 6, 0x040c0015u, 7, 0 }, f;
	kd_buf_store(b, &e);
	CHECK(b[0] == 1 && b[8] == 2 && b[40] == 6 && b[48] == 0x15 && b[51] == 0x04 && b[52] == 7);
	kd_buf_load(&f, b);
	CHECK(memcmp(&e, &f, sizeof e) == 0);
	CHECK(kd_le32((const unsigned char *)"\x01\x01\xaa\x55") == KD_RAW_VERSION1);
}

static uint64_t evicted;
static void count_evict(void *ctx, uint64_t key, void *val)
{
	(void)ctx;
	CHECK(*(uint64_t *)val == key * 3);
	evicted++;
}

/* kd_tab against a plain array: inserts, deletes, lookups, eviction at
 * the cap; values stay attached to their keys through shifts and growth. */
static void test_tab(void)
{
	enum { KEYS = 4000, CAP = 1000 };
	static int present[KEYS];
	struct kd_tab t;
	uint64_t x = 12345;
	int isnew;
	size_t live = 0;
	kdtab_init(&t, sizeof(uint64_t), CAP);
	t.on_evict = count_evict;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t k = x % KEYS;
		uint64_t *v;
		switch ((x >> 32) % 3) {
		case 0:
			v = kdtab_put(&t, k, &isnew);
			if (!isnew)
				CHECK(*v == k * 3);
			*v = k * 3;
			break;
		case 1:
			kdtab_del(&t, k);
			break;
		default:
			v = kdtab_get(&t, k);
			if (v)
				CHECK(*v == k * 3);
		}
		CHECK(t.count <= CAP);
	}
	for (int k = 0; k < KEYS; k++)
		if ((present[k] = kdtab_get(&t, (uint64_t)k) != NULL))
			live++;
	CHECK(live == t.count);
	CHECK(evicted == t.evictions && evicted > 0);
	CHECK(t.size <= 4 * CAP);
	kdtab_free(&t);
}

/* --record's file head read back by --replay, for every thread map size
 * modulo a page: the map, the tag and the first event must come back,
 * also when the map ends just short of a 4 KiB boundary and the tag does
 * not fit in the padding left there. */
static void test_raw_head(void)
{
	static const char tag[] = KD_TAG "timebase=125/3 wall_offset_ns=1763900000000000000 lookup=full\n";
	kd_threadmap map[300];
	int bad = 0;
	memset(map, 0, sizeof map);
	for (size_t i = 0; i < 300; i++) {
		map[i].thread = 1000 + i;
		map[i].valid = (int32_t)(100 + i);
		snprintf(map[i].command, sizeof map[i].command, "cmd%zu", i);
	}
	for (size_t nmap = 0; nmap <= 300; nmap++) {
		size_t n;
		unsigned char *h = kd_raw_head(map, nmap, 1763900000, tag, &n), *f = malloc(n + 64);
		kd_buf e = { 4242, 1, 2, 3, 4, 77, KD_SYSCALL(3) | KD_FUNC_START, 1, 0 }, got;
		struct kd_replay r;
		char err[128];
		int ok;
		memcpy(f, h, n);
		kd_buf_store(f + n, &e);
		ok = n % KD_RAW_ALIGN == 0 && kd_replay_open_mem(&r, f, n + 64, err, sizeof err) == 0;
		ok = ok && r.raw && r.nmap == nmap && r.has_tb && r.tb_numer == 125 && r.tb_denom == 3 &&
		     r.has_wall && r.lookup_mode == KD_LOOKUP_FULL;
		for (size_t i = 0; ok && i < nmap; i++)
			ok = r.map[i].thread == 1000 + i && r.map[i].valid == (int32_t)(100 + i) &&
			     strcmp(r.map[i].command, map[i].command) == 0;
		ok = ok && kd_replay_read(&r, &got, 1) == 1 && got.timestamp == 4242 && got.arg5 == 77 &&
		     kd_replay_read(&r, &got, 1) == 0 && r.junk == 0;
		if (!ok && bad++ < 3)
			printf("raw head with %zu map entries does not read back\n", nmap);
		kd_replay_close(&r);
		free(h), free(f);
	}
	CHECK(bad == 0);
}

/* The lookup format from kern.osrelease, the Darwin version (kdebug_decode.c
 * kd_lookup_mode_of_release): Darwin 24.4.0 = xnu-11417.101.15 = macOS
 * 15.4 logs whole paths (vfs_lookup.c:2189-2192), 24.3.0 = xnu-11215.81.4
 * = 15.3 the last 184 bytes (:2082-2105); a product version such as the
 * compat "10.16" (kern_sysctl.c:2028-2042) or "15.4" is not a Darwin
 * version and must not pick the old format. */
static void test_lookup_release(void)
{
	static const struct { const char *rel; int mode; } c[] = {
		{ "24.4.0", KD_LOOKUP_FULL }, { "24.5.0", KD_LOOKUP_FULL }, { "24.6.0", KD_LOOKUP_FULL },
		{ "24.4", KD_LOOKUP_FULL }, { "24.3.0", KD_LOOKUP_TAIL }, { "24.0.0", KD_LOOKUP_TAIL },
		{ "24", KD_LOOKUP_TAIL }, { "23.6.0", KD_LOOKUP_TAIL }, { "20.1.0", KD_LOOKUP_TAIL },
		{ "25.0.0", KD_LOOKUP_AUTO }, { "19.6.0", KD_LOOKUP_AUTO }, { "10.16", KD_LOOKUP_AUTO },
		{ "15.4", KD_LOOKUP_AUTO }, { "15.3.1", KD_LOOKUP_AUTO }, { "", KD_LOOKUP_AUTO },
		{ "x24.4", KD_LOOKUP_AUTO }, { "24x", KD_LOOKUP_AUTO },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int m = kd_lookup_mode_of_release(c[i].rel);
		if (m != c[i].mode)
			printf("release \"%s\": mode %d, want %d\n", c[i].rel, m, c[i].mode);
		CHECK(m == c[i].mode);
	}
	CHECK(kd_lookup_mode_of_release(NULL) == KD_LOOKUP_AUTO);
}

/* kd_path_fits: a known path names a lookup string when it ends with the
 * string's components after the last "." or ".." (relative), or with
 * its bytes (a cut tail). */
static void test_path_fits(void)
{
	const char *k = "/opt/homebrew/Cellar/py/3.12/lib/os.py";
	size_t kn = strlen(k);
#define FITS(s, fl) kd_path_fits(k, kn, s, strlen(s), fl)
	CHECK(FITS("../Cellar/py/3.12/lib/os.py", KP_REL));
	CHECK(FITS("../../x/../lib/os.py", KP_REL));
	CHECK(FITS("lib/os.py", KP_REL));
	CHECK(FITS("os.py", KP_REL));
	CHECK(FITS("../Cellar/py/3.12/lib/os.py", KP_REL | KP_TAIL | KP_AMBIG));
	CHECK(!FITS("../Cellar/py/3.12/lib/missing.py", KP_REL));
	CHECK(!FITS("s.py", KP_REL));                 /* a whole component, not bytes */
	CHECK(!FITS("..", KP_REL));
	CHECK(!FITS("lib/..", KP_REL));
	CHECK(!FITS("", KP_REL));
	CHECK(FITS("ib/os.py", KP_TAIL));             /* a cut tail: bytes */
	CHECK(!FITS("ib/os.pyc", KP_TAIL));
	CHECK(kd_path_fits("/a/lib/", 7, "lib", 3, KP_REL));
	CHECK(!kd_path_fits("rel/lib", 7, "lib", 3, KP_REL));
#undef FITS
}

/* Live, an open's relative lookup string is settled by the new
 * descriptor's own path (proc_pidfdinfo PROC_PIDFDVNODEPATHINFO through
 * the fdpath hook) when that path fits the string; a descriptor that
 * names another file by the time the END is decoded is turned down. */
static long fake_fdpath(void *ctx, int32_t pid, int32_t fd, char *out, size_t cap)
{
	static const char *const paths[] = {
		[3] = "/opt/homebrew/Cellar/py/3.12/lib/os.py",   /* fits "../Cellar/..." */
		[4] = "/Users/me/unrelated.txt",                  /* fd reused: does not fit */
		[5] = "/System/Volumes/Data/Users/me/w/data/x",   /* fits "data/x" */
	};
	(void)ctx, (void)pid;
	if (fd < 0 || fd > 5 || !paths[fd])
		return -1;
	snprintf(out, cap, "%s", paths[fd]);
	return (long)strlen(paths[fd]);
}

static long fake_cwd(void *ctx, int32_t pid, char *out, size_t cap)
{
	(void)ctx, (void)pid;
	snprintf(out, cap, "/Users/me/w");
	return (long)strlen(out);
}

static void put_open(struct kd_decoder *d, uint64_t ts, const char *path, uint64_t vnode, int fd)
{
	uint64_t w[3] = { 0, 0, 0 };
	kd_buf e;
	size_t n = strlen(path);
	memcpy(w, path, n < sizeof w ? n : sizeof w);   /* <= 24 bytes: one record */
	e = (kd_buf){ ts, 0x100, 0, 0, 0, 42, KD_SYSCALL(5) | KD_FUNC_START, 0, 0 };
	kd_event(d, &e);
	e = (kd_buf){ ts + 1, vnode, w[0], w[1], w[2], 42, KD_VFS_LOOKUP | KD_FUNC_START | KD_FUNC_END, 0, 0 };
	kd_event(d, &e);
	e = (kd_buf){ ts + 2, 0, (uint64_t)fd, 0, 77, 42, KD_SYSCALL(5) | KD_FUNC_END, 0, 0 };
	kd_event(d, &e);
}

static void test_settle_fd(void)
{
	struct kd_config c;
	struct kd_hooks h = { 0 };
	struct obuf ob;
	struct obuf *out[REC_NSTREAMS] = { 0 };
	struct kd_decoder *d;
	char buf[4096];
	int p[2];
	ssize_t n;
	CHECK(pipe(p) == 0);
	ob_init(&ob, p[1], 4096);
	out[REC_VFS] = &ob;
	kd_config_defaults(&c);
	c.lookup_mode = KD_LOOKUP_FULL;
	h.fdpath = fake_fdpath, h.cwd = fake_cwd;
	d = kd_new(&c, &h, out);
	put_open(d, 100, "../lib/os.py", 0xa1, 3);
	put_open(d, 200, "../lib/os.py", 0xa2, 4);
	put_open(d, 300, "data/x", 0xa3, 5);
	CHECK(kd_get_stats(d)->lookup_settled == 2);
	CHECK(kd_get_stats(d)->lookup_ambiguous == 2);
	kd_free(d);
	ob_flush(&ob);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = 0;
	CHECK(strstr(buf, "\001/opt/homebrew/Cellar/py/3.12/lib/os.py\001") != NULL);
	CHECK(strstr(buf, "\001/.../../lib/os.py\001") != NULL);     /* fd 4 turned down */
	CHECK(strstr(buf, "/Users/me/unrelated.txt") == NULL);
	CHECK(strstr(buf, "\001/System/Volumes/Data/Users/me/w/data/x\001") != NULL);
	ob_free(&ob);
}

/* A live socket as proc_pidfdinfo would report it: the peer
 * 93.184.216.34:443, the local end 10.0.0.5:50000. */
static int fake_sockinfo(void *ctx, int32_t pid, int32_t fd, int local, struct kd_sockaddr *out)
{
	static const unsigned char peer[4] = { 93, 184, 216, 34 }, me[4] = { 10, 0, 0, 5 };
	(void)ctx, (void)pid, (void)fd;
	memset(out, 0, sizeof *out);
	out->family = 2, out->type = 1, out->proto = 6;
	out->port = local ? 50000 : 443;
	out->addrlen = 4;
	memcpy(out->addr, local ? me : peer, 4);
	return 0;
}

/* connect and accept carry the local end as the record's extension
 * (iotrc-records(5)); bind and the other calls do not. */
static void test_local_end(void)
{
	struct kd_config c;
	struct kd_hooks h = { NULL, fake_sockinfo, NULL, NULL, NULL };
	struct obuf net, *out[REC_NSTREAMS] = { NULL, NULL, &net };
	struct kd_decoder *d;
	char buf[4096], *line;
	FILE *f = tmpfile();
	size_t n;
	kd_buf ev[] = {
		/* connect(5, ...) = 0, then accept(6, ...) = 7, then bind(8) */
		{ 1000, 5, 0x100, 16, 0, 77, KD_SYSCALL(98) | KD_FUNC_START, 0, 0 },
		{ 1100, 0, 0, 0, 42, 77, KD_SYSCALL(98) | KD_FUNC_END, 0, 0 },
		{ 1200, 6, 0x100, 0x200, 0, 77, KD_SYSCALL(30) | KD_FUNC_START, 0, 0 },
		{ 1300, 0, 7, 0, 42, 77, KD_SYSCALL(30) | KD_FUNC_END, 0, 0 },
		{ 1400, 8, 0x100, 16, 0, 77, KD_SYSCALL(104) | KD_FUNC_START, 0, 0 },
		{ 1500, 0, 0, 0, 42, 77, KD_SYSCALL(104) | KD_FUNC_END, 0, 0 },
	};
	CHECK(f != NULL);
	if (!f)
		return;
	kd_config_defaults(&c);
	c.tb_numer = c.tb_denom = 1;
	ob_init(&net, fileno(f), 1 << 12);
	d = kd_new(&c, &h, out);
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
		kd_event(d, &ev[i]);
	ob_flush(&net);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == REC_SEP)
			buf[i] = '|';
	line = strtok(buf, "\n");
	CHECK(line && strstr(line, "connect|") == line);
	CHECK(line && strstr(line, "|443|5db8d822|50000|0a000005") && line[strlen(line) - 1] == '5');
	line = strtok(NULL, "\n");
	CHECK(line && strstr(line, "accept|") == line);
	CHECK(line && strstr(line, "|443|5db8d822|50000|0a000005"));
	line = strtok(NULL, "\n");
	CHECK(line && strstr(line, "bind|") == line);
	CHECK(line && strstr(line, "|50000|0a000005") && !strstr(line, "5db8d822"));
	kd_free(d);
	ob_free(&net);
	fclose(f);
}

int main(void)
{
	test_lookup_release();
	test_path_fits();
	test_settle_fd();
	test_local_end();
	test_raw_head();
	test_numbers();
	test_names();
	test_debugids();
	test_layout();
	test_tab();
	return CHECK_DONE();
}
