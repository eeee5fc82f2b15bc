/* launch_errs.c — what the engine says on stderr, one line at a time.
 *
 * dtrace's formats are fixed (shared/notes/macos-dtrace.md §2.9, §3.2):
 * every line starts with "<basename of argv[0]>: ", drop and fault lines
 * are never silenced by -q, and the SIP notice appears even with -q.
 * bpftrace 0.17 prefixes errors with "ERROR: " and warnings with
 * "WARNING: ". The table is tried in order; the first match wins. */
#include "launch.h"
#include <regex.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const struct errpat {
	const char *re;        /* POSIX extended regex */
	int cls;
} pats[] = {
	/* dtrace drops (dt_handle.c:333-375); the count is group 1 */
	{ "^[^ ]*: ([0-9]+) drops? on CPU [0-9]+$", EC_DROP },
	{ "^[^ ]*: ([0-9]+) aggregation drops? on CPU [0-9]+$", EC_DROP_AGG },
	{ "^[^ ]*: ([0-9]+) dynamic variable drops?( with non-empty (rinsing|dirty) list)?$", EC_DROP_DYNVAR },
	{ "^[^ ]*: ([0-9]+) (speculative drops?|failed speculations?)", EC_DROP_SPEC },
	/* probe faults (dt_handle.c:144-232, dt_error.c:208-217) */
	{ "^[^ ]*: error on enabled probe ID [0-9]+ .*: invalid user access", EC_FAULT_USER },
	{ "^[^ ]*: error on enabled probe ID [0-9]+ .*: invalid kernel access", EC_FAULT_KERNEL },
	{ "^[^ ]*: error on enabled probe ID [0-9]+ .*: invalid address", EC_FAULT_ADDR },
	{ "^[^ ]*: error on enabled probe ID ", EC_FAULT_OTHER },
	{ "^[^ ]*: [0-9]+ errors? in ERROR probe enabling", EC_FAULT_OTHER },
	/* attach failures (§3.2, dt_error.c:96) */
	{ "does not match any probes\\. System Integrity Protection is on", EC_FAIL_SIP },
	/* dtrace -l: "failed to match io:::start: System Integrity Protection
	 * is on" (dtrace-409 cmd/dtrace/dtrace.c:589-592 with
	 * lib/libdtrace/apple/dt_provider_apple.c:38-41, dt_error.c:111) */
	{ "^[^ ]*: failed to match [^ ]*: System Integrity Protection is on$", EC_FAIL_SIP },
	{ "system integrity protection restricts", EC_FAIL_SIP },
	{ "system integrity protection is on", EC_SIP_ON },
	{ "DTrace requires additional privileges", EC_FAIL_ROOT },
	{ "^[^ ]*: (failed to compile script|invalid probe specifier|failed to initialize dtrace|could not enable tracing|failed to enable)", EC_FAIL_ATTACH },
	/* harmless resizes (dtrace.c:1002-1060) */
	{ "^[^ ]*: (buffer size|dynamic variable size|aggregation size|speculation size) lowered to", EC_NOTICE },
	{ "^[^ ]*: (cleaning|status|switch|aggregation) rate (increased|lowered) to", EC_NOTICE },
	/* bpftrace 0.17 */
	{ "^Lost ([0-9]+) events", EC_DROP },
	{ "couldn't set RLIMIT_MEMLOCK", EC_NOTICE },
	{ "only supports running as the root user", EC_FAIL_ROOT },
	{ "(tracefs|debugfs|/sys/kernel/(debug/)?tracing)", EC_FAIL_TRACEFS },
	{ "^ERROR: (tracepoint not found|Could not find tracepoint|Probe .* does not exist)", EC_FAIL_TRACEFS },
	{ "^(ERROR|[^ ]+:[0-9]+:[0-9-]+: ERROR):? ", EC_FAIL_ATTACH },
	{ "^Attaching [0-9]+ probes?", EC_NOTICE },
	{ "^WARNING: ", EC_NOTICE },
};
#define NPATS (sizeof pats / sizeof pats[0])

static regex_t compiled[NPATS];
static int ready;

static void compile_all(void)
{
	for (size_t i = 0; i < NPATS; i++)
		if (regcomp(&compiled[i], pats[i].re, REG_EXTENDED) != 0)
			abort();        /* a bad table entry is a programming error */
	ready = 1;
}

int errs_classify(const char *line, size_t n, uint64_t *count)
{
	char buf[1024];
	regmatch_t m[2];
	if (!ready)
		compile_all();
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, line, n);
	buf[n] = 0;
	*count = 1;
	for (size_t i = 0; i < NPATS; i++) {
		if (regexec(&compiled[i], buf, 2, m, 0) != 0)
			continue;
		if (m[1].rm_so >= 0 && buf[m[1].rm_so] >= '0' && buf[m[1].rm_so] <= '9')
			*count = strtoull(buf + m[1].rm_so, NULL, 10);
		return pats[i].cls;
	}
	return EC_OTHER;
}

const char *errs_class_name(int c)
{
	static const char *const names[EC_NCLASSES] = {
		"other", "drop", "aggregation drop", "dynamic variable drop",
		"speculative drop", "invalid user access", "invalid kernel access",
		"invalid address", "probe fault", "notice", "SIP notice",
		"SIP", "not root", "no tracefs", "attach failure",
	};
	return c >= 0 && c < EC_NCLASSES ? names[c] : "?";
}

/* Which counter each class feeds; drop lines add the number they carry. */
static const size_t counter_of[EC_NCLASSES] = {
	[EC_OTHER] = offsetof(struct lstats, engine_messages),
	[EC_DROP] = offsetof(struct lstats, drops),
	[EC_DROP_AGG] = offsetof(struct lstats, drops_aggregation),
	[EC_DROP_DYNVAR] = offsetof(struct lstats, drops_dynvar),
	[EC_DROP_SPEC] = offsetof(struct lstats, drops_speculative),
	[EC_FAULT_USER] = offsetof(struct lstats, faults_user_access),
	[EC_FAULT_KERNEL] = offsetof(struct lstats, faults_kernel_access),
	[EC_FAULT_ADDR] = offsetof(struct lstats, faults_address),
	[EC_FAULT_OTHER] = offsetof(struct lstats, faults_other),
	[EC_NOTICE] = offsetof(struct lstats, engine_notices),
	[EC_SIP_ON] = offsetof(struct lstats, engine_notices),
	[EC_FAIL_SIP] = offsetof(struct lstats, engine_messages),
	[EC_FAIL_ROOT] = offsetof(struct lstats, engine_messages),
	[EC_FAIL_TRACEFS] = offsetof(struct lstats, engine_messages),
	[EC_FAIL_ATTACH] = offsetof(struct lstats, engine_messages),
};

int errs_account(struct lstats *st, const char *line, size_t n)
{
	uint64_t k;
	int c = errs_classify(line, n, &k);
	*(uint64_t *)((char *)st + counter_of[c]) += k;
	return c;
}
