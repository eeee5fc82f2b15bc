/* test_iotrc.c — the supervisor's tables and decisions: iotrc.yml(5)
 * reading (every kind of value, every kind of error with its
 * file:line:col and key, all or nothing, --print-config round trip), and
 * the engine choice of engine: auto (macOS rules included, run here),
 * and the kdebug engine's command line (one process, a /dev/fd/N per
 * stream, exclusions, --preload). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "exits.h"
#include "iotrc.h"
#include "pipe.h"

#define NS 1000000000LL

static int load(struct conf *c, const char *text, char *err, size_t cap)
{
	conf_defaults(c);
	return conf_load_buf(c, text, strlen(text), "t.yml", err, cap);
}

static void test_values(void)
{
	static struct conf c;
	char err[512];
	CHECK(load(&c, "engine: {kind: dtrace, buffer: 8M, after_sleep: allow}\n"
	               "rotate: {max_age: 90s, max_bytes: 1G, level: 19, max_rows: 0}\n"
	               "streams: {block: false}\n"
	               "snapshot: {fs_roots: [/a, \"/b c\"], process_every: 0, fs_every: 2h}\n"
	               "upload: {mode: presign, endpoint: http://h, keep: /k, parallel: 8, drain: 1m}\n"
	               "log: {verbosity: 2}\n", err, sizeof err) == 0);
	CHECK_STR(err, "");
	CHECK(c.engine == ENG_DTRACE && c.after_sleep == AS_ALLOW);
	CHECK(c.engine_buffer == 8ULL << 20);
	CHECK(c.max_age == 90 * NS && c.max_bytes == 1ULL << 30 && c.level == 19 && c.max_rows == 0);
	CHECK(c.fs == 1 && c.block == 0 && c.nw_conn == 1);
	CHECK(c.nfs_roots == 2);
	CHECK_STR(c.fs_roots[1], "/b c");
	CHECK(c.proc_every == 0 && c.fs_every == 7200 * NS);
	CHECK(c.upload == UP_PRESIGN && c.upload_jobs == 8 && c.upload_drain == 60 * NS);
	CHECK_STR(c.keep, "/k");
	CHECK_STR(c.endpoint, "http://h");
	CHECK(c.verbosity == 2);
	/* null is the empty string; 0 buffer is the engine's default */
	CHECK(load(&c, "upload: {keep: ~, endpoint: null}\nengine: {buffer: 0}\n", err, sizeof err) == 0);
	CHECK_STR(c.keep, "");
	CHECK(c.engine_buffer == 0);
	/* empty and comments-only documents: the defaults */
	CHECK(load(&c, "", err, sizeof err) == 0);
	CHECK(load(&c, "# nothing\n", err, sizeof err) == 0 && c.level == 3);
}

static void test_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "rotate:\n  levl: 3\n", "t.yml:2:3: rotate.levl: unknown key" },
		{ "colour: {red: 1}\n", "t.yml:1:1: colour: unknown section" },
		{ "streams: {fs: 1}\n", "t.yml:1:15: streams.fs: expected true or false, not \"1\"" },
		{ "engine: {buffer: 1k}\n", "t.yml:1:18: engine.buffer: " },
		{ "engine: {buffer: 2G}\n", "t.yml:1:18: engine.buffer: " },
		{ "rotate: {max_bytes: -5}\n", "t.yml:1:21: rotate.max_bytes: " },
		{ "rotate: {level: 99}\n", "t.yml:1:17: rotate.level: " },
		{ "rotate: {max_age: forever}\n", "t.yml:1:19: rotate.max_age: " },
		{ "upload: {mode: ftp}\n", "t.yml:1:16: upload.mode: unknown value \"ftp\"" },
		{ "snapshot: {fs_roots: /}\n", "t.yml:1:22: snapshot.fs_roots: expected a list" },
		{ "rotate: {level: 3, level: 4}\n", "t.yml:1:27: rotate.level: given twice" },
		{ "streams: true\n", "t.yml:1:10: streams: expected a mapping of keys" },
		{ "- a\n", "t.yml:1:1: expected a mapping of sections" },
		{ "output: {root: &r /x}\nupload: {endpoint: *r}\n", "aliases are not allowed" },
		{ "log: {verbosity: 1}\n---\nlog: {verbosity: 2}\n", "one document only" },
		{ "output: {root: \"a\\tb\"}\n", "output.root: control character in value" },
		{ "rotate: {level: [3\n", "t.yml:" },
		{ "engine: {k:x\n\n\nz: 1}\n", "t.yml:1:10: engine.k:x??z: unknown key" },  /* fuzz_iotrc found it */
		{ "\"s\\tt\": 1\n", "s?t: unknown section" },
	};
	static struct conf c, before;
	char err[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		conf_defaults(&c);
		c.level = 7;                   /* all or nothing: kept on error */
		before = c;
		int rc = conf_load_buf(&c, bad[i].text, strlen(bad[i].text), "t.yml", err, sizeof err);
		CHECK(rc == -1);
		CHECK(memcmp(&c, &before, sizeof c) == 0);
		if (!strstr(err, bad[i].want))
			fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i, err, bad[i].want);
		CHECK(strstr(err, bad[i].want) != NULL);
		CHECK(strchr(err, '\n') == NULL);
	}
}

