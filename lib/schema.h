/* schema.h — the io-tracer on-disk schema v1 (shared/schema.tsv) as one table.
 * Header rows, manifest column lists and iotrc-schema(7) come from here. */
#ifndef IOTRC_SCHEMA_H
#define IOTRC_SCHEMA_H
#include <stddef.h>

struct schema_col {
	const char *name, *type, *unit;
};
struct schema_stream {
	const char *name;         /* also the session subdir and file prefix */
	int produced_on_macos;
	const struct schema_col *cols;
	size_t ncols;
};

extern const struct schema_stream schema_streams[];
extern const size_t schema_nstreams;
const struct schema_stream *schema_find(const char *name);
/* The header row "a,b,c" (no newline); returns a static string. */
const char *schema_header(const struct schema_stream *s);
#endif
