/* sproc_row.c — one process snapshot row, cell by cell as upstream writes
 * it (upstream.md §3): name never hashed, cmdline the argument vector
 * joined by spaces (with -a the keyed hash, even of ""), vms_kb and
 * rss_kb bytes / 1024 as Python floats, creation_time Python's
 * str(datetime), the CPU windows as Python floats or empty when not
 * measured (upstream wrote an invented 0.0), status psutil's word. */
#include "sproc.h"
#include "anon.h"
#include "pyfmt.h"
#include "schema.h"
#include <string.h>

void row_header(struct obuf *o)
{
	const char *h = schema_header(schema_find("process"));
	ob_put(o, h, strlen(h));
	ob_putc(o, '\n');
}

/* psutil Process.name(): comm is cut at 15 characters (Linux
 * TASK_COMM_LEN, macOS MAXCOMLEN), so a name that long is taken from
 * argv[0]'s base name when that begins with it. */
size_t row_name(const char *comm, const char *argv0, size_t n0, char *out, size_t cap)
{
	size_t n = strlen(comm);
	const char *base = argv0;
	if (n >= 15 && argv0 && n0) {
		for (size_t i = 0; i < n0; i++)
			if (argv0[i] == '/')
				base = argv0 + i + 1;
		n0 -= (size_t)(base - argv0);
		if (n0 >= n && !memcmp(base, comm, n))
			comm = base, n = n0;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, comm, n);
	out[n] = 0;
	return n;
}

static void put_float(struct obuf *o, double v)
{
	char b[PY_REPR_MAX];
	csv_raw(o, b, py_repr_double(v, b));
}

static void put_time(struct row_ctx *c, double t)
{
	char b[32];
	int64_t sec;
	int32_t us;
	py_fromtimestamp(t, &sec, &us);
	csv_raw(c->out, b, wall_fmt_py(&c->tz, sec, us, b));
}

void row_write(struct row_ctx *c, const struct hist_tab *h, const struct hist *hp,
               const struct sp_proc *p, const char *cmd, long ncmd, size_t arg0)
{
	struct obuf *o = c->out;
	char name[2 * SP_NAME_MAX + 256], tok[16];
	size_t nn;
	if (ncmd < 0)
		ncmd = 0, arg0 = 0;
	csv_raw(o, c->ts, strlen(c->ts));
	csv_u64(o, p->pid);
	nn = row_name(p->name, cmd, arg0, name, sizeof name);
	csv_str(o, name, nn);
	if (c->anon) {
		anon_token(cmd, (size_t)ncmd, tok);
		csv_raw(o, tok, 12);
	} else {
		csv_str(o, cmd, (size_t)ncmd);
	}
	if (p->no_task) {
		csv_empty(o);
		csv_empty(o);
	} else {
		put_float(o, (double)p->vms_bytes / 1024.0);
		put_float(o, (double)p->rss_bytes / 1024.0);
	}
	put_time(c, p->create_time);
	for (int w = 0; w < 3; w++) {
		double pct = hp && !p->no_task ? hist_cpu_percent(h, hp, c->windows[w]) : -1;
		if (pct < 0)
			csv_empty(o);
		else
			put_float(o, pct);
	}
	csv_str(o, p->status ? p->status : "", p->status ? strlen(p->status) : 0);
	csv_s64(o, c->mono_ns);
	csv_end(o);
}
