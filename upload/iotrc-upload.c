/* iotrc-upload — deliver finished trace files: absolute paths on stdin,
 * one a line (what iotrc-write prints), and the files --spool finds; each
 * goes to an object store (presign, presign-get, s3) or a folder (dir)
 * under the key <bucket>/<MACHINE_ID>/<session>/<subdir>/<file>, and is
 * deleted only after it was delivered whole. It never gives up on a file.
 * See iotrc-upload(1). */
#include "upload.h"
#include "exits.h"
#include "hostid.h"
#include "optval.h"
#include "sig.h"
#include "util.h"
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage_text[] =
	"usage: iotrc-upload -r ROOT -e ENDPOINT [-m MODE] [-b BUCKET] [-j N] [--spool DIR]\n"
	"                    [--keep DIR] [--drain-timeout T] [--stats FILE] [--cacert FILE]\n"
	"                    [--limit-rate SIZE] [--region REGION] [--virtual-host]\n"
	"                    [--credentials FILE] [--machine-id ID] [--connect-timeout T]\n"
	"                    [--stall-timeout T] [--retry-min T] [--retry-max T] [-v]\n"
	"  -r, --root DIR            files are ROOT/SESSION/FILE or ROOT/SESSION/SUBDIR/FILE\n"
	"  -e, --endpoint URL        the server (for --mode dir: the destination folder)\n"
	"  -m, --mode MODE           presign (default), presign-get, s3 or dir\n"
	"  -b, --bucket NAME         first part of every key (mac_trace_v1_test)\n"
	"  -j, --parallel N          transfers at once (2)\n"
	"      --spool DIR           first queue the finished files under DIR (ROOT or below;\n"
	"                            may be given up to 32 times)\n"
	"      --keep DIR            move delivered files to DIR instead of deleting them\n"
	"      --drain-timeout T     after the input ends, deliver for at most T more (30s)\n"
	"      --stats FILE          rewrite FILE with counters about once a second\n"
	"      --cacert FILE         trust the CA certificates in FILE for https\n"
	"      --limit-rate SIZE     at most SIZE bytes a second per transfer\n"
	"      --region REGION       s3: the signing region (us-east-1)\n"
	"      --virtual-host        s3: the bucket in the host name, not the path\n"
	"      --credentials FILE    s3: an AWS credentials file, mode 0600 (else from the\n"
	"                            environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)\n"
	"      --machine-id ID       the id in keys (default: this machine's)\n"
	"      --connect-timeout T   give up a connection attempt after T (10s)\n"
	"      --stall-timeout T     give up a transfer that moved no byte for T (30s)\n"
	"      --retry-min T         first backoff after a failure (1s)\n"
	"      --retry-max T         longest backoff; configuration problems wait this (60s)\n"
	"  -v, --verbose             report every failed attempt\n"
	"  -h, --help                print this help and exit\n";

enum {
	OPT_SPOOL = 256, OPT_KEEP, OPT_DRAIN, OPT_STATS, OPT_CACERT, OPT_RATE, OPT_REGION,
	OPT_VHOST, OPT_CREDS, OPT_ID, OPT_CONNECT, OPT_STALL, OPT_RMIN, OPT_RMAX
};
static const struct option longopts[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "endpoint", required_argument, NULL, 'e' },
	{ "mode", required_argument, NULL, 'm' },
	{ "bucket", required_argument, NULL, 'b' },
	{ "parallel", required_argument, NULL, 'j' },
	{ "spool", required_argument, NULL, OPT_SPOOL },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "drain-timeout", required_argument, NULL, OPT_DRAIN },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "limit-rate", required_argument, NULL, OPT_RATE },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "virtual-host", no_argument, NULL, OPT_VHOST },
	{ "credentials", required_argument, NULL, OPT_CREDS },
	{ "machine-id", required_argument, NULL, OPT_ID },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT },
	{ "stall-timeout", required_argument, NULL, OPT_STALL },
	{ "retry-min", required_argument, NULL, OPT_RMIN },
	{ "retry-max", required_argument, NULL, OPT_RMAX },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define SEC INT64_C(1000000000)
#define MS INT64_C(1000000)
#define MAX_NS (SEC * 86400 * 365)

static const struct { const char *name; enum umode mode; } modes[] = {
	{ "presign", MODE_PRESIGN }, { "presign-get", MODE_PRESIGN_GET },
	{ "s3", MODE_S3 }, { "dir", MODE_DIR },
};

static enum umode parse_mode(const char *s)
{
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (!strcmp(s, modes[i].name))
			return modes[i].mode;
	usage_error(usage_text, "--mode %s: want presign, presign-get, s3 or dir", s);
}

