/* pyfmt_dump — for tests/pyfmt.t: reads lines "r DOUBLE_BITS_HEX",
 * "t SEC NSEC" from stdin and prints lib/pyfmt.h's answer for each: the
 * repr of the double; str(datetime.fromtimestamp(st_mtime)) for os.stat's
 * float of SEC.NSEC, in the local zone (wallclock.h). */
#include "pyfmt.h"
#include "wallclock.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char line[256], out[64];
	struct walltz z;
	walltz_init(&z);
	while (fgets(line, sizeof line, stdin)) {
		if (line[0] == 'r') {
			uint64_t bits = strtoull(line + 2, NULL, 16);
			double v;
			memcpy(&v, &bits, sizeof v);
			py_repr_double(v, out);
		} else if (line[0] == 't') {
			char *end;
			long long sec = strtoll(line + 2, &end, 10), nsec = strtoll(end, NULL, 10);
			int64_t s;
			int32_t us;
			py_fromtimestamp(py_stat_time(sec, nsec), &s, &us);
			wall_fmt_py(&z, s, us, out);
		} else {
			continue;
		}
		puts(out);
	}
	return 0;
}
