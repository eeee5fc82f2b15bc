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
#include "iotrc.h"
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
	case CMD_COMPUTER_ID:
	case CMD_REWARD:
		/* lib/hostid and lib/reward come with the uploader's branch */
		die(EXIT_RUNTIME, "--computer-id and --reward need lib/hostid and lib/reward (branch upload)");
	}
	if (c.upload != UP_NONE && !c.endpoint[0])
		die(EXIT_USAGE, "upload.mode %s needs upload.endpoint", conf_upload_name(c.upload));
	return run_session(&c, &cl, argv[0]);
}
