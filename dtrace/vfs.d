/*
 * vfs.d — file-system system calls on macOS, as iotrc-records(5) stream "vfs".
 *
 *   dtrace -q -s vfs.d PID1 PID2 PID3 PID4
 *
 * The four macro arguments are pids not to trace (iotrc-launch passes its
 * own pid, the engine's and the pids it was given, repeating one to fill
 * the four); dtrace's own pid ($pid) is never traced either (notes §5.22).
 * iotrc-launch(1) prints the header line; this script prints records only.
 *
 * Record: op pid ppid tid execname wall mono | ret err entry fd fd2 path
 * path2 size offset flags mode, fields separated by the byte 0x01, written
 * "\001" (octal: "\x01" would swallow following hex digits, notes §2.11).
 * An empty field means "unknown" or "not this call's".
 *
 * Rules this script follows, all from ../shared/notes/macos-dtrace.md:
 *  - probe names are syscalls.master names without "sys_", and every call
 *    has its *_nocancel twin enabled as well (§1.1, §1.4, §5.1-5.2);
 *  - paths: the user pointer is saved at :entry and copyinstr()'d at
 *    :return, when the kernel has faulted the page in (§2.5, §5.3);
 *    strsize=1024 = MAXPATHLEN so paths are not cut (§2.5, §5.4);
 *  - arg5 and later exist only at :entry, so they are copied there (§1.2);
 *  - the error is arg3 of the return probe, never the errno built-in,
 *    which faults in restricted processes under SIP (§1.3, §5.6);
 *  - user strings are printed with %S so a path holding 0x01 or a newline
 *    cannot break a record (§2.11, §5.13); op names are printed with %s
 *    (probefunc: letters, digits and "_" only);
 *  - no fds[], curpsinfo, cwd or other kernel-structure walk: they fault
 *    with SIP on (§3.1), so this script works with SIP on;
 *  - mono = machtimestamp (mach_absolute_time() ticks, the clock user space
 *    reads too; iotrc-launch puts the timebase in the header), wall =
 *    walltimestamp (§2.3, §5.18, DESIGN.md "Clocks");
 *  - every self-> variable an :entry clause sets is zeroed by the last
 *    clause of the matching :return probe (§2.4, §5.5). Where a return
 *    clause copies user memory, the zeroing sits in a clause of its own:
 *    a fault aborts the rest of the clause it happens in, and only that
 *    one (the next clause of the probe still runs), so state is freed even
 *    when copyinstr() faults ("invalid user access" in restricted
 *    processes, §2.5, §3.1.4). A second clause then prints the record
 *    without the path (self->printed was not set), so the call is still
 *    counted.
 */

#pragma D option quiet
/* Paths up to MAXPATHLEN (1024) bytes (§2.5, §5.4). */
#pragma D option strsize=1024
/*
 * Buffers for bursts: a read or write record takes about 2 KB in the
 * buffer (probefunc and execname are strsize bytes each, a path argument
 * another strsize), so 8 MB per CPU holds ~4,000 records per CPU per
 * switch interval; at 50 Hz that is ~200,000 records/s per CPU before
 * principal-buffer drops, and a burst is absorbed as long as no CPU makes
 * more than ~4,000 records in 20 ms (§2.7, §5.16). A faster switch rate
 * costs no memory, a bigger bufsize does: with bufpolicy=switch each CPU
 * has two buffers (§2.7), 160 MB on a 10-core Mac, under the RAM/3 cap
 * even with io.d and net.d running too; iotrc-launch -b sets bufsize for
 * a machine that needs more. Drops are reported by dtrace itself and
 * counted by iotrc-launch (§2.9). Arithmetic from the notes, not measured
 * on a Mac.
 */
#pragma D option bufsize=8m
#pragma D option switchrate=50hz
/*
 * Thread-locals: a thread blocked in read() keeps about four variables for
 * as long as it blocks, and a Mac has a few thousand threads; 8 MB holds
 * tens of thousands. Every call allocates and frees its variables, so the
 * cleaner runs at its maximum rate to avoid "dirty list" drops (§2.9).
 */
#pragma D option dynvarsize=8m
#pragma D option cleanrate=50hz

