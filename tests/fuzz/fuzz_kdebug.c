/* fuzz_kdebug — the kdebug decoder and replay reader on random and
 * mutated kd_buf streams: no crash, no leak, bounded memory (small caps).
 * The first byte picks the mode:
 *   bit 7 clear: the rest is a file for --replay (RAW_VERSION1 or bare)
 *   bit 7 set:   the rest is a program of events built from the debugids
 *                the decoder knows, so that mutations reach deep states
 *   bit 6:       live-style hooks answer look-ups (cwd, fd paths, sockets)
 *   bits 0-1:    lookup mode (auto, tail, full) */
#include "../../bin/kdebug/kdebug_decode.h"
#include "../../bin/kdebug/kdebug_replay.h"
#include "../../bin/kdebug/kdebug_systab.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct prog {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct prog *g)
{
	return g->i < g->n ? g->p[g->i++] : 0;
}

static uint64_t u64(struct prog *g)
{
	uint64_t v = 0;
	for (int k = 0; k < 8; k++)
		v |= (uint64_t)u8(g) << (8 * k);
	return v;
}

/* a small value most of the time, a wild one sometimes */
static uint64_t arg(struct prog *g)
{
	uint8_t b = u8(g);
	if (b < 200)
		return b % 24;
	if (b < 230)
		return (uint64_t)(int64_t)-(int64_t)(b - 199);   /* -1 .. -30 */
	return u64(g);
}

static const uint16_t calls[] = {
	3, 4, 5, 6, 9, 10, 12, 13, 30, 41, 42, 57, 59, 66, 90, 92, 95, 97, 98, 104, 106, 120, 121,
	128, 134, 136, 137, 153, 154, 187, 200, 201, 223, 244, 277, 338, 380, 396, 397, 398, 399,
	404, 406, 409, 414, 415, 441, 442, 447, 462, 463, 464, 465, 471, 472, 474, 475, 479, 485,
	486, 487, 488, 517, 540, 541, 2, 1, 999,
};

static void program(struct kd_decoder *d, struct prog *g)
{
	uint64_t ts = 1;
	while (g->i < g->n) {
		kd_buf e;
		uint8_t op = u8(g);
		memset(&e, 0, sizeof e);
		ts += u8(g);
		e.timestamp = ts;
		e.arg5 = 1000 + (u8(g) & 7);          /* 8 threads */
		e.cpuid = u8(g) & 3;
		switch (op % 14) {
		case 0: case 1:                       /* syscall START / END */
			e.debugid = KD_SYSCALL(calls[u8(g) % (sizeof calls / sizeof calls[0])]) |
			            (op % 14 == 0 ? KD_FUNC_START : KD_FUNC_END);
			e.arg1 = arg(g), e.arg2 = arg(g), e.arg3 = arg(g), e.arg4 = op % 14 ? 100 + (u8(g) & 7) : arg(g);
			break;
		case 2: case 3: case 4: case 5:       /* lookup START, middle, END, START|END */
			e.debugid = KD_VFS_LOOKUP | (uint32_t[]){ 1, 0, 2, 3 }[op % 14 - 2];
			e.arg1 = (op % 14 == 2 || op % 14 == 5) ? 0xffffff8000000000ull | u8(g) : u64(g);
			e.arg2 = u64(g), e.arg3 = u64(g), e.arg4 = u64(g);
			break;
		case 6: case 7:                       /* disk issue / done */
			e.debugid = KD_DEBUGID(3, 2, (u8(g) & 0x1ffe) | (op % 14 == 7 ? DKIO_DONE : 0));
			e.arg1 = 0xfd00 + (u8(g) & 15), e.arg2 = op % 14 == 7 ? 0xffffff8000000000ull | u8(g) : arg(g);
			e.arg3 = arg(g), e.arg4 = arg(g);
			break;
		case 8:
			e.debugid = KD_TRACE_DATA_NEWTHREAD;
			e.arg1 = 1000 + (u8(g) & 7), e.arg2 = 100 + (u8(g) & 7), e.arg3 = u8(g) & 1;
			break;
		case 9:
			e.debugid = (uint32_t[]){ KD_TRACE_STRING_NEWTHREAD, KD_TRACE_STRING_EXEC,
			                          KD_TRACE_DATA_EXEC, KD_TRACE_DATA_THREAD_TERMINATE_PID }[u8(g) & 3];
			e.arg1 = e.debugid == KD_TRACE_DATA_EXEC ? 100 + (u8(g) & 7) : u64(g);
			e.arg2 = u64(g), e.arg3 = u64(g), e.arg4 = u64(g);
			break;
		case 10:
			e.debugid = KD_BSD_PROC_EXIT | (u8(g) & 3);
			e.arg1 = 100 + (u8(g) & 7);
			break;
		case 11:
			e.debugid = KD_TRACE_LOST_EVENTS;
			break;
		default:                              /* anything */
			e.debugid = (uint32_t)u64(g);
			e.arg1 = u64(g), e.arg2 = u64(g), e.arg3 = u64(g), e.arg4 = u64(g);
		}
		kd_event(d, &e);
	}
}

