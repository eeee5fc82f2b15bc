/* iotrc_conf.c — iotrc.yml(5): one table of keys (section, name, type,
 * bounds, comment) drives the defaults' documentation, the YAML reader
 * (libyaml's event parser) and --print-config, so the three never
 * disagree. The file is one YAML mapping of sections, each a mapping of
 * scalar keys (snapshot.fs_roots: a sequence of strings). Errors name the
 * file, line and column (libyaml's marks count from 0) and the key. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "iotrc.h"
#include "optval.h"
#include "util.h"

#define CONF_FILE_MAX (1 << 20)   /* a config is a page or two; bound memory */
#define NS 1000000000LL

enum ktype { K_BOOL, K_STR, K_SIZE, K_COUNT, K_DUR, K_ENUM, K_LIST };

static const char *const engine_names[] = { "auto", "dtrace", "kdebug", "bpftrace", NULL };
static const char *const upload_names[] = { "none", "presign", "presign-get", "s3", "dir", NULL };
static const char *const sleep_names[] = { "warn", "refuse", "allow", NULL };

struct ckey {
	const char *sec, *key;
	enum ktype t;
	size_t off;
	uint64_t min, max;          /* sizes, counts; durations in ns */
	int zero_ok;                /* durations: 0 allowed below min */
	const char *const *names;   /* K_ENUM */
	const char *doc;
};

