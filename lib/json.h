/* json.h — one small JSON emitter for every tool: objects, arrays, keys,
 * strings and numbers into a growing buffer, either kept in memory (an
 * HTTP answer, a file written whole) or written out to an fd as it fills
 * (a big report on stdout). Commas are placed by the emitter; the caller
 * only opens, fills and closes.
 *
 * Strings are escaped for any consumer: '"', '\\' and control characters
 * as RFC 8259 asks; '<', '>', '&' and U+2028/U+2029 as \u escapes too, so
 * the text can sit inside an HTML <script> element. Bytes that are not
 * valid UTF-8 (a path is whatever bytes a program passed) each become
 * U+FFFD, so the output is valid UTF-8 and valid JSON whatever the input.
 *	struct json j;
 *	json_init(&j, -1);
 *	json_obj(&j);
 *	json_key(&j, "pid"); json_u64(&j, 42);
 *	json_key(&j, "path"); json_str(&j, p, n);
 *	json_end(&j);
 *	text = json_take(&j, &len);   (caller frees)
 *
 * json_init_py() selects the text Python's json.dumps(obj, indent=2)
 * writes (the family's system_spec files, upstream.md §3): two-space
 * indents, ": " after keys, "[]"/"{}" when empty; strings printable ASCII
 * only, the rest as \uXXXX (ensure_ascii, DEL too, surrogate pairs above
 * U+FFFF), '<' '>' '&' left alone; floats as repr(), NaN and Infinity as
 * Python spells them. */
#ifndef IOTRC_JSON_H
#define IOTRC_JSON_H
#include <stddef.h>
#include <stdint.h>

#define JSON_MAXDEPTH 32

struct json {
	char *buf;
	size_t len, cap;
	int fd;                     /* >= 0: written out as the buffer fills */
	int err;                    /* errno of the first failed write, sticky */
	int depth;
	unsigned char open[JSON_MAXDEPTH];  /* '{' or '[' at each depth */
	unsigned char more[JSON_MAXDEPTH];  /* a value is already at this depth */
	int after_key;              /* the next value follows a key: no comma */
	int py;                     /* json.dumps(indent=2) text */
};

/* fd < 0: keep everything in memory (json_take); else write to fd. */
void json_init(struct json *j, int fd);
void json_init_py(struct json *j);       /* in memory, Python's text */
void json_free(struct json *j);
/* The in-memory text, NUL-terminated; the caller frees it, j is empty. */
char *json_take(struct json *j, size_t *len);
/* Write what is buffered to the fd; -1 (and j->err) after a failed write. */
int json_flush(struct json *j);

void json_obj(struct json *j);           /* { */
void json_arr(struct json *j);           /* [ */
void json_end(struct json *j);           /* } or ], whichever is open */
void json_key(struct json *j, const char *key);  /* a key (plain ASCII) */
void json_str(struct json *j, const char *s, size_t n);
void json_cstr(struct json *j, const char *s);   /* NULL gives null */
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_double(struct json *j, double v);      /* not finite: null */
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* The escaped form of s[0..n) (no quotes) appended to j: for text that is
 * assembled around it (tests use it to check the escaping alone). */
void json_escape(struct json *j, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s[0..n), or 0 if the byte at s
 * does not start one (overlong forms and surrogates are not valid). */
size_t utf8_seq_len(const unsigned char *s, size_t n);
#endif
