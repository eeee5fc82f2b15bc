/* launch_engine.c — the engine (dtrace or bpftrace) as our child, through
 * lib/spawn: its stdout and stderr come back through pipes; it runs in a
 * process group of its own, so a terminal's ^C reaches only the launcher,
 * which forwards exactly one SIGINT: the engine then drains its buffers and
 * exits (shared/notes/macos-dtrace.md §2.10 and §5.15: a second signal
 * makes dtrace "impatient", SIGKILL loses data). Its signal dispositions
 * are reset (by spawn), since dtrace only catches SIGINT when it was not
 * ignored at startup (§2.10). */
#include "launch.h"
#include "spawn.h"
#include "util.h"
#include <string.h>
#include <unistd.h>

/* In the child: the per-OS setup, and its own pid for the "@pid@"
 * argument (the script must not trace the engine itself). fmt_u64 and
 * getpid are async-signal-safe. */
static void engine_child(char **argv, void *arg)
{
	static char pidbuf[24];
	(void)arg;
	los_child_setup();
	pidbuf[fmt_u64(pidbuf, (uint64_t)getpid())] = 0;
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "@pid@"))
			argv[i] = pidbuf;
}

int engine_start(struct child *e, char *const argv[], char *const env[])
{
	struct spawn_opts o;
	memset(&o, 0, sizeof o);
	o.argv = argv;
	o.env = env;
	o.fd[0] = SPAWN_INHERIT;
	o.fd[1] = o.fd[2] = SPAWN_PIPE;
	o.in_child = engine_child;
	return child_spawn(e, &o);
}
