/* top_agg.c — the counters: per process (pid + command + argv, started at
 * its first row) and per process per file, with the totals, in bounded
 * memory. Every row stamps its file and then its process with the next
 * tick of an activity clock (so a process is always newer than its files).
 * When more than max_entries are kept, the least recently active tenth
 * is folded in one sweep: files into their process's "(other)" counters,
 * processes into the global "(other)" row. A sweep costs a pass over the
 * entries, once per max_entries/10 new ones, and a row costs no list
 * upkeep. Totals stay exact whatever is folded, and so do the counters of
 * every process still kept (its files plus its "(other)").
 *
 * The fs stream has no exec or exit rows (iotrc-parse keeps them to
 * itself), so a process is told apart by what its rows carry: a pid whose
 * command changes (an exec, or the pid reused by another program) or
 * whose argv changes (both known) starts a new process; the old one keeps
 * its row. */
#include "top.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

void top_lock(struct top *t)
{
	pthread_mutex_lock(&t->lock);
}

void top_unlock(struct top *t)
{
	pthread_mutex_unlock(&t->lock);
}

void top_init(struct top *t, uint64_t max_entries, int64_t now_ns)
{
	memset(t, 0, sizeof *t);
	t->max_entries = max_entries < 4 ? 4 : max_entries;
	t->pid_cap = 1024;
	t->pidtab = xcalloc(t->pid_cap, sizeof *t->pidtab);
	t->ftab_cap = 4096;
	t->ftab = xcalloc(t->ftab_cap, sizeof *t->ftab);
	t->tick_ns = now_ns;
	t->ivl_ns = 1000000000;
	t->next_id = 1;
	pthread_mutex_init(&t->lock, NULL);
}

void top_free(struct top *t)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		struct tproc *p = t->procs[i];
		while (p->files) {
			struct tfile *f = p->files;
			p->files = f->pnext;
			free(f);
		}
		free(p->cmdline);
		free(p);
	}
	free(t->procs);
	free(t->pidtab);
	free(t->ftab);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof *t);
}

/* ---- rates: counted per interval, lazily (nothing walks every entry) ---- */

static void ent_roll(const struct top *t, struct tent *e)
{
	if (e->tick == t->tick)
		return;
	if (e->tick + 1 == t->tick)
		e->last_r = e->cur_r, e->last_w = e->cur_w;
	else
		e->last_r = e->last_w = 0;
	e->cur_r = e->cur_w = 0;
	e->tick = t->tick;
}

static void ent_add(const struct top *t, struct tent *e, enum top_op op, uint64_t b)
{
	ent_roll(t, e);
	e->c.ops++;
	if (op == OP_READ)
		e->c.reads++, e->c.rbytes += b, e->cur_r += b;
	else if (op == OP_WRITE)
		e->c.writes++, e->c.wbytes += b, e->cur_w += b;
}

void top_tick(struct top *t, int64_t now_ns)
{
	int64_t d = now_ns - t->tick_ns;
	t->ivl_ns = d > 0 ? d : 1;
	t->tick_ns = now_ns;
	t->tick++;
}

void top_rates(const struct top *t, const struct tent *e, double *r, double *w)
{
	double secs = (double)t->ivl_ns / 1e9;
	uint64_t br = 0, bw = 0;
	if (e->tick == t->tick)
		br = e->last_r, bw = e->last_w;
	else if (e->tick + 1 == t->tick)
		br = e->cur_r, bw = e->cur_w;
	*r = (double)br / secs;
	*w = (double)bw / secs;
}

static void count_add(struct tcount *a, const struct tcount *b)
{
	a->rbytes += b->rbytes, a->wbytes += b->wbytes;
	a->reads += b->reads, a->writes += b->writes, a->ops += b->ops;
}

/* ---- hashing ---- */

static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

static uint64_t hash_path(uint64_t seed, const char *s, size_t n)
{
	uint64_t h = seed * 0x9e3779b97f4a7c15ULL ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 29;
		s += 8, n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	}
	return mix(h);
}

