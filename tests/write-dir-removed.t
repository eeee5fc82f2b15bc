#!/bin/sh
''':'
exec "$PY" "$0" "$@"
'''
# iotrc-write's output folder is removed while it writes (rm -rf of the
# session, a cleaner) (issue 14 #9): it notices, creates the folder again,
# writes later rows into a new file there, counts the rows that went with
# the removed file as lost (rows_lost, never as written-and-kept), and
# exits 1 because rows were lost.
import os
import shutil
import subprocess
import sys

sys.path.insert(0, "tests/helpers")
from write_check import HEADER, all_rows, check, rows, stats, to_csv, wait_for

T = os.environ["T"]
d = os.path.join(T, "session", "fs")
st = os.path.join(T, "stats")
p = subprocess.Popen(["iotrc-write", "-d", d, "-p", "fs", "-f", "0.05", "--stats", st],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
first, second = rows(500, 0, "a"), rows(700, 500, "b")
p.stdin.write(to_csv(HEADER, first).encode())
p.stdin.flush()
check(wait_for(lambda: stats(st).get("rows_written") == 500, 20), "first rows not flushed: %s" % stats(st))
shutil.rmtree(os.path.join(T, "session"))
p.stdin.write(to_csv(None, second[:100]).encode())
p.stdin.flush()
check(wait_for(lambda: stats(st).get("dir_recreated") == 1, 20), "the removal was not noticed: %s" % stats(st))
p.stdin.write(to_csv(None, second[100:]).encode())
p.stdin.flush()
out, err = p.communicate(timeout=60)
s = stats(st)
sys.stderr.write(err.decode())
check(p.returncode == 1, "exit %d, want 1 (rows lost)" % p.returncode)
check(os.path.isdir(d) and (os.stat(d).st_mode & 0o777) == 0o700, "folder not created again, private")
got = all_rows(d)
want = [r for r in second]
# rows of the second batch that reached the removed file before the writer
# noticed are lost with it: what is in the new folder is the rest, in order
check(len(got) >= 600 and got == want[len(want) - len(got):],
      "rows in the new folder (%d) are not the tail of the second batch" % len(got))
lost = s["rows_lost"] + s["rows_dropped"]
check(lost + len(got) == 1200, "lost %d + kept %d != 1200 rows: %s" % (lost, len(got), s))
check(s["rows_lost"] >= 500, "rows_lost %d: the first file's 500 rows were counted as kept" % s["rows_lost"])
check(b"the folder was removed" in err and b"created again" in err, "not reported")
announced = out.decode().split()
check(all(os.path.exists(a) or "/session/fs/" in a for a in announced), "announced a file that is not there")
print("folder removed: %d rows lost and counted, %d kept in the new folder" % (lost, len(got)))
