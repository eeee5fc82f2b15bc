/* mono_darwin.c — mach_absolute_time() in ns: the clock of DTrace's
 * machtimestamp (shared/notes/macos-dtrace.md §2.3), also CLOCK_UPTIME_RAW.
 * Ticks are not ns on Apple silicon; convert with the timebase. */
#include "mono.h"
#include <mach/mach_time.h>

void mono_timebase(uint32_t *numer, uint32_t *denom)
{
	static mach_timebase_info_data_t tb;
	if (tb.denom == 0 && mach_timebase_info(&tb) != KERN_SUCCESS)
		tb.numer = tb.denom = 1;
	*numer = tb.numer, *denom = tb.denom;
}

int64_t mono_now_ns(void)
{
	uint32_t n, d;
	mono_timebase(&n, &d);
	return mono_ticks_to_ns((int64_t)mach_absolute_time(), n, d);
}
