#!/bin/sh
# bench/load.sh [N] — load test of the vfs engine: N small pread()s (default
# 1,000,000) by tests/helpers/workload, untraced and then traced by
# iotrc-launch vfs (| iotrc-parse vfs), as root. Reports the workload's
# calls/s both ways (slowdown), the records/s delivered, the records of the
# workload that arrived out of N, and the engine's drops.
# Build first: make tests. Run from the top of the tree.
set -eu
N=${1:-1000000}
B=${IOTRC_BUILD:-$(pwd)/build}
W=$B/tests/workload
D=$(mktemp -d /tmp/iotrc-load.XXXXXX)
trap 'rm -rf "$D"' EXIT
[ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ] ||
	mount -t tracefs nodev /sys/kernel/tracing
base=$("$W" load "$D" "$N" | awk '/^calls_per_s/ {print $2}')
"$B/bin/iotrc-launch" --stats "$D/st" vfs 2>"$D/err" | "$B/bin/iotrc-parse" --stats "$D/pst" vfs >"$D/csv" &
until grep -q '^probes [1-9]' "$D/st" 2>/dev/null; do sleep 0.1; done
t0=$(date +%s.%N)
"$W" load "$D" "$N" >"$D/wl"
sleep 1
pkill -INT -f "$B/bin/iotrc-launch --stats $D/st" || true
wait
t1=$(date +%s.%N)
pid=$(awk '/^pid/ {print $2}' "$D/wl")
traced=$(awk '/^calls_per_s/ {print $2}' "$D/wl")
secs=$(awk '/^seconds/ {print $2}' "$D/wl")
got=$(awk -F, -v p="$pid" '$3 == p && $2 == "read"' "$D/csv" | wc -l)
rec=$(awk '/^records/ {print $2}' "$D/st")
drops=$(awk '/^drops / {print $2}' "$D/st")
echo "calls                 $N pread(fd, 1 byte)"
echo "untraced              $base calls/s"
echo "traced                $traced calls/s ($secs s)"
awk -v a="$base" -v b="$traced" 'BEGIN { printf "slowdown              %.1fx\n", a / b }'
awk -v n="$got" -v s="$secs" 'BEGIN { printf "delivered             %.0f records/s of the workload while it ran\n", n / s }'
echo "workload rows         $got of $N"
echo "all records           $rec (whole run, all processes)"
echo "engine drops          $drops"
echo "launcher stderr:"; sed 's/^/  /' "$D/err"
