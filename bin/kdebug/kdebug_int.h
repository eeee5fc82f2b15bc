/* kdebug_int.h — the decoder's state, shared by its modules. Not for
 * other users. The modules are layers; each calls only the layers below
 * it, never up or sideways within its layer (tests/layers.t checks it):
 *   top        kdebug_decode.c: kd_new/kd_free/stats, kd_event dispatch
 *   handlers   kdebug_sys.c (syscall START/END), kdebug_lookup.c
 *              (VFS_LOOKUP paths), kdebug_dkio.c (disk I/O issue/done),
 *              kdebug_ident.c (thread map, NEWTHREAD/EXEC names,
 *              fork/exec/exit records, lost events)
 *   records    kdebug_emit.c (iotrc-records(5) vfs/io/net lines)
 *   state      kdebug_threads.c (threads, path slots), kdebug_fds.c
 *              (processes, descriptors, cwd, joining paths)
 *   tables     kdebug_tab.c (hash table), kdebug_systab.c (syscalls), lib/
 * Above the decoder: iotrc-kdebug.c, kdebug_live_*.c, kdebug_replay.c. */
#ifndef IOTRC_KDEBUG_INT_H
#define IOTRC_KDEBUG_INT_H
#include "fdmap.h"
#include "osnum.h"
#include "pfd.h"
#include "kdebug_decode.h"
#include "kdebug_systab.h"
#include "kdtab.h"

#define KD_UNK INT64_MIN           /* an empty numeric field */

/* macOS numbers are lib/osnum.h's (DARWIN_*). */

/* thread state */
#define T_SYSCALL 0x1u             /* a START is pending */
#define T_LOOKUP 0x2u              /* a VFS_LOOKUP is being assembled */

struct kd_thread {
	int32_t pid;               /* -1 unknown */
	uint32_t state;
	uint32_t sysno;
	int32_t slot;              /* path slot, -1 none */
	uint64_t ts_start;
	uint64_t a[4];             /* START arg1..arg4 */
	uint64_t creator;          /* tid that created this thread (NEWTHREAD) */
	int32_t nt_pid;            /* pid of the last thread this one created */
	uint16_t nlookups;         /* lookups finished since START */
	uint8_t img;               /* its process's image (kd_proc.img) when it joined */
	uint8_t tflags;            /* TF_* */
};
/* thread origin (kdebug_ident.c) */
#define TF_NEWIMG 0x1u             /* first thread of an exec'd image */
#define TF_EXECCOPY 0x2u           /* first thread of an exec copy (NEWTHREAD arg3) */

/* one assembled path */
#define KP_TAIL 0x1                /* only the tail was sent (before 15.4) */
#define KP_PARTIAL 0x2             /* '>' padding: the lookup stopped early */
#define KP_REL 0x4                 /* relative as logged: maybe after a symlink */
#define KP_AMBIG 0x8               /* relative, base unknowable: with KP_TAIL */
struct kd_path {
	uint64_t vnode;
	uint16_t len;
	uint8_t flags, valid;
};
enum { PS_FIRST = 0, PS_SECOND = 1, PS_ASM = 2, PS_N = 3 };
struct kd_slot {
	uint64_t owner;            /* tid */
	struct kd_path p[PS_N];
	char buf[PS_N][KD_PATHMAX];
};

/* process state */
#define PF_PPID 0x1u
#define PF_EXCLUDED 0x2u      /* a descendant of an --exclude-pid process */
#define PF_FORK_EMITTED 0x8u
#define PF_NAME_STRONG 0x10u       /* the name came from an EXEC or libproc */
#define PF_SHADOW 0x20u            /* exec'd: the old image's exit is still to come */
struct kd_proc {
	int32_t ppid;
	uint32_t flags;
	char name[34];
	uint8_t img;               /* images so far (exec copies seen), mod 256 */
	uint64_t term_tid;         /* the last thread of the new image that ended */
};

/* in-flight disk I/O, keyed by buffer id (§3.7) */
struct kd_io {
	uint64_t ts, tid, dev, blkno, bytes;
	uint32_t code, cpu;
	int32_t pid;
};

/* descriptor kinds and flags (kd_fd_get's aux): the model's */
#define FK_FILE PFD_FILE
#define FK_SOCKET PFD_SOCKET
#define FK_CLOSED PFD_CLOSED
#define FK_NOPATH PFD_NOPATH
#define FK_KIND PFD_KIND
#define FK_CLOEXEC PFD_CLOEXEC
#define FK_HOOKED PFD_HOOKED
#define KD_FD_CWD (-100)           /* kd_fd_put's pseudo descriptor: chdir */

struct kd_decoder {
	struct kd_config cfg;
	struct kd_hooks hk;
	struct obuf *out[REC_NSTREAMS];
	struct kd_stats st;
	struct kd_tab threads, procs, ios;
	struct pfd *pfd;           /* descriptors, cwds (lib/pfd.h) */
	struct fdmap *vnodes;
	struct kd_slot **slots;
	int32_t *slot_free;
	size_t nslots, nslot_free, slot_hand;
	int saw_long_lookup;       /* a lookup > 184 bytes: a 15.4+ kernel */
	/* pids whose exec'd image exited before the old image did: the old
	 * image's exit is still to come and is not a record (kdebug_ident.c) */
	uint32_t late_shadow[8];   /* pid + 1; 0 free */
	unsigned late_next;
	char tmp[2][2 * KD_PATHMAX + 8];   /* joined paths */
};

