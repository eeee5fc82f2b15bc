/* ssys_util.c — what both OSes' gatherers share: string lists, the
 * partition list, and psutil.disk_usage() (statvfs(3): total = f_blocks,
 * used = f_blocks - f_bfree, free = f_bavail, each times f_frsize). */
#include "ssys.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

void ssys_strs_add(struct strs *s, const char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = xstrdup(str);
}

void ssys_strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

int ssys_usage(struct part *p)
{
	struct statvfs v;
	if (statvfs(p->mountpoint, &v) < 0)
		return -1;
	p->total = (uint64_t)v.f_blocks * v.f_frsize;
	p->used = p->total - (uint64_t)v.f_bfree * v.f_frsize;
	p->free = (uint64_t)v.f_bavail * v.f_frsize;
	p->have_usage = 1;
	return 0;
}

void ssys_parts_free(struct parts *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].device), free(p->v[i].mountpoint);
		free(p->v[i].fstype), free(p->v[i].opts);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

struct part *ssys_parts_add(struct parts *p, const char *device, const char *mountpoint,
                            const char *fstype, const char *opts)
{
	struct part *q;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	q = &p->v[p->n++];
	memset(q, 0, sizeof *q);
	q->device = xstrdup(device);
	q->mountpoint = xstrdup(mountpoint);
	q->fstype = xstrdup(fstype);
	q->opts = xstrdup(opts);
	return q;
}
