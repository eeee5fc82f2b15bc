/* ssys_darwin.c — system facts on macOS from sysctl(3), Mach and
 * getfsstat(2), read as psutil 5.9 reads them (ssys.h); no program is run
 * (the family ran sysctl(8) and diskutil(8)). CPU: machdep.cpu.brand_string,
 * online CPUs, hw.physicalcpu, hw.cpufrequency{,_min,_max} in whole MHz
 * (Intel; Apple silicon has none: null). Memory: hw.memsize,
 * host_statistics64(HOST_VM_INFO64): available = inactive + free, used =
 * active + wired; swap from vm.swapusage. Partitions: getfsstat(2) entries
 * whose device is an existing absolute path, options named from f_flags
 * as psutil does. Disks: the whole disks (/dev/diskN) those partitions
 * live on. Interfaces: the link entry's if_data (MTU, baud rate). */
#include "ssys.h"
#include "util.h"
#include <mach/mach.h>
#include <mach/mach_host.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_var.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysctl.h>
#include <sys/types.h>
#include <unistd.h>

static int sysctl_u64(const char *name, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = sizeof x;
	if (sysctlbyname(name, &x, &n, NULL, 0) < 0)
		return -1;
	*v = n == sizeof(uint32_t) ? (uint64_t)*(uint32_t *)(void *)&x : x;
	return 0;
}

int ssys_cpu(struct cpu_facts *c)
{
	size_t n = sizeof c->brand;
	uint64_t v, cur, lo, hi;
	memset(c, 0, sizeof *c);
	if (sysctlbyname("machdep.cpu.brand_string", c->brand, &n, NULL, 0) == 0 && c->brand[0])
		c->have_brand = 1;
	c->logical = sysconf(_SC_NPROCESSORS_ONLN);
	if (sysctl_u64("hw.physicalcpu", &v) == 0)
		c->physical = (long)v;
	if (sysctl_u64("hw.cpufrequency", &cur) == 0) {
		if (sysctl_u64("hw.cpufrequency_min", &lo) < 0)
			lo = 0;
		if (sysctl_u64("hw.cpufrequency_max", &hi) < 0)
			hi = 0;
		c->have_freq = 1, c->freq_ints = 1;
		c->cur = (double)(cur / 1000 / 1000);
		c->min = (double)(lo / 1000 / 1000);
		c->max = (double)(hi / 1000 / 1000);
	}
	return 0;
}

int ssys_mem(struct mem_facts *m)
{
	vm_statistics64_data_t vm;
	mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
	struct xsw_usage sw;
	size_t n = sizeof sw;
	uint64_t total, page = (uint64_t)sysconf(_SC_PAGESIZE);
	memset(m, 0, sizeof *m);
	if (sysctl_u64("hw.memsize", &total) < 0)
		return -1;
	m->total = total;
	if (host_statistics64(mach_host_self(), HOST_VM_INFO64, (host_info64_t)&vm, &count) != KERN_SUCCESS)
		return -1;
	m->available = ((uint64_t)vm.inactive_count + vm.free_count) * page;
	m->used = ((uint64_t)vm.active_count + vm.wire_count) * page;
	if (sysctlbyname("vm.swapusage", &sw, &n, NULL, 0) == 0) {
		m->swap_total = sw.xsu_total;
		m->swap_used = sw.xsu_used;
		m->swap_free = sw.xsu_avail;
	}
	return 0;
}

/* psutil _psutil_osx.c disk_partitions: f_flags to names, in its order */
static const struct { uint64_t bit; const char *name; } mnt_opts[] = {
	{ MNT_SYNCHRONOUS, "sync" }, { MNT_NOEXEC, "noexec" }, { MNT_NOSUID, "nosuid" },
	{ MNT_UNION, "union" }, { MNT_ASYNC, "async" }, { MNT_EXPORTED, "exported" },
	{ MNT_QUARANTINE, "quarantine" }, { MNT_LOCAL, "local" }, { MNT_QUOTA, "quota" },
	{ MNT_ROOTFS, "rootfs" }, { MNT_DOVOLFS, "dovolfs" }, { MNT_DONTBROWSE, "dontbrowse" },
	{ MNT_IGNORE_OWNERSHIP, "ignore-ownership" }, { MNT_AUTOMOUNTED, "automounted" },
	{ MNT_JOURNALED, "journaled" }, { MNT_NOUSERXATTR, "nouserxattr" },
	{ MNT_DEFWRITE, "defwrite" }, { MNT_MULTILABEL, "multilabel" }, { MNT_NOATIME, "noatime" },
	{ MNT_UPDATE, "update" }, { MNT_RELOAD, "reload" }, { MNT_FORCE, "force" },
};

