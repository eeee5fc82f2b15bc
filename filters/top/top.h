/* top.h — iotrc-top's modules, in layers (each calls only those above it):
 *	top_agg.c     per-process and per-file counters, bounded (LRU, "(other)")
 *	top_csv.c     fs CSV rows (header checked, fields split) into top_agg
 *	top_in.c      one input's bytes (plain or zstd, frame by frame) into top_csv
 *	top_follow.c  a running session's fs/ folder, file by file, into top_in
 *	top_fmt.c     what every view shares: sizes, safe names, sorted lists
 *	top_json.c    the JSON of the browser's API and of --json
 *	top_text.c    plain periodic text, --report, --csv
 *	top_html.c    --html: one self-contained page with bars
 *	top_http.c    --listen: the live page and its JSON (libmicrohttpd)
 *	top_tty.c     the terminal view (curses)
 *	iotrc-top.c   options, inputs, the main loop */
#ifndef IOTRC_TOP_H
#define IOTRC_TOP_H
#include "obuf.h"
#include "json.h"
#include "csvscan.h"
#include "zframe.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* ---- top_agg.c ---- */
struct tcount {
	uint64_t rbytes, wbytes;      /* bytes_completed of reads, of writes */
	uint64_t reads, writes, ops;  /* read rows, write rows, all rows */
};

/* What processes and files have in common: counters, rates, activity. */
struct tent {
	uint64_t seen;                /* top.seq at its last row: the newest is highest */
	struct tcount c;
	uint64_t cur_r, cur_w;        /* bytes in the interval under way */
	uint64_t last_r, last_w;      /* bytes in the interval before it */
	uint32_t tick;                /* the interval cur_* belong to */
	unsigned char is_file;
};

struct tfile;
struct fslot {                    /* the file table's slots carry the hash: */
	uint64_t hash;                /* a probe reads no entry it does not want */
	struct tfile *f;
};
struct tproc {
	struct tent e;
	uint32_t pid;
	uint64_t id;                  /* unique in this run: pid reuse apart */
	size_t idx;                   /* place in top.procs */
	struct tfile *files;          /* its file entries, newest first */
	uint64_t nfiles;
	struct tcount other;          /* its files folded away */
	uint64_t other_files;
	char start[32], last[32];     /* timestamp of its first and last row */
	uint32_t cmdlen, cmdlinelen;
	char *cmdline;                /* argv as the cmdline column gives it */
	char name[];                  /* the command */
};

struct tfile {
	struct tent e;
	struct tproc *proc;
	struct tfile *pprev, *pnext;  /* in its process's list */
	uint64_t hash;
	uint32_t len;
	char path[];
};

enum top_op { OP_READ, OP_WRITE, OP_OTHER };

/* One data row, as top_csv hands it over (fields not NUL-terminated). */
struct trow {
	enum top_op op;
	uint32_t pid;
	uint64_t bytes;
	uint64_t hash;                /* top_hash(pid, path) */
	const char *cmd, *path, *ts, *cmdline;
	size_t cmdn, pathn, tsn, cmdlinen;
};

struct top {
	uint64_t max_entries;         /* processes + files kept at most */
	uint64_t nentries;
	uint64_t seq;                 /* counts touches: the activity clock */
	struct tproc **procs;         /* every kept process, any order */
	size_t nprocs, procs_cap;
	struct tproc **pidtab;        /* pid -> its newest process (open addressing) */
	size_t pid_cap, pid_used;
	struct fslot *ftab;           /* (process, path) -> file (open addressing) */
	size_t ftab_cap;
	uint64_t nfiles, next_id;
	struct tcount total;          /* everything ever read: exact */
	struct tent tot;              /* rates of the total */
	struct tcount other;          /* processes folded away */
	uint64_t other_procs, other_files;
	uint32_t tick;                /* intervals so far */
	int64_t tick_ns, ivl_ns;      /* start of the current one; length of the last */
	struct tproc *lastp;          /* the last row's process and file */
	struct tfile *lastf;
	pthread_mutex_t lock;         /* the HTTP thread reads under it */
};

void top_init(struct top *t, uint64_t max_entries, int64_t now_ns);
void top_free(struct top *t);
void top_row(struct top *t, const struct trow *r);
/* The hash of a row's (pid, file), and hints that bring the table slot,
 * then the entry it names, into the cache ahead of top_row: rows are
 * counted in batches so that their cache misses overlap. */
