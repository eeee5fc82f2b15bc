/* sproc_hist.c — each process's CPU time, sampled every second, kept in
 * bounded rings per (pid, start time), and the CPU windows computed from
 * them (sproc.h). Upstream keeps an hour of 1 s samples per process
 * (upstream.md §3, ~57 KiB each); three rings of rising spacing keep the
 * same windows within a sample's spacing (the 2 min window may reach
 * back up to 2 s further, the hour up to 30 s) in about 3 KiB. */
#include "sproc.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static const uint16_t ring_len[3] = { HIST_SHORT, HIST_MID, HIST_LONG };
static const uint16_t ring_off[3] = { 0, HIST_SHORT, HIST_SHORT + HIST_MID };
static const int64_t ring_step[3] = { 0, HIST_MID_STEP * 1000000000LL, HIST_LONG_STEP * 1000000000LL };

static void free_hist(void *ctx, uint64_t key, void *val)
{
	(void)ctx, (void)key;
	free(*(struct hist **)val);
}

void hist_init(struct hist_tab *h, size_t max_procs)
{
	memset(h, 0, sizeof *h);
	kdtab_init(&h->procs, sizeof(struct hist *), max_procs);
	h->procs.on_evict = free_hist;
	h->first_t = INT64_MIN;
	h->tol_ns = 500000000;     /* half the sampling interval */
}

void hist_free(struct hist_tab *h)
{
	kdtab_each(&h->procs, free_hist, NULL);
	kdtab_free(&h->procs);
}

void hist_scan_begin(struct hist_tab *h, int64_t t_ns)
{
	h->scan++;
	if (h->first_t == INT64_MIN)
		h->first_t = t_ns;
}

/* The ring's i-th newest sample (0 = newest); i < n. */
static const struct hist_sample *nth(const struct hist *p, int r, unsigned i)
{
	unsigned len = ring_len[r], slot = (p->r[r].head + len - 1 - i) % len;
	return &p->s[ring_off[r] + slot];
}

static void push(struct hist *p, int r, int64_t t, uint64_t cpu)
{
	struct hist_ring *g = &p->r[r];
	struct hist_sample *s = &p->s[ring_off[r] + g->head];
	s->t_ns = t, s->cpu_ns = cpu;
	g->head = (uint16_t)((g->head + 1) % ring_len[r]);
	if (g->n < ring_len[r])
		g->n++;
}

struct hist *hist_add(struct hist_tab *h, uint32_t pid, uint64_t start_id, int64_t t_ns,
                      uint64_t cpu_ns)
{
	int isnew;
	struct hist **slot = kdtab_put(&h->procs, pid, &isnew), *p;
	if (isnew) {
		*slot = xcalloc(1, sizeof **slot);
	} else if ((*slot)->start_id != start_id) {
		memset(*slot, 0, sizeof **slot);   /* the pid was reused */
		h->st.pid_reused++;
	}
	p = *slot;
	if (!p->r[0].n) {
		p->start_id = start_id;
		p->first_scan = h->scan;
	}
	p->seen = h->scan;
	for (int r = 0; r < 3; r++)
		if (r == 0 || !p->r[r].n || t_ns - nth(p, r, 0)->t_ns >= ring_step[r] - h->tol_ns)
			push(p, r, t_ns, cpu_ns);
	if (h->procs.count > h->st.tracked_max)
		h->st.tracked_max = h->procs.count;
	h->st.evicted = h->procs.evictions;
	return p;
}

struct sweep {
	struct hist_tab *h;
	uint64_t *dead;
	size_t n;
};

static void find_dead(void *ctx, uint64_t key, void *val)
{
	struct sweep *w = ctx;
	struct hist *p = *(struct hist **)val;
	if (p->seen != w->h->scan)
		w->dead[w->n++] = key;
}

void hist_scan_end(struct hist_tab *h)
{
	struct sweep w = { h, NULL, 0 };
	if (!h->procs.count)
		return;
	w.dead = xcalloc(h->procs.count, sizeof *w.dead);
	kdtab_each(&h->procs, find_dead, &w);
	for (size_t i = 0; i < w.n; i++) {
		struct hist **slot = kdtab_get(&h->procs, w.dead[i]);
		free(*slot);
		kdtab_del(&h->procs, w.dead[i]);
	}
	h->st.exited += w.n;
	free(w.dead);
}

size_t hist_count(const struct hist_tab *h)
{
	return h->procs.count;
}

double hist_cpu_percent(const struct hist_tab *h, const struct hist *p, int64_t window_ns)
{
	const struct hist_sample *newest, *ref = NULL, *oldest = NULL;
	int64_t target, dt;
	if (!p || p->r[0].n < 2)
		return -1;
	newest = nth(p, 0, 0);
	if (newest->t_ns - h->first_t < window_ns - h->tol_ns)
		return -1;                  /* we have not watched that long */
	target = newest->t_ns - window_ns + h->tol_ns;
	for (int r = 0; r < 3; r++) {
		for (unsigned i = 0; i < p->r[r].n; i++) {
			const struct hist_sample *s = nth(p, r, i);
			if (s->t_ns <= target) {
				if (!ref || s->t_ns > ref->t_ns)
					ref = s;
				break;
			}
		}
		if (p->r[r].n) {
			const struct hist_sample *o = nth(p, r, p->r[r].n - 1u);
			if (!oldest || o->t_ns < oldest->t_ns)
				oldest = o;
		}
	}
	if (!ref) {
		if (p->first_scan <= 1)
			return -1;              /* watched from the start: not reached yet */
		ref = oldest;               /* started since: its whole life we saw */
	}
	dt = newest->t_ns - ref->t_ns;
	if (dt <= 0 || newest->cpu_ns < ref->cpu_ns)
		return dt <= 0 ? -1 : 0.0;
	return (double)(newest->cpu_ns - ref->cpu_ns) / (double)dt * 100.0;
}
