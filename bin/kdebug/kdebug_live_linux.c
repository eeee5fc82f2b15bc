/* kdebug_live_linux.c — kdebug is a Darwin kernel facility: on Linux only
 * --replay works. */
#include "kdebug_live.h"
#include "util.h"
#include <stdio.h>

uint64_t kd_live_wraps;

int kd_live_start(const struct kd_live_opts *o, struct kd_live_info *info)
{
	(void)o, (void)info;
	fprintf(stderr, "%s: live tracing needs macOS (kdebug is a Darwin kernel facility); "
	        "use --replay FILE here\n", progname);
	return EXIT_NOATTACH;
}

void kd_live_hooks(struct kd_hooks *h)
{
	(void)h;
}

int kd_live_loop(struct kd_decoder *d, volatile sig_atomic_t *stop, int (*tick)(void *ctx), void *ctx)
{
	(void)d, (void)stop, (void)tick, (void)ctx;
	return EXIT_NOATTACH;
}

void kd_live_stop(void)
{
}
