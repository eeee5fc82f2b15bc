/* fuzz_iotrc.c — iotrc.yml(5) from anywhere (bin/iotrc/iotrc_conf.c's
 * conf_load_buf over libyaml). Properties besides memory safety: an
 * error is one non-empty line and leaves the configuration as it was
 * (all or nothing); an accepted file prints (--print-config) as text that
 * reads back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iotrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct conf c, before, again;
	char err[1024];
	conf_defaults(&c);
	before = c;
	if (conf_load_buf(&c, (const char *)d, n, "f.yml", err, sizeof err) < 0) {
		if (!err[0] || strchr(err, '\n') || memcmp(&c, &before, sizeof c))
			abort();
		return 0;
	}
	char *t1 = conf_print(&c);
	conf_defaults(&again);
	if (conf_load_buf(&again, t1, strlen(t1), "p.yml", err, sizeof err) < 0)
		abort();
	char *t2 = conf_print(&again);
	if (strcmp(t1, t2))
		abort();
	free(t1);
	free(t2);
	return 0;
}