inline int AT_FDCWD = -2;		/* bsd/sys/fcntl.h:202, §1.5 */
inline int MAP_ANON = 0x1000;		/* bsd/sys/mman.h:133 */
inline int F_DUPFD = 0;			/* bsd/sys/fcntl.h:278 */
inline int F_DUPFD_CLOEXEC = 67;	/* bsd/sys/fcntl.h:446 */

/*
 * A D variable takes the type of its declaration, else of its first
 * assignment in the script; self->off is first given -1 (an int), and an
 * off_t (arg3, arg4, mmap's arg5) stored in it afterwards would print cut
 * to 32 bits, so offsets past 2 GiB would come out wrong. Declared 64-bit.
 */
self int64_t off;

/* ---- read and write ---------------------------------------------------- */

syscall::read:entry, syscall::read_nocancel:entry,
syscall::write:entry, syscall::write_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sz = arg2;
	self->off = -1;
}

syscall::pread:entry, syscall::pread_nocancel:entry,
syscall::pwrite:entry, syscall::pwrite_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sz = arg2;
	self->off = arg3;
}

/* guarded_*_np: the guard is arg1, so the buffer size moves to arg3. */
syscall::guarded_write_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sz = arg3;
	self->off = -1;
}

syscall::guarded_pwrite_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sz = arg3;
	self->off = arg4;
}

/* ret: bytes moved (a full 64-bit ssize_t, §1.3); size: bytes asked for. */
syscall::read:return, syscall::read_nocancel:return,
syscall::write:return, syscall::write_nocancel:return,
syscall::pread:return, syscall::pread_nocancel:return,
syscall::pwrite:return, syscall::pwrite_nocancel:return,
syscall::guarded_write_np:return, syscall::guarded_pwrite_np:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001%d\001%d\001\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int64_t)arg0, (int)arg3, self->ts, self->fd,
	    self->sz, self->off);
	self->ts = 0; self->fd = 0; self->sz = 0; self->off = 0;
}

/*
 * Vector forms: the byte count is the sum over an iovec array D cannot
 * loop over, so size is left empty; ret still says how much moved.
 */
syscall::readv:entry, syscall::readv_nocancel:entry,
syscall::writev:entry, syscall::writev_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->off = -1;
}

syscall::preadv:entry, syscall::preadv_nocancel:entry,
syscall::pwritev:entry, syscall::pwritev_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->off = arg3;
}

syscall::guarded_writev_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->off = -1;
}

syscall::readv:return, syscall::readv_nocancel:return,
syscall::writev:return, syscall::writev_nocancel:return,
syscall::preadv:return, syscall::preadv_nocancel:return,
syscall::pwritev:return, syscall::pwritev_nocancel:return,
syscall::guarded_writev_np:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001\001%d\001\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int64_t)arg0, (int)arg3, self->ts, self->fd, self->off);
	self->ts = 0; self->fd = 0; self->off = 0;
}

/* ---- open ---------------------------------------------------------------- */
/* fd: the directory the path is relative to (AT_FDCWD for the plain forms). */

syscall::open:entry, syscall::open_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = (int)arg1; self->md = (int)arg2;
}

syscall::openat:entry, syscall::openat_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fl = (int)arg2; self->md = (int)arg3;
}

syscall::open_extended:entry, syscall::open_dprotected_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = (int)arg1; self->md = (int)arg4;
}

/* mode is arg5: readable at entry only (§1.2). */
syscall::openat_dprotected_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fl = (int)arg2; self->md = (int)arg5;
}

syscall::guarded_open_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = (int)arg3; self->md = (int)arg4;
}

/* mode is arg6: readable at entry only (§1.2). */
syscall::guarded_open_dprotected_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = (int)arg3; self->md = (int)arg6;
}

syscall::open:return, syscall::open_nocancel:return,
syscall::openat:return, syscall::openat_nocancel:return,
syscall::open_extended:return, syscall::open_dprotected_np:return,
syscall::openat_dprotected_np:return, syscall::guarded_open_np:return,
syscall::guarded_open_dprotected_np:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001%S\001\001\001-1\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, copyinstr(self->p0),
	    self->fl, self->md);
	self->printed = 1;
}

/* The path could not be read (restricted process): the call without it. */
syscall::open:return, syscall::open_nocancel:return,
syscall::openat:return, syscall::openat_nocancel:return,
syscall::open_extended:return, syscall::open_dprotected_np:return,
syscall::openat_dprotected_np:return, syscall::guarded_open_np:return,
syscall::guarded_open_dprotected_np:return
/self->ts && !self->printed/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001\001-1\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fl, self->md);
}

