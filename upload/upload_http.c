/* upload_http.c — deliveries over HTTP with the libcurl multi interface:
 * --parallel N transfers at once, each in a slot with its own easy handle
 * (reset and reused, so connections stay open in the multi's pool).
 *   presign      POST <endpoint>/<key> (empty body) answers a URL; PUT the file there
 *   presign-get  GET <endpoint>/presigned-url/<key> answers the URL; PUT
 *   s3           PUT <endpoint>/<key>, AWS Signature V4 by libcurl
 *                (CURLOPT_AWS_SIGV4), path style or bucket in the host name
 * A delivery counts only after a 2xx with every byte of the file read and
 * sent. 408, 429, 5xx and transport errors are worth retrying; any other
 * answer (3xx, 4xx) is a configuration problem (upstream.md §5). TLS is
 * always verified; only http and https are spoken, even to a presigned URL
 * a server sent us. */
#include "upload.h"
#include "util.h"
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { STEP_PRESIGN, STEP_PUT };

struct uxfer {
	CURL *easy;
	struct ufile *f;              /* NULL: the slot is idle */
	int step;
	struct uopened o;
	int64_t started_ns;
	curl_off_t sent;              /* bytes of the file given to libcurl */
	char body[UURL_MAX];          /* the answer's start */
	size_t blen;
	int btrunc;                   /* the answer was longer */
	struct curl_slist *hdrs;
	char url[UURL_MAX];
	char err[CURL_ERROR_SIZE];
};

struct uhttp {
	CURLM *multi;
	const struct ucfg *c;
	int rootfd, n, active;
	struct uxfer *x;
	struct s3creds creds;
	char sigv4[160];
};

int http_init(struct uhttp **hp, const struct ucfg *c, int rootfd, const char **why)
{
	static char msg[512];
	struct uhttp *h = xcalloc(1, sizeof *h);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(h->multi = curl_multi_init())) {
		free(h);
		return *why = "libcurl cannot start", -1;
	}
	h->c = c;
	h->rootfd = rootfd;
	h->n = c->parallel;
	h->x = xcalloc((size_t)h->n, sizeof *h->x);
	for (int i = 0; i < h->n; i++) {
		h->x[i].o.fd = h->x[i].o.dirfd = -1;
		if (!(h->x[i].easy = curl_easy_init()))
			return *why = "libcurl cannot start", *hp = h, -1;
	}
	if (c->mode == MODE_S3) {
		if (creds_load(c->creds_file, &h->creds, msg, sizeof msg) < 0)
			return *why = msg, *hp = h, -1;
		snprintf(h->sigv4, sizeof h->sigv4, "aws:amz:%s:s3", c->region);
	}
	*hp = h;
	return 0;
}

/* Clear the keys (macOS has no explicit_bzero): volatile stores are kept. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

void http_free(struct uhttp *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n; i++) {
		if (h->x[i].easy && h->x[i].f)
			curl_multi_remove_handle(h->multi, h->x[i].easy);
		if (h->x[i].easy)
			curl_easy_cleanup(h->x[i].easy);
		curl_slist_free_all(h->x[i].hdrs);
		file_close(&h->x[i].o);
	}
	free(h->x);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	wipe(&h->creds, sizeof h->creds);
	free(h);
	curl_global_cleanup();
}

int http_idle_slot(const struct uhttp *h)
{
	return h->active < h->n;
}

int http_active(const struct uhttp *h)
{
	return h->active;
}

static size_t read_cb(char *buf, size_t size, size_t nitems, void *p)
{
	struct uxfer *x = p;
	curl_off_t left = (curl_off_t)x->o.sb.st_size - x->sent;
	size_t want = size * nitems;
	ssize_t n;
	if (left <= 0)
		return 0;
	if ((curl_off_t)want > left)
		want = (size_t)left;
	do
		n = pread(x->o.fd, buf, want, (off_t)x->sent);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return CURL_READFUNC_ABORT;
	x->sent += n;           /* 0 before the end: the file shrank, a short upload */
	return (size_t)n;
}

static int seek_cb(void *p, curl_off_t off, int origin)
{
	struct uxfer *x = p;
	if (origin != SEEK_SET || off < 0 || off > (curl_off_t)x->o.sb.st_size)
		return CURL_SEEKFUNC_CANTSEEK;
	x->sent = off;
	return CURL_SEEKFUNC_OK;
}

static size_t write_cb(char *buf, size_t size, size_t nitems, void *p)
{
	struct uxfer *x = p;
	size_t n = size * nitems, room = sizeof x->body - 1 - x->blen;
	if (n > room)
		x->btrunc = 1;
	memcpy(x->body + x->blen, buf, n < room ? n : room);
	x->blen += n < room ? n : room;
	x->body[x->blen] = '\0';
	return n;
}

/* What every request of ours has: timeouts, TLS always verified, only
 * http and https, the answer's start kept. */
