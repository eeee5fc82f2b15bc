/* proc.h — per-OS process facts looked up from user space
 * (proc_linux.c: /proc; proc_darwin.c: sysctl KERN_PROCARGS2, libproc). */
#ifndef IOTRC_PROC_H
#define IOTRC_PROC_H
#include <stddef.h>
#include <sys/types.h>
/* argv joined by single spaces into out; returns length, or -1 if the
 * process is gone or unreadable. */
long proc_cmdline(pid_t pid, char *out, size_t cap);
/* The same, and *arg0 gets the length of argv[0] within it (psutil's
 * cmdline()[0]: a name of 15 characters or more is extended from it). */
long proc_args(pid_t pid, char *out, size_t cap, size_t *arg0);
/* Path of an already-open descriptor; -1 if unknown. */
long proc_fdpath(pid_t pid, int fd, char *out, size_t cap);
/* Current directory of a process; -1 if unknown. */
long proc_cwd(pid_t pid, char *out, size_t cap);
#endif
