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
 * Every record ends with two more numbers, the CPU its probe ran on and
 * that CPU's sequence number (see dtrace/vfs.bt): records of one CPU
 * arrive in sequence, so a gap is that many records lost, counted exactly
 * as drops, and the two numbers are stripped. The sequence numbers
 * bpftrace prints at exit (the @seq map) count the records lost after the
 * last that arrived. bpftrace's own "lost_events" lines are only kept as
 * engine_lost_events: they are not exact (none when its reader was
 * stopped, none at all with output to /dev/null).
 *
 * bpftrace 0.17 writes a byte >= 0x80 as \uffffffXX (a sign-extended char
 * in "\\u%04x"): that is decoded back to the byte XX. Lines of other types
 * count: "attached_probes" as probes; the rest (other maps, printf) are
 * ignored.
 *
 * bpftrace prints "attached_probes" before it attaches them; with a
 * couple of dozen tracepoints that takes a while (longer on a busy
 * machine), and calls made meanwhile are not traced. Its BEGIN probe fires
 * once all are attached, so the scripts print "iotrc-attached" there, and
 * only then is the count published as the probes statistic, which callers
 * wait for. At the end, "iotrc-stopped CPU" says that CPU's records have
 * all come (iotrc-launch.c, request_stop). */
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
	b->last = xcalloc(BT_MAXCPU, sizeof *b->last);
	b->stopped = xcalloc(BT_MAXCPU, 1);
}

void bt_free(struct btconv *b)
{
	b->st->orphan_strings += (uint64_t)b->npend;   /* never got their record */
	b->npend = 0;
	for (int i = 0; i < BT_NPEND; i++)
		free(b->pend[i].s);
	free(b->last);
	free(b->stopped);
	b->last = NULL;
	b->stopped = NULL;
}

/* Record number seq of CPU cpu arrived: the numbers between the last one
 * and it were lost. 0 ok, -1 not a CPU and sequence number. */
static int count_seq(struct btconv *b, const struct jval *vc, const struct jval *vs)
{
	int64_t cpu, seq;
	if (vc->isstr || vs->isstr || parse_s64_n(vc->p, vc->n, &cpu) ||
	    parse_s64_n(vs->p, vs->n, &seq) || cpu < 0 || cpu >= BT_MAXCPU || seq < 1)
		return -1;
	if ((uint64_t)seq <= b->last[cpu])
		b->st->seq_errors++;          /* never, unless the assumption broke */
	else
		b->st->drops += (uint64_t)seq - b->last[cpu] - 1;
	b->last[cpu] = (uint64_t)seq;
	return 0;
}

/* The @seq map bpftrace prints at exit, {"@seq": {"0": 123, "1": 45}}:
 * each CPU's last number; those after the last that arrived were lost. */
static void final_seq(struct btconv *b, const char *p, const char *e)
{
	for (;;) {
		int64_t cpu = 0, seq = 0;
		int nd = 0;
		while (p < e && *p != '"' && *p != '}')
			p++;
		if (p >= e || *p++ != '"')
			return;
		for (; p < e && *p >= '0' && *p <= '9'; p++, nd++)
			cpu = cpu * 10 + (*p - '0');
		if (!nd || p + 3 > e || memcmp(p, "\": ", 3) != 0 || cpu >= BT_MAXCPU)
			return;
		for (p += 3, nd = 0; p < e && *p >= '0' && *p <= '9' && seq < INT64_MAX / 10; p++, nd++)
			seq = seq * 10 + (*p - '0');
		if (nd && (uint64_t)seq > b->last[cpu]) {
			b->st->drops += (uint64_t)seq - b->last[cpu];
			b->last[cpu] = (uint64_t)seq;
		}
	}
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

/* ["op", pid, ppid, tid, "comm", mono, ..., cpu, seq]: one record. */
static void emit(struct btconv *b, const struct jval *v, int nv)
{
	struct jval f[BT_MAXF + 1];
	int64_t mono;
	char wall[24];
	int nf = nv - 2 + 1;       /* without cpu and seq, with wall */
	if (nv < F_MONO + 2 || count_seq(b, &v[nv - 2], &v[nv - 1]) < 0 ||
	    !rec_nfields_ok(b->stream, nf) || v[F_MONO - 1].isstr ||
	    parse_s64_n(v[F_MONO - 1].p, v[F_MONO - 1].n, &mono)) {
		b->st->engine_bad_lines++;
		return;
	}
	nv -= 2;
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
	static const char stopped[] = "{\"type\": \"printf\", \"data\": \"iotrc-stopped ";
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
		b->st->engine_lost_events += k;
	} else if (n > 14 && memcmp(line, "{\"type\": \"map\"", 14) == 0 &&
	           (p = find(line, e, "\"@seq\": {"))) {
		final_seq(b, p, e);
	} else if ((p = find(line, e, "\"attached_probes\"")) && (p = find(p, e, "\"probes\": "))) {
		uint64_t k = 0;
		while (p < e && *p >= '0' && *p <= '9')
			k = k * 10 + (uint64_t)(*p++ - '0');
		b->nprobes = k;
	} else if (n == sizeof attached - 1 && memcmp(line, attached, n) == 0) {
		b->st->probes = b->nprobes;
		b->attached = 1;
	} else if ((p = find(line, e, stopped)) != NULL) {
		uint64_t c = 0;
		while (p < e && *p >= '0' && *p <= '9' && c < BT_MAXCPU)
			c = c * 10 + (uint64_t)(*p++ - '0');
		if (c < BT_MAXCPU && !b->stopped[c])
			b->stopped[c] = 1, b->nstopped++;
	} else if (line[0] != '{') {
		b->st->engine_bad_lines++;
	}
}
