/* hostid.c — see hostid.h. The fallbacks are upstream's order
 * (io-tracer-mac:src/utility/utils.py:318-360, upstream.md §6). */
#include "hostid.h"
#include "crypto.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void machine_id_raw(char *out, size_t cap)
{
	if (hostid_raw(out, cap) == 0 && *out)
		return;
	if (cap > 1 && gethostname(out, cap - 1) == 0) {
		out[cap - 1] = '\0';
		if (*out)
			return;
	}
	snprintf(out, cap, "unknown-host");
}

void machine_id_of(const char *raw, int upper, char out[MACHINE_ID_LEN + 1])
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *dig = upper ? up : lo;
	uint8_t h[32];
	sha256(raw, strlen(raw), h);
	for (int i = 0; i < MACHINE_ID_LEN / 2; i++) {
		out[2 * i] = dig[h[i] >> 4];
		out[2 * i + 1] = dig[h[i] & 15];
	}
	out[MACHINE_ID_LEN] = '\0';
}

void machine_id(int upper, char out[MACHINE_ID_LEN + 1])
{
	char raw[256];
	machine_id_raw(raw, sizeof raw);
	machine_id_of(raw, upper, out);
}

int machine_id_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}
