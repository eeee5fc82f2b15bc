#!/bin/sh
# iotrc-kdebug and signals: every signal whose default action ends the
# process must go through our handlers, because live tracing has to be
# disabled and its buffer removed on every exit path (notes/macos-kdebug.md
# §3.10 step 6; kern_ktrace.c:38-40). Replay is how we see it here: the
# same handlers run there.
#  - SIGXFSZ (an output over `ulimit -f`): an output error (exit 1, the
#    output named), not death by signal;
#  - SIGQUIT, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF: a clean stop (exit 0,
#    outputs flushed) — or, for SIGQUIT, cleanup then the default action;
#  - SIGINT/SIGTERM stop a replay even while it waits on a silent pipe.
set -u
: "${IOTRC_BUILD:?}" "${T:?}"
KDGEN=$IOTRC_BUILD/tests/kdgen
fail=0
no() { echo "FAIL: $*"; fail=1; }

# SIGXFSZ: a 50 KiB file size limit, far more records than that
"$KDGEN" mix 20000 >"$T/mix.kd" || { echo "kdgen failed"; exit 1; }
(
	ulimit -f 100
	iotrc-kdebug --replay "$T/mix.kd" --timebase 1/1 --vfs "$T/big.vfs" 2>"$T/err"
	echo $? >"$T/rc"
) 2>/dev/null
rc=$(cat "$T/rc")
[ "$rc" = 1 ] || no "output over ulimit -f: exit $rc, want 1 (an output error, not SIGXFSZ)"
grep -q "big.vfs" "$T/err" || no "output over ulimit -f: the output is not named: $(head -n 2 "$T/err")"

# a replay waiting on a FIFO whose writer went silent after a few events:
# the signal must stop it (status 0, header written) within two seconds
"$KDGEN" mix 10 >"$T/small.kd" || { echo "kdgen failed"; exit 1; }
waiton() { # signal expected-status
	sig=$1 want=$2
	rm -f "$T/fifo" "$T/w.vfs"
	mkfifo "$T/fifo" || { no "mkfifo"; return; }
	sh -c 'cat "$1" && exec sleep 10' sh "$T/small.kd" >"$T/fifo" &
	wpid=$!
	iotrc-kdebug --replay "$T/fifo" --timebase 1/1 --vfs "$T/w.vfs" 2>"$T/werr" &
	pid=$!
	i=0
	while [ ! -s "$T/w.vfs" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.2
	kill -"$sig" $pid
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 $pid 2>/dev/null; then
		no "SIG$sig: replay of a silent FIFO still running after 2 s"
		kill -KILL $pid 2>/dev/null
	fi
	wait $pid
	got=$?
	kill $wpid 2>/dev/null
	wait $wpid 2>/dev/null
	[ "$got" = "$want" ] || no "SIG$sig: exit $got, want $want: $(head -n 2 "$T/werr")"
	head -n 1 "$T/w.vfs" | grep -q '^#iotrc-records' || no "SIG$sig: no header"
}
waiton INT 0
waiton TERM 0
waiton USR1 0
waiton USR2 0
waiton VTALRM 0
waiton PROF 0
waiton QUIT 131
exit $fail
