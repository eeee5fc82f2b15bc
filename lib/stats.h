/* stats.h — the --stats FILE writer: "key value" lines, rewritten
 * atomically (temp file + rename) about once a second and at exit. The
 * temporary file is created beside FILE, relative to its folder, under a
 * fresh name with O_EXCL|O_NOFOLLOW and mode 0600: as root, a name another
 * user planted (a symlink in /tmp) is never followed. */
#ifndef IOTRC_STATS_H
#define IOTRC_STATS_H
#include <stddef.h>
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
	int dirfd;                  /* FILE's folder, opened at the first write */
	const char *base;           /* FILE's last component */
	unsigned tmpseq;
};
void stats_init(struct stats *s, const char *path);
void stats_add(struct stats *s, const char *key, const uint64_t *val);
void stats_add_str(struct stats *s, const char *key, const char *const *val);
/* One way to declare a tool's counters: a table of {key, offset} for a
 * struct of uint64_t counters, registered in one call; the keys are
 * written in table order, so a tool's file keeps its order as its table
 * does (tests and the supervisor read the keys).
 *	static const struct stats_key keys[] = {
 *		STATS_KEY(struct pstats, records, "records_read"), ...
 *	};
 *	stats_add_table(&st, &p->st, keys, STATS_NKEYS(keys)); */
struct stats_key {
	const char *key;
	size_t off;                 /* of a uint64_t in the struct */
};
#define STATS_KEY(type, field, name) { name, offsetof(type, field) }
#define STATS_NKEYS(t) (sizeof (t) / sizeof (t)[0])
void stats_add_table(struct stats *s, const void *base, const struct stats_key *keys, size_t n);
/* Rewrite if a second has passed since the last write (or force). */
int stats_tick(struct stats *s, int force);
#endif
