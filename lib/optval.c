/* optval.c — see optval.h. */
#include "optval.h"
#include "util.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S INT64_C(1000000000)

static const struct { char c; uint64_t mult; } size_units[] = {
	{ 'k', 1ull << 10 }, { 'K', 1ull << 10 }, { 'm', 1ull << 20 }, { 'M', 1ull << 20 },
	{ 'g', 1ull << 30 }, { 'G', 1ull << 30 },
};

int parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	uint64_t mult = 1, v;
	for (size_t i = 0; n && i < sizeof size_units / sizeof size_units[0]; i++)
		if (s[n - 1] == size_units[i].c) {
			mult = size_units[i].mult;
			n--;
			break;
		}
	if (parse_u64_n(s, n, &v) < 0 || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static const struct { const char *suffix; double mult; } dur_units[] = {
	{ "", 1 }, { "s", 1 }, { "ms", 0.001 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
};

int parse_duration(const char *s, double *secs)
{
	char *end;
	double v;
	size_t k = strspn(s, "0123456789.");
	if (k == 0 || strlen(s + k) > 2)   /* digits, then a suffix: no nan, inf, hex, sign */
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end != s + k || errno || v < 0)
		return -1;
	for (size_t i = 0; i < sizeof dur_units / sizeof dur_units[0]; i++)
		if (strcmp(end, dur_units[i].suffix) == 0) {
			*secs = v * dur_units[i].mult;
			return 0;
		}
	return -1;
}

void fmt_size(char *out, size_t cap, uint64_t v)
{
	static const char units[] = "GMk";
	for (int i = 0; i < 3; i++) {
		uint64_t m = 1ull << (10 * (3 - i));
		if (v && v % m == 0) {
			snprintf(out, cap, "%" PRIu64 "%c", v / m, units[i]);
			return;
		}
	}
	snprintf(out, cap, "%" PRIu64, v);
}

void fmt_duration(char *out, size_t cap, int64_t ns)
{
	if (ns % NS_PER_S == 0)
		snprintf(out, cap, "%" PRId64 "s", ns / NS_PER_S);
	else if (ns % 1000000 == 0 && ns < NS_PER_S)
		snprintf(out, cap, "%" PRId64 "ms", ns / 1000000);
	else
		snprintf(out, cap, "%gs", (double)ns / 1e9);
}

static int out_of_range(char *why, size_t cap, const char *what, const char *s,
                        const char *lo, const char *hi)
{
	snprintf(why, cap, "%s: %s (%s to %s)", what, s, lo, hi);
	return -1;
}

int optval_size(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t cap)
{
	char lo[24], hi[24];
	uint64_t v;
	fmt_size(lo, sizeof lo, min);
	fmt_size(hi, sizeof hi, max);
	if (parse_size(s, &v) < 0)
		return out_of_range(why, cap, "bad size", s, lo, hi);
	if (v < min)
		return out_of_range(why, cap, "too small", s, lo, hi);
	if (v > max)
		return out_of_range(why, cap, "too big", s, lo, hi);
	*out = v;
	return 0;
}

int optval_count(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t cap)
{
	char lo[24], hi[24];
	uint64_t v;
	snprintf(lo, sizeof lo, "%" PRIu64, min);
	snprintf(hi, sizeof hi, "%" PRIu64, max);
	if (parse_u64(s, &v) < 0)
		return out_of_range(why, cap, "want a number", s, lo, hi);
	if (v < min || v > max)
		return out_of_range(why, cap, "out of range", s, lo, hi);
	*out = v;
	return 0;
}

int optval_duration(const char *s, int64_t min_ns, int64_t max_ns, int zero_ok,
                    int64_t *out_ns, char *why, size_t cap)
{
	char lo[32], hi[32];
	double secs;
	fmt_duration(lo, sizeof lo, min_ns);
	fmt_duration(hi, sizeof hi, max_ns);
	/* !(secs >= 0) also refuses "nan" */
	if (parse_duration(s, &secs) < 0 || !(secs >= 0))
		return out_of_range(why, cap, "bad duration", s, lo, hi);
	if (secs > (double)max_ns / 1e9)
		return out_of_range(why, cap, "too long", s, lo, hi);
	if (secs * 1e9 < (double)min_ns && !(zero_ok && secs == 0))
		return out_of_range(why, cap, zero_ok ? "too short (0: none)" : "too short",
		                    s, lo, hi);
	*out_ns = (int64_t)(secs * 1e9);
	return 0;
}

uint64_t opt_size(const char *usage, const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char why[160];
	uint64_t v = 0;
	if (optval_size(s, min, max, &v, why, sizeof why) < 0)
		usage_error(usage, "%s: %s", opt, why);
	return v;
}

uint64_t opt_count(const char *usage, const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char why[160];
	uint64_t v = 0;
	if (optval_count(s, min, max, &v, why, sizeof why) < 0)
		usage_error(usage, "%s: %s", opt, why);
	return v;
}

int64_t opt_duration(const char *usage, const char *opt, const char *s, int64_t min_ns,
                     int64_t max_ns, int zero_ok)
{
	char why[160];
	int64_t v = 0;
	if (optval_duration(s, min_ns, max_ns, zero_ok, &v, why, sizeof why) < 0)
		usage_error(usage, "%s: %s", opt, why);
	return v;
}
