#!/bin/sh
# iotrc-write stopped by SIGTERM while input is still coming: every row it
# had read from stdin is written or counted as dropped, never lost quietly
# (DESIGN.md "Never lose data quietly"). Two cases: a producer that never
# pauses (the writer stops after its 2 s drain with lines still in its
# buffer), and a producer that paused in the middle of a row.
set -u
fail() { echo "FAIL: $*"; exit 1; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
hdr='timestamp,operation,pid,path,size,mono_ns'
row='2024-05-01 10:00:00.000001,read,1,/a/b,4096,123456789'
H=$(( ${#hdr} + 1 )) L=$(( ${#row} + 1 ))

# a producer that never pauses: rows of one length, so the bytes read
# (bytes_in) say how many whole rows were read, and whether a piece of one
awk -v r="$row" 'BEGIN { for (i = 0; i < 3000; i++) print r }' >"$T/chunk"
{ echo "$hdr"; while cat "$T/chunk"; do :; done; } 2>/dev/null |
	iotrc-write -d "$T/busy" -p fs --stats "$T/busy.st" >/dev/null 2>"$T/busy.err" & pid=$!
i=0; while [ ! -s "$T/busy.st" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
kill -TERM $pid
wait $pid; st=$?
[ $st = 0 ] || fail "busy: exit $st $(cat "$T/busy.err")"
bi=$(val bytes_in "$T/busy.st") ri=$(val rows_in "$T/busy.st")
rw=$(val rows_written "$T/busy.st") rd=$(val rows_dropped "$T/busy.st")
want=$(( (bi - H) / L )); [ $(( (bi - H) % L )) = 0 ] || want=$((want + 1))
[ "$ri" = "$want" ] || fail "busy: read $bi bytes = $want rows, rows_in $ri (lost $((want - ri)))"
[ $((rw + rd)) = "$ri" ] || fail "busy: rows_in $ri != written $rw + dropped $rd"
[ "$(zstd -qdc "$T"/busy/*.zst | grep -vc "^timestamp,")" = "$rw" ] || fail "busy: files hold other rows"
echo "busy producer: $ri rows read, $rw written, $rd dropped"

# a producer that stopped in the middle of a row, pipe still open
mkfifo "$T/fifo"
iotrc-write -d "$T/torn" -p fs --stats "$T/torn.st" <"$T/fifo" >/dev/null 2>"$T/torn.err" & pid=$!
exec 3>"$T/fifo"
printf '%s\n%s\n%s\n2024-05-01 10:00:00.000002,wri' "$hdr" "$row" "$row" >&3
i=0; while [ ! -s "$T/torn.st" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
kill -TERM $pid
wait $pid; st=$?
exec 3>&-
[ $st = 0 ] || fail "torn: exit $st"
for kv in "rows_in 3" "rows_written 2" "rows_dropped 1"; do
	grep -qx "$kv" "$T/torn.st" || fail "torn: want $kv: $(cat "$T/torn.st")"
done
grep -q 'stopped in the middle of a row' "$T/torn.err" || fail "torn: stderr $(cat "$T/torn.err")"
echo ok
