/* util.c — see util.h */
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *progname = "iotrc";
const char *msg_lead = "";

void setprogname_(const char *argv0)
{
	const char *s = strrchr(argv0, '/');
	progname = s ? s + 1 : argv0;
}

/* A tool started with fd 0, 1 or 2 closed would hand that number to its
 * first pipe or file, and then write records into it (iotrc-launch once
 * wrote its output into its engine's pipe for ever). Hold each closed one
 * with /dev/null opened read-only: reads see end of file, writes fail with
 * EBADF as they would on the closed fd, so a closed stdout is an error the
 * tool reports and stops on. */
void tool_start(const char *argv0)
{
	setprogname_(argv0);
	for (int fd = 0; fd <= 2; fd++) {
		int nfd;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		nfd = open("/dev/null", O_RDONLY);
		if (nfd < 0)
			_exit(127);            /* no /dev/null: nothing sane to do */
		if (nfd != fd) {           /* lower ones are open: it landed on fd */
			(void)dup2(nfd, fd);
			close(nfd);
		}
	}
}

static void vmsg(int errnum, const char *fmt, va_list ap)
{
	char buf[2048];
	int n = snprintf(buf, sizeof buf, "%s%s: ", msg_lead, progname);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof buf)
		n += vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	if (errnum)
		n += snprintf(buf + n, sizeof buf - n, ": %s", strerror(errnum));
	if ((size_t)n >= sizeof buf - 1)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	(void)write_all(2, buf, n);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void dieerr(int status, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
	exit(status);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void warnerr(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
}

void usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	(void)write_all(2, usage, strlen(usage));
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die(1, "out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		die(1, "out of memory (%zu x %zu bytes)", n, m);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die(1, "out of memory (%zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

int parse_u64_n(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	while (n > 20 && s[0] == '0')    /* leading zeros change nothing */
		s++, n--;
	if (n == 0 || n > 20)
		return -1;
	if (n < 20) {                   /* cannot overflow: no checks per digit */
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_s64_n(const char *s, size_t n, int64_t *out)
{
	uint64_t v;
	int neg = 0;
	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++, n--;
	}
	if (parse_u64_n(s, n, &v) < 0)
		return -1;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -1;
		*out = (int64_t)v;
	}
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64_n(s, strlen(s), out);
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int64_t wall_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

size_t fmt_u64(char *out, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	size_t n = 1, i;
	if (v < 10) {                                   /* sizes of 0, one link */
		out[0] = (char)('0' + v);
		return 1;
	}
	for (uint64_t t = v;; t /= 10000, n += 4) {     /* count the digits first ... */
		if (t < 10)
			break;
		if (t < 100) {
			n += 1;
			break;
		}
		if (t < 1000) {
			n += 2;
			break;
		}
		if (t < 10000) {
			n += 3;
			break;
		}
	}
	i = n;                                          /* ... then write them in place */
	while (v >= 100) {                              /* two digits a step */
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		out[--i] = pairs[k + 1];
		out[--i] = pairs[k];
	}
	if (v >= 10) {
		out[1] = pairs[v * 2 + 1];
		out[0] = pairs[v * 2];
	} else {
		out[0] = (char)('0' + v);
	}
	return n;
}

size_t fmt_s64(char *out, int64_t v)
{
	if (v < 0) {
		out[0] = '-';
		return 1 + fmt_u64(out + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(out, (uint64_t)v);
}