static void common_opts(struct uhttp *h, struct uxfer *x)
{
	const struct ucfg *c = h->c;
	CURL *e = x->easy;
	long stall = (long)((c->stall_ns + 999999999) / 1000000000);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->connect_ns / 1000000));
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);   /* no byte for T: stalled */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, stall > 0 ? stall : 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "iotrc-upload/1");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	x->err[0] = '\0';
	x->blen = 0;
	x->btrunc = 0;
	x->body[0] = '\0';
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
}

/* The S3 URL: path style <endpoint>/<bucket>/<rest>, or with the bucket
 * in the host name, scheme://<bucket>.<host>/<rest>. */
static int s3_url(const struct ucfg *c, const char *key, char *out, size_t cap)
{
	const char *sep;
	char pre[UURL_MAX];
	size_t bl = strlen(c->bucket);
	if (!c->vhost)
		return url_with_key(out, cap, c->endpoint, key);
	sep = strstr(c->endpoint, "://");
	if (!sep || (size_t)snprintf(pre, sizeof pre, "%.*s://%s.%s", (int)(sep - c->endpoint),
	                             c->endpoint, c->bucket, sep + 3) >= sizeof pre)
		return -1;
	return url_with_key(out, cap, pre, key + bl + 1);
}

static int add_header(struct uxfer *x, const char *name, const char *value)
{
	char line[2300];
	struct curl_slist *l;
	if ((size_t)snprintf(line, sizeof line, "%s: %s", name, value) >= sizeof line ||
	    !(l = curl_slist_append(x->hdrs, line)))
		return -1;
	x->hdrs = l;
	return 0;
}

/* libcurl 7.x sends "Expect: 100-continue" with every PUT and waits for
 * the server's "100 Continue" before the body: one more round trip a
 * file, a third of a small file's time on a long link (measured by
 * tests/upload-parallel.t). Below this size the body follows the headers
 * without waiting; the header itself stays, as an empty "Expect:" that
 * removes it is signed by CURLOPT_AWS_SIGV4 but never sent (S3 answers
 * SignatureDoesNotMatch). Above it a refusal (an expired presigned URL, a
 * wrong key) still comes before the body is sent. */
#define EXPECT_WAIT_MIN_BYTES (1024 * 1024)

/* The PUT of the file to x->url. */
static int put_step(struct uhttp *h, struct uxfer *x)
{
	const struct ucfg *c = h->c;
	CURL *e = x->easy;
	common_opts(h, x);
	x->step = STEP_PUT;
	x->sent = 0;
	if (c->mode == MODE_S3 && s3_url(c, x->f->key, x->url, sizeof x->url) < 0)
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->o.sb.st_size);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
	if (c->limit_rate)
		curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)c->limit_rate);
	if (x->o.sb.st_size < EXPECT_WAIT_MIN_BYTES)
		curl_easy_setopt(e, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
	if (add_header(x, "Content-Type", content_type(x->o.name)) < 0)
		return -1;
	if (c->mode == MODE_S3) {
		/* the body is not hashed into the signature: it is streamed
		 * from the file, and TLS (or the lab's own network) carries it */
		if (add_header(x, "x-amz-content-sha256", "UNSIGNED-PAYLOAD") < 0 ||
		    (h->creds.token[0] && add_header(x, "x-amz-security-token", h->creds.token) < 0))
			return -1;
		curl_easy_setopt(e, CURLOPT_AWS_SIGV4, h->sigv4);
		curl_easy_setopt(e, CURLOPT_USERNAME, h->creds.key);
		curl_easy_setopt(e, CURLOPT_PASSWORD, h->creds.secret);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	return curl_multi_add_handle(h->multi, e) == CURLM_OK ? 0 : -1;
}

/* The request for a presigned URL. */
static int presign_step(struct uhttp *h, struct uxfer *x)
{
	const struct ucfg *c = h->c;
	char pre[UURL_MAX];
	common_opts(h, x);
	x->step = STEP_PRESIGN;
	if (c->mode == MODE_PRESIGN_GET) {
		if ((size_t)snprintf(pre, sizeof pre, "%s/presigned-url", c->endpoint) >= sizeof pre)
			return -1;
	} else
		snprintf(pre, sizeof pre, "%s", c->endpoint);
	if (url_with_key(x->url, sizeof x->url, pre, x->f->key) < 0)
		return -1;
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	if (c->mode == MODE_PRESIGN) {
		curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, 0L);
	} else
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	return curl_multi_add_handle(h->multi, x->easy) == CURLM_OK ? 0 : -1;
}

/* The slot's file is done with (for now): r gets the outcome. */
static void finish(struct uhttp *h, struct uxfer *x, enum uoutcome oc, struct uresult *r)
{
	r->f = x->f;
	r->outcome = oc;
	r->o = x->o;
	r->started_ns = x->started_ns;
	r->bytes = oc == UR_OK ? (uint64_t)x->o.sb.st_size : 0;
	if (oc != UR_OK)
		file_close(&r->o);
	x->o.fd = x->o.dirfd = -1;
	x->f = NULL;
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	h->active--;
}

