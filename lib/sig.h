/* sig.h — signals through a self-pipe, the one style of every tool: the
 * handler only writes the signal's number to a non-blocking, close-on-exec
 * pipe (and counts it); the main loop polls sig_fd() with its other fds
 * (lib/loop.h) and takes the numbers with sig_next(), then does the work.
 * The handlers are installed without SA_RESTART, so a blocking call also
 * returns EINTR; code that blocks in something other than poll (a read on a
 * silent pipe, a kernel wait) looks at sig_caught after EINTR. */
#ifndef IOTRC_SIG_H
#define IOTRC_SIG_H
#include <signal.h>

/* Signals caught so far (all of them, whether read from the pipe or not). */
extern volatile sig_atomic_t sig_caught;

/* Create the pipe (once; a second call does nothing). 0, or -1 and errno. */
int sig_init(void);
/* Deliver sig through the pipe. 0 or -1. */
int sig_catch(int sig);
/* The same, unless sig was ignored when we started (a background job of a
 * shell keeps ignoring ^C): 1 caught, 0 left ignored, -1 error. */
int sig_catch_unless_ignored(int sig);
/* Ignore sig (SIGPIPE: a gone reader is an EPIPE the writer handles). */
int sig_ignore(int sig);
/* The read end of the pipe, for poll. */
int sig_fd(void);
/* The next signal caught, or 0 if none is waiting. Never blocks, and
 * makes no system call while none is pending. */
int sig_next(void);
/* Parent watch, for tools that can sit idle for minutes (the
 * snapshotters between passes): sig_watch_parent notes our parent;
 * sig_parent_gone, called about once a second, returns 1 once the parent
 * has died (we were re-parented: iotrc was SIGKILLed) and delivers
 * SIGTERM through the pipe, so the tool stops as on a signal. The same
 * on macOS, which has no PR_SET_PDEATHSIG. */
void sig_watch_parent(void);
int sig_parent_gone(void);
/* In a new child before exec: every signal to its default action (an
 * ignored SIGINT would survive exec, and dtrace then never stops, notes
 * macos-dtrace.md §2.10), nothing blocked. Async-signal-safe. */
void sig_child_defaults(void);
#endif
