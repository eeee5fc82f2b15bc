/* test_pfd.c — the process and descriptor model (lib/pfd.h): pid reuse,
 * exec and close-on-exec, fork inheritance as of the fork, the dup
 * family, fcntl's close-on-exec, cwd and joins, eviction under the caps,
 * the live-lookup hook with its negative cache, and the side file of
 * iotrc-snap-proc --fds (pfd_preload). */
#include "check.h"
#include "pfd.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define AT_CWD (-100)              /* Linux's AT_FDCWD; macOS's is -2 */

static struct pfd *model(size_t fds, const struct pfd_hooks *h)
{
	struct pfd_config c = { fds, 64, 64, 0, 0, 0 };
	return pfd_new(&c, h);
}

/* the name as text: "-" for unknown */
static const char *nm(struct pfd *m, uint32_t pid, int32_t fd)
{
	static char b[8][256];
	static int k;
	size_t n;
	const char *s = pfd_name(m, pid, fd, &n);
	char *o = b[k++ % 8];
	if (!s)
		return "-";
	memcpy(o, s, n);
	o[n] = 0;
	return o;
}

static void open_(struct pfd *m, uint32_t pid, int32_t fd, const char *s, int cloexec)
{
	pfd_open(m, pid, fd, s, strlen(s), PFD_FILE, cloexec);
}

static void test_reuse_exec(void)
{
	struct pfd *m = model(1024, NULL);
	open_(m, 10, 3, "/a", 0);
	open_(m, 10, 4, "/b", 1);
	CHECK_STR(nm(m, 10, 3), "/a");
	pfd_exec(m, 10);
	CHECK_STR(nm(m, 10, 3), "/a");          /* survives exec */
	CHECK_STR(nm(m, 10, 4), "-");           /* O_CLOEXEC: closed by it */
	open_(m, 10, 5, "/c", 1);               /* opened after the exec */
	CHECK_STR(nm(m, 10, 5), "/c");
	pfd_exit(m, 10);
	CHECK_STR(nm(m, 10, 3), "-");           /* a new process 10 */
	CHECK_STR(nm(m, 10, 5), "-");
	open_(m, 10, 6, "/d", 0);
	CHECK_STR(nm(m, 10, 6), "/d");
	pfd_close(m, 10, 6);
	CHECK_STR(nm(m, 10, 6), "-");
	pfd_free(m);
}

static void test_fork(void)
{
	struct pfd *m = model(1024, NULL);
	size_t n;
	const char *s;
	open_(m, 1, 3, "/pipe-r", 0);
	open_(m, 1, 4, "/pipe-w", 0);
	open_(m, 1, 5, "/secret", 1);
	open_(m, 1, 6, "/log", 0);
	pfd_chdir(m, 1, "/home", 5);
	pfd_fork(m, 1, 2);
	pfd_fork(m, 1, 2);                      /* reported twice: one fork */
	/* the parent moves on: closes, dup2s over, opens, chdirs, execs */
	pfd_close(m, 1, 3);
	open_(m, 1, 4, "/other", 0);
	open_(m, 1, 7, "/after-fork", 0);
	pfd_chdir(m, 1, "/tmp", 4);
	pfd_exec(m, 1);
	CHECK_STR(nm(m, 1, 3), "-");
	CHECK_STR(nm(m, 1, 4), "/other");
	CHECK_STR(nm(m, 1, 5), "-");
	/* the child still sees the descriptors as of the fork */
	CHECK_STR(nm(m, 2, 3), "/pipe-r");
	CHECK_STR(nm(m, 2, 4), "/pipe-w");
	CHECK_STR(nm(m, 2, 5), "/secret");      /* the parent's exec is not the child's */
	CHECK_STR(nm(m, 2, 6), "/log");
	CHECK_STR(nm(m, 2, 7), "-");            /* opened after the fork */
	s = pfd_cwd(m, 2, &n);
	CHECK(s && n == 5 && memcmp(s, "/home", 5) == 0);
	/* a grandchild forked before the child's exec, then the child's exec */
	pfd_dup(m, 2, 3, 0, 0);                 /* dup2(pipe-r, 0) */
	pfd_fork(m, 2, 3);
	pfd_exec(m, 2);
	CHECK_STR(nm(m, 2, 0), "/pipe-r");
	CHECK_STR(nm(m, 2, 5), "-");            /* its own exec closes O_CLOEXEC */
	CHECK_STR(nm(m, 3, 5), "/secret");
	CHECK_STR(nm(m, 3, 0), "/pipe-r");
	/* the parent exits: its children keep what they had */
	pfd_exit(m, 1);
	CHECK_STR(nm(m, 2, 6), "/log");
	pfd_close(m, 2, 6);                     /* the child's close hides it */
	CHECK_STR(nm(m, 2, 6), "-");
	CHECK_STR(nm(m, 3, 6), "/log");         /* the grandchild forked before */
	s = pfd_cwd(m, 3, &n);
	CHECK(s && n == 5 && memcmp(s, "/home", 5) == 0);
	/* a reused child pid is a new process, whoever forks it */
	pfd_exit(m, 3);
	pfd_fork(m, 2, 3);
	CHECK_STR(nm(m, 3, 5), "-");
	CHECK_STR(nm(m, 3, 0), "/pipe-r");
	pfd_free(m);
}

