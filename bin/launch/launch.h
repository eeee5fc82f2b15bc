/* launch.h — iotrc-launch internals: the engine child (launch_engine.c),
 * the classification of its stderr (launch_errs.c), the bpftrace JSON to
 * record conversion (launch_bt.c) and the per-OS facts (launch_darwin.c,
 * launch_linux.c). */
#ifndef IOTRC_LAUNCH_H
#define IOTRC_LAUNCH_H
#include "csv.h"
#include "exits.h"
#include "spawn.h"       /* EXIT_*: iotrc-launch(1) EXIT STATUS */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


enum engine_kind { KIND_DTRACE = 0, KIND_BPFTRACE = 1 };

/* Counters, written to --stats under their own names, in this order
 * (iotrc-launch(1)). */
#define LSTATS(X) \
	X(records) X(blank_lines) X(bytes_out) \
	X(drops) X(drops_last_s) X(drops_aggregation) X(drops_dynvar) X(drops_speculative) \
	X(engine_lost_events) X(seq_errors) \
	X(faults_user_access) X(faults_kernel_access) X(faults_address) X(faults_other) \
	X(engine_notices) X(engine_messages) X(engine_bad_lines) \
	X(orphan_strings) X(probes)
struct lstats {
#define LSTATS_FIELD(f) uint64_t f;
	LSTATS(LSTATS_FIELD)
#undef LSTATS_FIELD
};

/* ---- launch_errs.c: stderr lines of dtrace (notes §2.9) and bpftrace ---- */
enum errclass {
	EC_OTHER = 0,       /* unknown: shown */
	EC_DROP, EC_DROP_AGG, EC_DROP_DYNVAR, EC_DROP_SPEC,
	EC_FAULT_USER,      /* invalid user access: restricted process, quiet */
	EC_FAULT_KERNEL, EC_FAULT_ADDR, EC_FAULT_OTHER,
	EC_NOTICE,          /* harmless (buffer resized, memlock, ...) */
	EC_SIP_ON,          /* "system integrity protection is on" notice */
	EC_FAIL_SIP, EC_FAIL_ROOT, EC_FAIL_TRACEFS, EC_FAIL_ATTACH,
	EC_NCLASSES
};
/* Class of one line; *count gets the number a drop line carries (else 1). */
int errs_classify(const char *line, size_t n, uint64_t *count);
const char *errs_class_name(int c);
/* Count the line into st; returns its class. */
int errs_account(struct lstats *st, const char *line, size_t n);

/* ---- launch_engine.c: the engine as our child (lib/spawn.h) ----------- */
/* Start argv with extra "NAME=value" environment entries, stdout and
 * stderr piped (e->fd[1], e->fd[2]). Returns 0, or an errno (exec
 * failure, e.g. ENOENT) with nothing left running. */
int engine_start(struct child *e, char *const argv[], char *const env[]);

/* ---- launch_check.c: --check for dtrace -------------------------------- */
/* "ENGINE -l -n PROBE" for the stream, judged by the probe lines it lists:
 * 1 listed, else 0 with why filled (SIP, not root, missing probe, ...). */
int dtrace_can_attach(int stream, const char *engine, char *why, size_t cap);

/* ---- launch_bt.c: bpftrace -f json output to records -------------------- */
#define BT_NPEND 64
#define BT_MAXCPU 4096
struct btconv {
	int stream;
	int64_t wall_offset;   /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	struct obuf *out;
	struct lstats *st;
	/* Path strings waiting for their record, by thread: another thread's
	 * events may come between a string and its record when the tracing
	 * thread is preempted between the two probe programs. */
	struct btpend {
		uint64_t tid, seq;
		int idx;           /* 0: free slot */
		size_t len;
		char *s;
	} pend[BT_NPEND];
	uint64_t seq;
	int npend;
	uint64_t nprobes;      /* announced; published at "iotrc-attached" */
	uint64_t *last;        /* [cpu]: the last sequence number that arrived */
	int attached;          /* "iotrc-attached" seen */
	int nstopped;          /* CPUs whose "iotrc-stopped" marker came */
	unsigned char *stopped;/* [cpu] */
};
void bt_init(struct btconv *b, int stream, struct obuf *out, struct lstats *st);
void bt_free(struct btconv *b);
void bt_line(struct btconv *b, const char *line, size_t n);

/* ---- launch_darwin.c / launch_linux.c ------------------------------------ */
int los_host_os(void);                 /* enum os */
int los_default_kind(void);
/* The engine program, or NULL if none is installed. */
const char *los_default_engine(int kind);
/* Extra environment for the engine (NULL-terminated), with its buffer per
 * CPU (bytes; 0: the default for the stream). */
char *const *los_engine_env(int kind, int stream, uint64_t buffer);
/* Checks before starting: 0, or an EXIT_ status with msg filled. */
int los_precheck(int stream, int kind, char *msg, size_t cap);
/* 1 slept since boot, 0 not, -1 unknown. */
int los_slept_since_boot(void);
/* In the child before exec. */
void los_child_setup(void);
/* Tell the bpftrace scripts to stop tracing, once from each CPU (see
 * dtrace/vfs.bt); returns how many CPUs were told (each sends a marker). */
int los_quiesce(void);
/* Folder of this executable; 0 or -1. */
int los_exe_dir(char *out, size_t cap);
/* --check: 1 the stream can attach, else 0 with why filled. */
int los_can_attach(int stream, int kind, const char *engine, char *why, size_t cap);
#endif
