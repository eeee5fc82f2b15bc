#!/bin/sh
# snap-orphan.t — a snapshotter whose parent dies (iotrc SIGKILLed) stops
# by itself, as on SIGTERM, although it may be idle for an hour between
# passes: iotrc-snap-fs --every 3600 and iotrc-snap-proc --every 300 are
# started by a shell that is then SIGKILLed; both must be gone within 5 s
# (they look at their parent once a second, the same code on macOS, which
# has no PR_SET_PDEATHSIG), and what they wrote must be whole CSV.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/tree/a"
echo x >"$T/tree/a/f"
sh -c 'iotrc-snap-fs --every 3600 --stats "$1/fs.stats" "$1/tree" >"$1/fs.csv" 2>"$1/fs.err" & echo $! >"$1/fs.pid"
       iotrc-snap-proc --every 300 --window 1 --stats "$1/proc.stats" >"$1/proc.csv" 2>"$1/proc.err" & echo $! >"$1/proc.pid"
       wait' sh "$T" &
parent=$!
i=0
# both running and idle: snap-fs finished its first pass, snap-proc sampled
until [ -s "$T/fs.pid" ] && [ -s "$T/proc.pid" ] &&
      grep -q '^passes 1' "$T/fs.stats" 2>/dev/null && grep -q '^samples [1-9]' "$T/proc.stats" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 300 ] && { kill $parent; cat "$T"/*.err; fail "the snapshotters did not start within 30 s"; }
	sleep 0.1
done
fs=$(cat "$T/fs.pid") proc=$(cat "$T/proc.pid")
kill -9 $parent
wait $parent 2>/dev/null
i=0
alive() { # not gone and not a zombie
	for p in "$@"; do
		s=$(awk '{ print $3 }' /proc/$p/stat 2>/dev/null) || continue
		[ -n "$s" ] && [ "$s" != Z ] && return 0
	done
	return 1
}
while alive $fs $proc; do
	i=$((i + 1))
	[ $i -gt 50 ] && { kill $fs $proc 2>/dev/null; fail "a snapshotter still runs 5 s after its parent was killed"; }
	sleep 0.1
done
echo "gone $((i * 100)) ms after the parent's SIGKILL"
"$PY" - "$T" <<'PY' || fail "the output is not whole CSV"
import sys, pandas as pd
t = sys.argv[1]
fs = pd.read_csv(t + "/fs.csv", dtype=str, keep_default_na=False)
assert any(fs.file_path.str.endswith("/a/f")), fs.file_path.tolist()
pr = pd.read_csv(t + "/proc.csv", dtype=str, keep_default_na=False)
assert len(pr) > 0
print("ok: %d filesystem rows, %d process rows, whole" % (len(fs), len(pr)))
PY
