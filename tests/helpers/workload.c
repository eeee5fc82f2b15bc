/* workload — known I/O for the engine tests and the load benchmark.
 *
 *   workload vfs DIR      file calls under DIR
 *   workload net DIR      TCP over 127.0.0.1 and ::1, a unix socket in DIR
 *   workload io DIR       direct I/O to DIR/direct (forces block requests)
 *   workload flush DIR    a buffered write and fsync of DIR/flush (the file
 *                         system then sends the device a cache flush)
 *   workload load DIR N   N small pread()s, then prints calls/s
 *   workload rate DIR R S one-byte pread()s at R calls/s for S seconds (paced
 *                         every millisecond), then prints calls/s
 *   workload churn DIR S  file churn for S seconds: create, write, read,
 *                         rename and unlink small files, paced to about
 *                         2,000 files/s (the load of the benchmarks)
 *
 * With WORKLOAD_GO set to a path (a FIFO), load and rate open it and read
 * a byte before their calls, and with WORKLOAD_DONE before the descriptor
 * is closed after them: a test can start tracing or stop the tracer at
 * known points.
 *
 * It prints what it did, one "key value..." line each, so a test can match
 * the traced rows exactly: "pid P", then for each call
 *   "call NAME RET ERRNO MONO0 MONO1 WALL0 WALL1"
 * with CLOCK_MONOTONIC and CLOCK_REALTIME in ns read just before and just
 * after it, and facts such as "port4 N", "phys BYTES", "dev MAJ:MIN". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int64_t now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t m0, w0;
static void before(void) { m0 = now(CLOCK_MONOTONIC); w0 = now(CLOCK_REALTIME); }
static long after(const char *name, long ret)
{
	int e = ret < 0 ? errno : 0;
	int64_t m1 = now(CLOCK_MONOTONIC), w1 = now(CLOCK_REALTIME);
	printf("call %s %ld %d %lld %lld %lld %lld\n", name, ret, e, (long long)m0,
	       (long long)m1, (long long)w0, (long long)w1);
	return ret;
}
#define CALL(name, expr) (before(), after(name, (long)(expr)))

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* The file's inode, device and (Linux) file system magic, as the engine
 * should read them from the kernel: "ino N", "fsdev MAJ:MIN", "fsmagic
 * HEX". fstat and fstatfs are not traced calls. */
static void file_facts(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("fstat");
	printf("ino %llu\nfsdev %u:%u\n", (unsigned long long)st.st_ino, major(st.st_dev), minor(st.st_dev));
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		die("fstatfs");
	printf("fsmagic %llx\n", (unsigned long long)sf.f_type);
}

static void vfs(const char *dir)
{
	char sub[4096], a[4200], b[4200], miss[4200], buf[8192];
	int fd, fd2;
	memset(buf, 'x', sizeof buf);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(a, sizeof a, "%s/a.txt", sub);
	snprintf(b, sizeof b, "%s/b.txt", sub);
	snprintf(miss, sizeof miss, "%s/missing", dir);
	CALL("mkdir", mkdir(sub, 0755));
	fd = (int)CALL("open_creat", open(a, O_CREAT | O_WRONLY | O_TRUNC, 0644));
	file_facts(fd);
	CALL("write", write(fd, buf, 1000));
	CALL("pwrite", pwrite(fd, buf, 100, 5000));
	CALL("fsync", fsync(fd));
	CALL("close", close(fd));
	fd2 = (int)CALL("open_rdonly", open(a, O_RDONLY));
	CALL("pread", pread(fd2, buf, 50, 10));
	CALL("read", read(fd2, buf, 4096));
	CALL("dup2", dup2(fd2, 100));
	CALL("read_dup", read(100, buf, 10));
	CALL("close_dup", close(100));
	CALL("close2", close(fd2));
	CALL("rename", rename(a, b));
	CALL("open_missing", open(miss, O_RDONLY));
	CALL("unlink", unlink(b));
	CALL("rmdir", rmdir(sub));
}

