/* util.h — small helpers every tool uses: err(3)-style messages, checked
 * allocation, number parsing, full writes. */
#ifndef IOTRC_UTIL_H
#define IOTRC_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "optval.h"   /* parse_size, parse_duration and the bounded forms */

extern const char *progname;
/* Written before each message: iotrc clears its status line on a terminal
 * with it ("\r\033[K"); empty by default. */
extern const char *msg_lead;
void setprogname_(const char *argv0);
/* Every tool's first call: setprogname_, and fds 0-2 held open (with
 * /dev/null read-only) if closed, so no pipe or file takes their number. */
void tool_start(const char *argv0);
void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void dieerr(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Parse a whole decimal number; return 0 on success, -1 on junk/overflow.
 * The _n forms take a length and do not need a terminator. */
int parse_s64_n(const char *s, size_t n, int64_t *out);
int parse_u64_n(const char *s, size_t n, uint64_t *out);
int parse_u64(const char *s, uint64_t *out);

/* write(2) until done; retries EINTR and short writes. -1 on error. */
int write_all(int fd, const void *buf, size_t n);
/* Current time: CLOCK_REALTIME in ns. */
int64_t wall_now_ns(void);
/* 0-15 for a hex digit, -1 otherwise. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
/* u64 -> decimal, returns length; out needs 21 bytes. */
size_t fmt_u64(char *out, uint64_t v);
size_t fmt_s64(char *out, int64_t v);
#endif
