/* kdebug_systab.h — macOS syscall numbers -> DTrace probe names and what
 * the kdebug START/END records give for each (one table, kdebug_systab.c). */
#ifndef IOTRC_KDEBUG_SYSTAB_H
#define IOTRC_KDEBUG_SYSTAB_H
#include <stdint.h>

#define KD_NSYS 560     /* above the highest number we name (mkfifoat 553) */

enum kd_stream_of { KS_NONE = 0, KS_VFS, KS_NET, KS_PROC };

/* Which START arguments fill which record fields (arg1..arg4 are the first
 * four syscall arguments, notes/macos-kdebug.md §3.5). */
enum kd_shape {
	SH_NONE = 0,
	SH_RW,        /* fd=a1 size=a3 */
	SH_PRW,       /* fd=a1 size=a3 offset=a4 */
	SH_RWV,       /* fd=a1 (size is an iovec count: unknown) */
	SH_PRWV,      /* fd=a1 offset=a4 */
	SH_GW,        /* guarded_write_np: fd=a1 size=a4 */
	SH_GPW,       /* guarded_pwrite_np: fd=a1 size=a4 (offset is the 5th arg) */
	SH_GWV,       /* guarded_writev_np: fd=a1 */
	SH_OPEN,      /* path flags=a2 mode=a3 */
	SH_OPEN5,     /* open_extended, open_dprotected_np: flags=a2 (mode is 5th) */
	SH_OPENAT,    /* fd=a1 path flags=a3 mode=a4 */
	SH_OPENAT5,   /* openat_dprotected_np: fd=a1 path flags=a3 */
	SH_GOPEN,     /* guarded_open_np, guarded_open_dprotected_np: flags=a4 */
	SH_OPENBYID,  /* flags=a3, no path */
	SH_CLOSE,     /* fd=a1 */
	SH_DUP,       /* fd=a1 */
	SH_DUP2,      /* fd=a1 fd2=a2 */
	SH_FCNTL,     /* fd=a1 flags=cmd(a2) mode=arg(a3) */
	SH_FD,        /* fd=a1 */
	SH_PATH,      /* path */
	SH_UNLINKAT,  /* fd=a1 path flags=a3 */
	SH_RENAME,    /* path path2 */
	SH_RENAMEAT,  /* fd=a1 path fd2=a3 path2 */
	SH_MKDIR,     /* path mode=a2 */
	SH_MKDIRAT,   /* fd=a1 path mode=a3 */
	SH_MKDIR_EXT, /* path mode=a4 */
	SH_LINKAT,    /* fd=a1 path fd2=a3 path2 */
	SH_SYMLINK,   /* path2 = the lookup (the target is never looked up) */
	SH_SYMLINKAT, /* fd2=a2 path2 */
	SH_TRUNCATE,  /* path size=a2 */
	SH_FTRUNCATE, /* fd=a1 size=a2 */
	SH_CLONEAT,   /* fd=a1 path fd2=a3 path2 */
	SH_FCLONEAT,  /* fd=a1 fd2=a2 path2 flags=a4 */
	SH_EXCHANGE,  /* path path2 flags=a3 */
	SH_CHDIR,     /* path */
	SH_FCHDIR,    /* fd=a1 */
	SH_FORK,      /* fork, vfork: rval[0] = child pid */
	SH_EXEC,      /* execve, __mac_execve */
	SH_SPAWN,     /* posix_spawn */
	SH_PIPE,      /* rval[0], rval[1] = the two fds */
	SH_SOCKET,    /* net: family=a1 type=a2 proto=a3 */
	SH_SOCKFD,    /* net: fd=a1 (bind, connect, connectx) */
	SH_SOCKARG,   /* net: fd=a1 arg=a2 (listen, shutdown) */
	SH_ACCEPT,    /* net: fd=a1, ret = the new fd */
};

/* flags */
#define SYF_RET64 0x01      /* user_ssize_t/off_t/user_addr_t: rval[1] is the high half */
#define SYF_CREATE 0x02     /* the lookup vnode may be the parent directory */
#define SYF_LOCAL 0x04      /* net: the address of interest is the local one (bind) */

struct kd_sysent {
	const char *name;       /* DTrace probefunc (notes/macos-dtrace.md §1.1) */
	uint8_t stream;         /* enum kd_stream_of */
	uint8_t shape;          /* enum kd_shape */
	uint8_t flags;
};

extern const struct kd_sysent kd_systab[KD_NSYS];
static inline const struct kd_sysent *kd_sys(uint32_t n)
{
	return n < KD_NSYS && kd_systab[n].name ? &kd_systab[n] : 0;
}
#endif