#define O(f) offsetof(struct conf, f)
static const struct ckey keys[] = {
	{ "output", "root", K_STR, O(root), 0, 0, 0, NULL,
	  "session folders go here; empty: $TMPDIR, else /tmp" },
	{ "streams", "fs", K_BOOL, O(fs), 0, 0, 0, NULL, "file system calls" },
	{ "streams", "block", K_BOOL, O(block), 0, 0, 0, NULL, "block device I/O" },
	{ "streams", "nw_conn", K_BOOL, O(nw_conn), 0, 0, 0, NULL,
	  "network connections (--no-network turns it off)" },
	{ "engine", "kind", K_ENUM, O(engine), 0, 0, 0, engine_names,
	  "auto, dtrace, kdebug or bpftrace (auto: bpftrace on Linux; on macOS dtrace where it attaches, else kdebug)" },
	{ "engine", "after_sleep", K_ENUM, O(after_sleep), 0, 0, 0, sleep_names,
	  "macOS slept since boot: warn, refuse or allow (iotrc-launch --after-sleep)" },
	{ "engine", "kdebug_buffer", K_COUNT, O(kdebug_buffer), 1024, 64000000, 0, NULL,
	  "kdebug buffer in events (iotrc-kdebug --buffer-events)" },
	{ "engine", "buffer", K_SIZE, O(engine_buffer), 64 << 10, 1ULL << 30, 1, NULL,
	  "the engine's buffer per CPU (iotrc-launch --buffer; 0: the engine's default)" },
	{ "engine", "kdebug_replay", K_STR, O(kdebug_replay), 0, 0, 0, NULL,
	  "for tests and diagnosis: the kdebug engine replays this recorded file (iotrc-kdebug --replay); its end ends the session" },
	{ "engine", "live_lookup", K_BOOL, O(live_lookup), 0, 0, 0, NULL,
	  "the parsers may ask live processes for command lines and open files (false: iotrc-parse --no-lookup)" },
	{ "engine", "bin_dir", K_STR, O(bin_dir), 0, 0, 0, NULL,
	  "where the iotrc-* tools are; empty: beside iotrc" },
	{ "rotate", "max_rows", K_COUNT, O(max_rows), 0, 1000000000, 0, NULL,
	  "rows per file (0: no limit)" },
	{ "rotate", "max_age", K_DUR, O(max_age), NS, 7 * 86400 * NS, 1, NULL,
	  "age of a file before it is finished (0: no limit)" },
	{ "rotate", "max_bytes", K_SIZE, O(max_bytes), 4096, 1ULL << 40, 1, NULL,
	  "compressed bytes per file (0: no limit)" },
	{ "rotate", "level", K_COUNT, O(level), 1, 19, 0, NULL, "zstd compression level" },
	{ "snapshot", "process_every", K_DUR, O(proc_every), 10 * NS, 86400 * NS, 1, NULL,
	  "process snapshot interval (0: none)" },
	{ "snapshot", "fs_every", K_DUR, O(fs_every), 60 * NS, 7 * 86400 * NS, 1, NULL,
	  "file system snapshot interval (0: none)" },
	{ "snapshot", "fs_roots", K_LIST, O(fs_roots), 0, 0, 0, NULL,
	  "folders the file system snapshot walks" },
	{ "upload", "mode", K_ENUM, O(upload), 0, 0, 0, upload_names,
	  "none, presign, presign-get, s3 or dir (iotrc-upload --mode)" },
	{ "upload", "endpoint", K_STR, O(endpoint), 0, 0, 0, NULL,
	  "server URL, or the folder for dir" },
	{ "upload", "bucket", K_STR, O(bucket), 0, 0, 0, NULL, "first component of every key" },
	{ "upload", "parallel", K_COUNT, O(upload_jobs), 1, 64, 0, NULL, "transfers at once" },
	{ "upload", "drain", K_DUR, O(upload_drain), NS, 3600 * NS, 1, NULL,
	  "at the end, go on uploading for at most this long" },
	{ "upload", "credentials", K_STR, O(credentials), 0, 0, 0, NULL,
	  "s3: file with the keys (mode 0600; never on a command line)" },
	{ "upload", "keep", K_STR, O(keep), 0, 0, 0, NULL,
	  "move delivered files to this folder, outside the root; empty: delete them (dev: ROOT.delivered)" },
	{ "anonymize", "enabled", K_BOOL, O(anonymize), 0, 0, 0, NULL,
	  "hash paths and command lines (-a)" },
	{ "anonymize", "key_file", K_STR, O(anon_key), 0, 0, 0, NULL,
	  "secret key of the hashes; empty: unkeyed" },
	{ "log", "verbosity", K_COUNT, O(verbosity), 0, 3, 0, NULL,
	  "0 quiet, 1 children's starts and exits (-v), 2-3 more" },
	{ "log", "restart_max", K_COUNT, O(restart_max), 1, 100, 0, NULL,
	  "restarts of one stream's pipeline per minute before it is given up" },
};
#undef O
#define NKEYS (sizeof keys / sizeof keys[0])

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof *c);
	c->fs = c->block = c->nw_conn = 1;
	c->engine = ENG_AUTO;
	c->after_sleep = AS_WARN;
	c->kdebug_buffer = 1000000;
	c->live_lookup = 1;
	c->max_rows = 100000;
	c->max_age = 1200 * NS;                 /* the family: 1200 s (upstream §1.3) */
	c->max_bytes = 100ULL << 20;
	c->level = 3;                           /* the family's zstd level */
	c->proc_every = 300 * NS;
	c->fs_every = 3600 * NS;
	strcpy(c->fs_roots[0], "/");
	c->nfs_roots = 1;
	c->upload = UP_NONE;                    /* local until an endpoint is set */
	strcpy(c->bucket, "mac_trace_v1_test"); /* the family's bucket (§5) */
	c->upload_jobs = 4;
	c->upload_drain = 30 * NS;              /* the family waits 30 s */
	c->restart_max = 5;
}

static const char *name_of(const char *const *names, int i)
{
	return names[i];
}
const char *conf_engine_name(int e) { return name_of(engine_names, e); }
const char *conf_upload_name(int m) { return name_of(upload_names, m); }
const char *conf_after_sleep_name(int a) { return name_of(sleep_names, a); }

/* ---- reading ---- */

struct rd {
	yaml_parser_t p;
	const char *name;
	char *err;
	size_t cap;
	struct conf *c;
};

static int fail(struct rd *r, const yaml_mark_t *m, const struct ckey *k, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct rd *r, const yaml_mark_t *m, const struct ckey *k, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (k)
		snprintf(r->err, r->cap, "%s:%zu:%zu: %s.%s: %s", r->name, m->line + 1,
		         m->column + 1, k->sec, k->key, why);
	else
		snprintf(r->err, r->cap, "%s:%zu:%zu: %s", r->name, m->line + 1, m->column + 1, why);
	return -1;
}

/* A name from the file for a message: at most 64 bytes, control
 * characters as '?', so the message stays one line. */
