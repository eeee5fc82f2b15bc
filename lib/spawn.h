/* spawn.h — children of a long-running program (an engine under
 * iotrc-launch; the supervisor's ten or so filters): fork and exec with an
 * exec-error pipe, so a failed exec returns its errno with nothing left
 * running; each child in a process group of its own (a terminal's ^C
 * reaches only us, and signals we send reach whatever the child started);
 * stopping with escalation SIGINT -> SIGTERM -> SIGKILL, each after a
 * deadline; reaping without blocking. One struct child per child: a
 * program with several keeps an array and reaps each on SIGCHLD. */
#ifndef IOTRC_SPAWN_H
#define IOTRC_SPAWN_H
#include <stdint.h>
#include <sys/types.h>

#define SPAWN_INHERIT (-1)          /* the child shares our fd */
#define SPAWN_PIPE (-2)             /* a pipe; our end in child.fd[i] */
#define SPAWN_MAXARGS 63

struct spawn_opts {
	char *const *argv;          /* argv[0] is the path (no PATH search) */
	char *const *env;           /* extra "NAME=value" entries (override), or NULL */
	int fd[3];                  /* stdin, stdout, stderr: an fd, or SPAWN_* */
	/* In the child after fork, before exec, with its own copy of argv
	 * (whose pointers it may change): async-signal-safe work only. */
	void (*in_child)(char **argv, void *arg);
	void *arg;
};

struct child {
	pid_t pid;                  /* also its process group; -1: none */
	int fd[3];                  /* our ends of SPAWN_PIPE fds (close-on-exec), else -1 */
	int status;                 /* wait status, once exited */
	int exited;
	int stops;                  /* stop signals sent: 0 none, 1 SIGINT, ... */
	int sent;                   /* the last stop signal sent, 0 if none */
	int64_t stop_deadline;      /* when the next stop signal is due (mono ns) */
};

/* Start a child. 0, or an errno (fork, pipe or exec failure, E2BIG for
 * more than SPAWN_MAXARGS arguments) with nothing left running. */
int child_spawn(struct child *c, const struct spawn_opts *o);
/* Send sig to the child's process group. 0, or -1 and errno. */
int child_signal(struct child *c, int sig);
/* Send the next stop signal (SIGINT, then SIGTERM, then SIGKILL) and give
 * the child grace_ns from now before the next one is due. */
void child_stop(struct child *c, int64_t now_ns, int64_t grace_ns);
/* While stopping: if the deadline passed and the child lives, send the
 * next signal and return 1 (the caller may say so), else 0. */
int child_stop_due(struct child *c, int64_t now_ns, int64_t grace_ns);
/* When child_stop_due next has work: for loop_until (LOOP_NEVER if none). */
int64_t child_deadline(const struct child *c);
/* Reap without blocking; 1 once the child has exited. */
int child_reap(struct child *c);
/* The signal the child died of, if it was one of our stop signals
 * (SIGINT, SIGTERM or SIGKILL sent by child_stop), else 0. */
int child_killed(const struct child *c);
/* Close our ends of its pipes that are still open. */
void child_close_fds(struct child *c);
#endif
