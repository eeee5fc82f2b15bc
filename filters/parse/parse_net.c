/* parse_net.c — net records -> nw_conn rows (iotrc-records(5) "Stream
 * net"; conventions from upstream.md §2.4, with IPv6 addresses and
 * AF_UNIX paths, which upstream lacked (§10 #8)). A failed call's
 * return_value is the negative error number of the traced OS (-111
 * ECONNREFUSED on Linux, -61 on macOS), as the family's Linux member
 * writes the raw system call result, so failures keep their error
 * (iotrc-schema(7); upstream.md §10 #4). */
#include "parse.h"
#include "decode.h"
#include "mono.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum ev { E_SOCKET, E_BIND, E_LISTEN, E_CONNECT, E_ACCEPT, E_SHUTDOWN, E_CLOSE };
static const struct net_op {
	const char *name;
	enum ev ev;
} net_ops[] = {
	{ "socket", E_SOCKET }, { "bind", E_BIND }, { "listen", E_LISTEN },
	{ "connect", E_CONNECT }, { "connect_nocancel", E_CONNECT }, { "connectx", E_CONNECT },
	{ "accept", E_ACCEPT }, { "accept_nocancel", E_ACCEPT }, { "accept4", E_ACCEPT },
	{ "shutdown", E_SHUTDOWN },
	/* the close of a socket (the engines write it for socket descriptors
	 * only; the family's Linux member's CLOSE) */
	{ "close", E_CLOSE }, { "close_nocancel", E_CLOSE }, { "guarded_close_np", E_CLOSE },
};
static const char *const ev_name[] = { "SOCKET_CREATE", "BIND", "LISTEN", "CONNECT", "ACCEPT",
                                       "SHUTDOWN", "CLOSE" };

struct nrec {
	int64_t pid, ret, err, entry, fd, family, type, proto, arg, port, tid, ppid, lport;
};

static int pull(const struct rec *r, struct nrec *v)
{
	int bad = 0;
	v->pid = fs64(r, F_PID, 0, &bad);
	v->ret = fs64(r, FN_RET, 0, &bad);
	v->err = fs64(r, FN_ERR, 0, &bad);
	v->entry = fs64(r, FN_ENTRY, 0, &bad);
	v->fd = fs64(r, FN_FD, -1, &bad);
	v->family = fs64(r, FN_FAMILY, 0, &bad);
	v->type = fs64(r, FN_TYPE, 0, &bad);
	v->proto = fs64(r, FN_PROTO, 0, &bad);
	v->arg = fs64(r, FN_ARG, 0, &bad);
	v->port = fs64(r, FN_PORT, 0, &bad);
	v->tid = fs64(r, F_TID, 0, &bad);
	v->ppid = fs64(r, F_PPID, -1, &bad);
	v->lport = r->nf > FN_LPORT ? fs64(r, FN_LPORT, 0, &bad) : 0;   /* the extension */
	return bad || v->port < 0 || v->port > 65535 || v->lport < 0 || v->lport > 65535 ? -1 : 0;
}

