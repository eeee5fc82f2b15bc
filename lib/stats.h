/* stats.h — the --stats FILE writer: "key value" lines, rewritten
 * atomically (temp file + rename) about once a second and at exit. */
#ifndef IOTRC_STATS_H
#define IOTRC_STATS_H
#include <stdint.h>

#define STATS_MAX 48
struct stats {
	const char *path;           /* NULL: no stats file */
	int n;
	const char *key[STATS_MAX];
	const uint64_t *val[STATS_MAX];
	const char *skey[8];        /* string-valued keys (e.g. current file) */
	const char *const *sval[8];
	int ns;
	int64_t last_ns;
};
void stats_init(struct stats *s, const char *path);
void stats_add(struct stats *s, const char *key, const uint64_t *val);
void stats_add_str(struct stats *s, const char *key, const char *const *val);
/* Rewrite if a second has passed since the last write (or force). */
int stats_tick(struct stats *s, int force);
#endif
