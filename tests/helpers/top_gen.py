#!/usr/bin/env python3
"""top_gen.py — fs CSV for iotrc-top's tests and benchmark.

  top_gen.py workload ROWS SEED EXPECT.json   a known workload on stdout, and
        what iotrc-top must count in EXPECT.json (per process, per file, totals)
  top_gen.py pairs N                          N rows, each a distinct (process,
        file) pair (1000 processes, N/1000 files each): the memory benchmark
  top_gen.py check EXPECT.json OUT.json       compare iotrc-top --json with it

The workload has long-lived processes, transient ones (a few rows, then
never again), pid reuse (the same pid and command, another argv, after the
first one is gone), an exec (same pid, new command), and paths that need
care: commas, quotes, newlines, '<script>', bytes that are not UTF-8.
Rows are written with Python's csv module (RFC 4180, as iotrc-parse)."""
import csv
import io
import json
import random
import sys

COLS = ("timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,"
        "inode,device,flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,"
        "address,cmdline,ppid,container_id,fs_type,mono_ns").split(",")

ODD = ["/tmp/a,b.txt", '/tmp/say "hi".txt', "/tmp/two\nlines", "/tmp/<script>alert(1)</script>",
       "/tmp/caf\xe9-latin1", "/tmp/\x1b[2J-escape", " /tmp/leading space"]


def row(w, n, op, pid, cmd, path, nbytes, argv):
    ts = "2025-11-23 12:%02d:%02d.%06d" % (n // 60000000 % 60, n // 1000000 % 60, n % 1000000)
    r = dict.fromkeys(COLS, "")
    r.update(timestamp=ts, operation=op, pid=pid, tid=pid, command=cmd, filename=path,
             bytes_completed="" if nbytes is None else nbytes, cmdline=argv, ppid=1,
             mono_ns=1000000000 + n)
    if op in ("read", "write"):
        r["size"] = nbytes if nbytes is not None else 4096
        r["return_value"] = nbytes if nbytes is not None else -1
        r["errno"] = "" if nbytes is not None else "EBADF"
    w.writerow([r[c] for c in COLS])


def workload(rows, seed, expect_path):
    rnd = random.Random(seed)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape",
                           newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLS)
    procs = []        # [pid, cmd, argv, files, rows_left]
    for i in range(12):
        procs.append([4000 + i, ["cc", "python3", "mds_stores", "git"][i % 4],
                      "argv-%d --x" % i, ["/src/p%d/f%d.c" % (i, k) for k in range(6)], None])
    expect = {}
    n = 0
    next_pid = 9000
    live = list(procs)
    while n < rows:
        if rnd.random() < 0.03:                 # a transient process
            pid = next_pid if rnd.random() < 0.7 or not expect else rnd.choice([p[0] for p in procs])
            next_pid += 1
            cmd = rnd.choice(["sh", "cc1", "ld", "true"])
            p = [pid, cmd, "%s transient %d" % (cmd, n), rnd.sample(ODD + ["/etc/passwd", ""], 3),
                 rnd.randrange(1, 6)]
            if any(q[0] == pid for q in live):
                continue
            live.append(p)
        p = rnd.choice(live)
        op = rnd.choice(["read"] * 5 + ["write"] * 3 + ["open", "close", "stat", "mmap"])
        path = rnd.choice(p[3])
        nbytes = rnd.choice([0, 1, 512, 4096, 65536, 131072, 7, 100003, None]) \
            if op in ("read", "write") else None
        row(w, n, op, p[0], p[1], path, nbytes, p[2])
        key = "%d|%s|%s" % (p[0], p[1], p[2])
        e = expect.setdefault(key, {"pid": p[0], "command": p[1], "cmdline": p[2],
                                    "files": {}})
        for tgt in (e, e["files"].setdefault(path, {})):
            for k in ("read_bytes", "write_bytes", "reads", "writes", "ops"):
                tgt.setdefault(k, 0)
            tgt["ops"] += 1
            if op == "read":
                tgt["reads"] += 1
                tgt["read_bytes"] += nbytes or 0
            elif op == "write":
                tgt["writes"] += 1
                tgt["write_bytes"] += nbytes or 0
        n += 1
        if p[4] is not None:
            p[4] -= 1
            if p[4] == 0:
                live.remove(p)                  # gone: its pid may come back
                if rnd.random() < 0.5:          # ... as the same command, new argv
                    q = [p[0], p[1], p[2] + " again", p[3], rnd.randrange(1, 4)]
                    live.append(q)
                elif rnd.random() < 0.5:        # ... or it execs another program
                    live.append([p[0], p[1] + "-exec", p[2] + " exec", p[3], 2])
    out.flush()
    tot = {k: sum(e[k] for e in expect.values())
           for k in ("read_bytes", "write_bytes", "reads", "writes", "ops")}
    with open(expect_path, "w", encoding="utf-8", errors="surrogateescape") as f:
        json.dump({"totals": tot, "processes": list(expect.values())}, f)


def pairs(n):
    out = sys.stdout
    out.write(",".join(COLS) + "\n")
    per = max(1, n // 1000)
    buf = []
    for i in range(n):
        pid = 10000 + i // per
        buf.append("2025-11-23 12:00:00.%06d,read,%d,%d,proc%d,/data/set%d/dir%d/file-%08d.bin,"
                   "4096,0,4096,,,,900,4096,,,,,proc%d --job %d,1,,,%d\n"
                   % (i % 1000000, pid, pid, pid % 500, pid, i % 97, i, pid, pid, i))
        if len(buf) == 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


def check(expect_path, out_path):
    """iotrc-top --json (all processes, all files, no budget pressure)
    against the workload's own count: every process and file exact."""
    with open(expect_path, encoding="utf-8", errors="surrogateescape") as f:
        want = json.load(f)
    with open(out_path, encoding="utf-8") as f:
        got = json.load(f)
    bad = []
    fields = ("read_bytes", "write_bytes", "reads", "writes", "ops")
    if any(got["totals"][k] != want["totals"][k] for k in fields):
        bad.append("totals %s, want %s" % (got["totals"], want["totals"]))
    # paths in JSON: bytes that are not UTF-8 became U+FFFD
    def fix(s):
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    gp = {(p["pid"], p["command"], p["cmdline"]): p for p in got["processes"]}
    for e in want["processes"]:
        p = gp.get((e["pid"], e["command"], e["cmdline"]))
        if not p:
            bad.append("missing process %s %s %r" % (e["pid"], e["command"], e["cmdline"]))
            continue
        if any(p[k] != e[k] for k in fields):
            bad.append("process %s %s: %s" % (e["pid"], e["command"],
                                                {k: (p[k], e[k]) for k in fields}))
        gf = {f["path"]: f for f in p["files"]}
        for path, c in e["files"].items():
            f = gf.get(fix(path))
            if not f or any(f[k] != c[k] for k in fields):
                bad.append("process %s file %r: %s want %s" % (e["pid"], path, f, c))
    if len(got["processes"]) != len(want["processes"]):
        bad.append("%d processes, want %d" % (len(got["processes"]), len(want["processes"])))
    for b in bad[:10]:
        print(b)
    print("%d processes, %d files checked, %d differences" %
          (len(want["processes"]), sum(len(e["files"]) for e in want["processes"]), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "workload":
        workload(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "pairs":
        pairs(int(sys.argv[2]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
