/* kdebug_systab.c — the one table of macOS syscall numbers the kdebug
 * engine decodes: number -> DTrace name, stream, argument shape.
 *
 * Numbers and argument order: xnu-11417.101.15 bsd/kern/syscalls.master
 * (notes/macos-dtrace.md §1.4; notes/macos-kdebug.md §3.5 gives the event
 * id 0x040C0000 + 4n). Names are DTrace's probefunc, i.e. the master's
 * name without "sys_" (macos-dtrace.md §1.1), so records carry the op the
 * DTrace engine writes. Return types: user_ssize_t and user_addr_t calls
 * are SYF_RET64 (the END record's arg3 holds rval[1], the high half). */
#include "kdebug_systab.h"

#define VFS(nm, sh) { nm, KS_VFS, sh, 0 }
#define VFS64(nm, sh) { nm, KS_VFS, sh, SYF_RET64 }
#define VFSC(nm, sh) { nm, KS_VFS, sh, SYF_CREATE }
#define NET(nm, sh) { nm, KS_NET, sh, 0 }
#define PROC(nm, sh) { nm, KS_PROC, sh, 0 }

const struct kd_sysent kd_systab[KD_NSYS] = {
	/* read/write (the data path) */
	[3] = VFS64("read", SH_RW),
	[396] = VFS64("read_nocancel", SH_RW),
	[4] = VFS64("write", SH_RW),
	[397] = VFS64("write_nocancel", SH_RW),
	[153] = VFS64("pread", SH_PRW),
	[414] = VFS64("pread_nocancel", SH_PRW),
	[154] = VFS64("pwrite", SH_PRW),
	[415] = VFS64("pwrite_nocancel", SH_PRW),
	[120] = VFS64("readv", SH_RWV),
	[411] = VFS64("readv_nocancel", SH_RWV),
	[121] = VFS64("writev", SH_RWV),
	[412] = VFS64("writev_nocancel", SH_RWV),
	[540] = VFS64("preadv", SH_PRWV),
	[542] = VFS64("preadv_nocancel", SH_PRWV),
	[541] = VFS64("pwritev", SH_PRWV),
	[543] = VFS64("pwritev_nocancel", SH_PRWV),
	[485] = VFS64("guarded_write_np", SH_GW),
	[486] = VFS64("guarded_pwrite_np", SH_GPW),
	[487] = VFS64("guarded_writev_np", SH_GWV),

	/* open / close / dup */
	[5] = VFSC("open", SH_OPEN),
	[398] = VFSC("open_nocancel", SH_OPEN),
	[463] = VFSC("openat", SH_OPENAT),
	[464] = VFSC("openat_nocancel", SH_OPENAT),
	[277] = VFSC("open_extended", SH_OPEN5),
	[216] = VFSC("open_dprotected_np", SH_OPEN5),
	[218] = VFSC("openat_dprotected_np", SH_OPENAT5),
	[441] = VFSC("guarded_open_np", SH_GOPEN),
	[484] = VFSC("guarded_open_dprotected_np", SH_GOPEN),
	[479] = VFS("openbyid_np", SH_OPENBYID),
	[6] = VFS("close", SH_CLOSE),
	[399] = VFS("close_nocancel", SH_CLOSE),
	[442] = VFS("guarded_close_np", SH_CLOSE),
	[41] = VFS("dup", SH_DUP),
	[90] = VFS("dup2", SH_DUP2),
	[92] = VFS("fcntl", SH_FCNTL),
	[406] = VFS("fcntl_nocancel", SH_FCNTL),

	/* sync and namespace changes */
	[95] = VFS("fsync", SH_FD),
	[408] = VFS("fsync_nocancel", SH_FD),
	[187] = VFS("fdatasync", SH_FD),
	[10] = VFS("unlink", SH_PATH),
	[472] = VFS("unlinkat", SH_UNLINKAT),
	[128] = VFSC("rename", SH_RENAME),
	[465] = VFSC("renameat", SH_RENAMEAT),
	[488] = VFSC("renameatx_np", SH_RENAMEAT),
	[136] = VFSC("mkdir", SH_MKDIR),
	[475] = VFSC("mkdirat", SH_MKDIRAT),
	[292] = VFSC("mkdir_extended", SH_MKDIR_EXT),
	[137] = VFS("rmdir", SH_PATH),
	[9] = VFSC("link", SH_RENAME),
	[471] = VFSC("linkat", SH_LINKAT),
	[57] = VFSC("symlink", SH_SYMLINK),
	[474] = VFSC("symlinkat", SH_SYMLINKAT),
	[200] = VFS("truncate", SH_TRUNCATE),
	[201] = VFS("ftruncate", SH_FTRUNCATE),
	[462] = VFSC("clonefileat", SH_CLONEAT),
	[517] = VFSC("fclonefileat", SH_FCLONEAT),
	[223] = VFSC("exchangedata", SH_EXCHANGE),
	[12] = VFS("chdir", SH_CHDIR),
	[13] = VFS("fchdir", SH_FCHDIR),
	/* not records, but their lookups name a vnode that does not exist yet */
	[14] = { "mknod", KS_NONE, SH_NONE, SYF_CREATE },
	[132] = { "mkfifo", KS_NONE, SH_NONE, SYF_CREATE },
	[553] = { "mkfifoat", KS_NONE, SH_NONE, SYF_CREATE },
	[554] = { "mknodat", KS_NONE, SH_NONE, SYF_CREATE },
	[227] = { "copyfile", KS_NONE, SH_NONE, SYF_CREATE },
	[42] = { "pipe", KS_NONE, SH_PIPE, 0 },

	/* process lifecycle: bookkeeping records fork and exec */
	[2] = PROC("fork", SH_FORK),
	[66] = PROC("vfork", SH_FORK),
	[59] = PROC("execve", SH_EXEC),
	[380] = PROC("__mac_execve", SH_EXEC),
	[244] = PROC("posix_spawn", SH_SPAWN),

	/* sockets (macos-dtrace.md §1.4 "Sockets") */
	[97] = NET("socket", SH_SOCKET),
	[104] = { "bind", KS_NET, SH_SOCKFD, SYF_LOCAL },
	[106] = NET("listen", SH_SOCKARG),
	[98] = NET("connect", SH_SOCKFD),
	[409] = NET("connect_nocancel", SH_SOCKFD),
	[447] = NET("connectx", SH_SOCKFD),
	[30] = NET("accept", SH_ACCEPT),
	[404] = NET("accept_nocancel", SH_ACCEPT),
	[134] = NET("shutdown", SH_SOCKARG),
};