/* TCP over addr; returns the port it listened on (now closed). */
static int tcp(int fam, const char *addr, const char *tag)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l, c, s, port;
	memset(&ss, 0, sizeof ss);
	if (fam == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &in->sin_addr);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		len = sizeof *in6;
	}
	l = (int)CALL("socket", socket(fam, SOCK_STREAM, 0));
	CALL("bind", bind(l, (struct sockaddr *)&ss, len));
	CALL("listen", listen(l, 8));
	getsockname(l, (struct sockaddr *)&ss, &len);
	port = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                            : ((struct sockaddr_in6 *)&ss)->sin6_port);
	printf("port%s %d\n", tag, port);
	c = (int)CALL("socket", socket(fam, SOCK_STREAM, 0));
	CALL("connect", connect(c, (struct sockaddr *)&ss, len));
	getsockname(c, (struct sockaddr *)&ss, &len);
	printf("cport%s %d\n", tag, ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                  : ((struct sockaddr_in6 *)&ss)->sin6_port));
	len = sizeof ss;
	s = (int)CALL("accept", accept(l, (struct sockaddr *)&ss, &len));
	CALL("shutdown", shutdown(c, SHUT_WR));
	CALL("close", close(s)), CALL("close", close(c)), CALL("close", close(l));
	return port;
}

/* A connect to 127.0.0.1:port, where nothing listens any more: refused. */
static void refused(int port)
{
	struct sockaddr_in in;
	int c;
	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	c = (int)CALL("socket", socket(AF_INET, SOCK_STREAM, 0));
	CALL("connect_refused", connect(c, (struct sockaddr *)&in, sizeof in));
	printf("refused_port %d\n", port);
	CALL("close", close(c));
}

static void net(const char *dir)
{
	struct sockaddr_un un;
	int l, c, s, port4;
	port4 = tcp(AF_INET, "127.0.0.1", "4");
	tcp(AF_INET6, "::1", "6");
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path, sizeof un.sun_path, "%s/sock", dir);
	unlink(un.sun_path);
	l = (int)CALL("socket", socket(AF_UNIX, SOCK_STREAM, 0));
	CALL("bind", bind(l, (struct sockaddr *)&un, sizeof un));
	CALL("listen", listen(l, 1));
	c = (int)CALL("socket", socket(AF_UNIX, SOCK_STREAM, 0));
	CALL("connect", connect(c, (struct sockaddr *)&un, sizeof un));
	s = (int)CALL("accept", accept(l, NULL, NULL));
	CALL("close", close(s)), CALL("close", close(c)), CALL("close", close(l));
	CALL("unlink", unlink(un.sun_path));
	refused(port4);
}

/* Where the file's first block is on the device (FIEMAP), in bytes. */
static long long phys_offset(int fd)
{
	struct { struct fiemap fm; struct fiemap_extent ext[1]; } q;
	memset(&q, 0, sizeof q);
	q.fm.fm_length = ~0ULL;
	q.fm.fm_extent_count = 1;
	q.fm.fm_flags = FIEMAP_FLAG_SYNC;
	if (ioctl(fd, FS_IOC_FIEMAP, &q.fm) < 0 || q.fm.fm_mapped_extents < 1)
		return -1;
	return (long long)q.fm.fm_extents[0].fe_physical;
}

static void io(const char *dir)
{
	char path[4200];
	void *buf;
	struct stat st;
	int fd;
	snprintf(path, sizeof path, "%s/direct", dir);
	if (posix_memalign(&buf, 4096, 4096))
		die("posix_memalign");
	memset(buf, 'd', 4096);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_DIRECT, 0644);
	if (fd < 0)
		die(path);
	/* allocate the block first, so the direct write goes in place */
	if (fallocate(fd, 0, 0, 4096) < 0 || fsync(fd) < 0)
		die("fallocate");
	fstat(fd, &st);
	printf("dev %u:%u\n", major(st.st_dev), minor(st.st_dev));
	printf("phys %lld\n", phys_offset(fd));
	CALL("dwrite", pwrite(fd, buf, 4096, 0));
	CALL("dread", pread(fd, buf, 4096, 0));
	close(fd);
	unlink(path);
	free(buf);
}