static int plain_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 255 || !key_part_ok(s, n))
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      *s == '_' || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static int url_ok(const char *s)
{
	if (strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* An absolute, resolved folder (made first if make). */
static char *real_dir(const char *opt, const char *path, int make)
{
	char *r;
	struct stat sb;
	if (make)
		(void)mkdir(path, 0700);
	r = realpath(path, NULL);
	if (!r || stat(r, &sb) < 0 || !S_ISDIR(sb.st_mode))
		usage_error(usage_text, "%s %s: not a folder", opt, path);
	return r;
}

/* Is path (which may not exist yet) root or under it? */
static int under(const char *root, const char *path)
{
	char *r = realpath(path, NULL), *copy, *slash;
	size_t rl = strlen(root);
	int in;
	if (!r) {                   /* not there yet: its folder's real path */
		copy = xstrdup(path);
		slash = strrchr(copy, '/');
		if (slash)
			*slash = '\0';
		r = realpath(slash ? (*copy ? copy : "/") : ".", NULL);
		free(copy);
		if (!r)
			return 0;        /* real_dir reports it */
	}
	in = !strncmp(r, root, rl) && (r[rl] == '/' || !r[rl] || rl == 1);
	free(r);
	return in;
}

static void check_opts(struct ucfg *c, const char *root, const char *keep, const char *id)
{
	if (!root)
		usage_error(usage_text, "-r ROOT is required");
	if (!c->endpoint || !*c->endpoint)
		usage_error(usage_text, "-e ENDPOINT is required");
	if (c->mode != MODE_DIR && !url_ok(c->endpoint))
		usage_error(usage_text, "--endpoint %s: want an http:// or https:// URL", c->endpoint);
	if (!plain_name(c->bucket))
		usage_error(usage_text, "--bucket %s: want letters, digits, '.', '_' or '-'", c->bucket);
	if (!plain_name(c->region))
		usage_error(usage_text, "--region %s: want letters, digits and '-'", c->region);
	if (id && !machine_id_valid(id))
		usage_error(usage_text, "--machine-id %s: want 1 to 64 letters, digits, '_' or '-'", id);
	if (c->retry_min_ns > c->retry_max_ns)
		usage_error(usage_text, "--retry-min is longer than --retry-max");
	if (c->creds_file && c->mode != MODE_S3)
		usage_error(usage_text, "--credentials is for --mode s3");
	if (c->mode != MODE_DIR) {  /* "http://h/" and "http://h" are one server */
		char *e = xstrdup(c->endpoint);
		size_t n = strlen(e);
		while (n > 8 && e[n - 1] == '/')
			e[--n] = '\0';
		c->endpoint = c->endpoint_buf = e;
	}
	c->root = real_dir("--root", root, 0);
	if (keep) {
		if (under(c->root, keep))
			usage_error(usage_text, "--keep %s: must not be under the root", keep);
		c->keep = real_dir("--keep", keep, 1);
	}
	if (id)
		snprintf(c->machine_id, sizeof c->machine_id, "%s", id);
	else
		machine_id(1, c->machine_id);
}

static void parse_opts(struct ucfg *c, int argc, char **argv)
{
	const char *root = NULL, *keep = NULL, *id = NULL;
	int ch;
	c->mode = MODE_PRESIGN;
	c->bucket = "mac_trace_v1_test";        /* upstream.md §5 */
	c->region = "us-east-1";
	c->parallel = 2;
	c->drain_ns = 30 * SEC;                 /* upstream waits 30 s at exit */
	c->connect_ns = 10 * SEC;
	c->stall_ns = 30 * SEC;
	c->retry_min_ns = 1 * SEC;
	c->retry_max_ns = 60 * SEC;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":r:e:m:b:j:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': root = optarg; break;
		case 'e': c->endpoint = optarg; break;
		case 'm': c->mode = parse_mode(optarg); break;
		case 'b': c->bucket = optarg; break;
		case 'j': c->parallel = (int)opt_count(usage_text, "--parallel", optarg, 1, 64); break;
		case OPT_SPOOL:
			if (c->nspool == USPOOL_MAX)
				usage_error(usage_text, "--spool: at most %d folders", USPOOL_MAX);
			c->spool[c->nspool++] = optarg;
			break;
		case OPT_KEEP: keep = optarg; break;
		case OPT_DRAIN: c->drain_ns = opt_duration(usage_text, "--drain-timeout", optarg, MS, MAX_NS, 1); break;
		case OPT_STATS: c->stats = optarg; break;
		case OPT_CACERT: c->cacert = optarg; break;
		case OPT_RATE: c->limit_rate = opt_size(usage_text, "--limit-rate", optarg, 1024, UINT64_C(1) << 40); break;
		case OPT_REGION: c->region = optarg; break;
		case OPT_VHOST: c->vhost = 1; break;
		case OPT_CREDS: c->creds_file = optarg; break;
		case OPT_ID: id = optarg; break;
		case OPT_CONNECT: c->connect_ns = opt_duration(usage_text, "--connect-timeout", optarg, 100 * MS, 3600 * SEC, 0); break;
		case OPT_STALL: c->stall_ns = opt_duration(usage_text, "--stall-timeout", optarg, SEC, 3600 * SEC, 0); break;
		case OPT_RMIN: c->retry_min_ns = opt_duration(usage_text, "--retry-min", optarg, MS, 86400 * SEC, 0); break;
		case OPT_RMAX: c->retry_max_ns = opt_duration(usage_text, "--retry-max", optarg, MS, 86400 * SEC, 0); break;
		case 'v': c->verbose = 1; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case ':': usage_error(usage_text, "%s: needs an argument", argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 128)
				usage_error(usage_text, "unknown option: -%c", optopt);
			usage_error(usage_text, "unknown option: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error(usage_text, "unexpected argument: %s", argv[optind]);
	check_opts(c, root, keep, id);
}

int main(int argc, char **argv)
{
	static struct ucfg c;
	static struct ustats st;
	int status;
	setprogname_(argv[0]);
	parse_opts(&c, argc, argv);
	if (sig_catch(SIGTERM) < 0 || sig_catch(SIGINT) < 0 || sig_ignore(SIGPIPE) < 0)
		dieerr(EXIT_RUNTIME, "signals");
	status = sched_run(&c, &st, c.stats, 0);
	free(c.root);
	free(c.keep);
	free(c.endpoint_buf);
	return status;
}
