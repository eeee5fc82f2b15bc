/* upload.h — iotrc-upload internals, shared by its modules, in layers
 * (each calls only those below it):
 *   iotrc-upload.c   options, set-up, exit status
 *   upload_sched.c   the delivery loop: input, queue, transfers, results
 *   upload_http.c    presign, presign-get and s3 transfers (libcurl multi)
 *   upload_dir.c     --mode dir: atomic copies into a directory tree
 *   upload_spool.c   --spool: finished files already on disk
 *   upload_creds.c   S3 credentials from the environment or a 0600 file
 *   upload_files.c   opening files safely, deleting or keeping them, copies
 *   upload_queue.c   the queue of files, backoff with jitter
 *   upload_parse.c   what servers and files send us: presign answers,
 *                    error messages, credentials text
 *   upload_key.c     object keys, their safety, URLs, content types */
#ifndef IOTRC_UPLOAD_H
#define IOTRC_UPLOAD_H
#include "hostid.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define UKEY_MAX 1024            /* an object key, bucket included */
#define UURL_MAX 8192            /* a URL, presigned ones included */
#define UMSG_MAX 256             /* one error message */
#define USPOOL_MAX 32            /* --spool given this often at most */

enum umode { MODE_PRESIGN, MODE_PRESIGN_GET, MODE_S3, MODE_DIR };

struct ucfg {
	enum umode mode;
	const char *endpoint;        /* URL; DIR for --mode dir */
	const char *bucket;
	char *root;                  /* absolute, symlinks resolved */
	char *keep;                  /* --keep DIR, absolute, or NULL */
	char *endpoint_buf;          /* endpoint's trimmed copy */
	const char *spool[USPOOL_MAX];  /* --spool DIRs, in order */
	int nspool;
	const char *stats, *cacert, *region, *creds_file;
	int vhost;                   /* s3: bucket in the host name */
	char machine_id[65];
	int parallel, verbose;
	uint64_t limit_rate;         /* bytes/s per transfer, 0: none */
	int64_t drain_ns, connect_ns, stall_ns, retry_min_ns, retry_max_ns;
};

/* The --stats FILE keys, in the order written (iotrc-upload(1)); the
 * string-valued last_error follows them. */
#define USTATS(X) \
	X(queued) X(in_flight) X(delivered) X(bytes) X(failed_attempts) \
	X(config_errors) X(backoff_ms) X(refused) X(vanished) X(remove_errors) X(left)
struct ustats {
#define USTATS_FIELD(f) uint64_t f;
	USTATS(USTATS_FIELD)
#undef USTATS_FIELD
	const char *last_error;
};

/* ---- upload_key.c ----------------------------------------------------- */
/* One key component: not empty, not "." or "..", no '/', no control
 * character (< 0x20, 0x7f); at most 255 bytes. */
int key_part_ok(const char *s, size_t n);
/* Every '/'-separated component of key is key_part_ok (so no leading or
 * doubled '/', no "..", no control character). */
int key_safe(const char *key);
/* path (absolute) under root: ROOT/<session>/<file> or
 * ROOT/<session>/<subdir>/<file>. rel gets the part after ROOT/, key
 * "<bucket>/<id>/<rel>". 0, or -1 with why set to a reason. */
int key_from_path(const char *root, const char *path, const char *bucket, const char *id,
                  char *rel, size_t relcap, char *key, size_t keycap, const char **why);
/* key percent-encoded (RFC 3986 unreserved and '/' kept) after prefix
 * ("http://host/a" + "/" + key). 0 or -1 (too long). */
int url_with_key(char *out, size_t cap, const char *prefix, const char *key);
/* Content type by extension: application/zstd, text/csv, application/json,
 * application/gzip, else application/octet-stream. */
const char *content_type(const char *name);

/* ---- upload_parse.c --------------------------------------------------- */
/* The presigned URL in a presign answer: the body with blanks around it
 * removed must be one http:// or https:// URL with a host, printable ASCII
 * only, shorter than cap. 0, or -1 with why. */
int presign_url(const char *body, size_t n, char *out, size_t cap, const char **why);
/* A server's error body as one printable line: S3's <Code> and <Message>
 * when present, else an HTML page's <title>, else the first non-blank line; control bytes become '?'. */
void server_message(const char *body, size_t n, char *out, size_t cap);
struct s3creds {
	char key[128], secret[128], token[2048];
};
/* An AWS credentials file's text ("[profile]", "name = value" lines):
 * aws_access_key_id, aws_secret_access_key, aws_session_token of profile.
 * 0 when key and secret were found, else -1 with why. */
int creds_parse(const char *text, size_t n, const char *profile, struct s3creds *c,
                const char **why);

/* ---- upload_queue.c --------------------------------------------------- */
struct ufile {
	char *path, *rel, *key;
	int64_t next_ns;             /* not before this (monotonic) */
	uint32_t failures;
	int cfg_error;               /* the last failure was a configuration problem */
	char last_error[UMSG_MAX];
	struct ufile *next, *hnext;  /* queue, set of rels */
};
struct uqueue {
	struct ufile *head, *tail;
	size_t queued, known;        /* in the queue; known (queued or in flight) */
	struct ufile **set;          /* by path */
	size_t nset;
};
void uq_init(struct uqueue *q);
void uq_free(struct uqueue *q);
/* A new file (path, rel, key copied), known and queued; NULL if its rel
 * (its path under the root) is already known. */
