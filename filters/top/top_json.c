/* top_json.c — the JSON of the browser's API (/api/processes,
 * /api/process/PID) and of --json, through lib/json (strings escaped, any
 * bytes in a path give valid JSON). Byte counts are exact integers; rates
 * are bytes per second over the last interval, rounded. */
#include "top.h"
#include <stdlib.h>
#include <string.h>

static void counts(struct json *j, const struct tcount *c)
{
	json_key(j, "read_bytes");
	json_u64(j, c->rbytes);
	json_key(j, "write_bytes");
	json_u64(j, c->wbytes);
	json_key(j, "reads");
	json_u64(j, c->reads);
	json_key(j, "writes");
	json_u64(j, c->writes);
	json_key(j, "ops");
	json_u64(j, c->ops);
}

static void rates(struct json *j, const struct top *t, const struct tent *e)
{
	double r, w;
	top_rates(t, e, &r, &w);
	json_key(j, "read_rate");
	json_u64(j, (uint64_t)(r + 0.5));
	json_key(j, "write_rate");
	json_u64(j, (uint64_t)(w + 0.5));
}

/* The fields of a process (the caller opened its object). */
static void proc_fields(struct json *j, const struct top *t, const struct tproc *p)
{
	json_key(j, "pid");
	json_u64(j, p->pid);
	json_key(j, "id");
	json_u64(j, p->id);
	json_key(j, "command");
	json_str(j, p->name, p->cmdlen);
	json_key(j, "cmdline");
	json_str(j, p->cmdline ? p->cmdline : "", p->cmdlinelen);
	json_key(j, "start");
	json_cstr(j, p->start);
	json_key(j, "last");
	json_cstr(j, p->last);
	counts(j, &p->e.c);
	rates(j, t, &p->e);
	json_key(j, "nfiles");
	json_u64(j, p->nfiles + p->other_files);
}

static void file_obj(struct json *j, const struct top *t, const struct tfile *f)
{
	json_obj(j);
	json_key(j, "path");
	json_str(j, f->path, f->len);
	counts(j, &f->e.c);
	rates(j, t, &f->e);
	json_end(j);
}

/* The files of p, sorted (n at most, 0 all), then its "(other)" row. */
static void files(struct json *j, const struct top *t, const struct tproc *p,
                  enum top_sort by, size_t n)
{
	struct tfile **fl;
	size_t k = top_list_files(t, p, by, &fl);
	json_key(j, "files");
	json_arr(j);
	for (size_t i = 0; i < k && (!n || i < n); i++)
		file_obj(j, t, fl[i]);
	json_end(j);
	json_key(j, "files_not_listed");
	json_u64(j, n && k > n ? k - n : 0);
	json_key(j, "other");
	json_obj(j);
	json_key(j, "files");
	json_u64(j, p->other_files);
	counts(j, &p->other);
	json_end(j);
	free(fl);
}

static void head(struct json *j, const struct top *t, const struct tstatus *st,
                 enum top_sort by)
{
	json_key(j, "input");
	json_cstr(j, st->input);
	json_key(j, "ended");
	json_bool(j, st->ended);
	json_key(j, "rows");
	json_u64(j, st->rows);
	json_key(j, "malformed");
	json_u64(j, st->malformed);
	json_key(j, "note");
	json_cstr(j, st->note);
	json_key(j, "interval");
	json_double(j, (double)t->ivl_ns / 1e9);
	json_key(j, "sort");
	json_cstr(j, top_sort_names[by]);
	json_key(j, "max_entries");
	json_u64(j, t->max_entries);
	json_key(j, "processes_kept");
	json_u64(j, t->nprocs);
	json_key(j, "files_kept");
	json_u64(j, t->nfiles);
	json_key(j, "totals");
	json_obj(j);
	counts(j, &t->total);
	rates(j, t, &t->tot);
	json_end(j);
	json_key(j, "other");
	json_obj(j);
	json_key(j, "processes");
	json_u64(j, t->other_procs);
	json_key(j, "files");
	json_u64(j, t->other_files);
	counts(j, &t->other);
	json_end(j);
}

void tjson_overview(struct json *j, const struct top *t, const struct tstatus *st,
                    enum top_sort by, const char *filter, size_t n)
{
	struct tproc **pl;
	size_t k = top_list_procs(t, by, filter, &pl);
	json_obj(j);
	head(j, t, st, by);
	json_key(j, "filter");
	json_cstr(j, filter ? filter : "");
	json_key(j, "matching");
	json_u64(j, k);
	json_key(j, "processes");
	json_arr(j);
	for (size_t i = 0; i < k && (!n || i < n); i++) {
		json_obj(j);
		proc_fields(j, t, pl[i]);
		json_end(j);
	}
	json_end(j);
	json_end(j);
	free(pl);
}

int tjson_process(struct json *j, const struct top *t, uint32_t pid, uint64_t id,
                  enum top_sort by, size_t n)
{
	const struct tproc *p = top_find(t, pid, id);
	if (!p)
		return -1;
	json_obj(j);
	json_key(j, "process");
	json_obj(j);
	proc_fields(j, t, p);
	json_end(j);
	json_key(j, "sort");
	json_cstr(j, top_sort_names[by]);
	files(j, t, p, by, n);
	json_end(j);
	return 0;
}

void tjson_report(struct json *j, const struct top *t, const struct tstatus *st,
                  const struct trep *r)
{
	struct tproc **pl;
	size_t k = top_list_procs(t, r->by, r->filter, &pl), n = r->n;
	json_obj(j);
	head(j, t, st, r->by);
	json_key(j, "filter");
	json_cstr(j, r->filter ? r->filter : "");
	json_key(j, "processes");
	json_arr(j);
	for (size_t i = 0; i < k && (!n || i < n); i++) {
		json_obj(j);
		proc_fields(j, t, pl[i]);
		files(j, t, pl[i], r->by, r->nf);
		json_end(j);
	}
	json_end(j);
	json_key(j, "processes_not_listed");
	json_u64(j, n && k > n ? k - n : 0);
	json_end(j);
	free(pl);
}