/* stand-ins for the live look-ups */
static int h_sock(void *c, int32_t pid, int32_t fd, int local, struct kd_sockaddr *o)
{
	(void)c;
	memset(o, 0, sizeof *o);
	if (((int64_t)pid + fd) % 3 == 0)
		return -1;
	o->family = fd % 2 ? 2 : 1, o->type = 1, o->port = local ? 80 : 50000;
	if (o->family == 2)
		o->addrlen = 4, memcpy(o->addr, "\x7f\0\0\1", 4);
	else
		o->addrlen = snprintf(o->path, sizeof o->path, "/tmp/sock%d", fd);
	return 0;
}
static long h_path(void *c, int32_t pid, char *out, size_t cap)
{
	(void)c;
	return pid % 2 ? -1 : snprintf(out, cap, "/cwd/%d", pid);
}
static long h_fd(void *c, int32_t pid, int32_t fd, char *out, size_t cap)
{
	(void)c;
	return ((int64_t)pid + fd) % 2 ? -1 : snprintf(out, cap, "/fd/%d/%d", pid, fd);
}
static int h_proc(void *c, int32_t pid, int32_t *ppid, char *name, size_t cap)
{
	(void)c;
	*ppid = pid / 2;
	snprintf(name, cap, "p%d", pid);
	return pid % 5 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	struct obuf ob[REC_NSTREAMS], *out[REC_NSTREAMS];
	struct kd_hooks hk = { NULL, h_sock, h_path, h_fd, h_proc };
	struct kd_config c;
	struct kd_decoder *d;
	uint8_t mode = size ? data[0] : 0;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	for (int i = 0; i < REC_NSTREAMS; i++)
		ob_init(&ob[i], devnull, 4096), out[i] = &ob[i];
	kd_config_defaults(&c);
	c.max_threads = 16, c.max_slots = 4, c.max_procs = 16;
	c.max_fds = 64, c.max_vnodes = 64, c.max_ios = 8;
	c.lookup_mode = mode & 3;
	c.has_wall = 1, c.tb_numer = 125, c.tb_denom = 3;
	c.exclude[c.nexclude++] = 105;
	d = kd_new(&c, (mode & 0x40) ? &hk : NULL, out);
	if (mode & 0x80) {
		struct prog g = { data + 1, size - 1, 0 };
		program(d, &g);
	} else if (size) {
		struct kd_replay rp;
		char err[256];
		kd_buf ev[64];
		long n;
		if (kd_replay_open_mem(&rp, data + 1, size - 1, err, sizeof err) == 0) {
			kd_thread_map(d, rp.map, rp.nmap);
			while ((n = kd_replay_read(&rp, ev, 64)) > 0)
				for (long i = 0; i < n; i++)
					kd_event(d, &ev[i]);
		}
		kd_replay_close(&rp);
	}
	kd_lost(d);
	kd_get_stats(d);
	kd_free(d);
	for (int i = 0; i < REC_NSTREAMS; i++)
		ob_flush(&ob[i]), ob_free(&ob[i]);
	return 0;
}
