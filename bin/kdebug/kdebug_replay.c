/* kdebug_replay.c — see kdebug_replay.h. The file layout is the kernel's
 * _write_legacy_header (xnu bsd/kern/kdebug.c): RAW_header (24 bytes),
 * thread_count kd_threadmap entries (zero entries pad room for a cpumap),
 * zero padding up to the page boundary, then events. Events start at the
 * next 4 KiB boundary after the thread map (notes §3.3; the kernel pads so
 * that this also holds on 16 KiB-page machines). */
#include "kdebug_replay.h"
#include "kdebug_decode.h"
#include "util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RD_CHUNK (1u << 20)
#define MAX_MAP_THREADS (1u << 22)      /* 128 MiB of map: beyond is not a trace */

static volatile sig_atomic_t *stop_flag;

void kd_replay_stop_flag(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

static void init(struct kd_replay *r)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->cap = RD_CHUNK;
	r->buf = xmalloc(r->cap);
}

/* Make at least want bytes available at buf+pos (fewer at the end). */
static size_t fill(struct kd_replay *r, size_t want)
{
	if (r->len - r->pos >= want || r->eof)
		return r->len - r->pos;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos, r->pos = 0;
	while (r->len < want && !r->eof) {
		size_t room = r->cap - r->len;
		ssize_t k;
		if (r->mem) {
			k = (ssize_t)(r->memlen - r->mempos < room ? r->memlen - r->mempos : room);
			memcpy(r->buf + r->len, r->mem + r->mempos, (size_t)k);
			r->mempos += (size_t)k;
		} else {
			k = read(r->fd, r->buf + r->len, room);
			if (k < 0 && errno == EINTR) {
				if (stop_flag && *stop_flag) {
					r->stopped = r->eof = 1;
					break;
				}
				continue;
			}
			if (k < 0) {
				r->err = errno;
				r->eof = 1;
				break;
			}
		}
		if (k == 0)
			r->eof = 1;
		r->len += (size_t)k;
		r->bytes += (size_t)k;
	}
	return r->len - r->pos;
}

/* Skip n bytes, handing the first ones (up to cap) to keep. */
static int skip(struct kd_replay *r, uint64_t n, char *keep, size_t cap, size_t *kept)
{
	*kept = 0;
	while (n) {
		size_t have = fill(r, 1), k = have < n ? have : (size_t)n;
		if (!have)
			return -1;
		if (*kept < cap) {
			size_t c = k < cap - *kept ? k : cap - *kept;
			memcpy(keep + *kept, r->buf + r->pos, c);
			*kept += c;
		}
		r->pos += k, n -= k;
	}
	return 0;
}

void kd_replay_tag(struct kd_replay *r, const char *s, size_t n)
{
	char t[512];
	unsigned long a, b;
	long long w;
	char *p;
	if (n < sizeof KD_TAG - 1 || memcmp(s, KD_TAG, sizeof KD_TAG - 1) != 0)
		return;
	if (n >= sizeof t)
		n = sizeof t - 1;
	memcpy(t, s, n);
	t[n] = 0;
	if ((p = strchr(t, '\n')))
		*p = 0;
	if ((p = strstr(t, " timebase=")) && sscanf(p, " timebase=%lu/%lu", &a, &b) == 2 && a && b &&
	    a <= UINT32_MAX && b <= UINT32_MAX)
		r->has_tb = 1, r->tb_numer = (uint32_t)a, r->tb_denom = (uint32_t)b;
	if ((p = strstr(t, " wall_offset_ns=")) && sscanf(p, " wall_offset_ns=%lld", &w) == 1)
		r->has_wall = 1, r->wall_offset_ns = w;
	if ((p = strstr(t, " lookup=tail")))
		r->lookup_mode = KD_LOOKUP_TAIL;
	if ((p = strstr(t, " lookup=full")))
		r->lookup_mode = KD_LOOKUP_FULL;
}

