/* parse_preload.c — --preload FILE: the files each process had open, and
 * its working directory, when iotrc-snap-proc --fds wrote FILE (its man
 * page, "FDS FILE"), put into the descriptor model before the first
 * record, so reads and writes on descriptors opened before tracing began
 * are named without asking the live process (upstream.md §10 #6).
 * Called once by iotrc-parse.c; uses lib only. */
#include "parse.h"
#include "rdr.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FDS_TAG "#iotrc-fds 1"

/* One entry line: "f" pid fd cloexec path, or "c" pid path. 1 used,
 * 0 a line of a kind we do not know, -1 malformed. */
static int preload_line(struct parser *p, const char *line, size_t n)
{
	struct rec r;
	char path[PFD_NAME_MAX + 1];
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
		pfd_open(p->pfd, (uint32_t)pid, (int32_t)fd, path, k, PFD_FILE, cloexec != 0);
		return 1;
	}
	if (nf != 3 || rec_s64(&r, 1, &pid) != 1 || pid < 0 || pid > UINT32_MAX || r.n[2] > PFD_NAME_MAX)
		return -1;
	k = rec_unescape(r.f[2], r.n[2], path);
	pfd_chdir(p->pfd, (uint32_t)pid, path, k);
	return 1;
}

int parser_preload(struct parser *p, const char *file)
{
	struct rdr r;
	char *line;
	size_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC), k, first = 1;
	if (fd < 0)
		return -1;
	rdr_init(&r, fd, 64 * 1024);
	while ((k = rdr_next(&r, &line, &n, -1)) == RDR_LINE) {
		if (first) {
			first = 0;
			if (n < sizeof FDS_TAG - 1 || memcmp(line, FDS_TAG, sizeof FDS_TAG - 1) ||
			    (n > sizeof FDS_TAG - 1 && line[sizeof FDS_TAG - 1] != ' ')) {
				rdr_free(&r);
				close(fd);
				errno = EINVAL;     /* not a side file of iotrc-snap-proc --fds */
				return -1;
			}
			continue;
		}
		k = preload_line(p, line, n);
		if (k > 0)
			p->st.preloaded++;
		else if (k < 0)
			p->st.preload_bad++;
	}
	rdr_free(&r);
	close(fd);
	if (k == RDR_ERR || first) {
		errno = first && k != RDR_ERR ? EINVAL : r.err;
		return -1;
	}
	return 0;
}
