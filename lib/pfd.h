/* pfd.h — the process and descriptor model that iotrc-parse and
 * iotrc-kdebug share: what each (pid, fd) names, each process's working
 * directory, and how open, close, dup, fcntl, chdir, fork, exec and exit
 * change them (upstream.md §10 #6, #7; iotrc-parse(1) "Descriptor
 * lifetimes").
 *
 * Rules:
 * - An event on a pid that exited starts a new process: it sees none of
 *   the old one's descriptors or cwd.
 * - exec closes the descriptors with close-on-exec (as of the exec:
 *   F_SETFD after it counts for the next one); the cwd survives.
 * - A forked child sees its parent's descriptors and cwd as they were at
 *   the fork, whatever the parent does afterwards (close, dup2 over,
 *   exec, chdir, exit); what the parent opens after the fork is not the
 *   child's. The child's own changes hide the inherited entry.
 * - Memory is bounded (entries, string bytes, processes); what is evicted
 *   becomes unknown, never another file's name, and is counted.
 * - A hook may name what was open before the trace (live tracing only);
 *   its answer, a miss included, is asked once and remembered. */
#ifndef IOTRC_PFD_H
#define IOTRC_PFD_H
#include <stddef.h>
#include <stdint.h>

/* what a descriptor is: the low 2 bits of the flags (kdebug's FK_*) */
#define PFD_FILE 0u                /* named by a path */
#define PFD_SOCKET 1u              /* the name is the caller's socket text */
#define PFD_CLOSED 2u              /* closed: hides what it inherited */
#define PFD_NOPATH 3u              /* open, name unknown (pipe, dup of unknown) */
#define PFD_KIND 3u
#define PFD_CLOEXEC 4u
#define PFD_HOOKED 8u              /* the hook answered for it */

#define PFD_NAME_MAX 8191          /* longer names are stored as unknown */
#define PFD_NOHOOK (-2L)           /* a hook's answer: "not now", not cached */

struct pfd_hooks {
	void *ctx;
	/* Path of an open descriptor / the cwd into out; length, -1 unknown
	 * (remembered), PFD_NOHOOK (asked again next time). */
	long (*fdpath)(void *ctx, uint32_t pid, int32_t fd, char *out, size_t cap);
	long (*cwd)(void *ctx, uint32_t pid, char *out, size_t cap);
};

struct pfd_config {
	size_t max_fds, max_cwds, max_procs;  /* entries */
	size_t fd_bytes, cwd_bytes;           /* string bytes, 0: unbounded */
	int abs_only;                         /* a name must start with '/' */
};

struct pfd_stats {
	uint64_t fd_entries, fd_evictions, cwd_evictions, proc_evictions;
	uint64_t misses;           /* a descriptor or cwd looked up, not known */
	uint64_t hook_lookups;     /* ... then asked of the hook */
	uint64_t inherit_copies;   /* entries kept for children as of their fork */
	uint64_t fork_untracked;   /* children past PFD_KIDS per parent: they
	                            * read the parent's present entries */
};

struct pfd;
struct pfd *pfd_new(const struct pfd_config *c, const struct pfd_hooks *h);
void pfd_free(struct pfd *m);
void pfd_get_stats(const struct pfd *m, struct pfd_stats *st);

/* events (negative fds are ignored) */
void pfd_open(struct pfd *m, uint32_t pid, int32_t fd, const char *s, size_t n,
              unsigned kind, int cloexec);
void pfd_close(struct pfd *m, uint32_t pid, int32_t fd);
/* dup, dup2, dup3, F_DUPFD[_CLOEXEC]: to names what from names (or is
 * open and unknown), with its own close-on-exec flag. */
void pfd_dup(struct pfd *m, uint32_t pid, int32_t from, int32_t to, int cloexec);
void pfd_setcloexec(struct pfd *m, uint32_t pid, int32_t fd, int on);
/* chdir to an absolute path; a relative one makes the cwd unknown */
void pfd_chdir(struct pfd *m, uint32_t pid, const char *s, size_t n);
void pfd_fchdir(struct pfd *m, uint32_t pid, int32_t fd);
void pfd_fork(struct pfd *m, uint32_t ppid, uint32_t child);
void pfd_exec(struct pfd *m, uint32_t pid);
void pfd_exit(struct pfd *m, uint32_t pid);

/* queries */
/* The entry (pid, fd) has now, inherited ones included; no hook. */
const char *pfd_get(struct pfd *m, uint32_t pid, int32_t fd, size_t *n, unsigned *flags);
/* The name of a file descriptor (then the hook), NULL if unknown. */
const char *pfd_name(struct pfd *m, uint32_t pid, int32_t fd, size_t *n);
const char *pfd_cwd(struct pfd *m, uint32_t pid, size_t *n);
/* A path argument joined with its directory: the cwd for dirfd -1 or
 * at_fdcwd, else the directory descriptor; absolute or unknown bases
 * leave it as it is. Leading "./" go, "." is the directory itself; ".."
 * stays (a symlink makes it more than text). Into out (cap bytes, cut);
 * returns the length. */
size_t pfd_join(struct pfd *m, uint32_t pid, int64_t dirfd, int64_t at_fdcwd, const char *p,
                size_t n, char *out, size_t cap);

/* The side file of iotrc-snap-proc --fds (pfd_preload.c; iotrc-snap-proc(1)
 * "FDS FILE"): its first line starts with the tag; each open file and
 * working directory listed goes into m like an open or a chdir. 0, or -1
 * and errno (EINVAL: not such a file). loaded and bad count the entries
 * taken and the malformed lines skipped. */
#define PFD_FDS_TAG "#iotrc-fds 1"
int pfd_preload(struct pfd *m, const char *file, uint64_t *loaded, uint64_t *bad);
#endif
