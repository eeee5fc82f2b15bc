/* iotrc — the supervisor: one command runs the whole tracer (DESIGN.md
 * "The tools"). It reads the configuration (iotrc_conf.c: compiled-in
 * defaults, then -c FILE, then flags), checks it all before anything
 * starts (a bad config exits 2), then runs a session (iotrc_run.c): per
 * stream engine | iotrc-parse | iotrc-write, the snapshotters and the
 * uploader, wired with pipes by fork/exec, never touching a record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exits.h"
#include "hostid.h"
#include "iotrc.h"
#include "reward.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct cli cl;
	static struct conf c;
	char err[1024];
	tool_start(argv[0]);
	cli_parse(&cl, argc, argv);
	conf_defaults(&c);
	if (cl.conf_file && conf_load_file(&c, cl.conf_file, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s", err);
	cli_apply(&cl, &c);
	switch (cl.cmd) {
	case CMD_PRINT_CONFIG: {
		char *s = conf_print(&c);
		fputs(s, stdout);
		free(s);
		if (fflush(stdout) != 0 || ferror(stdout))
			dieerr(EXIT_RUNTIME, "stdout");
		return 0;
	}
	case CMD_STATUS:
		return run_status(&c);
	case CMD_COMPUTER_ID: {                /* upstream.md §6, words and all */
		char id[MACHINE_ID_LEN + 1];
		machine_id(1, id);
		printf("Here is your computer ID: %s\n", id);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
	}
	case CMD_REWARD:
		if (reward_unlocked())
			printf("Your Prolific submissions code: %s\n", REWARD_CODE);
		else
			printf("Reward not yet unlocked. Upload at least one trace to complete your submission!\n");
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
	}
	if (c.upload != UP_NONE && !c.endpoint[0])
		die(EXIT_USAGE, "upload.mode %s needs upload.endpoint", conf_upload_name(c.upload));
	return run_session(&c, &cl, argv[0]);
}
