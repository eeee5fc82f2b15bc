/* kdtab.h — a bounded hash table from a 64-bit key to a fixed-size
 * value ("kd": keyed), for kdebug's per-thread and per-buffer state and
 * the process table of the descriptor model (pfd.c).
 * Open addressing (linear probing, backward-shift deletion); it grows up
 * to twice its cap, and at the cap it evicts an entry (clock hand) and
 * counts it. Pointers into it are valid only until the next put or del. */
#ifndef IOTRC_KDTAB_H
#define IOTRC_KDTAB_H
#include <stddef.h>
#include <stdint.h>

struct kd_tab {
	uint64_t *keys;
	unsigned char *vals;
	uint8_t *used;
	size_t vsize, size, mask, count, max, hand;
	uint64_t evictions;
	/* called with the victim before it is evicted (not on del) */
	void (*on_evict)(void *ctx, uint64_t key, void *val);
	void *ctx;
};

void kdtab_init(struct kd_tab *t, size_t vsize, size_t max);
void kdtab_free(struct kd_tab *t);
void *kdtab_get(struct kd_tab *t, uint64_t key);
/* Find or insert (zero-filled); *isnew says which. Never fails. */
void *kdtab_put(struct kd_tab *t, uint64_t key, int *isnew);
int kdtab_del(struct kd_tab *t, uint64_t key);
/* Call fn on every entry (no puts or dels inside). */
void kdtab_each(struct kd_tab *t, void (*fn)(void *ctx, uint64_t key, void *val), void *ctx);
#endif
