#!/bin/sh
# launch-dtrace.t — iotrc-launch's own logic with a fake dtrace
# (tests/launch-fake-engine): records passed on after the header, blank
# lines dropped, stderr classified into --stats (notes §2.9 formats), one
# actionable message and a documented exit status per attach failure,
# SIGINT/SIGTERM forwarded so the engine drains, the engine stopped when
# our parent dies or stdout goes away, --after-sleep, usage errors.
set -u
fail() { echo "FAIL: $*"; exit 1; }
F=tests/launch-fake-engine
mkdir -p "$T/s" && touch "$T/s/vfs.d" "$T/s/io.d" "$T/s/net.d"
L() { iotrc-launch -k dtrace -e $F -d "$T/s" "$@"; }
# in the background, so that $! is the launcher itself
LB() { exec iotrc-launch -k dtrace -e $F -d "$T/s" "$@"; }
stat_is() { grep -qx "$1 $2" "$T/st" || fail "stats: want $1 $2, have: $(tr '\n' ' ' <"$T/st")"; }

# records pass through after the header; dtrace's blank lines are dropped
FAKE=records L --stats "$T/st" vfs >"$T/out" 2>"$T/err" || fail "records: exit $?"
[ "$(wc -l <"$T/out")" = 3 ] || fail "records: $(cat -A "$T/out")"
head -n 1 "$T/out" | grep -q '^#iotrc-records 1 stream=vfs engine=dtrace os=linux clock=ns ' || fail "header"
grep -q "$(printf 'open\001')41.*/a" "$T/out" && grep -q "/b" "$T/out" || fail "records lost"
stat_is records 2; stat_is blank_lines 3
echo "ok: records and blank lines"

# stderr: every drop and fault counted by kind; user-access faults quiet
FAKE=stderr L --stats "$T/st" vfs >"$T/out" 2>"$T/err" || fail "stderr: exit $?"
stat_is drops 23; stat_is drops_aggregation 3; stat_is drops_dynvar 1349
stat_is drops_speculative 4; stat_is faults_user_access 50
stat_is faults_kernel_access 1; stat_is faults_address 2; stat_is faults_other 1
stat_is engine_notices 2; stat_is engine_messages 1; stat_is records 1
grep -q 'error on enabled probe.*invalid user access' "$T/err" && fail "user-access faults are shown: $(cat "$T/err")"
[ "$(grep -c '17 drops on CPU 3' "$T/err")" = 1 ] || fail "first drop not shown"
grep -q '5 drops on CPU 0' "$T/err" && fail "later drops shown"
grep -q 'something nobody expected' "$T/err" || fail "unknown line hidden"
grep -q 'reported 1379 drops and 54 probe faults (50 of them invalid user access' "$T/err" ||
	fail "summary: $(cat "$T/err")"
echo "ok: stderr classified: $(tr '\n' ' ' <"$T/st")"

# attach failures: documented status, one actionable message
try() { # want-status FAKE stream grep-pattern
	FAKE=$2 L "$3" >"$T/out" 2>"$T/err"; st=$?
	[ $st = "$1" ] || { cat "$T/err"; fail "$2: exit $st, want $1"; }
	grep -q -- "$4" "$T/err" || { cat "$T/err"; fail "$2: message"; }
	echo "ok: $2 -> exit $st: $(tail -n 1 "$T/err" | cut -c1-150)..."
}
try 5 sip io 'csrutil enable --without dtrace'
grep -q 'vfs and net streams use the syscall provider' "$T/err" || fail "sip: the other streams"
try 4 noroot vfs 'needs root: run with sudo'
try 3 compile vfs 'syntax error near'
try 1 fail vfs 'exited with status 3'
try 1 crash vfs 'killed by signal'
FAKE=btroot iotrc-launch -k bpftrace -e $F -d "$T/s" vfs >/dev/null 2>"$T/err"; st=$?
touch "$T/s/vfs.bt"; FAKE=btroot iotrc-launch -k bpftrace -e $F -d "$T/s" vfs >/dev/null 2>"$T/err"; st=$?
[ $st = 4 ] || fail "bpftrace not root: exit $st"
L -e "$T/no-such-dtrace" vfs >/dev/null 2>"$T/err"; st=$?
[ $st = 6 ] && grep -q 'dtrace not found' "$T/err" || fail "missing engine: exit $st $(cat "$T/err")"
echo "ok: missing engine -> exit 6"
L -d "$T/nowhere" vfs >/dev/null 2>"$T/err"; [ $? = 2 ] || fail "missing script"

