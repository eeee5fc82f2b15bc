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

static void put_time(struct row_ctx *c, int64_t s, int32_t ns)
{
	char b[32];
	int64_t sec;
	int32_t us;
	py_fromtimestamp(py_stat_time(s, ns), &sec, &us);
	csv_raw(c->out, b, wall_fmt_py(&c->tz, sec, us, b));
}

void row_write(struct row_ctx *c, const char *path, size_t n, const struct sfs_stat *st)
{
	struct obuf *o = c->out;
	char b[512];
	size_t k;
	csv_raw(o, c->ts, strlen(c->ts));
	if (c->anon) {
		if (c->acap < 2 * n + 16) {
			c->acap = 2 * n + 64;
			c->abuf = xrealloc(c->abuf, c->acap);
		}
		csv_str(o, c->abuf, anon_path(path, n, c->abuf, c->acap));
	} else {
		csv_str(o, path, n);
	}
	csv_u64(o, st->size);
	if (st->has_btime)
		put_time(c, st->btime_s, st->btime_ns);
	else
		put_time(c, st->mtime_s, st->mtime_ns);
	put_time(c, st->mtime_s, st->mtime_ns);
	put_time(c, st->atime_s, st->atime_ns);
	csv_u64(o, st->phys);
	csv_u64(o, st->ino);
	k = fmt_u64(b, st->dev_major);
	b[k++] = ':';
	k += fmt_u64(b + k, st->dev_minor);
	csv_raw(o, b, k);
	csv_u64(o, st->nlink);
	k = !st->flags ? 0 : st->flags_statx ? row_flags_linux(st->flags, b) : row_flags_darwin(st->flags, b);
	csv_raw(o, b, k);
	csv_s64(o, c->mono_ns);
	csv_end(o);
}
