/* decode.c — see decode.h. Numbers for macOS from XNU as cited in
 * shared/notes/macos-dtrace.md §1.5 (fcntl.h, socket.h, errno.h) and §2.2
 * (io.d B_* flags); mmap values from the macOS SDK's sys/mman.h (the same
 * in XNU bsd/sys/mman.h). Linux values from its uapi headers. Names and
 * their order follow io-tracer-mac's FlagMapper (shared/notes/upstream.md
 * §2.2-2.4). The numbers that code also tests by name (AT_FDCWD, O_CLOEXEC,
 * F_DUPFD_CLOEXEC, EINTR, ...) are osnum.h's, shared with iotrc-kdebug. */
#include "decode.h"
#include "osnum.h"
#include <stdio.h>
#include <string.h>

/* Access mode first (not bits), then the flags in ascending bit order. */
const struct flagname dec_oflag_tab[2][32] = {
	[OS_DARWIN] = {
		{ 0x4, "O_NONBLOCK" }, { 0x8, "O_APPEND" }, { 0x10, "O_SHLOCK" },
		{ 0x20, "O_EXLOCK" }, { 0x40, "O_ASYNC" }, { 0x80, "O_SYNC" },
		{ 0x100, "O_NOFOLLOW" }, { DARWIN_O_CREAT, "O_CREAT" }, { 0x400, "O_TRUNC" },
		{ 0x800, "O_EXCL" }, { 0x8000, "O_EVTONLY" }, { 0x20000, "O_NOCTTY" },
		{ 0x100000, "O_DIRECTORY" }, { 0x200000, "O_SYMLINK" },
		{ 0x400000, "O_DSYNC" }, { DARWIN_O_CLOEXEC, "O_CLOEXEC" },
		{ 0x20000000, "O_NOFOLLOW_ANY" }, { 0, NULL },
	},
	/* Linux: the generic values (x86_64, ...); aarch64 moves four of them
	 * (asm/fcntl.h). O_SYNC is __O_SYNC|O_DSYNC and is named alone. */
	[OS_LINUX] = {
		{ LINUX_O_CREAT, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
		{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
		{ 04010000, "O_SYNC" }, { 010000, "O_DSYNC" }, { 020000, "O_ASYNC" },
#ifdef __aarch64__
		{ 040000, "O_DIRECTORY" }, { 0100000, "O_NOFOLLOW" }, { 0200000, "O_DIRECT" },
		{ 0400000, "O_LARGEFILE" },
#else
		{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },
		{ 0400000, "O_NOFOLLOW" },
#endif
		{ 01000000, "O_NOATIME" }, { LINUX_O_CLOEXEC, "O_CLOEXEC" }, { 010000000, "O_PATH" },
		{ 020000000, "O_TMPFILE" }, { 0, NULL },
	},
};

/* Append the names of t's flags set in *v, |-separated, after the n bytes
 * already in out (cap 256); the named bits are cleared from *v. */
static size_t join_flags(const struct flagname *t, uint64_t *v, char *out, size_t n)
{
	for (; t->name; t++) {
		if ((*v & t->bit) != t->bit)
			continue;
		*v &= ~t->bit;
		n += (size_t)snprintf(out + n, 256 - n, "%s%s", n ? "|" : "", t->name);
		if (n >= 255)
			return 255;
	}
	return n;
}

size_t dec_oflags(int os, int64_t flags, char *out)
{
	static const char *const acc[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", NULL };
	size_t n = 0;
	int mode = (int)(flags & 3);
	uint64_t bits = (uint64_t)flags;    /* bits without a name are dropped (upstream) */
	out[0] = 0;
	if (acc[mode])
		n = (size_t)snprintf(out, 256, "%s", acc[mode]);
	n = join_flags(dec_oflag_tab[os == OS_LINUX], &bits, out, n);
	if (n == 0)
		n = (size_t)snprintf(out, 256, "NO_FLAGS");
	return n;
}

const struct valname dec_errno_tab[2][160] = {
	[OS_DARWIN] = {
		{ DARWIN_EJUSTRETURN, "EJUSTRETURN" }, { DARWIN_ERESTART, "ERESTART" },
		{ 1, "EPERM" }, { 2, "ENOENT" }, { 3, "ESRCH" }, { DARWIN_EINTR, "EINTR" }, { 5, "EIO" },
		{ 6, "ENXIO" }, { 7, "E2BIG" }, { 8, "ENOEXEC" }, { 9, "EBADF" }, { 10, "ECHILD" },
		{ 11, "EDEADLK" }, { 12, "ENOMEM" }, { 13, "EACCES" }, { 14, "EFAULT" },
		{ 15, "ENOTBLK" }, { 16, "EBUSY" }, { 17, "EEXIST" }, { 18, "EXDEV" },
		{ 19, "ENODEV" }, { 20, "ENOTDIR" }, { 21, "EISDIR" }, { 22, "EINVAL" },
		{ 23, "ENFILE" }, { 24, "EMFILE" }, { 25, "ENOTTY" }, { 26, "ETXTBSY" },
		{ 27, "EFBIG" }, { 28, "ENOSPC" }, { 29, "ESPIPE" }, { 30, "EROFS" },
		{ 31, "EMLINK" }, { 32, "EPIPE" }, { 33, "EDOM" }, { 34, "ERANGE" },
		{ 35, "EAGAIN" }, { DARWIN_EINPROGRESS, "EINPROGRESS" }, { 37, "EALREADY" }, { 38, "ENOTSOCK" },
		{ 39, "EDESTADDRREQ" }, { 40, "EMSGSIZE" }, { 41, "EPROTOTYPE" },
		{ 42, "ENOPROTOOPT" }, { 43, "EPROTONOSUPPORT" }, { 44, "ESOCKTNOSUPPORT" },
		{ 45, "ENOTSUP" }, { 46, "EPFNOSUPPORT" }, { 47, "EAFNOSUPPORT" },
		{ 48, "EADDRINUSE" }, { 49, "EADDRNOTAVAIL" }, { 50, "ENETDOWN" },
		{ 51, "ENETUNREACH" }, { 52, "ENETRESET" }, { 53, "ECONNABORTED" },
		{ 54, "ECONNRESET" }, { 55, "ENOBUFS" }, { 56, "EISCONN" }, { 57, "ENOTCONN" },
		{ 58, "ESHUTDOWN" }, { 59, "ETOOMANYREFS" }, { 60, "ETIMEDOUT" },
		{ 61, "ECONNREFUSED" }, { 62, "ELOOP" }, { 63, "ENAMETOOLONG" },
		{ 64, "EHOSTDOWN" }, { 65, "EHOSTUNREACH" }, { 66, "ENOTEMPTY" },
		{ 67, "EPROCLIM" }, { 68, "EUSERS" }, { 69, "EDQUOT" }, { 70, "ESTALE" },
		{ 71, "EREMOTE" }, { 72, "EBADRPC" }, { 73, "ERPCMISMATCH" },
		{ 74, "EPROGUNAVAIL" }, { 75, "EPROGMISMATCH" }, { 76, "EPROCUNAVAIL" },
		{ 77, "ENOLCK" }, { 78, "ENOSYS" }, { 79, "EFTYPE" }, { 80, "EAUTH" },
		{ 81, "ENEEDAUTH" }, { 82, "EPWROFF" }, { 83, "EDEVERR" }, { 84, "EOVERFLOW" },
		{ 85, "EBADEXEC" }, { 86, "EBADARCH" }, { 87, "ESHLIBVERS" }, { 88, "EBADMACHO" },
		{ 89, "ECANCELED" }, { 90, "EIDRM" }, { 91, "ENOMSG" }, { 92, "EILSEQ" },
		{ 93, "ENOATTR" }, { 94, "EBADMSG" }, { 95, "EMULTIHOP" }, { 96, "ENODATA" },
		{ 97, "ENOLINK" }, { 98, "ENOSR" }, { 99, "ENOSTR" }, { 100, "EPROTO" },
		{ 101, "ETIME" }, { 102, "EOPNOTSUPP" }, { 103, "ENOPOLICY" },
		{ 104, "ENOTRECOVERABLE" }, { 105, "EOWNERDEAD" }, { 106, "EQFULL" },
		{ 0, NULL },
	},
	[OS_LINUX] = {
		{ 1, "EPERM" }, { 2, "ENOENT" }, { 3, "ESRCH" }, { LINUX_EINTR, "EINTR" }, { 5, "EIO" },
		{ 6, "ENXIO" }, { 7, "E2BIG" }, { 8, "ENOEXEC" }, { 9, "EBADF" }, { 10, "ECHILD" },
		{ 11, "EAGAIN" }, { 12, "ENOMEM" }, { 13, "EACCES" }, { 14, "EFAULT" },
		{ 15, "ENOTBLK" }, { 16, "EBUSY" }, { 17, "EEXIST" }, { 18, "EXDEV" },
		{ 19, "ENODEV" }, { 20, "ENOTDIR" }, { 21, "EISDIR" }, { 22, "EINVAL" },
		{ 23, "ENFILE" }, { 24, "EMFILE" }, { 25, "ENOTTY" }, { 26, "ETXTBSY" },
		{ 27, "EFBIG" }, { 28, "ENOSPC" }, { 29, "ESPIPE" }, { 30, "EROFS" },
		{ 31, "EMLINK" }, { 32, "EPIPE" }, { 33, "EDOM" }, { 34, "ERANGE" },
		{ 35, "EDEADLK" }, { 36, "ENAMETOOLONG" }, { 37, "ENOLCK" }, { 38, "ENOSYS" },
		{ 39, "ENOTEMPTY" }, { 40, "ELOOP" }, { 42, "ENOMSG" }, { 43, "EIDRM" },
		{ 44, "ECHRNG" }, { 45, "EL2NSYNC" }, { 46, "EL3HLT" }, { 47, "EL3RST" },
		{ 48, "ELNRNG" }, { 49, "EUNATCH" }, { 50, "ENOCSI" }, { 51, "EL2HLT" },
		{ 52, "EBADE" }, { 53, "EBADR" }, { 54, "EXFULL" }, { 55, "ENOANO" },
		{ 56, "EBADRQC" }, { 57, "EBADSLT" }, { 59, "EBFONT" }, { 60, "ENOSTR" },
		{ 61, "ENODATA" }, { 62, "ETIME" }, { 63, "ENOSR" }, { 64, "ENONET" },
		{ 65, "ENOPKG" }, { 66, "EREMOTE" }, { 67, "ENOLINK" }, { 68, "EADV" },
		{ 69, "ESRMNT" }, { 70, "ECOMM" }, { 71, "EPROTO" }, { 72, "EMULTIHOP" },
		{ 73, "EDOTDOT" }, { 74, "EBADMSG" }, { 75, "EOVERFLOW" }, { 76, "ENOTUNIQ" },
		{ 77, "EBADFD" }, { 78, "EREMCHG" }, { 79, "ELIBACC" }, { 80, "ELIBBAD" },
		{ 81, "ELIBSCN" }, { 82, "ELIBMAX" }, { 83, "ELIBEXEC" }, { 84, "EILSEQ" },
		{ 85, "ERESTART" }, { 86, "ESTRPIPE" }, { 87, "EUSERS" }, { 88, "ENOTSOCK" },
		{ 89, "EDESTADDRREQ" }, { 90, "EMSGSIZE" }, { 91, "EPROTOTYPE" },
		{ 92, "ENOPROTOOPT" }, { 93, "EPROTONOSUPPORT" }, { 94, "ESOCKTNOSUPPORT" },
		{ 95, "EOPNOTSUPP" }, { 96, "EPFNOSUPPORT" }, { 97, "EAFNOSUPPORT" },
		{ 98, "EADDRINUSE" }, { 99, "EADDRNOTAVAIL" }, { 100, "ENETDOWN" },
		{ 101, "ENETUNREACH" }, { 102, "ENETRESET" }, { 103, "ECONNABORTED" },
		{ 104, "ECONNRESET" }, { 105, "ENOBUFS" }, { 106, "EISCONN" },
		{ 107, "ENOTCONN" }, { 108, "ESHUTDOWN" }, { 109, "ETOOMANYREFS" },
		{ 110, "ETIMEDOUT" }, { 111, "ECONNREFUSED" }, { 112, "EHOSTDOWN" },
		{ 113, "EHOSTUNREACH" }, { 114, "EALREADY" }, { LINUX_EINPROGRESS, "EINPROGRESS" },
		{ 116, "ESTALE" }, { 117, "EUCLEAN" }, { 118, "ENOTNAM" }, { 119, "ENAVAIL" },
		{ 120, "EISNAM" }, { 121, "EREMOTEIO" }, { 122, "EDQUOT" }, { 123, "ENOMEDIUM" },
		{ 124, "EMEDIUMTYPE" }, { 125, "ECANCELED" }, { 126, "ENOKEY" },
		{ 127, "EKEYEXPIRED" }, { 128, "EKEYREVOKED" }, { 129, "EKEYREJECTED" },
		{ 130, "EOWNERDEAD" }, { 131, "ENOTRECOVERABLE" }, { 132, "ERFKILL" },
		{ 133, "EHWPOISON" }, { 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },
		{ 514, "ERESTARTNOHAND" }, { 515, "ENOIOCTLCMD" }, { 516, "ERESTART_RESTARTBLOCK" },
		{ 0, NULL },
	},
};

static const char *lookup(const struct valname *t, int64_t v)
{
	for (; t->name; t++)
		if (t->val == v)
			return t->name;
	return NULL;
}

size_t dec_errno(int os, int64_t err, char *out)
{
	const char *s = lookup(dec_errno_tab[os == OS_LINUX], err);
	if (s)
		return (size_t)snprintf(out, 256, "%s", s);
	return (size_t)snprintf(out, 256, "ERRNO(%lld)", (long long)err);
}

static const struct valname af_tab[2][8] = {
	[OS_DARWIN] = { { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 17, "AF_ROUTE" }, { 18, "AF_LINK" },
	                { 30, "AF_INET6" }, { 32, "AF_SYSTEM" }, { 0, NULL } },
	[OS_LINUX] = { { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 10, "AF_INET6" }, { 16, "AF_NETLINK" },
	               { 17, "AF_PACKET" }, { 40, "AF_VSOCK" }, { 0, NULL } },
};

size_t dec_domain(int os, int64_t af, char *out)
{
	const char *s = lookup(af_tab[os == OS_LINUX], af);
	if (s)
		return (size_t)snprintf(out, 256, "%s", s);
	return (size_t)snprintf(out, 256, "AF(%lld)", (long long)af);
}

static const struct valname socktype_tab[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 0, NULL },
};

/* Linux ORs SOCK_NONBLOCK (04000) and SOCK_CLOEXEC (02000000) into type. */
size_t dec_socktype(int os, int64_t t, char *out)
{
	int64_t extra = os == OS_LINUX ? t & (04000 | 02000000) : 0;
	const char *s = lookup(socktype_tab, t & ~extra);
	size_t n = s ? (size_t)snprintf(out, 256, "%s", s)
	             : (size_t)snprintf(out, 256, "TYPE(%lld)", (long long)(t & ~extra));
	if (extra & 04000)
		n += (size_t)snprintf(out + n, 256 - n, "|SOCK_NONBLOCK");
	if (extra & 02000000)
		n += (size_t)snprintf(out + n, 256 - n, "|SOCK_CLOEXEC");
	return n;
}

size_t dec_shuthow(int64_t how, char *out)
{
	static const struct valname t[] = { { 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" }, { 0, NULL } };
	const char *s = lookup(t, how);
	if (s)
		return (size_t)snprintf(out, 256, "%s", s);
	return (size_t)snprintf(out, 256, "HOW(%lld)", (long long)how);
}

static size_t flags_join(const struct flagname *t, int64_t v, const char *zero,
                         const char *unknown, char *out)
{
	uint64_t rest = (uint64_t)v;
	size_t n;
	out[0] = 0;
	if (v == 0)
		return (size_t)snprintf(out, 256, "%s", zero);
	n = join_flags(t, &rest, out, 0);
	if (rest && n < 200)
		n += (size_t)snprintf(out + n, 256 - n, "%s%s(0x%llx)", n ? "|" : "", unknown,
		                      (unsigned long long)rest);
	return n;
}

/* xnu bsd/sys/stat.h, in upstream's order and selection (utils.py,
 * upstream.md §3); Linux: include/uapi/linux/stat.h STATX_ATTR_* */
static const struct flagname stflag_tab[2][20] = {
	[OS_DARWIN] = {
		{ 0x00000001, "UF_NODUMP" }, { 0x00000002, "UF_IMMUTABLE" }, { 0x00000004, "UF_APPEND" },
		{ 0x00000008, "UF_OPAQUE" }, { 0x00000020, "UF_COMPRESSED" }, { 0x00000040, "UF_TRACKED" },
		{ 0x00000080, "UF_DATAVAULT" }, { 0x00008000, "UF_HIDDEN" }, { 0x00010000, "SF_ARCHIVED" },
		{ 0x00020000, "SF_IMMUTABLE" }, { 0x00040000, "SF_APPEND" }, { 0x00080000, "SF_RESTRICTED" },
		{ 0x00100000, "SF_NOUNLINK" }, { 0x00200000, "SF_SNAPSHOT" }, { 0x00800000, "SF_FIRMLINK" },
		{ 0x40000000, "SF_DATALESS" }, { 0, NULL },
	},
	[OS_LINUX] = {
		{ 0x00000004, "STATX_ATTR_COMPRESSED" }, { 0x00000010, "STATX_ATTR_IMMUTABLE" },
		{ 0x00000020, "STATX_ATTR_APPEND" }, { 0x00000040, "STATX_ATTR_NODUMP" },
		{ 0x00000800, "STATX_ATTR_ENCRYPTED" }, { 0x00001000, "STATX_ATTR_AUTOMOUNT" },
		{ 0x00002000, "STATX_ATTR_MOUNT_ROOT" }, { 0x00100000, "STATX_ATTR_VERITY" },
		{ 0x00200000, "STATX_ATTR_DAX" }, { 0, NULL },
	},
};

size_t dec_stflags(int os, uint64_t flags, char *out)
{
	uint64_t rest = flags;
	size_t n;
	out[0] = 0;
	if (!flags)
		return 0;
	n = join_flags(stflag_tab[os == OS_LINUX], &rest, out, 0);
	if (rest && n < 200)
		n += (size_t)snprintf(out + n, 256 - n, "%s0x%08llx", n ? "|" : "", (unsigned long long)rest);
	return n;
}

size_t dec_mmap_prot(int64_t prot, char *out)
{
	static const struct flagname t[] = { { 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" }, { 0, NULL } };
	return flags_join(t, prot, "PROT_NONE", "UNKNOWN_PROT", out);
}

static const struct flagname mmap_tab[2][20] = {
	[OS_DARWIN] = {
		{ 0x1, "MAP_SHARED" }, { 0x2, "MAP_PRIVATE" }, { 0x10, "MAP_FIXED" },
		{ 0x20, "MAP_RENAME" }, { 0x40, "MAP_NORESERVE" }, { 0x100, "MAP_NOEXTEND" },
		{ 0x200, "MAP_HASSEMAPHORE" }, { 0x400, "MAP_NOCACHE" }, { 0x800, "MAP_JIT" },
		{ 0x1000, "MAP_ANON" }, { 0x2000, "MAP_RESILIENT_CODESIGN" },
		{ 0x4000, "MAP_RESILIENT_MEDIA" }, { 0x8000, "MAP_32BIT" },
		{ 0x20000, "MAP_TRANSLATED_ALLOW_EXECUTE" }, { 0x40000, "MAP_UNIX03" },
		{ 0x80000, "MAP_TPRO" }, { 0, NULL },
	},
	[OS_LINUX] = {
		{ 0x3, "MAP_SHARED_VALIDATE" }, { 0x1, "MAP_SHARED" }, { 0x2, "MAP_PRIVATE" },
		{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x100, "MAP_GROWSDOWN" },
		{ 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
		{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
		{ 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
		{ 0x100000, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
	},
};

size_t dec_mmap_flags(int os, int64_t flags, char *out)
{
	return flags_join(mmap_tab[os == OS_LINUX], flags, "NO_MAP", "UNKNOWN_MAP", out);
}

/* B_READ (0x1) is the operation, so it is not repeated in the flags. */
size_t dec_bflags(int64_t flags, char *out)
{
	static const struct flagname t[] = {
		{ 0x2, "B_ASYNC" }, { 0x4, "B_NOCACHE" }, { 0x8, "B_DELWRI" }, { 0x10, "B_LOCKED" },
		{ 0x20, "B_PHYS" }, { 0x40, "B_CLUSTER" }, { 0x80, "B_PAGEIO" }, { 0x100, "B_META" },
		{ 0x200, "B_RAW" }, { 0x400, "B_FUA" }, { 0x800, "B_PASSIVE" },
		/* not in io.d's inlines; xnu bsd/sys/buf.h (kdebug's DKIO_THROTTLE
		 * arrives as B_THROTTLED_IO) */
		{ 0x1000, "B_IOSTREAMING" }, { 0x2000, "B_THROTTLED_IO" },
		{ 0x4000, "B_ENCRYPTED_IO" }, { 0x8000, "B_STATICCONTENT" }, { 0, NULL },
	};
	int64_t v = flags & ~(int64_t)1;
	if (v == 0)
		return out[0] = 0, 0;
	return flags_join(t, v, "", "B", out);
}

void dec_rwbs(const char *rwbs, size_t n, char *op, char *flags)
{
	static const char *const names[128] = {
		['R'] = "read", ['W'] = "write", ['D'] = "discard", ['E'] = "secure_erase",
		['F'] = "flush", ['N'] = "none", ['S'] = "sync", ['M'] = "meta",
		['A'] = "ahead", ['P'] = "prio", ['B'] = "barrier",
	};
	size_t fn = 0;
	op[0] = flags[0] = 0;
	for (size_t i = 0; i < n && i < 16; i++) {
		unsigned char c = (unsigned char)rwbs[i];
		const char *s = c < 128 ? names[c] : NULL;
		if (!s)
			continue;
		if (!op[0])
			snprintf(op, 32, "%s", s);
		else
			fn += (size_t)snprintf(flags + fn, 256 - fn, "%s%s", fn ? "|" : "", s);
	}
}

int os_at_fdcwd(int os) { return os == OS_LINUX ? LINUX_AT_FDCWD : DARWIN_AT_FDCWD; }
int os_at_removedir(int os) { return os == OS_LINUX ? 0x200 : 0x80; }
int os_af_unix(int os) { (void)os; return 1; }
int os_af_inet(int os) { (void)os; return 2; }
int os_af_inet6(int os) { return os == OS_LINUX ? 10 : 30; }
int os_f_dupfd_cloexec(int os, int64_t cmd)
{
	return cmd == (os == OS_LINUX ? LINUX_F_DUPFD_CLOEXEC : DARWIN_F_DUPFD_CLOEXEC);
}
int os_f_dupfd(int os, int64_t cmd)
{
	return cmd == (os == OS_LINUX ? LINUX_F_DUPFD : DARWIN_F_DUPFD) || os_f_dupfd_cloexec(os, cmd);
}
int64_t os_o_cloexec(int os) { return os == OS_LINUX ? LINUX_O_CLOEXEC : DARWIN_O_CLOEXEC; }
