/* test_schema.c — lib/schema.c matches shared/schema.tsv column by column:
 * every stream, in order, with names, types, units and the macOS flag. */
#include "check.h"
#include "schema.h"
#include <stdlib.h>

/* The stream tables of iotrc-schema(7), generated from the table. */
static void print_man(void)
{
	for (size_t i = 0; i < schema_nstreams; i++) {
		const struct schema_stream *s = &schema_streams[i];
		printf(".Ss %s%s\n", s->name, s->produced_on_macos ? "" : " (Linux only)");
		printf(".Bl -column -compact \"queue_latency_ms\" \"datetime\" \"nanoseconds\"\n");
		printf(".It Sy column Ta Sy type Ta Sy unit\n");
		for (size_t c = 0; c < s->ncols; c++)
			printf(".It Li %s Ta %s Ta %s\n", s->cols[c].name, s->cols[c].type,
			       s->cols[c].unit[0] ? s->cols[c].unit : "\\(em");
		printf(".El\n");
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--man") == 0) {
		print_man();
		return 0;
	}
	char path[1024], line[512];
	const char *shared = getenv("SHARED");
	size_t si = 0, ci = 0, rows = 0;
	FILE *f;
	snprintf(path, sizeof path, "%s/schema.tsv", shared ? shared : "../shared");
	if (!(f = fopen(path, "r"))) {
		printf("cannot open %s\n", path);
		return 77;
	}
	while (fgets(line, sizeof line, f)) {
		char *fld[6], *p = line;
		const struct schema_stream *s;
		int n = 0;
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || strncmp(line, "stream\t", 7) == 0 || !line[0])
			continue;
		while (n < 6 && (fld[n++] = strsep(&p, "\t")))
			;
		CHECK(n == 6 && fld[5]);
		if (n != 6 || !fld[5])
			continue;
		if (si < schema_nstreams && strcmp(schema_streams[si].name, fld[0]) != 0)
			si++, ci = 0;
		CHECK(si < schema_nstreams);
		if (si >= schema_nstreams)
			break;
		s = &schema_streams[si];
		CHECK_STR(s->name, fld[0]);
		CHECK(s->produced_on_macos == (strcmp(fld[1], "yes") == 0));
		CHECK((size_t)atoi(fld[2]) == ci + 1);
		CHECK(ci < s->ncols);
		if (ci < s->ncols) {
			CHECK_STR(s->cols[ci].name, fld[3]);
			CHECK_STR(s->cols[ci].type, fld[4]);
			CHECK_STR(s->cols[ci].unit, fld[5]);
		}
		ci++, rows++;
	}
	fclose(f);
	CHECK(si == schema_nstreams - 1);
	CHECK(ci == schema_streams[schema_nstreams - 1].ncols);
	CHECK(rows == 142);
	CHECK_STR(schema_header(schema_find("block")),
	          "timestamp,operation,pid,tid,command,sector,size,latency_ms,device,flags,cpu_id,ppid,"
	          "queue_latency_ms,command_flags,operation_code,request_id,mono_ns");
	for (size_t i = 0; i < schema_nstreams; i++)
		CHECK_STR(schema_streams[i].cols[schema_streams[i].ncols - 1].name, "mono_ns");
	CHECK(schema_find("nope") == NULL);
	return CHECK_DONE();
}