/* many children of one parent, each forked between changes of fd 3 */
static void test_fork_versions(void)
{
	struct pfd *m = model(4096, NULL);
	char b[32];
	for (uint32_t k = 0; k < 5; k++) {
		snprintf(b, sizeof b, "/v%u", k);
		open_(m, 1, 3, b, 0);
		pfd_fork(m, 1, 100 + k);
	}
	pfd_close(m, 1, 3);
	for (uint32_t k = 0; k < 5; k++) {
		snprintf(b, sizeof b, "/v%u", k);
		CHECK_STR(nm(m, 100 + k, 3), b);
	}
	pfd_free(m);
}

static void test_dup_cloexec(void)
{
	struct pfd *m = model(1024, NULL);
	unsigned fl = 0;
	open_(m, 5, 3, "/f", 0);
	pfd_dup(m, 5, 3, 4, 0);                 /* dup */
	pfd_dup(m, 5, 3, 9, 0);                 /* dup2 over nothing */
	pfd_dup(m, 5, 3, 10, 1);                /* dup3(O_CLOEXEC) */
	pfd_dup(m, 5, 3, 11, 1);                /* F_DUPFD_CLOEXEC */
	pfd_dup(m, 5, 77, 12, 0);               /* unknown source: open, unknown */
	CHECK(pfd_get(m, 5, 12, NULL, &fl) && (fl & PFD_KIND) == PFD_NOPATH);
	CHECK(pfd_get(m, 5, 10, NULL, &fl) && (fl & PFD_CLOEXEC));
	pfd_setcloexec(m, 5, 4, 1);             /* fcntl(F_SETFD, FD_CLOEXEC) */
	pfd_setcloexec(m, 5, 11, 0);            /* fcntl(F_SETFD, 0) */
	pfd_exec(m, 5);
	CHECK_STR(nm(m, 5, 3), "/f");
	CHECK_STR(nm(m, 5, 4), "-");
	CHECK_STR(nm(m, 5, 9), "/f");
	CHECK_STR(nm(m, 5, 10), "-");
	CHECK_STR(nm(m, 5, 11), "/f");
	CHECK_STR(nm(m, 5, 12), "-");
	pfd_setcloexec(m, 5, 3, 1);             /* set after an exec: the next one */
	CHECK_STR(nm(m, 5, 3), "/f");
	pfd_exec(m, 5);
	CHECK_STR(nm(m, 5, 3), "-");
	pfd_free(m);
}

static const char *join(struct pfd *m, uint32_t pid, int64_t dirfd, const char *p)
{
	static char out[256];
	pfd_join(m, pid, dirfd, AT_CWD, p, strlen(p), out, sizeof out);
	return out;
}

