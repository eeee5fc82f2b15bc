/* snap-fs-floor — the kernel's share of iotrc-snap-fs's walk on Linux: the
 * same system calls (getdents64 into 32 KiB, one statx per entry relative
 * to its directory with the same flags and mask, openat per directory)
 * and nothing else: no rows, no visited set, no output. What a walker
 * that must stat every file cannot go below (bench/snap-fs.sh).
 *
 *   snap-fs-floor DIR     prints the number of entries seen */
#include <stdio.h>
#ifdef __linux__
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long entries;

static void walk(int dir)
{
	char buf[32768];
	long got;
	while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
		for (long at = 0; at < got;) {
			/* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name */
			const char *name = buf + at + 19;
			unsigned short len;
			struct statx x;
			int sub;
			__builtin_memcpy(&len, buf + at + 16, sizeof len);
			at += len;
			if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
				continue;
			entries++;
			if (statx(dir, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
			          STATX_TYPE | STATX_NLINK | STATX_INO | STATX_SIZE | STATX_BLOCKS |
			                  STATX_ATIME | STATX_MTIME | STATX_BTIME, &x) < 0 ||
			    !S_ISDIR(x.stx_mode))
				continue;
			if ((sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
				walk(sub);
				close(sub);
			}
		}
	}
}

int main(int argc, char **argv)
{
	int dir = argc == 2 ? open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dir < 0) {
		fprintf(stderr, "usage: snap-fs-floor DIR (a directory)\n");
		return 2;
	}
	walk(dir);
	printf("%ld\n", entries);
	return 0;
}
#else
int main(void)
{
	fprintf(stderr, "snap-fs-floor: Linux only (getdents64, statx)\n");
	return 2;
}
#endif
