/* mono.h — the monotonic clock every stream shares (DESIGN.md "Clocks"):
 * Linux CLOCK_MONOTONIC (= bpftrace nsecs); macOS mach_absolute_time()
 * converted with the timebase (= DTrace machtimestamp, CLOCK_UPTIME_RAW). */
#ifndef IOTRC_MONO_H
#define IOTRC_MONO_H
#include <stdint.h>
int64_t mono_now_ns(void);
void mono_timebase(uint32_t *numer, uint32_t *denom);
/* ticks * numer / denom without overflow */
static inline int64_t mono_ticks_to_ns(int64_t t, uint32_t numer, uint32_t denom)
{
	if (numer == denom || denom == 0)
		return t;
	return (int64_t)((__int128)t * numer / denom);
}
#endif