syscall::open:return, syscall::open_nocancel:return,
syscall::openat:return, syscall::openat_nocancel:return,
syscall::open_extended:return, syscall::open_dprotected_np:return,
syscall::openat_dprotected_np:return, syscall::guarded_open_np:return,
syscall::guarded_open_dprotected_np:return
/self->ts/
{
	self->ts = 0; self->fd = 0; self->p0 = 0; self->fl = 0; self->md = 0;
	self->printed = 0;
}

/* openbyid_np(fsid, objid, oflags): no path to copy. */
syscall::openbyid_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fl = (int)arg2;
}

syscall::openbyid_np:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001-1\001-1\001\001\001\001-1\001%d\0010\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fl);
	self->ts = 0; self->fl = 0;
}

/* ---- close, dup, fsync --------------------------------------------------- */

syscall::close:entry, syscall::close_nocancel:entry,
syscall::guarded_close_np:entry,
syscall::fsync:entry, syscall::fsync_nocancel:entry, syscall::fdatasync:entry,
syscall::fchdir:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0;
}

syscall::close:return, syscall::close_nocancel:return,
syscall::guarded_close_np:return,
syscall::fsync:return, syscall::fsync_nocancel:return, syscall::fdatasync:return,
syscall::fchdir:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001\001-1\001\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd);
	self->ts = 0; self->fd = 0;
}

syscall::dup:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->fd2 = -1;
	self->fl = 0; self->md = 0;
}

syscall::dup2:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->fd2 = (int)arg1;
	self->fl = 0; self->md = 0;
}

/* Only the duplicating commands: every other fcntl() is no record. */
syscall::fcntl:entry, syscall::fcntl_nocancel:entry
/(arg1 == F_DUPFD || arg1 == F_DUPFD_CLOEXEC) &&
 pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->fd2 = -1;
	self->fl = (int)arg1; self->md = (int)arg2;
}

syscall::dup:return, syscall::dup2:return,
syscall::fcntl:return, syscall::fcntl_nocancel:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\001\001\001-1\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fd2,
	    self->fl, self->md);
	self->ts = 0; self->fd = 0; self->fd2 = 0; self->fl = 0; self->md = 0;
}

/* ---- one path ------------------------------------------------------------ */
/* unlink, unlinkat, mkdir, mkdirat, mkdir_extended, rmdir, chdir, truncate */

syscall::unlink:entry, syscall::rmdir:entry, syscall::chdir:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = 0; self->md = 0; self->sz = 0;
}

syscall::unlinkat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fl = (int)arg2; self->md = 0; self->sz = 0;
}

syscall::mkdir:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = 0; self->md = (int)arg1; self->sz = 0;
}

syscall::mkdirat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fl = 0; self->md = (int)arg2; self->sz = 0;
}

syscall::mkdir_extended:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = 0; self->md = (int)arg3; self->sz = 0;
}

syscall::truncate:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fl = 0; self->md = 0; self->sz = arg1;
}

syscall::unlink:return, syscall::unlinkat:return,
syscall::mkdir:return, syscall::mkdirat:return, syscall::mkdir_extended:return,
syscall::rmdir:return, syscall::chdir:return, syscall::truncate:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001%S\001\001%d\001-1\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, copyinstr(self->p0),
	    self->sz, self->fl, self->md);
	self->printed = 1;
}

syscall::unlink:return, syscall::unlinkat:return,
syscall::mkdir:return, syscall::mkdirat:return, syscall::mkdir_extended:return,
syscall::rmdir:return, syscall::chdir:return, syscall::truncate:return
/self->ts && !self->printed/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001%d\001-1\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd,
	    self->sz, self->fl, self->md);
}

syscall::unlink:return, syscall::unlinkat:return,
syscall::mkdir:return, syscall::mkdirat:return, syscall::mkdir_extended:return,
syscall::rmdir:return, syscall::chdir:return, syscall::truncate:return
/self->ts/
{
	self->ts = 0; self->fd = 0; self->p0 = 0; self->fl = 0; self->md = 0;
	self->sz = 0; self->printed = 0;
}