/* --print-config reads back to the same configuration and text */
static void test_round_trip(void)
{
	static struct conf a, b;
	char err[512];
	CHECK(load(&a, "output: {root: \"/x \\\"q\\\" \\\\ y\"}\nengine: {buffer: 256k}\n"
	               "upload: {mode: dir, endpoint: /srv, keep: /kept}\nrotate: {max_age: 0}\n",
	           err, sizeof err) == 0);
	char *t1 = conf_print(&a);
	conf_defaults(&b);
	CHECK(conf_load_buf(&b, t1, strlen(t1), "p.yml", err, sizeof err) == 0);
	char *t2 = conf_print(&b);
	CHECK_STR(t1, t2);
	CHECK_STR(b.root, "/x \"q\" \\ y");
	CHECK(b.engine_buffer == 256 << 10 && b.max_age == 0);
	free(t1);
	free(t2);
	/* line breaks YAML folds (NEL, LS, PS), C1 controls, DEL, a tab: all
	 * escaped (fuzz_iotrc found \N); bytes from -o (a newline, invalid
	 * UTF-8) print as YAML that reads back */
	CHECK(load(&a, "output: {root: \"dr\\N\\ s\\x80\\x7f\\L\\P\\u00e9\\U0001F600\"}\n", err, sizeof err) == 0);
	CHECK_STR(a.root, "dr\xc2\x85 s\xc2\x80\x7f\xe2\x80\xa8\xe2\x80\xa9\xc3\xa9\xf0\x9f\x98\x80");
	t1 = conf_print(&a);
	CHECK(strstr(t1, "root: \"dr\\x85 s\\x80\\x7F\\u2028\\u2029\xc3\xa9\xf0\x9f\x98\x80\"\n") != NULL);
	conf_defaults(&b);
	CHECK(conf_load_buf(&b, t1, strlen(t1), "p.yml", err, sizeof err) == 0);
	CHECK_STR(b.root, a.root);
	free(t1);
	strcpy(a.root, "/a\nb\xff");
	t1 = conf_print(&a);
	CHECK(strstr(t1, "root: \"/a\\x0Ab\\xFF\"\n") != NULL);
	free(t1);
}

static void test_engine(void)
{
	struct engine_choice e;
	int ok[ENG_NSTREAMS] = { 0, 0, 0 };
	int sip[ENG_NSTREAMS] = { EXIT_SIP, EXIT_SIP, EXIT_SIP };
	int mixed[ENG_NSTREAMS] = { EXIT_OK, EXIT_NOATTACH, EXIT_NOROOT };
	int none[ENG_NSTREAMS] = { EXIT_NOENGINE, EXIT_RUNTIME, 127 };
	engine_decide(ENG_AUTO, 0, sip, &e);         /* Linux: the check is not read */
	for (int i = 0; i < ENG_NSTREAMS; i++)
		CHECK(e.engine[i] == ENG_BPFTRACE);
	CHECK_STR(e.why[0], "auto: bpftrace on Linux");
	engine_decide(ENG_AUTO, 1, ok, &e);
	for (int i = 0; i < ENG_NSTREAMS; i++)
		CHECK(e.engine[i] == ENG_DTRACE);
	CHECK(strstr(e.why[2], "DTrace probes attach") != NULL);
	engine_decide(ENG_AUTO, 1, sip, &e);         /* SIP on: kdebug */
	for (int i = 0; i < ENG_NSTREAMS; i++)
		CHECK(e.engine[i] == ENG_KDEBUG);
	CHECK(strstr(e.why[0], "DTrace cannot attach") && strstr(e.why[0], "kdebug works with SIP on"));
	engine_decide(ENG_AUTO, 1, mixed, &e);       /* per stream; not root fails kdebug too */
	CHECK(e.engine[0] == ENG_DTRACE && e.engine[1] == ENG_KDEBUG && e.engine[2] == ENG_DTRACE);
	CHECK(strstr(e.why[2], "although iotrc-launch --check says") != NULL);
	engine_decide(ENG_AUTO, 1, none, &e);
	CHECK(e.engine[0] == ENG_KDEBUG && e.engine[1] == ENG_DTRACE && e.engine[2] == ENG_DTRACE);
	CHECK(strstr(e.why[2], "exited 127") != NULL);
	engine_decide(ENG_DTRACE, 1, sip, &e);       /* an explicit kind is obeyed */
	CHECK(e.engine[0] == ENG_DTRACE);
	CHECK_STR(e.why[0], "engine.kind dtrace");
	engine_decide(ENG_KDEBUG, 0, ok, &e);
	CHECK(e.engine[1] == ENG_KDEBUG);
}

