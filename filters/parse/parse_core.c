/* parse_core.c — iotrc-parse: headers, the common prefix, exclusions,
 * clocks, cmdline lookups, and dispatch to the stream modules. */
#include "parse.h"
#include "anon.h"
#include "decode.h"
#include "mono.h"
#include "proc.h"
#include "schema.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void parser_init(struct parser *p, const struct parser_opts *o)
{
	memset(p, 0, sizeof *p);
	p->stream = o->stream;
	rec_header_init(&p->hdr);
	p->hdr.stream = o->stream;
	p->os = o->os >= 0 ? o->os : OS_HOST;
	p->live = o->lookups && (o->os < 0 || o->os == OS_HOST);  /* --os other: not from here */
	p->lookups = o->lookups;
	p->anon = o->anon;
	p->verbose = o->verbose;
	p->exclude = o->exclude;
	p->nexclude = o->nexclude;
	if (o->tb_numer)
		p->tb_numer = o->tb_numer, p->tb_denom = o->tb_denom;
	else
		mono_timebase(&p->tb_numer, &p->tb_denom);
	/* records from this host without wall time: derive it from now */
	p->wall_offset = wall_now_ns() - mono_now_ns();
	p->has_wall_offset = 1;
	ob_init(&p->out, o->outfd, 256 * 1024);
	wall_init(&p->wf);
	p->fds = fdmap_new(o->fd_cap);
	p->cwds = fdmap_new(o->fd_cap / 16 + 1024);
	p->cmds = fdmap_new(o->cmd_cap);
	/* bound bytes too: a stream of 4 KiB paths must not fill memory */
	fdmap_set_byte_cap(p->fds, 32u << 20);
	fdmap_set_byte_cap(p->cwds, 4u << 20);
	fdmap_set_byte_cap(p->cmds, 8u << 20);
	p->kids = fdmap_new(o->fd_cap / 16 + 1024);
	p->procs = fdmap_new(o->fd_cap / 16 + 1024);
	p->request_id = 0;
}

void parser_free(struct parser *p)
{
	ob_free(&p->out);
	fdmap_free(p->fds);
	fdmap_free(p->cwds);
	fdmap_free(p->cmds);
	fdmap_free(p->kids);
	fdmap_free(p->procs);
}

void parser_header_row(struct parser *p)
{
	const struct schema_stream *s = schema_find(rec_csv_streams[p->stream]);
	ob_put(&p->out, schema_header(s), strlen(schema_header(s)));
	ob_putc(&p->out, '\n');
}

/* Quote one of the first few skipped lines on stderr (-v). */
static void quote_line(struct parser *p, const char *line, size_t n, const char *why)
{
	char esc[4 * 160 + 1];
	if (!p->verbose || p->quoted >= 5)
		return;
	p->quoted++;
	rec_escape(line, n > 160 ? 160 : n, esc);
	warnmsg("skipped line %llu (%s): \"%s\"%s", (unsigned long long)p->st.records, why, esc,
	        n > 160 ? "..." : "");
}

void malformed(struct parser *p, const char *line, size_t n, const char *why)
{
	p->st.malformed++;
	quote_line(p, line, n, why);
}

static void apply_header(struct parser *p, const char *line, size_t n)
{
	struct rec_header h;
	p->st.headers++;
	if (rec_parse_header(line, n, &h) < 0) {
		p->st.bad_headers++;
		malformed(p, line, n, "bad header");
		p->skipping = 1;
		return;
	}
	p->skipping = h.version != REC_VERSION || (h.stream >= 0 && h.stream != p->stream);
	if (p->skipping)
		return;
	p->hdr = h;
	if (h.os >= 0) {
		if (h.os != OS_HOST)
			p->live = 0;        /* another OS's records: no lookups here */
		p->os = h.os;
	}
	if (h.tb_numer)
		p->tb_numer = h.tb_numer, p->tb_denom = h.tb_denom;
	else if (h.clock == CLK_NS)
		p->tb_numer = p->tb_denom = 1;
	if (h.engine == ENG_FIXTURE)
		p->live = 0;
	if (h.has_wall_offset)
		p->wall_offset = h.wall_offset_ns, p->has_wall_offset = 1;
	else if (!p->live)
		p->has_wall_offset = 0;
}

int64_t mono_to_ns(const struct parser *p, int64_t v)
{
	return mono_ticks_to_ns(v, p->tb_numer, p->tb_denom);
}

/* The tracer never traces itself: its pids, and the engine's process. */
static int excluded(const struct parser *p, const struct rec *r, uint32_t pid)
{
	size_t n = r->n[F_EXEC];
	const char *e = r->f[F_EXEC];
	for (size_t i = 0; i < p->nexclude; i++)
		if (p->exclude[i] == (long)pid)
			return 1;
	if ((n == 6 && memcmp(e, "dtrace", 6) == 0) || (n == 8 && memcmp(e, "bpftrace", 8) == 0))
		return 1;
	return n >= 5 && memcmp(e, "iotrc", 5) == 0 && (n == 5 || e[5] == '-');
}

