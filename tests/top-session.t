#!/bin/sh
# iotrc-top --session follows a running session: iotrc-write writes fs/
# from a pipe fed in three parts; after each part the live counters (read
# through --listen's JSON, as the page reads them) equal that part's rows
# exactly: first only frames flushed into the file being written (no file
# finished yet), then across a rotation (finished files plus the next
# file's frames), then after the writer ended. Nothing is read twice (the
# counters never pass the rows written), nothing is missed; each process
# and file is exact. The plain text view goes on beside it.
set -u
GEN="$PY tests/helpers/top_gen.py"
API="$PY tests/helpers/top_api.py"
fail() { echo "FAIL: $*"; cat "$T/top.err" 2>/dev/null; exit 1; }
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

$GEN workload 6000 5 "$T/want.json" >"$T/w.csv" || fail generator
head -n 1001 "$T/w.csv" >"$T/p1.csv"                       # header + 1000 rows
head -n 1 "$T/w.csv" >"$T/p2.csv"; sed -n '1002,4500p' "$T/w.csv" >>"$T/p2.csv"
head -n 1 "$T/w.csv" >"$T/p3.csv"; sed -n '4501,$p' "$T/w.csv" >>"$T/p3.csv"
# the parts split rows only at newlines outside quotes? check, or the
# expectations below would be off
[ "$($API totals "$T/p1.csv" "$T/p2.csv" "$T/p3.csv")" = "$($API totals "$T/w.csv")" ] ||
	fail "the workload's parts do not add up (a quoted newline at a cut)"

mkdir -p "$T/sess"
mkfifo "$T/in"
iotrc-write -d "$T/sess/fs" -p fs -r 2000 -f 0.05 <"$T/in" >"$T/ann" 2>"$T/w.err" &
wpid=$!; pids="$wpid"
exec 3>"$T/in"
iotrc-top --session "$T/sess" --listen 127.0.0.1:0 -d 0.2 >"$T/plain.out" 2>"$T/top.err" 3>&- &
tpid=$!; pids="$pids $tpid"
url=$($API port "$T/top.err") || fail "no server"
grep -q "(loopback only" "$T/top.err" || fail "does not say loopback: $(cat "$T/top.err")"

# part 1: 1000 rows, all in the file being written (frames flushed, not finished)
cat "$T/p1.csv" >&3
$API wait "$url" "$T/p1.csv" || fail "part 1 not seen"
ls -a "$T/sess/fs" | grep -q '^\.fs_.*\.csv\.zst\.part$' || fail "no .part: $(ls -a "$T/sess/fs")"
[ -s "$T/ann" ] && fail "a file was finished already: $(cat "$T/ann")"
echo "part 1: read from the .part file while it is written"

# part 2: rotation at 2000 rows: a finished file, and the next one's frames
tail -n +2 "$T/p2.csv" >&3
$API wait "$url" "$T/p1.csv" "$T/p2.csv" || fail "part 2 not seen"
[ "$(wc -l <"$T/ann")" -ge 2 ] || fail "no rotation: $(cat "$T/ann")"
echo "part 2: across $(wc -l <"$T/ann") finished files and the next .part"

# part 3, then the writer ends: every row once
tail -n +2 "$T/p3.csv" >&3
exec 3>&-
wait "$wpid" || fail "iotrc-write: exit $? $(cat "$T/w.err")"
pids=$tpid
$API wait "$url" "$T/w.csv" || fail "the end not seen"
ls -a "$T/sess/fs" | grep -q '\.part$' && fail "a .part stayed"
$API procs "$url" "$T/want.json" || fail "per process / per file"
sleep 0.5                                   # a few more polls: still exact
$API wait "$url" "$T/w.csv" --secs 1 || fail "counted again after the end"

kill "$tpid"; wait "$tpid"; st=$?
[ $st = 0 ] || fail "iotrc-top: exit $st after SIGTERM"
pids=
grep -q '^iotrc-top [0-9:]*  .*/fs  rows 6000 ' "$T/plain.out" ||
	fail "plain text: $(tail -n 5 "$T/plain.out")"
echo "plain text: $(grep -c '^iotrc-top ' "$T/plain.out") tables"

# started late: finished files and the .part already there, then more
mkdir -p "$T/late"
iotrc-write -d "$T/late/fs" -p fs -r 1500 -f 0.05 <"$T/in" >"$T/ann2" 2>"$T/w.err" &
wpid=$!; pids="$wpid"
exec 3>"$T/in"
cat "$T/p1.csv" >&3; tail -n +2 "$T/p2.csv" >&3
while [ "$(wc -l <"$T/ann2")" -lt 2 ]; do sleep 0.05; done
iotrc-top --session "$T/late" --listen 127.0.0.1:0 -d 0.2 >/dev/null 2>"$T/top.err" 3>&- &
tpid=$!; pids="$pids $tpid"
url=$($API port "$T/top.err") || fail "no server"
$API wait "$url" "$T/p1.csv" "$T/p2.csv" || fail "late start: not everything there"
tail -n +2 "$T/p3.csv" >&3; exec 3>&-
wait "$wpid" || fail "iotrc-write"
$API wait "$url" "$T/w.csv" || fail "late start: the end"
echo "ok"