static int hex_bytes(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

/* An address cell from field i (FN_ADDR, FN_LADDR): hex bytes or
 * presentation text for IP, the escaped path for AF_UNIX; 0.0.0.0 and ::
 * are "no address" (upstream §2.4). */
static inline __attribute__((always_inline)) size_t
addr_text_at(const struct parser *p, const struct rec *r, int i, int64_t family, char *out)
{
	unsigned char b[16];
	const char *s = i < r->nf ? r->f[i] : "";
	size_t n = i < r->nf ? r->n[i] : 0;
	int af = family == os_af_inet6(p->os) ? AF_INET6 : family == os_af_inet(p->os) ? AF_INET : 0;
	out[0] = 0;
	if (n == 0)
		return 0;
	if (family == os_af_unix(p->os))
		return n < 1024 ? unesc_field(r, i, out, 1024, NULL) : 0;
	if (!af || n >= 64)
		return 0;
	/* hex bytes, else presentation text; the field is not NUL-terminated */
	if (!(((af == AF_INET && n == 8) || (af == AF_INET6 && n == 32)) && hex_bytes(s, n, b) == 0)) {
		char t[64];
		memcpy(t, s, n), t[n] = 0;
		if (inet_pton(af, t, b) != 1)
			return 0;
	}
	if (!inet_ntop(af, b, out, 64))
		return 0;
	if (strcmp(out, "0.0.0.0") == 0 || strcmp(out, "::") == 0)
		return out[0] = 0, 0;
	return strlen(out);
}

static void put_family(struct parser *p, int64_t family)
{
	char b[256];
	if (family)
		csv_raw(&p->out, b, dec_domain(p->os, family, b));
	else
		csv_empty(&p->out);
}

/* The peer's (or bind's) address, inlined on the hot path; the local
 * end's, rare (only records with the extension), through the same code. */
static size_t addr_text(const struct parser *p, const struct rec *r, int64_t family, char *out)
{
	return addr_text_at(p, r, FN_ADDR, family, out);
}
static __attribute__((noinline)) size_t laddr_text(const struct parser *p, const struct rec *r,
                                                   int64_t family, char *out)
{
	return addr_text_at(p, r, FN_LADDR, family, out);
}

/* domain, sock_type, ipver, local_addr, remote_addr, sport, dport; for
 * connect and accept the local end comes from the record's extension,
 * when the engine could read it (iotrc-records(5)) */
static void put_endpoint(struct parser *p, const struct rec *r, enum ev ev, const struct nrec *v)
{
	char b[256], addr[1100], laddr[1100];
	int sock = ev != E_LISTEN && ev != E_SHUTDOWN, peer = ev == E_CONNECT || ev == E_ACCEPT;
	int ipver = v->family == os_af_inet(p->os) ? 4 : v->family == os_af_inet6(p->os) ? 6 : 0;
	size_t an = ev == E_BIND || peer ? addr_text(p, r, v->family, addr) : 0;
	size_t ln = peer && r->nf > FN_LADDR ? laddr_text(p, r, v->family, laddr) : 0;
	if (sock)
		put_family(p, v->family);
	else
		csv_empty(&p->out);
	if (v->type && sock)
		csv_raw(&p->out, b, dec_socktype(p->os, v->type, b));
	else
		csv_empty(&p->out);
	put_opt_u64(&p->out, ipver && sock, (uint64_t)ipver);
	if (ev == E_BIND)
		csv_str(&p->out, addr, an), csv_empty(&p->out);
	else if (peer)
		csv_str(&p->out, ln ? laddr : "", ln), csv_str(&p->out, addr, an);
	else
		csv_empty(&p->out), csv_empty(&p->out);
	if (peer)                                                       /* sport */
		put_opt_u64(&p->out, v->lport > 0 && ipver, (uint64_t)v->lport);
	else
		put_opt_u64(&p->out, ev == E_BIND && v->port > 0 && ipver, (uint64_t)v->port);
	put_opt_u64(&p->out, peer && v->port > 0 && ipver, (uint64_t)v->port);
}

static const struct net_op *net_op(const struct rec *r)
{
	for (size_t i = 0; i < sizeof net_ops / sizeof net_ops[0]; i++)
		if (strlen(net_ops[i].name) == r->n[F_OP] && memcmp(net_ops[i].name, r->f[F_OP], r->n[F_OP]) == 0)
			return &net_ops[i];
	return NULL;
}

int row_net(struct parser *p, const struct rec *r)
{
	const struct net_op *op = net_op(r);
	struct nrec v;
	char b[256];
	int64_t mono, lat;
	int ok;
	if (!op) {
		p->st.unknown_op++;
		return 0;
	}
	if (pull(r, &v) < 0)
		return -1;
	ok = v.ret >= 0 && v.err == 0;
	if (op->ev == E_ACCEPT && !ok)
		v.family = 0;                 /* no peer */
	row_prefix_time(p, r, &mono);
	csv_cstr(&p->out, ev_name[op->ev]);
	csv_u64(&p->out, (uint64_t)v.pid);
	put_opt_u64(&p->out, v.tid > 0, (uint64_t)v.tid);
	put_str_field(p, r, F_EXEC);
	put_endpoint(p, r, op->ev, &v);
	if (op->ev == E_SOCKET || op->ev == E_ACCEPT)               /* fd: the new one */
		put_opt_u64(&p->out, v.ret >= 0 && ok, (uint64_t)v.ret);
	else
		put_opt_u64(&p->out, v.fd >= 0, (uint64_t)v.fd);
	put_opt_u64(&p->out, op->ev == E_LISTEN && v.arg > 0, (uint64_t)v.arg);          /* backlog */
	if (op->ev == E_SHUTDOWN)
		csv_raw(&p->out, b, dec_shuthow(v.arg, b));
	else
		csv_empty(&p->out);
	lat = v.entry > 0 ? mono_span(mono, mono_to_ns(p, v.entry)) : -1;
	put_opt_u64(&p->out, (op->ev == E_CONNECT || op->ev == E_ACCEPT) && lat > 0,
	            (uint64_t)lat);                                 /* latency_ns */
	/* return_value: -errno on failure; a negative err (macOS ERESTART,
	 * EJUSTRETURN, notes/macos-dtrace.md §1.3) is no errno: ret as is */
	csv_s64(&p->out, v.err > 0 && v.ret < 0 ? -v.err : v.ret);
	put_opt_u64(&p->out, mono != INT64_MIN, (uint64_t)mono);
	csv_end(&p->out);
	return 1;
}
