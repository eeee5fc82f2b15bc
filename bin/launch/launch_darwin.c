/* launch_darwin.c — iotrc-launch on macOS: /usr/sbin/dtrace.
 *
 * Facts from shared/notes/macos-dtrace.md: dtrace needs root (§2.8, §5.21);
 * with SIP on the io provider does not match (§3.1) and libdtrace says so
 * in its error text (§3.2); probe availability is best checked with
 * "dtrace -l -n PROBE" (§3.2, last paragraph; launch_check.c reads its
 * answer); running dtrace after the Mac has slept since boot may freeze
 * it, and kern.waketime / kern.sleeptime are zero until the first sleep
 * (§3.4). */
#include "launch.h"
#include "decode.h"
#include "records.h"
#include <mach-o/dyld.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <unistd.h>

int los_host_os(void) { return OS_DARWIN; }
int los_default_kind(void) { return KIND_DTRACE; }

const char *los_default_engine(int kind)
{
	const char *c = kind == KIND_DTRACE ? "/usr/sbin/dtrace" : "/usr/local/bin/bpftrace";
	return access(c, X_OK) == 0 ? c : NULL;
}

/* dtrace drains its buffers on SIGINT (notes §2.10): nothing to do. */
int los_quiesce(void) { return 0; }

/* dtrace takes its buffer size as -x bufsize (engine_argv). */
char *const *los_engine_env(int kind, int stream, uint64_t buffer)
{
	(void)kind, (void)stream, (void)buffer;
	return NULL;
}

int los_precheck(int stream, int kind, char *msg, size_t cap)
{
	(void)stream, (void)kind;
	if (geteuid() != 0) {
		snprintf(msg, cap, "dtrace needs root: run with sudo");
		return EXIT_NOROOT;
	}
	return 0;
}

/* A timeval that is set once the machine has slept (or woken) since boot. */
static int tv_set(const char *name)
{
	struct timeval tv;
	size_t len = sizeof tv;
	if (sysctlbyname(name, &tv, &len, NULL, 0) != 0 || len != sizeof tv)
		return -1;
	return tv.tv_sec != 0 || tv.tv_usec != 0;
}

int los_slept_since_boot(void)
{
	int w = tv_set("kern.waketime"), s = tv_set("kern.sleeptime");
	if (w == 1 || s == 1)
		return 1;
	return w < 0 && s < 0 ? -1 : 0;
}

void los_child_setup(void)
{
}

int los_exe_dir(char *out, size_t cap)
{
	char raw[PATH_MAX], real[PATH_MAX];
	uint32_t n = sizeof raw;
	char *s;
	if (_NSGetExecutablePath(raw, &n) != 0 || !realpath(raw, real))
		return -1;
	if (!(s = strrchr(real, '/')) || (size_t)(s - real) >= cap)
		return -1;
	*s = 0;
	snprintf(out, cap, "%s", real);
	return 0;
}

/* --check: "dtrace -l -n PROBE", judged by the probe lines it lists, not
 * its exit status, which is 0 for a probe that does not match
 * (launch_check.c, after dtrace-409 cmd/dtrace/dtrace.c). */
int los_can_attach(int stream, int kind, const char *engine, char *why, size_t cap)
{
	if (!engine) {
		snprintf(why, cap, "/usr/sbin/dtrace is not installed");
		return 0;
	}
	if (los_precheck(stream, kind, why, cap) != 0)
		return 0;
	return dtrace_can_attach(stream, engine, why, cap);
}
