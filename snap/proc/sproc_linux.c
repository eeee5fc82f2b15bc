/* sproc_linux.c — processes from /proc (sproc.h): everything a sample or
 * a snapshot needs is in /proc/PID/stat (proc(5)): the name in
 * parentheses (it may hold spaces and parentheses: up to the last ')'),
 * the state, utime and stime (fields 14, 15) and starttime (22) in clock
 * ticks. Memory for a snapshot from /proc/PID/statm (size and resident
 * pages), as psutil reads it: stat's rss field is the kernel's fast
 * approximate sum, statm's the exact one. */
#include "sproc.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long clk_tck = 100, page_size = 4096;
static double boot_time;

/* psutil's boot_time(): "btime" of /proc/stat, whole seconds */
int sp_init(void)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "re");
	long v;
	if ((v = sysconf(_SC_CLK_TCK)) > 0)
		clk_tck = v;
	if ((v = sysconf(_SC_PAGESIZE)) > 0)
		page_size = v;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "btime ", 6))
			boot_time = (double)strtoll(line + 6, NULL, 10);
	fclose(f);
	return 0;
}

static int add_pid(struct sp_pids *p, uint32_t pid)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint32_t *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return -1;
		p->v = v, p->cap = cap;
	}
	p->v[p->n++] = pid;
	return 0;
}

int sp_list(struct sp_pids *p)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	p->n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		uint64_t pid;
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || parse_u64(e->d_name, &pid) < 0 ||
		    pid > UINT32_MAX)
			continue;
		if (add_pid(p, (uint32_t)pid) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

void sp_pids_free(struct sp_pids *p)
{
	free(p->v);
	p->v = NULL, p->n = p->cap = 0;
}

static int gone_or_denied(int e)
{
	return e == EACCES || e == EPERM ? SP_DENIED : SP_GONE;
}

/* Fields after the name, numbered as proc(5) does (3 = state). */
static int split_fields(char *s, char **f, int max)
{
	int n = 3;
	while (*s == ' ')
		s++;
	while (*s && n < max) {
		f[n++] = s;
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			*s++ = 0;
	}
	return n;
}

static int read_statm(uint32_t pid, uint64_t *size, uint64_t *resident)
{
	char path[48], buf[256], *end;
	ssize_t n;
	int fd;
	snprintf(path, sizeof path, "/proc/%u/statm", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*size = strtoull(buf, &end, 10);
	*resident = strtoull(end, &end, 10);
	return 0;
}

int sp_read(uint32_t pid, struct sp_proc *p, int full)
{
	char path[48], buf[1024], *f[26] = { 0 }, *open_p, *close_p;
	ssize_t n;
	int fd;
	uint64_t ut, st, start, vsize, rss;
	snprintf(path, sizeof path, "/proc/%u/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return gone_or_denied(errno);
	n = read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		int e = errno;
		close(fd);
		return gone_or_denied(e);
	}
	close(fd);
	buf[n] = 0;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || split_fields(close_p + 1, f, 26) < 23)
		return SP_GONE;
	if (parse_u64(f[14], &ut) < 0 || parse_u64(f[15], &st) < 0 || parse_u64(f[22], &start) < 0)
		return SP_GONE;
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->start_id = start;
	p->create_time = (double)start / (double)clk_tck + boot_time;
	p->cpu_ns = (uint64_t)((unsigned __int128)(ut + st) * 1000000000u / (uint64_t)clk_tck);
	if (full) {
		size_t k = (size_t)(close_p - open_p - 1);
		if (k >= sizeof p->name)
			k = sizeof p->name - 1;
		memcpy(p->name, open_p + 1, k);
		p->name[k] = 0;
		if (read_statm(pid, &vsize, &rss) == 0) {
			p->vms_bytes = vsize * (uint64_t)page_size;
			p->rss_bytes = rss * (uint64_t)page_size;
		} else {
			p->no_task = 1;     /* exited meanwhile: no figures */
		}
		p->status = sp_status_linux(f[3][0]);
	}
	return SP_OK;
}
