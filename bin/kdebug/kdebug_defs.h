/* kdebug_defs.h — our own declarations of the kernel's kdebug ABI.
 *
 * kd_buf, kd_threadmap, kbufinfo_t, kd_regtype and the RAW file header
 * live in the private kdebug_private.h, so we declare them ourselves
 * (notes/macos-kdebug.md §3.1, layouts §3.3; checked against
 * xnu-11417.101.15 bsd/sys/kdebug_private.h). Platform neutral: the
 * decoder, the replay reader, the fixture generator (tests/helpers/kdgen.c)
 * and the live Darwin code all use this one file. */
#ifndef IOTRC_KDEBUG_DEFS_H
#define IOTRC_KDEBUG_DEFS_H
#include <stddef.h>
#include <stdint.h>

/* One event, 64 bytes on LP64 and arm64 (§3.3). arg5 is always the
 * thread id. */
typedef struct {
	uint64_t timestamp;
	uint64_t arg1, arg2, arg3, arg4, arg5;
	uint32_t debugid;
	uint32_t cpuid;
	uint64_t unused;
} kd_buf;

/* Legacy thread map entry: valid = pid (1 for kernel_task), command
 * truncated to 19 bytes (strlcpy, xnu bsd/kern/kdebug.c _resolve_iterator). */
typedef struct {
	uint64_t thread;
	int32_t valid;
	char command[20];
} kd_threadmap;

/* KERN_KDGETBUF answer: 5 x i32 (§3.2). */
typedef struct {
	int32_t nkdbufs;
	int32_t nolog;
	uint32_t flags;
	int32_t nkdthreads;
	int32_t bufid;
} kbufinfo_t;

/* KERN_KDSETREG / KDPIDTR / KDPIDEX argument: 5 x u32 (§3.2). */
typedef struct {
	uint32_t type;
	uint32_t value1, value2, value3, value4;
} kd_regtype;

/* Legacy trace file header (§3.3): int, int, u64, u32 — 24 bytes with the
 * trailing padding the kernel writes (sizeof(RAW_header) in
 * _write_legacy_header). */
typedef struct {
	int32_t version_no;
	int32_t thread_count;
	uint64_t TOD_secs;
	uint32_t TOD_usecs;
} RAW_header;

_Static_assert(sizeof(kd_buf) == 64, "kd_buf is 64 bytes (notes §3.3)");
_Static_assert(offsetof(kd_buf, debugid) == 48, "kd_buf.debugid at 48");
_Static_assert(offsetof(kd_buf, cpuid) == 52, "kd_buf.cpuid at 52");
_Static_assert(sizeof(kd_threadmap) == 32, "kd_threadmap is 32 bytes (notes §3.3)");
_Static_assert(sizeof(kbufinfo_t) == 20, "kbufinfo_t is 5 x i32 (notes §3.3)");
_Static_assert(sizeof(kd_regtype) == 20, "kd_regtype is 5 x u32 (notes §3.3)");
_Static_assert(sizeof(RAW_header) == 24, "RAW_header is 24 bytes with padding");

#define KD_RAW_VERSION1 0x55aa0101u     /* §3.3 */
#define KD_RAW_ALIGN 4096               /* events start at the next 4 KiB boundary */
#define KD_TYPEFILTER_SIZE 8192         /* KDBG_TYPEFILTER_BITMAP_SIZE, (256*256)/8 */

/* debugid = class<<24 | subclass<<16 | code<<2 | func (§3.4). */
#define KD_FUNC_START 1u
#define KD_FUNC_END 2u
#define KD_CSC(d) ((d) >> 16)                   /* class<<8 | subclass */
#define KD_CODE(d) (((d) >> 2) & 0x3fffu)
#define KD_FUNC(d) ((d) & 3u)
#define KD_EVENTID(d) ((d) & 0xfffffffcu)
#define KD_DEBUGID(cls, sub, code) (((uint32_t)(cls) << 24) | ((uint32_t)(sub) << 16) | ((uint32_t)(code) << 2))

