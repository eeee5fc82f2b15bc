/* sproc_fds.c — the --fds side file (iotrc-snap-proc(1) "FDS FILE"): the
 * files each process has open, and its working directory, so that
 * iotrc-parse --preload and iotrc-kdebug --preload (lib/pfd_preload.c
 * reads it) can name reads and writes on descriptors opened before
 * tracing began. The lines are iotrc-records(5) style: fields
 * separated by 0x01, paths %S-escaped, under a header line
 *	#iotrc-fds 1 os=linux mono_ns=N wall_ns=N
 *	f 0x01 PID 0x01 FD 0x01 CLOEXEC 0x01 PATH
 *	c 0x01 PID 0x01 PATH */
#include "sproc.h"
#include "decode.h"
#include "pfd.h"
#include "records.h"
#include "util.h"
#include <stdio.h>

void fds_header(struct obuf *o, int64_t mono_ns, int64_t wall_ns)
{
	char b[160];
	int n = snprintf(b, sizeof b, PFD_FDS_TAG " os=%s mono_ns=%lld wall_ns=%lld\n",
	                 os_name(OS_HOST), (long long)mono_ns, (long long)wall_ns);
	ob_put(o, b, (size_t)n);
}

struct fds_ctx {
	struct obuf *o;
	struct fds_stats *st;
};

static void put_entry(void *ctx, uint32_t pid, const struct fds_entry *e)
{
	struct fds_ctx *c = ctx;
	struct obuf *o = c->o;
	o->nfield = 0;
	recw_raw(o, e->fd < 0 ? "c" : "f", 1);
	recw_u64(o, pid);
	if (e->fd >= 0) {
		recw_s64(o, e->fd);
		recw_raw(o, e->cloexec ? "1" : "0", 1);
		c->st->fds++;
	} else {
		c->st->cwds++;
	}
	recw_str(o, e->path, e->len);
	recw_end(o);
}

void fds_process(struct obuf *o, uint32_t pid, struct fds_stats *st)
{
	struct fds_ctx c = { o, st };
	int k = fds_read(pid, put_entry, &c);
	if (k == SP_OK)
		st->procs++;
	else
		*(k == SP_DENIED ? &st->denied : &st->gone) += 1;
}
