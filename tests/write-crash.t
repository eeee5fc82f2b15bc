#!/bin/sh
''':'
exec "$PY" "$0" "$@"
'''
# iotrc-write crash safety: leftover temporary files are cut to their last
# whole frame (or row), finished, renamed and announced at start; then a
# writer is killed with SIGKILL at random moments during a large write and
# restarted on the same DIR, and every row it had flushed (per its stats
# file, read just before the kill) must be there exactly once, in order.
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import zstandard

sys.path.insert(0, "tests/helpers")
from write_check import (HEADER, asan, check, finished, parts, read_dir, rows, stats,
                         to_csv, wait_for)

T = os.environ["T"]
ZC = zstandard.ZstdCompressor(level=3, write_checksum=True)


def frame(text):
    return ZC.compress(text.encode())


def put(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- crafted leftovers -----------------------------------------------------
d = os.path.join(T, "crafted")
os.makedirs(d)
data = rows(300)
h = ",".join(HEADER) + "\n"
f1, f2, f3 = frame(h + to_csv(None, data[:100])), frame(to_csv(None, data[100:200])), \
    frame(to_csv(None, data[200:]))
stamp = "20240101_000000_000"
put(d, ".fs_%s_0001.csv.zst.part" % stamp, f1 + f2 + f3[:len(f3) // 2])  # torn 3rd frame
bad = bytearray(f2)
bad[len(bad) // 2] ^= 0xff                                                  # bad 2nd frame
put(d, ".fs_%s_0002.csv.zst.part" % stamp, f1 + bytes(bad) + f3)
put(d, ".fs_%s_0003.csv.part" % stamp, (h + to_csv(None, data[:50])).encode() + b'x,"torn')
put(d, ".fs_%s_0004.csv.zst.part" % stamp, f1[:len(f1) - 3])                # nothing whole
put(d, ".fs_%s_0005.csv.zst.part" % stamp, frame(h))                        # header only
put(d, ".fs_x_%s_0001.csv.zst.part" % stamp, f1)                            # not our prefix
put(d, ".fs_%s_0006.csv.zst" % stamp, f1)                                   # not ".part"
st = os.path.join(T, "crafted.st")
r = subprocess.run(["iotrc-write", "-d", d, "-p", "fs", "--stats", st], stdin=subprocess.DEVNULL,
                   capture_output=True, text=True)
check(r.returncode == 0, "crafted: exit %d %s" % (r.returncode, r.stderr))
want = [os.path.join(os.path.realpath(d), "fs_%s_%04d.csv%s" % (stamp, i, z))
        for i, z in ((1, ".zst"), (2, ".zst"), (3, ""))]
check(r.stdout.split() == want, "crafted: announced %s" % r.stdout)
got = {p: rs for p, _, rs in read_dir(d)}
check(got[want[0]] == data[:200], "crafted: torn frame: %d rows" % len(got[want[0]]))
check(got[want[1]] == data[:100], "crafted: bad frame: %d rows" % len(got[want[1]]))
check(got[want[2]] == data[:50], "crafted: torn row: %d rows" % len(got[want[2]]))
check(parts(d) == [".fs_x_%s_0001.csv.zst.part" % stamp], "crafted: left %s" % parts(d))
check(os.path.exists(os.path.join(d, ".fs_%s_0006.csv.zst" % stamp)), "crafted: removed a file")
s = stats(st)
check(s["files_recovered"] == 3 and s["rows_recovered"] == 350 and s["files_finished"] == 3,
      "crafted: stats %s" % s)
check(r.stderr.count("recovered") == 3 and r.stderr.count("removed") == 2,
      "crafted: stderr %s" % r.stderr)

# --- the order of a finish, seen by strace: data synced, renamed, the
# directory synced, and only then the path printed
d = os.path.join(T, "order")
if shutil.which("strace"):
    tr = os.path.join(T, "trace")
    r = subprocess.run(["strace", "-o", tr, "-e", "trace=fsync,fdatasync,renameat,rename,write",
                        "-s", "200", "iotrc-write", "-d", d, "-p", "fs", "-r", "100"],
                       input=to_csv(HEADER, rows(250)), capture_output=True, text=True,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))  # LSan vs ptrace
    check(r.returncode == 0, "strace run: exit %d %s" % (r.returncode, r.stderr))
    calls = [ln.split("(", 1) for ln in open(tr).read().splitlines() if "(" in ln]
    names = [(c, a) for c, a in calls]
    announced = [i for i, (c, a) in enumerate(names) if c == "write" and a.startswith("1, ")]
    check(len(announced) == 3, "strace: %d announcements" % len(announced))
    for i in announced:
        ren = max(j for j in range(i) if names[j][0] in ("renameat", "rename"))
        final = names[ren][1].split('"')[-2]
        check(final in names[i][1], "strace: %s announced after renaming %s" % (names[i][1], final))
        dirfd = names[ren][1].split(",")[0]
        check(("fsync", dirfd + ")") in [(c, a.split(" ")[0]) for c, a in names[ren + 1:i]],
              "strace: no directory fsync between rename and announcement")
        before = [c for c, a in names[max(0, ren - 3):ren]]
        check("fsync" in before or "fdatasync" in before, "strace: rename without a sync")
else:
    print("strace missing: order of finish not checked")

# --- SIGKILL at random moments ---------------------------------------------
d = os.path.join(T, "killed")
st = os.path.join(T, "killed.st")
rounds = 2 if asan() else 4
seed = int(os.environ.get("SEED") or time.time())
print("kill moments: SEED=%d" % seed)
rnd = random.Random(seed)
flushed = []


def feeder(p, k, stop):
    i = 0
    try:
        p.stdin.write(h.encode())
        while not stop.is_set():
            p.stdin.write(to_csv(None, rows(2000, i, tag="k%d_" % k)).encode())
            i += 2000
            time.sleep(0.005)
    except (BrokenPipeError, ValueError):
        pass


for k in range(rounds):
    if os.path.exists(st):
        os.unlink(st)
    p = subprocess.Popen(["iotrc-write", "-d", d, "-p", "fs", "-r", "30000", "-f", "0.05",
                          "--stats", st], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    stop = threading.Event()
    t = threading.Thread(target=feeder, args=(p, k, stop))
    t.start()
    wait_for(lambda: stats(st).get("rows_written", 0) > 0, 5)
    time.sleep(rnd.uniform(0.0, 1.0 if asan() else 1.5))
    flushed.append(stats(st).get("rows_written", 0))   # durable by then
    p.send_signal(signal.SIGKILL)
    p.wait()
    stop.set()
    t.join()
    check(flushed[-1] > 0, "round %d: nothing flushed" % k)

r = subprocess.run(["iotrc-write", "-d", d, "-p", "fs"], stdin=subprocess.DEVNULL,
                   capture_output=True, text=True)
check(r.returncode == 0, "restart: exit %d %s" % (r.returncode, r.stderr))
check(parts(d) == [], "restart: left %s" % parts(d))
ids = [[] for _ in range(rounds)]
for p, hdr, rs in read_dir(d):
    check(hdr == HEADER, "%s: header %s" % (p, hdr))
    for row in rs:
        k, i = row[-1][1:].split("_")
        ids[int(k)].append(int(i))
for k in range(rounds):
    n = len(ids[k])
    check(ids[k] == list(range(n)), "round %d: rows not 0..%d once each, in order" % (k, n - 1))
    check(n >= flushed[k], "round %d: %d rows flushed before the kill, %d found" %
          (k, flushed[k], n))
    print("round %d: %d rows flushed before SIGKILL, %d recovered" % (k, flushed[k], n))
print("ok")
