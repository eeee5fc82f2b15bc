/* ssys_net.c — network interfaces as psutil.net_if_addrs() and
 * net_if_stats() report them (psutil _psutil_posix.c, __init__.py):
 * getifaddrs(3) entries without an address or with an empty link-layer
 * address are left out; IPv4 and IPv6 addresses are written by
 * getnameinfo(NI_NUMERICHOST) (a link-local IPv6 address keeps its
 * "%scope"), link-layer ones as lowercase hex pairs joined by ':' and
 * padded to six; the broadcast address only when IFF_BROADCAST. The list
 * is sorted by family number, stably, and interfaces come in the order
 * they first appear in it. */
#include "ssys.h"
#include "util.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mac_text(const unsigned char *mac, int len, char *out, size_t cap)
{
	size_t o = 0;
	for (int i = 0; i < len && o + 4 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%02x", i ? ":" : "", mac[i]);
	for (int i = len; i < 6 && o + 4 < cap; i++)   /* psutil pads to six */
		o += (size_t)snprintf(out + o, cap - o, ":00");
}

/* The text of sa in its entry's family; "" when there is none. */
static void addr_text(const struct sockaddr *sa, int family, int numeric_host, char *out, size_t cap)
{
	unsigned char mac[64];
	int k;
	out[0] = 0;
	if (!sa)
		return;
	if (family == AF_INET || family == AF_INET6) {
		socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		if (numeric_host && sa->sa_family == family &&
		    getnameinfo(sa, len, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) == 0)
			return;
		/* netmasks: some systems leave sa_family unset; the bytes are there */
		if (family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
		else
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
		return;
	}
	if ((k = ssys_linkaddr(sa, mac, sizeof mac)) > 0)
		mac_text(mac, k, out, cap);
}

static struct iface *iface_of(struct ifaces *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	memset(&f->v[f->n], 0, sizeof f->v[0]);
	snprintf(f->v[f->n].name, sizeof f->v[0].name, "%s", name);
	return &f->v[f->n++];
}

static const char *family_name(int fam)
{
	return fam == AF_INET ? "AF_INET" : fam == AF_INET6 ? "AF_INET6" : ssys_link_family_name();
}

int ssys_ifaces(struct ifaces *f)
{
	struct ifaddrs *all, *e;
	int fams[3] = { AF_INET, AF_INET6, ssys_link_family() };
	memset(f, 0, sizeof *f);
	if (getifaddrs(&all) < 0)
		return -1;
	/* the three families in numeric order: psutil sorts by family */
	for (int a = 0; a < 3; a++)
		for (int b = a + 1; b < 3; b++)
			if (fams[b] < fams[a]) {
				int t = fams[a];
				fams[a] = fams[b], fams[b] = t;
			}
	for (int k = 0; k < 3; k++)
		for (e = all; e; e = e->ifa_next) {
			struct addr ad = { 0 };
			struct iface *fc;
			if (!e->ifa_addr || e->ifa_addr->sa_family != fams[k])
				continue;
			addr_text(e->ifa_addr, fams[k], 1, ad.address, sizeof ad.address);
			if (!ad.address[0])
				continue;           /* psutil: no primary address, no entry */
			ad.family = family_name(fams[k]);
			addr_text(e->ifa_netmask, fams[k], 0, ad.netmask, sizeof ad.netmask);
			if (e->ifa_flags & IFF_BROADCAST)
				addr_text(e->ifa_broadaddr, fams[k], 0, ad.broadcast, sizeof ad.broadcast);
			fc = iface_of(f, e->ifa_name);
			if (fc->n == fc->cap) {
				fc->cap = fc->cap ? 2 * fc->cap : 4;
				fc->a = xrealloc(fc->a, fc->cap * sizeof *fc->a);
			}
			fc->a[fc->n++] = ad;
		}
	for (size_t i = 0; i < f->n; i++) {
		struct iface *fc = &f->v[i];
		unsigned flags = 0;
		const void *data = NULL;
		for (e = all; e; e = e->ifa_next)
			if (!strcmp(e->ifa_name, fc->name)) {
				flags |= e->ifa_flags;
				if (e->ifa_addr && e->ifa_addr->sa_family == ssys_link_family())
					data = e->ifa_data;
			}
		fc->have_stats = ssys_if_stats(fc->name, flags, data, &fc->is_up, &fc->speed, &fc->mtu) == 0;
	}
	freeifaddrs(all);
	return 0;
}

void ssys_ifaces_free(struct ifaces *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].a);
	free(f->v);
	memset(f, 0, sizeof *f);
}
