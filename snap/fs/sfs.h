/* sfs.h — iotrc-snap-fs internals. Layers, calls going down only:
 * iotrc-snap-fs.c (options, passes, --every) calls sfs_walk.c (the walk:
 * a stack of open directories, the visited set, mount crossings, stops),
 * which calls sfs_row.c (a row's cells), sfs_visit.c (the visited set),
 * sfs_fstype.c (which file systems are pseudo or network, the mount
 * table) and sfs_dir.c (open directories), which call the per-OS
 * directory readers sfs_dir_<os>.c at the bottom. */
#ifndef IOTRC_SFS_H
#define IOTRC_SFS_H
#include "csv.h"
#include "wallclock.h"
#include <stddef.h>
#include <stdint.h>

/* ---- sfs_dir_<os>.c: reading directories, never opening files ---- */

enum { SFS_OTHER = 0, SFS_REG, SFS_LNK, SFS_DIR };

struct sfs_stat {
	int kind;                  /* SFS_* */
	uint64_t size, phys;       /* st_size; allocated bytes (st_blocks * 512) */
	uint64_t ino, nlink;
	uint64_t dev;              /* the OS's st_dev: equal devs, same file system */
	uint32_t dev_major, dev_minor;
	int has_btime;
	int64_t btime_s, mtime_s, atime_s;
	int32_t btime_ns, mtime_ns, atime_ns;
	uint64_t flags;            /* macOS st_flags, or ... */
	int flags_statx;           /* ... Linux statx attributes */
	int mountpoint;            /* the OS says a file system is mounted here (-1: unknown) */
};

struct sfs_ent {
	const char *name;          /* valid until the next sfs_dir_next */
	size_t namelen;
	int stat_ok;               /* st filled (else errno in err) */
	int err;
	struct sfs_stat st;
};

/* ---- sfs_dir.c: open directories ---- */

struct sfs_dir_os;                 /* what one OS's reader keeps besides */
struct sfs_dir {
	int fd;
	char *buf;                 /* entries as the OS returned them */
	size_t cap, len, pos;      /* buf's size, bytes in it, the next entry */
	int left;                  /* entries left in buf (when the OS counts) */
	int eof, started;          /* read to the end; read at least once */
	struct sfs_dir_os *os;     /* or NULL */
};
/* Open directory name relative to dirfd (AT_FDCWD for a root) without
 * following a symlink, not updating its access time where the OS allows;
 * bufsize bytes of entries are read at a time. NULL and errno on failure. */
struct sfs_dir *sfs_dir_open(int dirfd, const char *name, size_t bufsize);
int sfs_dir_fd(const struct sfs_dir *d);
void sfs_dir_close(struct sfs_dir *d);
/* Raise the open-file limit as far as allowed; returns the new soft limit. */
long sfs_raise_nofile(void);

/* ---- sfs_dir_<os>.c: reading directories, never opening files ---- */

/* sfs_dir_open's part: d->fd (and d->os); 0, or -1 and errno. */
int sfs_dir_os_open(struct sfs_dir *d, int dirfd, const char *name);
void sfs_dir_os_close(struct sfs_dir *d);
extern const size_t sfs_dir_minbuf;    /* the least bufsize that serves */
extern const long sfs_nofile_max;      /* the open-file limit worth asking for */
/* The next entry ("." and ".." skipped): 1, 0 at the end, -1 and errno
 * when reading the directory failed. Regular files, symlinks and
 * directories come with their attributes (kind SFS_OTHER may not). */
int sfs_dir_next(struct sfs_dir *d, struct sfs_ent *e);
/* Attributes of name relative to dirfd without following it (a root). */
int sfs_stat_at(int dirfd, const char *name, struct sfs_stat *st);
struct sfs_mnt {
	uint64_t dev;              /* as struct sfs_stat's dev */
	char type[32];
};
/* The mounted file systems into *out (malloc'd): their number, or -1. */
long sfs_mounts_list(struct sfs_mnt **out);
/* The type name of the file system fd is on, asked of the OS; fd is the
 * entry opened with sfs_entry_flags (Linux: O_PATH, which neither reads
 * nor mounts an automount point). 0, or -1 when unknown. */
extern const int sfs_entry_flags;
int sfs_fstype_os(int fd, char *out, size_t cap);

/* ---- sfs_fstype.c: file systems not walked unless asked ---- */

