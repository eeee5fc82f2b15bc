/* parse_core.c — iotrc-parse's bottom layer: the parser's state, clocks,
 * the cells every stream writes (prefix time, strings, numbers, cmdline
 * lookups). It calls no stream module (parse.h). */
#include "parse.h"
#include "anon.h"
#include "decode.h"
#include "mono.h"
#include "proc.h"
#include "pyfmt.h"
#include "schema.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Descriptors opened before the trace, and cwds, asked of the live
 * process: only for records from this host, now (a header may say
 * otherwise half-way), so the answer is "not now" for the others. */
static long live_fdpath(void *ctx, uint32_t pid, int32_t fd, char *out, size_t cap)
{
	const struct parser *p = ctx;
	return p->live && p->lookups ? proc_fdpath((pid_t)pid, fd, out, cap) : PFD_NOHOOK;
}

static long live_cwd(void *ctx, uint32_t pid, char *out, size_t cap)
{
	const struct parser *p = ctx;
	return p->live && p->lookups ? proc_cwd((pid_t)pid, out, cap) : PFD_NOHOOK;
}

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
	/* bound bytes too: a stream of 4 KiB paths must not fill memory */
	p->pfd = pfd_new(&(struct pfd_config){ .max_fds = o->fd_cap,
	                                       .max_cwds = o->fd_cap / 16 + 1024,
	                                       .max_procs = o->fd_cap / 16 + 1024,
	                                       .fd_bytes = 32u << 20, .cwd_bytes = 4u << 20 },
	                 &(struct pfd_hooks){ p, live_fdpath, live_cwd });
	p->cmds = fdmap_new(o->cmd_cap);
	fdmap_set_byte_cap(p->cmds, 8u << 20);
	p->request_id = 0;
}

void parser_free(struct parser *p)
{
	ob_free(&p->out);
	pfd_free(p->pfd);
	fdmap_free(p->cmds);
}

void parser_header_row(struct parser *p)
{
	const struct schema_stream *s = schema_find(rec_csv_streams[p->stream]);
	ob_put(&p->out, schema_header(s), strlen(schema_header(s)));
	ob_putc(&p->out, '\n');
}

int64_t mono_to_ns(const struct parser *p, int64_t v)
{
	return mono_ticks_to_ns(v, p->tb_numer, p->tb_denom);
}

/* Field i unescaped into out (cap bytes). Text that does not fit is cut
 * at a character boundary and ends in "..." (*cut set, if given); an
 * escape is never split. */
size_t unesc_field(const struct rec *r, int i, char *out, size_t cap, int *cut)
{
	int c = 0;
	size_t n;
	if (r->n[i] < cap && !memchr(r->f[i], '\\', r->n[i])) {
		memcpy(out, r->f[i], r->n[i]);
		out[r->n[i]] = 0;
		n = r->n[i];
	} else
		n = rec_unescape_max(r->f[i], r->n[i], out, cap, &c);
	if (c && cap > 8) {
		n = cap - 4;
		while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
			n--;                    /* not inside a UTF-8 sequence */
		memcpy(out + n, "...", 4);
		n += 3;
	}
	if (cut)
		*cut = c;
	return n;
}

void put_str_field(struct parser *p, const struct rec *r, int i)
{
	char buf[PATH_BUF];
	csv_str(&p->out, buf, unesc_field(r, i, buf, sizeof buf, NULL));
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
	n = (int)py_repr_double(v, b);
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