void parser_line(struct parser *p, const char *line, size_t n)
{
	struct rec r;
	int64_t pid;
	uint64_t unknown;
	int ok;
	if (n == 0)
		return;
	if (line[0] == '#') {
		if (rec_is_header(line, n))
			apply_header(p, line, n);
		return;
	}
	p->st.records++;
	if (p->skipping) {
		p->st.wrong_stream++;
		quote_line(p, line, n, "under a header of another stream or version");
		return;
	}
	if (rec_split_parse(line, n, &r, p->stream == REC_VFS ? REC_TEXT_VFS : p->stream == REC_NET ? REC_TEXT_NET :
	                    REC_TEXT_IO | (p->os == OS_LINUX ? 1u << FI_FLAGS : 0)) != rec_nfields[p->stream]) {
		malformed(p, line, n, "wrong field count");
		return;
	}
	if (rec_s64(&r, F_PID, &pid) == 0)
		pid = 0;                        /* unknown, e.g. an io issuer not seen */
	else if (rec_s64(&r, F_PID, &pid) != 1 || pid < 0 || pid > UINT32_MAX) {
		malformed(p, line, n, "bad pid");
		return;
	}
	for (int i = F_PPID; i <= F_MONO; i++) {
		int64_t v;
		if (i != F_EXEC && rec_s64(&r, i, &v) < 0) {
			malformed(p, line, n, "bad number in prefix");
			return;
		}
	}
	if (excluded(p, &r, (uint32_t)pid)) {
		p->st.excluded++;
		return;
	}
	unknown = p->st.unknown_op;
	switch (p->stream) {
	case REC_VFS: ok = row_vfs(p, &r); break;
	case REC_IO: ok = row_io(p, &r); break;
	default: ok = row_net(p, &r); break;
	}
	if (p->st.unknown_op != unknown)
		quote_line(p, line, n, "unknown call");
	if (ok < 0)
		malformed(p, line, n, "bad field");
	else if (ok > 0)
		p->st.rows++;
}

/* Field i unescaped into out (cap bytes; a longer field is cut). */
size_t unesc_field(const struct rec *r, int i, char *out, size_t cap)
{
	size_t n = r->n[i] < cap ? r->n[i] : cap - 1;
	if (!memchr(r->f[i], '\\', n)) {
		memcpy(out, r->f[i], n);
		out[n] = 0;
		return n;
	}
	return rec_unescape(r->f[i], n, out);
}

void put_str_field(struct parser *p, const struct rec *r, int i)
{
	char buf[PATH_BUF];
	csv_str(&p->out, buf, unesc_field(r, i, buf, sizeof buf));
}

/* timestamp, then the caller writes the rest; *mono_ns for mono_ns. */
void row_prefix_time(struct parser *p, const struct rec *r, int64_t *mono_ns)
{
	char ts[32];
	int64_t wall, mono;
	int hw = rec_s64(r, F_WALL, &wall) == 1, hm = rec_s64(r, F_MONO, &mono) == 1;
	*mono_ns = hm && mono >= 0 ? mono_to_ns(p, mono) : INT64_MIN;
	if (!hw && *mono_ns != INT64_MIN && p->has_wall_offset)
		hw = !__builtin_add_overflow(*mono_ns, p->wall_offset, &wall);
	if (hw)
		csv_raw(&p->out, ts, wall_fmt(&p->wf, wall, ts));
	else
		csv_empty(&p->out);
}

void put_opt_u64(struct obuf *o, int have, uint64_t v)
{
	if (have)
		csv_u64(o, v);
	else
		csv_empty(o);
}

/* ns / 1e6 as the shortest decimal that reads back to the same double,
 * like Python's repr (upstream.md §2.1: "2.0", "0.123456", "5e-05"). */
void put_float_ms(struct obuf *o, int64_t ns)
{
	double v = (double)ns / 1e6;
	char b[40];
	int n = 0;
	/* Fast path: with at most 15 significant digits the exact decimal is
	 * the shortest round-trip form; repr switches to exponents below 1e-4. */
	if (ns >= 100 && ns < 1000000000000000LL) {
		uint64_t ip = (uint64_t)ns / 1000000, fp = (uint64_t)ns % 1000000;
		int k = 6;
		n = (int)fmt_u64(b, ip);
		b[n++] = '.';
		if (fp == 0) {
			b[n++] = '0';
		} else {
			while (fp % 10 == 0)
				fp /= 10, k--;
			for (int i = k - 1; i >= 0; i--, fp /= 10)
				b[n + i] = (char)('0' + fp % 10);
			n += k;
		}
		csv_raw(o, b, (size_t)n);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(b, sizeof b, "%.*g", prec, v);
		if (strtod(b, NULL) == v) {
			char *e = strstr(b, "e+");
			int x = e ? atoi(e + 2) : 0;
			if (e && x < 16)       /* repr writes 1e9 as 1000000000.0 */
				n = snprintf(b, sizeof b, "%.*f", prec - 1 - x > 0 ? prec - 1 - x : 0, v);
			break;
		}
	}
	if (!strpbrk(b, ".en") && n < 38)
		b[n++] = '.', b[n++] = '0', b[n] = 0;
	csv_raw(o, b, (size_t)n);
}

/* The process's argv, looked up once per pid (cached, bounded), cut at
 * CMDLINE_MAX bytes plus "...", anonymized with -a. */
void put_cmdline(struct parser *p, uint32_t pid)
{
	char buf[CMDLINE_MAX + 8], an[2 * CMDLINE_MAX + 64];
	const char *s;
	size_t n;
	long k;
	if (!p->live || !p->lookups) {
		csv_empty(&p->out);
		return;
	}
	s = fdmap_get(p->cmds, pid, &n, NULL);
	if (!s) {
		p->st.cmdline_lookups++;
		k = proc_cmdline((pid_t)pid, buf, CMDLINE_MAX + 2);
		if (k < 0)
			k = 0;
		if (k > CMDLINE_MAX)
			memcpy(buf + CMDLINE_MAX, "...", 4), k = CMDLINE_MAX + 3;
		s = buf, n = (size_t)k;
		if (p->anon && n) {
			anon_token(buf, n, an);
			s = an, n = 12;
		}
		fdmap_put(p->cmds, pid, s, n, 0);  /* "" too: no second lookup */
	}
	csv_str(&p->out, s, n);
}
