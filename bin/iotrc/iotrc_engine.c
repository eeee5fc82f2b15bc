/* iotrc_engine.c — which engine traces each stream, and why (recorded in
 * manifest.json and printed once). The decision is platform-neutral, so
 * the macOS rules are unit-tested on Linux (tests/unit/test_iotrc.c):
 * engine: auto is bpftrace on Linux; on macOS DTrace for each stream whose
 * probes attach (iotrc-launch --check exits 0), else the kdebug engine,
 * which needs only root and works with SIP on — but only when DTrace
 * failed for a reason kdebug does not share (SIP, no dtrace, other attach
 * failures). Not being root fails both: DTrace is kept, so its launcher
 * explains. The probing (running --check) is iotrc_run.c's. */
#include <stdio.h>

#include "exits.h"
#include "iotrc.h"

void engine_decide(int kind, int macos, const int check[ENG_NSTREAMS], struct engine_choice *out)
{
	for (int i = 0; i < ENG_NSTREAMS; i++) {
		int *e = &out->engine[i];
		char *why = out->why[i];
		size_t cap = sizeof out->why[i];
		if (kind != ENG_AUTO) {
			*e = kind;
			snprintf(why, cap, "engine.kind %s", conf_engine_name(kind));
		} else if (!macos) {
			*e = ENG_BPFTRACE;
			snprintf(why, cap, "auto: bpftrace on Linux");
		} else if (check[i] == EXIT_OK) {
			*e = ENG_DTRACE;
			snprintf(why, cap, "auto: DTrace probes attach (iotrc-launch --check)");
		} else if (check[i] == EXIT_SIP || check[i] == EXIT_NOENGINE || check[i] == EXIT_NOATTACH) {
			const struct exit_info *x = exit_info(check[i]);
			*e = ENG_KDEBUG;
			snprintf(why, cap, "auto: DTrace cannot attach (iotrc-launch --check: %s); kdebug works with SIP on",
			         x->name);
		} else {
			const struct exit_info *x = exit_info(check[i]);
			*e = ENG_DTRACE;
			if (x)
				snprintf(why, cap, "auto: DTrace, although iotrc-launch --check says %s: %s", x->name,
				         x->why);
			else
				snprintf(why, cap, "auto: DTrace, although iotrc-launch --check exited %d", check[i]);
		}
	}
}
