/* anon.c — see anon.h. io-tracer-mac hashed with unsalted SHA-256, which a
 * dictionary reverses and which is equal across machines
 * (shared/notes/upstream.md §10 #20); iotrc keys the hash with a secret
 * kept on this machine. Splitting follows upstream §7. */
#include "anon.h"
#include "crypto.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t anon_key[32];
static size_t anon_keylen;

void anon_set_key(const void *key, size_t n)
{
	anon_keylen = n > sizeof anon_key ? sizeof anon_key : n;
	memcpy(anon_key, key, anon_keylen);
}

static int read_key(const char *path, char *err, size_t errcap)
{
	uint8_t buf[64];
	ssize_t n;
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		snprintf(err, errcap, "%s: key file is readable by others (mode %03o); chmod 600 it",
		         path, (unsigned)(st.st_mode & 0777));
		close(fd);
		errno = EPERM;
		return -2;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 16) {
		snprintf(err, errcap, "%s: key file too short (need 16 bytes or more)", path);
		errno = EINVAL;
		return -2;
	}
	anon_set_key(buf, (size_t)n);
	return 0;
}

int anon_load_key(const char *path, char *err, size_t errcap)
{
	uint8_t key[32];
	int fd, r = read_key(path, err, errcap);
	if (r == 0 || r == -2)
		return r == 0 ? 0 : -1;
	if (errno != ENOENT) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* O_EXCL: if two tools race to create it, one of them reads it back. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST && read_key(path, err, errcap) == 0)
			return 0;
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (random_bytes(key, sizeof key) < 0 || write(fd, key, sizeof key) != (ssize_t)sizeof key ||
	    fsync(fd) < 0) {
		snprintf(err, errcap, "%s: cannot write key: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	anon_set_key(key, sizeof key);
	return 0;
}

void anon_token(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t mac[32];
	hmac_sha256(anon_key, anon_keylen, s, n, mac);
	for (int i = 0; i < 6; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[12] = 0;
}

/* One component: keep its last extension unless the dot leads. */
static size_t anon_component(const char *c, size_t n, char *out)
{
	const char *dot = NULL;
	size_t stem = n, o;
	for (size_t i = n; i-- > 1;)
		if (c[i] == '.') {
			dot = c + i;
			break;
		}
	if (dot && dot + 1 < c + n)
		stem = (size_t)(dot - c);
	else
		dot = NULL;
	anon_token(c, stem, out);
	o = 12;
	if (dot) {
		memcpy(out + o, dot, n - stem);
		o += n - stem;
	}
	return o;
}

size_t anon_path(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	if (n && s[0] == '/' && cap > 1)
		out[o++] = '/';
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '/')
			j++;
		if (j > i && !(j - i == 1 && s[i] == '.')) {
			if (o + 14 + (j - i) >= cap)
				break;
			if (o && out[o - 1] != '/')
				out[o++] = '/';
			o += anon_component(s + i, j - i, out + o);
		}
		i = j + 1;
	}
	out[o] = 0;
	return o;
}
