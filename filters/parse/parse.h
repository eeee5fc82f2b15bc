/* parse.h — iotrc-parse internals: the parser state shared by its
 * modules. Calls go one way, down: parse_line.c (headers, a line's
 * checks, dispatch) calls the stream modules parse_vfs.c, parse_io.c,
 * parse_net.c, which call the cells and clocks of parse_core.c; nothing
 * below calls up. Descriptors, cwds and processes: lib/pfd.h; the
 * main file fills them once at start from --preload (lib/pfd_preload.c). */
#ifndef IOTRC_PARSE_H
#define IOTRC_PARSE_H
#include "csv.h"
#include "fdmap.h"
#include "pfd.h"
#include "records.h"
#include "wallclock.h"
#include <stdint.h>

#define CMDLINE_MAX 512          /* then "..." (upstream.md §2.1) */
#define PATH_BUF 8192            /* two 1024-byte paths, escaped or joined */

/* The counters, with their --stats keys in the order written
 * (iotrc-parse(1)); the reader's too_long and bytes_in follow them. */
#define PSTATS(X) \
	X(records, "records_read") X(rows, "rows_written") X(malformed, "malformed") \
	X(unknown_op, "unknown_op") X(filtered, "filtered") X(excluded, "excluded") \
	X(wrong_stream, "wrong_stream") X(headers, "headers") X(bad_headers, "bad_headers") \
	X(fd_misses, "fd_misses") X(fd_lookups, "fd_lookups") \
	X(cmdline_lookups, "cmdline_lookups") X(fd_entries, "fd_entries") \
	X(fd_evictions, "fd_evictions") X(cwd_evictions, "cwd_evictions") \
	X(cmdline_evictions, "cmdline_evictions") X(paths_cut, "paths_cut") \
	X(preloaded, "preloaded") X(preload_bad, "preload_bad")
struct pstats {
#define PSTATS_FIELD(f, key) uint64_t f;
	PSTATS(PSTATS_FIELD)
#undef PSTATS_FIELD
};

struct parser {
	int stream;                  /* enum rec_stream we output */
	struct rec_header hdr;       /* the header in force */
	int skipping;                /* records of another stream/version */
	int os;                      /* numbering of flags/errno/families */
	int live;                    /* records are from this host, now */
	uint32_t tb_numer, tb_denom;
	int64_t wall_offset;         /* for records without wall time */
	int has_wall_offset;
	struct obuf out;
	struct wallfmt wf;
	struct pfd *pfd;             /* descriptors, cwds, fork/exec/exit */
	struct fdmap *cmds;          /* pid -> cmdline */
	int anon, lookups, verbose;
	long *exclude;
	size_t nexclude;
	uint64_t request_id;         /* block rows, from 1 */
	struct pstats st;
	int quoted;                  /* malformed lines quoted so far (-v) */
};

struct parser_opts {
	int stream, anon, lookups, verbose;
	int os;                      /* -1: from the header, else the host */
	uint32_t tb_numer, tb_denom; /* 0: from the header / host */
	size_t fd_cap, cmd_cap;
	long *exclude;
	size_t nexclude;
	int outfd;
};

void parser_init(struct parser *p, const struct parser_opts *o);
void parser_free(struct parser *p);
/* parse_line.c: one input line (without newline). */
void parser_line(struct parser *p, const char *line, size_t n);
void parser_header_row(struct parser *p);

/* parse_core.c, for the stream modules */
void row_prefix_time(struct parser *p, const struct rec *r, int64_t *mono_ns);
int64_t mono_to_ns(const struct parser *p, int64_t v);
void put_str_field(struct parser *p, const struct rec *r, int i);
void put_cmdline(struct parser *p, uint32_t pid);
void put_opt_u64(struct obuf *o, int have, uint64_t v);
void put_float_ms(struct obuf *o, int64_t ns);
size_t unesc_field(const struct rec *r, int i, char *out, size_t cap, int *cut);
/* the stream modules, for parse_line.c: 1 a row, 0 none, -1 a bad field */
int row_vfs(struct parser *p, const struct rec *r);
int row_io(struct parser *p, const struct rec *r);
int row_net(struct parser *p, const struct rec *r);

/* shared numeric pulls: 1 ok/empty handled by caller */
static inline int64_t fs64(const struct rec *r, int i, int64_t dflt, int *bad)
{
	int64_t v;
	int k = rec_s64(r, i, &v);
	if (k < 0)
		*bad = 1;
	return k == 1 ? v : dflt;
}
#endif
