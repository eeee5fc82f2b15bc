/* records.c — see records.h and iotrc-records(5). */
#include "records.h"
#include "os.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

const int rec_nfields[REC_NSTREAMS] = { FV_N, FI_N, FN_N };
const int rec_nfields_ext[REC_NSTREAMS] = { FV_NX, FI_NX, FN_NX };
const char *const rec_stream_names[REC_NSTREAMS] = { "vfs", "io", "net" };
const char *const rec_csv_streams[REC_NSTREAMS] = { "fs", "block", "nw_conn" };
static const char *const engine_names[] = { "unknown", "dtrace", "bpftrace", "kdebug", "fixture" };

int rec_stream_from_name(const char *s, size_t n)
{
	for (int i = 0; i < REC_NSTREAMS; i++)
		if (strlen(rec_stream_names[i]) == n && memcmp(s, rec_stream_names[i], n) == 0)
			return i;
	return -1;
}

const char *rec_engine_name(int e)
{
	return e >= 0 && e <= ENG_FIXTURE ? engine_names[e] : "unknown";
}

static int engine_from_name(const char *s, size_t n)
{
	for (int i = 1; i <= ENG_FIXTURE; i++)
		if (strlen(engine_names[i]) == n && memcmp(s, engine_names[i], n) == 0)
			return i;
	return ENG_UNKNOWN;
}

void rec_header_init(struct rec_header *h)
{
	memset(h, 0, sizeof *h);
	h->version = REC_VERSION;
	h->stream = -1;
	h->os = -1;
	h->clock = -1;
}

int rec_is_header(const char *line, size_t n)
{
	size_t k = sizeof REC_TAG - 1;
	return n >= k && memcmp(line, REC_TAG, k) == 0 && (n == k || line[k] == ' ');
}

static int is_word(const char *w, size_t n, const char *key, const char **val, size_t *vn)
{
	size_t k = strlen(key);
	if (n <= k || memcmp(w, key, k) != 0 || w[k] != '=')
		return 0;
	*val = w + k + 1;
	*vn = n - k - 1;
	return 1;
}

int rec_parse_timebase(const char *v, size_t n, uint32_t *num, uint32_t *den)
{
	const char *slash = memchr(v, '/', n);
	uint64_t a, b;
	if (!slash || parse_u64_n(v, (size_t)(slash - v), &a) < 0 ||
	    parse_u64_n(slash + 1, n - (size_t)(slash - v) - 1, &b) < 0 ||
	    a == 0 || b == 0 || a > UINT32_MAX || b > UINT32_MAX)
		return -1;
	*num = (uint32_t)a, *den = (uint32_t)b;
	return 0;
}

/* One key=value word; unknown keys are ignored, bad values are errors. */
static int header_word(struct rec_header *h, const char *w, size_t n)
{
	const char *v;
	size_t vn;
	uint64_t u;
	int64_t s;
	if (is_word(w, n, "stream", &v, &vn))
		return (h->stream = rec_stream_from_name(v, vn)) < 0 ? -1 : 0;
	if (is_word(w, n, "engine", &v, &vn))
		return h->engine = engine_from_name(v, vn), 0;
	if (is_word(w, n, "os", &v, &vn))
		return (h->os = os_from_name(v, vn)) < 0 ? -1 : 0;
	if (is_word(w, n, "clock", &v, &vn)) {
		if (vn == 4 && memcmp(v, "mach", 4) == 0)
			h->clock = CLK_MACH;
		else if (vn == 2 && memcmp(v, "ns", 2) == 0)
			h->clock = CLK_NS;
		else
			return -1;
		return 0;
	}
	if (is_word(w, n, "timebase", &v, &vn))
		return rec_parse_timebase(v, vn, &h->tb_numer, &h->tb_denom);
	if (is_word(w, n, "wall_offset_ns", &v, &vn)) {
		if (parse_s64_n(v, vn, &s) < 0)
			return -1;
		h->wall_offset_ns = s, h->has_wall_offset = 1;
		return 0;
	}
	if (is_word(w, n, "pid", &v, &vn)) {
		if (parse_u64_n(v, vn, &u) < 0)
			return -1;
		h->pid = (long)u;
	}
	return 0;
}

