/* launch_engine.c — the engine (dtrace or bpftrace) as our child.
 *
 * Its stdout and stderr come back through pipes. It runs in a process
 * group of its own, so a terminal's ^C reaches only the launcher, which
 * forwards exactly one SIGINT: the engine then drains its buffers and
 * exits (shared/notes/macos-dtrace.md §2.10 and §5.15: a second signal
 * makes dtrace "impatient", SIGKILL loses data). Its signal dispositions
 * are reset, since dtrace only catches SIGINT when it was not ignored at
 * startup (§2.10). */
#include "launch.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void child(char *const argv[], char *const env[], int out, int err, int report)
{
	sigset_t none;
	char *av[32], pidbuf[24];
	int e;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	los_child_setup();
	if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	for (int i = 0; env && env[i]; i++)
		putenv(env[i]);
	for (int i = 0; argv[i] && i < 31; i++) {     /* our pid, for the script */
		av[i] = argv[i];
		if (!strcmp(argv[i], "@pid@")) {
			snprintf(pidbuf, sizeof pidbuf, "%ld", (long)getpid());
			av[i] = pidbuf;
		}
		av[i + 1] = NULL;
	}
	execv(av[0], av);
	e = errno;
	if (write(report, &e, sizeof e) < 0)
		_exit(126);
	_exit(127);
}

int engine_start(struct engine *e, char *const argv[], char *const env[])
{
	int po[2], pe[2], pr[2], err = 0;
	ssize_t n;
	memset(e, 0, sizeof *e);
	e->pid = -1;
	if (pipe(po) < 0 || pipe(pe) < 0 || pipe(pr) < 0)
		return errno;
	fcntl(pr[1], F_SETFD, FD_CLOEXEC);
	fcntl(po[0], F_SETFD, FD_CLOEXEC);
	fcntl(pe[0], F_SETFD, FD_CLOEXEC);
	e->pid = fork();
	if (e->pid < 0) {
		err = errno;
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		close(pr[0]), close(pr[1]);
		return err;
	}
	if (e->pid == 0) {
		close(po[0]), close(pe[0]), close(pr[0]);
		child(argv, env, po[1], pe[1], pr[1]);
	}
	close(po[1]), close(pe[1]), close(pr[1]);
	do
		n = read(pr[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(pr[0]);
	if (n == (ssize_t)sizeof err) {      /* exec failed */
		waitpid(e->pid, NULL, 0);
		close(po[0]), close(pe[0]);
		e->pid = -1;
		return err ? err : ENOEXEC;
	}
	e->out = po[0];
	e->err = pe[0];
	return 0;
}

void engine_stop(struct engine *e)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGKILL };
	int s = sigs[e->stops < 2 ? e->stops : 2];
	if (e->pid <= 0 || e->exited)
		return;
	kill(e->pid, s);
	e->stops++;
}

int engine_reap(struct engine *e)
{
	int st;
	pid_t r;
	if (e->exited)
		return 1;
	if (e->pid <= 0)
		return 1;
	do
		r = waitpid(e->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == e->pid) {
		e->status = st;
		e->exited = 1;
	} else if (r < 0) {          /* not our child any more */
		e->status = 0;
		e->exited = 1;
	}
	return e->exited;
}
