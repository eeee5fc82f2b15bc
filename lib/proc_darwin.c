/* proc_darwin.c — process facts on macOS: argv from sysctl KERN_PROCARGS2
 * (an int argc, the exec path, NUL padding, then argc NUL-terminated
 * strings), open files and cwd from libproc (proc_pidfdinfo,
 * proc_pidinfo(PROC_PIDVNODEPATHINFO)). */
#include "proc.h"
#include <libproc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc_info.h>
#include <sys/sysctl.h>

static long join_args(const char *buf, size_t len, char *out, size_t cap, size_t *arg0)
{
	int argc;
	size_t i = sizeof argc, o = 0;
	if (arg0)
		*arg0 = 0;
	if (len < sizeof argc)
		return -1;
	memcpy(&argc, buf, sizeof argc);
	while (i < len && buf[i])           /* exec path */
		i++;
	while (i < len && !buf[i])          /* padding */
		i++;
	for (int a = 0; a < argc && i < len; a++) {
		size_t k = strnlen(buf + i, len - i);
		if (o && o < cap - 1)
			out[o++] = ' ';
		if (k > cap - 1 - o)
			k = cap - 1 - o;
		memcpy(out + o, buf + i, k);
		o += k;
		if (a == 0 && arg0)
			*arg0 = o;
		i += strnlen(buf + i, len - i) + 1;
	}
	out[o] = 0;
	return (long)o;
}

long proc_args(pid_t pid, char *out, size_t cap, size_t *arg0)
{
	int mib[3] = { CTL_KERN, KERN_PROCARGS2, (int)pid };
	int argmax;
	size_t size = sizeof argmax;
	char *buf;
	long r;
	int amib[2] = { CTL_KERN, KERN_ARGMAX };
	if (cap == 0 || sysctl(amib, 2, &argmax, &size, NULL, 0) != 0 || argmax <= 0)
		return -1;
	buf = malloc((size_t)argmax);
	if (!buf)
		return -1;
	size = (size_t)argmax;
	if (sysctl(mib, 3, buf, &size, NULL, 0) != 0) {
		free(buf);
		return -1;
	}
	r = join_args(buf, size, out, cap, arg0);
	free(buf);
	return r;
}

long proc_cmdline(pid_t pid, char *out, size_t cap)
{
	return proc_args(pid, out, cap, NULL);
}

static long copy_path(const char *src, size_t max, char *out, size_t cap)
{
	size_t k = strnlen(src, max);
	if (cap == 0)
		return -1;
	if (k >= cap)
		k = cap - 1;
	memcpy(out, src, k);
	out[k] = 0;
	return (long)k;
}

long proc_fdpath(pid_t pid, int fd, char *out, size_t cap)
{
	struct vnode_fdinfowithpath vi;
	if (proc_pidfdinfo(pid, fd, PROC_PIDFDVNODEPATHINFO, &vi, sizeof vi) != (int)sizeof vi)
		return -1;
	return copy_path(vi.pvip.vip_path, sizeof vi.pvip.vip_path, out, cap);
}

long proc_cwd(pid_t pid, char *out, size_t cap)
{
	struct proc_vnodepathinfo vpi;
	if (proc_pidinfo(pid, PROC_PIDVNODEPATHINFO, 0, &vpi, sizeof vpi) != (int)sizeof vpi)
		return -1;
	return copy_path(vpi.pvi_cdir.vip_path, sizeof vpi.pvi_cdir.vip_path, out, cap);
}