syscall::ftruncate:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sz = arg1;
}

syscall::ftruncate:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001%d\001-1\001\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->sz);
	self->ts = 0; self->fd = 0; self->sz = 0;
}

/* ---- two paths ------------------------------------------------------------ */
/* rename*, link*, symlink*, clonefileat, exchangedata */

syscall::rename:entry, syscall::link:entry, syscall::exchangedata:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = AT_FDCWD; self->p0 = arg0;
	self->fd2 = AT_FDCWD; self->p1 = arg1;
	self->fl = probefunc == "exchangedata" ? (int)arg2 : 0;
}

syscall::renameat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fd2 = (int)arg2; self->p1 = arg3; self->fl = 0;
}

syscall::renameatx_np:entry, syscall::linkat:entry, syscall::clonefileat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->p0 = arg1;
	self->fd2 = (int)arg2; self->p1 = arg3; self->fl = (int)arg4;
}

/* symlink(target, linkpath): the target is text, never resolved; fd -1. */
syscall::symlink:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = -1; self->p0 = arg0;
	self->fd2 = AT_FDCWD; self->p1 = arg1; self->fl = 0;
}

/* symlinkat(target, fd, linkpath) */
syscall::symlinkat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = -1; self->p0 = arg0;
	self->fd2 = (int)arg1; self->p1 = arg2; self->fl = 0;
}

syscall::rename:return, syscall::renameat:return, syscall::renameatx_np:return,
syscall::link:return, syscall::linkat:return,
syscall::symlink:return, syscall::symlinkat:return,
syscall::clonefileat:return, syscall::exchangedata:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%S\001%S\001\001-1\001%d\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fd2,
	    copyinstr(self->p0), copyinstr(self->p1), self->fl);
	self->printed = 1;
}

syscall::rename:return, syscall::renameat:return, syscall::renameatx_np:return,
syscall::link:return, syscall::linkat:return,
syscall::symlink:return, syscall::symlinkat:return,
syscall::clonefileat:return, syscall::exchangedata:return
/self->ts && !self->printed/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\001\001\001-1\001%d\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fd2, self->fl);
}

syscall::rename:return, syscall::renameat:return, syscall::renameatx_np:return,
syscall::link:return, syscall::linkat:return,
syscall::symlink:return, syscall::symlinkat:return,
syscall::clonefileat:return, syscall::exchangedata:return
/self->ts/
{
	self->ts = 0; self->fd = 0; self->p0 = 0; self->fd2 = 0; self->p1 = 0;
	self->fl = 0; self->printed = 0;
}

/* fclonefileat(srcfd, dst_dirfd, dst, flags): the source is an fd. */
syscall::fclonefileat:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->fd2 = (int)arg1;
	self->p1 = arg2; self->fl = (int)arg3;
}

syscall::fclonefileat:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\001%S\001\001-1\001%d\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fd2,
	    copyinstr(self->p1), self->fl);
	self->printed = 1;
}

syscall::fclonefileat:return
/self->ts && !self->printed/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\001\001\001-1\001%d\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fd2, self->fl);
}

syscall::fclonefileat:return
/self->ts/
{
	self->ts = 0; self->fd = 0; self->fd2 = 0; self->p1 = 0; self->fl = 0;
	self->printed = 0;
}

/* ---- mmap of a file ------------------------------------------------------- */
/* Anonymous maps (MAP_ANON; fd is then -1 or a VM tag) are no record. The
 * file offset is arg5: readable at entry only (§1.2). ret is the address. */

syscall::mmap:entry
/(arg3 & MAP_ANON) == 0 && (int)arg4 >= 0 &&
 pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg4; self->sz = arg1;
	self->off = arg5; self->fl = (int)arg3; self->md = (int)arg2;
}

syscall::mmap:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001-1\001\001\001%d\001%d\001%d\001%d\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int64_t)arg0, (int)arg3, self->ts, self->fd,
	    self->sz, self->off, self->fl, self->md);
	self->ts = 0; self->fd = 0; self->sz = 0; self->off = 0; self->fl = 0;
	self->md = 0;
}

