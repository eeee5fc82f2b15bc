"""write_check.py — what the iotrc-write tests share: make CSV input, read
the finished files back the way a user would (zstd -t, pandas), compare.
Imported by tests/write-*.t (sys.path gets tests/helpers)."""
import csv
import io
import os
import re
import subprocess
import sys
import time

import pandas as pd

NAME = re.compile(r"^(?P<prefix>.+)_(?P<stamp>\d{8}_\d{6}_\d{3})_(?P<seq>\d{4,})\.csv(\.zst)?$")
HEADER = ["timestamp", "operation", "pid", "path", "size", "mono_ns"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def rows(n, start=0, tag="r", nasty=True):
    """n data rows as lists of strings; with nasty, some fields need
    quoting: commas, quotes, newlines, leading spaces, non-ASCII."""
    out = []
    for i in range(start, start + n):
        path = "/Users/a/src/f%d.c" % i
        if nasty and i % 7 == 3:
            path = 'dir, with "quotes"/f%d' % i
        if nasty and i % 11 == 5:
            path = "two\nlines %d" % i
        if nasty and i % 13 == 6:
            path = " spaced ünï %d " % i
        out.append(["2024-05-01 10:00:00.%06d" % (i % 10**6), "read", str(1000 + i % 50),
                    path, str(i * 4096), "%s%d" % (tag, i)])
    return out


def to_csv(header, data):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow(header)
    w.writerows(data)
    return buf.getvalue()


def finished(d):
    """Final-named data files in d, in name order (= time, then seq)."""
    names = sorted(n for n in os.listdir(d) if NAME.match(n))
    return [os.path.join(d, n) for n in names]


def parts(d):
    return sorted(n for n in os.listdir(d) if n.endswith(".part"))


def read_file(path):
    """(header, rows) of one finished file, after zstd -t; pandas reads it."""
    if path.endswith(".zst"):
        r = subprocess.run(["zstd", "-q", "-t", path], capture_output=True, text=True)
        check(r.returncode == 0, "zstd -t %s: %s" % (path, r.stderr.strip()))
    df = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    return list(df.columns), df.values.tolist()


def read_dir(d):
    """[(path, header, rows)] for every finished file."""
    return [(p,) + read_file(p) for p in finished(d)]


def all_rows(d, header=HEADER):
    out = []
    for p, h, r in read_dir(d):
        check(h == header, "%s: header %s" % (p, h))
        check(len(r) > 0, "%s: a file without data rows" % p)
        out.extend(r)
    return out


def stats(path):
    s = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                s[k] = int(v) if v.isdigit() else v
    except FileNotFoundError:
        pass
    return s


def wait_for(pred, timeout=10.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def asan():
    return os.environ.get("IOTRC_PASS") == "asan"


def main(argv):
    """Command line for the shell tests:
    gen N [START]          CSV with header and N nasty rows on stdout
    same DIR INPUT [HDR]   the rows of DIR's files equal INPUT's, in order
    count DIR              print: files rows (after zstd -t and pandas)"""
    if argv[0] == "gen":
        sys.stdout.write(to_csv(HEADER, rows(int(argv[1]), int(argv[2]) if len(argv) > 2 else 0)))
    elif argv[0] == "same":
        want = pd.read_csv(argv[2], dtype=str, keep_default_na=False)
        got = all_rows(argv[1], list(want.columns))
        check(got == want.values.tolist(),
              "rows differ: %d read back, %d in input" % (len(got), len(want)))
    elif argv[0] == "count":
        files = read_dir(argv[1])
        print(len(files), sum(len(r) for _, _, r in files))
    else:
        fail("write_check.py: unknown command " + argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