/* class<<8 | subclass of the events we use (§3.4-3.8, §3.10 step 3) */
#define KD_CSC_FSRW 0x0301u        /* DBG_FSYSTEM/DBG_FSRW: VFS_LOOKUP */
#define KD_CSC_DKRW 0x0302u        /* DBG_FSYSTEM/DBG_DKRW: disk I/O */
#define KD_CSC_BSD_PROC 0x0401u    /* DBG_BSD/DBG_BSD_PROC: BSD_PROC_EXIT */
#define KD_CSC_BSD_SC 0x040cu      /* DBG_BSD/DBG_BSD_EXCP_SC: syscalls */
#define KD_CSC_TRACE_DATA 0x0700u
#define KD_CSC_TRACE_STRING 0x0701u
#define KD_CSC_TRACE_INFO 0x0702u

#define KD_VFS_LOOKUP 0x03010090u             /* FSDBG_CODE(DBG_FSRW,36), §3.6 */
#define KD_VFS_LOOKUP_DONE 0x0301009cu        /* FSDBG_CODE(DBG_FSRW,39) */
#define KD_BSD_PROC_EXIT 0x04010004u          /* §3.8 */
#define KD_TRACE_DATA_NEWTHREAD 0x07000004u   /* §3.8 */
#define KD_TRACE_DATA_EXEC 0x07000008u
#define KD_TRACE_DATA_THREAD_TERMINATE 0x0700000cu
#define KD_TRACE_DATA_THREAD_TERMINATE_PID 0x07000010u
#define KD_TRACE_STRING_NEWTHREAD 0x07010004u
#define KD_TRACE_STRING_EXEC 0x07010008u
#define KD_TRACE_STRING_PROC_EXIT 0x0701000cu
#define KD_TRACE_LOST_EVENTS 0x07020008u      /* §3.9 */

/* Syscall events: 0x040C0000 + 4*n (§3.5). */
#define KD_SYSCALL(n) (0x040c0000u + 4u * (uint32_t)(n))

/* Disk I/O code bits (kdebug.h:975-985, §3.7). */
#define DKIO_DONE 0x01u
#define DKIO_READ 0x02u
#define DKIO_ASYNC 0x04u
#define DKIO_META 0x08u
#define DKIO_PAGING 0x10u
#define DKIO_THROTTLE 0x20u
#define DKIO_PASSIVE 0x40u
#define DKIO_NOCACHE 0x80u
#define DKIO_TIER_MASK 0xf00u
#define DKIO_TIER_UPGRADE 0x1000u

/* VFS_LOOKUP before macOS 15.4 carried at most NUMPARMS*8 = 184 bytes
 * (§3.6; xnu-11215 kdebug_kernel.h:493 NUMPARMS 23). */
#define KD_LOOKUP_TAIL_MAX 184

/* kbufinfo_t.flags and KDEFLAGS values (kdebug_private.h) */
#define KDBG_NOWRAP 0x0002u
#define KDBG_WRAPPED 0x0008u
#define KDBG_DISABLE_COPROCS 0x0400u
#define KDBG_TYPENONE 0x80000u
#define KDEBUG_ENABLE_TRACE 1

/* Little-endian loads and stores: files and fixtures are little-endian
 * whatever the host (the "64-byte little-endian kd_buf"). */
static inline uint64_t kd_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}
static inline uint32_t kd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void kd_put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static inline void kd_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
/* 64 little-endian bytes -> kd_buf */
static inline void kd_buf_load(kd_buf *e, const unsigned char *p)
{
	e->timestamp = kd_le64(p);
	e->arg1 = kd_le64(p + 8);
	e->arg2 = kd_le64(p + 16);
	e->arg3 = kd_le64(p + 24);
	e->arg4 = kd_le64(p + 32);
	e->arg5 = kd_le64(p + 40);
	e->debugid = kd_le32(p + 48);
	e->cpuid = kd_le32(p + 52);
	e->unused = kd_le64(p + 56);
}
static inline void kd_buf_store(unsigned char *p, const kd_buf *e)
{
	kd_put64(p, e->timestamp);
	kd_put64(p + 8, e->arg1);
	kd_put64(p + 16, e->arg2);
	kd_put64(p + 24, e->arg3);
	kd_put64(p + 32, e->arg4);
	kd_put64(p + 40, e->arg5);
	kd_put32(p + 48, e->debugid);
	kd_put32(p + 52, e->cpuid);
	kd_put64(p + 56, e->unused);
}

/* Our tag inside the padding after the thread map of files written by
 * --record: "iotrc-kdebug-tag timebase=N/D wall_offset_ns=W lookup=tail|full\n".
 * Kernel-written files carry a cpumap there instead, which never starts
 * with this text. */
#define KD_TAG "iotrc-kdebug-tag "
#endif