/* ---- process bookkeeping: fork, exec, exit -------------------------------- */
/*
 * These keep iotrc-parse's descriptor table right (iotrc-records(5)): a
 * child inherits its parent's descriptors, exec drops O_CLOEXEC ones, exit
 * forgets the process. The proc provider would be simpler but needs kernel
 * privilege, which SIP withholds (§3.1), so the syscalls are used.
 *
 * fork: the parent's return has rv1 (arg2) 0 and the child's pid in arg0;
 * the child's return has rv1 = 1 (bsd/kern/kern_fork.c:578-586,
 * bsd/dev/dtrace/systrace.c:215-275). No entry state is needed.
 */
syscall::fork:return, syscall::vfork:return
/(int)arg0 > 0 && arg2 == 0 &&
 pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	printf("fork\001%d\001%d\001%d\001%S\001%d\001%d\001%d\0010\001\001-1\001-1\001\001\001\001-1\001\001\n",
	    pid, ppid, tid, execname, walltimestamp, machtimestamp, (int)arg0);
}

/*
 * execve: after a successful exec the saved pointer belongs to the old
 * address space (§2.5), so the path is copied at entry — in a clause of
 * its own, since a copy at entry can fault on a page not yet touched
 * (§5.3); the record is printed at return with the path if it was read.
 *
 * Its execname is not the execname built-in: execve:return fires on the
 * exec'ing thread, whose proc is the old image's, a shadow since the new
 * proc took the pid (xnu-11417.101.15 bsd/kern/kern_exec.c:5310-5316, the
 * new image runs on a new thread, :1505); execname is
 * proc_best_name(curproc) (bsd/dev/dtrace/dtrace.c:3591-3593,
 * curproc = current_proc() = the thread's proc, bsd/sys/dtrace_glue.h:65,
 * bsd/kern/bsd_stubs.c:76-84), the old name. The new name is the last
 * component of the path, up to 32 bytes as the kernel keeps it (p_name,
 * set_proc_name, kern_exec.c:974-993; after a symbolic link the kernel's
 * is the target's name), or empty when the path was not read. Later
 * records of the process come from the new image's threads and carry its
 * name.
 */
syscall::execve:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ets = machtimestamp;
}

syscall::execve:entry
/self->ets/
{
	self->epath = copyinstr(arg0);
}

syscall::execve:return
/self->ets && (int)arg3 == 0/
{
	printf("exec\001%d\001%d\001%d\001%S\001%d\001%d\0010\0010\001%d\001-1\001-1\001%S\001\001\001-1\001\001\n",
	    pid, ppid, tid,
	    self->epath != "" ? substr(basename(self->epath), 0, 32) : "",
	    walltimestamp, machtimestamp, self->ets,
	    self->epath != "" ? self->epath : "");
}

syscall::execve:return
/self->ets/
{
	self->ets = 0; self->epath = 0;
}

/*
 * posix_spawn(&pid, path, ...) is fork and exec in one call, so it is
 * written as those two records: "fork" in the parent's name (ret = the
 * child), then "exec" in the child's (pid = child, ppid = parent; tid and
 * execname unknown). File actions run inside the kernel and are not seen.
 */
syscall::posix_spawn:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->sts = machtimestamp; self->spid = arg0; self->p0 = arg1;
}

syscall::posix_spawn:return
/self->sts && self->spid && (int)arg3 == 0/
{
	self->cpid = *(int *)copyin(self->spid, sizeof (int));
	printf("fork\001%d\001%d\001%d\001%S\001%d\001%d\001%d\0010\001%d\001-1\001-1\001\001\001\001-1\001\001\n",
	    pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    self->cpid, self->sts);
}

/* A clause of its own: if the path cannot be read, the fork is kept. */
syscall::posix_spawn:return
/self->cpid/
{
	printf("exec\001%d\001%d\001\001\001%d\001%d\0010\0010\001%d\001-1\001-1\001%S\001\001\001-1\001\001\n",
	    self->cpid, pid, walltimestamp, machtimestamp, self->sts,
	    copyinstr(self->p0));
}

syscall::posix_spawn:return
/self->sts/
{
	self->sts = 0; self->spid = 0; self->p0 = 0; self->cpid = 0;
}

/* exit() does not return: the record is written at entry. */
syscall::exit:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	printf("exit\001%d\001%d\001%d\001%S\001%d\001%d\0010\0010\001%d\001-1\001-1\001\001\001\001-1\001\001\n",
	    pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    machtimestamp);
}
