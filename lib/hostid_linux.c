/* hostid_linux.c — the raw machine id on Linux: the first non-empty line
 * of /etc/machine-id, as io-tracer-linux reads it (upstream.md §6). */
#include "hostid.h"
#include <stdio.h>
#include <string.h>

int hostid_raw(char *out, size_t cap)
{
	char line[256];
	FILE *f = fopen("/etc/machine-id", "re");
	int found = -1;
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		char *s = line, *e;
		while (*s == ' ' || *s == '\t' || *s == '"')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
		                 e[-1] == '\t' || e[-1] == '"'))
			e--;
		if (e > s && (size_t)(e - s) < cap) {
			memcpy(out, s, (size_t)(e - s));
			out[e - s] = '\0';
			found = 0;
		}
	}
	fclose(f);
	return found;
}
