/* sproc_fds_darwin.c — a process's open files from libproc:
 * PROC_PIDLISTFDS lists the descriptors, PROC_PIDFDVNODEPATHINFO names
 * each vnode (files and directories; sockets, pipes, kqueues are left
 * out) and says close-on-exec (fi_status PROC_FP_CLEXEC), and
 * PROC_PIDVNODEPATHINFO gives the working directory. */
#include "sproc.h"
#include <errno.h>
#include <libproc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc_info.h>

static int failed(void)
{
	return errno == EPERM || errno == EACCES ? SP_DENIED : SP_GONE;
}

int fds_read(uint32_t pid, fds_fn fn, void *ctx)
{
	struct proc_fdinfo *fds;
	struct vnode_fdinfowithpath vi;
	struct proc_vnodepathinfo vpi;
	struct fds_entry e;
	int size, n;
	errno = 0;
	size = proc_pidinfo((int)pid, PROC_PIDLISTFDS, 0, NULL, 0);
	if (size <= 0)
		return failed();
	size += 32 * (int)sizeof *fds;      /* room for a few opened meanwhile */
	if (!(fds = malloc((size_t)size)))
		return SP_GONE;
	n = proc_pidinfo((int)pid, PROC_PIDLISTFDS, 0, fds, size);
	if (n <= 0) {
		int k = failed();
		free(fds);
		return k;
	}
	for (int i = 0; i < n / (int)sizeof *fds; i++) {
		if (fds[i].proc_fdtype != PROX_FDTYPE_VNODE ||
		    proc_pidfdinfo((int)pid, fds[i].proc_fd, PROC_PIDFDVNODEPATHINFO, &vi, sizeof vi) !=
		            (int)sizeof vi || vi.pvip.vip_path[0] != '/')
			continue;
		e.fd = fds[i].proc_fd;
		e.cloexec = (vi.pfi.fi_status & PROC_FP_CLEXEC) != 0;
		e.path = vi.pvip.vip_path;
		e.len = strnlen(vi.pvip.vip_path, sizeof vi.pvip.vip_path);
		fn(ctx, pid, &e);
	}
	free(fds);
	if (proc_pidinfo((int)pid, PROC_PIDVNODEPATHINFO, 0, &vpi, sizeof vpi) == (int)sizeof vpi &&
	    vpi.pvi_cdir.vip_path[0] == '/') {
		e.fd = -1, e.cloexec = 0, e.path = vpi.pvi_cdir.vip_path;
		e.len = strnlen(vpi.pvi_cdir.vip_path, sizeof vpi.pvi_cdir.vip_path);
		fn(ctx, pid, &e);
	}
	return SP_OK;
}
