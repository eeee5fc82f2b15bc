/* launch_bt.c — bpftrace's JSON output (-f json) to iotrc-records(5).
 *
 * Why: bpftrace 0.17 cannot escape a string in printf() (%s writes raw
 * bytes; %r needs a fixed length and leaves "\" as is), but the JSON form
 * of print() escapes every string. The .bt scripts (see dtrace/vfs.bt)
 * print each record as
 *     {"type": "value", "data": ["op", pid, ppid, tid, "comm", mono, ...]}
 * — the record's fields in order without wall, which is filled in here
 * (mono + CLOCK_REALTIME - CLOCK_MONOTONIC) — and a path that would not fit
 * the BPF stack next to the other fields as
 *     {"type": "value", "data": [tid, index, "path"]}
 * just before its record, which gets it at that field index.
 * Strings are decoded from JSON and written with the %S escapes of
 * iotrc-records(5); numbers are copied as they are.
 *
 * bpftrace 0.17 writes a byte >= 0x80 as \uffffffXX (a sign-extended char
 * in "\\u%04x"): that is decoded back to the byte XX. Lines of other types
 * count: "lost_events" as drops, "attached_probes" as probes; the rest
 * (maps printed at exit, printf) are ignored.
 *
 * bpftrace prints "attached_probes" before it attaches them; with a
 * couple of dozen tracepoints that takes a while (longer on a busy
 * machine), and calls made meanwhile are not traced. Its BEGIN probe fires
 * once all are attached, so the scripts print "iotrc-attached" there, and
 * only then is the count published as the probes statistic, which callers
 * wait for. */
#include "launch.h"
#include "records.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define BT_MAXF 24
#define BT_MAXSTR 4096

struct jval {
	int isstr;
	const char *p;     /* number text, or decoded string in the scratch */
	size_t n;
};

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int hex4(const char *p, const char *e, unsigned *v)
{
	*v = 0;
	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit(p[i]);
		if (h < 0)
			return -1;
		*v = *v << 4 | (unsigned)h;
	}
	return 0;
}

/* Decode a JSON string starting after its opening quote into out (cap
 * bytes); returns the position after the closing quote, or NULL. */
static const char *jstring(const char *p, const char *e, char *out, size_t cap, size_t *len)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	size_t n = 0;
	while (p < e && *p != '"') {
		int c = (unsigned char)*p++;
		if (c == '\\') {
			const char *s;
			unsigned v, lo;
			if (p >= e)
				return NULL;
			c = (unsigned char)*p++;
			if (c == 'u') {
				if (hex4(p, e, &v) < 0)
					return NULL;
				p += 4;
				if (v == 0xffff && hex4(p, e, &lo) == 0 && (lo >> 8) == 0xff)
					v = lo & 0xff, p += 4;  /* the \uffffffXX quirk */
				c = (int)(v & 0xff);
			} else if ((s = memchr(simple, c, sizeof simple - 1)) && (s - simple) % 2 == 0) {
				c = (unsigned char)s[1];
			} else {
				return NULL;
			}
		}
		if (n < cap)
			out[n++] = (char)c;
	}
	if (p >= e)
		return NULL;
	*len = n;
	return p + 1;
}

/* Parse the array after "data": into v[]; strings go to scratch. Returns
 * the element count, or -1 if the text is not such an array. */
static int jarray(const char *p, const char *e, struct jval *v, char *scratch, size_t cap)
{
	int nv = 0;
	size_t used = 0;
	p = skip_ws(p, e);
	if (p >= e || *p++ != '[')
		return -1;
	for (;;) {
		p = skip_ws(p, e);
		if (p < e && *p == ']' && nv == 0)
			return 0;
		if (nv == BT_MAXF || p >= e)
			return -1;
		if (*p == '"') {
			size_t n;
			p = jstring(p + 1, e, scratch + used, cap - used, &n);
			if (!p)
				return -1;
			v[nv].isstr = 1, v[nv].p = scratch + used, v[nv].n = n;
			used += n;
		} else {
			const char *s = p;
			while (p < e && (*p == '-' || (*p >= '0' && *p <= '9')))
				p++;
			if (p == s)
				return -1;
			v[nv].isstr = 0, v[nv].p = s, v[nv].n = (size_t)(p - s);
		}
		nv++;
		p = skip_ws(p, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == ']')
			return nv;
		return -1;
	}
}

void bt_init(struct btconv *b, int stream, struct obuf *out, struct lstats *st)
{
	memset(b, 0, sizeof *b);
	b->stream = stream;
	b->out = out;
	b->st = st;
	for (int i = 0; i < BT_NPEND; i++)
		b->pend[i].s = xmalloc(BT_MAXSTR);
}

void bt_free(struct btconv *b)
{
	b->st->orphan_strings += (uint64_t)b->npend;   /* never got their record */
	b->npend = 0;
	for (int i = 0; i < BT_NPEND; i++)
		free(b->pend[i].s);
}

