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
#endif
