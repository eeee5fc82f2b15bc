/* sfs_walk.c — one pass over the roots (sfs.h). Depth first, one open
 * directory per level with a buffer of its unread entries, so memory
 * grows with the depth and the visited set, never with a directory's
 * size or the tree's. Symlinks are rows, never followed; files are never
 * opened. A directory on another device is a mount: with --one-file-system
 * it is not entered, and a pseudo or network file system is entered only
 * when asked. Each directory is walked once a pass (visited set; its
 * ancestors alone stop a loop should the set be full). A stop (signal,
 * time limit) is checked every few hundred entries; what was written
 * stays whole, and stopped_at says where the walk was. */
#include "sfs.h"
#include "csv.h"
#include "loop.h"
#include "mono.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

struct level {
	struct sfs_dir *dir;
	size_t pathlen;            /* this directory's path: w->path[0, pathlen) */
	uint64_t dev, ino;
	int quote;                 /* that path starts with a space or holds a
	                            * byte that makes a CSV field quoted */
};

struct pass {
	struct walker *w;
	struct level *lev;
	size_t n, cap, max;
	uint64_t ticks;
};

/* Shallow directories read many entries a call; deep ones, rarely more
 * than a few open at once, little memory each. */
static size_t bufsize_for(size_t depth)
{
	return depth < 32 ? 32768 : 4096;
}

void walk_init(struct walker *w, const struct walk_opts *o, struct obuf *out)
{
	memset(w, 0, sizeof *w);
	w->o = *o;
	w->row.out = out;
	w->row.anon = o->anon;
	walltz_init(&w->row.tz);
	visit_init(&w->visited, o->max_dirs);
	w->pathcap = 4096;
	w->path = xmalloc(w->pathcap);
}

void walk_free(struct walker *w)
{
	visit_free(&w->visited);
	free(w->path);
	free(w->stopped_at);
	free(w->row.abuf);
}

static void path_room(struct walker *w, size_t need)
{
	if (need > w->pathcap) {
		while (w->pathcap < need)
			w->pathcap *= 2;
		w->path = xrealloc(w->path, w->pathcap);
	}
}

/* Stop asked (the stop fd is readable) or the time is up. */
static int stop_due(struct walker *w)
{
	struct pollfd p = { w->o.stop_fd, POLLIN, 0 };
	if (w->o.tick)
		w->o.tick(w->o.tick_ctx);
	if (w->o.stop_fd >= 0 && poll(&p, 1, 0) > 0)
		return WALK_STOPPED_SIGNAL;
	if (w->o.deadline != LOOP_NEVER && mono_now_ns() >= w->o.deadline)
		return WALK_STOPPED_TIME;
	return WALK_DONE;
}

/* Where the pass stopped: the directory being read (s, n), "/" for the
 * root directory. */
static void stop_at(struct walker *w, const char *s, size_t n, int why)
{
	if (!n)
		s = "/", n = 1;
	free(w->stopped_at);
	w->stopped_at = xmalloc(n + 1);
	memcpy(w->stopped_at, s, n);
	w->stopped_at[n] = 0;
	w->stop_why = why;
}

static int included(const struct walk_opts *o, const char *type)
{
	for (const char *const *t = o->include_fs; t && *t; t++)
		if (!strcmp(*t, type))
			return 1;
	return 0;
}

/* A directory on another device: 1 to enter it. */
static int cross_ok(struct pass *p, const struct level *lv, const struct sfs_ent *e, size_t plen)
{
	struct walker *w = p->w;
	char type[64];
	int c;
	if (w->o.one_fs) {
		w->st.mounts_other_dev++;
		return 0;
	}
	if (w->o.all_fs)
		return 1;
	if (sfs_fstype(e->st.dev, sfs_dir_fd(lv->dir), e->name, type, sizeof type) < 0)
		return 1;                   /* unknown: a local disk is likelier */
	c = fstype_class(type);
	if (c == FS_LOCAL || included(&w->o, type))
		return 1;
	w->st.mounts_skipped++;
	if (w->o.verbose)
		warnmsg("%.*s: %s file system (%s): not walked", (int)plen, w->path,
		        fstype_class_name(c), type);
	return 0;
}

static void push(struct pass *p, struct sfs_dir *d, size_t pathlen, uint64_t dev, uint64_t ino,
                 int quote)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->lev = xrealloc(p->lev, p->cap * sizeof *p->lev);
	}
	p->lev[p->n++] = (struct level){ d, pathlen, dev, ino, quote };
	p->w->st.dirs++;
}

static void count_open_error(struct walker *w, size_t plen, int err)
{
	if (err == EACCES || err == EPERM)
		w->st.dirs_unreadable++;
	else if (err == ENOENT || err == ENOTDIR)
		w->st.vanished++;
	else
		w->st.read_errors++;
	if (w->o.verbose || (err != EACCES && err != EPERM && err != ENOENT && err != ENOTDIR))
		warnmsg("%.*s: %s", (int)plen, plen ? w->path : "/", strerror(err));
}

