/* stats.c — see stats.h. The file is written to "FILE.tmp" and renamed, so
 * a reader never sees a half-written file. */
#include "stats.h"
#include "util.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void stats_init(struct stats *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->last_ns = INT64_MIN;
}

void stats_add(struct stats *s, const char *key, const uint64_t *val)
{
	if (s->n < STATS_MAX) {
		s->key[s->n] = key;
		s->val[s->n++] = val;
	}
}

void stats_add_table(struct stats *s, const void *base, const struct stats_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		stats_add(s, keys[i].key, (const uint64_t *)(const void *)((const char *)base + keys[i].off));
}

void stats_add_str(struct stats *s, const char *key, const char *const *val)
{
	if (s->ns < 8) {
		s->skey[s->ns] = key;
		s->sval[s->ns++] = val;
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stats_tick(struct stats *s, int force)
{
	char tmp[4096], buf[8192];
	size_t n = 0;
	int64_t now;
	FILE *f;
	if (!s->path)
		return 0;
	now = mono_ms();
	if (!force && s->last_ns != INT64_MIN && now - s->last_ns < 1000)
		return 0;
	s->last_ns = now;
	for (int i = 0; i < s->n && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %llu\n", s->key[i],
		                      (unsigned long long)*s->val[i]);
	for (int i = 0; i < s->ns && n < sizeof buf; i++) {
		const char *v = *s->sval[i] ? *s->sval[i] : "";
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s\n", s->skey[i], v);
	}
	if (n > sizeof buf)
		n = sizeof buf;
	snprintf(tmp, sizeof tmp, "%s.tmp", s->path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fwrite(buf, 1, n, f) != n) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, s->path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
