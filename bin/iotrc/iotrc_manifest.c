/* iotrc_manifest.c — manifest.json with the family's structure
 * (upstream.md §4): schema_version, streams (subdir, prefix, columns from
 * lib's schema table), tracer, machine_id, host, clock, session and
 * diagnostics; written to a temporary name, fsync'd and renamed, at start
 * and at shutdown. Unlike the family's, it is uploaded with the session. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "hostid.h"
#include "json.h"
#include "pipe.h"
#include "schema.h"
#include "util.h"

#ifndef IOTRC_VERSION
#define IOTRC_VERSION "0.1"
#endif

/* A JSON string through lib/json's escaping (invalid UTF-8 in a host or
 * path name still gives valid JSON). */
static void jstr(FILE *f, const char *s)
{
	struct json j;
	size_t n;
	char *t;
	json_init(&j, -1);
	json_cstr(&j, s);
	t = json_take(&j, &n);
	fwrite(t, 1, n, f);
	free(t);
}

/* naive local isoformat() with microseconds, as the family writes it */
static void jtime(FILE *f, int64_t ns)
{
	char b[64];
	struct tm tm;
	time_t t = (time_t)(ns / 1000000000);
	if (!ns) {
		fputs("null", f);
		return;
	}
	localtime_r(&t, &tm);
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "\"%s.%06ld\"", b, (long)(ns % 1000000000 / 1000));
}

static void streams(FILE *f)
{
	fputs("  \"streams\": {", f);
	for (size_t i = 0; i < schema_nstreams; i++) {
		const struct schema_stream *st = &schema_streams[i];
		fprintf(f, "%s\n    \"%s\": {\"subdir\": \"%s\", \"filename_prefix\": \"%s\", \"columns\": [",
		        i ? "," : "", st->name, st->name, st->name);
		for (size_t j = 0; j < st->ncols; j++) {
			fprintf(f, "%s{\"name\": ", j ? ", " : "");
			jstr(f, st->cols[j].name);
			fputs(", \"type\": ", f);
			jstr(f, st->cols[j].type);
			fputs(", \"unit\": ", f);
			jstr(f, st->cols[j].unit);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("\n  },\n", f);
}

/* "name": {"fs": n, ...} for one counter of every pipeline */
static void per_stream(FILE *f, const struct session *s, const char *name, size_t off, int engines_only)
{
	fprintf(f, "    \"%s\": {", name);
	int k = 0;
	for (int i = 0; i < s->npl; i++) {
		const struct pipeline *p = &s->pl[i];
		struct plsum sum;
		if (engines_only && !p->rec)
			continue;
		pl_counts(p, &sum);
		fprintf(f, "%s\"%s\": %llu", k++ ? ", " : "", p->label,
		        (unsigned long long)*(const uint64_t *)((const char *)&sum + off));
	}
	fputs("},\n", f);
}

static void diagnostics(FILE *f, const struct session *s)
{
	int k = 0;
	fputs("  \"diagnostics\": {\n    \"streams_attached\": [", f);
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].rec && (s->pl[i].attached || s->pl[i].sum.records))
			fprintf(f, "%s\"%s\"", k++ ? ", " : "", s->pl[i].label);
	fputs("],\n    \"engine_choice\": {", f);
	k = 0;
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].rec) {
			fprintf(f, "%s\"%s\": ", k++ ? ", " : "", s->pl[i].label);
			jstr(f, s->pl[i].engine_why);
		}
	fputs("},\n    \"attach_failures\": {", f);
	k = 0;
	for (int i = 0; i < s->npl; i++)
		if (s->pl[i].disabled) {
			fprintf(f, "%s\"%s\": ", k++ ? ", " : "", s->pl[i].label);
			jstr(f, s->pl[i].why_off);
		}
	fputs("},\n", f);
	per_stream(f, s, "engine_drops", offsetof(struct plsum, drops), 1);
	per_stream(f, s, "records_read", offsetof(struct plsum, records), 1);
	per_stream(f, s, "rows_parsed", offsetof(struct plsum, rows_parsed), 1);
	per_stream(f, s, "malformed", offsetof(struct plsum, malformed), 1);
	per_stream(f, s, "rows_written", offsetof(struct plsum, rows_written), 0);
	per_stream(f, s, "files_finished", offsetof(struct plsum, files), 0);
	fputs("    \"restarts\": {", f);
	for (int i = 0; i < s->npl; i++)
		fprintf(f, "%s\"%s\": %u", i ? ", " : "", s->pl[i].label, s->pl[i].nrestarts);
	fputs("},\n    \"gaps\": [", f);
	for (int i = 0; i < s->ngaps; i++) {
		fprintf(f, "%s\n      {\"stream\": \"%s\", \"start\": ", i ? "," : "", s->gaps[i].label);
		jtime(f, s->gaps[i].start);
		fputs(", \"end\": ", f);
		jtime(f, s->gaps[i].end);
		fputs(", \"cause\": ", f);
		jstr(f, s->gaps[i].cause);
		fputc('}', f);
	}
	char err[400];
	stats_read_str(s->up.stats, "last_error", err, sizeof err);
	fprintf(f, "],\n    \"upload\": {\"mode\": \"%s\", \"files_sent\": %llu, \"files_uploaded\": %llu, "
	        "\"files_pending\": %llu, \"last_error\": ", conf_upload_name(s->c->upload),
	        (unsigned long long)s->files_sent, (unsigned long long)s->up.delivered,
	        (unsigned long long)(s->files_sent > s->up.delivered ? s->files_sent - s->up.delivered : 0));
	jstr(f, err);
	fputs("}\n  }\n", f);
}

