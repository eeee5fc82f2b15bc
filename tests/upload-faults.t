#!/bin/sh
# iotrc-upload through faults: the server down at start and started later,
# 500s then 200s, a server that accepts and never answers, a presign that
# answers garbage, SIGTERM, kill -9 mid-transfer then --spool, and a few hundred
# files with the server flapping. Every file ends delivered (byte for byte,
# once) or still on disk; nothing is deleted that was not delivered.
set -u
. tests/helpers/upload-lib.sh
need_nginx
export HOME=$T/home; mkdir -p "$HOME"
S=20240101_000000_000 ID=0F1E2D3C4B5A6978
FAST="--retry-min 0.1s --retry-max 0.5s --connect-timeout 1s --stall-timeout 2s"
secs() { "$PY" -c 'import time; print(int(time.monotonic()))'; }
stat_of() { sed -n "s/^$1 //p" "$2"; }
fresh() { # n size
	rm -rf "$T/root" "$T/orig" "$T/store"; mkdir -p "$T/store"
	mkfiles "$T/root" $S "$1" "$2"; cp -a "$T/root" "$T/orig"
	find "$T/root" -type f | sort >"$T/list"
}
# every original is on disk unchanged or in the store unchanged
accounted() {
	( cd "$T/orig" && find . -type f ) | while read -r f; do
		cmp -s "$T/orig/$f" "$T/root/$f" && continue
		cmp -s "$T/orig/$f" "$T/store/mac_trace_v1_test/$ID/$f" && continue
		echo "lost: $f"; return 1
	done
}
# stdout lines: each path at most once
once() { [ -z "$(cut -f1 "$1" | sort | uniq -d)" ] || { echo "delivered twice: $(cut -f1 "$1" | sort | uniq -d)"; return 1; }; }

# 1. the server is down at start, started 2 s later: all delivered
fresh 10 5000
PORT=$(free_port)
# shellcheck disable=SC2086
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$PORT" --machine-id $ID --drain-timeout 30s $FAST \
	--stats "$T/st" <"$T/list" >"$T/out" 2>"$T/err" &
up=$!
sleep 2
nginx_start
wait $up || fail "down at start: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "down at start: not all delivered"
[ "$(wc -l <"$T/out")" = 12 ] && once "$T/out" || fail "down at start: stdout $(cat "$T/out")"
[ "$(stat_of failed_attempts "$T/st")" -gt 0 ] || fail "down at start: no failed attempt counted"
grep -q 'Connection refused\|Could not connect\|Failed to connect' "$T/err" || fail "down at start: said $(cat "$T/err")"
nginx_stop

# 2. 500s, then 200s: all delivered, each 500 a failed attempt
fresh 6 5000
stub_start fail 8
# shellcheck disable=SC2086
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$STUB_PORT" --machine-id $ID $FAST --stats "$T/st" \
	<"$T/list" >"$T/out" 2>"$T/err" || fail "500s: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "500s: not all delivered"
[ "$(stat_of failed_attempts "$T/st")" = 8 ] || fail "500s: $(cat "$T/st")"
grep -q 'HTTP 500' "$T/err" || fail "500s: not reported: $(cat "$T/err")"
stub_stop; STUB_PORT=

# 3. a 403 from the presign step: a configuration problem, reported once, exit 2
fresh 4 100
stub_start status 403
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$STUB_PORT" --machine-id $ID --drain-timeout 1s \
	<"$T/list" >"$T/out" 2>"$T/err"; st=$?
[ $st = 2 ] && [ "$(grep -c 'configuration problem: presign: HTTP 403: AccessDenied: stub says no' "$T/err")" = 1 ] ||
	fail "403: exit $st: $(cat "$T/err")"
accounted && [ "$(find "$T/root" -type f | wc -l)" = 6 ] || fail "403: files gone"
stub_stop; STUB_PORT=

# 4. a server that accepts and never answers: the stall timeout fires,
# the files stay, the drain ends the run
fresh 3 100
stub_start hang
t0=$(secs)
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$STUB_PORT" --machine-id $ID --stall-timeout 1s \
	--connect-timeout 1s --drain-timeout 4s --retry-min 0.1s --stats "$T/st" <"$T/list" >"$T/out" 2>"$T/err"; st=$?