static const char *shown(const yaml_event_t *e, char out[68])
{
	size_t n = e->data.scalar.length < 64 ? e->data.scalar.length : 64;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = e->data.scalar.value[i];
		out[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	out[n] = 0;
	return out;
}

static int next(struct rd *r, yaml_event_t *e)
{
	if (yaml_parser_parse(&r->p, e))
		return 0;
	snprintf(r->err, r->cap, "%s:%zu:%zu: %s%s%s", r->name, r->p.problem_mark.line + 1,
	         r->p.problem_mark.column + 1, r->p.problem ? r->p.problem : "bad YAML",
	         r->p.context ? " " : "", r->p.context ? r->p.context : "");
	return -1;
}

static const char *ev_text(const yaml_event_t *e)
{
	return (const char *)e->data.scalar.value;
}

static int text_ok(struct rd *r, const yaml_event_t *e, const struct ckey *k, size_t cap)
{
	size_t n = e->data.scalar.length;
	if (n >= cap)
		return fail(r, &e->start_mark, k, "longer than %zu bytes", cap - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)ev_text(e)[i] < 0x20)
			return fail(r, &e->start_mark, k, "control character in value");
	return 0;
}

static int set_scalar(struct rd *r, const struct ckey *k, const yaml_event_t *e)
{
	char why[256];
	const char *s = ev_text(e);
	void *f = (char *)r->c + k->off;
	int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (text_ok(r, e, k, CONF_STR) < 0)
		return -1;
	switch (k->t) {
	case K_BOOL:
		if (plain && !strcmp(s, "true"))
			*(int *)f = 1;
		else if (plain && !strcmp(s, "false"))
			*(int *)f = 0;
		else
			return fail(r, &e->start_mark, k, "expected true or false, not \"%s\"", s);
		return 0;
	case K_STR:
		/* a plain ~ or null is YAML's null: the empty value */
		if (plain && (!strcmp(s, "~") || !strcmp(s, "null")))
			s = "";
		memcpy(f, s, strlen(s) + 1);
		return 0;
	case K_ENUM:
		for (int i = 0; k->names[i]; i++)
			if (!strcmp(s, k->names[i])) {
				*(int *)f = i;
				return 0;
			}
		return fail(r, &e->start_mark, k, "unknown value \"%s\"", s);
	case K_SIZE:
		if (optval_size(s, k->zero_ok && !strcmp(s, "0") ? 0 : k->min, k->max,
		                (uint64_t *)f, why, sizeof why) < 0)
			return fail(r, &e->start_mark, k, "%s", why);
		return 0;
	case K_COUNT:
		if (optval_count(s, k->min, k->max, (uint64_t *)f, why, sizeof why) < 0)
			return fail(r, &e->start_mark, k, "%s", why);
		return 0;
	case K_DUR:
		if (optval_duration(s, (int64_t)k->min, (int64_t)k->max, k->zero_ok, (int64_t *)f,
		                    why, sizeof why) < 0)
			return fail(r, &e->start_mark, k, "%s", why);
		return 0;
	case K_LIST:
		break;
	}
	return fail(r, &e->start_mark, k, "expected a list");
}

static int set_list(struct rd *r, const struct ckey *k)
{
	yaml_event_t e;
	struct conf *c = r->c;
	c->nfs_roots = 0;
	for (;;) {
		if (next(r, &e) < 0)
			return -1;
		if (e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			return 0;
		}
		int rc = -1;
		if (e.type != YAML_SCALAR_EVENT)
			fail(r, &e.start_mark, k, "expected a list of strings");
		else if (c->nfs_roots == CONF_MAXROOTS)
			fail(r, &e.start_mark, k, "more than %d entries", CONF_MAXROOTS);
		else if (text_ok(r, &e, k, CONF_STR) < 0)
			;
		else if (e.data.scalar.length == 0)
			fail(r, &e.start_mark, k, "empty path");
		else {
			memcpy(c->fs_roots[c->nfs_roots++], ev_text(&e), e.data.scalar.length + 1);
			rc = 0;
		}
		yaml_event_delete(&e);
		if (rc < 0)
			return -1;
	}
}

static const struct ckey *find_key(const char *sec, const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].sec, sec) && (!key || !strcmp(keys[i].key, key)))
			return &keys[i];
	return NULL;
}

