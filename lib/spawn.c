/* spawn.c — see spawn.h. */
#include "spawn.h"
#include "loop.h"
#include "sig.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGKILL };
#define NSTOP ((int)(sizeof stop_sigs / sizeof stop_sigs[0]))

static int cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);
	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]), p[i] = -1;
}

/* The environment: the extra entries first, then ours minus those they
 * override (getenv takes the first match, but no duplicates is cleaner). */
static char **make_env(char *const *extra)
{
	size_t n = 0, k = 0, m = 0;
	char **env;
	while (environ[n])
		n++;
	while (extra && extra[k])
		k++;
	env = xcalloc(n + k + 1, sizeof *env);
	for (size_t i = 0; i < k; i++)
		env[m++] = extra[i];
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
		int dup = 0;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strncmp(extra[j], environ[i], len) == 0;
		if (!dup)
			env[m++] = environ[i];
	}
	env[m] = NULL;
	return env;
}

/* The child's end of each of its fds: ours, a pipe end, or -1 to inherit. */
static int make_fds(const struct spawn_opts *o, int pipes[3][2], int src[3])
{
	for (int i = 0; i < 3; i++) {
		pipes[i][0] = pipes[i][1] = -1;
		src[i] = o->fd[i] >= 0 ? o->fd[i] : -1;
		if (o->fd[i] != SPAWN_PIPE)
			continue;
		if (pipe(pipes[i]) < 0 || cloexec(pipes[i][0]) < 0 || cloexec(pipes[i][1]) < 0)
			return errno;
		src[i] = pipes[i][i == 0 ? 0 : 1];
	}
	return 0;
}

/* After fork: fds in place (a source below 3 moved up first, so no dup2
 * overwrites another's source), then exec; on failure the errno goes
 * back through the report pipe. */
static void in_child(const struct spawn_opts *o, int src[3], char **env, int report)
{
	char *av[SPAWN_MAXARGS + 1];
	int e, i;
	sig_child_defaults();
	setpgid(0, 0);
	for (i = 0; i < 3; i++)
		if (src[i] >= 0 && src[i] < 3 && src[i] != i && (src[i] = fcntl(src[i], F_DUPFD, 3)) < 0)
			goto fail;
	for (i = 0; i < 3; i++) {
		if (src[i] >= 0 && src[i] != i && dup2(src[i], i) < 0)
			goto fail;
		if (src[i] == i && fcntl(i, F_SETFD, 0) < 0)   /* ours: keep it open */
			goto fail;
	}
	for (i = 0; o->argv[i]; i++)
		av[i] = o->argv[i];
	av[i] = NULL;
	if (o->in_child)
		o->in_child(av, o->arg);
	execve(av[0], av, env);
fail:
	e = errno;
	if (write(report, &e, sizeof e) < 0)
		_exit(126);
	_exit(127);
}

/* Wait for the report pipe to close (exec worked) or carry an errno. */
static int exec_result(struct child *c, int report)
{
	int err = 0;
	ssize_t n;
	do
		n = read(report, &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(report);
	if (n != (ssize_t)sizeof err)
		return 0;
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = -1;
	return err ? err : ENOEXEC;
}

int child_spawn(struct child *c, const struct spawn_opts *o)
{
	int pipes[3][2], src[3], rp[2] = { -1, -1 }, err, argc = 0;
	char **env;
	memset(c, 0, sizeof *c);
	c->pid = -1;
	c->fd[0] = c->fd[1] = c->fd[2] = -1;
	while (o->argv[argc])
		argc++;
	if (argc == 0 || argc > SPAWN_MAXARGS)
		return argc ? E2BIG : EINVAL;
	if ((err = make_fds(o, pipes, src)) == 0 &&
	    (pipe(rp) < 0 || cloexec(rp[0]) < 0 || cloexec(rp[1]) < 0))
		err = errno;
	if (err) {
		for (int i = 0; i < 3; i++)
			close_pair(pipes[i]);
		close_pair(rp);
		return err;
	}
	env = make_env(o->env);
	if ((c->pid = fork()) == 0)
		in_child(o, src, env, rp[1]);
	err = c->pid < 0 ? errno : 0;
	free(env);
	close(rp[1]);
	for (int i = 0; i < 3; i++) {       /* keep our ends, close the child's */
		if (pipes[i][0] < 0)
			continue;
		close(pipes[i][i == 0 ? 0 : 1]);
		c->fd[i] = pipes[i][i == 0 ? 1 : 0];
	}
	if (err)
		close(rp[0]);
	else
		err = exec_result(c, rp[0]);
	if (err) {
		child_close_fds(c);
		c->pid = -1;
	}
	return err;
}

int child_signal(struct child *c, int sig)
{
	if (c->pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	/* the group: what the child started goes too (it may outlive the
	 * child's exit while holding our pipes) */
	if (kill(-c->pid, sig) == 0)
		return 0;
	return c->exited ? -1 : kill(c->pid, sig);
}

void child_stop(struct child *c, int64_t now_ns, int64_t grace_ns)
{
	int s = stop_sigs[c->stops < NSTOP ? c->stops : NSTOP - 1];
	if (c->pid <= 0 || c->exited)
		return;
	(void)child_signal(c, s);
	c->sent = s;
	c->stops++;
	c->stop_deadline = now_ns + grace_ns;
}

int child_stop_due(struct child *c, int64_t now_ns, int64_t grace_ns)
{
	if (!c->stops || c->exited || c->pid <= 0 || now_ns < c->stop_deadline)
		return 0;
	child_stop(c, now_ns, grace_ns);
	return 1;
}

int64_t child_deadline(const struct child *c)
{
	return c->stops && !c->exited && c->pid > 0 ? c->stop_deadline : LOOP_NEVER;
}

int child_reap(struct child *c)
{
	int st;
	pid_t r;
	if (c->exited || c->pid <= 0)
		return 1;
	do
		r = waitpid(c->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == c->pid) {
		c->status = st;
		c->exited = 1;
	} else if (r < 0) {          /* not our child any more */
		c->status = 0;
		c->exited = 1;
	}
	return c->exited;
}

int child_killed(const struct child *c)
{
	int s;
	if (!c->exited || !c->stops || !WIFSIGNALED(c->status))
		return 0;
	s = WTERMSIG(c->status);
	for (int i = 0; i < c->stops && i < NSTOP; i++)
		if (stop_sigs[i] == s)
			return s;
	return 0;
}

void child_close_fds(struct child *c)
{
	for (int i = 0; i < 3; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]), c->fd[i] = -1;
}
