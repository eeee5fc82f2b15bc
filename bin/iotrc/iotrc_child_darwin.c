/* iotrc_child_darwin.c — macOS has no parent-death signal: children notice
 * the supervisor's end through their pipes (a filter reads end of input,
 * iotrc-launch stops its engine on a closed stdout). */
#include "iotrc.h"

void child_tie_to_parent(char **argv, void *arg)
{
	(void)argv;
	(void)arg;
}
