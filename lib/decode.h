/* decode.h — the decoding tables: one table per OS where values differ.
 * macOS values: shared/notes/macos-dtrace.md §1.5 and §2.2; io-tracer-mac
 * FlagMapper (shared/notes/upstream.md §2.2, §2.4) for names and order. */
#ifndef IOTRC_DECODE_H
#define IOTRC_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include "os.h"

struct flagname {
	uint64_t bit;
	const char *name;
};
struct valname {
	int64_t val;
	const char *name;
};

/* Each writes a NUL-terminated string into out (cap >= 256) and returns
 * its length (0 = nothing to write). */
size_t dec_oflags(int os, int64_t flags, char *out);   /* O_RDONLY|O_CREAT */
size_t dec_errno(int os, int64_t err, char *out);      /* ENOENT, ERRNO(n) */
size_t dec_domain(int os, int64_t af, char *out);      /* AF_INET6, AF(n) */
size_t dec_socktype(int os, int64_t t, char *out);     /* SOCK_STREAM, TYPE(n) */
size_t dec_shuthow(int64_t how, char *out);            /* SHUT_RD, HOW(n) */
size_t dec_mmap_prot(int64_t prot, char *out);         /* PROT_READ|PROT_WRITE */
size_t dec_mmap_flags(int os, int64_t flags, char *out);
size_t dec_bflags(int64_t flags, char *out);           /* B_ASYNC|B_META (macOS buf) */
/* A file's flags as upstream writes them (low bit first, |-joined, the
 * unknown rest as 0x%08x, none: ""): macOS st_flags, or on Linux, which
 * has none, the statx(2) attributes chattr(1) sets. */
size_t dec_stflags(int os, uint64_t flags, char *out); /* UF_HIDDEN|SF_ARCHIVED */
/* Linux rwbs ("WS", "RA", "FWFS"): op is read/write/discard/flush/...,
 * the rest |-joined into flags. */
void dec_rwbs(const char *rwbs, size_t n, char *op, char *flags);

/* Per-OS constants the parser needs. */
int os_at_fdcwd(int os);            /* -2 / -100 */
int os_at_removedir(int os);        /* 0x80 / 0x200 */
int os_af_unix(int os), os_af_inet(int os), os_af_inet6(int os);
int os_f_dupfd(int os, int64_t cmd);  /* 1 if cmd is F_DUPFD or F_DUPFD_CLOEXEC */
int os_f_dupfd_cloexec(int os, int64_t cmd);
int64_t os_o_cloexec(int os);

/* The tables themselves, for tests and man-page checks. */
extern const struct flagname dec_oflag_tab[2][32];
extern const struct valname dec_errno_tab[2][160];
#endif
