#!/bin/sh
# engine-vfs.t — real end-to-end: iotrc-launch vfs (bpftrace) | iotrc-parse vfs
# while tests/helpers/workload does known file calls; the rows of its pid
# must be exactly these, with names resolved for descriptor calls (also
# through dup2), sizes, offsets, errno, durations of read, write and fsync,
# and times inside each call.
. tests/engine-common.sh
engine_require
engine_trace vfs vfs "$T"
$PY -c "$engine_py_common"'
D = T
a, b = D + "/sub/a.txt", D + "/sub/b.txt"
cols = ["operation", "filename", "size", "offset", "bytes_completed", "flags", "return_value", "errno"]
E = ""
want = [
    ("mkdir", D + "/sub/", E, E, E, E, E, E),
    ("open", a, E, E, E, "O_WRONLY|O_CREAT|O_TRUNC", E, E),
    ("write", a, "1000", E, "1000", E, "1000", E),
    ("write", a, "100", "5000", "100", E, "100", E),
    ("fsync", a, E, E, E, E, E, E),
    ("close", a, E, E, E, E, E, E),
    ("open", a, E, E, E, "O_RDONLY", E, E),
    ("read", a, "50", "10", "50", E, "50", E),
    ("read", a, "4096", E, "4096", E, "4096", E),
    ("dup", a, E, E, E, E, E, E),
    ("read", a, "10", E, "10", E, "10", E),
    ("close", a, E, E, E, E, E, E),
    ("close", a, E, E, E, E, E, E),
    ("rename", a + " -> " + b, E, E, E, E, E, E),
    ("open", D + "/missing", E, E, E, "O_RDONLY", "-1", "ENOENT"),
    ("unlink", b, E, E, E, E, E, E),
    ("rmdir", D + "/sub/", E, E, E, E, E, E),
]
expect(mine, cols, want)
assert all(mine.tid == str(pid)) and all(mine.command == "workload")
check_times(mine, calls)
# duration_ns: read, write and fsync have it (entry -> return, inside the
# call as the workload timed it); the other operations do not
for (_, r), c in zip(mine.iterrows(), calls):
    if r.operation in ("read", "write", "fsync"):
        assert r.duration_ns != "" and 0 < int(r.duration_ns) <= c["m1"] - c["m0"], \
            ("duration_ns", r.operation, r.duration_ns, c["m1"] - c["m0"])
    else:
        assert r.duration_ns == "", ("duration_ns", r.operation, r.duration_ns)
# inode, device, fs_type: read by the engine from the kernel for the
# descriptor calls that worked on a file (reads, writes, fsync, opens), as
# fstat/fstatfs saw the file; empty for the others (path calls, close, dup)
names = {0xEF53: "EXT2/3/4", 0x58465342: "XFS", 0x9123683E: "BTRFS", 0x01021994: "TMPFS",
         0x794C7630: "OVERLAYFS", 0x65735546: "FUSE"}
m = int(facts["fsmagic"], 16)
fst = names.get(m, "FS(0x%x)" % m)
for _, r in mine.iterrows():
    got = (r.inode, r.device, r.fs_type)
    if r.operation in ("read", "write", "fsync") or (r.operation == "open" and r.errno == ""):
        assert got == (facts["ino"], facts["fsdev"], fst), (r.operation, got, facts)
    else:
        assert got == ("", "", ""), (r.operation, got)
print("ok: %d vfs rows of pid %d exact, mono_ns and timestamp inside each call" % (len(mine), pid))
' "$T" || fail "vfs rows"
