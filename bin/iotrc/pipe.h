/* pipe.h — the supervisor's pipelines (iotrc_pipe.c) and session
 * (iotrc_sess.c, iotrc_manifest.c): one pipeline is a producer (an engine
 * with its parser, or a snapshotter) feeding one iotrc-write, started,
 * watched and restarted as a unit. Private to bin/iotrc. */
#ifndef IOTRC_PIPE_H
#define IOTRC_PIPE_H
#include <limits.h>
#include <stdint.h>

#include "iotrc.h"
#include "spawn.h"

#define PL_MAXST 3
#define PL_MAXARGS 48
#define PL_MAX 6
#define GAP_MAX 64

struct stage {
	const char *tool;            /* "iotrc-parse" */
	char *argv[PL_MAXARGS + 1];  /* built at each start */
	char stats[PATH_MAX];        /* its --stats file */
	struct child ch;
	int running;
};

/* Counters of a pipeline's earlier runs (stats files restart at 0). */
struct plsum {
	uint64_t drops, probes, records, rows_parsed, malformed, rows_written, files;
};

struct gap {
	const char *label;
	int64_t start, end;          /* wall ns; end 0: not over */
	char cause[96];
};

struct pipeline {
	const char *label;           /* schema stream: fs, block, ..., process */
	const char *rec;             /* engine stream vfs, io, net; NULL: snapshotter */
	int nst;                     /* stages: engine, parse, write / snap, write */
	struct stage st[PL_MAXST];
	int wfd;                     /* the writer's stdout: finished paths */
	char line[PATH_MAX + 2];
	size_t nline;
	int up;                      /* some stage runs */
	int disabled;                /* cannot attach, missing tool, given up */
	char why_off[160];
	int attached;                /* the engine reported probes */
	int64_t down_since, restart_at;   /* mono ns */
	int64_t run_start;           /* mono ns of the last start */
	int64_t recent[8];           /* mono ns of recent restarts */
	unsigned nrestarts;
	struct plsum sum;
	int gap;                     /* index of the open gap, -1 */
};

struct session {
	const struct conf *c;
	const struct cli *cl;
	char bindir[PATH_MAX];
	char dir[PATH_MAX];          /* <root>/<stamp> */
	char ctl[PATH_MAX];          /* dir/.iotrc: stats files, pid */
	char stamp[32];
	int devnull;
	const char *engine_name;     /* per engine stream: "bpftrace" ... */
	struct pipeline pl[PL_MAX];
	int npl;
	struct gap gaps[GAP_MAX];
	int ngaps;
	struct child up;             /* iotrc-upload, pid -1 if none */
	int upfd;                    /* its stdin */
	uint64_t files_sent;
	int64_t start_wall, stop_wall, start_mono, offset_start, offset_end;
	int stopping, interrupts;
};

/* iotrc_pipe.c */
void pl_start(struct session *s, struct pipeline *p);
/* A stage exited: note it, stop the rest. */
void pl_exited(struct session *s, struct pipeline *p, int i);
/* All stages gone: fold counters in, schedule a restart or give up. */
void pl_down(struct session *s, struct pipeline *p, int64_t now);
/* Current counters: earlier runs plus the live stats files. */
void pl_counts(const struct pipeline *p, struct plsum *out);
/* The gap of a restarted pipeline ends now. */
void pl_gap_close(struct session *s, struct pipeline *p);
uint64_t stats_read_key(const char *path, const char *key);
int tool_path(const struct session *s, const char *tool, char *out, size_t cap);

/* iotrc_manifest.c: write dir/manifest.json atomically. 0 or -1. */
int manifest_write(const struct session *s);
#endif
