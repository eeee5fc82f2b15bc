#!/bin/sh
# iotrc-upload --parallel N keeps N transfers in flight, and over a long
# link that is what makes it faster (issue 17: "higher with more"). On
# loopback there is no round trip to overlap, so the link here is
# tests/helpers/delay-proxy.py, 100 ms each way in front of nginx (this
# kernel may lack netem); it counts the requests in flight at once. 8
# small files, presign mode (a POST, then the PUT, through the link):
# --parallel 1 never has more than one request in flight, --parallel 4
# has exactly 4 at its peak and takes less than half as long (a ratio of
# two runs side by side, not a time limit). A small file costs two round
# trips, not three (no "Expect: 100-continue").
set -u
. tests/helpers/upload-lib.sh
need_nginx
export HOME=$T/home; mkdir -p "$HOME"
S=20240101_000000_000 ID=0F1E2D3C4B5A6978
DELAY_PORT=$(free_port)
nginx_start "http://127.0.0.1:$DELAY_PORT/dav\$request_uri?X-Sig=1\n"
# run N: upload 8 files with --parallel N through a fresh link; prints
# the run's milliseconds and leaves the link's counts in $T/delay.stats
run() {
	rm -rf "$T/root" "$T/store" "$T/orig"; mkdir -p "$T/store"
	mkfiles "$T/root" $S 6 20000; cp -a "$T/root" "$T/orig"
	find "$T/root" -type f | sort >"$T/list"
	delay_start 100 "$PORT"
	t0=$(date +%s%N)
	iotrc-upload -r "$T/root" -e "http://127.0.0.1:$DELAY_PORT" --machine-id $ID -j "$1" \
		<"$T/list" >"$T/out" 2>"$T/err" || fail "--parallel $1: exit $? $(cat "$T/err")"
	t1=$(date +%s%N)
	delay_stop
	same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" >&2 || fail "--parallel $1: store differs"
	[ "$(wc -l <"$T/out")" = 8 ] || fail "--parallel $1: $(wc -l <"$T/out") delivered, want 8"
	echo $(( (t1 - t0) / 1000000 ))
}
ms1=$(run 1) || exit 1
busy1=$(sed -n 's/^max_busy //p' "$T/delay.stats")
rt1=$(sed -n 's/^round_trips //p' "$T/delay.stats")
ms4=$(run 4) || exit 1
busy4=$(sed -n 's/^max_busy //p' "$T/delay.stats")
open4=$(sed -n 's/^max_open //p' "$T/delay.stats")
echo "--parallel 1: $ms1 ms, at most $busy1 request in flight"
echo "--parallel 4: $ms4 ms, at most $busy4 requests in flight on $open4 connections"
[ "$busy1" = 1 ] || fail "--parallel 1 had $busy1 requests in flight"
# two round trips a small file: the POST and the PUT, no "Expect:
# 100-continue" waiting for the server's go-ahead in between
[ "$rt1" = 16 ] || fail "$rt1 round trips for 8 files, want 16 (a POST and a PUT each)"
[ "$busy4" = 4 ] || fail "--parallel 4 had at most $busy4 requests in flight, want 4"
[ $((ms4 * 2)) -lt "$ms1" ] || fail "--parallel 4 took $ms4 ms, not less than half of --parallel 1's $ms1 ms"
echo "ok: 4 in flight, $((ms1 * 100 / ms4))% of --parallel 1's throughput"
