/* reward.c — see reward.h. $HOME as upstream (Path.home()); the account's
 * home directory from the password database when HOME is unset. */
#include "reward.h"
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (!h || !*h) {
		struct passwd *pw = getpwuid(getuid());
		h = pw ? pw->pw_dir : NULL;
	}
	return h && *h ? h : NULL;
}

int reward_marker_path(char *out, size_t cap)
{
	const char *h = home_dir();
	if (!h || (size_t)snprintf(out, cap, "%s/.io-tracer/.reward_unlocked", h) >= cap)
		return -1;
	return 0;
}

int reward_touch(void)
{
	char path[4096], dir[4096];
	const char *h = home_dir();
	int fd;
	if (!h || (size_t)snprintf(dir, sizeof dir, "%s/.io-tracer", h) >= sizeof dir ||
	    reward_marker_path(path, sizeof path) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	(void)futimens(fd, NULL);
	close(fd);
	return 0;
}

int reward_unlocked(void)
{
	char path[4096];
	struct stat sb;
	return reward_marker_path(path, sizeof path) == 0 && stat(path, &sb) == 0;
}
