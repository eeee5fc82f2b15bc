# engine-common.sh — sourced by tests/engine-*.t: run iotrc-launch STREAM
# (bpftrace) while tests/helpers/workload runs, then iotrc-parse STREAM.
#   engine_trace STREAM WORKLOAD-ARGS...   -> $T/raw, $T/csv, $T/wl.out
#   iotrc_attached ROOT PID SECONDS        until iotrc PID's session under
#                                          ROOT has all three streams
#                                          attached -> $sess
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

engine_require() {
	[ "${IOTRC_PASS:-plain}" = asan ] &&
		skip "bpftrace end-to-end tests run in the plain pass only (the launcher's logic is tested in both: launch-*.t)"
	[ "$(id -u)" = 0 ] || skip "tracing needs root"
	command -v bpftrace >/dev/null 2>&1 || skip "bpftrace is not installed"
	if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
			skip "tracefs is not mounted and cannot be mounted here"
	fi
	[ -x "$IOTRC_BUILD/tests/workload" ] || fail "no $IOTRC_BUILD/tests/workload"
}

iotrc_attached() {
	i=0
	while :; do
		s=$(ls -d "$1"/*/.iotrc 2>/dev/null | head -n 1)
		n=0
		for f in fs block nw_conn; do
			grep -q '^probes [1-9]' "$s/launch-$f.stats" 2>/dev/null && n=$((n + 1))
		done
		[ $n = 3 ] && break
		kill -0 "$2" 2>/dev/null || { cat "$T/iotrc.err"; fail "iotrc ended before attaching"; }
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && { kill -INT "$2"; fail "not attached in $3 s"; }
		sleep 0.1
	done
	sess=${s%/.iotrc}
}

engine_trace() {
	stream=$1; shift
	iotrc-launch --stats "$T/stats" "$stream" >"$T/raw" 2>"$T/launch.err" &
	lpid=$!
	i=0
	until grep -q '^probes [1-9]' "$T/stats" 2>/dev/null; do
		if ! kill -0 $lpid 2>/dev/null; then
			wait $lpid; st=$?
			cat "$T/launch.err"
			case $st in 3|4|5|6|7) skip "bpftrace cannot attach here (iotrc-launch exit $st): $(tail -n 1 "$T/launch.err")" ;; esac
			fail "iotrc-launch exited with $st before attaching"
		fi
		i=$((i + 1))
		[ $i -gt 600 ] && { kill -INT $lpid; fail "bpftrace did not attach within 60 s"; }
		sleep 0.1
	done
	"$IOTRC_BUILD/tests/workload" "$@" >"$T/wl.out" || fail "workload $* failed"
	# every record of the workload is in bpftrace's buffers (a probe writes
	# its record before the call returns); iotrc-launch's stop waits for
	# them to be read (the scripts' stop markers, iotrc-launch(1))
	kill -INT $lpid
	wait $lpid; st=$?
	cat "$T/launch.err"
	[ $st = 0 ] || fail "iotrc-launch exited with $st"
	# a script the engine warns about is a defect (the user sees it)
	grep -q 'WARNING' "$T/launch.err" && fail "bpftrace warned about the script"
	iotrc-parse "$stream" <"$T/raw" >"$T/csv" 2>"$T/parse.err" || { cat "$T/parse.err"; fail "iotrc-parse failed"; }
	echo "traced: $(grep -c . "$T/raw") records, stats: $(tr '\n' ' ' <"$T/stats")"
}

# Python: the rows of the workload's pid inside the window of its calls,
# and a check of mono_ns/timestamp against the workload's own clock
# readings (row i against call i).
engine_py_common='
import sys, datetime, pandas as pd
T = sys.argv[1]
calls, facts = [], {}
for line in open(T + "/wl.out"):
    w = line.split()
    if w[0] == "call":
        calls.append(dict(name=w[1], ret=int(w[2]), err=int(w[3]), m0=int(w[4]),
                          m1=int(w[5]), w0=int(w[6]), w1=int(w[7])))
    else:
        facts[w[0]] = w[1]
pid = int(facts["pid"])
df = pd.read_csv(T + "/csv", dtype=str, keep_default_na=False)
lo, hi = calls[0]["m0"], calls[-1]["m1"]
mine = df[(df.pid == str(pid)) & (df.mono_ns.astype("int64") >= lo) &
          (df.mono_ns.astype("int64") <= hi)].reset_index(drop=True)
def wall_ns(ts):
    d = datetime.datetime.strptime(ts, "%Y-%m-%d %H:%M:%S.%f")
    return int(d.timestamp()) * 1000000000 + d.microsecond * 1000
def check_times(rows, cs):
    assert len(rows) == len(cs), (len(rows), len(cs))
    for (_, r), c in zip(rows.iterrows(), cs):
        m = int(r.mono_ns)
        assert c["m0"] <= m <= c["m1"], ("mono_ns outside the call", c["name"], m, c)
        w = wall_ns(r.timestamp)
        assert c["w0"] - 1000000 <= w <= c["w1"] + 1000000, ("timestamp off", c["name"], r.timestamp, c)
def expect(rows, cols, want):
    got = [tuple(r[c] for c in cols) for _, r in rows.iterrows()]
    if got != want:
        print("columns:", cols)
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else None
            x = want[i] if i < len(want) else None
            print("ok  " if g == x else "DIFF", g, "\n    " if g != x else "", x if g != x else "")
        sys.exit("rows differ")
'