int rec_parse_header(const char *line, size_t n, struct rec_header *out)
{
	struct rec_header h;
	size_t i = sizeof REC_TAG - 1, j;
	uint64_t ver;
	if (!rec_is_header(line, n))
		return -1;
	rec_header_init(&h);
	while (i < n && line[i] == ' ')
		i++;
	for (j = i; j < n && line[j] != ' '; j++)
		;
	if (parse_u64_n(line + i, j - i, &ver) < 0 || ver > 1000000)
		return -1;
	h.version = (int)ver;
	for (i = j; i < n; i = j) {
		while (i < n && line[i] == ' ')
			i++;
		for (j = i; j < n && line[j] != ' '; j++)
			;
		if (j > i && h.version == REC_VERSION && header_word(&h, line + i, j - i) < 0)
			return -1;
	}
	*out = h;
	return 0;
}

size_t rec_format_header(char *out, size_t cap, const struct rec_header *h)
{
	int n = snprintf(out, cap, "%s %d stream=%s engine=%s", REC_TAG, REC_VERSION,
	                 h->stream >= 0 && h->stream < REC_NSTREAMS ? rec_stream_names[h->stream] : "vfs",
	                 rec_engine_name(h->engine));
	if (h->os >= 0 && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " os=%s", os_name(h->os));
	if (h->clock >= 0 && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " clock=%s", h->clock == CLK_MACH ? "mach" : "ns");
	if (h->tb_numer && h->tb_denom && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " timebase=%u/%u", h->tb_numer, h->tb_denom);
	if (h->has_wall_offset && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " wall_offset_ns=%lld", (long long)h->wall_offset_ns);
	if (h->pid && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " pid=%ld", h->pid);
	if (n >= 0 && (size_t)n + 1 < cap)
		out[n++] = '\n', out[n] = 0;
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Split and parse the numeric fields in the same pass (the parser's hot
 * path): text fields are scanned for the separator, numeric ones are
 * accumulated digit by digit. */
int rec_split_parse(const char *line, size_t len, struct rec *r, uint32_t textmask)
{
	size_t i = 0;
	int nf = 0;
	for (;;) {
		size_t start = i;
		if (nf == REC_MAXF)
			return r->nf = REC_MAXF + 1;
		if (textmask & (1u << nf)) {
			const char *q = memchr(line + i, REC_SEP, len - i);
			i = q ? (size_t)(q - line) : len;
			r->st[nf] = -1;
		} else {
			uint64_t v = 0;
			int neg = 0, ok = 1, digits = 0;
			if (i < len && (line[i] == '-' || line[i] == '+'))
				neg = line[i++] == '-';
			for (; i < len && line[i] != REC_SEP; i++) {
				unsigned d = (unsigned char)line[i] - '0';
				if (d > 9 || digits >= 19) {
					ok = 0;
					continue;
				}
				v = v * 10 + d, digits++;
			}
			/* junk, or 20+ digits: the checked slow path; 19 digits fit
			 * a uint64, and the range of int64 is checked here (a
			 * wrapped value, or negating INT64_MIN, must not pass) */
			if (!ok || (digits == 0 && i > start)) {
				int64_t sv = 0;
				ok = parse_s64_n(line + start, i - start, &sv) == 0;
				r->v[nf] = sv;
				r->st[nf] = ok ? 1 : -1;
			} else if (__builtin_expect(digits == 19, 0) && v > (uint64_t)INT64_MAX + (uint64_t)neg) {
				r->v[nf] = 0;
				r->st[nf] = -1;
			} else {
				r->v[nf] = neg ? (int64_t)(0 - v) : (int64_t)v;
				r->st[nf] = i > start ? 1 : 0;
			}
		}
		r->f[nf] = line + start;
		r->n[nf++] = i - start;
		if (i >= len)
			break;
		i++;
	}
	r->parsed = 1;
	return r->nf = nf;
}

/* Fields only: every field is text, numbers are parsed on demand. */
int rec_split(const char *line, size_t len, struct rec *r)
{
	int nf = rec_split_parse(line, len, r, ~0u);
	r->parsed = 0;
	return nf;
}

int rec_s64(const struct rec *r, int i, int64_t *v)
{
	if (i >= r->nf || r->n[i] == 0)
		return 0;
	if (r->parsed) {
		if (r->st[i] == 1)
			*v = r->v[i];
		return r->st[i];
	}
	return parse_s64_n(r->f[i], r->n[i], v) < 0 ? -1 : 1;
}

int rec_u64(const struct rec *r, int i, uint64_t *v)
{
	int64_t s;
	if (i >= r->nf || r->n[i] == 0)
		return 0;
	if (parse_u64_n(r->f[i], r->n[i], v) == 0)
		return 1;
	/* an engine printing an unsigned value through a signed format */
	if (parse_s64_n(r->f[i], r->n[i], &s) == 0) {
		*v = (uint64_t)s;
		return 1;
	}
	return -1;
}


static int simple_esc(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '\\': return '\\';
	case '"': return '"';
	case '\'': return '\'';
	case '?': return '?';
	}
	return -1;
}

