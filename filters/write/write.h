/* write.h — iotrc-write internals: the writer state shared by its modules
 * (iotrc-write.c: options and the main loop; write_rows.c: row framing and
 * header changes; write_out.c: the current file, zstd, flush, finish;
 * write_recover.c: leftover temporary files; write_names.c: file names;
 * write_dir.c: the directory, its lock, announcements; write_sys_*.c:
 * what differs between Linux and macOS). */
#ifndef IOTRC_WRITE_H
#define IOTRC_WRITE_H
#include "csvscan.h"
#include "stats.h"
#include <stddef.h>
#include <stdint.h>

#define WNAME_MAX 255            /* one file name in DIR */

struct wcfg {
	const char *dir, *prefix, *stats;
	uint64_t max_rows, max_bytes;     /* 0: no limit */
	int64_t max_age_ns;               /* 0: no limit */
	int64_t flush_ns, retry_ns;
	int level, threads, compress;
	size_t max_row;                   /* longest row we accept, bytes */
	unsigned fmode, dmode;            /* 0600/0700, or 0640/0750 with -g */
};

/* The --stats FILE keys, in the order written (iotrc-write(1)); the
 * string-valued current_file and last_error follow them. */
#define WSTATS(X) \
	X(rows_in) X(rows_written) X(rows_pending) X(rows_dropped) X(rows_too_long) \
	X(files_finished) X(files_recovered) X(rows_recovered) X(files_refused) \
	X(rows_lost) X(dir_recreated) X(files_unfinished) \
	X(bytes_in) X(bytes_out) X(write_errors) X(write_failing) \
	X(headers_changed) X(headers_repeated) X(blank_lines)
struct wstats {
#define WSTATS_FIELD(f) uint64_t f;
	WSTATS(WSTATS_FIELD)
#undef WSTATS_FIELD
	const char *current_file, *last_error;
};

struct wfile {                    /* the file being written, if fd >= 0 */
	int fd;
	char tmp[WNAME_MAX + 1], final[WNAME_MAX + 1];
	uint64_t rows, rows_good;     /* rows in it; rows durable (flushed) */
	uint64_t off, good_off;       /* bytes in it; bytes at the last flush */
	int64_t opened_ns;            /* monotonic */
};

struct writer {
	struct wcfg cfg;
	int dirfd, lockfd;
	char *dirabs;                 /* absolute DIR, for announcements */
	int announce_broken;          /* stdout failed once: say so once */
	struct wfile f;
	void *cctx;                   /* ZSTD_CCtx, NULL with --no-compress */
	char *stage, *obuf;           /* rows waiting for zstd; its output */
	size_t stage_len, stage_cap, ocap;
	unsigned seq;                 /* last sequence number used */
	char *header;                 /* the header row in force (no newline) */
	size_t header_len, hfirst_len;
	int failing;                  /* a write failed; until a flush works */
	int64_t now, next_retry_ns, pending_since;
	uint64_t dropped_at_fail;
	char curpath[4096 + WNAME_MAX + 2], lasterr[512];
	struct wstats st;
	struct stats *stats;
};

/* write_names.c */
/* "PREFIX_YYYYMMDD_HHMMSS_mmm_NNNN.csv[.zst]" for wall time ns, seq. */
int wname_final(char *out, size_t cap, const char *prefix, int64_t wall_ns, unsigned seq,
                int compress);
/* "." + final + ".part" */
int wname_tmp(char *out, size_t cap, const char *final);
/* Is name a temporary file of ours for this prefix? Then the final name
 * goes to out and 1 (zstd) or 2 (plain .csv) is returned, else 0. */
int wname_match_tmp(const char *name, const char *prefix, char *out, size_t cap);

/* write_dir.c */
void wdir_open(struct writer *w);                 /* mkdir -p, open, lock */
/* Was DIR removed while we hold it (its link count fell to 0)? Then
 * wdir_reopen creates, opens and locks it again: 0, or -1 (reported). */
int wdir_gone(struct writer *w);
int wdir_reopen(struct writer *w);
void wdir_announce(struct writer *w, const char *final);
int wdir_sync(struct writer *w);
void wdir_error(struct writer *w, const char *name, int err);
/* Open name in DIR for recovery, refusing (and reporting) what is not a
 * regular file of ours: a symlink, a FIFO, another user's file. -1 if
 * refused. */
int wdir_open_own(struct writer *w, const char *name, int flags);

/* write_sys_*.c: make data durable (F_FULLFSYNC on macOS); a bigger
 * input pipe where the system allows it (Linux). */
int wsync_data(int fd);
int wsync_full(int fd);
void wsys_input(int fd);

/* write_out.c */
void out_init(struct writer *w);
void out_free(struct writer *w);
/* A file open and writable for the next row: opens one (lazily, so an idle
 * or empty stream leaves no file); while writes fail, tries again only
 * every --retry-interval. -1: drop the row. */
int out_ensure(struct writer *w);
int out_row(struct writer *w, const char *row, size_t n);
int out_flush(struct writer *w);                  /* end a frame, sync */
int out_finish(struct writer *w);                 /* flush, sync, rename, announce */
void out_broken(struct writer *w, int err);       /* after a failed write */

/* write_rows.c */
struct wrows {
	struct csvscan cs;            /* the framer; the reader feeds it skipped lines */
	int oversize, started;
	int discard;                  /* rest of a row already counted as dropped */
	char *buf;                    /* a row spread over several lines */
	size_t len, cap;
	uint64_t too_long_seen, skipped_seen;   /* the reader's counts, last seen */
};
void rows_init(struct wrows *r);
void rows_free(struct wrows *r);
void rows_line(struct writer *w, struct wrows *r, const char *line, size_t n);
void rows_too_long(struct writer *w, struct wrows *r, uint64_t too_long, uint64_t skipped_rows);
/* End of input, or a stop with a piece of a row read (torn): a row not
 * complete is dropped and counted. */
void rows_end(struct writer *w, struct wrows *r, int torn);
void writer_take_row(struct writer *w, const char *row, size_t n);

/* write_recover.c: finish leftover temporary files in DIR. */
void recover_dir(struct writer *w);
/* Read a leftover from fd's offset 0: *good_off = the end of its last whole
 * frame (zst) or row (plain) whose rows all end; *good_rows = the rows
 * before it, header included. */
void recover_scan(int fd, int zst, uint64_t *good_off, uint64_t *good_rows);
#endif
