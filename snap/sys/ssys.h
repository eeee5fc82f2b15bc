/* ssys.h — iotrc-snap-sys internals. Layers, calls going down only:
 * iotrc-snap-sys.c (options, the five files written atomically) calls
 * ssys_json.c (each file's JSON, keys and values as upstream writes them)
 * and the gatherers: ssys_net.c (interfaces, getifaddrs(3)) and the per-OS
 * ssys_<os>.c (CPU, memory, disks, distribution, interface figures)
 * behind the interface below. Nothing here uses the network. */
#ifndef IOTRC_SSYS_H
#define IOTRC_SSYS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/utsname.h>

/* ---- ssys_<os>.c ---- */

struct cpu_facts {
	char brand[256];
	int have_brand;
	long logical, physical;    /* 0: unknown (null) */
	int have_freq;             /* psutil.cpu_freq(): current, min, max in MHz */
	double cur, min, max;
	int minmax_null;           /* current known, min and max not */
	int freq_ints;             /* macOS: whole MHz (psutil divides integers) */
};
int ssys_cpu(struct cpu_facts *c);

struct mem_facts {
	uint64_t total, available, used;
	uint64_t swap_total, swap_used, swap_free;
};
int ssys_mem(struct mem_facts *m);

struct part {
	char *device, *mountpoint, *fstype, *opts;
	int have_dev;              /* dev_major_minor of the mount point */
	unsigned dev_major, dev_minor;
	int have_usage;            /* psutil.disk_usage() */
	uint64_t total, used, free;
};
struct parts {
	struct part *v;
	size_t n, cap;
};
/* psutil.disk_partitions(all=False): the mounted file systems on devices */
int ssys_partitions(struct parts *p);
void ssys_parts_free(struct parts *p);
struct part *ssys_parts_add(struct parts *p, const char *device, const char *mountpoint,
                            const char *fstype, const char *opts);
/* statvfs of a mount point into p (total, used, free as psutil counts) */
int ssys_usage(struct part *p);

struct strs {
	char **v;
	size_t n, cap;
};
void ssys_strs_add(struct strs *s, const char *str);
void ssys_strs_free(struct strs *s);
/* storage_devices: one line per disk (the family ran lsblk / diskutil) */
int ssys_storage(struct strs *s);

struct os_facts {
	struct utsname u;
	int have_distro;           /* Linux: name, version, codename */
	char dname[256], dversion[128], dcodename[128];
};
int ssys_distro(struct os_facts *o);

/* An interface's link-layer address (AF_PACKET / AF_LINK) into mac, its
 * length; -1 when sa is not of the link family. */
int ssys_linkaddr(const struct sockaddr *sa, unsigned char *mac, size_t cap);
int ssys_link_family(void);
const char *ssys_link_family_name(void);   /* "AF_PACKET", "AF_LINK" */
/* psutil.net_if_stats() of one interface: up (IFF_RUNNING), speed in
 * Mbit/s (0 unknown), MTU. flags and link_data (the link entry's
 * ifa_data, or NULL) come from getifaddrs. 0, or -1 when not known. */
int ssys_if_stats(const char *name, unsigned flags, const void *link_data, int *up, long *speed,
                  long *mtu);

/* ---- ssys_net.c ---- */

struct addr {
	const char *family;        /* "AF_INET", "AF_INET6", the link family */
	char address[80];
	char netmask[80];          /* "" -> null */
	char broadcast[80];        /* "" -> null */
};
struct iface {
	char name[64];
	struct addr *a;
	size_t n, cap;
	int have_stats, is_up;
	long speed, mtu;
};
struct ifaces {
	struct iface *v;
	size_t n, cap;
};
/* psutil.net_if_addrs() and net_if_stats(): addresses grouped by
 * interface, in psutil's order (sorted by family number, then as
 * getifaddrs lists them). 0, or -1 and errno. */
int ssys_ifaces(struct ifaces *f);
void ssys_ifaces_free(struct ifaces *f);

/* ---- ssys_json.c: one file each; the text is NUL-terminated, caller frees ---- */

char *json_cpu(const struct cpu_facts *c, size_t *n);
char *json_memory(const struct mem_facts *m, size_t *n);
char *json_disk(const struct strs *storage, const struct parts *p, size_t *n);
char *json_network(const struct ifaces *f, const char *hostname, size_t *n);
/* country: "Unknown", never looked up (iotrc-snap-sys(1)) */
char *json_os(const struct os_facts *o, const char *hostname, size_t *n);
#endif
