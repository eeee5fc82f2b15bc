/* iotrc_child_linux.c — a child dies with the supervisor: SIGTERM from
 * the kernel when the parent exits, even by SIGKILL (prctl(2)
 * PR_SET_PDEATHSIG), so the engine drains and the filters finish their
 * files; if the parent is already gone, exit at once. */
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "iotrc.h"

void child_tie_to_parent(char **argv, void *arg)
{
	(void)argv;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		return;
	if (getppid() != (pid_t)(intptr_t)arg)
		_exit(1);
}
