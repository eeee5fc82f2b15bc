/* upload_parse.c — text that comes from outside: the body of a presign
 * answer (upstream.md §5: the body is the URL), the body of an error
 * answer (S3 sends XML with <Code> and <Message>, nginx an HTML page with a
 * <title>, the family's worker plain text), and an AWS credentials file. None of it is trusted: lengths are
 * bounded, bytes checked, and tests/fuzz/fuzz_upload.c runs all three. */
#include "upload.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int presign_url(const char *body, size_t n, char *out, size_t cap, const char **why)
{
	const char *s = body, *e = body + n, *host;
	size_t len;
	while (s < e && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		e--;
	len = (size_t)(e - s);
	if (len == 0) {
		*why = "empty presign answer";
		return -1;
	}
	if (len >= cap) {
		*why = "presign answer too long for a URL";
		return -1;
	}
	if (len > 7 && !strncasecmp(s, "http://", 7))
		host = s + 7;
	else if (len > 8 && !strncasecmp(s, "https://", 8))
		host = s + 8;
	else {
		*why = "presign answer is not an http(s) URL";
		return -1;
	}
	if (host >= e || *host == '/' || *host == '?' || *host == '#' || *host == '@') {
		*why = "presign answer: URL without a host";
		return -1;
	}
	for (const char *p = s; p < e; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			*why = "presign answer: URL with a blank or non-ASCII byte";
			return -1;
		}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* Append p[0..n) to out as printable text; returns the new length. */
static size_t put_text(char *out, size_t cap, size_t at, const char *p, size_t n)
{
	for (size_t i = 0; i < n && at + 1 < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		out[at++] = c < 0x20 || c == 0x7f ? (c == '\n' || c == '\t' || c == '\r' ? ' ' : '?')
		                                  : (char)c;
	}
	out[at] = '\0';
	return at;
}

/* The text of the first <tag>...</tag> in body, or NULL. */
static const char *xml_elem(const char *body, size_t n, const char *tag, size_t *len)
{
	char open[32], close[32];
	size_t ol, cl;
	ol = (size_t)snprintf(open, sizeof open, "<%s>", tag);
	cl = (size_t)snprintf(close, sizeof close, "</%s>", tag);
	for (size_t i = 0; i + ol <= n; i++) {
		if (memcmp(body + i, open, ol))
			continue;
		for (size_t j = i + ol; j + cl <= n; j++)
			if (!memcmp(body + j, close, cl)) {
				*len = j - i - ol;
				return body + i + ol;
			}
		return NULL;
	}
	return NULL;
}

void server_message(const char *body, size_t n, char *out, size_t cap)
{
	const char *code, *msg, *s = body, *e = body + n;
	size_t cl = 0, ml = 0, at = 0;
	if (!cap)
		return;
	out[0] = '\0';
	code = xml_elem(body, n, "Code", &cl);
	msg = xml_elem(body, n, "Message", &ml);
	if (code || msg) {
		if (code)
			at = put_text(out, cap, at, code, cl);
		if (code && msg)
			at = put_text(out, cap, at, ": ", 2);
		if (msg)
			put_text(out, cap, at, msg, ml);
		return;
	}
	if ((msg = xml_elem(body, n, "title", &ml))) {     /* an HTML error page */
		put_text(out, cap, 0, msg, ml);
		return;
	}
	while (s < e && blank(*s))           /* the first non-blank line */
		s++;
	{
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		if (nl)
			e = nl;
	}
	while (e > s && blank(e[-1]))
		e--;
	put_text(out, cap, 0, s, (size_t)(e - s));
}

/* "name = value" into out (cap); 1 when the line is that name's. */
static int ini_value(const char *l, size_t n, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name), i = nl;
	if (n < nl || strncmp(l, name, nl))
		return 0;
	while (i < n && blank(l[i]))
		i++;
	if (i >= n || l[i] != '=')
		return 0;
	i++;
	while (i < n && blank(l[i]))
		i++;
	while (n > i && blank(l[n - 1]))
		n--;
	if (n - i >= cap)
		return 0;
	memcpy(out, l + i, n - i);
	out[n - i] = '\0';
	return 1;
}

int creds_parse(const char *text, size_t n, const char *profile, struct s3creds *c,
                const char **why)
{
	const char *s = text, *end = text + n;
	int in = 0;
	memset(c, 0, sizeof *c);
	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		const char *l = s;
		size_t len;
		if (!e)
			e = end;
		s = e + (e < end);
		while (l < e && blank(*l))
			l++;
		len = (size_t)(e - l);
		while (len && blank(l[len - 1]))
			len--;
		if (!len || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			size_t pl = strlen(profile);
			in = len == pl + 2 && l[len - 1] == ']' && !strncmp(l + 1, profile, pl);
			continue;
		}
		if (!in)
			continue;
		if (!ini_value(l, len, "aws_access_key_id", c->key, sizeof c->key) &&
		    !ini_value(l, len, "aws_secret_access_key", c->secret, sizeof c->secret))
			(void)ini_value(l, len, "aws_session_token", c->token, sizeof c->token);
	}
	for (const char *p = c->key; *p; p++)     /* the key goes into a header */
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == ':') {
			*why = "aws_access_key_id has a blank, ':' or a control character";
			return -1;
		}
	for (const char *p = c->token; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
			*why = "aws_session_token has a control character";
			return -1;
		}
	if (!c->key[0] || !c->secret[0]) {
		*why = "no aws_access_key_id and aws_secret_access_key for the profile";
		return -1;
	}
	return 0;
}
