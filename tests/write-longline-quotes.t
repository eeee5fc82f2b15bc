#!/bin/sh
# A line longer than --max-row is skipped whole, and the quotes in it keep
# the row framing in step: when the skipped line opens a quoted field, the
# lines up to the end of that row go with it (one row dropped, counted
# once), and the rows after it are intact. An endless line does not stop
# the writer's timers (it still exits on SIGTERM).
set -eu
long=$(head -c 9000 /dev/zero | tr '\0' x)
{
	echo 'timestamp,filename,mono_ns'
	echo '2025-01-01 00:00:00.000001,a,1'
	printf '2025-01-01 00:00:00.000002,"%s\n' "$long"   # opens a quote, over-long
	printf 'still inside, the same row\n'
	printf 'and this, too",2\n'
	echo '2025-01-01 00:00:00.000003,b,3'
	echo '2025-01-01 00:00:00.000004,"c,""d""",4'
} >"$T/in.csv"
iotrc-write -d "$T/o" -p fs --max-row 4k --stats "$T/st" <"$T/in.csv" >"$T/files" 2>"$T/err"
zstd -dc $(cat "$T/files") >"$T/back.csv"
want=$(printf 'timestamp,filename,mono_ns\n2025-01-01 00:00:00.000001,a,1\n2025-01-01 00:00:00.000003,b,3\n2025-01-01 00:00:00.000004,"c,""d""",4')
[ "$(cat "$T/back.csv")" = "$want" ] || { echo "framing out of step:"; cat "$T/back.csv"; exit 1; }
grep -qx 'rows_dropped 1' "$T/st" && grep -qx 'rows_too_long 1' "$T/st" || { echo "counts:"; cat "$T/st"; exit 1; }
# an endless line: SIGTERM still stops the writer within a few seconds
{ echo 'timestamp,x'; while :; do printf '%s' "$long" || break; done; } 2>/dev/null |
	iotrc-write -d "$T/e" -p fs --max-row 4k >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
for i in $(seq 1 60); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; echo "writer ignored SIGTERM during an endless line"; exit 1; }
echo "framing kept after an over-long quoted line; endless line stopped"
