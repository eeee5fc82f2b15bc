#!/bin/sh
# The README's main job (make run = scripts/trace-fs): the fs pipeline
# traces for real, excludes its own processes in the engine, stops on time,
# and leaves whole .csv.zst files holding a probe workload's calls.
. tests/engine-common.sh
engine_require
out=$T/trace
( sleep 3; echo probe >"$T/probe-file.txt"; cat "$T/probe-file.txt" >/dev/null ) &
OUT=$out DURATION=6 IOTRC_BIN=$IOTRC_BUILD/bin timeout 60 scripts/trace-fs 2>"$T/err"
st=$?
cat "$T/err"
[ $st = 0 ] || fail "trace-fs exited with $st"
ls "$out"/fs/fs_*.csv.zst >/dev/null 2>&1 || fail "no finished file in $out/fs"
for f in "$out"/fs/fs_*.csv.zst; do zstd -tq "$f" || fail "$f is not whole"; done
zstd -dcq "$out"/fs/fs_*.csv.zst >"$T/all.csv"
grep -q "^[^,]*,open,.*$T/probe-file.txt" "$T/all.csv" || fail "the probe's open is missing"
grep -q ",iotrc-" "$T/all.csv" && fail "the tracer traced itself"
awk '$1 == "excluded_pids" || $1 == "records" { print }' "$out/launch.stats"
echo "trace-fs: $(($(wc -l <"$T/all.csv") - 1)) rows, probe found, no iotrc rows"