static void test_join(void)
{
	struct pfd *m = model(1024, NULL);
	CHECK_STR(join(m, 7, AT_CWD, "rel"), "rel");         /* cwd unknown */
	pfd_chdir(m, 7, "/w", 2);
	CHECK_STR(join(m, 7, AT_CWD, "rel"), "/w/rel");
	CHECK_STR(join(m, 7, -1, "./rel"), "/w/rel");
	CHECK_STR(join(m, 7, AT_CWD, "."), "/w");
	CHECK_STR(join(m, 7, AT_CWD, "../up"), "/w/../up");  /* ".." is left */
	CHECK_STR(join(m, 7, AT_CWD, "/abs"), "/abs");
	open_(m, 7, 8, "/d/", 0);
	CHECK_STR(join(m, 7, 8, "x"), "/d/x");
	CHECK_STR(join(m, 7, 9, "x"), "x");                  /* unknown dirfd */
	CHECK_STR(join(m, 7, -5, "x"), "x");
	pfd_chdir(m, 7, "rel", 3);                           /* relative: unknown */
	CHECK_STR(join(m, 7, AT_CWD, "y"), "y");
	open_(m, 7, 4, "/srv", 0);
	pfd_fchdir(m, 7, 4);
	CHECK_STR(join(m, 7, AT_CWD, "y"), "/srv/y");
	pfd_chdir(m, 7, "/", 1);
	CHECK_STR(join(m, 7, AT_CWD, "y"), "/y");
	CHECK_STR(join(m, 7, AT_CWD, "."), "/");
	{
		char out[8];
		CHECK(pfd_join(m, 7, AT_CWD, AT_CWD, "abcdefghij", 10, out, sizeof out) == 7);
		CHECK_STR(out, "abcdefg");                  /* cut, never joined past */
	}
	pfd_free(m);
}

/* Under the cap the least recently used entries go: they become
 * unknown, are counted, and no name is ever another descriptor's. */
static void test_eviction(void)
{
	struct pfd *m = model(100, NULL);
	struct pfd_stats st;
	char b[32];
	int wrong = 0, known = 0;
	for (int32_t fd = 0; fd < 1000; fd++) {
		snprintf(b, sizeof b, "/f%d", fd);
		open_(m, 1 + (uint32_t)fd % 7, fd, b, 0);
	}
	for (int32_t fd = 0; fd < 1000; fd++) {
		const char *s = nm(m, 1 + (uint32_t)fd % 7, fd);
		snprintf(b, sizeof b, "/f%d", fd);
		if (strcmp(s, "-"))
			known++, wrong += strcmp(s, b) != 0;
	}
	pfd_get_stats(m, &st);
	CHECK(wrong == 0);
	CHECK(known <= 100 && known > 0);
	CHECK(st.fd_entries <= 100);
	CHECK(st.fd_evictions == 900);
	/* processes past their cap: a forgotten one starts afresh */
	for (uint32_t pid = 1000; pid < 1400; pid++)
		open_(m, pid, 3, "/p", 0);
	pfd_get_stats(m, &st);
	CHECK(st.proc_evictions > 0);
	pfd_free(m);
}

static int asked;
static long fake_fdpath(void *ctx, uint32_t pid, int32_t fd, char *out, size_t cap)
{
	(void)ctx, (void)cap;
	asked++;
	if (pid == 42 && fd == 3)
		return (long)(strcpy(out, "/live/three"), 11);
	if (pid == 42 && fd == 4)
		return (long)(strcpy(out, "pipe:[7]"), 8);
	return -1;
}
static long fake_cwd(void *ctx, uint32_t pid, char *out, size_t cap)
{
	(void)ctx, (void)cap;
	asked++;
	if (*(int *)ctx)
		return PFD_NOHOOK;
	return pid == 42 ? (long)(strcpy(out, "/live"), 5) : -1;
}

