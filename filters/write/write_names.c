/* write_names.c — the family's file names (upstream.md §1.2):
 * PREFIX_<YYYYMMDD_HHMMSS_mmm>_<NNNN>.csv.zst, local time, seq %04d from
 * 0001 per run; while written, "." + that + ".part" in the same directory
 * (a dot file: uploaders and ls skip it; same directory: rename is atomic). */
#include "write.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

int wname_final(char *out, size_t cap, const char *prefix, int64_t wall_ns, unsigned seq,
                int compress)
{
	struct tm tm;
	time_t t = (time_t)(wall_ns / 1000000000);
	int ms = (int)(wall_ns / 1000000 % 1000), n;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	n = snprintf(out, cap, "%s_%04d%02d%02d_%02d%02d%02d_%03d_%04u.csv%s", prefix,
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	             tm.tm_sec, ms, seq, compress ? ".zst" : "");
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int wname_tmp(char *out, size_t cap, const char *final)
{
	int n = snprintf(out, cap, ".%s.part", final);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* s holds exactly n digits at its start */
static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The part after "PREFIX_": "YYYYMMDD_HHMMSS_mmm_N...N" then the suffix.
 * Checking the whole shape keeps prefix "fs" off the files of "fs_x". */
static const char *match_stamp(const char *s)
{
	if (!digits(s, 8) || s[8] != '_' || !digits(s + 9, 6) || s[15] != '_' ||
	    !digits(s + 16, 3) || s[19] != '_' || !digits(s + 20, 4))
		return NULL;
	s += 24;
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

int wname_match_tmp(const char *name, const char *prefix, char *out, size_t cap)
{
	size_t pl = strlen(prefix), n = strlen(name);
	const char *rest;
	int kind;
	if (name[0] != '.' || strncmp(name + 1, prefix, pl) != 0 || name[1 + pl] != '_')
		return 0;
	rest = match_stamp(name + 2 + pl);
	if (!rest)
		return 0;
	if (strcmp(rest, ".csv.zst.part") == 0)
		kind = 1;
	else if (strcmp(rest, ".csv.part") == 0)
		kind = 2;
	else
		return 0;
	if (n - 6 >= cap)            /* minus "." and ".part", plus NUL */
		return 0;
	memcpy(out, name + 1, n - 6);
	out[n - 6] = 0;
	return kind;
}
