/* pfd_preload.c — the side file of iotrc-snap-proc --fds (its man page,
 * "FDS FILE"): the files each process had open, and its working
 * directory, when the file was written, put into a descriptor model
 * (pfd.h) before the first event, so reads and writes on descriptors
 * opened before tracing began are named without asking the live process
 * (upstream.md §10 #6). iotrc-parse --preload and iotrc-kdebug --preload
 * both read it here. */
#include "pfd.h"
#include "rdr.h"
#include "records.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* One entry line: "f" pid fd cloexec path, or "c" pid path. 1 used,
 * 0 a line of a kind we do not know, -1 malformed. */
static int preload_line(struct pfd *m, const char *line, size_t n, char *path)
{
	struct rec r;
	int64_t pid, fd, cloexec;
	size_t k;
	int nf = rec_split(line, n, &r);
	if (nf < 1 || r.n[0] != 1 || (r.f[0][0] != 'f' && r.f[0][0] != 'c'))
		return 0;
	if (r.f[0][0] == 'f') {
		if (nf != 5 || rec_s64(&r, 1, &pid) != 1 || rec_s64(&r, 2, &fd) != 1 ||
		    rec_s64(&r, 3, &cloexec) != 1 || pid < 0 || pid > UINT32_MAX || fd < 0 ||
		    fd > INT32_MAX || r.n[4] > PFD_NAME_MAX)
			return -1;
		k = rec_unescape(r.f[4], r.n[4], path);
		pfd_open(m, (uint32_t)pid, (int32_t)fd, path, k, PFD_FILE, cloexec != 0);
		return 1;
	}
	if (nf != 3 || rec_s64(&r, 1, &pid) != 1 || pid < 0 || pid > UINT32_MAX || r.n[2] > PFD_NAME_MAX)
		return -1;
	k = rec_unescape(r.f[2], r.n[2], path);
	pfd_chdir(m, (uint32_t)pid, path, k);
	return 1;
}

/* The first line: the tag, alone or followed by a space. */
static int is_tag(const char *line, size_t n)
{
	size_t t = sizeof PFD_FDS_TAG - 1;
	return n >= t && memcmp(line, PFD_FDS_TAG, t) == 0 && (n == t || line[t] == ' ');
}

int pfd_preload(struct pfd *m, const char *file, uint64_t *loaded, uint64_t *bad)
{
	char path[PFD_NAME_MAX + 1];
	struct rdr r;
	char *line;
	size_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC), k, first = 1, err;
	if (fd < 0)
		return -1;
	rdr_init(&r, fd, 64 * 1024);
	while ((k = rdr_next(&r, &line, &n, -1)) == RDR_LINE) {
		if (first) {
			first = 0;
			if (!is_tag(line, n)) {
				first = 1;          /* not a side file of iotrc-snap-proc --fds */
				break;
			}
			continue;
		}
		k = preload_line(m, line, n, path);
		if (k > 0)
			++*loaded;
		else if (k < 0)
			++*bad;
	}
	err = k == RDR_ERR ? (r.err ? r.err : EIO) : first ? EINVAL : 0;
	rdr_free(&r);
	close(fd);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