static void test_hook(void)
{
	int off = 0;
	struct pfd_hooks h = { &off, fake_fdpath, fake_cwd };
	struct pfd_config c = { 1024, 64, 64, 0, 0, 1 };
	struct pfd *m = pfd_new(&c, &h);
	struct pfd_stats st;
	CHECK_STR(nm(m, 42, 3), "/live/three");
	CHECK_STR(nm(m, 42, 3), "/live/three");
	CHECK(asked == 1);
	CHECK_STR(nm(m, 42, 9), "-");           /* a miss, remembered */
	CHECK_STR(nm(m, 42, 9), "-");
	CHECK(asked == 2);
	CHECK_STR(nm(m, 42, 4), "-");           /* not a path (abs_only) */
	CHECK(asked == 3);
	CHECK_STR(join(m, 42, AT_CWD, "r"), "/live/r");
	CHECK(asked == 4);
	pfd_close(m, 42, 3);                    /* seen closed: not asked again */
	CHECK_STR(nm(m, 42, 3), "-");
	CHECK(asked == 4);
	off = 1;                                /* the hook says "not now" */
	CHECK_STR(join(m, 43, AT_CWD, "r"), "r");
	CHECK_STR(join(m, 43, AT_CWD, "r"), "r");
	CHECK(asked == 6);
	pfd_get_stats(m, &st);
	CHECK(st.hook_lookups == 4);
	pfd_free(m);
}

/* Write text (with | for the byte 0x01) to a new file; its name in path. */
static void side_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	for (const char *p = text; *p; p++)
		fputc(*p == '|' ? 1 : *p, f);
	CHECK(fclose(f) == 0);
}

static void test_preload(void)
{
	struct pfd *m = model(1024, NULL);
	char path[] = "/tmp/iotrc-fds.XXXXXX";
	uint64_t loaded = 0, bad = 0;
	size_t n;
	const char *s;
	/* an escaped newline, a path at the longest, CRLF, no final newline;
	 * kinds from later versions skipped, malformed lines counted */
	side_file(path, "#iotrc-fds 1 os=darwin mono_ns=5 wall_ns=6\n"
	                "f|10|3|0|/a\\nb\n"
	                "f|10|4|1|/db\r\n"
	                "c|10|/srv\n"
	                "c|11|relative\n"
	                "z|10|4\n"
	                "f|10|-1|0|/neg\n"
	                "f|4294967296|1|0|/big\n"
	                "f|10|5|0\n"
	                "\n"
	                "f|12|0|0|/last");
	CHECK(pfd_preload(m, path, &loaded, &bad) == 0);
	CHECK(loaded == 5 && bad == 3);
	CHECK_STR(nm(m, 10, 3), "/a\nb");
	CHECK_STR(nm(m, 10, 4), "/db");             /* a CRLF line ends before the CR */
	CHECK_STR(nm(m, 12, 0), "/last");
	s = pfd_cwd(m, 10, &n);
	CHECK(s && n == 4 && memcmp(s, "/srv", 4) == 0);
	CHECK(pfd_cwd(m, 11, &n) == NULL);           /* a relative cwd is unknown */
	pfd_exec(m, 10);                             /* fd 4 had close-on-exec */
	CHECK_STR(nm(m, 10, 4), "-");
	CHECK_STR(nm(m, 10, 3), "/a\nb");
	unlink(path);
	/* not a side file: EINVAL; none: ENOENT; an empty one: EINVAL */
	char junk[] = "/tmp/iotrc-fds.XXXXXX", empty[] = "/tmp/iotrc-fds.XXXXXX";
	side_file(junk, "#iotrc-fds 10\nf|1|1|0|/x\n");
	side_file(empty, "");
	loaded = bad = 0;
	CHECK(pfd_preload(m, junk, &loaded, &bad) < 0 && errno == EINVAL && loaded == 0);
	CHECK(pfd_preload(m, empty, &loaded, &bad) < 0 && errno == EINVAL);
	CHECK(pfd_preload(m, "/nonexistent/fds", &loaded, &bad) < 0 && errno == ENOENT);
	CHECK_STR(nm(m, 1, 1), "-");
	unlink(junk);
	unlink(empty);
	pfd_free(m);
}

int main(void)
{
	test_reuse_exec();
	test_fork();
	test_fork_versions();
	test_dup_cloexec();
	test_join();
	test_eviction();
	test_hook();
	test_preload();
	return CHECK_DONE();
}
