/* launch_linux.c — iotrc-launch on Linux: bpftrace on tracepoints.
 *
 * bpftrace needs root and the tracepoints under tracefs (mounted at
 * /sys/kernel/tracing, or reached through debugfs at
 * /sys/kernel/debug/tracing). The engine dies with the launcher
 * (PR_SET_PDEATHSIG survives exec), so a killed launcher leaves nothing. */
#include "launch.h"
#include "decode.h"
#include "records.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const tracing_dirs[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing", NULL,
};

/* Tracepoint groups each stream needs. */
static const char *const stream_events[REC_NSTREAMS] = {
	"syscalls", "block", "syscalls",
};

int los_host_os(void) { return OS_LINUX; }
int los_default_kind(void) { return KIND_BPFTRACE; }

const char *los_default_engine(int kind)
{
	static const char *const bpftrace[] = {
		"/usr/bin/bpftrace", "/usr/sbin/bpftrace", "/usr/local/bin/bpftrace", NULL,
	};
	static const char *const dtrace[] = { "/usr/sbin/dtrace", "/usr/bin/dtrace", NULL };
	const char *const *c = kind == KIND_DTRACE ? dtrace : bpftrace;
	for (; *c; c++)
		if (access(*c, X_OK) == 0)
			return *c;
	return NULL;
}

/* BPFTRACE_STRLEN: paths up to 200 bytes, 0.17's maximum (the BPF stack is
 * 512 bytes). More map keys than the default 4096 for threads blocked in a
 * call. BPFTRACE_PERF_RB_PAGES (bpftrace 0.17's knob; later versions call
 * it perf_rb_pages): the perf buffer per CPU, in 4 KiB pages, a power of
 * two (perf requires one), so -b is rounded up. The buffers absorb bursts
 * and reader stalls, not a higher sustained rate (bench/README.md): vfs
 * gets 16 MiB per CPU, ~80,000 of its records; io and net, far rarer, 1 MiB. */
char *const *los_engine_env(int kind, int stream, uint64_t buffer)
{
	static char pages[48];
	static char *env[] = {
		"BPFTRACE_STRLEN=200", "BPFTRACE_MAP_KEYS_MAX=65536", pages, NULL,
	};
	uint64_t n = 1, want;
	if (kind != KIND_BPFTRACE)
		return NULL;
	if (!buffer)
		buffer = stream == REC_VFS ? 16u << 20 : 1u << 20;
	want = (buffer + 4095) / 4096;
	while (n < want)
		n <<= 1;
	snprintf(pages, sizeof pages, "BPFTRACE_PERF_RB_PAGES=%llu", (unsigned long long)n);
	return env;
}

static int have_events(int stream)
{
	char path[256];
	for (const char *const *d = tracing_dirs; *d; d++) {
		snprintf(path, sizeof path, "%s/events/%s", *d, stream_events[stream]);
		if (access(path, F_OK) == 0)
			return 1;
	}
	return 0;
}

int los_precheck(int stream, int kind, char *msg, size_t cap)
{
	if (kind != KIND_BPFTRACE)
		return 0;
	if (geteuid() != 0) {
		snprintf(msg, cap, "bpftrace needs root: run with sudo");
		return EXIT_NOROOT;
	}
	if (!have_events(stream)) {
		snprintf(msg, cap, "kernel tracepoints %s/* not found: tracefs is not mounted"
		         " (mount it: mount -t tracefs nodev /sys/kernel/tracing) or the"
		         " kernel lacks them", stream_events[stream]);
		return EXIT_NOTRACEFS;
	}
	return 0;
}

/* The sleep freeze is a macOS DTrace problem (notes §3.4). */
int los_slept_since_boot(void) { return 0; }

void los_child_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGINT);
}

/* bpftrace 0.17 discards what its perf buffers still hold when SIGINT
 * comes (perf_event_printer ignores events once exitsig_recv is set). So
 * first the scripts are told to stop: getpgid() of a pid that cannot exist
 * from our pid, once on each CPU (sched_setaffinity moves us there before
 * it returns); the probe of the scripts turns tracing off and prints a
 * marker in that CPU's buffer, after all of that CPU's records. */
#define QUIESCE_PID 2147483630

int los_quiesce(void)
{
	cpu_set_t old, one;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int n = 0;
	if (sched_getaffinity(0, sizeof old, &old) < 0)
		return 0;
	for (long c = 0; c < ncpu && c < CPU_SETSIZE; c++) {
		CPU_ZERO(&one);
		CPU_SET((int)c, &one);
		if (sched_setaffinity(0, sizeof one, &one) < 0)
			continue;                  /* offline */
		syscall(SYS_getpgid, QUIESCE_PID);
		n++;
	}
	sched_setaffinity(0, sizeof old, &old);
	return n;
}

int los_exe_dir(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);
	char *s;
	if (n <= 0)
		return -1;
	out[n] = 0;
	if (!(s = strrchr(out, '/')))
		return -1;
	*s = 0;
	return 0;
}

/* dtrace (-k dtrace, e.g. Oracle's port) is asked what it lists, as on
 * macOS (launch_check.c); bpftrace's tracepoints are looked for. */
int los_can_attach(int stream, int kind, const char *engine, char *why, size_t cap)
{
	if (!engine) {
		snprintf(why, cap, kind == KIND_DTRACE ? "dtrace is not installed"
		         : "bpftrace is not installed (apt-get install bpftrace)");
		return 0;
	}
	if (kind == KIND_DTRACE)
		return dtrace_can_attach(stream, engine, why, cap);
	if (los_precheck(stream, kind, why, cap) != 0)
		return 0;
	snprintf(why, cap, "%s on tracepoint:%s", engine,
	         stream == REC_IO ? "block:block_rq_insert/issue/complete" : "syscalls:*");
	return 1;
}
