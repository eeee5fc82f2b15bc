/* sig.c — see sig.h. */
#include "sig.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t sig_caught;
static int sigpipe_fd[2] = { -1, -1 };
static sig_atomic_t consumed;     /* of sig_caught, taken by sig_next */

static void on_signal(int sig)
{
	int e = errno;
	unsigned char c = (unsigned char)sig;
	/* the byte first, then the count: sig_next reads only what is counted
	 * (another thread may run this handler while the main loop reads) */
	if (write(sigpipe_fd[1], &c, 1) < 0) {
		/* pipe full: a wake-up is pending anyway, and sig_caught counts */
	}
	sig_caught++;
	errno = e;
}

static int set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL), fd_fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fd_fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, fd_fl | FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

int sig_init(void)
{
	if (sigpipe_fd[0] >= 0)
		return 0;
	if (pipe(sigpipe_fd) < 0)
		return -1;
	if (set_flags(sigpipe_fd[0]) < 0 || set_flags(sigpipe_fd[1]) < 0) {
		int e = errno;
		close(sigpipe_fd[0]), close(sigpipe_fd[1]);
		sigpipe_fd[0] = sigpipe_fd[1] = -1;
		errno = e;
		return -1;
	}
	return 0;
}

int sig_catch(int sig)
{
	struct sigaction sa;
	if (sig_init() < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;      /* no SA_RESTART: blocking calls see EINTR */
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

int sig_catch_unless_ignored(int sig)
{
	struct sigaction old;
	if (sigaction(sig, NULL, &old) < 0)
		return -1;
	if (old.sa_handler == SIG_IGN)
		return 0;
	return sig_catch(sig) < 0 ? -1 : 1;
}

int sig_ignore(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

int sig_fd(void)
{
	return sigpipe_fd[0];
}

/* Cheap when nothing is pending (no system call), so a loop may ask once
 * per record. */
int sig_next(void)
{
	sig_atomic_t seen = sig_caught;
	unsigned char c;
	ssize_t n;
	if (seen == consumed || sigpipe_fd[0] < 0)
		return 0;
	do
		n = read(sigpipe_fd[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1) {
		consumed++;
		return c;
	}
	consumed = seen;        /* numbers lost to a full pipe: counted anyway */
	return 0;
}

static pid_t parent0;

void sig_watch_parent(void)
{
	(void)sig_init();       /* a failure shows at the tool's own sig_catch */
	parent0 = getppid();
}

int sig_parent_gone(void)
{
	if (parent0 <= 1 || getppid() == parent0)
		return 0;
	parent0 = 0;            /* once */
	on_signal(SIGTERM);
	return 1;
}

void sig_child_defaults(void)
{
	struct sigaction sa;
	sigset_t none;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)sigaction(s, &sa, NULL);   /* an unknown number: EINVAL, fine */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}
