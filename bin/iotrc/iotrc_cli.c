/* iotrc_cli.c — the family's command line (upstream.md §1.1, DESIGN.md
 * "Command line of iotrc") without its defects: options before and after
 * `dev` both count (upstream resets the ones before), and --computer-id,
 * --reward, -h and --print-config need no root. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exits.h"
#include "iotrc.h"
#include "optval.h"
#include "util.h"

const char iotrc_usage[] =
	"usage: iotrc [-hav] [-c FILE] [-d SECONDS] [-o DIR] [--no-network] [--no-upload]\n"
	"             [--print-config] [dev [--trace-bucket NAME]]\n"
	"       iotrc --computer-id | --reward\n"
	"       iotrc [-c FILE] [-o DIR] status\n";

static const char help[] =
	"  -c, --config FILE    read the configuration from FILE (iotrc.yml(5))\n"
	"  -d, --duration T     trace for T (30, 5s, 20m, 2h), then stop as on ^C\n"
	"  -o, --output DIR     put the session folder under DIR\n"
	"  -a, --anonimize      hash paths and command lines (also --anonymize)\n"
	"  -v, --verbose        log each child's start and exit; twice: more\n"
	"      --no-network     no nw_conn stream\n"
	"      --no-upload      keep the files here, upload nothing\n"
	"      --print-config   print the effective configuration as YAML and exit\n"
	"      --computer-id    print this machine's id and exit\n"
	"      --reward         print the submission code once an upload succeeded\n"
	"  dev                  more logging, keep local files; --trace-bucket NAME\n"
	"  status               the running session's counters\n"
	"  -h, --help           print this help and exit\n";

enum { O_NONET = 256, O_NOUP, O_PRINT, O_ID, O_REWARD, O_BUCKET };

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "anonimize", no_argument, NULL, 'a' },   /* sic: the family's spelling */
	{ "anonymize", no_argument, NULL, 'a' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "no-network", no_argument, NULL, O_NONET },
	{ "no-upload", no_argument, NULL, O_NOUP },
	{ "print-config", no_argument, NULL, O_PRINT },
	{ "computer-id", no_argument, NULL, O_ID },
	{ "reward", no_argument, NULL, O_REWARD },
	{ "trace-bucket", required_argument, NULL, O_BUCKET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void set_cmd(struct cli *cl, int cmd)
{
	if (cl->cmd != CMD_RUN && cl->cmd != cmd)
		usage_error(iotrc_usage, "--print-config, --computer-id, --reward and status exclude each other");
	cl->cmd = cmd;
}

/* Options up to the first operand; returns optind. */
static int parse_opts(struct cli *cl, int argc, char **argv)
{
	int ch;
	while ((ch = getopt_long(argc, argv, "+c:d:o:avh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cl->conf_file = optarg; break;
		case 'd':
			cl->duration_ns = opt_duration(iotrc_usage, "-d", optarg, 1000000000LL,
			                               366 * 86400 * 1000000000LL, 0);
			break;
		case 'o': cl->outdir = optarg; break;
		case 'a': cl->anonymize = 1; break;
		case 'v': cl->verbose++; break;
		case O_NONET: cl->no_network = 1; break;
		case O_NOUP: cl->no_upload = 1; break;
		case O_PRINT: set_cmd(cl, CMD_PRINT_CONFIG); break;
		case O_ID: set_cmd(cl, CMD_COMPUTER_ID); break;
		case O_REWARD: set_cmd(cl, CMD_REWARD); break;
		case O_BUCKET:
			if (!cl->dev)
				usage_error(iotrc_usage, "--trace-bucket is an option of dev");
			cl->trace_bucket = optarg;
			break;
		case 'h':
			fputs(iotrc_usage, stdout);
			fputs(help, stdout);
			exit(0);
		default:
			fprintf(stderr, "%s", iotrc_usage);
			exit(EXIT_USAGE);
		}
	}
	return optind;
}

void cli_parse(struct cli *cl, int argc, char **argv)
{
	memset(cl, 0, sizeof *cl);
	int i = parse_opts(cl, argc, argv);
	if (i < argc && (!strcmp(argv[i], "dev") || !strcmp(argv[i], "status"))) {
		if (!strcmp(argv[i], "dev"))
			cl->dev = 1;
		else
			set_cmd(cl, CMD_STATUS);
		/* the subcommand's own options: reparse the rest */
		argc -= i;
		argv += i;
		optind = 1;
		i = parse_opts(cl, argc, argv);
	}
	if (i < argc)
		usage_error(iotrc_usage, "unexpected argument: %s", argv[i]);
	if (cl->dev && cl->cmd == CMD_STATUS)
		usage_error(iotrc_usage, "dev and status exclude each other");
}

void cli_apply(const struct cli *cl, struct conf *c)
{
	if (cl->outdir)
		snprintf(c->root, sizeof c->root, "%s", cl->outdir);
	if (cl->no_network)
		c->nw_conn = 0;
	if (cl->no_upload)
		c->upload = UP_NONE;
	if (cl->anonymize)
		c->anonymize = 1;
	if (cl->trace_bucket)
		snprintf(c->bucket, sizeof c->bucket, "%s", cl->trace_bucket);
	c->verbosity += (uint64_t)cl->verbose + (uint64_t)cl->dev;
	if (c->verbosity > 3)
		c->verbosity = 3;
}
