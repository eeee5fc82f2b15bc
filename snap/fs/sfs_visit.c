/* sfs_visit.c — the set of directories walked in this pass, by (device,
 * inode): a bind mount, a macOS firmlink or a second root that leads to a
 * directory already walked is not walked again (upstream.md §3). Open
 * addressing, 16 bytes a key, grown by doubling at half full; at its cap
 * nothing more is added (counted): then only the walker's ancestors stop
 * a loop. */
#include "sfs.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

struct visit_key {
	uint64_t ino;
	uint64_t dev1;             /* dev + 1: 0 marks an empty slot */
};

void visit_init(struct visit *v, size_t max)
{
	memset(v, 0, sizeof *v);
	v->max = max;
}

void visit_free(struct visit *v)
{
	free(v->slots);
	v->slots = NULL;
	v->size = v->count = 0;
}

void visit_clear(struct visit *v)
{
	if (v->slots)
		memset(v->slots, 0, v->size * sizeof *v->slots);
	v->count = 0;
}

static size_t slot_of(size_t size, uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ (dev * 0x9E3779B97F4A7C15ull)) * 0xff51afd7ed558ccdull;
	return (size_t)(h >> 29) & (size - 1);
}

static void put(struct visit_key *s, size_t size, uint64_t dev1, uint64_t ino)
{
	size_t i = slot_of(size, dev1, ino);
	while (s[i].dev1)
		i = (i + 1) & (size - 1);
	s[i].dev1 = dev1, s[i].ino = ino;
}

static void grow(struct visit *v)
{
	size_t n = v->size ? 2 * v->size : 1024;
	struct visit_key *s = xcalloc(n, sizeof *s);
	for (size_t i = 0; i < v->size; i++)
		if (v->slots[i].dev1)
			put(s, n, v->slots[i].dev1, v->slots[i].ino);
	free(v->slots);
	v->slots = s, v->size = n;
}

int visit_add(struct visit *v, uint64_t dev, uint64_t ino)
{
	uint64_t dev1 = dev + 1;
	if (v->size) {
		size_t i = slot_of(v->size, dev1, ino);
		while (v->slots[i].dev1) {
			if (v->slots[i].dev1 == dev1 && v->slots[i].ino == ino)
				return 1;
			i = (i + 1) & (v->size - 1);
		}
	}
	if (v->count >= v->max) {
		v->full++;
		return -1;
	}
	if (2 * (v->count + 1) > v->size)
		grow(v);
	put(v->slots, v->size, dev1, ino);
	v->count++;
	return 0;
}
