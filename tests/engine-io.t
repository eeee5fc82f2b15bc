#!/bin/sh
# engine-io.t — real end-to-end: iotrc-launch io (bpftrace) | iotrc-parse io
# while tests/helpers/workload writes and reads one 4 KiB block with
# O_DIRECT: its rows must name its pid, the device, the sector the file's
# block really has (FIEMAP), the size, and complete inside each call.
. tests/engine-common.sh
engine_require
mkdir -p "$T/io"
engine_trace io io "$T/io"
$PY -c "$engine_py_common"'
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
print("ok: direct write and read of pid %d at sector %d of %s, latency %s ms" % (pid, phys // 512, dev, lat))
' "$T"
st=$?
[ $st = 0 ] || [ $st = 77 ] || fail "io rows"
exit $st