size_t rec_unescape(const char *s, size_t n, char *out)
{
	return rec_unescape_max(s, n, out, n + 1, NULL);
}

size_t rec_unescape_max(const char *s, size_t n, char *out, size_t cap, int *cut)
{
	size_t i = 0, o = 0, room = cap - 1;
	if (cut)
		*cut = 0;
	while (i < n) {
		const char *bs = memchr(s + i, '\\', n - i);
		size_t k = bs ? (size_t)(bs - (s + i)) : n - i;
		int c = -1, used = 0;
		if (k > room - o) {             /* the decoded text does not fit */
			memcpy(out + o, s + i, room - o);
			o = room;
			if (cut)
				*cut = 1;
			break;
		}
		memcpy(out + o, s + i, k);
		o += k, i += k;
		if (!bs)
			break;
		if (o == room) {
			if (cut)
				*cut = 1;
			break;
		}
		if (i + 1 < n) {
			char e = s[i + 1];
			if (e >= '0' && e <= '7') {
				c = 0;
				while (used < 3 && i + 1 + used < n && s[i + 1 + used] >= '0' && s[i + 1 + used] <= '7')
					c = c * 8 + (s[i + 1 + used++] - '0');
				c &= 0xff;
			} else if (e == 'x' && i + 3 < n && hex_digit(s[i + 2]) >= 0 && hex_digit(s[i + 3]) >= 0) {
				c = hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]);
				used = 3;
			} else if ((c = simple_esc(e)) >= 0)
				used = 1;
		}
		if (c < 0) {            /* a lone backslash stays */
			out[o++] = '\\';
			i++;
			continue;
		}
		if (c == 0)
			break;
		out[o++] = (char)c;
		i += 1 + (size_t)used;
	}
	out[o] = 0;
	return o;
}

size_t rec_escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "01234567";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;
		switch (c) {
		case '\\': e = "\\\\"; break;
		case '"': e = "\\\""; break;
		case '\n': e = "\\n"; break;
		case '\t': e = "\\t"; break;
		case '\r': e = "\\r"; break;
		case '\a': e = "\\a"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\v': e = "\\v"; break;
		}
		if (e) {
			out[o++] = e[0], out[o++] = e[1];
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = hex[c >> 6];
			out[o++] = hex[(c >> 3) & 7];
			out[o++] = hex[c & 7];
		} else
			out[o++] = (char)c;
	}
	out[o] = 0;
	return o;
}

static inline void recw_sep(struct obuf *o)
{
	if (o->nfield++)
		ob_putc(o, REC_SEP);
}

void recw_str(struct obuf *o, const char *s, size_t n)
{
	char buf[1024 * 4 + 1];
	recw_sep(o);
	while (n) {
		size_t k = n < 1024 ? n : 1024;
		ob_put(o, buf, rec_escape(s, k, buf));
		s += k, n -= k;
	}
}

void recw_s64(struct obuf *o, int64_t v)
{
	char b[24];
	recw_sep(o);
	ob_put(o, b, fmt_s64(b, v));
}

void recw_u64(struct obuf *o, uint64_t v)
{
	char b[24];
	recw_sep(o);
	ob_put(o, b, fmt_u64(b, v));
}

void recw_raw(struct obuf *o, const char *s, size_t n)
{
	recw_sep(o);
	ob_put(o, s, n);
}

void recw_empty(struct obuf *o)
{
	recw_sep(o);
}

void recw_end(struct obuf *o)
{
	ob_putc(o, '\n');
	o->nfield = 0;
}
