/* afile.h — a small file replaced atomically: written to a temporary
 * name in the same folder, fsync'd, renamed over the final name, and the
 * folder fsync'd, so a reader sees the old file or the whole new one, and
 * after a crash one of them is on disk (upstream.md §10 #16). */
#ifndef IOTRC_AFILE_H
#define IOTRC_AFILE_H
#include <stddef.h>
#include <sys/types.h>

/* dirfd/name gets buf (n bytes) with mode (umask not applied); the
 * temporary is dirfd/.name.tmp. 0, or -1 and errno (nothing left behind). */
int afile_write(int dirfd, const char *name, const void *buf, size_t n, mode_t mode);
#endif
