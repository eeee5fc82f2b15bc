/* loop.c — see loop.h. */
#include "loop.h"
#include "mono.h"
#include "rdr.h"
#include <errno.h>
#include <limits.h>

void loop_begin(struct loop *l)
{
	l->n = 0;
	l->deadline = LOOP_NEVER;
}

int loop_add(struct loop *l, int fd, short events)
{
	if (fd < 0 || l->n == LOOP_MAXFD)
		return -1;
	l->pfd[l->n].fd = fd;
	l->pfd[l->n].events = events;
	l->pfd[l->n].revents = 0;
	return l->n++;
}

void loop_until(struct loop *l, int64_t deadline_ns)
{
	if (deadline_ns < l->deadline)
		l->deadline = deadline_ns;
}

int loop_timeout_ms(int64_t deadline_ns, int64_t now_ns)
{
	int64_t left;
	if (deadline_ns == LOOP_NEVER)
		return -1;
	if (deadline_ns <= now_ns)
		return 0;
	left = deadline_ns - now_ns;            /* > 0, no overflow past this */
	left = left / 1000000 + (left % 1000000 != 0);
	return left > INT_MAX ? INT_MAX : (int)left;
}

int loop_wait(struct loop *l)
{
	for (;;) {
		int64_t now = mono_now_ns();
		int ms = loop_timeout_ms(l->deadline, now), r;
		if (l->n == 0 && ms < 0)
			return 0;               /* nothing could ever wake us */
		r = poll(l->pfd, (nfds_t)l->n, ms);
		if (r >= 0 || errno != EINTR)
			return r;
		if (l->deadline != LOOP_NEVER && mono_now_ns() >= l->deadline)
			return 0;
	}
}

short loop_ready(const struct loop *l, int idx)
{
	return idx < 0 || idx >= l->n ? 0 : l->pfd[idx].revents;
}

int loop_sleep(int64_t deadline_ns, int wake_fd)
{
	struct loop l;
	int w, r;
	loop_begin(&l);
	w = loop_add(&l, wake_fd, POLLIN);
	loop_until(&l, deadline_ns);
	r = loop_wait(&l);
	if (r < 0)
		return -1;
	return loop_ready(&l, w) ? 1 : 0;
}


/* The waiting part of loop_rdr_next, apart: its poll set lives on the
 * stack, and the per-line call (a line already buffered) should not pay
 * for setting up that frame. */
static int __attribute__((noinline)) rdr_wait(struct rdr *r, char **line, size_t *len,
                                              int timeout_ms, int wake_fd)
{
	int64_t until = mono_now_ns() + (int64_t)timeout_ms * 1000000;
	for (;;) {
		int st, in, wake;
		struct loop l;
		if (mono_now_ns() >= until)
			return RDR_AGAIN;
		loop_begin(&l);
		in = loop_add(&l, r->fd, POLLIN);
		wake = loop_add(&l, wake_fd, POLLIN);
		loop_until(&l, until);
		if (loop_wait(&l) < 0) {
			r->err = errno;
			return RDR_ERR;
		}
		if (loop_ready(&l, wake) || !loop_ready(&l, in))
			return RDR_AGAIN;
		st = rdr_next(r, line, len, 0);
		if (st != RDR_AGAIN)
			return st;
	}
}

int loop_rdr_next(struct rdr *r, char **line, size_t *len, int timeout_ms, int wake_fd)
{
	int st = rdr_next(r, line, len, 0);
	if (st != RDR_AGAIN || timeout_ms == 0)
		return st;
	return rdr_wait(r, line, len, timeout_ms, wake_fd);
}
