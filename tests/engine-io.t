#!/bin/sh
# engine-io.t — real end-to-end: iotrc-launch io (bpftrace) | iotrc-parse io
# while tests/helpers/workload writes and reads one 4 KiB block with
# O_DIRECT: its rows must name its pid, the device, the sector the file's
# block really has (FIEMAP), the size, the completing CPU, the time queued
# (insert -> issue), and complete inside each call.
. tests/engine-common.sh
engine_require
mkdir -p "$T/io"
# the I/O scheduler of the disk under $T ("none": requests may bypass the queue)
sys=/sys/dev/block/$(stat -c '%Hd:%Ld' "$T")
[ -f "$sys/partition" ] && sys=$sys/..
sched=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sys/queue/scheduler" 2>/dev/null)
engine_trace io io "$T/io"
$PY -c "$engine_py_common"'
import os
phys = int(facts["phys"])
if phys < 0:
    print("FIEMAP gave no extent: cannot name the sector"); sys.exit(77)
dev = facts["dev"]
cols = ["operation", "pid", "tid", "command", "sector", "size", "device"]
want = [("write", str(pid), str(pid), "workload", str(phys // 512), "4096", dev),
        ("read", str(pid), str(pid), "workload", str(phys // 512), "4096", dev)]
expect(mine, cols, want)
check_times(mine, calls)
lat = [float(x) for x in mine.latency_ms]
assert all(0 < x < 1000 for x in lat), lat
# cpu_id: the completing CPU, always known
ncpu = os.cpu_count()
assert all(x != "" and 0 <= int(x) < ncpu for x in mine.cpu_id), list(mine.cpu_id)
# queue_latency_ms (block_rq_insert -> issue): through an I/O scheduler
# every request is queued; with "none" one may be issued directly
sched = sys.argv[2]
q = list(mine.queue_latency_ms)
if sched != "none":
    assert all(x != "" and 0 <= float(x) < 1000 for x in q), ("queue latency", sched, q)
else:
    assert all(x == "" or 0 <= float(x) < 1000 for x in q), ("queue latency", sched, q)
print("ok: direct write and read of pid %d at sector %d of %s, latency %s ms, queue latency %s ms (scheduler %s)"
      % (pid, phys // 512, dev, lat, q, sched))
' "$T" "$sched"
st=$?
[ $st = 0 ] || [ $st = 77 ] || fail "io rows"
exit $st