/* The argv of the one iotrc-kdebug: the streams whose parser waits, live
 * (--buffer-events) or replayed, --preload, our pid and each running
 * child's excluded; a DTrace stream is not its. */
static void test_kdebug_args(void)
{
	static struct conf c;
	static struct session s;
	char *argv[PL_MAXARGS + 1] = { 0 };
	struct av a = { argv, 0, PL_MAXARGS };
	int fd[ENG_NSTREAMS];
	char line[4096] = "", want[128];
	conf_defaults(&c);
	s.c = &c;
	snprintf(s.kd.st.stats, sizeof s.kd.st.stats, "/s/.iotrc/kdebug.stats");
	snprintf(s.fds, sizeof s.fds, "/s/.iotrc/fds");
	const char *recs[3] = { "vfs", "io", "net" };
	for (int i = 0; i < 3; i++) {
		s.pl[i].rec = recs[i];
		s.pl[i].engine = i == 1 ? ENG_DTRACE : ENG_KDEBUG;
		s.pl[i].kd_in = 20 + i;
		s.pl[i].nst = 3;
		s.pl[i].st[2].running = 1;
		s.pl[i].st[2].ch.pid = 1000 + i;
	}
	s.pl[3].label = "process";           /* a snapshotter */
	s.pl[3].nst = 2;
	s.pl[3].st[0].running = 1;
	s.pl[3].st[0].ch.pid = 2000;
	s.npl = 4;
	s.up.ch.pid = 3000;
	CHECK(kd_args(&s, &a, "/b/iotrc-kdebug", fd) == 2);
	CHECK(fd[0] == 20 && fd[1] == 22);
	for (int i = 0; argv[i]; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s ", argv[i]);
	snprintf(want, sizeof want, "--exclude-pid %ld --exclude-pid 3000 ", (long)getpid());
	CHECK(strstr(line, "/b/iotrc-kdebug --stats /s/.iotrc/kdebug.stats --vfs /dev/fd/20 --net /dev/fd/22 "
	                   "--buffer-events 1000000 --preload /s/.iotrc/fds ") == line);
	CHECK(strstr(line, want) != NULL);
	CHECK(strstr(line, "--exclude-pid 1000 ") && strstr(line, "--exclude-pid 1001 ") &&
	      strstr(line, "--exclude-pid 1002 ") && strstr(line, "--exclude-pid 2000 "));
	CHECK(!strstr(line, "--io"));
	av_free(argv);
	/* a replay, no snapshot; a parser already fed is not named again */
	snprintf(c.kdebug_replay, sizeof c.kdebug_replay, "/r.kd");
	s.fds[0] = 0;
	s.pl[2].kd_in = -1;
	a.n = 0;
	line[0] = 0;
	CHECK(kd_args(&s, &a, "k", fd) == 1);
	for (int i = 0; argv[i]; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s ", argv[i]);
	CHECK(strstr(line, "k --stats /s/.iotrc/kdebug.stats --vfs /dev/fd/20 --replay /r.kd --exclude-pid ") == line);
	CHECK(!strstr(line, "--preload") && !strstr(line, "--buffer-events"));
	av_free(argv);
	CHECK(load(&c, "engine: {kdebug_replay: /x.kd, live_lookup: false}\n", line, sizeof line) == 0);
	CHECK_STR(c.kdebug_replay, "/x.kd");
	CHECK(c.live_lookup == 0);
	conf_defaults(&c);
	CHECK(c.live_lookup == 1 && !c.kdebug_replay[0]);
}

int main(void)
{
	test_values();
	test_errors();
	test_round_trip();
	test_kdebug_args();
	test_engine();
	return CHECK_DONE();
}
