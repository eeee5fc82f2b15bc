/* iotrc.h — the supervisor's modules: configuration (iotrc_conf.c), the
 * command line (iotrc_cli.c), the session folder and manifest
 * (iotrc_sess.c, iotrc_manifest.c), the children (iotrc_run.c,
 * iotrc_pipe.c, iotrc_kdebug.c: the one kdebug engine of several streams) and the per-OS hook run in each child (iotrc_child_*.c). */
#ifndef IOTRC_SUPER_H
#define IOTRC_SUPER_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_STR 1024            /* a path or URL in the config */
#define CONF_MAXROOTS 8          /* snapshot.fs_roots entries */

enum engine_kind { ENG_AUTO, ENG_DTRACE, ENG_KDEBUG, ENG_BPFTRACE };
enum upload_mode { UP_NONE, UP_PRESIGN, UP_PRESIGN_GET, UP_S3, UP_DIR };
enum after_sleep { AS_WARN, AS_REFUSE, AS_ALLOW };

/* The effective configuration: compiled-in defaults, then the file, then
 * flags. Every field is named by one row of iotrc_conf.c's key table. */
struct conf {
	char root[CONF_STR];         /* empty: $TMPDIR, else /tmp */
	int fs, block, nw_conn;      /* streams on/off */
	int engine;                  /* enum engine_kind */
	int after_sleep;             /* enum after_sleep */
	uint64_t kdebug_buffer;      /* events */
	char kdebug_replay[CONF_STR];/* empty: live; else iotrc-kdebug --replay FILE */
	int live_lookup;             /* 0: iotrc-parse --no-lookup */
	uint64_t engine_buffer;      /* bytes per CPU; 0: the engine's default */
	char bin_dir[CONF_STR];      /* empty: beside iotrc */
	uint64_t max_rows, max_bytes, level;
	int64_t max_age;             /* ns */
	int64_t proc_every, fs_every;/* ns; 0: off */
	char fs_roots[CONF_MAXROOTS][CONF_STR];
	int nfs_roots;
	int upload;                  /* enum upload_mode */
	char endpoint[CONF_STR], bucket[CONF_STR], credentials[CONF_STR];
	char keep[CONF_STR];         /* delivered files go here; empty: deleted */
	uint64_t upload_jobs;
	int64_t upload_drain;        /* ns */
	int anonymize;
	char anon_key[CONF_STR];
	uint64_t verbosity;
	uint64_t restart_max;        /* restarts of one pipeline per minute */
};

/* ---- iotrc_conf.c ---- */
void conf_defaults(struct conf *c);
/* Load YAML text (name for messages) over c. 0, or -1 with a one-line
 * "NAME:LINE:COL: section.key: reason" in err. */
int conf_load_buf(struct conf *c, const char *buf, size_t len, const char *name,
                  char *err, size_t cap);
/* The same for a file (at most 1 MiB). */
int conf_load_file(struct conf *c, const char *path, char *err, size_t cap);
/* The configuration as YAML that conf_load_buf reads back unchanged,
 * each key with its one-line comment. Returns a malloc'd string. */
char *conf_print(const struct conf *c);
const char *conf_engine_name(int e);
const char *conf_upload_name(int m);
const char *conf_after_sleep_name(int a);

/* ---- iotrc_cli.c ---- */
enum cli_cmd { CMD_RUN, CMD_STATUS, CMD_PRINT_CONFIG, CMD_COMPUTER_ID, CMD_REWARD };
struct cli {
	int cmd;
	const char *conf_file;
	int verbose, anonymize, no_network, no_upload, dev;
	const char *duration, *outdir, *trace_bucket;
	int64_t duration_ns;         /* 0: until a signal */
};
extern const char iotrc_usage[];
/* Parse argv into cli (usage errors exit 2, -h exits 0). */
void cli_parse(struct cli *cl, int argc, char **argv);
/* Flags over the configuration. */
void cli_apply(const struct cli *cl, struct conf *c);

/* ---- iotrc_engine.c ---- */
#define ENG_NSTREAMS 3               /* fs, block, nw_conn (iotrc_run.c's order) */
struct engine_choice {
	int engine[ENG_NSTREAMS];    /* enum engine_kind, never ENG_AUTO */
	char why[ENG_NSTREAMS][200];
};
/* The engine of each stream for engine.kind kind; macos: the rules for
 * macOS, where check[i] is the exit status of iotrc-launch --check for
 * stream i (only read for kind auto on macOS). */
void engine_decide(int kind, int macos, const int check[ENG_NSTREAMS], struct engine_choice *out);

/* ---- iotrc_child_<os>.c ---- */
/* In each child before exec: die with the supervisor (Linux
 * PR_SET_PDEATHSIG); arg is the supervisor's pid as intptr_t. */
void child_tie_to_parent(char **argv, void *arg);

/* ---- iotrc_run.c ---- */
/* Run a session; the exit status. */
int run_session(const struct conf *c, const struct cli *cl, const char *self);
/* `iotrc status`: the running session's counters. */
int run_status(const struct conf *c);
#endif
