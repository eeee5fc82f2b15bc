/* sfs_row.c — one filesystem_snapshot row, cell by cell as upstream
 * writes it (upstream.md §3): snapshot_timestamp and mono_ns of the
 * pass's start; file_path as walked (-a: keyed hash of every component,
 * a short plain extension kept, as iotrc-parse -a); size st_size;
 * creation_time the birth time where the OS keeps one, else mtime, then
 * modification_time and access_time, all Python's str(datetime) of
 * os.stat's float; physical_size st_blocks * 512; inode; device
 * "major:minor"; nlinks; flags decoded (lib/decode.c dec_stflags). */
#include "sfs.h"
#include "anon.h"
#include "csv.h"
#include "decode.h"
#include "pyfmt.h"
#include "schema.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

void row_header(struct obuf *o)
{
	const char *h = schema_header(schema_find("filesystem_snapshot"));
	ob_put(o, h, strlen(h));
	ob_putc(o, '\n');
}

void row_pass(struct row_ctx *c, const char *ts, int64_t mono_ns)
{
	size_t n = strlen(ts);
	if (n > sizeof c->head - 2)
		n = sizeof c->head - 2;
	memcpy(c->head, ts, n);
	c->head[n] = ',';
	c->headlen = n + 1;
	c->tail[0] = ',';
	c->taillen = 1 + fmt_s64(c->tail + 1, mono_ns);
	c->tail[c->taillen++] = '\n';
}

/* A time cell at p (27 bytes of room); returns its end. The cell of the
 * last time is kept: a file's three times are often the same (created
 * empty, or copied by tar, cp -p, rsync), and so are a directory's. */
static char *put_time(struct row_ctx *c, char *p, int64_t s, int32_t ns)
{
	int64_t sec;
	int32_t us;
	if (c->t_len && s == c->t_s && ns == c->t_ns) {
		memcpy(p, c->t_cell, sizeof c->t_cell - 1);
		return p + c->t_len;
	}
	py_fromtimestamp(py_stat_time(s, ns), &sec, &us);
	c->t_len = wall_fmt_py(&c->tz, sec, us, p);
	c->t_s = s, c->t_ns = ns;
	memcpy(c->t_cell, p, sizeof c->t_cell - 1);
	return p + c->t_len;
}

/* Room for every cell but the path: four numbers (20 digits), three
 * times (26), the device (21), the flags (< 512), mono_ns, the commas. */
#define ROW_ROOM 1024

void row_write(struct row_ctx *c, const char *path, size_t n, int quote, const struct sfs_stat *st)
{
	struct obuf *o = c->out;
	char b[ROW_ROOM], *p = b;
	if (c->anon) {
		if (c->acap < 2 * n + 16) {
			c->acap = 2 * n + 64;
			c->abuf = xrealloc(c->abuf, c->acap);
		}
		n = anon_path(path, n, c->abuf, c->acap);
		path = c->abuf, quote = -1;
	}
	if (quote < 0)
		quote = csv_needs_quotes(path, n);
	ob_put_fast(o, c->head, c->headlen);
	if (quote)
		csv_quoted(o, path, n);
	else
		ob_put_fast(o, path, n);
	*p++ = ',';
	p += fmt_u64(p, st->size);
	*p++ = ',';
	p = st->has_btime ? put_time(c, p, st->btime_s, st->btime_ns) : put_time(c, p, st->mtime_s, st->mtime_ns);
	*p++ = ',';
	p = put_time(c, p, st->mtime_s, st->mtime_ns);
	*p++ = ',';
	p = put_time(c, p, st->atime_s, st->atime_ns);
	*p++ = ',';
	p += fmt_u64(p, st->phys);
	*p++ = ',';
	p += fmt_u64(p, st->ino);
	*p++ = ',';
	if (!c->devlen || st->dev_major != c->dev_major || st->dev_minor != c->dev_minor) {
		c->devlen = fmt_u64(c->dev, st->dev_major);
		c->dev[c->devlen++] = ':';
		c->devlen += fmt_u64(c->dev + c->devlen, st->dev_minor);
		c->dev_major = st->dev_major, c->dev_minor = st->dev_minor;
	}
	memcpy(p, c->dev, c->devlen);
	p += c->devlen;
	*p++ = ',';
	p += fmt_u64(p, st->nlink);
	*p++ = ',';
	if (st->flags)
		p += dec_stflags(st->flags_statx ? OS_LINUX : OS_DARWIN, st->flags, p);
	memcpy(p, c->tail, c->taillen);
	p += c->taillen;
	ob_put_fast(o, b, (size_t)(p - b));
	o->nfield = 0;
}
