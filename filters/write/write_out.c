/* write_out.c — the file being written. Rows are staged in a buffer and
 * streamed through one zstd context straight into a temporary file in DIR
 * (no second pass, no uncompressed copy). A flush ends the zstd frame and
 * syncs, so the file on disk is always whole frames up to good_off plus, at
 * most, one torn frame after it; recovery (write_recover.c) and the error
 * path (out_broken) cut that tail off. Finishing = flush, fsync, rename to
 * the final name, fsync the directory, announce (multilog's order). */
#include "write.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

/* zstd compresses 128 KiB blocks; staging one block per call keeps the
 * per-call cost low and the --max-bytes check within one block. */
#define STAGE_CAP (128 * 1024)

static void set_param(ZSTD_CCtx *c, ZSTD_cParameter p, int v, const char *what)
{
	size_t rc = ZSTD_CCtx_setParameter(c, p, v);
	if (ZSTD_isError(rc))
		die(2, "%s %d: %s", what, v, ZSTD_getErrorName(rc));
}

void out_init(struct writer *w)
{
	ZSTD_CCtx *c;
	w->f.fd = -1;
	w->stage_cap = STAGE_CAP;
	w->stage = xmalloc(w->stage_cap);
	if (!w->cfg.compress)
		return;
	c = ZSTD_createCCtx();
	if (!c)
		die(1, "zstd: cannot create a compression context");
	set_param(c, ZSTD_c_compressionLevel, w->cfg.level, "--level");
	/* a checksum per frame lets recovery tell a torn frame from a whole one */
	set_param(c, ZSTD_c_checksumFlag, 1, "checksum");
	if (w->cfg.threads)
		set_param(c, ZSTD_c_nbWorkers, w->cfg.threads, "--threads");
	w->cctx = c;
	w->ocap = ZSTD_CStreamOutSize();
	w->obuf = xmalloc(w->ocap);
}

void out_free(struct writer *w)
{
	ZSTD_freeCCtx(w->cctx);
	free(w->stage);
	free(w->obuf);
	w->cctx = NULL, w->stage = w->obuf = NULL;
}

static int put(struct writer *w, const void *p, size_t n)
{
	if (write_all(w->f.fd, p, n) < 0)
		return -1;
	w->f.off += n;
	w->st.bytes_out += n;
	return 0;
}

/* Staged rows into the file; ZSTD_e_end also closes the frame. */
static int pump(struct writer *w, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { w->stage, w->stage_len, 0 };
	size_t left;
	if (!w->cctx) {
		if (put(w, w->stage, w->stage_len) < 0)
			return -1;
		w->stage_len = 0;
		return 0;
	}
	do {
		ZSTD_outBuffer out = { w->obuf, w->ocap, 0 };
		left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left))
			die(1, "zstd: %s", ZSTD_getErrorName(left));
		if (out.pos && put(w, w->obuf, out.pos) < 0)
			return -1;
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	w->stage_len = 0;
	return 0;
}

static int stage_put(struct writer *w, const char *p, size_t n)
{
	if (w->stage_len + n + 1 > w->stage_cap) {
		if (pump(w, ZSTD_e_continue) < 0)
			return -1;
		if (n + 1 > w->stage_cap) {        /* one huge row (<= --max-row) */
			w->stage_cap = n + 1;
			w->stage = xrealloc(w->stage, w->stage_cap);
		}
	}
	memcpy(w->stage + w->stage_len, p, n);
	w->stage_len += n;
	w->stage[w->stage_len++] = '\n';
	return 0;
}

int out_row(struct writer *w, const char *row, size_t n)
{
	/* counted first, so that a failure below counts this row as lost too */
	w->f.rows++;
	w->st.rows_pending++;
	if (!w->pending_since)
		w->pending_since = w->now ? w->now : 1;
	return stage_put(w, row, n);
}

static void went_bad(struct writer *w, const char *name, int err)
{
	wdir_error(w, name, err);
	w->st.write_errors++;
	w->next_retry_ns = w->now + w->cfg.retry_ns;
	if (w->failing)
		return;
	warnmsg("%s; counting rows as dropped until writing works again", w->lasterr);
	w->failing = 1;
	w->st.write_failing = 1;
	w->dropped_at_fail = w->st.rows_dropped;
}

static void resumed(struct writer *w)
{
	w->failing = 0;
	w->st.write_failing = 0;
	warnmsg("%s: writing again; %llu rows were dropped", w->cfg.dir,
	        (unsigned long long)(w->st.rows_dropped - w->dropped_at_fail));
}

/* DIR was removed under us (rm -rf of the session, a cleaner): the file
 * being written went with it. Its durable rows were counted as written:
 * they are lost (rows_lost); rows not yet flushed are dropped. Then DIR is
 * created again, and the next row starts a new file there. */
static void dir_vanished(struct writer *w)
{
	struct wfile *f = &w->f;
	if (f->fd >= 0) {
		w->st.rows_lost += f->rows_good;
		w->st.rows_dropped += f->rows - f->rows_good;
		warnmsg("%s/%s: the folder was removed; %llu rows lost with it", w->cfg.dir, f->tmp,
		        (unsigned long long)f->rows);
		close(f->fd);
		f->fd = -1;
		f->rows = f->rows_good = 0;
		w->st.current_file = NULL;
	}
	w->st.rows_pending = 0;
	w->pending_since = 0;
	w->stage_len = 0;
	if (w->cctx)
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
	if (wdir_reopen(w) == 0)
		w->st.dir_recreated++;
	stats_tick(w->stats, 1);
}

