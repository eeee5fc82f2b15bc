/* upload_queue.c — the files waiting for delivery, in arrival order (a
 * file that failed goes to the back, so one bad file never holds up the
 * others), a set of the files known (queued or in flight, by their path
 * under the root) so a file announced twice, or announced and found by
 * --spool, is sent once; and
 * the backoff that spaces out retries. Nothing here gives up on a file:
 * the family's uploader abandons one after 5 failures (upstream.md §5, §10
 * #16), iotrc keeps it until it is delivered or the program ends. */
#include "upload.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void uq_init(struct uqueue *q)
{
	memset(q, 0, sizeof *q);
	q->nset = 256;
	q->set = xcalloc(q->nset, sizeof *q->set);
}

static size_t path_hash(const char *s, size_t nset)
{
	uint64_t h = 1469598103934665603ull;     /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)(h & (nset - 1));
}

static struct ufile **set_slot(const struct uqueue *q, const char *rel)
{
	struct ufile **p = &q->set[path_hash(rel, q->nset)];
	while (*p && strcmp((*p)->rel, rel))
		p = &(*p)->hnext;
	return p;
}

static void set_grow(struct uqueue *q)
{
	size_t n = q->nset * 2;
	struct ufile **set = xcalloc(n, sizeof *set);
	for (size_t i = 0; i < q->nset; i++)
		for (struct ufile *f = q->set[i], *nx; f; f = nx) {
			size_t h = path_hash(f->rel, n);
			nx = f->hnext;
			f->hnext = set[h];
			set[h] = f;
		}
	free(q->set);
	q->set = set;
	q->nset = n;
}

static void file_free(struct ufile *f)
{
	free(f->path);
	free(f->rel);
	free(f->key);
	free(f);
}

void uq_free(struct uqueue *q)
{
	for (size_t i = 0; i < q->nset; i++)
		for (struct ufile *f = q->set[i], *nx; f; f = nx) {
			nx = f->hnext;
			file_free(f);
		}
	free(q->set);
	memset(q, 0, sizeof *q);
}

struct ufile *uq_add(struct uqueue *q, const char *path, const char *rel, const char *key)
{
	struct ufile **slot = set_slot(q, rel), *f;
	if (*slot)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->rel = xstrdup(rel);
	f->key = xstrdup(key);
	*slot = f;
	q->known++;
	uq_requeue(q, f);
	if (q->known > q->nset)
		set_grow(q);
	return f;
}

struct ufile *uq_take(struct uqueue *q, int64_t now)
{
	for (struct ufile **p = &q->head, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
		struct ufile *f = *p;
		if (f->next_ns > now)
			continue;
		*p = f->next;
		if (q->tail == f)
			q->tail = prev;
		f->next = NULL;
		q->queued--;
		return f;
	}
	return NULL;
}

void uq_requeue(struct uqueue *q, struct ufile *f)
{
	f->next = NULL;
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
	q->queued++;
}

void uq_forget(struct uqueue *q, struct ufile *f)
{
	struct ufile **slot = set_slot(q, f->rel);
	if (*slot == f) {
		*slot = f->hnext;
		q->known--;
	}
	file_free(f);
}

int64_t uq_next_due(const struct uqueue *q)
{
	int64_t t = INT64_MAX;
	for (const struct ufile *f = q->head; f; f = f->next)
		if (f->next_ns < t)
			t = f->next_ns;
	return t;
}

int64_t backoff_ns(uint32_t failures, int64_t min_ns, int64_t max_ns, uint64_t rnd)
{
	int64_t d = min_ns, half;
	if (failures == 0 || max_ns <= 0)
		return 0;
	if (min_ns <= 0)
		d = 1;
	for (uint32_t i = 1; i < failures && d < max_ns; i++)
		d = d > INT64_MAX / 2 ? INT64_MAX : d * 2;
	if (d > max_ns)
		d = max_ns;
	half = d / 2;
	return half + (int64_t)(rnd % ((uint64_t)(d - half) + 1));
}

uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