static void flush(const char *dir)
{
	char path[4200], buf[4096];
	struct stat st;
	int fd;
	snprintf(path, sizeof path, "%s/flush", dir);
	memset(buf, 'f', sizeof buf);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
		die(path);
	fstat(fd, &st);
	printf("dev %u:%u\n", major(st.st_dev), minor(st.st_dev));
	CALL("fsync", fsync(fd));
	close(fd);
	unlink(path);
}

/* Wait for a byte from the FIFO the environment variable names, if set. */
static void gate(const char *var)
{
	const char *p = getenv(var);
	char c;
	int fd;
	if (!p)
		return;
	if ((fd = open(p, O_RDONLY)) < 0 || read(fd, &c, 1) < 0)
		die(p);
	close(fd);
}

/* n one-byte preads; at rate > 0 calls per second, in steps of 1 ms. */
static void load(const char *dir, long n, long rate)
{
	char path[4200], c = 'x';
	int64_t t0, t1;
	long done = 0;
	int fd;
	snprintf(path, sizeof path, "%s/load", dir);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, &c, 1) != 1)
		die(path);
	gate("WORKLOAD_GO");
	t0 = now(CLOCK_MONOTONIC);
	while (done < n) {
		/* calls due by now (all at once without a rate) */
		long due = rate > 0 ? (long)((now(CLOCK_MONOTONIC) - t0) / 1000000 + 1) * rate / 1000 : n;
		for (; done < n && done < due; done++)
			if (pread(fd, &c, 1, 0) != 1)
				die("pread");
		if (rate > 0 && done < n) {
			struct timespec ms = { 0, 1000000 - (now(CLOCK_MONOTONIC) - t0) % 1000000 };
			nanosleep(&ms, NULL);
		}
	}
	t1 = now(CLOCK_MONOTONIC);
	gate("WORKLOAD_DONE");
	close(fd);
	unlink(path);
	printf("calls %ld\nseconds %.6f\ncalls_per_s %.0f\n", n, (t1 - t0) / 1e9,
	       n / ((t1 - t0) / 1e9));
}

/* Small files created, written, read, renamed and removed, about 2,000 a
 * second (20 every 10 ms), for the given seconds. */
static void churn(const char *dir, double secs)
{
	char a[4200], b[4200], buf[512];
	int64_t t0 = now(CLOCK_MONOTONIC), end = t0 + (int64_t)(secs * 1e9);
	long files = 0;
	memset(buf, 'c', sizeof buf);
	while (now(CLOCK_MONOTONIC) < end) {
		for (int i = 0; i < 20; i++, files++) {
			int fd;
			snprintf(a, sizeof a, "%s/churn-%d", dir, i);
			snprintf(b, sizeof b, "%s/churn-%d.old", dir, i);
			if ((fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0 ||
			    write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || close(fd) < 0)
				die(a);
			if ((fd = open(a, O_RDONLY)) < 0 || read(fd, buf, sizeof buf) < 0 || close(fd) < 0)
				die(a);
			if (rename(a, b) < 0 || unlink(b) < 0)
				die(b);
		}
		struct timespec ms = { 0, 10000000 };
		nanosleep(&ms, NULL);
	}
	printf("files %ld\nseconds %.3f\n", files, (now(CLOCK_MONOTONIC) - t0) / 1e9);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: workload vfs|net|io|flush DIR | load DIR N | rate DIR R S | churn DIR S\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* no write(2) until exit */
	printf("pid %ld\n", (long)getpid());
	if (!strcmp(argv[1], "vfs"))
		vfs(argv[2]);
	else if (!strcmp(argv[1], "net"))
		net(argv[2]);
	else if (!strcmp(argv[1], "io"))
		io(argv[2]);
	else if (!strcmp(argv[1], "flush"))
		flush(argv[2]);
	else if (!strcmp(argv[1], "load") && argc == 4)
		load(argv[2], atol(argv[3]), 0);
	else if (!strcmp(argv[1], "rate") && argc == 5)
		load(argv[2], (long)(atof(argv[4]) * atol(argv[3])), atol(argv[3]));
	else if (!strcmp(argv[1], "churn") && argc == 4)
		churn(argv[2], atof(argv[3]));
	else
		return 2;
	return 0;
}
