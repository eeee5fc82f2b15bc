/* exits.c — see exits.h. */
#include "exits.h"
#include <stddef.h>

static const struct exit_info table[] = {
	{ EXIT_OK, "ok", "done" },
	{ EXIT_RUNTIME, "runtime", "a runtime failure (its message says which)" },
	{ EXIT_USAGE, "usage", "a usage or configuration error" },
	{ EXIT_NOATTACH, "noattach", "the engine cannot attach (it is in use, this system"
	  " lacks what the script traces, or its message above says why)" },
	{ EXIT_NOROOT, "noroot", "the engine needs root: run with sudo" },
	{ EXIT_SIP, "sip", "System Integrity Protection restricts DTrace: allow it with"
	  " \"csrutil enable --without dtrace\" in macOS Recovery, or use the kdebug engine" },
	{ EXIT_NOENGINE, "noengine", "the engine (dtrace or bpftrace) is not installed" },
	{ EXIT_NOTRACEFS, "notracefs", "the kernel's tracepoints are not reachable: mount"
	  " tracefs (mount -t tracefs nodev /sys/kernel/tracing)" },
	{ EXIT_SLEPT, "slept", "this Mac has slept since it started up, and dtrace may then"
	  " freeze it: restart the Mac first" },
};
_Static_assert(sizeof table / sizeof table[0] == EXIT_NCODES, "one entry per code");

const struct exit_info *exit_info(int code)
{
	if (code < 0 || code >= EXIT_NCODES)
		return NULL;
	return &table[code];      /* the table is in code order (test_plumb) */
}

const struct exit_info *exit_table(int *n)
{
	*n = EXIT_NCODES;
	return table;
}
