/* fdmap.h — bounded maps from a 64-bit key to a short string, with LRU
 * eviction (counted). Used for (pid, fd) -> path, pid -> cwd and
 * pid -> cmdline. Strings are interned and shared between entries, so a
 * million descriptors naming a few thousand files stay small. */
#ifndef IOTRC_FDMAP_H
#define IOTRC_FDMAP_H
#include <stddef.h>
#include <stdint.h>

struct fdmap;
struct fdmap *fdmap_new(size_t cap);
/* Also bound the bytes of the strings held (0: no limit): the least
 * recently used entries go until the total fits. */
void fdmap_set_byte_cap(struct fdmap *m, size_t bytes);
size_t fdmap_bytes(const struct fdmap *m);
void fdmap_free(struct fdmap *m);
/* Insert or replace. aux is the caller's (e.g. O_CLOEXEC). 0 ok, -1 ENOMEM. */
int fdmap_put(struct fdmap *m, uint64_t key, const char *s, size_t n, uint32_t aux);
/* Lookup; touches the entry. Returns NULL when absent. */
const char *fdmap_get(struct fdmap *m, uint64_t key, size_t *n, uint32_t *aux);
/* The same with a 64-bit aux (room for a serial number that never wraps). */
int fdmap_put64(struct fdmap *m, uint64_t key, const char *s, size_t n, uint64_t aux);
const char *fdmap_get64(struct fdmap *m, uint64_t key, size_t *n, uint64_t *aux);
int fdmap_del(struct fdmap *m, uint64_t key);  /* 1 if it was there */
/* Copy key src's value to dst. 1 if copied. */
int fdmap_copy(struct fdmap *m, uint64_t src, uint64_t dst);
size_t fdmap_size(const struct fdmap *m);
uint64_t fdmap_evictions(const struct fdmap *m);
size_t fdmap_strings(const struct fdmap *m);
static inline uint64_t fdmap_key(uint32_t pid, int32_t fd)
{
	return ((uint64_t)pid << 32) | (uint32_t)fd;
}
#endif
