/* kdebug_live_darwin.c — the live kernel through sysctl KERN_KDEBUG, with
 * our own declarations (kdebug_defs.h; no private headers or frameworks).
 * Permission: root or the current owner, no SIP check (notes/macos-kdebug.md
 * §1.1); one consumer at a time, EBUSY otherwise (§1.2); the sequence is
 * §3.10. Tracing must never be left running: every exit path, atexit()
 * and the fatal-signal handlers call kd_live_stop(). */
#include "kdebug_live.h"
#include "kdebug_replay.h"
#include "mono.h"
#include "proc.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <libproc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc_info.h>
#include <sys/sysctl.h>
#include <unistd.h>

/* KERN_KDEBUG and its ops (notes §3.2; the public sys/sysctl.h has them,
 * so check ours against it where it does). */
#define KD_CTL_KDEBUG 24
enum {
	KDOP_EFLAGS = 1, KDOP_ENABLE = 3, KDOP_SETBUF = 4, KDOP_GETBUF = 5, KDOP_SETUP = 6,
	KDOP_REMOVE = 7, KDOP_READTR = 10, KDOP_THRMAP = 12, KDOP_PIDEX = 14,
	KDOP_SET_TYPEFILTER = 22, KDOP_BUFWAIT = 23,
};
#ifdef KERN_KDEBUG
_Static_assert(KD_CTL_KDEBUG == KERN_KDEBUG, "KERN_KDEBUG");
_Static_assert(KDOP_ENABLE == KERN_KDENABLE && KDOP_SETBUF == KERN_KDSETBUF &&
               KDOP_GETBUF == KERN_KDGETBUF && KDOP_SETUP == KERN_KDSETUP &&
               KDOP_REMOVE == KERN_KDREMOVE && KDOP_READTR == KERN_KDREADTR &&
               KDOP_THRMAP == KERN_KDTHRMAP && KDOP_PIDEX == KERN_KDPIDEX &&
               KDOP_EFLAGS == KERN_KDEFLAGS && KDOP_SET_TYPEFILTER == KERN_KDSET_TYPEFILTER &&
               KDOP_BUFWAIT == KERN_KDBUFWAIT, "KERN_KD* ops");
#endif

#define EVENTS_PER_CPU 60000      /* [SC671] fs_usage.c:992 */
#define WAIT_MS 50                /* KDBUFWAIT timeout, §3.10 step 5 */
#define READ_EVENTS 65536         /* one KDREADTR at most: 4 MiB of our memory */

uint64_t kd_live_wraps;
static volatile sig_atomic_t tracing;
static kd_threadmap *live_map;
static size_t live_nmap;
static int rec_fd = -1;
static struct kd_live_info live_info;
static size_t nbufs;

static int kdctl(int op, int value, int nmib, void *oldp, size_t *oldlen)
{
	int mib[4] = { CTL_KERN, KD_CTL_KDEBUG, op, value };
	size_t zero = 0;
	return sysctl(mib, (u_int)nmib, oldp, oldlen ? oldlen : &zero, NULL, 0);
}

void kd_live_stop(void)
{
	if (!tracing)
		return;
	tracing = 0;
	kdctl(KDOP_ENABLE, 0, 4, NULL, NULL);
	kdctl(KDOP_REMOVE, 0, 3, NULL, NULL);
}

/* One message naming who holds kdebug (ktrace.owning_pid, configured_by;
 * readable by anyone, §1.2). */
static int busy(void)
{
	int pid = 0;
	char by[256] = "";
	size_t n = sizeof pid;
	sysctlbyname("ktrace.owning_pid", &pid, &n, NULL, 0);
	n = sizeof by - 1;
	sysctlbyname("ktrace.configured_by", by, &n, NULL, 0);
	fprintf(stderr, "%s: kdebug is in use by %s (pid %d); only one kdebug tracer can run at a "
	        "time (fs_usage, Instruments, ktrace, iotrc-kdebug): stop it and try again\n",
	        progname, by[0] ? by : "another tool", pid);
	return EXIT_NOATTACH;
}

static int fail(const char *what)
{
	int e = errno;
	kd_live_stop();
	if (e == EBUSY)
		return busy();
	if (e == EPERM || e == EACCES) {
		fprintf(stderr, "%s: %s: %s (kdebug tracing needs root: run with sudo)\n", progname, what,
		        strerror(e));
		return EXIT_NOROOT;
	}
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(e));
	return EXIT_RUNTIME;
}

