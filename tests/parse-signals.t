#!/bin/sh
# SIGTERM/SIGINT: iotrc-parse keeps reading what the draining engine still
# sends (until end of input, at most 5 s), writes it, and exits 0; with an
# endless input it still stops within the drain time.
set -u
rec() { printf '%s\n' "$1" | tr '|' '\001'; }
R='read|9|1|9|x|1763900000000000000|5|3|0|1|3|-1|||3|-1|0|0'
{ rec '#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns'; rec "$R"; sleep 1; rec "$R"; rec "$R"; } |
	iotrc-parse vfs >"$T/out" 2>"$T/err" &
pid=$!
sleep 0.4
kill -TERM $pid    # $! of a pipeline is its last command: iotrc-parse
wait $pid; st=$?
[ $st = 0 ] || { echo "exit $st"; cat "$T/err"; exit 1; }
[ "$(wc -l <"$T/out")" = 4 ] || { echo "rows after SIGTERM lost:"; cat "$T/out"; exit 1; }
# endless input: stops within the drain time
start=$(date +%s)
{ rec '#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns'; while :; do rec "$R" || break; sleep 0.01; done; } 2>/dev/null |
	iotrc-parse vfs >"$T/out2" &
pid=$!
sleep 0.5
kill -TERM $pid    # (SIGINT is ignored by background jobs of sh, and stays so)
for i in $(seq 1 80); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { echo "still running 8 s after SIGTERM"; kill -KILL $pid; exit 1; }
el=$(( $(date +%s) - start ))
echo "drained after SIGTERM; endless input stopped after ${el}s"