static int read_header(struct kd_replay *r, char *errbuf, size_t errcap)
{
	const unsigned char *h;
	uint32_t nthreads;
	uint64_t off, pad;
	char tag[512];
	size_t kept;
	if (fill(r, 24) < 4 || kd_le32(r->buf + r->pos) != KD_RAW_VERSION1)
		return r->err ? -1 : 0;      /* a bare kd_buf stream */
	if (fill(r, 24) < 24) {
		snprintf(errbuf, errcap, "truncated RAW_VERSION1 header");
		return -1;
	}
	h = r->buf + r->pos;
	nthreads = kd_le32(h + 4);
	if (nthreads > MAX_MAP_THREADS) {
		snprintf(errbuf, errcap, "RAW_VERSION1 header: %u threads", nthreads);
		return -1;
	}
	r->raw = 1;
	r->pos += 24;
	r->map = xcalloc(nthreads ? nthreads : 1, sizeof *r->map);
	for (uint32_t i = 0; i < nthreads; i++) {
		const unsigned char *m;
		if (fill(r, 32) < 32) {
			snprintf(errbuf, errcap, "truncated thread map (%u of %u entries)", i, nthreads);
			return -1;
		}
		m = r->buf + r->pos;
		r->map[r->nmap].thread = kd_le64(m);
		r->map[r->nmap].valid = (int32_t)kd_le32(m + 8);
		memcpy(r->map[r->nmap].command, m + 12, 20);
		r->map[r->nmap].command[19] = 0;
		if (r->map[r->nmap].thread)
			r->nmap++;
		r->pos += 32;
	}
	off = 24 + 32 * (uint64_t)nthreads;
	pad = (KD_RAW_ALIGN - off % KD_RAW_ALIGN) % KD_RAW_ALIGN;
	if (skip(r, pad, tag, sizeof tag, &kept) < 0 && r->err)
		return -1;
	kd_replay_tag(r, tag, kept);
	return 0;
}

static int finish_open(struct kd_replay *r, char *errbuf, size_t errcap)
{
	if (read_header(r, errbuf, errcap) < 0) {
		if (r->stopped && !r->err)
			return 0;                /* stopped while the header came in */
		if (r->err)
			snprintf(errbuf, errcap, "%s", strerror(r->err));
		return -1;
	}
	return 0;
}

int kd_replay_open(struct kd_replay *r, int fd, char *errbuf, size_t errcap)
{
	init(r);
	r->fd = fd;
	return finish_open(r, errbuf, errcap);
}

int kd_replay_open_mem(struct kd_replay *r, const void *p, size_t n, char *errbuf, size_t errcap)
{
	init(r);
	r->mem = p ? p : (const void *)"";
	r->memlen = n;
	return finish_open(r, errbuf, errcap);
}

long kd_replay_read(struct kd_replay *r, kd_buf *out, size_t max)
{
	size_t have = fill(r, max * sizeof(kd_buf) < r->cap ? max * sizeof(kd_buf) : r->cap);
	size_t n = have / sizeof(kd_buf);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		kd_buf_load(&out[i], r->buf + r->pos + i * sizeof(kd_buf));
	r->pos += n * sizeof(kd_buf);
	if (n == 0) {
		if (r->err)
			return -1;
		r->junk = have;               /* a record cut short at the end */
		r->pos += have;
	}
	return (long)n;
}

unsigned char *kd_raw_head(const kd_threadmap *map, size_t nmap, uint64_t tod_secs, const char *tag,
                           size_t *len)
{
	size_t tn = strlen(tag), nent = nmap, off, pad;
	unsigned char *h;
	if (tn >= KD_RAW_ALIGN)
		tn = KD_RAW_ALIGN - 1;
	/* Readers find the events at the 4 KiB boundary after thread_count
	 * entries, so when the tag does not fit before that boundary, pad the
	 * map with zero entries (which readers skip) as the kernel does to
	 * make room for its cpumap (xnu kdebug.c _write_legacy_header) —
	 * never with an extra page the header does not account for. */
	for (;;) {
		off = 24 + nent * sizeof(kd_threadmap);
		pad = (KD_RAW_ALIGN - off % KD_RAW_ALIGN) % KD_RAW_ALIGN;
		if (pad >= tn + 1)
			break;
		nent++;
	}
	h = xcalloc(1, off + pad);
	kd_put32(h, KD_RAW_VERSION1);
	kd_put32(h + 4, (uint32_t)nent);
	kd_put64(h + 8, tod_secs);
	for (size_t i = 0; i < nmap; i++) {
		unsigned char *m = h + 24 + i * sizeof(kd_threadmap);
		kd_put64(m, map[i].thread);
		kd_put32(m + 8, (uint32_t)map[i].valid);
		memcpy(m + 12, map[i].command, sizeof map[i].command);
	}
	memcpy(h + off, tag, tn);
	*len = off + pad;
	return h;
}

void kd_replay_close(struct kd_replay *r)
{
	free(r->buf), free(r->map);
	r->buf = NULL, r->map = NULL;
}