/* 15.4 and later send whole lookup paths, earlier ones the last 184 bytes
 * (§3.6): from the Darwin version, kern.osrelease, not the product
 * version, which a process in version-compat mode reads as "10.16"
 * (kdebug_decode.c kd_lookup_mode_of_release). */
static int lookup_mode_of_os(void)
{
	char v[64] = "";
	size_t n = sizeof v - 1;
	if (sysctlbyname("kern.osrelease", v, &n, NULL, 0) < 0)
		return KD_LOOKUP_AUTO;
	v[n < sizeof v ? n : sizeof v - 1] = 0;
	return kd_lookup_mode_of_release(v);
}

static void set_bit(unsigned char *map, unsigned csc)
{
	map[csc / 8] |= (unsigned char)(1u << (csc % 8));
}

static int configure(const struct kd_live_opts *o)
{
	static unsigned char filter[KD_TYPEFILTER_SIZE];
	kd_regtype reg;
	size_t n;
	int ncpu = 1;
	long events = o->buf_events;
	if (events <= 0) {
		n = sizeof ncpu;
		if (sysctlbyname("hw.ncpu", &ncpu, &n, NULL, 0) < 0 || ncpu < 1)
			ncpu = 1;
		events = (long)EVENTS_PER_CPU * ncpu;
	}
	if (events > INT32_MAX)
		events = INT32_MAX;
	if (kdctl(KDOP_SETBUF, (int)events, 4, NULL, NULL) < 0)
		return fail("KERN_KDSETBUF");
	if (kdctl(KDOP_SETUP, 0, 3, NULL, NULL) < 0)
		return fail("KERN_KDSETUP");
	kdctl(KDOP_EFLAGS, (int)KDBG_DISABLE_COPROCS, 4, NULL, NULL);
	/* only the classes we decode; DBG_TRACE is always on (§3.2, §3.10).
	 * Syscall ends give pids and confirm lookups for every stream; paths
	 * serve vfs and io (the vnode map) */
	memset(filter, 0, sizeof filter);
	set_bit(filter, KD_CSC_BSD_SC);
	set_bit(filter, KD_CSC_BSD_PROC);
	if (o->want[REC_VFS] || o->want[REC_IO])
		set_bit(filter, KD_CSC_FSRW);
	if (o->want[REC_IO])
		set_bit(filter, KD_CSC_DKRW);
	n = sizeof filter;
	if (kdctl(KDOP_SET_TYPEFILTER, 0, 3, filter, &n) < 0)
		return fail("KERN_KDSET_TYPEFILTER");
	/* exclude ourselves and the pids given (KDPIDEX, one pid a call) */
	for (size_t i = 0; i <= o->nexclude; i++) {
		memset(&reg, 0, sizeof reg);
		reg.type = KDBG_TYPENONE;
		reg.value1 = (uint32_t)(i < o->nexclude ? o->exclude[i] : getpid());
		reg.value2 = 1;
		n = sizeof reg;
		if (kdctl(KDOP_PIDEX, 0, 3, &reg, &n) < 0)
			warnerr("--exclude-pid %u", reg.value1);
	}
	return 0;
}

static int get_bufinfo(kbufinfo_t *bi)
{
	size_t n = sizeof *bi;
	memset(bi, 0, sizeof *bi);
	return kdctl(KDOP_GETBUF, 0, 3, bi, &n);
}

/* The enable-time thread map: one-shot (§3.2). */
static void read_thread_map(void)
{
	kbufinfo_t bi;
	size_t n;
	if (get_bufinfo(&bi) < 0 || bi.nkdthreads <= 0)
		return;
	n = (size_t)bi.nkdthreads * sizeof(kd_threadmap);
	live_map = xcalloc((size_t)bi.nkdthreads, sizeof(kd_threadmap));
	if (kdctl(KDOP_THRMAP, 0, 3, live_map, &n) < 0) {
		warnerr("KERN_KDTHRMAP");
		n = 0;
	}
	live_nmap = n / sizeof(kd_threadmap);
}

/* vfs.generic.trace_paths: a VFS_LOOKUP with the path of every vnode on
 * local mounts, to seed vnode -> path (§3.2). It runs inside the sysctl,
 * so in its own thread while the main loop drains the buffer. */
static void *trace_paths(void *arg)
{
	int dummy = 0;
	size_t n = sizeof dummy;
	(void)arg;
	sysctlbyname("vfs.generic.trace_paths", &dummy, &n, NULL, 0);
	return NULL;
}

