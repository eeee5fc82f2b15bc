#!/bin/sh
''':'
exec "$PY" "$0" "$@"
'''
# iotrc-write on a full disk (a 2 MiB tmpfs mounted here): rows it cannot
# write are counted as dropped, the condition is reported once on stderr
# and in the stats, stdin keeps being read (the producer never blocks),
# no finished file is corrupt, and writing resumes once space is freed.
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, "tests/helpers")
from write_check import HEADER, check, finished, read_file, stats, to_csv, wait_for

T = os.environ["T"]
mnt = os.path.join(T, "mnt")
os.makedirs(mnt)
r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt],
                   capture_output=True, text=True)
if r.returncode != 0:
    print("cannot mount a tmpfs here (%s)" % (r.stderr.strip() or "not root?"))
    sys.exit(77)


def batch(tag, start, n):
    """rows zstd cannot squeeze much: about 100 compressed bytes each"""
    return [["2024-05-01 10:00:00.%06d" % (i % 10**6), "write", "1", secrets.token_hex(64),
             "1", "%s%d" % (tag, i)] for i in range(start, start + n)]


def run():
    d = os.path.join(mnt, "fs")
    st = os.path.join(T, "st")
    err = open(os.path.join(T, "err"), "w+")
    p = subprocess.Popen(["iotrc-write", "-d", d, "-p", "fs", "-r", "4000", "-f", "0.05",
                          "--retry-interval", "0.3", "--stats", st],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
    fed = []

    def feed(rs, timeout=10):
        # in a thread: if the writer stopped reading, this would hang
        t = threading.Thread(target=lambda: (p.stdin.write(to_csv(None, rs).encode()),
                                             p.stdin.flush()))
        t.start()
        t.join(timeout)
        check(not t.is_alive(), "the writer stopped reading stdin: producer blocked")
        fed.extend(rs)

    def errlines():
        err.seek(0)
        return err.read().splitlines()

    p.stdin.write((",".join(HEADER) + "\n").encode())
    feed(batch("a", 0, 30000))                    # ~3 MB compressed: fills it
    check(wait_for(lambda: stats(st).get("write_failing") == 1, 10),
          "disk never reported full: %s" % stats(st))
    s = stats(st)
    check("No space left on device" in s.get("last_error", ""), "stats: %s" % s)
    feed(batch("b", 0, 20000))                    # while full: read and dropped
    check(wait_for(lambda: stats(st).get("rows_in") == len(fed), 10),
          "rows not all read while full: %s" % stats(st))
    s = stats(st)
    check(s["rows_dropped"] > 0 and s["write_failing"] == 1, "while full: %s" % s)
    check(len(errlines()) == 1 and "No space left on device" in errlines()[0],
          "want one line on stderr: %s" % errlines())
    for f in finished(d):                         # nothing corrupt, even now
        read_file(f)
    saved = os.path.join(T, "saved")              # free space, as an uploader does
    os.makedirs(saved)
    for f in finished(d):
        shutil.move(f, saved)
    for i in range(50):                           # the writer retries every 0.3 s
        feed(batch("c", i * 20, 20))
        if stats(st).get("write_failing") == 0:
            break
        time.sleep(0.1)
    check(stats(st).get("write_failing") == 0, "never resumed: %s" % stats(st))
    after = batch("d", 0, 5000)
    feed(after)
    p.stdin.close()
    p.stdin = None
    out, _ = p.communicate(timeout=20)
    check(p.returncode == 1, "exit %d, want 1 after write errors" % p.returncode)
    lines = errlines()
    check(len(lines) == 2 and "writing again" in lines[1], "stderr: %s" % lines)
    check([n for n in os.listdir(d) if n.endswith(".part")] == [], "a .part stayed")
    for f in finished(d):
        shutil.move(f, saved)
    names = sorted(os.path.basename(a) for a in out.decode().split())
    check(names == sorted(os.listdir(saved)), "announced %s, finished %s" %
          (names, sorted(os.listdir(saved))))
    return saved, fed, after, stats(st)


try:
    saved, fed, after, s = run()
finally:
    subprocess.run(["umount", "-l", mnt])
got, files = [], sorted(os.listdir(saved))
for name in files:
    h, rs = read_file(os.path.join(saved, name))
    check(h == HEADER, "%s: header %s" % (name, h))
    got.extend(rs)
order = {r[-1]: i for i, r in enumerate(fed)}
idx = [order[r[-1]] for r in got]
check(idx == sorted(set(idx)), "rows read back are not the input's, once each, in order")
check(got[-len(after):] == after, "rows fed after space returned are not all there")
check(len(got) == s["rows_written"], "%d rows read back, rows_written %d" %
      (len(got), s["rows_written"]))
check(s["rows_in"] == len(fed) and s["rows_in"] == s["rows_written"] + s["rows_dropped"],
      "stats do not add up: %s" % s)
check(s["rows_dropped"] > 0 and s["write_errors"] > 0, "stats: %s" % s)
print("full disk: %d rows in, %d written, %d dropped, %d write errors, %d files" %
      (s["rows_in"], s["rows_written"], s["rows_dropped"], s["write_errors"], len(files)))
print("ok")
