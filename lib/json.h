/* json.h — a small JSON writer that writes what Python's
 * json.dumps(obj, indent=2) writes (the family's system_spec files,
 * upstream.md §3): two-space indents, ", " nowhere, ": " after keys, "[]"
 * and "{}" when empty, no final newline; strings printable ASCII only, the
 * rest as \uXXXX (ensure_ascii; DEL too), floats as repr(), NaN and Infinity as Python
 * spells them. Bytes that are not UTF-8 become U+FFFD. The text grows in
 * memory (these files are small). Calls take the member's key inside an
 * object and NULL inside an array or at the top. */
#ifndef IOTRC_JSON_H
#define IOTRC_JSON_H
#include <stddef.h>
#include <stdint.h>

#define JSON_MAXDEPTH 16
struct json {
	char *buf;
	size_t len, cap;
	int depth;
	int items[JSON_MAXDEPTH];   /* members written at each level */
	int err;                    /* nesting misused: the text is not valid */
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);   /* NULL: null */
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_int(struct json *j, const char *key, int64_t v);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_float(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* The text, once every container is closed; NULL if not (or misused). */
const char *json_text(const struct json *j, size_t *n);
#endif
