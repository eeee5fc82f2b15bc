/* top_html.c — --html FILE: the report as one self-contained page (styles
 * inline, no scripts, fonts or requests), the processes with bars for
 * their read and write bytes, then each listed process's files. */
#include "top.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void puts_(struct obuf *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

/* s[0..n) as HTML text: &<>"' escaped, control characters and bytes that
 * are not UTF-8 as U+FFFD. */
static void html_text(struct obuf *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t k = p[i] < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
		switch (k == 1 ? p[i] : 0x80) {
		case '&': puts_(o, "&amp;"); break;
		case '<': puts_(o, "&lt;"); break;
		case '>': puts_(o, "&gt;"); break;
		case '"': puts_(o, "&quot;"); break;
		case '\'': puts_(o, "&#39;"); break;
		default:
			if (!k || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f)))
				puts_(o, "\xEF\xBF\xBD");   /* U+FFFD */
			else
				ob_put(o, p + i, k);
		}
		i += k ? k : 1;
	}
}

static const char style[] =
	"<style>\n"
	"body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:1em 2em;color:#1d1d1f}\n"
	"h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}\n"
	"table{border-collapse:collapse}th,td{padding:2px 8px;text-align:right;white-space:nowrap}\n"
	"th{border-bottom:1px solid #999}td.l,th.l{text-align:left}td.p{white-space:normal;"
	"word-break:break-all;text-align:left}\n"
	"tr:nth-child(even){background:#f4f4f6}\n"
	".bar{display:flex;width:220px;height:11px;background:#e6e6ea}\n"
	".r{background:#2f74c0}.w{background:#e0662f}\n"
	".key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}\n"
	".muted{color:#777}\n"
	"</style>\n";

static void size_cell(struct obuf *o, uint64_t v)
{
	char h[16];
	fmt_human(h, (double)v);
	ob_printf(o, "<td title=\"%llu bytes\">%s</td>", (unsigned long long)v, h);
}

/* Read and write bytes as two bars, in proportion to max. */
static void bar_cell(struct obuf *o, const struct tcount *c, uint64_t max)
{
	double r = max ? 100.0 * (double)c->rbytes / (double)max : 0;
	double w = max ? 100.0 * (double)c->wbytes / (double)max : 0;
	ob_printf(o, "<td class=l><div class=bar><span class=r style=\"width:%.2f%%\"></span>"
	        "<span class=w style=\"width:%.2f%%\"></span></div></td>", r, w);
}

static void count_cells(struct obuf *o, const struct tcount *c, uint64_t max)
{
	size_cell(o, c->rbytes);
	size_cell(o, c->wbytes);
	bar_cell(o, c, max);
	ob_printf(o, "<td>%llu</td><td>%llu</td><td>%llu</td>", (unsigned long long)c->reads,
	     (unsigned long long)c->writes, (unsigned long long)c->ops);
}

static uint64_t total_of(const struct tcount *c)
{
	return c->rbytes + c->wbytes;
}

static void proc_table(struct obuf *o, const struct top *t, struct tproc **pl, size_t shown,
                       int with_other)
{
	uint64_t max = 1;
	for (size_t i = 0; i < shown; i++)
		if (total_of(&pl[i]->e.c) > max)
			max = total_of(&pl[i]->e.c);
	if (total_of(&t->other) > max)
		max = total_of(&t->other);
	puts_(o, "<table><tr><th>PID</th><th class=l>Command</th><th class=l>First seen</th>"
	         "<th>Read</th><th>Write</th><th class=l>Read / write</th><th>Reads</th>"
	         "<th>Writes</th><th>Ops</th><th>Files</th></tr>\n");
	for (size_t i = 0; i < shown; i++) {
		const struct tproc *p = pl[i];
		ob_printf(o, "<tr><td><a href=\"#p%llu\">%u</a></td><td class=l>", (unsigned long long)p->id,
		     p->pid);
		html_text(o, p->name, p->cmdlen);
		puts_(o, "</td><td class=l>");
		html_text(o, p->start, strlen(p->start));
		puts_(o, "</td>");
		count_cells(o, &p->e.c, max);
		ob_printf(o, "<td>%llu</td></tr>\n", (unsigned long long)(p->nfiles + p->other_files));
	}
	if (t->other_procs && with_other) {
		puts_(o, "<tr><td></td><td class=l>" TOP_OTHER "</td><td class=l muted>");
		ob_printf(o, "%llu processes folded</td>", (unsigned long long)t->other_procs);
		count_cells(o, &t->other, max);
		ob_printf(o, "<td>%llu</td></tr>\n", (unsigned long long)t->other_files);
	}
	puts_(o, "</table>\n");
}

