/* loop.h — one poll loop with deadlines, after skalibs' iopause: the
 * caller registers fds with the events it waits for, and the earliest of
 * its deadlines (monotonic ns, lib/mono.h); loop_wait computes poll's
 * timeout from the nearest deadline, retries EINTR with the time left
 * (register sig_fd() to wake on signals), and says which fds are ready or
 * that the deadline passed. Rebuilt each turn: a loop is cheap.
 *	loop_begin(&l);
 *	is = loop_add(&l, sig_fd(), POLLIN);
 *	io = loop_add(&l, fd, POLLIN);
 *	loop_until(&l, next_tick_ns);
 *	if (loop_wait(&l) < 0) err...;
 *	if (loop_ready(&l, io)) read...; */
#ifndef IOTRC_LOOP_H
#define IOTRC_LOOP_H
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define LOOP_MAXFD 32
#define LOOP_NEVER INT64_MAX

struct loop {
	struct pollfd pfd[LOOP_MAXFD];
	int n;
	int64_t deadline;           /* monotonic ns; LOOP_NEVER: none */
};

void loop_begin(struct loop *l);
/* Wait for events on fd; returns its index for loop_ready, or -1 when fd
 * is negative (nothing to wait for) or the loop is full. */
int loop_add(struct loop *l, int fd, short events);
/* Wake at deadline_ns at the latest (the earliest of several wins). */
void loop_until(struct loop *l, int64_t deadline_ns);
/* Wait. >0: that many fds are ready; 0: the deadline passed (or there was
 * nothing to wait for); -1: poll failed (errno). */
int loop_wait(struct loop *l);
/* revents of the fd at idx (0 when idx is -1): POLLIN, POLLHUP, ... */
short loop_ready(const struct loop *l, int idx);
/* poll's timeout in ms to reach deadline from now: rounded up, so the
 * deadline has passed when poll returns; -1 for LOOP_NEVER. */
int loop_timeout_ms(int64_t deadline_ns, int64_t now_ns);

/* Sleep until deadline_ns or until wake_fd (sig_fd()) is readable:
 * 1 woken, 0 the deadline passed, -1 poll failed (errno). */
int loop_sleep(int64_t deadline_ns, int wake_fd);

struct rdr;
/* rdr_next for a main loop: up to timeout_ms for a whole line (0: do not
 * wait), waiting in loop_wait on the reader's fd and wake_fd (sig_fd()),
 * so a signal ends the wait at once. RDR_AGAIN when the time is up or
 * wake_fd is readable; an endless over-long line being skipped does not
 * hold the caller past timeout_ms. */
int loop_rdr_next(struct rdr *r, char **line, size_t *len, int timeout_ms, int wake_fd);
#endif
