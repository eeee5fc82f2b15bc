/* parse_line.c — iotrc-parse's top layer: engine headers, the checks
 * of a record's common prefix, exclusions, and the dispatch of a record
 * to its stream module (parse.h). */
#include "parse.h"
#include "decode.h"
#include "util.h"
#include <string.h>

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

static void malformed(struct parser *p, const char *line, size_t n, const char *why)
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
	if (!rec_nfields_ok(p->stream, rec_split_parse(line, n, &r, p->stream == REC_VFS ? REC_TEXT_VFS :
	                    p->stream == REC_NET ? REC_TEXT_NET :
	                    REC_TEXT_IO | (p->os == OS_LINUX ? 1u << FI_FLAGS : 0)))) {
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