# signals: forwarded once; the engine drains (prints its last record)
for sig in INT TERM; do
	(FAKE=drain LB vfs >"$T/out" 2>"$T/err") & lp=$!
	sleep 0.5; kill -$sig $lp; wait $lp; st=$?
	[ $st = 0 ] || { cat "$T/err"; fail "SIG$sig: exit $st"; }
	grep -q /drained "$T/out" || fail "SIG$sig: the engine did not drain"
	echo "ok: SIG$sig forwarded, engine drained, exit 0"
done
# an engine that ignores SIGINT gets SIGTERM after the grace period: not
# waited for here; a second signal to us escalates at once
(FAKE=stubborn FAKE_PIDFILE="$T/epid" LB vfs >"$T/out" 2>"$T/err") & lp=$!
sleep 0.5; kill -INT $lp; sleep 0.3; kill -INT $lp; wait $lp; st=$?
kill -0 "$(cat "$T/epid")" 2>/dev/null && fail "stubborn engine still running"
echo "ok: second signal escalates (exit $st)"

# our parent dies (supervisor killed): the engine is stopped
FAKE=drain FAKE_PIDFILE="$T/epid" sh -c 'iotrc-launch -k dtrace -e '$F' -d "'"$T"'/s" vfs >"'"$T"'/out" 2>/dev/null & wait' & sp=$!
sleep 0.7; kill -KILL $sp
i=0; while kill -0 "$(cat "$T/epid")" 2>/dev/null; do i=$((i + 1)); [ $i -gt 50 ] && fail "engine left running"; sleep 0.1; done
grep -q /drained "$T/out" || fail "parent death: no drain"
echo "ok: parent killed -> engine stopped and drained"

# stdout goes away: the engine is stopped, exit 1
FAKE=flood FAKE_PIDFILE="$T/epid" L vfs 2>"$T/err" | head -n 2 >/dev/null
i=0; while kill -0 "$(cat "$T/epid")" 2>/dev/null; do i=$((i + 1)); [ $i -gt 50 ] && fail "engine left running"; sleep 0.1; done
grep -q 'stdout: Broken pipe' "$T/err" || fail "no EPIPE message: $(cat "$T/err")"
echo "ok: reader gone -> engine stopped"

# after a sleep (IOTRC_LAUNCH_SLEPT pretends): warn, refuse, allow
IOTRC_LAUNCH_SLEPT=1 FAKE=records L --after-sleep=refuse vfs >/dev/null 2>"$T/err"; st=$?
[ $st = 8 ] && grep -q 'restart the Mac' "$T/err" || fail "refuse: $st $(cat "$T/err")"
IOTRC_LAUNCH_SLEPT=1 FAKE=records L vfs >/dev/null 2>"$T/err" || fail "warn: exit $?"
grep -q 'can freeze macOS' "$T/err" || fail "no sleep warning"
IOTRC_LAUNCH_SLEPT=1 FAKE=records L --after-sleep=allow vfs >/dev/null 2>"$T/err" || fail "allow"
[ -s "$T/err" ] && fail "allow warned: $(cat "$T/err")"
echo "ok: --after-sleep warn/refuse/allow"

# usage
iotrc-launch -h | grep -q '^usage: iotrc-launch' || fail "-h"
for bad in "" "disk" "vfs io" "-x 0 vfs" "--after-sleep=maybe vfs" "-k ktrace vfs" "--check vfs io" "--check disk" "-x 1 vfs"; do
	iotrc-launch $bad >/dev/null 2>"$T/err"; st=$?
	[ $st = 2 ] && grep -q '^usage:' "$T/err" || fail "usage '$bad': exit $st"
done
echo "ok: usage errors exit 2"

# --check: one line per stream
iotrc-launch --check >"$T/out" 2>&1; st=$?
cat "$T/out"
[ "$(cut -f1 "$T/out" | tr '\n' ' ')" = "vfs io net " ] || fail "--check lines"
case $st in 0|3) ;; *) fail "--check exit $st" ;; esac
echo "ok: --check (exit $st)"