t1=$(secs)
[ $st = 1 ] || fail "hang: exit $st $(cat "$T/err")"
[ $((t1 - t0)) -le 8 ] || fail "hang: took $((t1 - t0)) s"
grep -qi 'too slow\|timed out\|timeout' "$T/err" || fail "hang: no timeout said: $(cat "$T/err")"
[ "$(stat_of failed_attempts "$T/st")" -gt 0 ] && [ "$(stat_of left "$T/st")" = 5 ] || fail "hang: $(cat "$T/st")"
[ "$(grep -c 'left on disk' "$T/err")" = 5 ] && accounted && [ ! -s "$T/out" ] || fail "hang: files"
# SIGTERM: input no longer read, a drain of --drain-timeout, then exit 1
# with the files listed; a second signal ends the drain at once
for sigs in 1 2; do
	mkfifo "$T/in.$sigs"
	iotrc-upload -r "$T/root" -e "http://127.0.0.1:$STUB_PORT" --machine-id $ID --stall-timeout 30s \
		--drain-timeout 3s <"$T/in.$sigs" >"$T/out" 2>"$T/err" &
	up=$!
	exec 3>"$T/in.$sigs"           # the input stays open: only the signal ends it
	cat "$T/list" >&3
	sleep 1
	t0=$(secs)
	kill -TERM $up; [ $sigs = 2 ] && { sleep 0.3; kill -TERM $up; }
	wait $up; st=$?
	t1=$(secs)
	exec 3>&-
	[ $st = 1 ] && [ "$(grep -c 'left on disk' "$T/err")" = 5 ] && accounted ||
		fail "SIGTERM x$sigs: exit $st $(cat "$T/err")"
	if [ $sigs = 1 ]; then [ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 6 ] || fail "SIGTERM: drained $((t1 - t0)) s"
	else [ $((t1 - t0)) -le 1 ] || fail "SIGTERM x2: took $((t1 - t0)) s"; fi
done
stub_stop; STUB_PORT=

# 5. a presign that answers garbage: retried, never deleted
fresh 3 100
nginx_start "<html>not a url</html>"
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$PORT" --machine-id $ID --drain-timeout 2s $FAST \
	--stats "$T/st" <"$T/list" >"$T/out" 2>"$T/err"; st=$?
[ $st = 1 ] && grep -q 'not an http(s) URL' "$T/st" && [ "$(stat_of config_errors "$T/st")" = 0 ] ||
	fail "garbage: exit $st $(cat "$T/err" "$T/st")"
[ "$(find "$T/root" -type f | wc -l)" = 5 ] && [ ! -s "$T/out" ] || fail "garbage: files"
nginx_stop

# 6. kill -9 mid-transfer, then --spool: each file delivered or on disk,
# and after the second run all delivered, each once in the store
fresh 30 200000
nginx_start
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$PORT" --machine-id $ID -j 2 --limit-rate 400k \
	<"$T/list" >"$T/out1" 2>"$T/err" &
up=$!
sleep 2
kill -9 $up; wait $up 2>/dev/null
n1=$(wc -l <"$T/out1")
[ "$n1" -gt 0 ] && [ "$n1" -lt 32 ] || fail "kill -9: $n1 delivered before the kill (want some, not all)"
accounted || fail "kill -9: a file was lost"
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$PORT" --machine-id $ID -j 4 --spool "$T/root" </dev/null \
	>"$T/out2" 2>"$T/err" || fail "spool after kill: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "spool after kill: not all delivered"
[ "$(find "$T/store" -type f | wc -l)" = 32 ] || fail "spool after kill: store has $(find "$T/store" -type f | wc -l)"
[ "$(find "$T/root" -type f | wc -l)" = 0 ] || fail "spool after kill: left $(find "$T/root" -type f)"
cat "$T/out1" "$T/out2" >"$T/out"; once "$T/out2" || exit 1
nginx_stop

# 7. 300 files with the server flapping (stopped and started again and
# again): all delivered, each once, nothing lost meanwhile
n=300; [ "$IOTRC_PASS" = asan ] && n=200
fresh $n 20000
nginx_start
# the flapper ends by itself when told, stopping its own nginx (a
# subshell has no EXIT trap; killing it would leave an nginx behind)
( for i in 1 2 3 4 5 6; do sleep 0.5; nginx_stop; sleep 0.4; nginx_start; done
  while [ ! -e "$T/flap.stop" ]; do sleep 0.1; done; nginx_stop ) &
flap=$!
# shellcheck disable=SC2086
iotrc-upload -r "$T/root" -e "http://127.0.0.1:$PORT" --machine-id $ID -j 4 --limit-rate 300k \
	--drain-timeout 60s --retry-min 0.05s --retry-max 0.3s --connect-timeout 1s --stall-timeout 2s \
	--stats "$T/st" <"$T/list" >"$T/out" 2>"$T/err"; st=$?
touch "$T/flap.stop"; wait $flap; NGINX_PID=
[ $st = 0 ] || fail "flapping: exit $st $(tail -n 5 "$T/err")"
[ "$(wc -l <"$T/out")" = $((n + 2)) ] && once "$T/out" || fail "flapping: $(wc -l <"$T/out") lines"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "flapping: not all delivered"
[ "$(find "$T/store" -type f | wc -l)" = $((n + 2)) ] || fail "flapping: store count"
[ "$(stat_of failed_attempts "$T/st")" -gt 0 ] || fail "flapping: the server never failed: $(cat "$T/st")"
echo "faults: down at start, 500s, 403, hang, garbage, kill -9 + spool, flapping ($n files, $(stat_of failed_attempts "$T/st") failed attempts): ok"
