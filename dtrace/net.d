/*
 * net.d — socket lifecycle system calls on macOS, as iotrc-records(5)
 * stream "net".
 *
 *   dtrace -q -s net.d PID1 PID2 PID3 PID4
 *
 * The macro arguments are pids not to trace (see vfs.d).
 *
 * Record: op pid ppid tid execname wall mono | ret err entry fd family type
 * proto arg port addr. Calls: socket, bind, listen, connect(+_nocancel),
 * connectx, accept(+_nocancel), shutdown, and close (+_nocancel,
 * guarded_close_np) of a socket. Uses only the syscall provider,
 * so it works with SIP on (notes §3.1); the tcp provider has no connect or
 * accept probe sites on macOS and needs kernel privilege anyway (§1.6).
 *
 * Socket addresses are copied from user memory with copyin() at :return
 * (for accept the kernel writes the peer address during the call, §1.6)
 * and decoded byte by byte, so no kernel type information is needed
 * (§1.5): BSD sockaddrs start with a length byte, the family is byte 1,
 * the port is bytes 2-3 in network order; AF_INET (2) has the address at
 * bytes 4-7, AF_INET6 (30) at bytes 8-23, AF_UNIX (1) the path from byte 2
 * (sun_path[104]). Addresses are printed as hex digits of their bytes in
 * network order (iotrc-records(5)); the AF_UNIX path with %S (§2.11).
 *
 * The local end of connect and accept (the record's extension fields,
 * iotrc-records(5)) is not written: it is in no argument of the call, and
 * reading it from the kernel's socket (fds[], a walk of the proc's file
 * table) faults under SIP (§3.1) and would tie the script to kernel
 * structures that drift (§5.12); those rows leave local_addr and sport
 * empty.
 *
 * Other rules as in vfs.d: error from arg3, not errno (§1.3); arg5+ at
 * entry only (§1.2); "\001" separators (§2.11); no kernel-structure walks
 * (§3.1); every self-> variable freed by the last clause of each return
 * probe, in a clause of its own so that a fault in copyin() (restricted
 * processes, §2.5) cannot skip it; the call is then printed without its
 * address (self->printed unset).
 */

#pragma D option quiet
#pragma D option strsize=1024
/* Socket calls are far rarer than file calls: 4 MB per CPU at 10 Hz. */
#pragma D option bufsize=4m
#pragma D option switchrate=10hz
/* A thread blocked in accept() or connect() keeps ~6 variables; every open
 * socket one sk_open[] entry (below): 8 MB is ~100,000 of them. */
#pragma D option dynvarsize=8m
#pragma D option cleanrate=50hz

inline int AF_UNIX = 1;		/* bsd/sys/socket.h:387, §1.5 */
inline int AF_INET = 2;		/* bsd/sys/socket.h:391 */
inline int AF_INET6 = 30;	/* bsd/sys/socket.h:422 */

/* ---- socket, listen, shutdown: no address ---------------------------------- */

syscall::socket:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->dom = (int)arg0; self->typ = (int)arg1;
	self->pro = (int)arg2;
}

/*
 * The sockets, for their close: D may not read the kernel's file table
 * with SIP on (fds[] faults, notes §3.1, §5.9), so a socket is a
 * descriptor that socket() or accept() returned (§1.6), kept in
 * sk_open[pid, fd] as 1 | domain << 8 | type << 24 | protocol << 40 (the
 * 1 keeps it non-zero); an accepted socket has its listener's. Freed by
 * the close; a socket that stops being one otherwise (dup2 over it, exec
 * with close-on-exec, the process exiting) is forgotten when the pid and
 * descriptor are reused, since D cannot walk an array to expire entries.
 */
syscall::socket:return
/self->ts && (int)arg0 >= 0/
{
	sk_open[pid, (int)arg0] = 1 | (int64_t)(self->dom & 0xffff) << 8 |
	    (int64_t)(self->typ & 0xffff) << 24 | (int64_t)(self->pro & 0xffff) << 40;
}

syscall::socket:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001-1\001%d\001%d\001%d\0010\0010\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->dom, self->typ, self->pro);
	self->ts = 0; self->dom = 0; self->typ = 0; self->pro = 0;
}

/* listen(s, backlog), shutdown(s, how): arg is the second argument. */
syscall::listen:entry, syscall::shutdown:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->arg = (int)arg1;
}

syscall::listen:return, syscall::shutdown:return
/self->ts/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\001%d\0010\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->arg);
	self->ts = 0; self->fd = 0; self->arg = 0;
}

/* ---- bind, connect, connectx, accept: with an address ----------------------- */

