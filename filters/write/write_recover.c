/* write_recover.c — at start, finish the temporary files a killed writer
 * of this prefix left in DIR. Each is read once: a .csv.zst frame by frame
 * (lib/zframe.c says where each ends; each is decoded, so its checksum is
 * verified), a .csv row by row (rows framed by lib/csvscan.c); it is
 * cut after the last whole frame (or row), synced, renamed and announced
 * like any finished file. Everything the dead writer had flushed is in a
 * whole frame, so nothing it flushed is lost. A file with no complete data
 * row (killed before its first flush) is removed. */
#include "write.h"
#include "util.h"
#include "zframe.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

struct scan {
	uint64_t off, good_off;       /* bytes read; end of the last whole unit */
	uint64_t rows, good_rows;     /* rows (header included) */
	struct csvscan cs;            /* rows are framed as iotrc-write frames them */
	int bad;                      /* stopped at a torn or corrupt frame */
};

/* Count the rows that end in p[0..n); with good, each row end is also the
 * end of the good part (plain files: off is where p starts). */
static void count_rows(struct scan *s, const char *p, size_t n, int good)
{
	size_t i = 0;
	while (i < n) {
		i += csvscan_feed(&s->cs, p + i, n - i);
		if (i == n)
			break;
		s->rows++;
		if (good)
			s->good_rows = s->rows, s->good_off = s->off + i + 1;
		i++;
	}
}

static void scan_plain(int fd, struct scan *s, char *buf, size_t cap)
{
	ssize_t n;
	while ((n = read(fd, buf, cap)) > 0) {
		count_rows(s, buf, (size_t)n, 1);
		s->off += (uint64_t)n;
	}
}

/* Decode p[0..n), a piece of one frame (its end when end is set), and
 * count the rows in it. The decoder must find the frame's end where the
 * walker found it; its checksum is verified there. */
static int decode(struct scan *s, ZSTD_DStream *ds, char *obuf, size_t ocap,
                  const char *p, size_t n, int end)
{
	ZSTD_inBuffer in = { p, n, 0 };
	for (;;) {
		ZSTD_outBuffer out = { obuf, ocap, 0 };
		size_t rc = ZSTD_decompressStream(ds, &out, &in);
		if (ZSTD_isError(rc))
			return -1;
		count_rows(s, obuf, out.pos, 0);
		if (rc == 0)
			return end && in.pos == in.size ? 0 : -1;
		if (in.pos == in.size && out.pos < out.size)
			return end ? -1 : 0;
	}
}

/* Frame after frame (lib/zframe.c finds where each ends); a frame counts
 * only if it decodes with a good checksum and ends at the end of a row
 * (every flush does). */
static void scan_zst(int fd, struct scan *s, char *ibuf, size_t icap)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	size_t ocap = ZSTD_DStreamOutSize();
	char *obuf = xmalloc(ocap);
	struct zframe z;
	ssize_t n;
	if (!ds)
		die(1, "zstd: cannot create a decompression context");
	/* ours use <= 23; a hostile leftover must not make us allocate more */
	if (ZSTD_isError(ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 24)))
		die(1, "zstd: cannot limit the window size");
	zframe_init(&z);
	while (!s->bad && (n = read(fd, ibuf, icap)) > 0) {
		size_t pos = 0, used;
		while (pos < (size_t)n) {
			int r = zframe_walk(&z, ibuf + pos, (size_t)n - pos, &used);
			if (r == ZF_BAD ||
			    decode(s, ds, obuf, ocap, ibuf + pos, used, r == ZF_END) < 0 ||
			    (r == ZF_END && s->cs.st != CSVS_ROW)) {  /* not at a row's end */
				s->bad = 1;
				break;
			}
			pos += used;
			if (r == ZF_END)
				s->good_off = s->off + pos, s->good_rows = s->rows;
		}
		s->off += (uint64_t)n;
	}
	free(obuf);
	ZSTD_freeDStream(ds);
}

void recover_scan(int fd, int zst, uint64_t *good_off, uint64_t *good_rows)
{
	struct scan s;
	size_t cap = 128 * 1024;
	char *buf = xmalloc(cap);
	memset(&s, 0, sizeof s);
	csvscan_init(&s.cs);
	if (zst)
		scan_zst(fd, &s, buf, cap);
	else
		scan_plain(fd, &s, buf, cap);
	free(buf);
	*good_off = s.good_off;
	*good_rows = s.good_rows;
}

static int finish_recovered(struct writer *w, int fd, const char *name, const char *final,
                            const struct scan *s)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		sb.st_size = (off_t)s->good_off;
	if (faccessat(w->dirfd, final, F_OK, 0) == 0) {
		warnmsg("%s/%s: not recovered: %s exists", w->cfg.dir, name, final);
		return -1;
	}
	if (ftruncate(fd, (off_t)s->good_off) < 0 || wsync_full(fd) < 0 ||
	    renameat(w->dirfd, name, w->dirfd, final) < 0) {
		wdir_error(w, name, errno);
		warnmsg("%s; not recovered", w->lasterr);
		return -1;
	}
	(void)wdir_sync(w);
	wdir_announce(w, final);
	w->st.files_recovered++;
	w->st.files_finished++;
	w->st.rows_recovered += s->good_rows - 1;
	warnmsg("%s/%s: recovered %llu rows (%llu bytes cut off)", w->cfg.dir, final,
	        (unsigned long long)(s->good_rows - 1),
	        (unsigned long long)((uint64_t)sb.st_size - s->good_off));
	return 0;
}

static void recover_one(struct writer *w, const char *name, const char *final, int zst)
{
	struct scan s;
	int fd = wdir_open_own(w, name, O_RDWR);
	if (fd < 0)
		return;
	memset(&s, 0, sizeof s);
	recover_scan(fd, zst, &s.good_off, &s.good_rows);
	if (s.good_rows < 2) {                 /* no data row was flushed */
		if (unlinkat(w->dirfd, name, 0) < 0)
			warnerr("%s/%s", w->cfg.dir, name);
		else
			warnmsg("%s/%s: removed: no complete data row", w->cfg.dir, name);
	} else {
		(void)finish_recovered(w, fd, name, final, &s);
	}
	close(fd);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void recover_dir(struct writer *w)
{
	char final[WNAME_MAX + 1], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int dfd = openat(w->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);   /* the folder we hold, not a path */
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		dieerr(1, "%s", w->cfg.dir);
	}
	while ((de = readdir(d)) != NULL) {
		if (!wname_match_tmp(de->d_name, w->cfg.prefix, final, sizeof final))
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);   /* oldest first */
	for (size_t i = 0; i < n; i++) {
		int kind = wname_match_tmp(names[i], w->cfg.prefix, final, sizeof final);
		recover_one(w, names[i], final, kind == 1);
		free(names[i]);
	}
	free(names);
}
