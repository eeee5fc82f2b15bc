/* kdebug_decode.c — the top of the decoder: its life cycle (kd_new,
 * kd_free, statistics) and kd_event, which hands each event to the one
 * handler of its class (notes/macos-kdebug.md §3.4). The layers below, each
 * calling only further down (kdebug_int.h lists them):
 *   handlers   kdebug_sys.c (syscall START/END), kdebug_lookup.c
 *              (VFS_LOOKUP), kdebug_dkio.c (disk I/O), kdebug_ident.c
 *              (threads' identity, fork/exec/exit, lost events)
 *   records    kdebug_emit.c
 *   state      kdebug_threads.c (threads, path slots), kdebug_fds.c
 *              (processes, descriptors, cwd, paths)
 *   tables     kdebug_tab.c, kdebug_systab.c, lib/ */
#include "kdebug_int.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

void kd_config_defaults(struct kd_config *c)
{
	memset(c, 0, sizeof *c);
	c->tb_numer = c->tb_denom = 1;
	c->lookup_mode = KD_LOOKUP_AUTO;
	c->max_threads = 65536;
	c->max_slots = 2048;        /* x 3.3 KiB of path buffers */
	c->max_procs = 32768;
	c->max_fds = 262144;
	c->max_vnodes = 262144;
	c->max_ios = 65536;
}

/* kern.osrelease is the Darwin version, the same for every process
 * (bsd/kern/kern_sysctl.c:1853-1855, the kernel's OSRELEASE,
 * config/version.c.template:49); kern.osproductversion is not: a process
 * in version-compat mode reads the compat string, e.g. "10.16" on a 15.4
 * kernel (xnu-11417.101.15 kern_sysctl.c:2028-2042). Darwin 24.4.0 is
 * xnu-11417.101.15, macOS 15.4 (its uname -a names that xnu), the first to
 * log whole lookup paths (vfs_lookup.c:2189-2192); Darwin 24.3.0 is
 * xnu-11215.81.4, macOS 15.3, which logs the last 184 bytes (its
 * vfs_lookup.c:2082-2105), as do the kernels of macOS 11 to 14 (e.g.
 * xnu-10063.141.1). Darwin 25 and later (macOS 26) is not in the sources
 * read: AUTO, which switches to whole paths on the first lookup longer
 * than 184 bytes. */
int kd_lookup_mode_of_release(const char *osrelease)
{
	long major = 0, minor = 0;
	const char *p = osrelease;
	char *e;
	if (!p || *p < '0' || *p > '9')
		return KD_LOOKUP_AUTO;
	major = strtol(p, &e, 10);
	if (*e == '.' && e[1] >= '0' && e[1] <= '9')
		minor = strtol(e + 1, &e, 10);
	else if (*e != 0)
		return KD_LOOKUP_AUTO;
	if (major == 24)
		return minor >= 4 ? KD_LOOKUP_FULL : KD_LOOKUP_TAIL;
	if (major >= 20 && major < 24)
		return KD_LOOKUP_TAIL;
	return KD_LOOKUP_AUTO;
}

struct kd_decoder *kd_new(const struct kd_config *c, const struct kd_hooks *h,
                          struct obuf *out[REC_NSTREAMS])
{
	struct kd_decoder *d = xcalloc(1, sizeof *d);
	d->cfg = *c;
	if (!d->cfg.tb_numer || !d->cfg.tb_denom)
		d->cfg.tb_numer = d->cfg.tb_denom = 1;
	if (d->cfg.max_slots < 1)
		d->cfg.max_slots = 1;
	if (h)
		d->hk = *h;
	for (int i = 0; i < REC_NSTREAMS; i++)
		d->out[i] = out[i];
	kd_threads_init(d);
	kdtab_init(&d->procs, sizeof(struct kd_proc), c->max_procs);
	kdtab_init(&d->ios, sizeof(struct kd_io), c->max_ios);
	kd_fds_init(d);
	d->vnodes = fdmap_new(c->max_vnodes);
	return d;
}

void kd_free(struct kd_decoder *d)
{
	if (!d)
		return;
	kd_threads_free(d);
	kdtab_free(&d->procs), kdtab_free(&d->ios);
	kd_fds_free(d), fdmap_free(d->vnodes);
	free(d);
}

const struct kd_stats *kd_get_stats(struct kd_decoder *d)
{
	d->st.threads_evicted = d->threads.evictions;
	d->st.procs_evicted = d->procs.evictions;
	d->st.io_evicted = d->ios.evictions;
	d->st.fd_evictions = kd_fd_evictions(d);
	d->st.vnode_evictions = fdmap_evictions(d->vnodes);
	return &d->st;
}

int kd_preload(struct kd_decoder *d, const char *file)
{
	return pfd_preload(d->pfd, file, &d->st.preloaded, &d->st.preload_bad);
}

void kd_set_wall_offset(struct kd_decoder *d, int64_t wall_offset_ns)
{
	d->cfg.has_wall = 1;
	d->cfg.wall_offset_ns = wall_offset_ns;
}

void kd_event(struct kd_decoder *d, const kd_buf *e)
{
	d->st.events++;
	switch (KD_CSC(e->debugid)) {
	case KD_CSC_BSD_SC:
		if (KD_FUNC(e->debugid) == KD_FUNC_START)
			kd_sys_start(d, e);
		else if (KD_FUNC(e->debugid) == KD_FUNC_END)
			kd_sys_end(d, e);
		else
			d->st.ignored_events++;
		break;
	case KD_CSC_FSRW:
		if (KD_EVENTID(e->debugid) == KD_VFS_LOOKUP)
			kd_lookup_event(d, e);
		else
			d->st.ignored_events++;
		break;
	case KD_CSC_DKRW:
		kd_dkio_event(d, e);
		break;
	case KD_CSC_BSD_PROC:
		kd_exit_event(d, e);
		break;
	case KD_CSC_TRACE_DATA: case KD_CSC_TRACE_STRING: case KD_CSC_TRACE_INFO:
		kd_ident_event(d, e);
		break;
	default:
		d->st.ignored_events++;
	}
}
