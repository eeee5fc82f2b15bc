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

static char *done(struct json *j, size_t *n)
{
	const char *t = json_text(j, n);
	char *out = t ? xstrdup(t) : NULL;
	json_free(j);
	return out;
}

/* psutil._common.usage_percent(used, total, round_=1) */
static double usage_percent(double used, double total)
{
	return total == 0 ? 0.0 : py_round(used / total * 100, 1);
}

char *json_cpu(const struct cpu_facts *c, size_t *n)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j, NULL);
	json_str(&j, "brand", c->have_brand ? c->brand : NULL);
	if (c->logical > 0)
		json_int(&j, "cores_logical", c->logical);
	else
		json_null(&j, "cores_logical");
	if (c->physical > 0)
		json_int(&j, "cores_physical", c->physical);
	else
		json_null(&j, "cores_physical");
	if (c->have_freq && c->freq_ints) {
		json_int(&j, "frequency_mhz", (int64_t)c->cur);
		json_int(&j, "frequency_min_mhz", (int64_t)c->min);
		json_int(&j, "frequency_max_mhz", (int64_t)c->max);
	} else if (c->have_freq) {
		json_float(&j, "frequency_mhz", c->cur);
		if (c->minmax_null) {
			json_null(&j, "frequency_min_mhz");
			json_null(&j, "frequency_max_mhz");
		} else {
			json_float(&j, "frequency_min_mhz", c->min);
			json_float(&j, "frequency_max_mhz", c->max);
		}
	} else {
		json_null(&j, "frequency_mhz");
		json_null(&j, "frequency_min_mhz");
		json_null(&j, "frequency_max_mhz");
	}
	json_obj_end(&j);
	return done(&j, n);
}

char *json_memory(const struct mem_facts *m, size_t *n)
{
	struct json j;
	const double gib = 1024.0 * 1024.0 * 1024.0;
	json_init(&j);
	json_obj_begin(&j, NULL);
	json_uint(&j, "total_bytes", m->total);
	json_uint(&j, "available_bytes", m->available);
	json_uint(&j, "used_bytes", m->used);
	json_float(&j, "percent_used", usage_percent((double)(m->total - m->available), (double)m->total));
	json_float(&j, "total_gb", py_round((double)m->total / gib, 2));
	json_float(&j, "available_gb", py_round((double)m->available / gib, 2));
	json_uint(&j, "swap_total_bytes", m->swap_total);
	json_uint(&j, "swap_used_bytes", m->swap_used);
	json_uint(&j, "swap_free_bytes", m->swap_free);
	json_obj_end(&j);
	return done(&j, n);
}

char *json_disk(const struct strs *storage, const struct parts *p, size_t *n)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "storage_devices");
	for (size_t i = 0; i < storage->n; i++)
		json_str(&j, NULL, storage->v[i]);
	json_arr_end(&j);
	json_arr_begin(&j, "partitions");
	for (size_t i = 0; i < p->n; i++) {
		const struct part *q = &p->v[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "device", q->device);
		json_str(&j, "mountpoint", q->mountpoint);
		json_str(&j, "fstype", q->fstype);
		json_str(&j, "opts", q->opts);
		if (q->have_dev) {
			char b[48];
			size_t k = fmt_u64(b, q->dev_major);
			b[k++] = ':';
			k += fmt_u64(b + k, q->dev_minor);
			json_strn(&j, "dev_major_minor", b, k);
		} else {
			json_null(&j, "dev_major_minor");
		}
		if (q->have_usage) {       /* upstream leaves the keys out when it fails */
			json_uint(&j, "total_bytes", q->total);
			json_uint(&j, "used_bytes", q->used);
			json_uint(&j, "free_bytes", q->free);
			json_float(&j, "percent_used", usage_percent((double)q->used, (double)(q->used + q->free)));
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "gpus");
	json_arr_end(&j);
	json_obj_end(&j);
	return done(&j, n);
}

char *json_network(const struct ifaces *f, const char *hostname, size_t *n)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j, NULL);
	json_obj_begin(&j, "interfaces");
	for (size_t i = 0; i < f->n; i++) {
		const struct iface *fc = &f->v[i];
		json_obj_begin(&j, fc->name);
		json_arr_begin(&j, "addresses");
		for (size_t k = 0; k < fc->n; k++) {
			const struct addr *a = &fc->a[k];
			json_obj_begin(&j, NULL);
			json_str(&j, "family", a->family);
			json_str(&j, "address", a->address);
			json_str(&j, "netmask", a->netmask[0] ? a->netmask : NULL);
			json_str(&j, "broadcast", a->broadcast[0] ? a->broadcast : NULL);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_bool(&j, "is_up", fc->have_stats && fc->is_up);
		if (fc->have_stats) {
			json_int(&j, "speed_mbps", fc->speed);
			json_int(&j, "mtu", fc->mtu);
		} else {
			json_null(&j, "speed_mbps");
			json_null(&j, "mtu");
		}
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_str(&j, "hostname", hostname);
	json_obj_end(&j);
	return done(&j, n);
}

char *json_os(const struct os_facts *o, const char *hostname, size_t *n)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j, NULL);
	json_str(&j, "system", o->u.sysname);
	json_str(&j, "release", o->u.release);
	json_str(&j, "version", o->u.version);
	json_str(&j, "machine", o->u.machine);
	json_str(&j, "hostname", hostname);
	json_str(&j, "country", "Unknown");
	if (o->have_distro) {
		json_obj_begin(&j, "distribution");
		json_str(&j, "name", o->dname);
		json_str(&j, "version", o->dversion);
		json_str(&j, "codename", o->dcodename);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	return done(&j, n);
}
