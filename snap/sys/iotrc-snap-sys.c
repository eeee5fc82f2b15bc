/* iotrc-snap-sys — the machine's description as the family's
 * system_spec files (iotrc-snap-sys(1)): cpu_info.json, memory_info.json,
 * disk_info.json, network_info.json, os_info.json in DIR, each replaced
 * atomically. No network access: the country is not looked up. Layers:
 * ssys.h. */
#include "ssys.h"
#include "afile.h"
#include "anon.h"
#include "exits.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "usage: iotrc-snap-sys [-av] [--anon-key FILE] DIR\n";

struct cli {
	int anon, verbose;
	const char *keyfile, *dir;
};

static void parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_KEY = 256 };
	static const struct option lo[] = {
		{ "anonymize", no_argument, 0, 'a' }, { "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' }, { "anon-key", required_argument, 0, O_KEY },
		{ 0, 0, 0, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "avh", lo, NULL)) != -1) {
		switch (ch) {
		case 'a': c->anon = 1; break;
		case 'v': c->verbose = 1; break;
		case 'h': fputs(usage, stdout); exit(0);
		case O_KEY: c->keyfile = optarg; break;
		default: fputs(usage, stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage_error(usage, optind == argc ? "missing DIR" : "too many arguments");
	c->dir = argv[optind];
	if (!c->dir[0])
		usage_error(usage, "an empty DIR");
}

/* DIR and its missing parents, 0700; an open descriptor of it. */
static int open_dir(const char *dir)
{
	char *p = xstrdup(dir);
	int fd;
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		dieerr(EXIT_RUNTIME, "%s", dir);
	free(p);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		dieerr(EXIT_RUNTIME, "%s", dir);
	return fd;
}

/* One file; a failure is said and counted, the others are still written. */
static int put(int dfd, const char *dir, const char *name, char *text, size_t n, int verbose)
{
	if (!text) {
		warnmsg("%s/%s: could not be made", dir, name);
		return 1;
	}
	if (afile_write(dfd, name, text, n, 0600) < 0) {
		warnerr("%s/%s", dir, name);
		free(text);
		return 1;
	}
	if (verbose)
		warnmsg("%s/%s: %zu bytes", dir, name, n);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	static struct cli c;
	struct cpu_facts cpu;
	struct mem_facts mem;
	struct strs storage;
	struct parts parts;
	struct ifaces ifs;
	struct os_facts os;
	char host[sizeof os.u.nodename], err[1200];
	size_t n = 0;
	int dfd, bad = 0;
	setprogname_(argv[0]);
	parse_args(argc, argv, &c);
	if (c.anon && anon_setup(c.keyfile, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s", err);
	dfd = open_dir(c.dir);
	memset(&os, 0, sizeof os);
	if (uname(&os.u) < 0)
		dieerr(EXIT_RUNTIME, "uname");
	ssys_distro(&os);
	snprintf(host, sizeof host, "%s", os.u.nodename);
	if (c.anon)
		anon_token(os.u.nodename, strlen(os.u.nodename), host);
	if (ssys_cpu(&cpu) < 0)
		warnerr("cpu");
	if (ssys_mem(&mem) < 0)
		warnerr("memory");
	if (ssys_storage(&storage) < 0)
		warnerr("disks");
	if (ssys_partitions(&parts) < 0)
		warnerr("mounted file systems");
	if (ssys_ifaces(&ifs) < 0)
		warnerr("network interfaces");
	{
		char *t;
		t = json_cpu(&cpu, &n), bad += put(dfd, c.dir, "cpu_info.json", t, n, c.verbose);
		t = json_memory(&mem, &n), bad += put(dfd, c.dir, "memory_info.json", t, n, c.verbose);
		t = json_disk(&storage, &parts, &n), bad += put(dfd, c.dir, "disk_info.json", t, n, c.verbose);
		t = json_network(&ifs, host, &n), bad += put(dfd, c.dir, "network_info.json", t, n, c.verbose);
		t = json_os(&os, host, &n), bad += put(dfd, c.dir, "os_info.json", t, n, c.verbose);
	}
	ssys_strs_free(&storage);
	ssys_parts_free(&parts);
	ssys_ifaces_free(&ifs);
	close(dfd);
	return bad ? EXIT_RUNTIME : 0;
}
