/* kdtab.c — see kdtab.h. */
#include "kdtab.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static size_t slot_of(const struct kd_tab *t, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & t->mask;
}

static void alloc_arrays(struct kd_tab *t, size_t size)
{
	t->size = size;
	t->mask = size - 1;
	t->keys = xcalloc(size, sizeof *t->keys);
	t->vals = xcalloc(size, t->vsize);
	t->used = xcalloc(size, 1);
}

void kdtab_init(struct kd_tab *t, size_t vsize, size_t max)
{
	memset(t, 0, sizeof *t);
	t->vsize = vsize;
	t->max = max < 1 ? 1 : max;
	alloc_arrays(t, 16);
}

void kdtab_free(struct kd_tab *t)
{
	free(t->keys), free(t->vals), free(t->used);
	t->keys = NULL, t->vals = NULL, t->used = NULL;
}

static size_t find(const struct kd_tab *t, uint64_t key, int *found)
{
	size_t i = slot_of(t, key);
	while (t->used[i]) {
		if (t->keys[i] == key) {
			*found = 1;
			return i;
		}
		i = (i + 1) & t->mask;
	}
	*found = 0;
	return i;
}

void *kdtab_get(struct kd_tab *t, uint64_t key)
{
	int found;
	size_t i = find(t, key, &found);
	return found ? t->vals + i * t->vsize : NULL;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void remove_at(struct kd_tab *t, size_t i)
{
	size_t j = i;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->used[j])
			break;
		size_t home = slot_of(t, t->keys[j]);
		/* move j back to i if home is not cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->keys[i] = t->keys[j];
			memcpy(t->vals + i * t->vsize, t->vals + j * t->vsize, t->vsize);
			i = j;
		}
	}
	t->used[i] = 0;
	t->count--;
}

int kdtab_del(struct kd_tab *t, uint64_t key)
{
	int found;
	size_t i = find(t, key, &found);
	if (!found)
		return 0;
	remove_at(t, i);
	return 1;
}

static void grow(struct kd_tab *t)
{
	uint64_t *ok = t->keys;
	unsigned char *ov = t->vals;
	uint8_t *ou = t->used;
	size_t on = t->size;
	int found;
	alloc_arrays(t, on * 2);
	for (size_t i = 0; i < on; i++) {
		if (!ou[i])
			continue;
		size_t j = find(t, ok[i], &found);
		t->used[j] = 1;
		t->keys[j] = ok[i];
		memcpy(t->vals + j * t->vsize, ov + i * t->vsize, t->vsize);
	}
	free(ok), free(ov), free(ou);
}

static void evict_one(struct kd_tab *t)
{
	while (!t->used[t->hand & t->mask])
		t->hand++;
	size_t i = t->hand++ & t->mask;
	if (t->on_evict)
		t->on_evict(t->ctx, t->keys[i], t->vals + i * t->vsize);
	remove_at(t, i);
	t->evictions++;
}

void *kdtab_put(struct kd_tab *t, uint64_t key, int *isnew)
{
	int found;
	size_t i = find(t, key, &found);
	if (found) {
		*isnew = 0;
		return t->vals + i * t->vsize;
	}
	if (t->count >= t->max) {
		evict_one(t);
		i = find(t, key, &found);
	} else if (2 * (t->count + 1) > t->size) {
		grow(t);
		i = find(t, key, &found);
	}
	t->used[i] = 1;
	t->keys[i] = key;
	memset(t->vals + i * t->vsize, 0, t->vsize);
	t->count++;
	*isnew = 1;
	return t->vals + i * t->vsize;
}

void kdtab_each(struct kd_tab *t, void (*fn)(void *ctx, uint64_t key, void *val), void *ctx)
{
	for (size_t i = 0; i < t->size; i++)
		if (t->used[i])
			fn(ctx, t->keys[i], t->vals + i * t->vsize);
}
