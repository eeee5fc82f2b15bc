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
	int engine;                  /* enum engine_kind of an engine stream */
	const char *engine_why;      /* and why it was chosen */
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
	int kd_in;                   /* kdebug: the parser's stdin until the engine has it, else -1 */
};

/* The kdebug engine: one iotrc-kdebug writes every stream that has it, one
 * pipe per stream to that stream's parser (iotrc_kdebug.c). The streams go
 * down and restart together: a death of the engine, or of one stream's
 * filter (the engine then stops), is a gap on each. */
struct kdeng {
	struct stage st;             /* tool "iotrc-kdebug", stats <ctl>/kdebug.stats */
	int ended;                   /* a replay reached its end: the session stops */
};

/* The one iotrc-upload of a session: every writer's finished paths reach
 * it through us, a whole line at a time (iotrc_up.c). */
struct uploader {
	struct child ch;             /* pid -1: not running */
	int in, out;                 /* its stdin (paths), its stdout (deliveries) */
	char stats[PATH_MAX];
	char line[PATH_MAX + 1100];  /* "path<TAB>key" */
	size_t nline;
	int disabled;                /* given up, or no tool */
	int closing;                 /* its input closed: the last drain */
	int64_t restart_at;          /* mono ns; 0: none due */
	int64_t recent[8];
	unsigned nrestarts;
	uint64_t delivered;          /* this session's files it delivered */
};

struct session {
	const struct conf *c;
	const struct cli *cl;
	char bindir[PATH_MAX];
	char dir[PATH_MAX];          /* <root>/<stamp> */
	char ctl[PATH_MAX];          /* dir/.iotrc: stats files, pid */
	char stamp[32];
	int devnull;
	struct engine_choice eng;    /* per engine stream */
	struct kdeng kd;
	char fds[PATH_MAX + 8];      /* the descriptor snapshot (--preload); "" if none */
	struct pipeline pl[PL_MAX];
	int npl;
	struct gap gaps[GAP_MAX];
	int ngaps;
	char root[PATH_MAX];         /* the output root */
	char keep[PATH_MAX];         /* upload --keep; empty: none */
	struct uploader up;
	uint64_t files_sent;         /* paths handed to the uploader */
	int tty;                     /* stderr is a terminal: the status line */
	int64_t status_at;           /* mono ns of the last status */
	uint64_t last_events[PL_MAX];
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
/* A child died unexpectedly at now: when to restart it (backoff 1, 2, 4
 * ... 32 s), or -1 when it restarted cap times in the last minute. */
int64_t restart_after(int64_t recent[8], unsigned *nrestarts, uint64_t cap, int64_t now);
int tool_path(const struct session *s, const char *tool, char *out, size_t cap);

/* argv building (iotrc_pipe.c) */
struct av {
	char **v;
	int n, cap;
};
void av_add(struct av *a, const char *s);
void av_addf(struct av *a, const char *fmt, unsigned long long v);
void av_free(char **v);
/* -a and --anon-key for a tool that hashes paths (anonymize.*). */
void anon_args(const struct conf *c, struct av *a);
/* A string value of a --stats file, "" if none. */
void stats_read_str(const char *path, const char *key, char *out, size_t cap);

/* iotrc_up.c: the uploader; and sessions under the root */
int stamp_name(const char *name);           /* YYYYMMDD_HHMMSS_mmm */
/* The session folder name under rootfd has a running iotrc (its pid file). */
int session_live(int rootfd, const char *name);
void up_init(struct session *s);
/* Start it (again): earlier sessions' files (first start) or this
 * session's (a restart) are queued by --spool. */
void up_start(struct session *s);
/* The files in the session's folder sub (system_spec) for it. */
void up_send_dir(struct session *s, const char *sub);
/* A finished file's path line (with its newline) for the uploader. */
void up_send(struct session *s, const char *line, size_t len);
/* Its stdout is readable: count this session's deliveries. */
void up_read(struct session *s);
/* Reap it; restart it later if it died before its time. */
void up_reap(struct session *s, int64_t now);
void up_tick(struct session *s, int64_t now);
/* Its last input: the manifest's path (if manifest), then end of input,
 * which starts its drain. */
void up_close(struct session *s, int manifest);
/* End its drain: SIGTERM, then, through child_stop_due, SIGTERM again
 * 200 ms later (two at once may merge into one pending signal; its second
 * signal ends the drain at once), then SIGKILL. */
void up_cut(struct uploader *u);

/* iotrc_kdebug.c (pl_kdebug and kd_stop: iotrc_pipe.c) */
int pl_kdebug(const struct pipeline *p);
/* iotrc-kdebug's argv (path first) for the kdebug pipelines whose parsers
 * wait on kd_in, in a (NULL-terminated); their descriptors in fd, their
 * number returned (0: none, nothing to start). */
int kd_args(const struct session *s, struct av *a, const char *path, int fd[ENG_NSTREAMS]);
/* Start the engine on the kdebug pipelines that are up (their parsers
 * wait on kd_in); nothing if none. */
void kd_start(struct session *s);
/* Reap it; note its exit on each of its streams. */
void kd_reap(struct session *s);
/* The kdebug pipelines are all down and one is due: start them all, then
 * the engine. 1 if it did. */
int kd_restart(struct session *s, int64_t now);
/* Stop it (it drains), if it runs. */
void kd_stop(struct session *s, int64_t now, int64_t grace);

/* iotrc_pipe.c */
void gap_open(struct session *s, struct pipeline *p, const char *tool, const char *why);
void describe(const struct child *ch, char *out, size_t cap);

/* iotrc_run.c: wait for input, signals or deadline (at most 250 ms),
 * pass on finished paths, count interrupts. */
void sess_wait(struct session *s, int64_t deadline);

/* iotrc_status.c: <ctl>/status and the terminal's status line, about
 * once a second (final: the last, and the line is cleared). */
void status_tick(struct session *s, int64_t now, int final);
/* The output root of c: output.root, else $TMPDIR, else /tmp. */
const char *session_root(const struct conf *c);

/* iotrc_manifest.c: write dir/manifest.json atomically. 0 or -1. */
int manifest_write(const struct session *s);
#endif