/* Open addressing with linear probing; removal shifts the entries after
 * the hole back, so lookups need no tombstones. */
#define PID_HOME(t, pid) ((size_t)mix((uint64_t)(pid) + 1) & ((t)->pid_cap - 1))
#define FILE_HOME(t, h) ((size_t)(h) & ((t)->ftab_cap - 1))

static void pid_put(struct top *t, struct tproc *p);

static void pid_grow(struct top *t)
{
	struct tproc **old = t->pidtab;
	size_t oc = t->pid_cap;
	t->pid_cap *= 2;
	t->pidtab = xcalloc(t->pid_cap, sizeof *t->pidtab);
	t->pid_used = 0;
	for (size_t i = 0; i < oc; i++)
		if (old[i])
			pid_put(t, old[i]);
	free(old);
}

static size_t pid_slot(const struct top *t, uint32_t pid)
{
	size_t i = PID_HOME(t, pid);
	while (t->pidtab[i] && t->pidtab[i]->pid != pid)
		i = (i + 1) & (t->pid_cap - 1);
	return i;
}

/* p becomes the newest process of its pid. */
static void pid_put(struct top *t, struct tproc *p)
{
	size_t i;
	if ((t->pid_used + 1) * 2 > t->pid_cap)
		pid_grow(t);
	i = pid_slot(t, p->pid);
	if (!t->pidtab[i])
		t->pid_used++;
	t->pidtab[i] = p;
}

