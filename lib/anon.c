/* anon.c — see anon.h. io-tracer-mac hashed with unsalted SHA-256, which a
 * dictionary reverses and which is equal across machines
 * (shared/notes/upstream.md §10 #20); iotrc keys the hash with a secret
 * kept on this machine. Splitting follows upstream §7. */
#include "anon.h"
#include "crypto.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

const char *anon_default_keyfile(void)
{
	static char buf[1024];
	const char *home = getenv("HOME");
	if (geteuid() == 0 || !home)
		return "/var/lib/iotrc/anon.key";
	snprintf(buf, sizeof buf, "%s/.iotrc/anon.key", home);
	return buf;
}

int anon_setup(const char *path, char *err, size_t errcap)
{
	char dir[1024];
	char *slash;
	if (!path)
		path = anon_default_keyfile();
	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = 0;
		mkdir(dir, 0700);                 /* may exist; the open reports real errors */
	}
	return anon_load_key(path, err, errcap);
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

/* The extension a last component keeps: its last one, if short and plain
 * (1-8 ASCII letters or digits) and the dot does not lead. Directories and
 * odd extensions keep nothing: "/Users/john.smith/" kept ".smith" (issue
 * 14 #5), and a long or spaced "extension" is part of a name. */
#define ANON_EXT_MAX 8
static int plain_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static size_t anon_ext(const char *c, size_t n)
{
	size_t k = 0;
	while (k < n && k <= ANON_EXT_MAX && plain_char(c[n - 1 - k]))
		k++;
	if (k == 0 || k > ANON_EXT_MAX || k + 1 >= n || c[n - 1 - k] != '.')
		return 0;
	return k + 1;          /* with its dot */
}

/* One component: a token, plus the extension when it is the last one. */
static size_t anon_component(const char *c, size_t n, int last, char *out)
{
	size_t ext = last ? anon_ext(c, n) : 0;
	anon_token(c, n - ext, out);
	memcpy(out + 12, c + n - ext, ext);
	return 12 + ext;
}

/* Where the last real component starts ("." and empty ones don't count);
 * n when there is none or the path ends in "/" (a directory). */
static size_t last_component(const char *s, size_t n)
{
	size_t i = n, j;
	if (n && s[n - 1] == '/')
		return n;
	while (i > 0) {
		while (i > 0 && s[i - 1] == '/')
			i--;
		j = i;
		while (j > 0 && s[j - 1] != '/')
			j--;
		if (i > j && !(i - j == 1 && s[j] == '.'))
			return j;
		i = j;
	}
	return n;
}

size_t anon_path(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0, last = last_component(s, n);
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
			o += anon_component(s + i, j - i, i == last, out + o);
		}
		i = j + 1;
	}
	out[o] = 0;
	return o;
}
