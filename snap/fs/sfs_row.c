/* sfs_row.c — one filesystem_snapshot row, cell by cell as upstream
 * writes it (upstream.md §3): snapshot_timestamp and mono_ns of the
 * pass's start; file_path as walked (-a: keyed hash of every component,
 * a short plain extension kept, as iotrc-parse -a); size st_size;
 * creation_time the birth time where the OS keeps one, else mtime, then
 * modification_time and access_time, all Python's str(datetime) of
 * os.stat's float; physical_size st_blocks * 512; inode; device
 * "major:minor"; nlinks; flags decoded. */
#include "sfs.h"
#include "anon.h"
#include "csv.h"
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

struct flagname {
	uint64_t bit;
	const char *name;
};

/* xnu bsd/sys/stat.h, in upstream's order and selection (utils.py) */
static const struct flagname darwin_flags[] = {
	{ 0x00000001, "UF_NODUMP" }, { 0x00000002, "UF_IMMUTABLE" }, { 0x00000004, "UF_APPEND" },
	{ 0x00000008, "UF_OPAQUE" }, { 0x00000020, "UF_COMPRESSED" }, { 0x00000040, "UF_TRACKED" },
	{ 0x00000080, "UF_DATAVAULT" }, { 0x00008000, "UF_HIDDEN" }, { 0x00010000, "SF_ARCHIVED" },
	{ 0x00020000, "SF_IMMUTABLE" }, { 0x00040000, "SF_APPEND" }, { 0x00080000, "SF_RESTRICTED" },
	{ 0x00100000, "SF_NOUNLINK" }, { 0x00200000, "SF_SNAPSHOT" }, { 0x00800000, "SF_FIRMLINK" },
	{ 0x40000000, "SF_DATALESS" }, { 0, NULL },
};

/* Linux has no st_flags; statx(2) reports the inode flags chattr(1) sets
 * (include/uapi/linux/stat.h STATX_ATTR_*), named so. */
static const struct flagname linux_attrs[] = {
	{ 0x00000004, "STATX_ATTR_COMPRESSED" }, { 0x00000010, "STATX_ATTR_IMMUTABLE" },
	{ 0x00000020, "STATX_ATTR_APPEND" }, { 0x00000040, "STATX_ATTR_NODUMP" },
	{ 0x00000800, "STATX_ATTR_ENCRYPTED" }, { 0x00001000, "STATX_ATTR_AUTOMOUNT" },
	{ 0x00002000, "STATX_ATTR_MOUNT_ROOT" }, { 0x00100000, "STATX_ATTR_VERITY" },
	{ 0x00200000, "STATX_ATTR_DAX" }, { 0, NULL },
};

static size_t decode(const struct flagname *t, uint64_t flags, char *out)
{
	size_t n = 0;
	uint64_t rest = flags;
	for (; t->name; t++)
		if (flags & t->bit) {
			size_t k = strlen(t->name);
			if (n)
				out[n++] = '|';
			memcpy(out + n, t->name, k);
			n += k;
			rest &= ~t->bit;
		}
	if (rest)
		n += (size_t)snprintf(out + n, 24, "%s0x%08llx", n ? "|" : "", (unsigned long long)rest);
	out[n] = 0;
	return n;
}

size_t row_flags_darwin(uint64_t flags, char *out)
{
	return decode(darwin_flags, flags, out);
}

size_t row_flags_linux(uint64_t attrs, char *out)
{
	return decode(linux_attrs, attrs, out);
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
		p += st->flags_statx ? row_flags_linux(st->flags, p) : row_flags_darwin(st->flags, p);
	memcpy(p, c->tail, c->taillen);
	p += c->taillen;
	ob_put_fast(o, b, (size_t)(p - b));
	o->nfield = 0;
}
