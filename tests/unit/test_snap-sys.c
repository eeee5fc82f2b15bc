/* test_snap-sys.c — lib/json.c against what Python's json.dumps(obj,
 * indent=2) writes (nesting, empty containers, escapes, non-ASCII, bad
 * UTF-8, floats, misuse), and iotrc-snap-sys's five files from fixed
 * facts, byte for byte. */
#include "check.h"
#include "json.h"
#include "ssys.h"
#include <stdlib.h>
#include <string.h>

static void test_json(void)
{
	struct json j;
	size_t n;
	const char *t;
	json_init_py(&j);
	json_obj(&j);
	json_key(&j, "s"), json_cstr(&j, "a\"b\\c\n\t\x01\x7f/");
	json_key(&j, "u"), json_cstr(&j, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");   /* é € 😀 */
	json_key(&j, "bad"), json_cstr(&j, "x\xff\xc3(y");
	json_key(&j, "i"), json_s64(&j, -42);
	json_key(&j, "big"), json_u64(&j, 18446744073709551615ull);
	json_key(&j, "f"), json_double(&j, 2.0);
	json_key(&j, "g"), json_double(&j, 1e-05);
	json_key(&j, "h"), json_double(&j, 23.54);
	json_key(&j, "t"), json_bool(&j, 1);
	json_key(&j, "n"), json_null(&j);
	json_key(&j, "nul"), json_cstr(&j, NULL);
	json_key(&j, "empty"), json_arr(&j), json_end(&j);
	json_key(&j, "eo"), json_obj(&j), json_end(&j);
	json_key(&j, "a"), json_arr(&j);
	json_s64(&j, 1);
	json_obj(&j);
	json_key(&j, "k"), json_cstr(&j, "v");
	json_end(&j);
	json_end(&j);
	json_end(&j);
	t = json_take(&j, &n);
	CHECK(t != NULL);
	CHECK_STR(t ? t : "",
	          "{\n"
	          "  \"s\": \"a\\\"b\\\\c\\n\\t\\u0001\\u007f/\",\n"
	          "  \"u\": \"\\u00e9\\u20ac\\ud83d\\ude00\",\n"
	          "  \"bad\": \"x\\ufffd\\ufffd(y\",\n"
	          "  \"i\": -42,\n"
	          "  \"big\": 18446744073709551615,\n"
	          "  \"f\": 2.0,\n"
	          "  \"g\": 1e-05,\n"
	          "  \"h\": 23.54,\n"
	          "  \"t\": true,\n"
	          "  \"n\": null,\n"
	          "  \"nul\": null,\n"
	          "  \"empty\": [],\n"
	          "  \"eo\": {},\n"
	          "  \"a\": [\n"
	          "    1,\n"
	          "    {\n"
	          "      \"k\": \"v\"\n"
	          "    }\n"
	          "  ]\n"
	          "}");
	CHECK(t && n == strlen(t));
	free((char *)t);
}

static void test_files(void)
{
	struct cpu_facts c = { .logical = 8, .physical = 4, .have_brand = 1, .have_freq = 1,
	                       .cur = 2299.998, .min = 0.0, .max = 0.0 };
	struct mem_facts m = { .total = 25276194816ull, .available = 24314691584ull,
	                       .used = 624160768ull, .swap_total = 0, .swap_used = 0, .swap_free = 0 };
	struct part pv[2] = {
		{ .device = "/dev/vda", .mountpoint = "/", .fstype = "ext4", .opts = "rw,relatime",
		  .have_dev = 1, .dev_major = 254, .dev_minor = 0, .have_usage = 1,
		  .total = 270553174016ull, .used = 25614983168ull, .free = 77130297344ull },
		{ .device = "/dev/sdb1", .mountpoint = "/mnt/x", .fstype = "vfat", .opts = "ro" },
	};
	struct parts p = { pv, 2, 2 };
	char *sv[] = { "vda 256G" };
	struct strs s = { sv, 1, 1 };
	struct addr a[2] = { { "AF_INET", "192.0.2.2", "255.255.255.0", "192.0.2.255" },
	                     { "AF_PACKET", "02:fc:00:00:00:01", "", "ff:ff:ff:ff:ff:ff" } };
	struct iface fv[2] = { { "eth0", a, 2, 2, 1, 1, 0, 1400 }, { "tun0", NULL, 0, 0, 0, 0, 0, 0 } };
	struct ifaces f = { fv, 2, 2 };
	struct os_facts o = { 0 };
	char *t;
	size_t n;
	snprintf(c.brand, sizeof c.brand, "Intel(R) Xeon(R) Processor");
	t = json_cpu(&c, &n);
	CHECK_STR(t, "{\n  \"brand\": \"Intel(R) Xeon(R) Processor\",\n  \"cores_logical\": 8,\n"
	             "  \"cores_physical\": 4,\n  \"frequency_mhz\": 2299.998,\n"
	             "  \"frequency_min_mhz\": 0.0,\n  \"frequency_max_mhz\": 0.0\n}");
	free(t);
	c.have_freq = 1, c.freq_ints = 1, c.cur = 2400, c.min = 1200, c.max = 3000, c.physical = 0;
	t = json_cpu(&c, &n);
	CHECK(strstr(t, "\"cores_physical\": null,\n  \"frequency_mhz\": 2400,\n  \"frequency_min_mhz\": 1200,") != NULL);
	free(t);
	t = json_memory(&m, &n);
	CHECK_STR(t, "{\n  \"total_bytes\": 25276194816,\n  \"available_bytes\": 24314691584,\n"
	             "  \"used_bytes\": 624160768,\n  \"percent_used\": 3.8,\n  \"total_gb\": 23.54,\n"
	             "  \"available_gb\": 22.64,\n  \"swap_total_bytes\": 0,\n  \"swap_used_bytes\": 0,\n"
	             "  \"swap_free_bytes\": 0\n}");
	free(t);
	t = json_disk(&s, &p, &n);
	CHECK_STR(t, "{\n  \"storage_devices\": [\n    \"vda 256G\"\n  ],\n  \"partitions\": [\n    {\n"
	             "      \"device\": \"/dev/vda\",\n      \"mountpoint\": \"/\",\n      \"fstype\": \"ext4\",\n"
	             "      \"opts\": \"rw,relatime\",\n      \"dev_major_minor\": \"254:0\",\n"
	             "      \"total_bytes\": 270553174016,\n      \"used_bytes\": 25614983168,\n"
	             "      \"free_bytes\": 77130297344,\n      \"percent_used\": 24.9\n    },\n    {\n"
	             "      \"device\": \"/dev/sdb1\",\n      \"mountpoint\": \"/mnt/x\",\n"
	             "      \"fstype\": \"vfat\",\n      \"opts\": \"ro\",\n      \"dev_major_minor\": null\n"
	             "    }\n  ],\n  \"gpus\": []\n}");
	free(t);
	t = json_network(&f, "vm", &n);
	CHECK_STR(t, "{\n  \"interfaces\": {\n    \"eth0\": {\n      \"addresses\": [\n        {\n"
	             "          \"family\": \"AF_INET\",\n          \"address\": \"192.0.2.2\",\n"
	             "          \"netmask\": \"255.255.255.0\",\n          \"broadcast\": \"192.0.2.255\"\n"
	             "        },\n        {\n          \"family\": \"AF_PACKET\",\n"
	             "          \"address\": \"02:fc:00:00:00:01\",\n          \"netmask\": null,\n"
	             "          \"broadcast\": \"ff:ff:ff:ff:ff:ff\"\n        }\n      ],\n"
	             "      \"is_up\": true,\n      \"speed_mbps\": 0,\n      \"mtu\": 1400\n    },\n"
	             "    \"tun0\": {\n      \"addresses\": [],\n      \"is_up\": false,\n"
	             "      \"speed_mbps\": null,\n      \"mtu\": null\n    }\n  },\n  \"hostname\": \"vm\"\n}");
	free(t);
	snprintf(o.u.sysname, sizeof o.u.sysname, "Darwin");
	snprintf(o.u.release, sizeof o.u.release, "23.4.0");
	snprintf(o.u.version, sizeof o.u.version, "Darwin Kernel Version 23.4.0");
	snprintf(o.u.machine, sizeof o.u.machine, "arm64");
	t = json_os(&o, "mac", &n);
	CHECK_STR(t, "{\n  \"system\": \"Darwin\",\n  \"release\": \"23.4.0\",\n"
	             "  \"version\": \"Darwin Kernel Version 23.4.0\",\n  \"machine\": \"arm64\",\n"
	             "  \"hostname\": \"mac\",\n  \"country\": \"Unknown\"\n}");
	free(t);
	o.have_distro = 1;
	snprintf(o.dname, sizeof o.dname, "Debian GNU/Linux");
	snprintf(o.dversion, sizeof o.dversion, "12");
	snprintf(o.dcodename, sizeof o.dcodename, "bookworm");
	t = json_os(&o, "vm", &n);
	CHECK(strstr(t, "\"country\": \"Unknown\",\n  \"distribution\": {\n    \"name\": \"Debian GNU/Linux\",\n"
	                "    \"version\": \"12\",\n    \"codename\": \"bookworm\"\n  }\n}") != NULL);
	free(t);
}

int main(void)
{
	test_json();
	test_files();
	return CHECK_DONE();
}
