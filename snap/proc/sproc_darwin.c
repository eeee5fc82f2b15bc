/* sproc_darwin.c — processes from libproc (sproc.h): proc_listallpids,
 * then per process PROC_PIDTBSDINFO (short name p_comm, p_stat, start
 * time) and PROC_PIDTASKINFO (CPU and memory), as psutil reads them.
 * pti_total_user/system are Mach absolute time units (nanoseconds on
 * Intel, 125/3 ns ticks on Apple silicon): converted with the timebase. */
#include "sproc.h"
#include "mono.h"
#include <errno.h>
#include <libproc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc.h>
#include <sys/proc_info.h>

static uint32_t tb_numer = 1, tb_denom = 1;

int sp_init(void)
{
	mono_timebase(&tb_numer, &tb_denom);
	return 0;
}

int sp_list(struct sp_pids *p)
{
	int n = proc_listallpids(NULL, 0);
	p->n = 0;
	if (n <= 0)
		return -1;
	for (;;) {
		size_t want = (size_t)n + 64;
		if (p->cap < want) {
			uint32_t *v = realloc(p->v, want * sizeof *v);
			if (!v)
				return -1;
			p->v = v, p->cap = want;
		}
		n = proc_listallpids(p->v, (int)(p->cap * sizeof *p->v));
		if (n < 0)
			return -1;
		if ((size_t)n < p->cap)     /* else the list may have been cut: grow */
			break;
	}
	p->n = (size_t)n;
	return 0;
}

void sp_pids_free(struct sp_pids *p)
{
	free(p->v);
	p->v = NULL, p->n = p->cap = 0;
}

static int failed(void)
{
	return errno == EPERM || errno == EACCES ? SP_DENIED : SP_GONE;
}

int sp_read(uint32_t pid, struct sp_proc *p, int full)
{
	struct proc_bsdinfo bi;
	struct proc_taskinfo ti;
	int64_t cpu;
	errno = 0;
	if (proc_pidinfo((int)pid, PROC_PIDTBSDINFO, 0, &bi, sizeof bi) != (int)sizeof bi)
		return failed();
	memset(&ti, 0, sizeof ti);
	memset(p, 0, sizeof *p);
	errno = 0;
	if (proc_pidinfo((int)pid, PROC_PIDTASKINFO, 0, &ti, sizeof ti) != (int)sizeof ti) {
		if (bi.pbi_status != SZOMB)
			return failed();
		p->no_task = 1;             /* a zombie has no task: a row without figures */
	}
	p->pid = pid;
	p->start_id = bi.pbi_start_tvsec * 1000000ull + bi.pbi_start_tvusec;
	p->create_time = (double)bi.pbi_start_tvsec + (double)bi.pbi_start_tvusec / 1000000.0;
	cpu = mono_ticks_to_ns((int64_t)(ti.pti_total_user + ti.pti_total_system), tb_numer, tb_denom);
	p->cpu_ns = cpu < 0 ? 0 : (uint64_t)cpu;
	if (full) {
		size_t k = strnlen(bi.pbi_comm, sizeof bi.pbi_comm);
		if (k >= sizeof p->name)
			k = sizeof p->name - 1;
		memcpy(p->name, bi.pbi_comm, k);
		p->name[k] = 0;
		p->vms_bytes = ti.pti_virtual_size;
		p->rss_bytes = ti.pti_resident_size;
		p->status = sp_status_darwin((int)bi.pbi_status);
	}
	return SP_OK;
}
