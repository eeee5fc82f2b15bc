/*
 * io.d — block I/O on macOS, as iotrc-records(5) stream "io".
 *
 *   dtrace -q -s io.d PID1 PID2 PID3 PID4
 *
 * The macro arguments are pids not to trace (see vfs.d); kernel_task
 * (pid 0), which issues most write-back, is always kept.
 *
 * Record, written at io:::done: "done" pid ppid tid execname wall mono |
 * major minor block bytes resid flags err start cpu path. The prefix and
 * start describe the request's issuer, saved at io:::start: in io:::done,
 * pid and execname are whoever completed the I/O (often an interrupt, pid
 * 0), not the requester (notes §2.2, §5.10). cpu is the CPU that
 * completed it (the cpu built-in at io:::done), as in every engine
 * (iotrc-schema(7)). The io record's extension (the queue time) is not
 * written: io:::start fires in buf_strategy(), when the request goes to
 * the driver (§2.2); no probe sees it queued.
 *
 * Needs the io provider, i.e. DTrace not restricted by SIP (notes §3.1:
 * every SDT provider needs kernel privilege). Kept in a script of its own
 * so that a SIP failure here cannot stop syscall tracing (notes §5.9).
 * iotrc-launch(1) reports that failure with the csrutil steps.
 *
 * Facts used (../shared/notes/macos-dtrace.md):
 *  - arg0 is the raw struct buf *, a unique key between start and done;
 *    args[0] bufinfo_t, args[1] devinfo_t, args[2] fileinfo_t (§2.2);
 *  - the device is major/minor only: dev_name/dev_statname are "??"
 *    (§2.2, §5.8);
 *  - fi_pathname is "??/<parent>/<name>", not a full path (§2.1, §5.8):
 *    it is passed on as is, escaped with %S (§2.11);
 *  - mono = machtimestamp, wall = walltimestamp (§2.3).
 *
 * Unmatched starts: a buf may be split and restarted, and a start's done
 * may never come (§2.2). D cannot walk an associative array to expire
 * entries, so two things bound them: an entry is overwritten when its buf
 * header (from a fixed pool) is started again, and a done whose start is
 * older than IO_MAXAGE_NS is treated as unmatched (the requester is
 * reported as unknown, pid 0 and no name, never guessed) and frees the
 * entry. I/O that an excluded pid (the tracer) started is not reported.
 */

#pragma D option quiet
/* execname is at most 32 bytes; fi_pathname at most "??/" + two names of
 * NAME_MAX (255) bytes (§2.1, §2.3). Saved names live in dynamic variable
 * space, so a smaller strsize than vfs.d's keeps each entry small. */
#pragma D option strsize=528
/* A few thousand I/Os per second at most per disk; records are ~600 bytes. */
#pragma D option bufsize=4m
#pragma D option switchrate=10hz
/* Five saved values per in-flight request; queues hold at most a few
 * thousand requests: 8 MB leaves room for stale entries too (§2.9). */
#pragma D option dynvarsize=8m
#pragma D option cleanrate=50hz

inline int64_t IO_MAXAGE_NS = 60000000000;	/* 60 s */

io:::start
/pid == 0 || (pid != $pid && pid != $1 && pid != $2 && !progenyof($3) && !progenyof($4))/
{
	io_ts[arg0] = machtimestamp;
	io_ns[arg0] = timestamp;	/* for aging only: ns, unlike ticks */
	io_pid[arg0] = pid;
	io_ppid[arg0] = ppid;
	io_tid[arg0] = tid;
	io_exec[arg0] = execname;
	io_skip[arg0] = 0;
}

/*
 * The tracer's own I/O (excluded pids): marked, so that its done is not
 * reported as an unknown requester's; a stale entry of an earlier request
 * on the same buf is dropped with it.
 */
io:::start
/pid != 0 && (pid == $pid || pid == $1 || pid == $2 || progenyof($3) || progenyof($4))/
{
	io_skip[arg0] = 1;
	io_ts[arg0] = 0; io_ns[arg0] = 0; io_pid[arg0] = 0; io_ppid[arg0] = 0;
	io_tid[arg0] = 0; io_exec[arg0] = 0;
}

io:::done
/!io_skip[arg0] && io_ns[arg0] && timestamp - io_ns[arg0] <= IO_MAXAGE_NS/
{
	printf("done\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%S\n",
	    io_pid[arg0], io_ppid[arg0], io_tid[arg0], io_exec[arg0],
	    walltimestamp, machtimestamp,
	    args[1]->dev_major, args[1]->dev_minor, args[0]->b_blkno,
	    args[0]->b_bcount, args[0]->b_resid, args[0]->b_flags,
	    args[0]->b_error, io_ts[arg0], cpu,
	    args[2]->fi_pathname);
	io_printed[arg0] = 1;
}

/* The path translator faulted: the requester without the path. */
io:::done
/!io_skip[arg0] && !io_printed[arg0] && io_ns[arg0] &&
 timestamp - io_ns[arg0] <= IO_MAXAGE_NS/
{
	printf("done\001%d\001%d\001%d\001%S\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\n",
	    io_pid[arg0], io_ppid[arg0], io_tid[arg0], io_exec[arg0],
	    walltimestamp, machtimestamp,
	    args[1]->dev_major, args[1]->dev_minor, args[0]->b_blkno,
	    args[0]->b_bcount, args[0]->b_resid, args[0]->b_flags,
	    args[0]->b_error, io_ts[arg0], cpu);
	io_printed[arg0] = 1;
}

/*
 * Unmatched or too old: no requester, no path. pid, ppid and tid are 0,
 * as for kernel_task: the block CSV shows pid 0 as empty either way
 * (notes/upstream.md §2.3).
 */
io:::done
/!io_skip[arg0] && !io_printed[arg0]/
{
	printf("done\0010\0010\0010\001\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001%d\001\001%d\001\n",
	    walltimestamp, machtimestamp,
	    args[1]->dev_major, args[1]->dev_minor, args[0]->b_blkno,
	    args[0]->b_bcount, args[0]->b_resid, args[0]->b_flags,
	    args[0]->b_error, cpu);
}

io:::done
{
	io_ts[arg0] = 0; io_ns[arg0] = 0; io_pid[arg0] = 0; io_ppid[arg0] = 0;
	io_tid[arg0] = 0; io_exec[arg0] = 0;
	io_printed[arg0] = 0; io_skip[arg0] = 0;
}
