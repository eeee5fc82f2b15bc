/* obuf.c — see obuf.h */
#include "obuf.h"
#include "util.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ob_init(struct obuf *o, int fd, size_t cap)
{
	memset(o, 0, sizeof *o);
	o->fd = fd;
	o->cap = cap < 256 ? 256 : cap;
	o->buf = xmalloc(o->cap);
}

void ob_free(struct obuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* After a failed write the data is discarded (the error is sticky), so a
 * closed reader cannot make the producer grow without bound. */
int ob_flush(struct obuf *o)
{
	if (o->len && !o->err) {
		if (write_all(o->fd, o->buf, o->len) < 0)
			o->err = errno ? errno : EIO;
		else
			o->bytes += o->len;
	}
	o->len = 0;
	return o->err ? -1 : 0;
}

void ob_put(struct obuf *o, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		size_t room = o->cap - o->len, k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k, s += k, n -= k;
		if (o->len == o->cap)
			ob_flush(o);
	}
}

void ob_printf(struct obuf *o, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (n > 0)
		ob_put(o, b, (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
}
