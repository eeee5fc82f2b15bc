/* kdebug_decode.h — the platform-neutral kdebug decoder: kd_buf events in,
 * iotrc-records(5) vfs/io/net records out. A state machine fed one event
 * at a time; it never looks at the live system except through the
 * optional hooks (which the live Darwin code fills, and --replay leaves
 * empty). Facts: shared/notes/macos-kdebug.md §3. */
#ifndef IOTRC_KDEBUG_DECODE_H
#define IOTRC_KDEBUG_DECODE_H
#include "csv.h"
#include "kdebug_defs.h"
#include "records.h"
#include <stddef.h>
#include <stdint.h>

/* How VFS_LOOKUP paths were cut (§3.6): before macOS 15.4 the kernel sent
 * at most the last 184 bytes; from 15.4 the whole path. */
enum kd_lookup_mode { KD_LOOKUP_AUTO = 0, KD_LOOKUP_TAIL, KD_LOOKUP_FULL };

/* The lookup format of a kernel from its kern.osrelease ("24.4.0"):
 * Darwin 24.4 (macOS 15.4) and later 24.x whole paths, Darwin 20 to 24.3
 * (macOS 11 to 15.3) tails, others (and junk) KD_LOOKUP_AUTO. */
int kd_lookup_mode_of_release(const char *osrelease);

#define KD_PATHMAX 1088      /* MAXPATHLEN plus the trace_paths padding words */
#define KD_MAXEXCLUDE 64

struct kd_config {
	uint32_t tb_numer, tb_denom;  /* for wall = ticks * n / d + offset */
	int has_wall;
	int64_t wall_offset_ns;
	int lookup_mode;              /* enum kd_lookup_mode */
	size_t max_threads, max_slots, max_procs, max_fds, max_vnodes, max_ios;
	int32_t exclude[KD_MAXEXCLUDE];
	size_t nexclude;
};
void kd_config_defaults(struct kd_config *c);

/* A socket's address as proc_pidfdinfo(PROC_PIDFDSOCKETINFO) reports it
 * (§5.1): family and (for IP) port and address bytes, or an AF_UNIX path. */
struct kd_sockaddr {
	int family, type, proto;
	int port;                     /* host order, 0 none */
	int addrlen;                  /* 4, 16, or the path length */
	unsigned char addr[16];
	char path[256];
};

/* Live-only look-ups; any may be NULL. Each returns < 0 on failure. */
struct kd_hooks {
	void *ctx;
	int (*sockinfo)(void *ctx, int32_t pid, int32_t fd, int local, struct kd_sockaddr *out);
	long (*cwd)(void *ctx, int32_t pid, char *out, size_t cap);
	long (*fdpath)(void *ctx, int32_t pid, int32_t fd, char *out, size_t cap);
	int (*procinfo)(void *ctx, int32_t pid, int32_t *ppid, char *name, size_t cap);
};

/* Counters, all visible in --stats. */
struct kd_stats {
	uint64_t events, records[REC_NSTREAMS], drops, lost_events, wraps;
	uint64_t ignored_events, syscalls_other, orphan_ends, unfinished, excluded;
	uint64_t lookups, lookup_orphans, lookup_tails, lookup_partial, path_overflow;
	uint64_t io_unmatched, io_evicted, threads_evicted, slots_stolen, procs_evicted;
	uint64_t fd_evictions, vnode_evictions, sockinfo_ok, sockinfo_failed;
	uint64_t hook_lookups;
	uint64_t shadow_exits;        /* old images' exits after an exec, not written */
	uint64_t lookup_rootlinks;    /* "private/tmp/..." made "/private/tmp/..." */
	uint64_t lookup_settled;      /* relative or cut lookups named by vnode or fd */
	uint64_t lookup_ambiguous;    /* relative lookups written "/.../" + text */
	uint64_t preloaded, preload_bad;  /* --preload entries taken; lines skipped */
};

struct kd_decoder;
/* out[s] is the obuf of stream s, or NULL when the stream is not traced. */
struct kd_decoder *kd_new(const struct kd_config *c, const struct kd_hooks *h,
                          struct obuf *out[REC_NSTREAMS]);
void kd_free(struct kd_decoder *d);
/* Seed thread -> (pid, command) from a thread map (KDTHRMAP or a file). */
void kd_thread_map(struct kd_decoder *d, const kd_threadmap *m, size_t n);
void kd_event(struct kd_decoder *d, const kd_buf *e);
/* Before the first event: the open files and working directories that
 * iotrc-snap-proc --fds listed in file (lib/pfd_preload.c), so reads and
 * writes on descriptors opened before the trace are named without a live
 * look-up. 0, or -1 and errno (EINVAL: not such a file). */
int kd_preload(struct kd_decoder *d, const char *file);
/* Events were lost (a wrap seen by the reader): reset per-thread state. */
void kd_lost(struct kd_decoder *d);
const struct kd_stats *kd_get_stats(struct kd_decoder *d);
/* A new wall-clock anchor (live: mach time stops while the Mac sleeps). */
void kd_set_wall_offset(struct kd_decoder *d, int64_t wall_offset_ns);
#endif