uint64_t top_hash(uint32_t pid, const char *path, size_t n);
void top_prefetch_slot(const struct top *t, uint64_t hash);
void top_prefetch_entry(const struct top *t, uint64_t hash);
/* A new interval begins at now_ns; the one that ends gives the rates. */
void top_tick(struct top *t, int64_t now_ns);
/* Bytes per second of reads and writes over the last whole interval. */
void top_rates(const struct top *t, const struct tent *e, double *r, double *w);
void top_lock(struct top *t);
void top_unlock(struct top *t);
/* The process with this id (id 0: the newest with this pid), or NULL. */
struct tproc *top_find(const struct top *t, uint32_t pid, uint64_t id);

/* ---- top_csv.c ---- */
#define TCSV_MAXROW (1u << 20)
#define TCSV_BATCH 16
struct tcsv {
	struct top *top;
	struct csvscan cs;
	char *carry;                  /* a row split between pieces */
	size_t clen, ccap;
	int skipping;                 /* in a row longer than TCSV_MAXROW */
	char *scratch;                /* unquoted fields */
	size_t scap;
	int have_header, ncols;
	int col[8];                   /* our fields' positions in the header */
	char *header;                 /* the header row as read */
	size_t hlen;
	struct trow batch[TCSV_BATCH];    /* rows parsed, not yet counted */
	int nbatch;
	const char *name;             /* for messages */
	char err[512];                /* the reason when a call returned -1 */
	uint64_t rows, malformed, too_long, headers;
};
void tcsv_init(struct tcsv *c, struct top *t);
void tcsv_free(struct tcsv *c);
/* A new input starts (its first row must be a header). */
void tcsv_start(struct tcsv *c, const char *name);
/* Bytes of the input; -1 with c->err when it is not an fs CSV. */
int tcsv_feed(struct tcsv *c, const char *p, size_t n);
/* The input ended: a last row without its newline counts. */
int tcsv_finish(struct tcsv *c);

/* ---- top_in.c ---- */
struct tin {
	struct tcsv *csv;
	const char *name;
	int kind;                     /* 0 not known yet, 1 plain, 2 zstd */
	unsigned char head[4];
	size_t nhead;
	void *ds;                     /* ZSTD_DStream */
	struct zframe z;
	char *cbuf;                   /* compressed bytes of the frame under way */
	size_t clen, ccap;
	int spill;                    /* a huge frame: decoded as it comes */
	char *obuf;
	size_t ocap;
	uint64_t frames;              /* whole zstd frames read */
	char err[600];
};
void tin_init(struct tin *in, struct tcsv *csv, const char *name);
void tin_free(struct tin *in);
/* tin_feed and tin_finish expect the caller to hold the top's lock;
 * tin_drain and tin_file take it around each piece they read. */
/* Raw bytes of the input: -1 with in->err (not an fs CSV, not zstd). */
int tin_feed(struct tin *in, const void *p, size_t n);
/* The input ended. 0; 1 when a last zstd frame was cut short (in->err
 * says so; what came before it was read); -1 on a bad ending. */
int tin_finish(struct tin *in);
/* Read a whole file into the counters: 0, 1 (truncated, see tin_finish)
 * or -1 with err set. */
int tin_file(struct tcsv *csv, const char *path, char *err, size_t errcap);
/* Read what is in fd now (till EOF or EAGAIN); 1 at end of file, 0 when
 * more may come, -1 on error (err set). At most max bytes. */
int tin_drain(struct tin *in, int fd, size_t max);

/* ---- top_follow.c ---- */
struct tfollow {
	char *dir;                    /* the fs folder */
	struct tcsv *csv;             /* for the finished files */
	struct tcsv curcsv;           /* for the one being written */
	char **done;                  /* finished files read, sorted */
	size_t ndone, done_cap;
	struct tin cur;               /* the file being written, followed */
	int cur_fd;
	char cur_part[256], cur_final[256];
	char err[700];
};
/* dir: a session folder (its fs/ is followed) or an fs folder. */
void follow_init(struct tfollow *f, const char *dir, struct tcsv *csv);
void follow_free(struct tfollow *f);
/* Read whatever is new: finished files, and the whole frames of the one
 * being written. 0, or -1 with f->err. Warnings (a truncated file) go to
 * f->err too and return 1. */
