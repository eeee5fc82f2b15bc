#!/bin/sh
# launch-bpftrace.t — iotrc-launch's conversion of bpftrace's JSON output
# (print() of tuples, see dtrace/vfs.bt) into iotrc-records(5), with a fake
# engine: strings of every awkward kind survive the trip to the CSV, paths
# sent ahead of their record find it (also across another thread's
# events), wall = mono + the clock offset; drops are counted exactly from
# the records' per-CPU sequence numbers (gaps, and the tail from the @seq
# map printed at exit), bpftrace's own lost events only kept apart.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/s" && touch "$T/s/vfs.bt"
FAKE=json iotrc-launch -k bpftrace -e tests/launch-fake-engine -d "$T/s" --stats "$T/st" vfs \
	>"$T/out" 2>"$T/err"
st=$?
cat "$T/err"
[ $st = 0 ] || fail "exit $st"
head -n 1 "$T/out" | grep -q '^#iotrc-records 1 stream=vfs engine=bpftrace os=linux clock=ns wall_offset_ns=-\{0,1\}[0-9]* pid=' ||
	fail "header: $(head -n 1 "$T/out")"
for kv in "records 4" "drops 8" "engine_lost_events 12" "seq_errors 0" "probes 106" "engine_bad_lines 3" \
	"orphan_strings 1" "engine_notices 1"; do
	grep -qx "$kv" "$T/st" || fail "stats: want $kv, have: $(tr '\n' ' ' <"$T/st")"
done
iotrc-parse vfs <"$T/out" >"$T/csv" 2>/dev/null || fail "iotrc-parse"
$PY - "$T" <<'PY' || fail "records"
import sys, time, pandas as pd
T = sys.argv[1]
lines = open(T + "/out", "rb").read().split(b"\n")
recs = [l.split(b"\x01") for l in lines[1:] if l]
assert len(recs) == 4 and all(len(r) == 18 for r in recs), recs
# wall = mono + (CLOCK_REALTIME - CLOCK_MONOTONIC), within a second of ours
off = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC)
for r in recs:
    assert abs(int(r[5]) - int(r[6]) - off) < 1000000000, r
assert recs[0][4] == rb"wo\001rk", recs[0][4]
assert recs[0][12] == rb'/t/we\001ird\nna\\me\"q' + "é".encode() + rb"\t.txt", recs[0][12]
assert recs[2][0] == b"rename" and recs[2][12:14] == [b"/x", b"/y"], recs[2]
assert recs[3][0] == b"unlink" and recs[3][12] == b"/t/other-thread-first", recs[3]
df = pd.read_csv(T + "/csv", dtype=str, keep_default_na=False)
assert df.filename[0] == '/t/we\x01ird\nna\\me"q\xe9\t.txt', repr(df.filename[0])
assert df.command[0] == "wo\x01rk", repr(df.command[0])
print("ok: 4 records, escapes round-trip to the CSV")
PY
# a sequence number that goes backwards is counted, and makes no drops
FAKE=backwards iotrc-launch -k bpftrace -e tests/launch-fake-engine -d "$T/s" --stats "$T/st3" vfs \
	>"$T/out3" 2>/dev/null || fail "backwards: exit"
for kv in "records 4" "drops 0" "seq_errors 1"; do
	grep -qx "$kv" "$T/st3" || fail "backwards: want $kv, have: $(tr '\n' ' ' <"$T/st3")"
done
echo "ok: sequence numbers: gaps and tail counted as drops, a step back as seq_errors"
# "probes" (what callers wait for) is written only once every probe is
# attached: bpftrace announces them before attaching; the scripts' BEGIN,
# which fires after, prints "iotrc-attached"
FAKE=slowattach FAKE_MARK="$T/mark" iotrc-launch -k bpftrace -e tests/launch-fake-engine \
	-d "$T/s" --stats "$T/st2" vfs >/dev/null 2>&1 & lp=$!
i=0
until grep -q '^probes [1-9]' "$T/st2" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { kill -INT $lp; fail "probes never written"; }
	sleep 0.1
done
[ -e "$T/mark" ] || { kill -INT $lp; fail "probes written before the engine said it had attached them"; }
grep -qx 'probes 5' "$T/st2" || fail "probes: $(grep probes "$T/st2")"
kill -INT $lp; wait $lp
echo "ok: probes written once attached"
# the script and the pids handed to bpftrace: ours, its own, the -x ones
FAKE=json FAKE_ARGS="$T/args" FAKE_PIDFILE="$T/epid" iotrc-launch -k bpftrace -e tests/launch-fake-engine \
	-d "$T/s" -x 4242 vfs >/dev/null 2>&1 & lp=$!
wait $lp
printf '%s\n' -f json "$T/s/vfs.bt" $lp "$(cat "$T/epid")" 4242 $lp >"$T/want"
cmp "$T/want" "$T/args" || { cat "$T/args"; fail "engine arguments"; }
echo "ok: bpftrace launched as: $(tr '\n' ' ' <"$T/args")"