enum { FS_LOCAL = 0, FS_PSEUDO, FS_NETWORK };
int fstype_class(const char *type);
const char *fstype_class_name(int c);
/* The mounted file systems: read at the start of each pass. 0, or -1. */
int sfs_mounts_load(void);
/* The type name of the file system of dev ("ext4", "proc", "apfs") into
 * out; dirfd/name (the entry, not opened) for the OS to ask when the
 * mount table does not know dev. 0, or -1 when unknown. */
int sfs_fstype(uint64_t dev, int dirfd, const char *name, char *out, size_t cap);

/* ---- sfs_visit.c: each directory once ---- */

struct visit {
	struct visit_key *slots;
	size_t size, count, max;
	uint64_t full;             /* inserts refused at max */
};
void visit_init(struct visit *v, size_t max);
void visit_free(struct visit *v);
void visit_clear(struct visit *v);
/* 1 if (dev, ino) was there already, 0 if added, -1 if the set is full
 * (then only the ancestors protect against a loop; counted in full). */
int visit_add(struct visit *v, uint64_t dev, uint64_t ino);

/* ---- sfs_row.c: a row's cells ---- */

struct row_ctx {
	struct obuf *out;
	struct walltz tz;
	int anon;
	char *abuf;                /* anonymized path buffer */
	size_t acap;
	/* the pass's cells, made once a pass (row_pass) */
	char head[40];             /* snapshot_timestamp (ms) and "," */
	char tail[32];             /* "," mono_ns "\n" */
	size_t headlen, taillen;
	/* the last device and time cells made, reused while the next is the
	 * same (len 0: none yet) */
	uint32_t dev_major, dev_minor;
	char dev[24];
	size_t devlen;
	int64_t t_s;
	int32_t t_ns;
	char t_cell[28];
	size_t t_len;
};
void row_header(struct obuf *o);
/* A pass begins: its snapshot_timestamp text and mono_ns. */
void row_pass(struct row_ctx *c, const char *ts, int64_t mono_ns);
/* One row. quote: 1 the path must be quoted, 0 it need not (the walker
 * knows from its parts), -1 not known (looked at here). */
void row_write(struct row_ctx *c, const char *path, size_t n, int quote, const struct sfs_stat *st);

/* ---- sfs_walk.c ---- */

#define WALK_STATS(X) \
	X(passes, "passes") X(passes_stopped, "passes_stopped") X(rows, "rows_written") \
	X(dirs, "dirs_walked") X(dirs_unreadable, "dirs_unreadable") \
	X(dirs_repeated, "dirs_repeated") X(mounts_skipped, "mounts_skipped") \
	X(mounts_other_dev, "mounts_other_device") X(vanished, "entries_vanished") \
	X(read_errors, "read_errors") X(too_deep, "too_deep") X(others, "other_files") \
	X(visited, "visited_dirs") X(visited_full, "visited_full") X(root_errors, "root_errors")
struct walk_stats {
#define WALK_STATS_FIELD(f, key) uint64_t f;
	WALK_STATS(WALK_STATS_FIELD)
#undef WALK_STATS_FIELD
};

struct walk_opts {
	int one_fs, all_fs, anon, verbose;
	const char *const *include_fs;  /* NULL-terminated type names walked anyway */
	size_t max_depth;
	size_t max_dirs;
	int64_t deadline;               /* mono ns; LOOP_NEVER: none */
	int stop_fd;                    /* readable: stop (sig_fd()) */
	void (*tick)(void *ctx);        /* called now and then during a pass */
	void *tick_ctx;
};

enum { WALK_DONE = 0, WALK_STOPPED_SIGNAL, WALK_STOPPED_TIME };

struct walker {
	struct walk_opts o;
	struct walk_stats st;
	struct row_ctx row;
	struct visit visited;
	char *path;                     /* the current path */
	size_t pathcap;
	char *stopped_at;               /* where the last stopped pass was */
	int stop_why;
};

void walk_init(struct walker *w, const struct walk_opts *o, struct obuf *out);
void walk_free(struct walker *w);
/* One pass over the roots: rows to out; WALK_DONE or WALK_STOPPED_*.
 * A stopped pass leaves its rows whole and stopped_at names the directory
 * it was in. */
int walk_pass(struct walker *w, const char *const *roots, size_t nroots);
#endif