/* bind(s, name, namelen), connect(s, name, namelen): the address is input. */
syscall::bind:entry, syscall::connect:entry, syscall::connect_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sa = arg1;
	self->salen = (int)arg2;
}

/* accept(s, name, &namelen): the peer address is output, read at return. */
syscall::accept:entry, syscall::accept_nocancel:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->sa = arg1;
	self->lenp = arg2;
}

/* connectx(s, &endpoints, ...): the destination is inside sa_endpoints_t. */
syscall::connectx:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4)/
{
	self->ts = machtimestamp; self->fd = (int)arg0; self->ep = arg1;
}

syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->sa && self->lenp && (int)arg0 >= 0/
{
	self->salen = *(int *)copyin(self->lenp, sizeof (int));
}

/*
 * sa_endpoints_t on LP64: sae_srcif (u32) at 0, sae_srcaddr at 8,
 * sae_srcaddrlen at 16, sae_dstaddr at 24, sae_dstaddrlen at 32 (§1.5,
 * offsets from natural alignment of bsd/sys/socket.h:336-342).
 */
syscall::connectx:return
/self->ts && self->ep/
{
	this->e = (char *)copyin(self->ep, 40);
	self->sa = *(uint64_t *)(this->e + 24);
	self->salen = *(int *)(this->e + 32);
}

/* The family is byte 1 of a BSD sockaddr (byte 0 is its length, §1.5). */
syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->sa && self->salen >= 2/
{
	self->fam = *(uint8_t *)copyin(self->sa + 1, 1);
}

syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->fam == AF_INET && self->salen >= 8/
{
	this->a = (uint8_t *)copyin(self->sa, 8);
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\001%d\001%02x%02x%02x%02x\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fam,
	    this->a[2] * 256 + this->a[3],
	    this->a[4], this->a[5], this->a[6], this->a[7]);
	self->printed = 1;
}

syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->fam == AF_INET6 && self->salen >= 24/
{
	this->a = (uint8_t *)copyin(self->sa, 24);
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\001%d\001%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fam,
	    this->a[2] * 256 + this->a[3],
	    this->a[8], this->a[9], this->a[10], this->a[11],
	    this->a[12], this->a[13], this->a[14], this->a[15],
	    this->a[16], this->a[17], this->a[18], this->a[19],
	    this->a[20], this->a[21], this->a[22], this->a[23]);
	self->printed = 1;
}

/* sun_path is at most 104 bytes and need not end in a NUL. */
syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->fam == AF_UNIX && self->salen > 2/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\0010\001%S\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fam,
	    copyinstr(self->sa + 2, self->salen > 106 ? 104 : self->salen - 2));
	self->printed = 1;
}

/* Other families: the number only. */
syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && self->fam != 0 && self->fam != AF_INET && self->fam != AF_INET6 &&
 self->fam != AF_UNIX/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\0010\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, self->fam);
	self->printed = 1;
}

/* No address (NULL, too short, failed accept, or copyin() faulted). */
syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts && !self->printed/
{
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\0010\0010\0010\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd);
}

syscall::accept:return, syscall::accept_nocancel:return
/self->ts && (int)arg0 >= 0/
{
	sk_open[pid, (int)arg0] = sk_open[pid, self->fd] ? sk_open[pid, self->fd] :
	    1 | (int64_t)(self->fam & 0xffff) << 8;
}

syscall::bind:return, syscall::connect:return, syscall::connect_nocancel:return,
syscall::connectx:return, syscall::accept:return, syscall::accept_nocancel:return
/self->ts/
{
	self->ts = 0; self->fd = 0; self->sa = 0; self->salen = 0;
	self->lenp = 0; self->ep = 0; self->fam = 0; self->printed = 0;
}

/* ---- close of a socket --------------------------------------------------------- */

syscall::close:entry, syscall::close_nocancel:entry, syscall::guarded_close_np:entry
/pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4) &&
 sk_open[pid, (int)arg0]/
{
	self->ts = machtimestamp; self->fd = (int)arg0;
}

/* The record, then the socket is forgotten whatever the result (§1.3:
 * the error is arg3). */
syscall::close:return, syscall::close_nocancel:return, syscall::guarded_close_np:return
/self->ts/
{
	this->k = sk_open[pid, self->fd];
	printf("%s\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\0010\0010\001\n",
	    probefunc, pid, ppid, tid, execname, walltimestamp, machtimestamp,
	    (int)arg0, (int)arg3, self->ts, self->fd, (int)((this->k >> 8) & 0xffff),
	    (int)((this->k >> 24) & 0xffff), (int)((this->k >> 40) & 0xffff));
	sk_open[pid, self->fd] = 0;
	self->ts = 0; self->fd = 0;
}
