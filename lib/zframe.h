/* zframe.h — where the Zstandard frames of a .csv.zst file end, from its
 * bytes alone (RFC 8878 §3.1: frame header, block headers, checksum;
 * skippable frames too). iotrc-write ends a frame at every flush, after a
 * whole row, so a reader can follow a file that iotrc-write is still
 * writing: read what is there, decompress each complete frame, wait for
 * more. Recovery cuts a killed writer's leftover after its last whole
 * frame the same way. Nothing here decompresses (no libzstd needed); the
 * caller decodes the frames, which also verifies their checksums. */
#ifndef IOTRC_ZFRAME_H
#define IOTRC_ZFRAME_H
#include <stddef.h>
#include <stdint.h>

enum { ZF_BAD = -1, ZF_MORE = 0, ZF_END = 1 };

/* A walker over a file's bytes, fed in pieces of any size: it keeps only
 * the few bytes of a header split between pieces, never a whole frame. */
struct zframe {
	uint64_t left;          /* bytes of the current part still to come */
	uint64_t len;           /* bytes of the current frame so far */
	uint64_t frame_len;     /* the length of the last frame that ended */
	unsigned char acc[4];   /* a header field being collected */
	unsigned char nacc, part, last, checksum;
};

void zframe_init(struct zframe *z);
/* Walk p[0..n), the bytes that follow those walked before. ZF_END: the
 * current frame ends after *used bytes of p (z->frame_len is its length;
 * the walker is at the start of the next frame). ZF_MORE: all n bytes
 * walked, the frame goes on. ZF_BAD: not zstd (bad magic, a reserved bit
 * or block type, a block too big); *used is then the bytes walked, and
 * the walker must be initialised again before it walks anything else. */
int zframe_walk(struct zframe *z, const void *p, size_t n, size_t *used);

/* For bytes read from a frame's start: ZF_END and the length of the
 * frame in *len, ZF_MORE (the frame is not complete: read more), or
 * ZF_BAD (not a zstd frame). */
int zframe_next(const void *p, size_t n, size_t *len);
#endif
