/* sproc.h — iotrc-snap-proc internals. Layers, calls going down only:
 * iotrc-snap-proc.c (options, the sampling loop, snapshots) calls
 * sproc_row.c (a snapshot's rows), sproc_fds.c (the --fds side file)
 * and sproc_hist.c (per-process CPU history, the windows); the per-OS
 * readers sproc_<os>.c (processes) and sproc_fds_<os>.c (descriptors)
 * sit at the bottom, behind the interfaces below. */
#ifndef IOTRC_SPROC_H
#define IOTRC_SPROC_H
#include "csv.h"
#include "kdtab.h"
#include "wallclock.h"
#include <stddef.h>
#include <stdint.h>

/* ---- sproc_<os>.c: the processes of this machine ---- */

#define SP_NAME_MAX 64
enum { SP_OK = 0, SP_GONE = -1, SP_DENIED = -2 };

struct sp_proc {
	uint32_t pid;
	uint64_t start_id;        /* start time in the OS's unit: with pid, the identity */
	double create_time;       /* psutil's create_time(): seconds since the epoch */
	uint64_t cpu_ns;          /* user + system CPU time */
	int no_task;              /* a zombie without CPU or memory figures */
	/* read only for a snapshot (full): */
	uint64_t vms_bytes, rss_bytes;
	char name[SP_NAME_MAX];   /* the kernel's short name (comm) */
	const char *status;       /* psutil's status string */
};

struct sp_pids {
	uint32_t *v;
	size_t n, cap;
};

/* Clock ticks, boot time, timebase: once at start. 0, or -1 and errno. */
int sp_init(void);
/* Every pid now (replaces p's contents). 0, or -1 and errno. */
int sp_list(struct sp_pids *p);
void sp_pids_free(struct sp_pids *p);
/* One process: its identity and CPU time, and with full the rest.
 * SP_OK, SP_GONE (exited meanwhile) or SP_DENIED (not ours to read). */
int sp_read(uint32_t pid, struct sp_proc *p, int full);
/* status strings (psutil's), from a Linux state letter / a macOS p_stat */
const char *sp_status_linux(char state);
const char *sp_status_darwin(int p_stat);

/* ---- sproc_hist.c: CPU time history per (pid, start time) ---- */

/* Three rings of (time, CPU time) samples: every sample for the short
 * window, one every HIST_MID_STEP s for two minutes, one every
 * HIST_LONG_STEP s for an hour; about 3 KiB per process. */
#define HIST_SHORT 12
#define HIST_MID 64
#define HIST_MID_STEP 2
#define HIST_LONG 124
#define HIST_LONG_STEP 30

struct hist_sample {
	int64_t t_ns;             /* mono_now_ns() when read */
	uint64_t cpu_ns;
};
struct hist_ring {
	uint16_t head, n;         /* next slot, samples held */
};
struct hist {
	uint64_t start_id;
	uint32_t seen;            /* the scan that saw it last */
	uint32_t first_scan;      /* the scan that saw it first (1: there at start) */
	struct hist_ring r[3];
	struct hist_sample s[HIST_SHORT + HIST_MID + HIST_LONG];
};

struct hist_stats {
	uint64_t tracked_max, evicted, pid_reused, exited;
};

struct hist_tab {
	struct kd_tab procs;      /* pid -> struct hist * */
	uint32_t scan;            /* scans so far */
	int64_t first_t;          /* the first scan's time: the windows we cover */
	int64_t tol_ns;           /* a sample this much late still counts */
	struct hist_stats st;
};

void hist_init(struct hist_tab *h, size_t max_procs);
void hist_free(struct hist_tab *h);
/* A new scan begins at t_ns. */
void hist_scan_begin(struct hist_tab *h, int64_t t_ns);
/* One process's sample in this scan; a new start time for the pid
 * starts a new history. Returns the process's history. */
struct hist *hist_add(struct hist_tab *h, uint32_t pid, uint64_t start_id, int64_t t_ns,
                      uint64_t cpu_ns);
/* Forget the processes this scan did not see (they exited). */
void hist_scan_end(struct hist_tab *h);
size_t hist_count(const struct hist_tab *h);
/* Percent of one CPU over the last window_ns before the newest sample:
 * against the newest sample at or before then (tol_ns late allowed), or,
 * for a process that started after the first scan, its oldest one. -1
 * when unknown: the scans do not reach back window_ns yet, or fewer than
 * two samples. */
double hist_cpu_percent(const struct hist_tab *h, const struct hist *p, int64_t window_ns);

/* ---- sproc_row.c: a snapshot's rows ---- */

struct row_ctx {
	struct obuf *out;
	struct walltz tz;
	char ts[32];              /* the snapshot's timestamp cell */
	int64_t mono_ns;          /* its mono_ns */
	int anon;
	int64_t windows[3];       /* cpu_5s, cpu_2m, cpu_1h in ns */
	char *cmd;                /* cmdline buffer, cmd_cap bytes */
	size_t cmd_cap;
	uint64_t cmdline_cut;     /* longer than cmd_cap: cut */
};

void row_header(struct obuf *o);
/* psutil's name(): a comm of 15 or more characters is replaced by the
 * base name of argv[0] when that starts with it. Into out (cap bytes). */
size_t row_name(const char *comm, const char *argv0, size_t n0, char *out, size_t cap);
/* One process's row; cmd/ncmd its argument vector joined by spaces
 * (ncmd < 0: unreadable, written empty), arg0 the length of argv[0]. */
void row_write(struct row_ctx *c, const struct hist_tab *h, const struct hist *hp,
               const struct sp_proc *p, const char *cmd, long ncmd, size_t arg0);

/* ---- sproc_fds.c and sproc_fds_<os>.c: the --fds side file ---- */

/* Calls fn for every open file descriptor named by a path, and the cwd
 * (fd -1), of process pid. SP_OK, SP_GONE or SP_DENIED. */
struct fds_entry {
	int32_t fd;               /* -1: the working directory */
	int cloexec;
	const char *path;
	size_t len;
};
typedef void (*fds_fn)(void *ctx, uint32_t pid, const struct fds_entry *e);
int fds_read(uint32_t pid, fds_fn fn, void *ctx);

struct fds_stats {
	uint64_t procs, fds, cwds, denied, gone;
};
/* The file's header line ("#iotrc-fds 1 ..."); then one line per entry. */
void fds_header(struct obuf *o, int64_t mono_ns, int64_t wall_ns);
void fds_process(struct obuf *o, uint32_t pid, struct fds_stats *st);
#endif