static void body(FILE *f, const struct session *s)
{
	char id[MACHINE_ID_LEN + 1];
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof u);
	fputs("{\n  \"schema_version\": 1,\n", f);
	streams(f);
	fputs("  \"tracer\": {\"version\": \"" IOTRC_VERSION "\", \"engine\": {", f);
	for (int i = 0, k = 0; i < s->npl; i++)
		if (s->pl[i].rec)
			fprintf(f, "%s\"%s\": \"%s\"", k++ ? ", " : "", s->pl[i].label,
			        conf_engine_name(s->pl[i].engine));
#ifdef IOTRC_COMMIT
	fputs("}, \"commit\": \"" IOTRC_COMMIT "\"},\n", f);
#else
	fputs("}, \"commit\": null},\n", f);
#endif
	machine_id(1, id);
	fprintf(f, "  \"machine_id\": \"%s\",\n  \"host\": {\"platform\": ", id);
	char plat[400];
	snprintf(plat, sizeof plat, "%s-%s-%s", u.sysname, u.release, u.machine);
	jstr(f, plat);
	fputs(", \"kernel\": ", f);
	jstr(f, u.release);
	fputs(", \"hostname\": ", f);
	jstr(f, u.nodename);
	fputs("},\n  \"clock\": {\"wall_clock\": \"CLOCK_REALTIME (engine wall-clock ns), local time\", "
	      "\"mono_clock\": \"", f);
#ifdef __APPLE__
	fputs("CLOCK_UPTIME_RAW (mach_absolute_time in ns)", f);
#else
	fputs("CLOCK_MONOTONIC (bpftrace nsecs)", f);
#endif
	fprintf(f, "\", \"mono_to_real_offset_ns\": %lld, \"mono_to_real_offset_ns_at_stop\": ",
	        (long long)s->offset_start);
	if (s->offset_end)
		fprintf(f, "%lld", (long long)s->offset_end);
	else
		fputs("null", f);
	fputs("},\n  \"session\": {\"dir\": ", f);
	jstr(f, s->stamp);
	fputs(", \"started_at\": ", f);
	jtime(f, s->start_wall);
	fputs(", \"stopped_at\": ", f);
	jtime(f, s->stop_wall);
	if (s->stop_wall)
		fprintf(f, ", \"duration_seconds\": %.3f},\n", (double)(s->stop_wall - s->start_wall) / 1e9);
	else
		fputs(", \"duration_seconds\": null},\n", f);
	diagnostics(f, s);
	fputs("}\n", f);
}

int manifest_write(const struct session *s)
{
	char tmp[PATH_MAX + 32], fin[PATH_MAX + 32];
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return -1;
	body(f, s);
	if (fclose(f) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s/.manifest.json.tmp", s->dir);
	snprintf(fin, sizeof fin, "%s/manifest.json", s->dir);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = fd < 0 || write_all(fd, buf, n) < 0 || fsync(fd) < 0 ? -1 : 0;
	free(buf);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, fin) < 0)
		rc = -1;
	if (rc < 0 && fd >= 0)
		unlink(tmp);
	return rc;
}
