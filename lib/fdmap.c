/* fdmap.c — see fdmap.h. Entries live in one array indexed from 1 (0 is
 * "none"), chained in hash buckets and in an LRU list; values are interned
 * strings with reference counts, so memory is about 32 bytes an entry plus
 * each distinct string once. */
#include "fdmap.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

struct str {
	uint32_t refs, len, hash, next;
	char s[];
};
struct ent {
	uint64_t key;
	uint32_t str, hnext, prev, next;
	uint64_t aux;                   /* the caller's: same 32 bytes as with pad */
};
struct fdmap {
	size_t cap;
	struct ent *e;
	uint32_t nalloc, hwm, freelist, count;
	uint32_t *bucket, bmask, bmax;   /* buckets grow with the entries */
	uint32_t head, tail;            /* most / least recently used */
	struct str **sv;
	uint32_t nsv, *sfree, nsfree, *sbucket, smask, nstrings;
	uint64_t evictions;
	size_t bytes, byte_cap;        /* bytes of the interned strings */
};

static uint32_t keyhash(uint64_t k)
{
	return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32);
}

static uint32_t strhash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct fdmap *fdmap_new(size_t cap)
{
	struct fdmap *m = xcalloc(1, sizeof *m);
	size_t nb = 16;
	if (cap < 1)
		cap = 1;
	if (cap > 0x7fffffff)
		cap = 0x7fffffff;
	while (nb < cap)
		nb <<= 1;
	m->cap = cap;
	m->bmax = (uint32_t)nb;
	m->bmask = m->smask = 1023;
	m->bucket = xcalloc(1024, sizeof *m->bucket);
	m->sbucket = xcalloc(1024, sizeof *m->sbucket);
	m->nsv = 1;                     /* string id 0 = none */
	m->sv = xcalloc(1, sizeof *m->sv);
	m->hwm = 1;
	return m;
}

void fdmap_free(struct fdmap *m)
{
	if (!m)
		return;
	for (uint32_t i = 1; i < m->nsv; i++)
		free(m->sv[i]);
	free(m->sv), free(m->sfree), free(m->sbucket), free(m->bucket), free(m->e);
	free(m);
}

/* Double the bucket arrays when the load passes 1, so a small working set
 * stays in cache and a large one still finds its entries fast. */
static void grow_strings(struct fdmap *m)
{
	uint32_t nb = (m->smask + 1) * 2;
	free(m->sbucket);
	m->sbucket = xcalloc(nb, sizeof *m->sbucket);
	m->smask = nb - 1;
	for (uint32_t id = 1; id < m->nsv; id++) {
		struct str *p = m->sv[id];
		if (!p)
			continue;
		p->next = m->sbucket[p->hash & m->smask];
		m->sbucket[p->hash & m->smask] = id;
	}
}

static void grow_entries(struct fdmap *m)
{
	uint32_t nb = (m->bmask + 1) * 2;
	free(m->bucket);
	m->bucket = xcalloc(nb, sizeof *m->bucket);
	m->bmask = nb - 1;
	for (uint32_t i = m->head; i; i = m->e[i].next) {
		uint32_t *b = &m->bucket[keyhash(m->e[i].key) & m->bmask];
		m->e[i].hnext = *b;
		*b = i;
	}
}

static uint32_t str_intern(struct fdmap *m, const char *s, size_t n)
{
	uint32_t h = strhash(s, n), *b, id;
	struct str *p;
	if (m->nstrings > m->smask && m->smask + 1 < m->bmax)
		grow_strings(m);
	b = &m->sbucket[h & m->smask];
	for (id = *b; id; id = m->sv[id]->next) {
		p = m->sv[id];
		if (p->hash == h && p->len == n && memcmp(p->s, s, n) == 0) {
			p->refs++;
			return id;
		}
	}
	p = malloc(sizeof *p + n + 1);
	if (!p)
		return 0;
	p->refs = 1, p->len = (uint32_t)n, p->hash = h, p->next = *b;
	memcpy(p->s, s, n);
	p->s[n] = 0;
	if (m->nsfree)
		id = m->sfree[--m->nsfree];
	else {
		if ((m->nsv & (m->nsv - 1)) == 0) {
			m->sv = xrealloc(m->sv, 2 * (size_t)m->nsv * sizeof *m->sv);
			m->sfree = xrealloc(m->sfree, 2 * (size_t)m->nsv * sizeof *m->sfree);
		}
		id = m->nsv++;
	}
	m->sv[id] = p;
	*b = id;
	m->nstrings++;
	m->bytes += n + sizeof *p;
	return id;
}

static void str_release(struct fdmap *m, uint32_t id)
{
	struct str *p = m->sv[id];
	uint32_t *b;
	if (!id || --p->refs)
		return;
	for (b = &m->sbucket[p->hash & m->smask]; *b != id; b = &m->sv[*b]->next)
		;
	*b = p->next;
	m->bytes -= p->len + sizeof *p;
	free(p);
	m->sv[id] = NULL;
	m->sfree[m->nsfree++] = id;
	m->nstrings--;
}

