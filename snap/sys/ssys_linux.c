/* ssys_linux.c — system facts from /proc and /sys, read as psutil 5.9
 * reads them (sys.h): the CPU's "model name", logical CPUs online,
 * physical cores as distinct core_cpus_list (thread_siblings_list) sets,
 * frequencies from cpufreq policies (scaling_cur/min/max_freq, kHz) else
 * /proc/cpuinfo's "cpu MHz" with min and max 0; memory from
 * /proc/meminfo (used = total - free - buffers - cached - SReclaimable);
 * partitions from /proc/self/mounts on devices whose file system type
 * /proc/filesystems does not mark "nodev"; disks from /sys/block;
 * interfaces' MTU and speed from /sys/class/net; the distribution
 * from /etc/os-release. */
#include "ssys.h"
#include "util.h"
#include <ctype.h>
#include <dirent.h>
#include <linux/if_packet.h>
#include <mntent.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The first line of a small file, trailing space cut. */
static int read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");
	size_t n;
	if (!f)
		return -1;
	if (!fgets(out, (int)cap, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(out);
	while (n && isspace((unsigned char)out[n - 1]))
		out[--n] = 0;
	return 0;
}

static int read_long(const char *path, long *v)
{
	char b[64], *end;
	if (read_line(path, b, sizeof b) < 0)
		return -1;
	*v = strtol(b, &end, 0);
	return end == b ? -1 : 0;
}

static void cpu_brand(struct cpu_facts *c)
{
	char line[512], *colon;
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (f) {
		while (fgets(line, sizeof line, f))
			if (strstr(line, "model name") && (colon = strchr(line, ':'))) {
				snprintf(c->brand, sizeof c->brand, "%s", colon + 1);
				break;
			}
		fclose(f);
	}
	if (!c->brand[0]) {                 /* ARM: the device tree's model */
		FILE *m = fopen("/proc/device-tree/model", "re");
		if (m) {
			size_t k = fread(c->brand, 1, sizeof c->brand - 1, m);
			c->brand[k] = 0;
			fclose(m);
		}
	}
	/* strip() */
	{
		char *s = c->brand;
		size_t n;
		while (isspace((unsigned char)*s))
			s++;
		memmove(c->brand, s, strlen(s) + 1);
		n = strlen(c->brand);
		while (n && isspace((unsigned char)c->brand[n - 1]))
			c->brand[--n] = 0;
	}
	c->have_brand = c->brand[0] != 0;
}

/* psutil cpu_count_cores(): distinct topology sibling lists */
static long physical_cores(void)
{
	static const char *const files[] = { "core_cpus_list", "thread_siblings_list" };
	char seen[256][64], path[320], b[64];
	for (int f = 0; f < 2; f++) {
		int n = 0, any = 0;
		DIR *d = opendir("/sys/devices/system/cpu");
		struct dirent *e;
		if (!d)
			return 0;
		while ((e = readdir(d)) && n < 256) {
			int dup = 0;
			if (strncmp(e->d_name, "cpu", 3) || !isdigit((unsigned char)e->d_name[3]))
				continue;
			snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/%s", e->d_name, files[f]);
			if (read_line(path, b, sizeof b) < 0)
				continue;
			any = 1;
			for (int i = 0; i < n; i++)
				dup |= !strcmp(seen[i], b);
			if (!dup)
				snprintf(seen[n++], sizeof seen[0], "%s", b);
		}
		closedir(d);
		if (any)
			return n;
	}
	return 0;
}

/* psutil cpu_freq(percpu=False): the mean over the policies */
static void cpu_freq(struct cpu_facts *c)
{
	char path[320], line[256];
	double cur = 0, mn = 0, mx = 0;
	int n = 0;
	DIR *d = opendir("/sys/devices/system/cpu/cpufreq");
	struct dirent *e;
	FILE *f;
	while (d && (e = readdir(d))) {
		long v, lo, hi;
		if (strncmp(e->d_name, "policy", 6) || !isdigit((unsigned char)e->d_name[6]))
			continue;
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpufreq/%s/scaling_cur_freq", e->d_name);
		if (read_long(path, &v) < 0) {
			snprintf(path, sizeof path, "/sys/devices/system/cpu/cpufreq/%s/cpuinfo_cur_freq", e->d_name);
			if (read_long(path, &v) < 0)
				continue;
		}
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpufreq/%s/scaling_min_freq", e->d_name);
		if (read_long(path, &lo) < 0)
			lo = 0;
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpufreq/%s/scaling_max_freq", e->d_name);
		if (read_long(path, &hi) < 0)
			hi = 0;
		cur += (double)v / 1000, mn += (double)lo / 1000, mx += (double)hi / 1000;
		n++;
	}
	if (d)
		closedir(d);
	if (!n && (f = fopen("/proc/cpuinfo", "re"))) {
		while (fgets(line, sizeof line, f))
			if (!strncasecmp(line, "cpu mhz", 7) && strchr(line, ':'))
				cur += strtod(strchr(line, ':') + 1, NULL), n++;
		fclose(f);
	}
	if (!n)
		return;
	c->have_freq = 1;
	c->cur = n == 1 ? cur : cur / n;
	c->min = n == 1 ? mn : mn / n;
	c->max = n == 1 ? mx : mx / n;
}

int ssys_cpu(struct cpu_facts *c)
{
	memset(c, 0, sizeof *c);
	cpu_brand(c);
	c->logical = sysconf(_SC_NPROCESSORS_ONLN);
	c->physical = physical_cores();
	cpu_freq(c);
	return 0;
}

int ssys_mem(struct mem_facts *m)
{
	char key[64];
	unsigned long long v;
	uint64_t total = 0, free_ = 0, buffers = 0, cached = 0, srecl = 0, avail = 0;
	int have_avail = 0;
	FILE *f = fopen("/proc/meminfo", "re");
	memset(m, 0, sizeof *m);
	if (!f)
		return -1;
	while (fscanf(f, "%63s %llu%*[^\n]", key, &v) == 2) {
		uint64_t b = (uint64_t)v * 1024;
		if (!strcmp(key, "MemTotal:")) total = b;
		else if (!strcmp(key, "MemFree:")) free_ = b;
		else if (!strcmp(key, "Buffers:")) buffers = b;
		else if (!strcmp(key, "Cached:")) cached = b;
		else if (!strcmp(key, "SReclaimable:")) srecl = b;
		else if (!strcmp(key, "MemAvailable:")) avail = b, have_avail = 1;
		else if (!strcmp(key, "SwapTotal:")) m->swap_total = b;
		else if (!strcmp(key, "SwapFree:")) m->swap_free = b;
	}
	fclose(f);
	cached += srecl;
	m->total = total;
	m->used = total >= free_ + cached + buffers ? total - free_ - cached - buffers : total - free_;
	m->available = have_avail ? avail : free_ + cached + buffers;
	m->swap_used = m->swap_total - m->swap_free;
	return 0;
}

/* /proc/filesystems types without "nodev" (and zfs) */
static int real_fstype(const char *type)
{
	char line[128];
	int ok = 0;
	FILE *f = fopen("/proc/filesystems", "re");
	if (!f)
		return 1;
	while (!ok && fgets(line, sizeof line, f)) {
		char *t = line;
		size_t n;
		if (!strncmp(line, "nodev", 5)) {
			t = line + 5;
			while (*t == '\t' || *t == ' ')
				t++;
			n = strcspn(t, "\n");
			ok = n == 3 && !strncmp(t, "zfs", 3) && !strcmp(type, "zfs");
			continue;
		}
		while (isspace((unsigned char)*t))
			t++;
		n = strcspn(t, " \t\n");
		ok = n == strlen(type) && !strncmp(t, type, n);
	}
	fclose(f);
	return ok;
}

int ssys_partitions(struct parts *p)
{
	struct mntent *m, me;
	char buf[8192];
	FILE *f = setmntent("/proc/self/mounts", "re");
	memset(p, 0, sizeof *p);
	if (!f)
		return -1;
	while ((m = getmntent_r(f, &me, buf, sizeof buf))) {
		struct part *q;
		struct stat sb;
		if (!strcmp(m->mnt_fsname, "none") || !m->mnt_fsname[0] || !real_fstype(m->mnt_type))
			continue;
		q = ssys_parts_add(p, m->mnt_fsname, m->mnt_dir, m->mnt_type, m->mnt_opts);
		if (stat(q->mountpoint, &sb) == 0) {
			q->have_dev = 1;
			q->dev_major = major(sb.st_dev), q->dev_minor = minor(sb.st_dev);
		}
		ssys_usage(q);
	}
	endmntent(f);
	return 0;
}

/* lsblk's SIZE: 1024-based, one letter, one decimal unless whole */
static void human_size(uint64_t bytes, char *out, size_t cap)
{
	static const char units[] = "BKMGTPE";
	int u = 0;
	uint64_t whole = bytes, rem = 0;
	while (whole >= 1024 && u < 6)
		rem = whole % 1024, whole /= 1024, u++;
	{
		unsigned dec = (unsigned)((rem * 10 + 512) / 1024);
		if (dec == 10)
			whole++, dec = 0;
		if (dec)
			snprintf(out, cap, "%llu.%u%c", (unsigned long long)whole, dec, units[u]);
		else
			snprintf(out, cap, "%llu%c", (unsigned long long)whole, units[u]);
	}
}

/* lsblk -d -o NAME,MODEL,SIZE, one space between: /sys/block but RAM
 * disks and loop devices with nothing attached, which lsblk leaves out */
int ssys_storage(struct strs *s)
{
	char path[600], model[256], size[32], line[600];
	struct dirent **names;
	int n = scandir("/sys/block", &names, NULL, alphasort);
	memset(s, 0, sizeof *s);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		long sectors;
		if (d[0] != '.' && strncmp(d, "ram", 3)) {
			snprintf(path, sizeof path, "/sys/block/%s/loop/backing_file", d);
			if (strncmp(d, "loop", 4) || access(path, F_OK) == 0) {
				snprintf(path, sizeof path, "/sys/block/%s/size", d);
				human_size(read_long(path, &sectors) == 0 ? (uint64_t)sectors * 512 : 0, size, sizeof size);
				snprintf(path, sizeof path, "/sys/block/%s/device/model", d);
				if (read_line(path, model, sizeof model) < 0)
					model[0] = 0;
				snprintf(line, sizeof line, "%s%s%s %s", d, model[0] ? " " : "", model, size);
				ssys_strs_add(s, line);
			}
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* /etc/os-release: NAME, VERSION_ID, VERSION_CODENAME, quotes stripped */
int ssys_distro(struct os_facts *o)
{
	char line[512];
	FILE *f = fopen("/etc/os-release", "re");
	if (!f)
		return -1;
	o->have_distro = 1;
	while (fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '='), *v, *out = NULL;
		size_t n, cap = 0;
		if (!eq)
			continue;
		*eq = 0, v = eq + 1;
		n = strcspn(v, "\n");
		v[n] = 0;
		while (n && v[0] == '"')
			v++, n--;
		while (n && v[n - 1] == '"')
			v[--n] = 0;
		if (!strcmp(line, "NAME"))
			out = o->dname, cap = sizeof o->dname;
		else if (!strcmp(line, "VERSION_ID"))
			out = o->dversion, cap = sizeof o->dversion;
		else if (!strcmp(line, "VERSION_CODENAME"))
			out = o->dcodename, cap = sizeof o->dcodename;
		if (out)
			snprintf(out, cap, "%s", v);
	}
	fclose(f);
	return 0;
}

int ssys_link_family(void)
{
	return AF_PACKET;
}

const char *ssys_link_family_name(void)
{
	return "AF_PACKET";
}

int ssys_linkaddr(const struct sockaddr *sa, unsigned char *mac, size_t cap)
{
	const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)sa;
	size_t n;
	if (sa->sa_family != AF_PACKET)
		return -1;
	n = ll->sll_halen < sizeof ll->sll_addr ? ll->sll_halen : sizeof ll->sll_addr;
	if (n > cap)
		n = cap;
	memcpy(mac, ll->sll_addr, n);
	return (int)n;
}

/* Up is IFF_RUNNING of getifaddrs's flags (the kernel's dev_get_flags(),
 * as SIOCGIFFLAGS gives psutil; sysfs "flags" lacks it); MTU and speed
 * from /sys/class/net/NAME (speed -1 or unreadable: unknown, 0). */
int ssys_if_stats(const char *name, unsigned flags, const void *link_data, int *up, long *speed,
                  long *mtu)
{
	char path[128];
	long s;
	(void)link_data;
	snprintf(path, sizeof path, "/sys/class/net/%s/mtu", name);
	if (read_long(path, mtu) < 0)
		return -1;
	snprintf(path, sizeof path, "/sys/class/net/%s/speed", name);
	*speed = read_long(path, &s) == 0 && s > 0 ? s : 0;
	*up = (flags & IFF_RUNNING) != 0;
	return 0;
}