/* state: kdebug_threads.c */
void kd_threads_init(struct kd_decoder *d);
void kd_threads_free(struct kd_decoder *d);
/* Find or create a thread (pid unknown, no slot). Inline: every syscall
 * and lookup event starts here, and bench/kdebug.sh measures a call across
 * files on that path (~2%). */
static inline struct kd_thread *kd_thread_put(struct kd_decoder *d, uint64_t tid)
{
	int isnew;
	struct kd_thread *t = kdtab_put(&d->threads, tid, &isnew);
	if (isnew)
		t->pid = -1, t->slot = -1, t->nt_pid = -1;
	return t;
}
/* The thread is gone (its slot back to the free list). */
void kd_thread_end(struct kd_decoder *d, uint64_t tid);
struct kd_slot *kd_slot_get(struct kd_decoder *d, uint64_t tid, struct kd_thread *t);
void kd_slot_release(struct kd_decoder *d, struct kd_thread *t);
/* (kd_lost, kdebug_decode.h, is here too: it resets every thread.) */

/* state: kdebug_fds.c */
void kd_fds_init(struct kd_decoder *d);
void kd_fds_free(struct kd_decoder *d);
uint64_t kd_fd_evictions(const struct kd_decoder *d);
struct kd_proc *kd_proc_get(struct kd_decoder *d, int32_t pid, int create);
void kd_proc_fork(struct kd_decoder *d, int32_t ppid, int32_t child);
/* An --exclude-pid process or one it started (marked at the fork). */
int kd_excluded(struct kd_decoder *d, int32_t pid);
void kd_proc_exec(struct kd_decoder *d, int32_t pid);
void kd_proc_exit(struct kd_decoder *d, int32_t pid);
/* Pids whose exec'd image exited before the old image (kdebug_ident.c):
 * add one; take it back (1 if it was there). A fork of the pid drops it. */
void kd_late_shadow_add(struct kd_decoder *d, int32_t pid);
int kd_late_shadow_take(struct kd_decoder *d, int32_t pid);
void kd_proc_name(struct kd_decoder *d, int32_t pid, const char *s, size_t max, int strong);
const char *kd_fd_get(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n, uint32_t *aux);
void kd_fd_put(struct kd_decoder *d, int32_t pid, int32_t fd, const char *s, size_t n, uint32_t kind, int cloexec);
void kd_fd_dup(struct kd_decoder *d, int32_t pid, int32_t from, int32_t to, int cloexec);
void kd_fd_setcloexec(struct kd_decoder *d, int32_t pid, int32_t fd, int on);
/* The absolute path of (pid, fd), or NULL. */
const char *kd_fd_path(struct kd_decoder *d, int32_t pid, int32_t fd, size_t *n);
const char *kd_cwd(struct kd_decoder *d, int32_t pid, size_t *n);
/* Join a lookup path with dirfd (or the cwd for AT_FDCWD / -1) into
 * out (2 * KD_PATHMAX + 8 bytes); returns the length. */
size_t kd_join(struct kd_decoder *d, int32_t pid, int64_t dirfd, const char *p, size_t n,
               int flags, char *out);
int kd_is_ancestor(const char *dir, size_t dn, const char *p, size_t n);
/* Does the absolute path k (kn bytes) name what lookup string s (n
 * bytes, flags KP_*) says? For a relative string: k ends with its
 * components after the last "." or ".."; for a cut one: k ends with it. */
int kd_path_fits(const char *k, size_t kn, const char *s, size_t n, int flags);
/* Live only: the path of (pid, fd) that a relative or cut lookup string
 * (p, buf) resolved to, when it fits (the descriptor may already name
 * another file); into out (2 * KD_PATHMAX + 8 bytes), the vnode map
 * updated. Returns its length, 0 if not settled. */
size_t kd_settle_fd(struct kd_decoder *d, int32_t pid, int32_t fd, const struct kd_path *p,
                    const char *buf, char *out);

/* records: kdebug_emit.c */
struct kd_vrec {
	const char *op;
	int64_t ret, err, entry, fd, fd2, size, offset, flags, mode;
	const char *path, *path2;
	size_t pathn, path2n;
};
void kd_vrec_init(struct kd_vrec *v, const char *op);
void kd_emit_vfs(struct kd_decoder *d, int32_t pid, uint64_t tid, uint64_t ts, const struct kd_vrec *v);
struct kd_nrec {
	const char *op;
	int64_t ret, err, entry, fd, family, type, proto, arg, port;
	const unsigned char *addr;
	size_t addrn;
	int addr_is_path;
	/* connect/accept: the local end (the record's extension fields) */
	int has_local, laddr_is_path;
	int64_t lport;
	const unsigned char *laddr;
	size_t laddrn;
};
void kd_emit_net(struct kd_decoder *d, int32_t pid, uint64_t tid, uint64_t ts, const struct kd_nrec *v);
void kd_emit_io(struct kd_decoder *d, const struct kd_io *io, const kd_buf *done);

/* handlers: one per event class, called by kd_event */
void kd_sys_start(struct kd_decoder *d, const kd_buf *e);      /* kdebug_sys.c (§3.5) */
void kd_sys_end(struct kd_decoder *d, const kd_buf *e);
void kd_lookup_event(struct kd_decoder *d, const kd_buf *e);   /* kdebug_lookup.c (§3.6) */
void kd_dkio_event(struct kd_decoder *d, const kd_buf *e);     /* kdebug_dkio.c (§3.7) */
void kd_ident_event(struct kd_decoder *d, const kd_buf *e);    /* kdebug_ident.c (§3.8, §3.9) */
void kd_exit_event(struct kd_decoder *d, const kd_buf *e);
/* (kd_thread_map, kdebug_decode.h, is kdebug_ident.c's.) */
#endif