static void lru_unlink(struct fdmap *m, uint32_t i)
{
	struct ent *e = &m->e[i];
	if (e->prev)
		m->e[e->prev].next = e->next;
	else
		m->head = e->next;
	if (e->next)
		m->e[e->next].prev = e->prev;
	else
		m->tail = e->prev;
	e->prev = e->next = 0;
}

static void lru_front(struct fdmap *m, uint32_t i)
{
	struct ent *e = &m->e[i];
	e->prev = 0;
	e->next = m->head;
	if (m->head)
		m->e[m->head].prev = i;
	m->head = i;
	if (!m->tail)
		m->tail = i;
}

static uint32_t *find(struct fdmap *m, uint64_t key)
{
	uint32_t *p = &m->bucket[keyhash(key) & m->bmask];
	while (*p && m->e[*p].key != key)
		p = &m->e[*p].hnext;
	return p;
}

static void remove_at(struct fdmap *m, uint32_t *link)
{
	uint32_t i = *link;
	struct ent *e = &m->e[i];
	*link = e->hnext;
	lru_unlink(m, i);
	str_release(m, e->str);
	e->str = 0;
	e->hnext = m->freelist;
	m->freelist = i;
	m->count--;
}

static uint32_t alloc_ent(struct fdmap *m)
{
	uint32_t i;
	if (m->count >= m->cap && m->tail) {          /* full: evict the LRU */
		remove_at(m, find(m, m->e[m->tail].key));
		m->evictions++;
	}
	if (m->freelist) {
		i = m->freelist;
		m->freelist = m->e[i].hnext;
		return i;
	}
	if (m->hwm >= m->nalloc) {
		size_t n = m->nalloc ? (size_t)m->nalloc * 2 : 1024;
		if (n > m->cap + 1)
			n = m->cap + 1;
		if (n <= m->hwm)
			return 0;
		m->e = xrealloc(m->e, n * sizeof *m->e);
		m->nalloc = (uint32_t)n;
	}
	return m->hwm++;
}

int fdmap_put64(struct fdmap *m, uint64_t key, const char *s, size_t n, uint64_t aux)
{
	uint32_t *link = find(m, key), i, id;
	if (n > UINT32_MAX - 64)
		return -1;
	id = str_intern(m, s, n);
	if (!id)
		return -1;
	if (*link) {
		i = *link;
		str_release(m, m->e[i].str);
		lru_unlink(m, i);
	} else {
		if (m->count > m->bmask && m->bmask + 1 < m->bmax) {
			grow_entries(m);
			link = find(m, key);
		}
		i = alloc_ent(m);
		if (!i) {
			str_release(m, id);
			return -1;
		}
		link = find(m, key);          /* eviction may have moved the chain */
		m->e[i].key = key;
		m->e[i].hnext = *link;
		*link = i;
		m->count++;
	}
	m->e[i].str = id;
	m->e[i].aux = aux;
	lru_front(m, i);
	while (m->byte_cap && m->bytes > m->byte_cap && m->tail != i) {
		remove_at(m, find(m, m->e[m->tail].key));
		m->evictions++;
	}
	return 0;
}

void fdmap_set_byte_cap(struct fdmap *m, size_t bytes) { m->byte_cap = bytes; }
size_t fdmap_bytes(const struct fdmap *m) { return m->bytes; }

int fdmap_put(struct fdmap *m, uint64_t key, const char *s, size_t n, uint32_t aux)
{
	return fdmap_put64(m, key, s, n, aux);
}

const char *fdmap_get(struct fdmap *m, uint64_t key, size_t *n, uint32_t *aux)
{
	uint64_t a;
	const char *s = fdmap_get64(m, key, n, &a);
	if (s && aux)
		*aux = (uint32_t)a;
	return s;
}

const char *fdmap_get64(struct fdmap *m, uint64_t key, size_t *n, uint64_t *aux)
{
	uint32_t i = *find(m, key);
	struct str *p;
	if (!i)
		return NULL;
	if (m->head != i) {
		lru_unlink(m, i);
		lru_front(m, i);
	}
	p = m->sv[m->e[i].str];
	if (n)
		*n = p->len;
	if (aux)
		*aux = m->e[i].aux;
	return p->s;
}

int fdmap_del(struct fdmap *m, uint64_t key)
{
	uint32_t *link = find(m, key);
	if (!*link)
		return 0;
	remove_at(m, link);
	return 1;
}

int fdmap_copy(struct fdmap *m, uint64_t src, uint64_t dst)
{
	size_t n;
	uint64_t aux;
	const char *s = fdmap_get64(m, src, &n, &aux);
	char *tmp;
	int r;
	if (!s)
		return 0;
	tmp = xmalloc(n + 1);       /* s may be freed if dst's old value was it */
	memcpy(tmp, s, n);
	r = fdmap_put64(m, dst, tmp, n, aux) == 0;
	free(tmp);
	return r;
}

size_t fdmap_size(const struct fdmap *m) { return m->count; }
uint64_t fdmap_evictions(const struct fdmap *m) { return m->evictions; }
size_t fdmap_strings(const struct fdmap *m) { return m->nstrings; }