int http_start(struct uhttp *h, struct ufile *f, int64_t now, struct uresult *r)
{
	struct uxfer *x = NULL;
	const char *why;
	enum uopen st;
	for (int i = 0; i < h->n && !x; i++)
		if (!h->x[i].f)
			x = &h->x[i];
	if (!x)
		return -1;
	x->f = f;
	x->started_ns = now;
	h->active++;
	st = file_open(h->rootfd, f->rel, &x->o, &why);
	if (st != UO_OK) {
		snprintf(r->msg, sizeof r->msg, errno ? "%s: %s" : "%s", why, strerror(errno));
		finish(h, x, st == UO_GONE ? UR_GONE : st == UO_REFUSED ? UR_REFUSED : UR_RETRY, r);
		return 1;
	}
	if ((h->c->mode == MODE_S3 ? put_step(h, x) : presign_step(h, x)) < 0) {
		snprintf(r->msg, sizeof r->msg, "cannot set up the request (URL too long?)");
		finish(h, x, UR_CONFIG, r);
		return 1;
	}
	return 0;
}

int http_wait(struct uhttp *h, int fd0, int fd1, int timeout_ms, int *ready0, int *ready1)
{
	struct curl_waitfd w[2];
	unsigned n = 0;
	int i0 = -1, i1 = -1;
	if (fd0 >= 0)
		w[n].fd = fd0, w[n].events = CURL_WAIT_POLLIN, w[n].revents = 0, i0 = (int)n++;
	if (fd1 >= 0)
		w[n].fd = fd1, w[n].events = CURL_WAIT_POLLIN, w[n].revents = 0, i1 = (int)n++;
	if (curl_multi_wait(h->multi, w, n, timeout_ms, NULL) != CURLM_OK)
		return -1;
	*ready0 = i0 >= 0 && w[i0].revents;
	*ready1 = i1 >= 0 && w[i1].revents;
	return 0;
}

/* A finished request: the next step, or the file's outcome into r.
 * Returns 1 when r was filled. */
static int done(struct uhttp *h, struct uxfer *x, CURLcode rc, struct uresult *r)
{
	long code = 0;
	char smsg[UMSG_MAX];
	const char *why;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(h->multi, x->easy);
	if (rc != CURLE_OK) {
		snprintf(r->msg, sizeof r->msg, "%s%.200s", x->step == STEP_PRESIGN ? "presign: " : "",
		         x->err[0] ? x->err : curl_easy_strerror(rc));
		return finish(h, x, UR_RETRY, r), 1;
	}
	if (code < 200 || code > 299) {
		server_message(x->body, x->blen, smsg, sizeof smsg);
		snprintf(r->msg, sizeof r->msg, "%sHTTP %ld%s%.200s", x->step == STEP_PRESIGN ? "presign: " : "",
		         code, smsg[0] ? ": " : "", smsg);
		return finish(h, x, code == 408 || code == 429 || code >= 500 ? UR_RETRY : UR_CONFIG, r), 1;
	}
	if (x->step == STEP_PRESIGN) {
		if (x->btrunc)                   /* a cut URL could still look like one */
			why = "presign answer too long for a URL";
		if (x->btrunc || presign_url(x->body, x->blen, x->url, sizeof x->url, &why) < 0) {
			snprintf(r->msg, sizeof r->msg, "%s", why);
			return finish(h, x, UR_RETRY, r), 1;
		}
		if (put_step(h, x) < 0) {
			snprintf(r->msg, sizeof r->msg, "cannot set up the PUT");
			return finish(h, x, UR_RETRY, r), 1;
		}
		return 0;
	}
	{
		curl_off_t up = -1;
		curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &up);
		if (x->sent != (curl_off_t)x->o.sb.st_size || up != (curl_off_t)x->o.sb.st_size) {
			snprintf(r->msg, sizeof r->msg, "short upload: %lld of %lld bytes sent",
			         (long long)up, (long long)x->o.sb.st_size);
			return finish(h, x, UR_RETRY, r), 1;
		}
	}
	r->msg[0] = '\0';
	finish(h, x, UR_OK, r);
	return 1;
}

int http_run(struct uhttp *h, struct uresult *out, int max)
{
	CURLMsg *m;
	int running, left, n = 0;
	curl_multi_perform(h->multi, &running);
	while (n < max && (m = curl_multi_info_read(h->multi, &left))) {
		struct uxfer *x;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		n += done(h, x, m->data.result, &out[n]);
	}
	return n;
}

int http_abort_all(struct uhttp *h, struct uresult *out, int max)
{
	int n = 0;
	for (int i = 0; i < h->n && n < max; i++) {
		struct uxfer *x = &h->x[i];
		if (!x->f)
			continue;
		curl_multi_remove_handle(h->multi, x->easy);
		snprintf(out[n].msg, sizeof out[n].msg, "stopped before it was delivered");
		finish(h, x, UR_RETRY, &out[n]);
		n++;
	}
	return n;
}