static void pid_del(struct top *t, const struct tproc *p)
{
	size_t mask = t->pid_cap - 1, i = pid_slot(t, p->pid), j = i;
	if (t->pidtab[i] != p)
		return;              /* a newer process has the pid */
	t->pidtab[i] = NULL;
	t->pid_used--;
	for (;;) {
		size_t home;
		j = (j + 1) & mask;
		if (!t->pidtab[j])
			return;
		home = PID_HOME(t, t->pidtab[j]->pid);
		/* the entry at j may move into the hole at i if its home is not
		 * cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->pidtab[i] = t->pidtab[j];
			t->pidtab[j] = NULL;
			i = j;
		}
	}
}

static void ftab_insert(struct top *t, struct tfile *f)
{
	size_t i = FILE_HOME(t, f->hash);
	while (t->ftab[i].f)
		i = (i + 1) & (t->ftab_cap - 1);
	t->ftab[i].hash = f->hash;
	t->ftab[i].f = f;
}

static void ftab_grow(struct top *t)
{
	struct fslot *old = t->ftab;
	size_t oc = t->ftab_cap;
	t->ftab_cap *= 2;
	t->ftab = xcalloc(t->ftab_cap, sizeof *t->ftab);
	for (size_t i = 0; i < oc; i++)
		if (old[i].f)
			ftab_insert(t, old[i].f);
	free(old);
}

static void ftab_del(struct top *t, const struct tfile *f)
{
	size_t mask = t->ftab_cap - 1, i = FILE_HOME(t, f->hash), j;
	while (t->ftab[i].f != f)
		i = (i + 1) & mask;
	t->ftab[i].f = NULL;
	for (j = i;;) {
		size_t home;
		j = (j + 1) & mask;
		if (!t->ftab[j].f)
			return;
		home = FILE_HOME(t, t->ftab[j].hash);
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->ftab[i] = t->ftab[j];
			t->ftab[j].f = NULL;
			i = j;
		}
	}
}

/* ---- entries ---- */

static void set_cmdline(struct tproc *p, const char *s, size_t n)
{
	free(p->cmdline);
	p->cmdline = xmalloc(n + 1);
	memcpy(p->cmdline, s, n);
	p->cmdline[n] = 0;
	p->cmdlinelen = (uint32_t)n;
}

static void proc_free(struct tproc *p)
{
	free(p->cmdline);
	free(p);
}

static void file_unlink(struct tfile *f)
{
	struct tproc *p = f->proc;
	if (f->pprev)
		f->pprev->pnext = f->pnext;
	else
		p->files = f->pnext;
	if (f->pnext)
		f->pnext->pprev = f->pprev;
	p->nfiles--;
}

static void fold_file(struct top *t, struct tfile *f)
{
	struct tproc *p = f->proc;
	count_add(&p->other, &f->e.c);
	p->other_files++;
	file_unlink(f);
	ftab_del(t, f);
	if (t->lastf == f)
		t->lastf = NULL;
	t->nfiles--;
	t->nentries--;
	free(f);
}

static void fold_proc(struct top *t, struct tproc *p)
{
	while (p->files)              /* none left, as files are older */
		fold_file(t, p->files);
	count_add(&t->other, &p->e.c);
	t->other_procs++;
	t->other_files += p->other_files;
	pid_del(t, p);
	t->procs[p->idx] = t->procs[--t->nprocs];
	t->procs[p->idx]->idx = p->idx;
	if (t->lastp == p)
		t->lastp = NULL, t->lastf = NULL;
	t->nentries--;
	proc_free(p);
}

/* The k-th smallest of v[0..n) (k < n), reordering v (quickselect). */
static uint64_t kth_smallest(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi], pivot, tmp;
		size_t i = lo, j = hi;
		pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				tmp = v[i], v[i] = v[j], v[j] = tmp;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* Over the budget: fold the least recently active tenth of the entries.
 * Files go first (into their process's "(other)"), then processes (a
 * process is newer than all its files, so none it keeps is left). The
 * newest two (this row's process and file) always stay. */
static void enforce_budget(struct top *t)
{
	size_t n = (size_t)t->nentries, k = 0, nf = 0, np = 0;
	size_t keep = (size_t)(t->max_entries - t->max_entries / 10);
	size_t drop = n - (keep >= 2 && keep < n ? keep : 2);
	uint64_t *seen = xmalloc(n * sizeof *seen), cut;
	struct tfile **fv;
	struct tproc **pv;
	for (size_t i = 0; i < t->ftab_cap; i++)
		if (t->ftab[i].f)
			seen[k++] = t->ftab[i].f->e.seen;
	for (size_t i = 0; i < t->nprocs; i++)
		seen[k++] = t->procs[i]->e.seen;
	cut = kth_smallest(seen, k, drop - 1);   /* the stamps are unique */
	free(seen);
	fv = xmalloc(drop * sizeof *fv);
	pv = xmalloc(drop * sizeof *pv);
	for (size_t i = 0; i < t->ftab_cap; i++)
		if (t->ftab[i].f && t->ftab[i].f->e.seen <= cut)
			fv[nf++] = t->ftab[i].f;
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i]->e.seen <= cut)
			pv[np++] = t->procs[i];
	for (size_t i = 0; i < nf; i++)
		fold_file(t, fv[i]);
	for (size_t i = 0; i < np; i++)
		fold_proc(t, pv[i]);
	free(fv);
	free(pv);
}

static void copy_ts(char *dst, const char *s, size_t n)
{
	if (n > 31)
		n = 31;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static struct tproc *proc_new(struct top *t, const struct trow *r)
{
	struct tproc *p = xcalloc(1, sizeof *p + r->cmdn + 1);
	p->pid = r->pid;
	p->id = t->next_id++;
	p->e.tick = t->tick;
	p->cmdlen = (uint32_t)r->cmdn;
	memcpy(p->name, r->cmd, r->cmdn);
	set_cmdline(p, r->cmdline, r->cmdlinen);
	copy_ts(p->start, r->ts, r->tsn);
	if (t->nprocs == t->procs_cap) {
		t->procs_cap = t->procs_cap ? 2 * t->procs_cap : 256;
		t->procs = xrealloc(t->procs, t->procs_cap * sizeof *t->procs);
	}
	p->idx = t->nprocs;
	t->procs[t->nprocs++] = p;
	pid_put(t, p);
	t->nentries++;
	return p;
}

/* The same program as p: the same command, and the same argv when both
 * are known (the parser looks argv up once per process, so a new one
 * means an exec or a new process). */
static int same_proc(const struct tproc *p, const struct trow *r)
{
	if (p->cmdlen != r->cmdn || memcmp(p->name, r->cmd, r->cmdn) != 0)
		return 0;
	return !p->cmdlinelen || !r->cmdlinen ||
	       (p->cmdlinelen == r->cmdlinen && memcmp(p->cmdline, r->cmdline, r->cmdlinen) == 0);
}

static struct tproc *proc_get(struct top *t, const struct trow *r)
{
	struct tproc *p = t->lastp;
	if (!p || p->pid != r->pid) {
		p = t->pidtab[pid_slot(t, r->pid)];
		t->lastf = NULL;
	}
	if (p && same_proc(p, r)) {
		if (!p->cmdlinelen && r->cmdlinen)   /* argv known from now on */
			set_cmdline(p, r->cmdline, r->cmdlinen);
		t->lastp = p;
		return p;
	}
	t->lastf = NULL;
	t->lastp = proc_new(t, r);
	return t->lastp;
}

uint64_t top_hash(uint32_t pid, const char *path, size_t n)
{
	return hash_path(pid, path, n);
}

void top_prefetch_slot(const struct top *t, uint64_t h)
{
	__builtin_prefetch(&t->ftab[FILE_HOME(t, h)]);
}

void top_prefetch_entry(const struct top *t, uint64_t h)
{
	for (size_t i = FILE_HOME(t, h); t->ftab[i].f; i = (i + 1) & (t->ftab_cap - 1))
		if (t->ftab[i].hash == h) {
			const struct tfile *f = t->ftab[i].f;
			__builtin_prefetch(f);
			__builtin_prefetch((const char *)f + 64);
			__builtin_prefetch(f->path + 64);
			return;
		}
}

static struct tfile *file_get(struct top *t, struct tproc *p, const char *s, size_t n,
                              uint64_t h)
{
	struct tfile *f = t->lastf;
	size_t i;
	if (f && f->proc == p && f->len == n && memcmp(f->path, s, n) == 0)
		return f;
	for (i = FILE_HOME(t, h); t->ftab[i].f; i = (i + 1) & (t->ftab_cap - 1))
		if (t->ftab[i].hash == h) {
			f = t->ftab[i].f;
			if (f->proc == p && f->len == n && memcmp(f->path, s, n) == 0)
				return t->lastf = f;
		}
	if ((t->nfiles + 1) * 2 > t->ftab_cap)
		ftab_grow(t);
	f = xmalloc(sizeof *f + n + 1);
	memset(f, 0, sizeof *f);
	f->e.is_file = 1;
	f->e.tick = t->tick;
	f->proc = p;
	f->hash = h;
	f->len = (uint32_t)n;
	memcpy(f->path, s, n);
	f->path[n] = 0;
	f->pnext = p->files;
	if (p->files)
		p->files->pprev = f;
	p->files = f;
	p->nfiles++;
	ftab_insert(t, f);
	t->nfiles++;
	t->nentries++;
	return t->lastf = f;
}

void top_row(struct top *t, const struct trow *r)
{
	struct tproc *p = proc_get(t, r);
	struct tfile *f = file_get(t, p, r->path, r->pathn, r->hash);
	uint64_t b = r->op == OP_OTHER ? 0 : r->bytes;
	ent_add(t, &f->e, r->op, b);
	ent_add(t, &p->e, r->op, b);
	ent_add(t, &t->tot, r->op, b);
	t->total = t->tot.c;
	copy_ts(p->last, r->ts, r->tsn);
	f->e.seen = ++t->seq;         /* the process newer than its files */
	p->e.seen = ++t->seq;
	if (t->nentries > t->max_entries)
		enforce_budget(t);
}

struct tproc *top_find(const struct top *t, uint32_t pid, uint64_t id)
{
	if (!id) {
		struct tproc *p = t->pidtab[pid_slot(t, pid)];
		return p;
	}
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i]->id == id && t->procs[i]->pid == pid)
			return t->procs[i];
	return NULL;
}
