/* top_http.c — --listen: the live page and its JSON, served by GNU
 * libmicrohttpd in its own thread (HTTP is parsed there, not here). The
 * answers read the counters under the top's lock. Routes:
 *	GET /                         the page (top_page.c)
 *	GET /api/processes            ?sort=KEY&n=N&filter=NAME
 *	GET /api/process/PID          ?id=ID (one process of that pid; none:
 *	                              the newest)&sort=KEY&n=N
 * On a loopback address only requests that name a loopback host are
 * answered, so a web site cannot reach the page through DNS rebinding
 * (the page lists file paths). */
#include "top.h"
#include "util.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct thttp {
	struct MHD_Daemon *d;
	struct top *t;
	const struct tstatus *st;
	int loopback;
	char url[128];
};

/* "HOST:PORT", "[V6]:PORT" or "PORT" (loopback) into an address. */
static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *err,
                      size_t cap)
{
	char host[256], port[16];
	const char *colon = strrchr(s, ':');
	struct addrinfo hints, *ai;
	int rc;
	if (!colon) {
		snprintf(host, sizeof host, "127.0.0.1");
		snprintf(port, sizeof port, "%s", s);
	} else {
		size_t hn = (size_t)(colon - s);
		if (hn >= 2 && s[0] == '[' && s[hn - 1] == ']')
			s++, hn -= 2;
		if (hn == 0 || hn >= sizeof host || strlen(colon + 1) >= sizeof port) {
			snprintf(err, cap, "want HOST:PORT, [IPV6]:PORT or PORT");
			return -1;
		}
		memcpy(host, s, hn);
		host[hn] = 0;
		snprintf(port, sizeof port, "%s", colon + 1);
	}
	if (!port[0] || strspn(port, "0123456789") != strlen(port) || atol(port) > 65535) {
		snprintf(err, cap, "bad port \"%s\"", port);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, cap, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return ss->ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* The Host header names a loopback host (with any port). */
static int host_ok(const char *h)
{
	static const char *const names[] = { "localhost", "127.0.0.1", "[::1]" };
	if (!h)
		return 1;                 /* HTTP/1.0 without Host */
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(h, names[i], n) == 0 && (h[n] == 0 || h[n] == ':'))
			return 1;
	}
	return 0;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *type,
                              char *body, size_t len, int must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	r = MHD_create_response_from_buffer_with_free_callback(len, body, must_free ? free : NULL);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* the page asks nothing of anyone but this server */
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'none'; script-src 'unsafe-inline'; "
	                        "style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code, const char *msg)
{
	return answer(c, code, "text/plain; charset=utf-8", (char *)msg, strlen(msg), 0);
}

static long arg_num(struct MHD_Connection *c, const char *key, long def)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
	char *end;
	long n;
	if (!v || !*v)
		return def;
	n = strtol(v, &end, 10);
	return *end || n < 0 ? -1 : n;
}

static enum MHD_Result api(struct thttp *h, struct MHD_Connection *c, const char *url)
{
	const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sort");
	const char *filter = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "filter");
	int by = s ? top_sort_parse(s) : SORT_TOTAL;
	long n = arg_num(c, "n", 200), id = arg_num(c, "id", 0);
	struct json j;
	size_t len;
	char *body;
	if (by < 0 || n < 0 || id < 0)
		return text(c, 400, "bad query: sort=total|rate|read|write|ops, n=N, id=N\n");
	json_init(&j, -1);
	if (strcmp(url, "/api/processes") == 0) {
		top_lock(h->t);
		tjson_overview(&j, h->t, h->st, (enum top_sort)by, filter, (size_t)n);
		top_unlock(h->t);
	} else {
		const char *p = url + strlen("/api/process/");
		int rc;
		if (strncmp(url, "/api/process/", 13) != 0 || !*p || strspn(p, "0123456789") != strlen(p) ||
		    strlen(p) > 10 || atoll(p) > UINT32_MAX) {
			json_free(&j);
			return text(c, 404, "no such page\n");
		}
		top_lock(h->t);
		rc = tjson_process(&j, h->t, (uint32_t)atoll(p), (uint64_t)id, (enum top_sort)by, (size_t)n);
		top_unlock(h->t);
		if (rc < 0) {
			json_free(&j);
			return answer(c, 404, "application/json", (char *)"{\"error\":\"no such process\"}",
			              28, 0);
		}
	}
	body = json_take(&j, &len);
	return answer(c, 200, "application/json", body, len, 1);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **state)
{
	struct thttp *h = cls;
	(void)version, (void)upload, (void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return text(c, 405, "only GET\n");
	if (*upload_size)
		return MHD_NO;
	if (h->loopback && !host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
		return text(c, 403, "this server answers to a loopback host name only\n");
	if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
		return answer(c, 200, "text/html; charset=utf-8", (char *)top_page_html,
		              strlen(top_page_html), 0);
	if (strncmp(url, "/api/", 5) == 0)
		return api(h, c, url);
	return text(c, 404, "no such page\n");
}

struct thttp *thttp_start(const char *addr, struct top *t, const struct tstatus *st,
                          char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct thttp *h;
	const union MHD_DaemonInfo *info;
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	if (parse_addr(addr, &ss, &len, err, errcap) < 0)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->t = t;
	h->st = st;
	h->loopback = is_loopback(&ss);
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	                        (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	                        0, NULL, NULL, handler, h,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	                        MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errcap, "cannot listen there (in use, or not an address of this machine)");
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : 0;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
		snprintf(h->url, sizeof h->url, "http://[%s]:%u/", host, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
		snprintf(h->url, sizeof h->url, "http://%s:%u/", host, port);
	}
	return h;
}

const char *thttp_url(const struct thttp *h)
{
	return h->url;
}

int thttp_loopback(const struct thttp *h)
{
	return h->loopback;
}

void thttp_stop(struct thttp *h)
{
	MHD_stop_daemon(h->d);
	free(h);
}
