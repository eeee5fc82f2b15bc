/* top_text.c — the views as text: the plain table printed every interval
 * when standard output is not a terminal, the --report tables, and --csv.
 * Text shows exact byte counts (a log is read later, and grepped); names
 * and paths are made safe (top_fmt.c), CSV keeps them as they are. */
#include "top.h"
#include "csv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void safe(struct obuf *o, const char *s, size_t n, size_t cols, int pad)
{
	char b[4 * 4096 + 1];
	size_t k;
	if (cols > 4096)
		cols = 4096;
	k = fmt_safe(b, s, n, cols);
	ob_put(o, b, k);
	for (size_t c = fmt_cols(b, k); pad && c < cols; c++)
		ob_putc(o, ' ');
}

static unsigned long long u(uint64_t v)
{
	return (unsigned long long)v;
}

/* "2025-11-23 12:13:20.005000" to the second */
static void stamp(struct obuf *o, const char *ts)
{
	ob_printf(o, "%-19.19s", ts[0] ? ts : "-");
}

static void proc_head(struct obuf *o, int with_rates, int with_start)
{
	ob_printf(o, "%8s %-16s %s%12s %12s ", "PID", "COMMAND", with_start ? "START               " : "",
	     "READ", "WRITE");
	if (with_rates)
		ob_printf(o, "%10s %10s ", "READ/s", "WRITE/s");
	ob_printf(o, "%8s %8s %8s %6s\n", "READS", "WRITES", "OPS", "FILES");
}

static void proc_line(struct obuf *o, const struct top *t, const struct tproc *p,
                      int with_rates, int with_start)
{
	ob_printf(o, "%8u ", p->pid);
	safe(o, p->name, p->cmdlen, 16, 1);
	ob_putc(o, ' ');
	if (with_start) {
		stamp(o, p->start);
		ob_putc(o, ' ');
	}
	ob_printf(o, "%12llu %12llu ", u(p->e.c.rbytes), u(p->e.c.wbytes));
	if (with_rates) {
		double r, w;
		top_rates(t, &p->e, &r, &w);
		ob_printf(o, "%10.0f %10.0f ", r, w);
	}
	ob_printf(o, "%8llu %8llu %8llu %6llu\n", u(p->e.c.reads), u(p->e.c.writes), u(p->e.c.ops),
	     u(p->nfiles + p->other_files));
}

static void other_line(struct obuf *o, const struct top *t, int with_rates, int with_start)
{
	if (!t->other_procs)
		return;
	ob_printf(o, "%8s %-16s %s%12llu %12llu ", "", TOP_OTHER, with_start ? "                    " : "",
	     u(t->other.rbytes), u(t->other.wbytes));
	if (with_rates)
		ob_printf(o, "%10s %10s ", "-", "-");
	ob_printf(o, "%8llu %8llu %8llu %6llu  %llu processes folded\n", u(t->other.reads),
	     u(t->other.writes), u(t->other.ops), u(t->other_files), u(t->other_procs));
}

static void totals_line(struct obuf *o, const struct top *t)
{
	ob_printf(o, "total: read %llu bytes (%llu reads), write %llu bytes (%llu writes), %llu operations\n",
	     u(t->total.rbytes), u(t->total.reads), u(t->total.wbytes), u(t->total.writes),
	     u(t->total.ops));
}

void ttext_snapshot(struct obuf *o, const struct top *t, const struct tstatus *st,
                    enum top_sort by, const char *filter, size_t n)
{
	struct tproc **pl;
	size_t k = top_list_procs(t, by, filter, &pl);
	char now[16];
	time_t tt = time(NULL);
	struct tm tm;
	double r, w;
	strftime(now, sizeof now, "%H:%M:%S", localtime_r(&tt, &tm));
	top_rates(t, &t->tot, &r, &w);
	ob_printf(o, "iotrc-top %s  %s%s  rows %llu  malformed %llu  read/s %.0f  write/s %.0f\n", now,
	     st->input, st->ended ? " (ended)" : "", u(st->rows), u(st->malformed), r, w);
	totals_line(o, t);
	proc_head(o, 1, 0);
	for (size_t i = 0; i < k && (!n || i < n); i++)
		proc_line(o, t, pl[i], 1, 0);
	if (!filter || !*filter)
		other_line(o, t, 1, 0);
	ob_putc(o, '\n');
	free(pl);
}

static void file_head(struct obuf *o)
{
	ob_printf(o, "%14s %12s %12s %8s %8s %8s  %s\n", "", "READ", "WRITE", "READS", "WRITES", "OPS", "PATH");
}

static void file_line(struct obuf *o, const struct tcount *c, const char *path, size_t n,
                      const char *label)
{
	ob_printf(o, "%14s %12llu %12llu %8llu %8llu %8llu  ", "", u(c->rbytes), u(c->wbytes), u(c->reads),
	     u(c->writes), u(c->ops));
	if (label)
		ob_put(o, label, strlen(label));
	else
		safe(o, path, n, 4096, 0);
	ob_putc(o, '\n');
}

