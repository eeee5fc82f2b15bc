/* kdebug_replay.h — reading recorded kdebug events: the kernel's legacy
 * trace file (RAW_VERSION1 header, thread map, events from the next 4 KiB
 * boundary; what KERN_KDWRITEMAP + KERN_KDWRITETR write, notes §3.3) or a
 * bare sequence of 64-byte little-endian kd_buf records. Platform neutral. */
#ifndef IOTRC_KDEBUG_REPLAY_H
#define IOTRC_KDEBUG_REPLAY_H
#include "kdebug_defs.h"
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct kd_replay {
	int fd;                          /* -1: reading from mem */
	const unsigned char *mem;
	size_t memlen, mempos;
	int raw;                         /* 1: RAW_VERSION1 file */
	kd_threadmap *map;               /* the file's thread map */
	size_t nmap;
	/* from our tag (files written by --record) */
	int has_tb, has_wall, lookup_mode;
	uint32_t tb_numer, tb_denom;
	int64_t wall_offset_ns;
	uint64_t bytes, junk;            /* bytes read; trailing bytes short of a record */
	unsigned char *buf;
	size_t cap, len, pos;
	int eof, err;                    /* err: errno of a failed read */
	int stopped;                     /* a read was interrupted by a stop request */
};

/* Reads interrupted by a signal while *flag is set end the input (a replay
 * from a silent pipe must stop on SIGINT/SIGTERM); NULL: always retry. */
void kd_replay_stop_flag(volatile sig_atomic_t *flag);

/* Read the header (if any). 0 ok, -1 with a message in errbuf. */
int kd_replay_open(struct kd_replay *r, int fd, char *errbuf, size_t errcap);
int kd_replay_open_mem(struct kd_replay *r, const void *p, size_t n, char *errbuf, size_t errcap);
/* Up to max events; 0 at the end, -1 on a read error (r->err). */
long kd_replay_read(struct kd_replay *r, kd_buf *out, size_t max);
void kd_replay_close(struct kd_replay *r);
/* The head of a RAW_VERSION1 file as --record writes it: header, thread
 * map, our tag in the padding, the first event at a 4 KiB boundary that
 * the reader finds from thread_count alone. malloc'd; *len its size. */
unsigned char *kd_raw_head(const kd_threadmap *map, size_t nmap, uint64_t tod_secs, const char *tag,
                           size_t *len);
/* Parse our tag text into r (used by the reader, and by tests). */
void kd_replay_tag(struct kd_replay *r, const char *s, size_t n);
#endif
