/* kdebug_live.h — tracing the live kernel through sysctl KERN_KDEBUG
 * (kdebug_live_darwin.c; kdebug_live_linux.c says it needs macOS).
 * Sequence: notes/macos-kdebug.md §3.10. */
#ifndef IOTRC_KDEBUG_LIVE_H
#define IOTRC_KDEBUG_LIVE_H
#include "kdebug_decode.h"
#include <signal.h>
#include <stdint.h>

/* exit statuses (iotrc-kdebug(1)): EXIT_* of lib/exits.h, one table with
 * iotrc-launch, so the supervisor explains, not retries */
#include "exits.h"

struct kd_live_opts {
	long buf_events;            /* 0: the default */
	const int32_t *exclude;     /* pids to exclude besides our own */
	size_t nexclude;
	const char *record;         /* --record FILE or NULL */
	int want[REC_NSTREAMS];     /* which streams: sets the typefilter */
	int lookup_mode;            /* KD_LOOKUP_AUTO: from the OS version */
};

struct kd_live_info {
	uint32_t tb_numer, tb_denom;
	int64_t wall_offset_ns;
	int lookup_mode;
};

/* Take kdebug, configure and enable it. 0 on success, else an exit status
 * (the message is printed). */
int kd_live_start(const struct kd_live_opts *o, struct kd_live_info *info);
/* Helpers for the decoder that ask the live system (proc_pidfdinfo ...). */
void kd_live_hooks(struct kd_hooks *h);
/* Read and decode until *stop is set or the parent dies; tick(ctx) runs
 * after each batch (flush outputs, stats). Returns an exit status. */
int kd_live_loop(struct kd_decoder *d, volatile sig_atomic_t *stop,
                 int (*tick)(void *ctx), void *ctx);
/* Disable tracing and remove the buffer. Idempotent and async-signal-safe:
 * called on every exit path, from atexit() and fatal-signal handlers. */
void kd_live_stop(void);
/* Wraps seen by the reader (KDBG_WRAPPED), for --stats. */
extern uint64_t kd_live_wraps;
#endif
