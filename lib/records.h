/* records.h — iotrc-records(5) version 1: the engine record format.
 * One record per line, fields separated by 0x01, strings %S-escaped.
 * The field layout of each stream is defined here once; the parser, the
 * kdebug engine and the tests use these indices. */
#ifndef IOTRC_RECORDS_H
#define IOTRC_RECORDS_H
#include <stddef.h>
#include <stdint.h>
#include "csv.h"

#define REC_SEP '\001'
#define REC_TAG "#iotrc-records"
#define REC_VERSION 1

enum rec_stream { REC_VFS = 0, REC_IO = 1, REC_NET = 2, REC_NSTREAMS = 3 };
enum rec_engine { ENG_UNKNOWN = 0, ENG_DTRACE, ENG_BPFTRACE, ENG_KDEBUG, ENG_FIXTURE };
enum rec_clock { CLK_NS = 0, CLK_MACH = 1 };

/* Common prefix (every stream). */
enum { F_OP, F_PID, F_PPID, F_TID, F_EXEC, F_WALL, F_MONO, F_NPREFIX };
/* vfs; the extension: the file a descriptor call worked on, read by the
 * engine from the kernel (Linux: inode number, the superblock's device and
 * magic) */
enum { FV_RET = F_NPREFIX, FV_ERR, FV_ENTRY, FV_FD, FV_FD2, FV_PATH, FV_PATH2,
       FV_SIZE, FV_OFFSET, FV_FLAGS, FV_MODE, FV_N,
       FV_INO = FV_N, FV_DEVMAJ, FV_DEVMIN, FV_FSMAGIC, FV_NX };
/* io; the extension: when the request was queued (Linux block_rq_insert) */
enum { FI_MAJOR = F_NPREFIX, FI_MINOR, FI_BLOCK, FI_BYTES, FI_RESID, FI_FLAGS,
       FI_ERR, FI_START, FI_CPU, FI_PATH, FI_N,
       FI_QUEUED = FI_N, FI_NX };
/* net; the extension: the local end of connect and accept */
enum { FN_RET = F_NPREFIX, FN_ERR, FN_ENTRY, FN_FD, FN_FAMILY, FN_TYPE, FN_PROTO,
       FN_ARG, FN_PORT, FN_ADDR, FN_N,
       FN_LPORT = FN_N, FN_LADDR, FN_NX };

/* A record has its stream's base number of fields, or that number plus
 * all of the stream's extension fields (iotrc-records(5)). */
extern const int rec_nfields[REC_NSTREAMS];
extern const int rec_nfields_ext[REC_NSTREAMS];
static inline int rec_nfields_ok(int stream, int nf)
{
	return nf == rec_nfields[stream] || nf == rec_nfields_ext[stream];
}
extern const char *const rec_stream_names[REC_NSTREAMS];   /* vfs io net */
extern const char *const rec_csv_streams[REC_NSTREAMS];    /* fs block nw_conn */
int rec_stream_from_name(const char *s, size_t n);          /* -1 unknown */
const char *rec_engine_name(int e);

struct rec_header {
	int version;
	int stream;          /* -1 unknown */
	int engine;
	int os;              /* enum os; -1 unknown */
	int clock;           /* enum rec_clock; -1 unknown */
	uint32_t tb_numer, tb_denom;  /* 0/0 unknown */
	int has_wall_offset;
	int64_t wall_offset_ns;
	long pid;
};
void rec_header_init(struct rec_header *h);
/* "NUMER/DENOM", both 1..UINT32_MAX; 0 ok, -1 bad. */
int rec_parse_timebase(const char *v, size_t n, uint32_t *num, uint32_t *den);
int rec_is_header(const char *line, size_t n);
/* 0 ok; -1 malformed (h untouched). Unknown keys are ignored. */
int rec_parse_header(const char *line, size_t n, struct rec_header *h);
/* "#iotrc-records 1 stream=... " plus newline; returns length. */
size_t rec_format_header(char *out, size_t cap, const struct rec_header *h);

#define REC_MAXF 24
struct rec {
	int nf;
	const char *f[REC_MAXF];
	size_t n[REC_MAXF];
	/* numbers parsed once by rec_split_parse(): 1 value, 0 empty, -1 junk */
	int parsed;
	signed char st[REC_MAXF];
	int64_t v[REC_MAXF];
};
/* Split on 0x01. Returns the field count (REC_MAXF + 1 if more). */
int rec_split(const char *line, size_t len, struct rec *r);
/* Split and parse every field as a number in the same pass, so later
 * rec_s64 calls are cheap; fields in textmask (bit i = field i) are text. */
int rec_split_parse(const char *line, size_t len, struct rec *r, uint32_t textmask);
/* The text fields of each stream, for rec_split_parse. */
#define REC_TEXT_COMMON ((1u << F_OP) | (1u << F_EXEC))
#define REC_TEXT_VFS (REC_TEXT_COMMON | (1u << FV_PATH) | (1u << FV_PATH2))
#define REC_TEXT_IO (REC_TEXT_COMMON | (1u << FI_PATH))   /* | FI_FLAGS on Linux (rwbs) */
#define REC_TEXT_NET (REC_TEXT_COMMON | (1u << FN_ADDR) | (1u << FN_LADDR))
/* Numeric field helpers: 1 = value, 0 = empty (unknown), -1 = junk. */
int rec_s64(const struct rec *r, int i, int64_t *v);
int rec_u64(const struct rec *r, int i, uint64_t *v);

/* %S unescape (see iotrc-records(5)); out needs n + 1 bytes; stops at a
 * decoded NUL. Returns the decoded length. */
size_t rec_unescape(const char *s, size_t n, char *out);
/* The same into out of cap bytes (cap >= 1): decoding stops when the
 * text fills cap - 1 bytes, and *cut (if given) says whether some of it
 * did not fit. */
size_t rec_unescape_max(const char *s, size_t n, char *out, size_t cap, int *cut);
/* %S escape; out needs 4 * n + 1 bytes. Returns the length. */
size_t rec_escape(const char *s, size_t n, char *out);

/* Writing records (engines in C, fixtures): fields are appended to an
 * obuf; recw_end() ends the line. */
void recw_str(struct obuf *o, const char *s, size_t n);   /* escaped */
void recw_s64(struct obuf *o, int64_t v);
void recw_u64(struct obuf *o, uint64_t v);
void recw_raw(struct obuf *o, const char *s, size_t n);   /* as is */
void recw_empty(struct obuf *o);
void recw_end(struct obuf *o);
#endif