static int open_tmp(struct writer *w)
{
	struct wfile *f = &w->f;
	int64_t wall = wall_now_ns();
	for (int tries = 0;; tries++) {
		/* a name taken (same millisecond as a recovered file): next ms */
		if (wname_final(f->final, sizeof f->final, w->cfg.prefix, wall, w->seq + 1,
		                w->cfg.compress) < 0 ||
		    wname_tmp(f->tmp, sizeof f->tmp, f->final) < 0)
			die(1, "%s: file name too long", w->cfg.prefix);
		if (faccessat(w->dirfd, f->final, F_OK, 0) < 0) {
			/* O_EXCL refuses a planted name, symlink or not; the mode is
			 * set exactly, whatever the umask */
			f->fd = openat(w->dirfd, f->tmp,
			               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, w->cfg.fmode);
			if (f->fd >= 0 && fchmod(f->fd, w->cfg.fmode) < 0) {
				int e = errno;
				close(f->fd);
				f->fd = -1;
				(void)unlinkat(w->dirfd, f->tmp, 0);
				errno = e;
				return -1;
			}
			if (f->fd >= 0)
				break;
			if (errno != EEXIST || tries > 1000)
				return -1;
		}
		wall += 1000000;
	}
	w->seq++;
	return 0;
}

int out_ensure(struct writer *w)
{
	struct wfile *f = &w->f;
	if (f->fd >= 0)
		return 0;
	if (w->failing && w->now < w->next_retry_ns)
		return -1;
	if (wdir_gone(w))
		dir_vanished(w);
	if (open_tmp(w) < 0) {
		went_bad(w, f->tmp, errno);
		return -1;
	}
	f->rows = f->rows_good = f->off = f->good_off = 0;
	f->opened_ns = w->now;
	if (w->cctx)
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
	w->stage_len = 0;
	snprintf(w->curpath, sizeof w->curpath, "%s/%s", w->dirabs, f->tmp);
	w->st.current_file = w->curpath;
	if (stage_put(w, w->header, w->header_len) < 0 ||
	    (w->failing && out_flush(w) < 0)) {    /* after a failure: a probe */
		out_broken(w, errno);
		return -1;
	}
	return 0;
}

/* End the frame and make the file durable up to here. A finish syncs
 * with fsync and renames next; a periodic flush uses fdatasync and, the
 * first time, syncs the directory, so the new name survives a crash too. */
static int end_frame(struct writer *w, int finishing)
{
	struct wfile *f = &w->f;
	if (f->fd < 0 || (f->good_off > 0 && f->rows == f->rows_good))
		return 0;                          /* nothing new: no empty frame */
	if (pump(w, ZSTD_e_end) < 0 || (finishing ? wsync_full : wsync_data)(f->fd) < 0)
		return -1;
	if (wdir_gone(w)) {                    /* synced into a removed folder */
		dir_vanished(w);
		return 0;
	}
	if (f->good_off == 0 && !finishing)
		(void)wdir_sync(w);
	w->st.rows_written += f->rows - f->rows_good;
	w->st.rows_pending = 0;
	w->pending_since = 0;
	f->rows_good = f->rows;
	f->good_off = f->off;
	if (w->failing && f->rows_good > 0)
		resumed(w);
	stats_tick(w->stats, 1);   /* rows_written in the stats file is durable */
	return 0;
}

int out_flush(struct writer *w)
{
	return end_frame(w, 0);
}

static void close_cur(struct writer *w, int unlink_it)
{
	close(w->f.fd);
	w->f.fd = -1;
	if (unlink_it)
		unlinkat(w->dirfd, w->f.tmp, 0);
	w->st.current_file = NULL;
}

/* The file is synced whole frames: give it its final name, announce it. */
static int commit(struct writer *w)
{
	struct wfile *f = &w->f;
	close_cur(w, 0);
	if (renameat(w->dirfd, f->tmp, w->dirfd, f->final) < 0) {
		wdir_error(w, f->tmp, errno);
		warnmsg("%s; left for recovery at the next start", w->lasterr);
		w->st.files_unfinished++;
		return -1;
	}
	(void)wdir_sync(w);
	wdir_announce(w, f->final);
	w->st.files_finished++;
	stats_tick(w->stats, 1);
	return 0;
}

int out_finish(struct writer *w)
{
	struct wfile *f = &w->f;
	if (f->fd < 0)
		return 0;
	if (f->rows == 0) {                    /* header only: not a data file */
		close_cur(w, 1);
		return 0;
	}
	if (end_frame(w, 1) < 0) {
		out_broken(w, errno);
		return -1;
	}
	if (f->fd < 0)                         /* its folder was removed */
		return 0;
	return commit(w);
}

/* A write or sync failed (disk full, I/O error). The rows since the last
 * flush are gone: count them as dropped. Cut the torn frame off, so the
 * file is whole frames again, and finish it under its final name (the
 * uploader may then free space); with nothing in it, remove it. */
void out_broken(struct writer *w, int err)
{
	struct wfile *f = &w->f;
	went_bad(w, f->tmp, err);
	w->st.rows_dropped += f->rows - f->rows_good;
	w->st.rows_pending = 0;
	w->st.bytes_out -= f->off - f->good_off;
	w->pending_since = 0;
	w->stage_len = 0;
	if (w->cctx)
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
	f->rows = f->rows_good;
	if (f->rows_good == 0) {
		close_cur(w, 1);
		return;
	}
	if (ftruncate(f->fd, (off_t)f->good_off) < 0 || wsync_full(f->fd) < 0) {
		wdir_error(w, f->tmp, errno);
		warnmsg("%s; left for recovery at the next start", w->lasterr);
		w->st.files_unfinished++;
		close_cur(w, 0);
		return;
	}
	f->off = f->good_off;
	(void)commit(w);
}