int kd_live_start(const struct kd_live_opts *o, struct kd_live_info *info)
{
	kbufinfo_t bi;
	int st;
	pthread_t th;
	if (geteuid() != 0) {
		fprintf(stderr, "%s: kdebug tracing needs root: run with sudo "
		        "(it works with System Integrity Protection on)\n", progname);
		return EXIT_NOROOT;
	}
	if (o->record && (rec_fd = open(o->record, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		warnerr("%s", o->record);
		return EXIT_RUNTIME;
	}
	tracing = 1;               /* from here on, every exit path cleans up */
	atexit(kd_live_stop);
	if (kdctl(KDOP_REMOVE, 0, 3, NULL, NULL) < 0)
		return fail("KERN_KDREMOVE");
	if ((st = configure(o)) != 0)
		return st;
	if (kdctl(KDOP_ENABLE, KDEBUG_ENABLE_TRACE, 4, NULL, NULL) < 0)
		return fail("KERN_KDENABLE");
	read_thread_map();
	nbufs = READ_EVENTS;
	if (get_bufinfo(&bi) == 0 && bi.nkdbufs > 0 && (size_t)bi.nkdbufs < nbufs)
		nbufs = (size_t)bi.nkdbufs;
	mono_timebase(&info->tb_numer, &info->tb_denom);
	info->wall_offset_ns = wall_now_ns() - mono_now_ns();
	info->lookup_mode = o->lookup_mode != KD_LOOKUP_AUTO ? o->lookup_mode : lookup_mode_of_os();
	live_info = *info;
	if (o->want[REC_IO] && pthread_create(&th, NULL, trace_paths, NULL) == 0)
		pthread_detach(th);
	return 0;
}

/* --record: a RAW_VERSION1 file like the kernel's, with our tag in the
 * padding before the first event so replay knows the timebase
 * (kd_raw_head, shared with the reader's tests). */
static int record_header(void)
{
	char tag[256];
	unsigned char *h;
	size_t n;
	int st;
	snprintf(tag, sizeof tag, "%stimebase=%u/%u wall_offset_ns=%lld lookup=%s\n", KD_TAG,
	         live_info.tb_numer, live_info.tb_denom, (long long)live_info.wall_offset_ns,
	         live_info.lookup_mode == KD_LOOKUP_FULL ? "full" : "tail");
	h = kd_raw_head(live_map, live_nmap, (uint64_t)(wall_now_ns() / 1000000000), tag, &n);
	st = write_all(rec_fd, h, n) < 0 ? -1 : 0;
	free(h);
	return st;
}

/* One read of the merged buffer, at most nbufs events (§3.2 KDREADTR:
 * *oldlenp in = bytes, out = events). */
static long read_events(kd_buf *buf)
{
	size_t n = nbufs * sizeof(kd_buf);
	kbufinfo_t bi;
	if (get_bufinfo(&bi) == 0 && (bi.flags & KDBG_WRAPPED))
		kd_live_wraps++;       /* the next read starts with TRACE_LOST_EVENTS (§3.9) */
	if (kdctl(KDOP_READTR, 0, 3, buf, &n) < 0)
		return -1;
	if (rec_fd >= 0 && n && write_all(rec_fd, buf, n * sizeof(kd_buf)) < 0) {
		warnerr("--record");
		close(rec_fd);
		rec_fd = -1;
	}
	return (long)n;
}

/* mach_absolute_time() stops while the Mac sleeps (macos-dtrace.md §2.3):
 * re-anchor the wall clock when it moved by more than 1 ms. */
static void reanchor(struct kd_decoder *d)
{
	int64_t off = wall_now_ns() - mono_now_ns();
	if (off - live_info.wall_offset_ns > 1000000 || live_info.wall_offset_ns - off > 1000000)
		kd_set_wall_offset(d, live_info.wall_offset_ns = off);
}

/* Read and decode until a read comes back short (more was waiting when
 * it was full). -1 on a failed read. */
static int drain(struct kd_decoder *d, kd_buf *buf)
{
	long n;
	reanchor(d);
	do {
		if ((n = read_events(buf)) < 0)
			return -1;
		for (long i = 0; i < n; i++)
			kd_event(d, &buf[i]);
	} while (n == (long)nbufs);
	return 0;
}

int kd_live_loop(struct kd_decoder *d, volatile sig_atomic_t *stop, int (*tick)(void *ctx), void *ctx)
{
	kd_buf *buf = xmalloc(nbufs * sizeof(kd_buf));
	pid_t parent = getppid();
	int status = EXIT_OK;
	kd_thread_map(d, live_map, live_nmap);
	if (rec_fd >= 0 && record_header() < 0) {
		warnerr("--record");
		close(rec_fd);
		rec_fd = -1;
	}
	while (!*stop) {
		size_t wait = WAIT_MS;          /* KDBUFWAIT: in = ms, sleeps in the kernel */
		if (kdctl(KDOP_BUFWAIT, 0, 3, NULL, &wait) < 0 && errno != EINTR) {
			status = fail("KERN_KDBUFWAIT");
			break;
		}
		if (drain(d, buf) < 0) {
			status = fail("KERN_KDREADTR");
			break;
		}
		if (tick(ctx) != 0) {
			status = EXIT_RUNTIME;
			break;
		}
		if (parent != 1 && getppid() != parent)
			break;                      /* our parent died: stop */
	}
	/* drain what is left, then let go of kdebug */
	if (tracing && status == EXIT_OK) {
		kdctl(KDOP_ENABLE, 0, 4, NULL, NULL);
		drain(d, buf);
	}
	kd_live_stop();
	if (rec_fd >= 0 && close(rec_fd) < 0)
		warnerr("--record");
	rec_fd = -1;
	free(buf);
	return status;
}

/* --- look-ups for the decoder (best effort, racy: the events are up to
 * WAIT_MS old) --- */

static int sockinfo(void *ctx, int32_t pid, int32_t fd, int local, struct kd_sockaddr *out)
{
	struct socket_fdinfo si;
	const struct in_sockinfo *in = NULL;
	(void)ctx;
	memset(out, 0, sizeof *out);
	if (proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, &si, sizeof si) != (int)sizeof si)
		return -1;
	out->family = si.psi.soi_family, out->type = si.psi.soi_type, out->proto = si.psi.soi_protocol;
	if (si.psi.soi_kind == SOCKINFO_IN)
		in = &si.psi.soi_proto.pri_in;
	else if (si.psi.soi_kind == SOCKINFO_TCP)
		in = &si.psi.soi_proto.pri_tcp.tcpsi_ini;
	else if (si.psi.soi_kind == SOCKINFO_UN) {
		const struct sockaddr_un *un = local ? &si.psi.soi_proto.pri_un.unsi_addr.ua_sun
		                                     : &si.psi.soi_proto.pri_un.unsi_caddr.ua_sun;
		size_t k = strnlen(un->sun_path, sizeof un->sun_path);
		if (k >= sizeof out->path)
			k = sizeof out->path - 1;
		memcpy(out->path, un->sun_path, k);
		out->addrlen = (int)k;
		return 0;
	}
	if (!in)
		return 0;
	out->port = ntohs((uint16_t)(local ? in->insi_lport : in->insi_fport));
	if (in->insi_vflag & INI_IPV4) {
		const struct in_addr *a = local ? &in->insi_laddr.ina_46.i46a_addr4 : &in->insi_faddr.ina_46.i46a_addr4;
		memcpy(out->addr, a, 4);
		out->addrlen = 4;
	} else if (in->insi_vflag & INI_IPV6) {
		const struct in6_addr *a = local ? &in->insi_laddr.ina_6 : &in->insi_faddr.ina_6;
		memcpy(out->addr, a, 16);
		out->addrlen = 16;
	}
	return 0;
}

static long cwd(void *ctx, int32_t pid, char *out, size_t cap)
{
	(void)ctx;
	return proc_cwd(pid, out, cap);
}

static long fdpath(void *ctx, int32_t pid, int32_t fd, char *out, size_t cap)
{
	(void)ctx;
	return proc_fdpath(pid, fd, out, cap);
}

static int procinfo(void *ctx, int32_t pid, int32_t *ppid, char *name, size_t cap)
{
	struct proc_bsdinfo bi;
	const char *s;
	(void)ctx;
	if (pid <= 0 || proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bi, sizeof bi) != (int)sizeof bi)
		return -1;
	*ppid = (int32_t)bi.pbi_ppid;
	s = bi.pbi_name[0] ? bi.pbi_name : bi.pbi_comm;   /* as DTrace's execname */
	snprintf(name, cap, "%.*s", (int)sizeof bi.pbi_name, s);
	return 0;
}

void kd_live_hooks(struct kd_hooks *h)
{
	h->sockinfo = sockinfo;
	h->cwd = cwd;
	h->fdpath = fdpath;
	h->procinfo = procinfo;
}
