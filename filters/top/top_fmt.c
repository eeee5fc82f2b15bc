/* top_fmt.c — what every view shares: the sort keys, the sorted lists of
 * processes and of a process's files, human sizes, and names made safe
 * for a terminal or a text table (paths are whatever bytes a program
 * passed: an escape sequence in a file name must not drive the terminal). */
#include "top.h"
#include "json.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const top_sort_names[SORT_N] = { "total", "rate", "read", "write", "ops" };

int top_sort_parse(const char *s)
{
	for (int i = 0; i < SORT_N; i++)
		if (strcmp(s, top_sort_names[i]) == 0)
			return i;
	return -1;
}

struct keyed {
	double key, total;
	uint64_t tie;                 /* process id, or the file's place */
	const void *p;
};

static double key_of(const struct top *t, const struct tent *e, enum top_sort by)
{
	double r, w;
	switch (by) {
	case SORT_RATE:
		top_rates(t, e, &r, &w);
		return r + w;
	case SORT_READ:
		return (double)e->c.rbytes;
	case SORT_WRITE:
		return (double)e->c.wbytes;
	case SORT_OPS:
		return (double)e->c.ops;
	default:
		return (double)(e->c.rbytes + e->c.wbytes);
	}
}

/* Biggest first; then by total bytes; then the oldest first, so rows do
 * not swap places between refreshes. */
static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

/* needle in s[0..n), ASCII letters in either case */
static int has_icase(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && lower(s[i + j]) == lower(needle[j]))
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

static size_t sort_out(struct keyed *k, size_t n, void ***out)
{
	void **v = xmalloc((n ? n : 1) * sizeof *v);
	qsort(k, n, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < n; i++)
		v[i] = (void *)k[i].p;
	free(k);
	*out = v;
	return n;
}

size_t top_list_procs(const struct top *t, enum top_sort by, const char *filter,
                      struct tproc ***out)
{
	struct keyed *k = xmalloc((t->nprocs ? t->nprocs : 1) * sizeof *k);
	size_t n = 0;
	char pidtxt[16];
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct tproc *p = t->procs[i];
		if (filter && *filter) {
			size_t m = (size_t)snprintf(pidtxt, sizeof pidtxt, "%u", p->pid);
			if (!has_icase(p->name, p->cmdlen, filter) &&
			    !(strlen(filter) == m && strcmp(filter, pidtxt) == 0))
				continue;
		}
		k[n].key = key_of(t, &p->e, by);
		k[n].total = (double)(p->e.c.rbytes + p->e.c.wbytes);
		k[n].tie = p->id;
		k[n].p = p;
		n++;
	}
	return sort_out(k, n, (void ***)out);
}

size_t top_list_files(const struct top *t, const struct tproc *p, enum top_sort by,
                      struct tfile ***out)
{
	struct keyed *k = xmalloc((p->nfiles ? p->nfiles : 1) * sizeof *k);
	size_t n = 0;
	/* the list is newest first: the tie keeps the oldest first */
	for (const struct tfile *f = p->files; f; f = f->pnext, n++) {
		k[n].key = key_of(t, &f->e, by);
		k[n].total = (double)(f->e.c.rbytes + f->e.c.wbytes);
		k[n].tie = p->nfiles - n;
		k[n].p = f;
	}
	return sort_out(k, n, (void ***)out);
}

void fmt_human(char *out, double v)
{
	static const char unit[] = "KMGTPE";
	int u = -1;
	if (v < 99999.5) {
		snprintf(out, 16, "%.0f", v);
		return;
	}
	while (v >= 999.95 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(out, 16, v < 9.995 ? "%.2f%c" : v < 99.95 ? "%.1f%c" : "%.0f%c", v, unit[u]);
}

size_t fmt_safe(char *out, const char *s, size_t n, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, c = 0, total = fmt_cols(s, n);
	if (!cols)
		return out[0] = 0, 0;
	while (i < n) {
		size_t k = p[i] < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
		if (total > cols && c == cols - 1) {
			out[o++] = '~';
			break;
		}
		if (k <= 1) {
			out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
			i++;
		} else {
			/* C1 controls (U+0080..U+009F) are control characters too */
			if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)
				out[o++] = '?';
			else
				memcpy(out + o, p + i, k), o += k;
			i += k;
		}
		c++;
	}
	out[o] = 0;
	return o;
}

size_t fmt_cols(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, c = 0;
	while (i < n) {
		size_t k = p[i] < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
		i += k ? k : 1;
		c++;
	}
	return c;
}