int follow_poll(struct tfollow *f);
const char *follow_dir(const struct tfollow *f);

/* ---- top_fmt.c ---- */
enum top_sort { SORT_TOTAL, SORT_RATE, SORT_READ, SORT_WRITE, SORT_OPS, SORT_N };
extern const char *const top_sort_names[SORT_N];
int top_sort_parse(const char *s);
/* Kept processes whose command holds filter (NULL: all), sorted; *out
 * is allocated (free it). */
size_t top_list_procs(const struct top *t, enum top_sort by, const char *filter,
                      struct tproc ***out);
size_t top_list_files(const struct top *t, const struct tproc *p, enum top_sort by,
                      struct tfile ***out);
/* "12345", "123.4K", "1.2G": at most 6 characters; out needs 16. */
void fmt_human(char *out, double v);
/* s[0..n) for a terminal or a text table: control characters and bytes
 * that are not UTF-8 become '?'; at most cols characters (the last one
 * '~' when cut). Returns the bytes written (out needs 4 * cols + 1). */
size_t fmt_safe(char *out, const char *s, size_t n, size_t cols);
/* How many characters (code points) fmt_safe's output holds. */
size_t fmt_cols(const char *s, size_t n);
/* What the views show for a file with no name, and for the folded rows. */
#define TOP_NONAME "(no file name)"
#define TOP_OTHER "(other)"

/* What the views need besides the counters: the input, rows, a state. */
struct tstatus {
	const char *input;            /* "stdin", a file name, a folder */
	uint64_t rows, malformed;
	int ended;                    /* the input ended */
	const char *note;             /* a warning to show, or NULL */
	const char *url;              /* where the live page is served, or NULL */
};

/* ---- top_json.c ---- */
void tjson_overview(struct json *j, const struct top *t, const struct tstatus *st,
                    enum top_sort by, const char *filter, size_t n);
/* One process and its files; 0, or -1 if there is no such process. */
int tjson_process(struct json *j, const struct top *t, uint32_t pid, uint64_t id,
                  enum top_sort by, size_t n);
/* Reports: the processes (n, 0 all; those whose command holds filter,
 * NULL all), each with its files (nf, 0 all). */
struct trep {
	enum top_sort by;
	const char *filter;
	size_t n, nf;
};
/* --json */
void tjson_report(struct json *j, const struct top *t, const struct tstatus *st,
                  const struct trep *r);

/* ---- top_text.c ---- */
void ttext_snapshot(struct obuf *o, const struct top *t, const struct tstatus *st,
                    enum top_sort by, const char *filter, size_t n);
void ttext_report(struct obuf *o, const struct top *t, const struct tstatus *st,
                  const struct trep *r);
void tcsv_report(struct obuf *o, const struct top *t, const struct trep *r);

/* ---- top_html.c ---- */
void thtml_report(struct obuf *o, const struct top *t, const struct tstatus *st,
                  const struct trep *r);

/* ---- top_http.c ---- */
struct thttp;
/* Serve the live page on addr ("127.0.0.1:8092", "[::1]:0", "8092");
 * NULL with a message in err. st is read under t's lock. */
struct thttp *thttp_start(const char *addr, struct top *t, const struct tstatus *st,
                          char *err, size_t errcap);
/* The URL it listens on ("http://127.0.0.1:8092/"). */
const char *thttp_url(const struct thttp *h);
int thttp_loopback(const struct thttp *h);
void thttp_stop(struct thttp *h);
extern const char top_page_html[];

/* ---- top_tty.c ---- */
struct ttty;
/* Start the terminal view; NULL (err set) if there is no terminal. */
struct ttty *ttty_start(char *err, size_t errcap);
/* The first sort key, filter and row limit (-1: what fits). */
void ttty_setup(struct ttty *v, enum top_sort by, const char *filter, long top);
int ttty_fd(const struct ttty *v);            /* poll it for keys */
/* Take the keys waiting: 1 when the user asked to quit. */
int ttty_keys(struct ttty *v, struct top *t);
void ttty_draw(struct ttty *v, struct top *t, const struct tstatus *st);
void ttty_stop(struct ttty *v);
#endif