static void proc_files(struct obuf *o, const struct top *t, const struct tproc *p,
                       enum top_sort by, size_t nf)
{
	struct tfile **fl;
	size_t k = top_list_files(t, p, by, &fl);
	char label[64];
	ob_printf(o, "\nfiles of %u ", p->pid);
	safe(o, p->name, p->cmdlen, 64, 0);
	ob_printf(o, " (first seen %s, last %s)\n", p->start[0] ? p->start : "-", p->last[0] ? p->last : "-");
	if (p->cmdlinelen) {
		ob_printf(o, "%14s ", "argv:");
		safe(o, p->cmdline, p->cmdlinelen, 200, 0);
		ob_putc(o, '\n');
	}
	file_head(o);
	for (size_t i = 0; i < k && (!nf || i < nf); i++)
		file_line(o, &fl[i]->e.c, fl[i]->path, fl[i]->len, fl[i]->len ? NULL : TOP_NONAME);
	if (nf && k > nf) {
		struct tcount rest = { 0, 0, 0, 0, 0 };
		for (size_t i = nf; i < k; i++) {
			const struct tcount *c = &fl[i]->e.c;
			rest.rbytes += c->rbytes, rest.wbytes += c->wbytes;
			rest.reads += c->reads, rest.writes += c->writes, rest.ops += c->ops;
		}
		snprintf(label, sizeof label, "(%llu more files)", u(k - nf));
		file_line(o, &rest, NULL, 0, label);
	}
	if (p->other_files) {
		snprintf(label, sizeof label, TOP_OTHER " %llu files folded", u(p->other_files));
		file_line(o, &p->other, NULL, 0, label);
	}
	free(fl);
}

void ttext_report(struct obuf *o, const struct top *t, const struct tstatus *st,
                  const struct trep *r)
{
	struct tproc **pl;
	size_t k = top_list_procs(t, r->by, r->filter, &pl), shown = r->n && k > r->n ? r->n : k;
	ob_printf(o, "iotrc-top report: %s\n", st->input);
	ob_printf(o, "rows %llu (%llu malformed); processes %llu (%llu folded into " TOP_OTHER
	        "), files %llu (%llu folded)\n",
	     u(st->rows), u(st->malformed), u(t->nprocs + t->other_procs), u(t->other_procs),
	     u(t->nfiles + t->other_files + 0), u(t->other_files));
	totals_line(o, t);
	ob_printf(o, "\nprocesses by %s bytes, %zu of %zu", top_sort_names[r->by], shown, k);
	if (r->filter && *r->filter) {
		ob_printf(o, " whose command holds \"");
		safe(o, r->filter, strlen(r->filter), 64, 0);
		ob_putc(o, '"');
	}
	ob_putc(o, '\n');
	proc_head(o, 0, 1);
	for (size_t i = 0; i < shown; i++)
		proc_line(o, t, pl[i], 0, 1);
	if (!r->filter || !*r->filter)
		other_line(o, t, 0, 1);
	for (size_t i = 0; i < shown; i++)
		proc_files(o, t, pl[i], r->by, r->nf);
	free(pl);
}

/* The counters that end a CSV row, and what was folded into it (other
 * rows only). */
static void csv_counts(struct obuf *o, const struct tcount *c, uint64_t folded)
{
	csv_u64(o, c->rbytes);
	csv_u64(o, c->wbytes);
	csv_u64(o, c->reads);
	csv_u64(o, c->writes);
	csv_u64(o, c->ops);
	if (folded)
		csv_u64(o, folded);
	else
		csv_empty(o);
	csv_end(o);
}

static void csv_lead(struct obuf *o, const char *kind, const struct tproc *p)
{
	csv_cstr(o, kind);
	if (p) {
		csv_u64(o, p->pid);
		csv_u64(o, p->id);
		csv_str(o, p->name, p->cmdlen);
		csv_cstr(o, p->start);
		csv_cstr(o, p->last);
	} else
		for (int i = 0; i < 5; i++)
			csv_empty(o);
}

void tcsv_report(struct obuf *o, const struct top *t, const struct trep *r)
{
	static const char *const cols[] = {
		"kind", "pid", "id", "command", "start", "last", "file",
		"read_bytes", "write_bytes", "reads", "writes", "ops", "folded",
	};
	struct tproc **pl;
	size_t k = top_list_procs(t, r->by, r->filter, &pl);
	csv_header(o, cols, sizeof cols / sizeof *cols);
	csv_lead(o, "total", NULL);
	csv_empty(o);
	csv_counts(o, &t->total, 0);
	for (size_t i = 0; i < k && (!r->n || i < r->n); i++) {
		const struct tproc *p = pl[i];
		struct tfile **fl;
		size_t m = top_list_files(t, p, r->by, &fl);
		csv_lead(o, "process", p);
		csv_empty(o);
		csv_counts(o, &p->e.c, 0);
		for (size_t j = 0; j < m && (!r->nf || j < r->nf); j++) {
			csv_lead(o, "file", p);
			csv_str(o, fl[j]->path, fl[j]->len);
			csv_counts(o, &fl[j]->e.c, 0);
		}
		if (p->other_files) {
			csv_lead(o, "other_files", p);
			csv_empty(o);
			csv_counts(o, &p->other, p->other_files);
		}
		free(fl);
	}
	if (t->other_procs && (!r->filter || !*r->filter)) {
		csv_lead(o, "other", NULL);
		csv_empty(o);
		csv_counts(o, &t->other, t->other_procs);
	}
	free(pl);
}
