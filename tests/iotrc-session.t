#!/bin/sh
# iotrc-session.t — a whole session with real bpftrace: iotrc starts the
# three pipelines, the test waits until every engine has attached (its
# stats file reports probes; no fixed sleep), runs the workload for each
# stream, stops iotrc with SIGINT. Every stream's files read with pandas
# with exactly schema.tsv's columns, hold the workload's own events, and
# the manifest's rows_written equal the rows in the files.
# Then kill the fs parser and writer mid-session: the gap is recorded, no
# finished file is corrupt, tracing continues. Then SIGKILL iotrc: no
# engine or filter survives 5 s.
. tests/engine-common.sh
engine_require
command -v zstd >/dev/null || skip "zstd is not installed"
mkdir -p "$T/wl"

start() { # extra iotrc args
	iotrc -o "$T/out" -d 120 "$@" 2>"$T/iotrc.err" &
	ipid=$!
	iotrc_attached "$T/out" $ipid 90
}

# ---- 1. a session, stopped by SIGINT
start
"$IOTRC_BUILD/tests/workload" vfs "$T/wl" >"$T/wl-vfs.out" || fail "workload vfs"
"$IOTRC_BUILD/tests/workload" net "$T/wl" >"$T/wl-net.out" || fail "workload net"
"$IOTRC_BUILD/tests/workload" io "$T/wl" >"$T/wl-io.out" 2>&1 || echo "note: workload io: $(tail -n 1 "$T/wl-io.out")"
# no wait: the workload's records are in bpftrace's buffers when its calls
# return, and the launcher's stop waits for them (iotrc-launch(1))
kill -INT $ipid
wait $ipid; st=$?
cat "$T/iotrc.err"
[ $st = 0 ] || fail "iotrc exited with $st"
[ "$(stat -c %a "$sess")" = 700 ] || fail "session folder mode $(stat -c %a "$sess")"
for d in fs block nw_conn process filesystem_snapshot system_spec; do
	[ -d "$sess/$d" ] || fail "no $d/"
done
for f in "$sess"/*/*.csv.zst; do zstd -tq "$f" || fail "corrupt $f"; done
"$PY" - "$sess" "$SHARED/schema.tsv" "$T" <<'PY' || fail "files or manifest"
import sys, glob, json, pandas as pd
sess, schema, T = sys.argv[1:4]
cols = {}
for l in open(schema):
    if l.startswith("#") or l.startswith("stream\t"): continue
    w = l.rstrip("\n").split("\t")
    cols.setdefault(w[0], []).append(w[3])
m = json.load(open(sess + "/manifest.json"))
assert m["schema_version"] == 1 and m["session"]["stopped_at"]
assert [c["name"] for c in m["streams"]["fs"]["columns"]] == cols["fs"]
pids = {s: [l.split()[1] for l in open(T + "/wl-%s.out" % s) if l.startswith("pid ")] for s in ("vfs", "net")}
for st in ("fs", "block", "nw_conn"):
    files = sorted(glob.glob("%s/%s/%s_*.csv.zst" % (sess, st, st)))
    assert files, "no %s files" % st
    df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    assert list(df.columns) == cols[st], (st, list(df.columns))
    assert len(df) == m["diagnostics"]["rows_written"][st], (st, len(df), m["diagnostics"]["rows_written"])
    print(st, len(files), "files", len(df), "rows")
    if st == "fs": assert (df.pid == pids["vfs"][0]).sum() > 5, "workload's fs rows missing"
    if st == "nw_conn": assert (df.pid == pids["net"][0]).sum() > 0, "workload's connections missing"
print("streams attached:", m["diagnostics"]["streams_attached"])
assert sorted(m["diagnostics"]["streams_attached"]) == ["block", "fs", "nw_conn"]
PY

# ---- 2. parser and writer killed mid-session: gap recorded, tracing goes on
rm -rf "$T/out"
start -v
kill -KILL "$(grep -o 'fs: started iotrc-parse (pid [0-9]*' "$T/iotrc.err" | grep -o '[0-9]*$')"
i=0
until [ "$(grep -c 'fs: started iotrc-launch' "$T/iotrc.err")" -ge 2 ] &&
      grep -q '^probes [1-9]' "$sess/.iotrc/launch-fs.stats" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 900 ] && { cat "$T/iotrc.err"; fail "fs pipeline not restarted"; }
	sleep 0.1
done
kill -KILL "$(grep -o 'fs: started iotrc-write (pid [0-9]*' "$T/iotrc.err" | tail -n 1 | grep -o '[0-9]*$')"
i=0
until [ "$(grep -c 'fs: started iotrc-launch' "$T/iotrc.err")" -ge 3 ] &&
      grep -q '^probes [1-9]' "$sess/.iotrc/launch-fs.stats" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 900 ] && { cat "$T/iotrc.err"; fail "fs pipeline not restarted after the writer"; }
	sleep 0.1
done
"$IOTRC_BUILD/tests/workload" vfs "$T/wl" >"$T/wl-vfs.out" || fail "workload vfs"
kill -INT $ipid; wait $ipid; st=$?
[ $st = 0 ] || { cat "$T/iotrc.err"; fail "iotrc exited with $st after restarts"; }
for f in "$sess"/*/*.csv.zst; do zstd -tq "$f" || fail "corrupt $f after kills"; done
"$PY" - "$sess" "$T" <<'PY' || { cat "$T/iotrc.err"; fail "gaps or rows after restart"; }
import sys, glob, json, pandas as pd
sess, T = sys.argv[1:3]
m = json.load(open(sess + "/manifest.json"))
g = [x for x in m["diagnostics"]["gaps"] if x["stream"] == "fs"]
print("gaps:", g)
assert len(g) == 2 and all(x["end"] for x in g), g
assert "iotrc-parse killed by signal 9" in g[0]["cause"] and "iotrc-write killed by signal 9" in g[1]["cause"]
assert m["diagnostics"]["restarts"]["fs"] == 2
pid = [l.split()[1] for l in open(T + "/wl-vfs.out") if l.startswith("pid ")][0]
df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in glob.glob(sess + "/fs/fs_*.csv.zst")])
assert (df.pid == pid).sum() > 5, "no rows of the workload after the restarts"
PY

# ---- 3. SIGKILL of iotrc: nothing it started runs 5 s later
# (a zombie is gone: an orphan's zombie waits for PID 1, which here reaps
# slowly). The launchers see their parent gone and stop their engines,
# the filters get SIGTERM from the kernel (PR_SET_PDEATHSIG).
rm -rf "$T/out"
start -v
kids=$(grep -o 'started iotrc-[a-z-]* (pid [0-9]*' "$T/iotrc.err" | grep -o '[0-9]*$')
engines=$(for k in $kids; do pgrep -P "$k"; done)
[ -n "$engines" ] || fail "no engine processes found"
running() { # pids: those still running (not zombies)
	for p in "$@"; do
		st=$(ps -o stat= -p "$p" 2>/dev/null) && case $st in Z*) ;; *) printf ' %s' "$p" ;; esac
	done
}
kill -KILL $ipid
wait $ipid 2>/dev/null
i=0
while [ -n "$(running $kids $engines)" ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && { ps -o pid,stat,args -p "$(echo $kids $engines | tr ' ' ,)"; fail "survived SIGKILL of iotrc by 5 s:$(running $kids $engines)"; }
	sleep 0.1
done
echo "session: ok; the last child ended $((i / 10)).$((i % 10)) s after the SIGKILL of iotrc"
