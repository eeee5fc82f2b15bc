#!/bin/sh
# bench/load.sh [-q] [N] — the vfs engine under load, as root, after
# "make tests"; run from the top of the tree.
#
# 1. N one-byte pread()s (default 1,000,000) by tests/helpers/workload,
#    untraced and then traced by iotrc-launch vfs | iotrc-parse vfs: the
#    workload's calls/s both ways, the records of it that reached the CSV,
#    the engine's drops.
# 2. Two figures, with the machine idle and with a file-churning load
#    running (workload churn: ~2,000 small files a second created,
#    written, read, renamed, removed), side by side:
#    burst      the largest burst of one-byte preads, as fast as one thread
#               makes them, delivered with 0 drops;
#    sustained  the highest rate of preads (calls/s, paced every ms, for
#               30 s) delivered with 0 drops.
#    Drops are iotrc-launch's, counted from the engine's sequence numbers
#    (exact, every record of the machine), not bpftrace's own report.
#    Each trial starts a fresh engine; the sizes double until one fails,
#    then the gap to the last that passed is halved twice. -q: 10 s instead
#    of 30 for the sustained trials (a quick look, not the figure).
set -eu
SECS=30
[ "${1:-}" = -q ] && { SECS=10; shift; }
N=${1:-1000000}
B=${IOTRC_BUILD:-$(pwd)/build}
W=$B/tests/workload
D=$(mktemp -d "${TMPDIR:-/tmp}/iotrc-load.XXXXXX")
churn=
trap '[ -n "$churn" ] && kill $churn 2>/dev/null; rm -rf "$D"' EXIT
[ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ] ||
	mount -t tracefs nodev /sys/kernel/tracing

# trace WORKLOAD-ARGS...: one trial with the pipeline of make run (the
# parser excluded from tracing and at the launcher's priority, nice -10);
# prints "drops records" of the whole run, leaves the rows in $D/csv and
# the traced seconds in $D/secs
trace() {
	rm -f "$D/st" "$D/fifo"
	mkfifo "$D/fifo"
	nice -n -10 "$B/bin/iotrc-parse" vfs <"$D/fifo" >"$D/csv" &
	pp=$!
	"$B/bin/iotrc-launch" -x $pp --stats "$D/st" vfs >"$D/fifo" 2>"$D/err" &
	lp=$!
	until grep -q '^probes [1-9]' "$D/st" 2>/dev/null; do sleep 0.1; done
	t0=$(date +%s.%N)
	"$W" "$@" >"$D/wl"
	sleep 2            # the reader drains; later gaps are found at exit
	t1=$(date +%s.%N)
	kill -INT $lp
	wait $lp || true
	wait $pp || true
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >"$D/secs"
	echo "$(stat drops) $(stat records)"
}
stat() { awk -v k="$1" '$1 == k { print $2 }' "$D/st"; }

# largest passing value by doubling from $2 (up to $4), then halving the
# gap to the first failure twice; $1 is the trial, which prints "pass ...",
# "fail: N drops" or "fail: 0 drops, but ..." (the workload could not do
# it); "$3" describes a trial. The value gets a "+" when no trial lost a
# record: the search cap or the traced workload's own speed bounded it.
search() {
	f=$1 v=$2 good=0 bad=0 lost=
	while :; do
		r=$($f "$v")
		echo "    $3 $v: $r" >&2
		case $r in pass*) good=$v; [ "$v" -ge "$4" ] && break; v=$((v * 2)) ;; *) bad=$v; break ;; esac
	done
	case $r in "fail: 0 drops"*|pass*) ;; *) lost=1 ;; esac
	if [ "$bad" -gt 0 ]; then
		for _ in 1 2; do
			m=$(( (good + bad) / 2 ))
			[ "$m" -le "$good" ] && break
			r=$($f "$m")
			echo "    $3 $m: $r" >&2
			case $r in pass*) good=$m ;; "fail: 0 drops"*) bad=$m ;; *) bad=$m lost=1 ;; esac
		done
	fi
	if [ -n "$lost" ]; then echo "$good"; else echo "$good+"; fi
}
# a burst of $1 preads: passes with 0 drops
burst() {
	set -- "$1" $(trace load "$D" "$1")
	rate=$(awk '/^calls_per_s/ {print $2}' "$D/wl")
	[ "$2" = 0 ] && echo "pass: 0 drops ($rate calls/s)" || echo "fail: $2 drops ($rate calls/s)"
}
# $1 preads a second for $SECS s: passes with 0 drops if the workload
# kept that rate (within 2 %) while traced
sustained() {
	set -- "$1" $(trace rate "$D" "$1" "$SECS")
	rate=$(awk '/^calls_per_s/ {print $2}' "$D/wl")
	if [ "$2" != 0 ]; then echo "fail: $2 drops"
	elif [ "$rate" -lt $(( $1 * 98 / 100 )) ]; then echo "fail: 0 drops, but only $rate calls/s traced"
	else echo "pass: 0 drops"; fi
}

echo "iotrc bench/load.sh on $(getconf _NPROCESSORS_ONLN) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
base=$("$W" load "$D" "$N" | awk '/^calls_per_s/ {print $2}')
trace load "$D" "$N" >/dev/null
pid=$(awk '/^pid/ {print $2}' "$D/wl")
traced=$(awk '/^calls_per_s/ {print $2}' "$D/wl")
secs=$(awk '/^seconds/ {print $2}' "$D/wl")
got=$(awk -F, -v p="$pid" '$3 == p && $2 == "read" && $7 == "1"' "$D/csv" | wc -l)
echo "calls                 $N pread(fd, 1 byte)"
echo "untraced              $base calls/s"
echo "traced                $traced calls/s ($secs s)"
awk -v a="$base" -v b="$traced" 'BEGIN { printf "slowdown              %.1fx\n", a / b }'
awk -v n="$got" -v s="$secs" 'BEGIN { printf "delivered             %.0f records/s of the workload while it ran\n", n / s }'
echo "workload rows         $got of $N"
echo "all records           $(stat records) (whole run, all processes)"
echo "drops                 $(stat drops) (bpftrace's own report: $(stat engine_lost_events))"

echo "searching, idle:" >&2
bi=$(search burst 25000 "burst of" 3200000)
si=$(search sustained 5000 "${SECS} s at calls/s" 640000)
mkdir -p "$D/c"
"$W" churn "$D/c" 100000 >/dev/null &
churn=$!
sleep 1
echo "searching, with the file churn running:" >&2
trace rate "$D" 1 5 >/dev/null
cev=$(awk -F, -v p="$churn" -v s="$(cat "$D/secs")" '$3 == p { n++ } END { printf "%.0f", n / s }' "$D/csv")
bc=$(search burst 25000 "burst of" 3200000)
sc=$(search sustained 5000 "${SECS} s at calls/s" 640000)
kill $churn; churn=
printf '%-38s %14s %14s\n' "" idle "file churn"
printf '%-38s %14s %14s\n' "records/s of the churn" 0 "$cev"
printf '%-38s %14s %14s\n' "largest burst, 0 drops (preads)" "$bi" "$bc"
printf '%-38s %14s %14s\n' "highest sustained, 0 drops (calls/s)" "$si" "$sc"
echo "(+: no trial lost a record; the search cap or the traced workload's own speed was the limit)"
