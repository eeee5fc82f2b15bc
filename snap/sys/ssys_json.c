/* ssys_json.c — the five system_spec files, with the keys, order and
 * value forms of the family's SystemSnapper (upstream.md §3):
 * json.dumps(indent=2), integers for bytes and counts, Python floats for
 * MHz and percents, percents rounded to one decimal (psutil's
 * usage_percent), gigabytes (GiB) to two; null where psutil gave None. */
#include "ssys.h"
#include "json.h"
#include "pyfmt.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

/* lib/json in Python's style, called with the member's key (NULL inside
 * an array), as the family's dicts read. */
static void key(struct json *j, const char *k)
{
	if (k)
		json_key(j, k);
}
static void k_obj(struct json *j, const char *k) { key(j, k), json_obj(j); }
static void k_arr(struct json *j, const char *k) { key(j, k), json_arr(j); }
static void k_str(struct json *j, const char *k, const char *s) { key(j, k), json_cstr(j, s); }
static void k_strn(struct json *j, const char *k, const char *s, size_t n) { key(j, k), json_str(j, s, n); }
static void k_int(struct json *j, const char *k, int64_t v) { key(j, k), json_s64(j, v); }
static void k_uint(struct json *j, const char *k, uint64_t v) { key(j, k), json_u64(j, v); }
static void k_float(struct json *j, const char *k, double v) { key(j, k), json_double(j, v); }
static void k_bool(struct json *j, const char *k, int v) { key(j, k), json_bool(j, v); }
static void k_null(struct json *j, const char *k) { key(j, k), json_null(j); }

static char *done(struct json *j, size_t *n)
{
	return json_take(j, n);
}

/* psutil._common.usage_percent(used, total, round_=1) */
static double usage_percent(double used, double total)
{
	return total == 0 ? 0.0 : py_round(used / total * 100, 1);
}

char *json_cpu(const struct cpu_facts *c, size_t *n)
{
	struct json j;
	json_init_py(&j);
	k_obj(&j, NULL);
	k_str(&j, "brand", c->have_brand ? c->brand : NULL);
	if (c->logical > 0)
		k_int(&j, "cores_logical", c->logical);
	else
		k_null(&j, "cores_logical");
	if (c->physical > 0)
		k_int(&j, "cores_physical", c->physical);
	else
		k_null(&j, "cores_physical");
	if (c->have_freq && c->freq_ints) {
		k_int(&j, "frequency_mhz", (int64_t)c->cur);
		k_int(&j, "frequency_min_mhz", (int64_t)c->min);
		k_int(&j, "frequency_max_mhz", (int64_t)c->max);
	} else if (c->have_freq) {
		k_float(&j, "frequency_mhz", c->cur);
		if (c->minmax_null) {
			k_null(&j, "frequency_min_mhz");
			k_null(&j, "frequency_max_mhz");
		} else {
			k_float(&j, "frequency_min_mhz", c->min);
			k_float(&j, "frequency_max_mhz", c->max);
		}
	} else {
		k_null(&j, "frequency_mhz");
		k_null(&j, "frequency_min_mhz");
		k_null(&j, "frequency_max_mhz");
	}
	json_end(&j);
	return done(&j, n);
}

char *json_memory(const struct mem_facts *m, size_t *n)
{
	struct json j;
	const double gib = 1024.0 * 1024.0 * 1024.0;
	json_init_py(&j);
	k_obj(&j, NULL);
	k_uint(&j, "total_bytes", m->total);
	k_uint(&j, "available_bytes", m->available);
	k_uint(&j, "used_bytes", m->used);
	k_float(&j, "percent_used", usage_percent((double)(m->total - m->available), (double)m->total));
	k_float(&j, "total_gb", py_round((double)m->total / gib, 2));
	k_float(&j, "available_gb", py_round((double)m->available / gib, 2));
	k_uint(&j, "swap_total_bytes", m->swap_total);
	k_uint(&j, "swap_used_bytes", m->swap_used);
	k_uint(&j, "swap_free_bytes", m->swap_free);
	json_end(&j);
	return done(&j, n);
}

char *json_disk(const struct strs *storage, const struct parts *p, size_t *n)
{
	struct json j;
	json_init_py(&j);
	k_obj(&j, NULL);
	k_arr(&j, "storage_devices");
	for (size_t i = 0; i < storage->n; i++)
		k_str(&j, NULL, storage->v[i]);
	json_end(&j);
	k_arr(&j, "partitions");
	for (size_t i = 0; i < p->n; i++) {
		const struct part *q = &p->v[i];
		k_obj(&j, NULL);
		k_str(&j, "device", q->device);
		k_str(&j, "mountpoint", q->mountpoint);
		k_str(&j, "fstype", q->fstype);
		k_str(&j, "opts", q->opts);
		if (q->have_dev) {
			char b[48];
			size_t k = fmt_u64(b, q->dev_major);
			b[k++] = ':';
			k += fmt_u64(b + k, q->dev_minor);
			k_strn(&j, "dev_major_minor", b, k);
		} else {
			k_null(&j, "dev_major_minor");
		}
		if (q->have_usage) {       /* upstream leaves the keys out when it fails */
			k_uint(&j, "total_bytes", q->total);
			k_uint(&j, "used_bytes", q->used);
			k_uint(&j, "free_bytes", q->free);
			k_float(&j, "percent_used", usage_percent((double)q->used, (double)(q->used + q->free)));
		}
		json_end(&j);
	}
	json_end(&j);
	k_arr(&j, "gpus");
	json_end(&j);
	json_end(&j);
	return done(&j, n);
}

char *json_network(const struct ifaces *f, const char *hostname, size_t *n)
{
	struct json j;
	json_init_py(&j);
	k_obj(&j, NULL);
	k_obj(&j, "interfaces");
	for (size_t i = 0; i < f->n; i++) {
		const struct iface *fc = &f->v[i];
		k_obj(&j, fc->name);
		k_arr(&j, "addresses");
		for (size_t k = 0; k < fc->n; k++) {
			const struct addr *a = &fc->a[k];
			k_obj(&j, NULL);
			k_str(&j, "family", a->family);
			k_str(&j, "address", a->address);
			k_str(&j, "netmask", a->netmask[0] ? a->netmask : NULL);
			k_str(&j, "broadcast", a->broadcast[0] ? a->broadcast : NULL);
			json_end(&j);
		}
		json_end(&j);
		k_bool(&j, "is_up", fc->have_stats && fc->is_up);
		if (fc->have_stats) {
			k_int(&j, "speed_mbps", fc->speed);
			k_int(&j, "mtu", fc->mtu);
		} else {
			k_null(&j, "speed_mbps");
			k_null(&j, "mtu");
		}
		json_end(&j);
	}
	json_end(&j);
	k_str(&j, "hostname", hostname);
	json_end(&j);
	return done(&j, n);
}

char *json_os(const struct os_facts *o, const char *hostname, size_t *n)
{
	struct json j;
	json_init_py(&j);
	k_obj(&j, NULL);
	k_str(&j, "system", o->u.sysname);
	k_str(&j, "release", o->u.release);
	k_str(&j, "version", o->u.version);
	k_str(&j, "machine", o->u.machine);
	k_str(&j, "hostname", hostname);
	k_str(&j, "country", "Unknown");
	if (o->have_distro) {
		k_obj(&j, "distribution");
		k_str(&j, "name", o->dname);
		k_str(&j, "version", o->dversion);
		k_str(&j, "codename", o->dcodename);
		json_end(&j);
	}
	json_end(&j);
	return done(&j, n);
}
