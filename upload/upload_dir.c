/* upload_dir.c — --mode dir: deliver into a local or mounted folder under
 * the same key layout as the object stores, for labs that collect traces
 * on a file server. The copy is atomic (upload_files.c: copy_atomic), so a
 * collector never sees half a file, and a copy made again after a crash
 * replaces the earlier one whole. */
#include "upload.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

void dir_deliver(int rootfd, int destfd, struct ufile *f, int64_t now, struct uresult *r)
{
	const char *why;
	enum uopen st = file_open(rootfd, f->rel, &r->o, &why);
	r->f = f;
	r->started_ns = now;
	r->bytes = 0;
	r->msg[0] = '\0';
	if (st != UO_OK) {
		snprintf(r->msg, sizeof r->msg, errno ? "%s: %s" : "%s", why, strerror(errno));
		r->outcome = st == UO_GONE ? UR_GONE : st == UO_REFUSED ? UR_REFUSED : UR_RETRY;
		return;
	}
	if (copy_atomic(r->o.fd, r->o.sb.st_size, destfd, f->key, &why) < 0) {
		snprintf(r->msg, sizeof r->msg, errno ? "%s: %s" : "%s", why, strerror(errno));
		file_close(&r->o);
		r->outcome = UR_RETRY;
		return;
	}
	r->bytes = (uint64_t)r->o.sb.st_size;
	r->outcome = UR_OK;
}
