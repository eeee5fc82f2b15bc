/* mono.h — the monotonic clock every stream shares (DESIGN.md "Clocks"):
 * Linux CLOCK_MONOTONIC (= bpftrace nsecs); macOS mach_absolute_time()
 * converted with the timebase (= DTrace machtimestamp, CLOCK_UPTIME_RAW). */
#ifndef IOTRC_MONO_H
#define IOTRC_MONO_H
#include <stdint.h>
int64_t mono_now_ns(void);
void mono_timebase(uint32_t *numer, uint32_t *denom);
/* ticks * numer / denom without overflow; INT64_MIN if it does not fit */
static inline int64_t mono_ticks_to_ns(int64_t t, uint32_t numer, uint32_t denom)
{
	__int128 v;
	if (numer == denom || denom == 0)
		return t;
	v = (__int128)t * numer / denom;
	return v > INT64_MAX || v < -INT64_MAX ? INT64_MIN : (int64_t)v;
}
/* end - start in ns; -1 if either is unknown (INT64_MIN), the span is
 * negative, or it does not fit */
static inline int64_t mono_span(int64_t end, int64_t start)
{
	int64_t d;
	if (end == INT64_MIN || start == INT64_MIN || __builtin_sub_overflow(end, start, &d) || d < 0)
		return -1;
	return d;
}
#endif
