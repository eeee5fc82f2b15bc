#!/bin/sh
# engine-loss.t — exact loss counting, for real: bpftrace's reader is
# stopped (SIGSTOP) for a few seconds during a burst of one-byte preads, so
# its perf buffers overflow; iotrc-launch must count as drops exactly the
# records that never arrived, from the per-CPU sequence numbers of
# dtrace/vfs.bt, not from bpftrace's own report (which misses a loss that
# no later record on that CPU follows).
#
# So that the number that should have arrived is known, the engine runs
# dtrace/vfs.bt with its exclusion of four pids turned into the inclusion
# of the workload's (given as -x, the script's $3): every record of the run
# is the workload's. Its calls before the burst are made while the buffers
# are empty and those after it when the reader has drained them, so only
# preads can be lost: the preads that arrived plus the drops must be the
# burst's N. Two cases:
#   tail  the burst ends while the reader is stopped, and nothing follows
#         it until the engine has stopped: the losses are found from the
#         last sequence numbers bpftrace prints at exit;
#   gaps  the reader is resumed during the burst: the losses are the gaps
#         before the records that follow them;
#   stop  the burst fits the buffers (16 MB) and iotrc-launch is told to
#         stop while the reader still is: nothing may be lost, although
#         bpftrace discards what its buffers hold when SIGINT comes (the
#         launcher first has the scripts stop tracing and waits for their
#         markers, one from each CPU, after the records).
. tests/engine-common.sh
engine_require
mkdir -p "$T/s"
sed 's/pid != \$1 && pid != \$2 && pid != \$3 && pid != \$4/pid == $3/g' dtrace/vfs.bt >"$T/s/vfs.bt"
grep -q 'pid != \$' "$T/s/vfs.bt" && fail "could not restrict vfs.bt to one pid"

# trial NAME N STOP-SECONDS: a burst of N preads with the engine's reader
# stopped (SIGSTOP) before it begins. tail: resumed once the burst is over;
# gaps: resumed when a third of the burst is done (counted by the kernel:
# the workload's read calls in /proc/PID/io); stop: iotrc-launch is told to
# stop STOP-SECONDS before the reader is resumed. Points are reached by
# condition, never by time, so a busy machine only makes it slower.
lpid= wpid= bt=
cleanup() {
	[ -n "$bt" ] && kill -CONT "$bt" 2>/dev/null
	[ -n "$lpid" ] && kill -INT "$lpid" 2>/dev/null
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
}
trap cleanup EXIT
syscr() { awk '$1 == "syscr:" { print $2 }' /proc/$wpid/io; }
wait_gate() {
	until in_gate; do
		kill -0 $wpid 2>/dev/null || fail "$name: the workload ended early"
		sleep 0.1
	done
}
trial() {
	name=$1 N=$2 stop=$3 d=$T/$1
	mkdir -p "$d/d"
	mkfifo "$d/go" "$d/done"
	WORKLOAD_GO=$d/go WORKLOAD_DONE=$d/done "$IOTRC_BUILD/tests/workload" load "$d/d" "$N" >"$d/wl.out" &
	wpid=$!
	iotrc-launch -b "$buf" -d "$T/s" -x $wpid --stats "$d/stats" vfs >"$d/raw" 2>"$d/launch.err" &
	lpid=$!
	i=0
	until grep -q '^probes [1-9]' "$d/stats" 2>/dev/null; do
		kill -0 $lpid 2>/dev/null || { cat "$d/launch.err"; fail "iotrc-launch exited before attaching"; }
		i=$((i + 1)); [ $i -gt 600 ] && fail "bpftrace did not attach within 60 s"
		sleep 0.1
	done
	bt=$(pgrep -P $lpid | head -n 1)
	[ -n "$bt" ] || fail "no engine process under iotrc-launch"
	kill -STOP "$bt"
	r0=$(syscr)
	echo go >"$d/go"
	case $name in
	stop)
		wait_gate
		kill -INT $lpid
		sleep "$stop"
		kill -CONT "$bt"
		wait $lpid; st=$?
		echo done >"$d/done"
		wait $wpid || fail "workload failed"
		check
		[ "$drops" = 0 ] && [ "$arrived" = "$N" ] || fail "$name: records lost at the stop"
		return ;;
	tail)
		wait_gate
		kill -CONT "$bt"
		drained
		kill -INT $lpid
		wait $lpid; st=$?
		echo done >"$d/done"
		wait $wpid || fail "workload failed" ;;
	gaps)
		until [ $(($(syscr) - r0)) -ge $((N / 3)) ]; do
			in_gate && fail "$name: the burst ended before a third of it was counted"
			sleep 0.05
		done
		in_gate && fail "$name: the burst ended before the reader was resumed"
		kill -CONT "$bt"
		wait_gate
		drained
		echo done >"$d/done"
		wait $wpid || fail "workload failed"
		drained
		kill -INT $lpid
		wait $lpid; st=$? ;;
	esac
	check
	[ "${drops:-0}" -gt 0 ] || fail "$name: nothing was lost: the buffers did not overflow"
	[ $((arrived + drops)) = "$N" ] || fail "$name: drops $drops + arrived $arrived != $N"
}
check() {
	cat "$d/launch.err"
	[ $st = 0 ] || fail "iotrc-launch exited with $st"
	arrived=$(tr '\001' '\t' <"$d/raw" | awk -F'\t' -v p=$wpid '$1 == "pread64" && $2 == p' | wc -l)
	drops=$(stat_of drops)
	echo "$name: burst of $N preads at $(awk '/^calls_per_s/ { print $2 }' "$d/wl.out") calls/s:" \
		"$arrived arrived, launcher drops $drops, bpftrace's own report" \
		"$(stat_of engine_lost_events), sequence errors $(stat_of seq_errors)"
	[ "$(stat_of seq_errors)" = 0 ] || fail "$name: records out of sequence"
	lpid= wpid= bt=
}
in_gate() { [ "$(cut -d' ' -f1 /proc/$wpid/syscall 2>/dev/null)" = 257 ]; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$d/stats"; }
# until "records" stops changing (the reader has drained its buffers)
drained() {
	last=-1 n=0
	while [ $n -lt 60 ]; do
		sleep 1.2
		r=$(stat_of records)
		[ "$r" = "$last" ] && return 0
		last=$r n=$((n + 1))
	done
	fail "the engine's output did not settle"
}
buf=1m
trial tail 300000 0
trial gaps 600000 0
buf=16m
trial stop 50000 1
echo "ok: the drops equal the records that never arrived, and a stop loses none"
