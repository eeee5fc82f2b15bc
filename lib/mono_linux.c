/* mono_linux.c — CLOCK_MONOTONIC, the clock of bpftrace's nsecs. */
#include "mono.h"
#include <time.h>

int64_t mono_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void mono_timebase(uint32_t *numer, uint32_t *denom)
{
	*numer = *denom = 1;
}
