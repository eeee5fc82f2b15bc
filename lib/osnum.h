/* osnum.h — the per-OS numbers that code tests by name, each defined once:
 * decode.c's tables and os_*() functions use them, and so does
 * iotrc-kdebug's decoder, where a compile-time constant costs nothing on
 * the per-event path (a table look-up there would).
 * macOS: shared/notes/macos-dtrace.md §1.5 (xnu bsd/sys/fcntl.h:98-210,
 * bsd/sys/errno.h:90-133); F_DUPFD 0, F_SETFD 2, F_DUPFD_CLOEXEC 67 are
 * xnu bsd/sys/fcntl.h's fcntl commands; ERESTART and EJUSTRETURN are the
 * kernel-only pseudo errnos a syscall return carries (§1.3).
 * Linux: include/uapi/asm-generic/fcntl.h, linux/fcntl.h, asm-generic/errno.h. */
#ifndef IOTRC_OSNUM_H
#define IOTRC_OSNUM_H

#define DARWIN_AT_FDCWD (-2)
#define DARWIN_O_CREAT 0x200
#define DARWIN_O_CLOEXEC 0x1000000
#define DARWIN_F_DUPFD 0
#define DARWIN_F_SETFD 2
#define DARWIN_F_DUPFD_CLOEXEC 67
#define DARWIN_EINTR 4
#define DARWIN_EINPROGRESS 36
#define DARWIN_ERESTART (-1)
#define DARWIN_EJUSTRETURN (-2)

#define LINUX_AT_FDCWD (-100)
#define LINUX_O_CREAT 0100
#define LINUX_O_CLOEXEC 02000000
#define LINUX_F_DUPFD 0
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_EINTR 4
#define LINUX_EINPROGRESS 115
#endif
