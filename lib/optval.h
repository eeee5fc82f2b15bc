/* optval.h — option values: sizes, durations and counts, each checked
 * against the bounds that make sense for the option, for every tool's
 * command line and the YAML config alike. A value out of bounds is an
 * error that states the bounds ("--max-row: 64G is too big (16 to 1G)"). */
#ifndef IOTRC_OPTVAL_H
#define IOTRC_OPTVAL_H
#include <stddef.h>
#include <stdint.h>

/* The bare parsers: 0 on success, -1 on junk or overflow. */
int parse_size(const char *s, uint64_t *out);     /* 10k 5M 1G suffixes */
int parse_duration(const char *s, double *secs);  /* 30, 5s, 20m, 2h, 1d */

/* Bounded parsers: 0 and *out, or -1 with a one-line reason in why
 * ("bad size: x (16 to 1G)"). Durations are in nanoseconds; a nonzero
 * duration under min is refused rather than rounded (0 often means "no
 * limit"), and zero_ok admits 0 below min. */
int optval_size(const char *s, uint64_t min, uint64_t max, uint64_t *out,
                char *why, size_t cap);
int optval_count(const char *s, uint64_t min, uint64_t max, uint64_t *out,
                 char *why, size_t cap);
int optval_duration(const char *s, int64_t min_ns, int64_t max_ns, int zero_ok,
                    int64_t *out_ns, char *why, size_t cap);

/* The same for a command-line option: a usage error (exit 2) naming the
 * option, then the usage text. */
uint64_t opt_size(const char *usage, const char *opt, const char *s, uint64_t min, uint64_t max);
uint64_t opt_count(const char *usage, const char *opt, const char *s, uint64_t min, uint64_t max);
int64_t opt_duration(const char *usage, const char *opt, const char *s, int64_t min_ns,
                     int64_t max_ns, int zero_ok);

/* "1G", "64k", "1000": exact binary units where they fit; out needs 24. */
void fmt_size(char *out, size_t cap, uint64_t v);
/* "1ms", "5s", "20m", "0.25s": out needs 32. */
void fmt_duration(char *out, size_t cap, int64_t ns);
#endif
