/* exits.h — the exit statuses of every iotrc tool, in one table: the code,
 * a short name, and a one-line explanation the supervisor can print
 * instead of retrying. The numbers are documented in each tool's man page
 * (EXIT STATUS; tests/unit/test_plumb.c checks the pages against this
 * table), so they never change. 3 and up: the engine cannot attach, and
 * retrying will not help until the cause is fixed. */
#ifndef IOTRC_EXITS_H
#define IOTRC_EXITS_H

enum iotrc_exit {
	EXIT_OK = 0,       /* done */
	EXIT_RUNTIME = 1,  /* a runtime failure */
	EXIT_USAGE = 2,    /* usage or configuration error */
	EXIT_NOATTACH = 3, /* the engine cannot attach, other reasons */
	EXIT_NOROOT = 4,   /* not root */
	EXIT_SIP = 5,      /* macOS: System Integrity Protection restricts DTrace */
	EXIT_NOENGINE = 6, /* dtrace / bpftrace not installed */
	EXIT_NOTRACEFS = 7,/* Linux: no tracefs, or no such tracepoints */
	EXIT_SLEPT = 8,    /* macOS: slept since boot, --after-sleep=refuse */
	EXIT_NCODES
};

struct exit_info {
	int code;
	const char *name;   /* short, stable: "noattach" */
	const char *why;    /* one line for the user */
};

/* The entry for code, or NULL if it is not one of ours. */
const struct exit_info *exit_info(int code);
/* The whole table, in code order; *n gets its length. */
const struct exit_info *exit_table(int *n);
#endif
