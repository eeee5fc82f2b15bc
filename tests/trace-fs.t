#!/bin/sh
# The README's main job (make run = scripts/trace-fs): the fs pipeline
# traces for real, excludes its own processes in the engine, stops on
# SIGTERM (as on Ctrl-C) with the engine drained, and leaves whole .csv.zst
# files holding a probe workload's calls. Waits for the engine to attach
# (the launcher's "probes" counter), never for a fixed time, so a busy
# machine only makes it slower — and makes the machine busy itself: one
# CPU-bound process per CPU runs all along (bounded: they end with the
# test, or after 5 minutes at most), as on a machine doing real work.
. tests/engine-common.sh
engine_require
out=$T/trace
mkdir -p "$out"
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
hogs=
for c in $(seq "$ncpu"); do
	timeout 300 sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
trap 'kill $hogs 2>/dev/null' EXIT
OUT=$out DURATION=300 IOTRC_BIN=$IOTRC_BUILD/bin scripts/trace-fs 2>"$T/err" &
job=$!
i=0
until grep -q '^probes [1-9]' "$out/launch.stats" 2>/dev/null; do
	if ! kill -0 $job 2>/dev/null; then
		wait $job; st=$?; cat "$T/err"
		grep -q "iotrc-launch: .*\(root\|tracefs\|not installed\)" "$T/err" && skip "bpftrace cannot attach here: $(tail -n 1 "$T/err")"
		fail "trace-fs exited with $st before the engine attached"
	fi
	i=$((i + 1))
	[ $i -gt 1200 ] && { kill -TERM $job; fail "the engine did not attach within 120 s"; }
	sleep 0.1
done
# three probes: each is a file written and read back by a process of its own
for k in 1 2 3; do
	sh -c 'echo probe >"$1"; cat "$1" >/dev/null' sh "$T/probe-$k.txt" || fail "probe $k"
done
kill -TERM $job
wait $job; st=$?
cat "$T/err"
[ $st = 0 ] || fail "trace-fs exited with $st"
ls "$out"/fs/fs_*.csv.zst >/dev/null 2>&1 || fail "no finished file in $out/fs"
for f in "$out"/fs/fs_*.csv.zst; do zstd -tq "$f" || fail "$f is not whole"; done
zstd -dcq "$out"/fs/fs_*.csv.zst >"$T/all.csv"
drops=$(awk '$1 == "drops" { print $2 }' "$out/launch.stats")
found=0
for k in 1 2 3; do
	grep -q "^[^,]*,open,.*$T/probe-$k.txt" "$T/all.csv" && found=$((found + 1))
done
# every probe, busy machine or not: the engine and the filters run ahead
# of the CPU hogs (nice -10, iotrc-launch(1)); what the engine lost is
# counted exactly (drops) and shown below
[ $found = 3 ] || fail "$found of 3 probes' opens found (engine drops: ${drops:-0})"
# no row of the tracer's own processes (their command; a path may well
# hold "iotrc-", e.g. another build of this tree)
awk -F, '$5 ~ /^iotrc(-|$)/' "$T/all.csv" | grep -q . && fail "the tracer traced itself"
awk '$1 == "excluded_pids" || $1 == "records" || $1 == "drops" { print }' "$out/launch.stats"
echo "trace-fs: $(($(wc -l <"$T/all.csv") - 1)) rows, $found of 3 probes found, no iotrc rows"
