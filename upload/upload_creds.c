/* upload_creds.c — S3 credentials, never from the command line (where
 * ps(1) shows them to every user): the environment, as the AWS tools read
 * it, or a credentials file in the AWS format that only we may read. */
#include "upload.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int env_creds(struct s3creds *c)
{
	const char *k = getenv("AWS_ACCESS_KEY_ID"), *s = getenv("AWS_SECRET_ACCESS_KEY");
	const char *t = getenv("AWS_SESSION_TOKEN");
	if (!k || !*k || !s || !*s)
		return -1;
	memset(c, 0, sizeof *c);
	if (strlen(k) >= sizeof c->key || strlen(s) >= sizeof c->secret ||
	    (t && strlen(t) >= sizeof c->token))
		return -1;
	strcpy(c->key, k);
	strcpy(c->secret, s);
	if (t)
		strcpy(c->token, t);
	return 0;
}

int creds_load(const char *file, struct s3creds *c, char *why, size_t cap)
{
	char buf[16384];
	const char *profile = getenv("AWS_PROFILE"), *pwhy;
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	int fd;
	if (!file) {
		if (env_creds(c) == 0)
			return 0;
		snprintf(why, cap, "s3: no credentials: set AWS_ACCESS_KEY_ID and "
		         "AWS_SECRET_ACCESS_KEY, or give --credentials FILE");
		return -1;
	}
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(why, cap, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 077)) {
		snprintf(why, cap, "%s: must be a regular file of ours that nobody else may "
		         "read (chmod 600)", file);
		close(fd);
		return -1;
	}
	while (len < sizeof buf && (n = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, cap, "%s: %s", file, strerror(errno));
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	if (creds_parse(buf, len, profile && *profile ? profile : "default", c, &pwhy) < 0) {
		snprintf(why, cap, "%s: %s", file, pwhy);
		return -1;
	}
	return 0;
}