static void file_table(struct obuf *o, const struct top *t, const struct tproc *p,
                       enum top_sort by, size_t nf)
{
	struct tfile **fl;
	size_t k = top_list_files(t, p, by, &fl), shown = nf && k > nf ? nf : k;
	uint64_t max = total_of(&p->other) ? total_of(&p->other) : 1;
	for (size_t i = 0; i < shown; i++)
		if (total_of(&fl[i]->e.c) > max)
			max = total_of(&fl[i]->e.c);
	ob_printf(o, "<h2 id=\"p%llu\">%u ", (unsigned long long)p->id, p->pid);
	html_text(o, p->name, p->cmdlen);
	ob_printf(o, " <span class=muted>%zu of %llu files</span></h2>\n", shown,
	     (unsigned long long)(k + p->other_files));
	if (p->cmdlinelen) {
		puts_(o, "<p class=muted>");
		html_text(o, p->cmdline, p->cmdlinelen);
		puts_(o, "</p>\n");
	}
	puts_(o, "<table><tr><th>Read</th><th>Write</th><th class=l>Read / write</th><th>Reads</th>"
	         "<th>Writes</th><th>Ops</th><th class=l>File</th></tr>\n");
	for (size_t i = 0; i < shown; i++) {
		puts_(o, "<tr>");
		count_cells(o, &fl[i]->e.c, max);
		puts_(o, "<td class=p>");
		if (fl[i]->len)
			html_text(o, fl[i]->path, fl[i]->len);
		else
			puts_(o, "<span class=muted>" TOP_NONAME "</span>");
		puts_(o, "</td></tr>\n");
	}
	if (p->other_files) {
		puts_(o, "<tr>");
		count_cells(o, &p->other, max);
		ob_printf(o, "<td class=p>" TOP_OTHER " <span class=muted>%llu files folded</span></td></tr>\n",
		     (unsigned long long)p->other_files);
	}
	puts_(o, "</table>\n");
	free(fl);
}

void thtml_report(struct obuf *o, const struct top *t, const struct tstatus *st,
                  const struct trep *r)
{
	struct tproc **pl;
	size_t k = top_list_procs(t, r->by, r->filter, &pl), shown = r->n && k > r->n ? r->n : k;
	char rb[16], wb[16];
	puts_(o, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
	         "<meta name=viewport content=\"width=device-width\">\n<title>iotrc-top: ");
	html_text(o, st->input, strlen(st->input));
	puts_(o, "</title>\n");
	puts_(o, style);
	puts_(o, "</head><body>\n<h1>iotrc-top: ");
	html_text(o, st->input, strlen(st->input));
	puts_(o, "</h1>\n");
	fmt_human(rb, (double)t->total.rbytes);
	fmt_human(wb, (double)t->total.wbytes);
	ob_printf(o, "<p>%llu rows (%llu malformed). Read <b title=\"%llu bytes\">%s</b> in %llu reads, "
	        "wrote <b title=\"%llu bytes\">%s</b> in %llu writes; %llu operations.",
	     (unsigned long long)st->rows, (unsigned long long)st->malformed,
	     (unsigned long long)t->total.rbytes, rb, (unsigned long long)t->total.reads,
	     (unsigned long long)t->total.wbytes, wb, (unsigned long long)t->total.writes,
	     (unsigned long long)t->total.ops);
	puts_(o, "<span class=key><span class=r></span>read<span class=w></span>write</span></p>\n");
	ob_printf(o, "<h2>Processes by %s bytes <span class=muted>%zu of %zu</span></h2>\n",
	     top_sort_names[r->by], shown, k);
	proc_table(o, t, pl, shown, !r->filter || !*r->filter);
	for (size_t i = 0; i < shown; i++)
		file_table(o, t, pl[i], r->by, r->nf);
	puts_(o, "</body></html>\n");
	free(pl);
}
