/* zframe.c — see zframe.h. The layout (RFC 8878 §3.1.1, §3.1.2): a frame
 * is magic 0xFD2FB528, a header of 2 to 14 bytes whose size the first
 * byte gives, blocks (a 3-byte header: last flag, type, size; raw and
 * compressed blocks carry size bytes, RLE blocks one), and a 4-byte
 * checksum if the header asks for one. A skippable frame is magic
 * 0x184D2A5?, a 4-byte size and that many bytes. */
#include "zframe.h"
#include <string.h>

#define MAGIC          0xFD2FB528u
#define SKIP_MAGIC     0x184D2A50u   /* low 4 bits free */
#define BLOCK_MAX      (128u * 1024) /* Block_Maximum_Size, §3.1.1.2.3 */

enum { P_MAGIC, P_FHD, P_HDR, P_BLOCK, P_BODY, P_CHECK, P_SKSIZE, P_SKBODY };

static void expect(struct zframe *z, int part, uint64_t n)
{
	z->part = (unsigned char)part;
	z->nacc = 0;
	z->left = n;
}

void zframe_init(struct zframe *z)
{
	memset(z, 0, sizeof *z);
	expect(z, P_MAGIC, 4);
}

static uint32_t le(const unsigned char *a, int n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | a[n];
	return v;
}

/* Can the bytes collected so far start a frame? (Says "not zstd" early.) */
static int magic_prefix(const struct zframe *z)
{
	static const unsigned char zm[4] = { 0x28, 0xb5, 0x2f, 0xfd }, sm[4] = { 0x50, 0x2a, 0x4d, 0x18 };
	int isz = 1, iss = 1;
	for (int i = 0; i < z->nacc; i++) {
		isz = isz && z->acc[i] == zm[i];
		iss = iss && (i ? z->acc[i] == sm[i] : (z->acc[i] & 0xf0) == sm[0]);
	}
	return isz || iss;
}

static int frame_header(struct zframe *z)
{
	static const unsigned did_size[4] = { 0, 1, 2, 4 };
	unsigned fhd = z->acc[0], fcs = fhd >> 6, single = fhd >> 5 & 1;
	if (fhd & 0x08)                               /* reserved bit */
		return ZF_BAD;
	z->checksum = fhd >> 2 & 1;
	expect(z, P_HDR, (single ? 0 : 1) + did_size[fhd & 3] + (fcs ? 1u << fcs : single));
	return ZF_MORE;
}

static int block_header(struct zframe *z)
{
	uint32_t h = le(z->acc, 3), type = h >> 1 & 3, size = h >> 3;
	if (type == 3 || size > BLOCK_MAX)            /* reserved type; too big */
		return ZF_BAD;
	z->last = h & 1;
	expect(z, P_BODY, type == 1 ? 1 : size);      /* RLE: one byte */
	return ZF_MORE;
}

/* The current part is complete: on to the next one. */
static int part_done(struct zframe *z)
{
	switch (z->part) {
	case P_MAGIC:
		if (le(z->acc, 4) == MAGIC)
			expect(z, P_FHD, 1);
		else if ((le(z->acc, 4) & ~0xfu) == SKIP_MAGIC)
			expect(z, P_SKSIZE, 4);
		else
			return ZF_BAD;
		return ZF_MORE;
	case P_FHD:
		return frame_header(z);
	case P_HDR:
		expect(z, P_BLOCK, 3);
		return ZF_MORE;
	case P_BLOCK:
		return block_header(z);
	case P_BODY:
		if (!z->last)
			expect(z, P_BLOCK, 3);
		else if (z->checksum)
			expect(z, P_CHECK, 4);
		else
			return ZF_END;
		return ZF_MORE;
	case P_SKSIZE:
		expect(z, P_SKBODY, le(z->acc, 4));
		return ZF_MORE;
	default:                                      /* P_CHECK, P_SKBODY */
		return ZF_END;
	}
}

/* Header fields are collected in acc; bodies are only skipped. */
static int collects(int part)
{
	return part == P_MAGIC || part == P_FHD || part == P_BLOCK || part == P_SKSIZE;
}

int zframe_walk(struct zframe *z, const void *p, size_t n, size_t *used)
{
	const unsigned char *b = p;
	size_t i = 0, k;
	for (;;) {
		int r = ZF_MORE;
		while (z->left == 0 && (r = part_done(z)) == ZF_MORE)
			;
		if (r != ZF_MORE || i == n) {
			*used = i;
			if (r == ZF_END) {
				uint64_t len = z->len;
				zframe_init(z);
				z->frame_len = len;
			}
			return r;
		}
		k = n - i < z->left ? n - i : (size_t)z->left;
		if (collects(z->part)) {
			memcpy(z->acc + z->nacc, b + i, k);
			z->nacc += (unsigned char)k;
			if (z->part == P_MAGIC && !magic_prefix(z)) {
				*used = i;
				return ZF_BAD;
			}
		}
		i += k, z->len += k, z->left -= k;
	}
}

int zframe_next(const void *p, size_t n, size_t *len)
{
	struct zframe z;
	size_t used;
	int r;
	zframe_init(&z);
	r = zframe_walk(&z, p, n, &used);
	*len = r == ZF_END ? used : 0;
	return r;
}