/* Enter directory entry e of the top level, its path w->path[0, plen). */
static void enter(struct pass *p, const struct sfs_ent *e, size_t plen, int quote)
{
	struct walker *w = p->w;
	const struct level *lv = &p->lev[p->n - 1];
	struct sfs_dir *d;
	int k;
	if (e->st.dev != lv->dev && !cross_ok(p, lv, e, plen))
		return;
	for (size_t i = 0; i < p->n; i++)
		if (p->lev[i].dev == e->st.dev && p->lev[i].ino == e->st.ino) {
			w->st.dirs_repeated++;      /* a loop (a bind mount of an ancestor) */
			return;
		}
	if ((k = visit_add(&w->visited, e->st.dev, e->st.ino)) == 1) {
		w->st.dirs_repeated++;
		return;
	}
	if (p->n >= p->max) {
		w->st.too_deep++;
		if (w->st.too_deep == 1)
			warnmsg("%.*s: deeper than %zu directories: not walked", (int)plen, w->path, p->max);
		return;
	}
	w->path[plen] = 0;
	d = sfs_dir_open(sfs_dir_fd(lv->dir), e->name, bufsize_for(p->n));
	if (!d) {
		count_open_error(w, plen, errno);
		return;
	}
	push(p, d, plen, e->st.dev, e->st.ino, quote);
}

static void entry(struct pass *p, const struct sfs_ent *e)
{
	struct walker *w = p->w;
	const struct level *lv = &p->lev[p->n - 1];
	size_t plen = lv->pathlen + 1 + e->namelen;
	int quote = lv->quote || csv_has_special(e->name, e->namelen);   /* the path's so far */
	path_room(w, plen + 1);
	w->path[lv->pathlen] = '/';
	memcpy(w->path + lv->pathlen + 1, e->name, e->namelen);
	if (!e->stat_ok) {
		if (e->err == 0)
			w->st.others++;             /* a device, fifo or socket */
		else if (e->err == ENOENT)
			w->st.vanished++;
		else
			w->st.read_errors++;
		return;
	}
	switch (e->st.kind) {
	case SFS_REG:
	case SFS_LNK:
		row_write(&w->row, w->path, plen, quote || e->name[e->namelen - 1] == ' ', &e->st);
		w->st.rows++;
		break;
	case SFS_DIR:
		enter(p, e, plen, quote);
		break;
	default:
		w->st.others++;
	}
}

static void pop(struct pass *p)
{
	sfs_dir_close(p->lev[--p->n].dir);
}

/* The root itself: a file or symlink is one row; a directory is walked. */
static int walk_root(struct pass *p, const char *root)
{
	struct walker *w = p->w;
	struct sfs_stat st;
	struct sfs_ent e;
	struct sfs_dir *d;
	size_t n = strlen(root);
	int why = WALK_DONE;
	while (n > 1 && root[n - 1] == '/')
		n--;
	path_room(w, n + 1);
	memcpy(w->path, root, n);
	w->path[n] = 0;
	if (sfs_stat_at(AT_FDCWD, w->path, &st) < 0) {
		w->st.root_errors++;
		warnerr("%s", root);
		return WALK_DONE;
	}
	if (st.kind == SFS_REG || st.kind == SFS_LNK) {
		row_write(&w->row, w->path, n, -1, &st);
		w->st.rows++;
		return WALK_DONE;
	}
	if (st.kind != SFS_DIR)
		return WALK_DONE;
	if (visit_add(&w->visited, st.dev, st.ino) == 1) {
		w->st.dirs_repeated++;          /* under a root walked before */
		return WALK_DONE;
	}
	if (!(d = sfs_dir_open(AT_FDCWD, w->path, bufsize_for(0)))) {
		count_open_error(w, n, errno);
		return WALK_DONE;
	}
	push(p, d, n == 1 && root[0] == '/' ? 0 : n, st.dev, st.ino,
	     w->path[0] == ' ' || csv_has_special(w->path, n));
	while (p->n) {
		int k;
		if ((++p->ticks & 511) == 0 && (why = stop_due(w)) != WALK_DONE) {
			stop_at(w, w->path, p->lev[p->n - 1].pathlen, why);
			break;
		}
		k = sfs_dir_next(p->lev[p->n - 1].dir, &e);
		if (k > 0) {
			entry(p, &e);
			continue;
		}
		if (k < 0) {                    /* the directory went bad while read */
			w->st.read_errors++;
			warnmsg("%.*s: %s", (int)p->lev[p->n - 1].pathlen, w->path, strerror(errno));
		}
		pop(p);
	}
	while (p->n)
		pop(p);
	return why;
}

int walk_pass(struct walker *w, const char *const *roots, size_t nroots)
{
	struct pass p = { w, NULL, 0, 0, 0, 0 };
	struct wallfmt wf;
	char ts[32];
	long nofile = sfs_raise_nofile();
	int why = WALK_DONE;
	p.max = w->o.max_depth;
	if (nofile > 64 && (size_t)(nofile - 32) < p.max)
		p.max = (size_t)(nofile - 32);
	w->st.passes++;
	w->stop_why = WALK_DONE;
	visit_clear(&w->visited);
	sfs_mounts_load();
	wall_init(&wf);
	wall_fmt_ms(&wf, wall_now_ns(), ts);
	row_pass(&w->row, ts, mono_now_ns());
	for (size_t i = 0; i < nroots; i++) {
		if (i && (why = stop_due(w)) != WALK_DONE) {
			stop_at(w, roots[i], strlen(roots[i]), why);   /* before this root */
			break;
		}
		if ((why = walk_root(&p, roots[i])) != WALK_DONE)
			break;
	}
	if (why != WALK_DONE)
		w->st.passes_stopped++;
	w->st.visited = w->visited.count > w->st.visited ? w->visited.count : w->st.visited;
	w->st.visited_full = w->visited.full;
	free(p.lev);
	return why;
}