static int mounts(struct statfs **fs)
{
	int n = getfsstat(NULL, 0, MNT_NOWAIT);
	if (n <= 0)
		return -1;
	*fs = xcalloc((size_t)n + 16, sizeof **fs);
	n = getfsstat(*fs, (int)(((size_t)n + 16) * sizeof **fs), MNT_NOWAIT);
	if (n < 0)
		free(*fs);
	return n;
}

int ssys_partitions(struct parts *p)
{
	struct statfs *fs;
	int n = mounts(&fs);
	memset(p, 0, sizeof *p);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char opts[512];
		struct stat sb;
		struct part *q;
		if (fs[i].f_mntfromname[0] != '/' || stat(fs[i].f_mntfromname, &sb) < 0)
			continue;                   /* psutil: an existing absolute device */
		snprintf(opts, sizeof opts, "%s", fs[i].f_flags & MNT_RDONLY ? "ro" : "rw");
		for (size_t k = 0; k < sizeof mnt_opts / sizeof mnt_opts[0]; k++)
			if (fs[i].f_flags & mnt_opts[k].bit) {
				size_t o = strlen(opts);
				snprintf(opts + o, sizeof opts - o, ",%s", mnt_opts[k].name);
			}
		q = ssys_parts_add(p, fs[i].f_mntfromname, fs[i].f_mntonname, fs[i].f_fstypename, opts);
		if (stat(q->mountpoint, &sb) == 0) {
			q->have_dev = 1;
			q->dev_major = (unsigned)major(sb.st_dev), q->dev_minor = (unsigned)minor(sb.st_dev);
		}
		ssys_usage(q);
	}
	free(fs);
	return 0;
}

/* /dev/disk3s1s1 -> /dev/disk3 */
static int whole_disk(const char *dev, char *out, size_t cap)
{
	size_t k = 9;
	if (strncmp(dev, "/dev/disk", 9) || dev[9] < '0' || dev[9] > '9')
		return -1;
	while (dev[k] >= '0' && dev[k] <= '9')
		k++;
	snprintf(out, cap, "%.*s", (int)k, dev);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ssys_storage(struct strs *s)
{
	struct statfs *fs;
	char disk[64];
	int n = mounts(&fs);
	memset(s, 0, sizeof *s);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int dup = 0;
		if (whole_disk(fs[i].f_mntfromname, disk, sizeof disk) < 0)
			continue;
		for (size_t k = 0; k < s->n; k++)
			dup |= !strcmp(s->v[k], disk);
		if (!dup)
			ssys_strs_add(s, disk);
	}
	free(fs);
	qsort(s->v, s->n, sizeof *s->v, cmp_str);
	return 0;
}

int ssys_distro(struct os_facts *o)
{
	o->have_distro = 0;             /* upstream adds it on Linux only */
	return 0;
}

int ssys_link_family(void)
{
	return AF_LINK;
}

const char *ssys_link_family_name(void)
{
	return "AF_LINK";
}

int ssys_linkaddr(const struct sockaddr *sa, unsigned char *mac, size_t cap)
{
	const struct sockaddr_dl *dl = (const struct sockaddr_dl *)(const void *)sa;
	size_t n;
	if (sa->sa_family != AF_LINK)
		return -1;
	n = dl->sdl_alen < cap ? dl->sdl_alen : cap;
	memcpy(mac, LLADDR(dl), n);
	return (int)n;
}

int ssys_if_stats(const char *name, unsigned flags, const void *link_data, int *up, long *speed,
                  long *mtu)
{
	const struct if_data *d = link_data;
	(void)name;
	if (!d)
		return -1;
	*up = (flags & IFF_RUNNING) != 0;
	*mtu = (long)d->ifi_mtu;
	*speed = (long)(d->ifi_baudrate / 1000000);
	return 0;
}
