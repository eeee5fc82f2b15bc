/* hostid_darwin.c — the raw machine id on macOS: the hardware UUID from
 * gethostuuid(2), which is the IOPlatformUUID that upstream reads from
 * `ioreg -rd1 -c IOPlatformExpertDevice` (upstream.md §6), formatted upper
 * case as ioreg prints it (DESIGN.md), so the id matches the family's. */
#include "hostid.h"
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

int hostid_raw(char *out, size_t cap)
{
	uuid_t u;
	struct timespec wait = { 1, 0 };
	if (cap < 37 || gethostuuid(u, &wait) != 0)
		return -1;
	uuid_unparse_upper(u, out);
	return 0;
}
