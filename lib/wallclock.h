/* wallclock.h — "YYYY-MM-DD HH:MM:SS.ffffff" in local time, fast: the
 * date-and-time part is cached and recomputed only when the second changes. */
#ifndef IOTRC_WALLCLOCK_H
#define IOTRC_WALLCLOCK_H
#include <stdint.h>
#include <stddef.h>

struct wallfmt {
	int64_t sec;       /* second the cache holds, or INT64_MIN */
	char head[20];     /* "YYYY-MM-DD HH:MM:SS" */
};
void wall_init(struct wallfmt *w);
/* Format ns since the epoch; out needs 27 bytes (26 + NUL). Returns 26. */
size_t wall_fmt(struct wallfmt *w, int64_t ns, char *out);
/* Same with milliseconds ("...SS.mmm", 23 chars), for snapshots. */
size_t wall_fmt_ms(struct wallfmt *w, int64_t ns, char *out);

/* Times in any order (a file's mtime, a process's start): Python's
 * str(datetime) in local time, "YYYY-MM-DD HH:MM:SS" plus ".ffffff" unless
 * the microseconds are 0 (upstream.md §3). localtime_r is slow and takes a
 * lock, so the local-time offset is cached per hour of UTC (an hour whose
 * offset changes inside it, a DST switch, is asked of localtime_r every
 * time); the calendar date is then computed. */
#define WALLTZ_SLOTS 256
struct walltz {
	int64_t hour[WALLTZ_SLOTS];    /* sec / 3600 the slot holds, or INT64_MIN */
	int32_t off[WALLTZ_SLOTS];     /* its UTC offset in seconds */
	uint8_t mixed[WALLTZ_SLOTS];   /* the offset changes within the hour */
	int64_t last_sec;              /* the last second formatted ... */
	char last[20];                 /* ... as "YYYY-MM-DD HH:MM:SS" */
};
void walltz_init(struct walltz *z);
/* out needs 27 bytes; returns the length (19 or 26). */
size_t wall_fmt_py(struct walltz *z, int64_t sec, int32_t us, char *out);
#endif
