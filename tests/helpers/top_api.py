#!/usr/bin/env python3
"""top_api.py — ask a running iotrc-top --listen, as a browser's page would.

  top_api.py port STDERR-FILE [SECONDS]   wait for "serving http://HOST:PORT/"
        in iotrc-top's stderr; print the URL
  top_api.py totals CSV...                the totals of fs CSV files (as JSON)
  top_api.py wait URL CSV... [--secs S]   wait until /api/processes shows the
        totals of those CSV files, exactly; fail if it goes past them
  top_api.py procs URL EXPECT.json        /api/processes and /api/process/PID
        against top_gen.py's expectation: every process and file exact
"""
import csv
import json
import re
import sys
import time
import urllib.error
import urllib.request

K = ("read_bytes", "write_bytes", "reads", "writes", "ops")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("application/json"), r.headers
        return json.loads(r.read().decode("utf-8"))


def totals(paths):
    t = dict.fromkeys(K, 0)
    for p in paths:
        with open(p, encoding="utf-8", errors="surrogateescape", newline="") as f:
            for row in csv.DictReader(f):
                t["ops"] += 1
                b = int(row["bytes_completed"] or 0)
                if row["operation"] == "read":
                    t["reads"] += 1
                    t["read_bytes"] += b
                elif row["operation"] == "write":
                    t["writes"] += 1
                    t["write_bytes"] += b
    return t


def port(errfile, secs):
    end = time.time() + secs
    while time.time() < end:
        m = re.search(r"serving (http://\S+/)", open(errfile).read())
        if m:
            print(m.group(1))
            return 0
        time.sleep(0.05)
    print("no 'serving' line in %s: %s" % (errfile, open(errfile).read()), file=sys.stderr)
    return 1


def wait(url, paths, secs):
    want = totals(paths)
    end = time.time() + secs
    got = None
    while time.time() < end:
        got = get(url + "api/processes")["totals"]
        if all(got[k] == want[k] for k in K):
            print("live: %d rows, read %d, write %d" % (got["ops"], got["read_bytes"],
                                                         got["write_bytes"]))
            return 0
        if got["ops"] > want["ops"]:
            break                       # read twice
        time.sleep(0.05)
    print("totals %s, want %s" % (got, want), file=sys.stderr)
    return 1


def procs(url, expect):
    want = json.load(open(expect, encoding="utf-8", errors="surrogateescape"))
    d = get(url + "api/processes?n=0")
    got = {(p["pid"], p["command"], p["cmdline"]): p for p in d["processes"]}
    bad = 0
    nfiles = 0
    for e in want["processes"]:
        p = got.get((e["pid"], e["command"], e["cmdline"]))
        if not p or any(p[k] != e[k] for k in K):
            print("process %s %s: %s, want %s" % (e["pid"], e["command"], p, e), file=sys.stderr)
            bad += 1
            continue
        f = get(url + "api/process/%d?id=%d&n=0" % (p["pid"], p["id"]))
        assert f["process"]["id"] == p["id"]
        gf = {x["path"]: x for x in f["files"]}
        for path, c in e["files"].items():
            fix = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            x = gf.get(fix)
            nfiles += 1
            if not x or any(x[k] != c[k] for k in K):
                print("file %r of %s: %s, want %s" % (path, e["pid"], x, c), file=sys.stderr)
                bad += 1
    try:
        get(url + "api/process/4294967295")
        bad += 1
    except urllib.error.HTTPError as err:
        assert err.code == 404
    print("api: %d processes, %d files, %d differences" % (len(want["processes"]), nfiles, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "port":
        sys.exit(port(a[1], float(a[2]) if len(a) > 2 else 10))
    if a[0] == "totals":
        print(json.dumps(totals(a[1:])))
    elif a[0] == "wait":
        secs = 30.0
        if "--secs" in a:
            i = a.index("--secs")
            secs = float(a[i + 1])
            del a[i:i + 2]
        sys.exit(wait(a[1], a[2:], secs))
    elif a[0] == "procs":
        sys.exit(procs(a[1], a[2]))
