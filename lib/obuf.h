/* obuf.h — output through a big buffer: one write(2) per buffer, the
 * first error sticky (ob_flush). The CSV writers (csv.h) and anything else
 * that emits text in volume use it. */
#ifndef IOTRC_OBUF_H
#define IOTRC_OBUF_H
#include <stddef.h>
#include <stdint.h>

struct obuf {
	int fd;
	char *buf;
	size_t len, cap;
	int err;          /* errno of the first failed write, sticky */
	int nfield;       /* fields in the current row */
	uint64_t bytes;   /* bytes handed to write(2) */
};

void ob_init(struct obuf *o, int fd, size_t cap);
void ob_free(struct obuf *o);
int ob_flush(struct obuf *o);
void ob_put(struct obuf *o, const void *p, size_t n);
/* printf into the buffer (one piece of text at most 1023 bytes long). */
void ob_printf(struct obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void ob_putc(struct obuf *o, char c)
{
	if (o->len == o->cap)
		ob_flush(o);
	o->buf[o->len++] = c;
}

/* Inline fast paths: the parser writes ~20 cells a row. */
static inline void ob_put_fast(struct obuf *o, const void *p, size_t n)
{
	if (o->cap - o->len > n) {
		__builtin_memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else
		ob_put(o, p, n);
}
#endif