/* The value of k, the event after its key. */
static int read_value(struct rd *r, const struct ckey *k, unsigned char *seen)
{
	yaml_event_t e;
	int rc;
	if (next(r, &e) < 0)
		return -1;
	if (seen[k - keys])
		rc = fail(r, &e.start_mark, k, "given twice");
	else if (k->t == K_LIST && e.type == YAML_SEQUENCE_START_EVENT)
		rc = set_list(r, k);
	else if (e.type == YAML_SCALAR_EVENT)
		rc = k->t == K_LIST ? fail(r, &e.start_mark, k, "expected a list of strings")
		                    : set_scalar(r, k, &e);
	else if (e.type == YAML_ALIAS_EVENT)
		rc = fail(r, &e.start_mark, k, "aliases are not allowed");
	else
		rc = fail(r, &e.start_mark, k, k->t == K_LIST ? "expected a list of strings"
		                                             : "expected a single value");
	seen[k - keys] = 1;
	yaml_event_delete(&e);
	return rc;
}

/* An event read must be of type t, else the error what at it; the event
 * is consumed either way. 0 or -1. */
static int take(struct rd *r, yaml_event_t *e, yaml_event_type_t t, const char *what)
{
	int ok = e->type == t;
	if (!ok)
		fail(r, &e->start_mark, NULL, "%s", what);
	yaml_event_delete(e);
	return ok ? 0 : -1;
}

/* The next event must be of type t. */
static int expect(struct rd *r, yaml_event_type_t t, const char *what)
{
	yaml_event_t e;
	return next(r, &e) < 0 ? -1 : take(r, &e, t, what);
}

/* One section: a mapping of its keys. */
static int read_section(struct rd *r, const char *sec, unsigned char *seen)
{
	yaml_event_t e;
	char name[68], what[96];
	snprintf(what, sizeof what, "%s: expected a mapping of keys", sec);
	if (expect(r, YAML_MAPPING_START_EVENT, what) < 0)
		return -1;
	for (;;) {
		if (next(r, &e) < 0)
			return -1;
		if (e.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&e);
			return 0;
		}
		const struct ckey *k = NULL;
		if (e.type != YAML_SCALAR_EVENT)
			fail(r, &e.start_mark, NULL, "%s: expected a key", sec);
		else if (!(k = find_key(sec, ev_text(&e))))
			fail(r, &e.start_mark, NULL, "%s.%s: unknown key", sec, shown(&e, name));
		yaml_event_delete(&e);
		if (!k || read_value(r, k, seen) < 0)
			return -1;
	}
}

static int read_doc(struct rd *r)
{
	yaml_event_t e;
	char name[68];
	unsigned char seen[NKEYS] = { 0 };
	if (expect(r, YAML_STREAM_START_EVENT, "not YAML") < 0 || next(r, &e) < 0)
		return -1;
	yaml_event_type_t t = e.type;
	yaml_event_delete(&e);
	if (t == YAML_STREAM_END_EVENT)
		return 0;                       /* an empty file: the defaults */
	if (next(r, &e) < 0)
		return -1;
	if (e.type == YAML_SCALAR_EVENT && e.data.scalar.length == 0 &&
	    e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		yaml_event_delete(&e);      /* only comments */
	} else {
		if (take(r, &e, YAML_MAPPING_START_EVENT, "expected a mapping of sections") < 0)
			return -1;
		for (;;) {
			if (next(r, &e) < 0)
				return -1;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				break;
			}
			char sec[32];
			int ok2 = e.type == YAML_SCALAR_EVENT && find_key(ev_text(&e), NULL);
			if (ok2)
				snprintf(sec, sizeof sec, "%s", ev_text(&e));
			else if (e.type == YAML_SCALAR_EVENT)
				fail(r, &e.start_mark, NULL, "%s: unknown section", shown(&e, name));
			else
				fail(r, &e.start_mark, NULL, "expected a section name");
			yaml_event_delete(&e);
			if (!ok2 || read_section(r, sec, seen) < 0)
				return -1;
		}
	}
	if (expect(r, YAML_DOCUMENT_END_EVENT, "expected the end of the document") < 0)
		return -1;
	return expect(r, YAML_STREAM_END_EVENT, "one document only");
}