/* [tid, index, "string"]: keep it for the record of that thread. A slot
 * still holding a string for the same field means its record was lost;
 * when all slots are taken, the oldest string is given up. */
static void stash(struct btconv *b, const struct jval *v, int nv)
{
	struct btpend *slot = NULL, *spare = NULL, *oldest = NULL;
	int64_t tid, idx;
	if (nv != 3 || v[0].isstr || v[1].isstr || !v[2].isstr ||
	    parse_s64_n(v[0].p, v[0].n, &tid) || parse_s64_n(v[1].p, v[1].n, &idx) ||
	    idx <= F_MONO || idx >= rec_nfields_ext[b->stream]) {
		b->st->engine_bad_lines++;
		return;
	}
	for (int i = 0; i < BT_NPEND && !slot; i++) {
		struct btpend *q = &b->pend[i];
		if (!q->idx)
			spare = spare ? spare : q;
		else if (q->tid == (uint64_t)tid && q->idx == idx)
			slot = q;
		else if (!oldest || q->seq < oldest->seq)
			oldest = q;
	}
	if (slot || !spare) {
		b->st->orphan_strings++;
		slot = slot ? slot : oldest;
	} else {
		slot = spare;
		b->npend++;
	}
	slot->tid = (uint64_t)tid;
	slot->idx = (int)idx;
	slot->seq = ++b->seq;
	slot->len = v[2].n < BT_MAXSTR ? v[2].n : BT_MAXSTR;
	memcpy(slot->s, v[2].p, slot->len);
}

/* Put the thread's waiting strings into its record's fields. */
static void unstash(struct btconv *b, struct jval *f)
{
	int64_t tid;
	if (f[F_TID].isstr || parse_s64_n(f[F_TID].p, f[F_TID].n, &tid))
		return;
	for (int i = 0; i < BT_NPEND; i++) {
		struct btpend *q = &b->pend[i];
		if (q->idx && q->tid == (uint64_t)tid) {
			f[q->idx].isstr = 1;
			f[q->idx].p = q->s;
			f[q->idx].n = q->len;
			q->idx = 0;
			b->npend--;
		}
	}
}

/* ["op", pid, ppid, tid, "comm", mono, ...]: one record. */
static void emit(struct btconv *b, const struct jval *v, int nv)
{
	struct jval f[BT_MAXF + 1];
	int64_t mono;
	char wall[24];
	int nf = nv + 1;
	if (!rec_nfields_ok(b->stream, nf) || v[F_MONO - 1].isstr ||
	    parse_s64_n(v[F_MONO - 1].p, v[F_MONO - 1].n, &mono)) {
		b->st->engine_bad_lines++;
		return;
	}
	memcpy(f, v, sizeof *v * F_WALL);
	f[F_WALL].isstr = 0;
	f[F_WALL].p = wall;
	f[F_WALL].n = fmt_s64(wall, mono + b->wall_offset);
	memcpy(f + F_MONO, v + F_WALL, sizeof *v * (size_t)(nv - F_WALL));
	if (b->npend)
		unstash(b, f);
	for (int i = 0; i < nf; i++) {
		if (f[i].isstr)
			recw_str(b->out, f[i].p, f[i].n);
		else
			recw_raw(b->out, f[i].p, f[i].n);
	}
	recw_end(b->out);
	b->st->records++;
}

static const char *find(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);
	for (; p + n <= e; p++)
		if (*p == *s && memcmp(p, s, n) == 0)
			return p + n;
	return NULL;
}

void bt_line(struct btconv *b, const char *line, size_t n)
{
	static const char attached[] = "{\"type\": \"printf\", \"data\": \"iotrc-attached\"}";
	static char scratch[BT_MAXF * BT_MAXSTR];
	struct jval v[BT_MAXF];
	const char *e = line + n, *p;
	int nv;
	if (n == 0)
		return;
	if (n > 26 && memcmp(line, "{\"type\": \"value\", \"data\": ", 26) == 0) {
		nv = jarray(line + 26, e, v, scratch, sizeof scratch);
		if (nv < 1)
			b->st->engine_bad_lines++;
		else if (v[0].isstr)
			emit(b, v, nv);
		else
			stash(b, v, nv);
		return;
	}
	if ((p = find(line, e, "\"lost_events\"")) && (p = find(p, e, "\"events\": "))) {
		uint64_t k = 0;
		while (p < e && *p >= '0' && *p <= '9')
			k = k * 10 + (uint64_t)(*p++ - '0');
		b->st->drops += k;
	} else if ((p = find(line, e, "\"attached_probes\"")) && (p = find(p, e, "\"probes\": "))) {
		uint64_t k = 0;
		while (p < e && *p >= '0' && *p <= '9')
			k = k * 10 + (uint64_t)(*p++ - '0');
		b->nprobes = k;
	} else if (n == sizeof attached - 1 && memcmp(line, attached, n) == 0) {
		b->st->probes = b->nprobes;
	} else if (line[0] != '{') {
		b->st->engine_bad_lines++;
	}
}