struct ufile *uq_add(struct uqueue *q, const char *path, const char *rel, const char *key);
/* The first queued file due at now, taken out of the queue (it stays
 * known); NULL if none. */
struct ufile *uq_take(struct uqueue *q, int64_t now);
void uq_requeue(struct uqueue *q, struct ufile *f);      /* at the back */
void uq_forget(struct uqueue *q, struct ufile *f);       /* done with: freed */
/* The earliest next_ns of the queued files (INT64_MAX if none). */
int64_t uq_next_due(const struct uqueue *q);
/* Exponential backoff with jitter after the failures-th failure in a
 * row: d = min(max, min * 2^(failures-1)), then a value in [d/2, d] picked
 * by rnd ("equal jitter"). */
int64_t backoff_ns(uint32_t failures, int64_t min_ns, int64_t max_ns, uint64_t rnd);
uint64_t rng_next(uint64_t *state);   /* splitmix64 */

/* ---- upload_files.c --------------------------------------------------- */
enum uopen { UO_OK, UO_GONE, UO_REFUSED, UO_FAILED };
struct uopened {
	int dirfd, fd;               /* the file's folder, the file */
	struct stat sb;
	const char *name;            /* the last component of rel */
};
/* Open rel under rootfd, each folder with O_NOFOLLOW|O_DIRECTORY and the
 * file with O_NOFOLLOW: a symlink anywhere, or not a regular file, is
 * UO_REFUSED; a missing one UO_GONE; other errors UO_FAILED (errno). */
enum uopen file_open(int rootfd, const char *rel, struct uopened *o, const char **why);
void file_close(struct uopened *o);
/* Delivered: unlink the file if it is still the one we sent (same device
 * and inode); or, with keepfd >= 0, move it to keep/<rel>. 0 or -1 (errno). */
int file_done(struct uopened *o, int keepfd, const char *rel);
/* Copy size bytes of srcfd into destfd/<key> atomically: folders made
 * (0700) without following links, a hidden temporary name, fsync, rename,
 * fsync of the folder. 0, or -1 with errno and why. */
int copy_atomic(int srcfd, off_t size, int destfd, const char *key, const char **why);
/* mkdir -p of path under dirfd (0700, no link followed); the last
 * folder's fd, or -1 (errno). */
int mkdirs_at(int dirfd, const char *path);

/* ---- upload_spool.c --------------------------------------------------- */
/* Finished files under spool (root itself, or a folder under it): regular
 * files at ROOT/<session>/<file> or ROOT/<session>/<subdir>/<file>, in name
 * order; never a hidden name (a writer's ".NAME.part" or ".PREFIX.lock"),
 * a ".part" or ".lock" name, or a link. add gets each absolute path.
 * Returns the number found, or -1 with why. */
long spool_scan(const char *root, const char *spool,
                void (*add)(void *ctx, const char *path), void *ctx, const char **why);

/* ---- transfers (upload_http.c, upload_dir.c) ------------------------- */
enum uoutcome { UR_OK, UR_RETRY, UR_CONFIG, UR_REFUSED, UR_GONE };
struct uresult {
	struct ufile *f;
	enum uoutcome outcome;
	struct uopened o;            /* open when outcome is UR_OK */
	int64_t started_ns;
	uint64_t bytes;
	char msg[UMSG_MAX];
};

struct uhttp;
/* 0, or -1 with why (bad credentials, libcurl failure). */
int http_init(struct uhttp **h, const struct ucfg *c, int rootfd, const char **why);
void http_free(struct uhttp *h);
int http_idle_slot(const struct uhttp *h);            /* 1 if a transfer can start */
int http_active(const struct uhttp *h);
/* Start delivering f; 0, or 1 with *r filled when it ended at once
 * (could not be opened). */
int http_start(struct uhttp *h, struct ufile *f, int64_t now, struct uresult *r);
/* Wait for the transfers, fd0 and fd1 (either may be -1) at most
 * timeout_ms; *ready0, *ready1 tell whether those fds are readable. */
int http_wait(struct uhttp *h, int fd0, int fd1, int timeout_ms, int *ready0, int *ready1);
/* Run the transfers; finished ones go to out (up to max). Returns how
 * many. */
int http_run(struct uhttp *h, struct uresult *out, int max);
/* Abort every transfer; their files go to out (up to max). */
int http_abort_all(struct uhttp *h, struct uresult *out, int max);

/* upload_dir.c: deliver f by copying into destfd/<key>. */
void dir_deliver(int rootfd, int destfd, struct ufile *f, int64_t now, struct uresult *r);

/* ---- upload_creds.c --------------------------------------------------- */
/* From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN), or
 * file (AWS_PROFILE or "default"), which must be a regular file of ours
 * that nobody else may read. 0, or -1 with why. */
int creds_load(const char *file, struct s3creds *c, char *why, size_t cap);

/* ---- upload_sched.c --------------------------------------------------- */
struct usched;
/* Deliver the files named on fd (one path a line) and those spool_scan
 * finds, until input ends (or a stop signal) and the drain is over.
 * Returns the exit status. */
int sched_run(const struct ucfg *c, struct ustats *st, const char *stats_path, int infd);
#endif