int conf_load_buf(struct conf *c, const char *buf, size_t len, const char *name,
                  char *err, size_t cap)
{
	struct rd r = { .name = name, .err = err, .cap = cap };
	struct conf tmp = *c;
	r.c = &tmp;
	err[0] = 0;
	if (!yaml_parser_initialize(&r.p)) {
		snprintf(err, cap, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&r.p, (const unsigned char *)buf, len);
	int rc = read_doc(&r);
	yaml_parser_delete(&r.p);
	if (rc == 0)
		*c = tmp;               /* all or nothing */
	return rc;
}

int conf_load_file(struct conf *c, const char *path, char *err, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX) {
		snprintf(err, cap, "%s: %s", path, S_ISREG(st.st_mode) ? "larger than 1M" : "not a file");
		close(fd);
		return -1;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	size_t n = 0;
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	int rerr = errno;
	close(fd);
	if (n < (size_t)st.st_size) {
		snprintf(err, cap, "%s: %s", path, n ? "changed while read" : strerror(rerr));
		free(buf);
		return -1;
	}
	int rc = conf_load_buf(c, buf, n, path, err, cap);
	free(buf);
	return rc;
}

/* ---- printing ---- */

/* One UTF-8 character at p: its code point and length; a byte that
 * starts no valid sequence is itself, length 1. */
static uint32_t utf8_next(const unsigned char *p, int *len)
{
	uint32_t c = p[0];
	int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
	*len = 1;
	if (n == 1 || c > 0xf4)
		return c;
	uint32_t cp = c & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return c;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return c;
	*len = n;
	return cp;
}

/* Printed as is inside YAML double quotes: printable (YAML 1.1
 * c-printable) and no line break (U+0085, U+2028, U+2029 fold). */
static int yaml_plain_char(uint32_t cp)
{
	return (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xd7ff && cp != 0x2028 && cp != 0x2029) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* A YAML double-quoted string that reads back as the same text: quotes,
 * backslashes and everything not printable escaped (a value can come
 * from -o as well as from a file). */
static void put_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		int n;
		uint32_t cp = utf8_next(p, &n);
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (char)cp);
		else if (yaml_plain_char(cp) && (n > 1 || cp < 0x80))
			fwrite(p, 1, (size_t)n, f);
		else if (cp <= 0xff)
			fprintf(f, "\\x%02X", (unsigned)cp);
		else if (cp <= 0xffff)
			fprintf(f, "\\u%04X", (unsigned)cp);
		else
			fprintf(f, "\\U%08X", (unsigned)cp);
		p += n;
	}
	fputc('"', f);
}

static void put_value(FILE *f, const struct conf *c, const struct ckey *k)
{
	const void *p = (const char *)c + k->off;
	char b[64];
	switch (k->t) {
	case K_BOOL: fputs(*(const int *)p ? "true" : "false", f); break;
	case K_STR: put_str(f, p); break;
	case K_ENUM: fputs(k->names[*(const int *)p], f); break;
	case K_SIZE: fmt_size(b, sizeof b, *(const uint64_t *)p); fputs(b, f); break;
	case K_COUNT: fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)p); break;
	case K_DUR:
		if (*(const int64_t *)p == 0)
			fputs("0", f);
		else {
			fmt_duration(b, sizeof b, *(const int64_t *)p);
			fputs(b, f);
		}
		break;
	case K_LIST:
		fputc('[', f);
		for (int i = 0; i < c->nfs_roots; i++) {
			if (i)
				fputs(", ", f);
			put_str(f, c->fs_roots[i]);
		}
		fputc(']', f);
		break;
	}
}

char *conf_print(const struct conf *c)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	if (!f)
		dieerr(1, "open_memstream");
	fputs("# iotrc.yml: the configuration of iotrc(1); see iotrc.yml(5).\n"
	      "# Every key is optional: a missing key keeps the value shown here.\n", f);
	const char *sec = "";
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(sec, keys[i].sec)) {
			sec = keys[i].sec;
			fprintf(f, "%s:\n", sec);
		}
		fprintf(f, "  # %s\n  %s: ", keys[i].doc, keys[i].key);
		put_value(f, c, &keys[i]);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		dieerr(1, "open_memstream");
	return out;
}
