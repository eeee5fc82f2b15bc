#!/bin/sh
# iotrc-write: command line, round trips (zstd, --no-compress, --threads),
# file names and announcements, empty input, header changes, odd input.
set -u
CHK="$PY tests/helpers/write_check.py"
fail() { echo "FAIL: $*"; exit 1; }
n=6000; [ "$IOTRC_PASS" = asan ] && n=2500

# -h: usage on stdout, exit 0; usage errors: one line + usage, exit 2
iotrc-write -h >"$T/h.out" 2>"$T/h.err" || fail "-h exit $?"
grep -q '^usage: iotrc-write -d DIR -p PREFIX' "$T/h.out" || fail "-h: no usage on stdout"
[ -s "$T/h.err" ] && fail "-h wrote to stderr"
for args in "-p fs" "-d $T/o" "-d $T/o -p fs -a 5x" "-d $T/o -p fs -r -1" \
	    "-d $T/o -p a/b" "-d $T/o -p fs --bogus" "-d $T/o -p fs extra" "-d $T/o -p fs -l 99"; do
	# shellcheck disable=SC2086
	iotrc-write $args </dev/null >"$T/u.out" 2>"$T/u.err"; st=$?
	[ $st = 2 ] || fail "iotrc-write $args: exit $st, want 2"
	head -n 1 "$T/u.err" | grep -q '^iotrc-write: ' || fail "$args: first line: $(head -n 1 "$T/u.err")"
	[ -s "$T/u.out" ] && fail "$args: wrote to stdout"
done
[ -e "$T/o" ] && fail "a usage error created DIR"

# round trip: 3 files of 2000 rows (the last one less), every one announced
$CHK gen $n >"$T/in.csv"
( cd "$T" && iotrc-write -d out/fs -p fs -r 2000 --stats st <in.csv >ann 2>err ) ||
	fail "exit $? $(cat "$T/err")"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"
files=$(( (n + 1999) / 2000 ))
[ "$(wc -l <"$T/ann")" = $files ] || fail "announced $(cat "$T/ann")"
i=0
while read -r p; do
	i=$((i + 1))
	case $p in /*) ;; *) fail "not absolute: $p" ;; esac
	[ -f "$p" ] || fail "announced but missing: $p"
	[ "$(dirname "$p")" = "$(cd "$T/out/fs" && pwd -P)" ] || fail "not in DIR: $p"
	echo "${p##*/}" | grep -Eq "^fs_[0-9]{8}_[0-9]{6}_[0-9]{3}_$(printf %04d $i)\.csv\.zst\$" ||
		fail "name: $p"
	zstd -q -dc "$p" | head -n 1 | grep -q '^timestamp,operation,' || fail "$p: no header"
done <"$T/ann"
[ "$(ls "$T/out/fs" | grep -c .)" = $files ] || fail "other files in DIR: $(ls -a "$T/out/fs")"
ls -a "$T/out/fs" | grep -q '\.part$' && fail "a .part file stayed"
$CHK same "$T/out/fs" "$T/in.csv" || exit 1
grep -qx "rows_in $n" "$T/st" && grep -qx "rows_written $n" "$T/st" &&
	grep -qx "rows_dropped 0" "$T/st" && grep -qx "files_finished $files" "$T/st" &&
	grep -qx "bytes_in $(wc -c <"$T/in.csv")" "$T/st" && grep -q '^current_file $' "$T/st" ||
	fail "stats: $(cat "$T/st")"
out=$(cat "$T"/out/fs/*.zst | wc -c)
grep -qx "bytes_out $out" "$T/st" || fail "bytes_out: want $out: $(cat "$T/st")"

# --no-compress: plain .csv, same rows; --threads 2: zstd workers
iotrc-write -d "$T/plain" -p fs -n -r 2500 <"$T/in.csv" >"$T/ann" || fail "-n exit $?"
ls "$T/plain" | grep -v '\.csv$' && fail "-n: not .csv"
head -n 1 "$(head -n 1 "$T/ann")" | grep -q '^timestamp,' || fail "-n: no header"
$CHK same "$T/plain" "$T/in.csv" || exit 1
iotrc-write -d "$T/mt" -p fs -T 2 -l 5 <"$T/in.csv" >/dev/null || fail "-T 2 exit $?"
$CHK same "$T/mt" "$T/in.csv" || exit 1

# empty input and header-only input: no file at all (see the man page)
iotrc-write -d "$T/e1" -p fs </dev/null >"$T/ann" || fail "empty: exit $?"
head -n 1 "$T/in.csv" | iotrc-write -d "$T/e2" -p fs --stats "$T/e2.st" >>"$T/ann" ||
	fail "header only: exit $?"
[ -s "$T/ann" ] && fail "empty input announced $(cat "$T/ann")"
[ "$(ls "$T/e1" "$T/e2" | grep -c 'csv')" = 0 ] || fail "empty input made a file"
grep -qx 'rows_in 0' "$T/e2.st" || fail "header only: $(cat "$T/e2.st")"

# header changes: the same header again is skipped, another starts a file
{
	$CHK gen 30
	$CHK gen 20 30
	echo "timestamp,operation,pid"
	echo "2024-05-01 10:00:00.000001,open,7"
	echo "2024-05-01 10:00:00.000002,close,7"
} >"$T/hdr.csv"
iotrc-write -d "$T/h" -p fs --stats "$T/h.st" <"$T/hdr.csv" >"$T/ann" || fail "hdr exit $?"
[ "$(wc -l <"$T/ann")" = 2 ] || fail "header change: $(cat "$T/ann")"
f2=$(sed -n 2p "$T/ann")
[ "$(zstd -dc "$f2")" = "$(tail -n 3 "$T/hdr.csv")" ] || fail "second layout: $(zstd -dc "$f2")"
$CHK gen 50 >"$T/hdr1.csv"
mv "$f2" "$T/"; $CHK same "$T/h" "$T/hdr1.csv" || exit 1
grep -qx 'headers_repeated 1' "$T/h.st" && grep -qx 'headers_changed 1' "$T/h.st" ||
	fail "header stats: $(cat "$T/h.st")"

# CRLF, no final newline, a blank line, a row over --max-row, a torn
# quote at the end: counted, and the rest intact
long=$(head -c 3000 /dev/zero | tr '\0' x)
printf 'a,b\r\n1,2\r\n\r\n3,%s\n4,"x\ny"\n5,6\n7,"never closed\n8,9' "$long" |
	iotrc-write -d "$T/odd" -p odd --max-row 1k --stats "$T/odd.st" >"$T/ann" 2>"$T/err" ||
	fail "odd input: exit $?"
[ "$(zstd -dc "$T"/odd/*.zst)" = "$(printf 'a,b\n1,2\n4,"x\ny"\n5,6')" ] ||
	fail "odd input read back: $(zstd -dc "$T"/odd/*.zst | head -c 300)"
for kv in "rows_in 5" "rows_written 3" "rows_dropped 2" "rows_too_long 1" "blank_lines 1"; do
	grep -qx "$kv" "$T/odd.st" || fail "odd stats, want $kv: $(cat "$T/odd.st")"
done
[ "$(wc -l <"$T/err")" = 2 ] || fail "odd input stderr: $(cat "$T/err")"

# the reader of the announcements went away: the files are still made
# (for a spool scan), said once on stderr, exit 0
$PY -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
sys.exit(subprocess.run(sys.argv[1:], stdout=w, stdin=open(os.environ["T"] + "/in.csv"),
                        stderr=open(os.environ["T"] + "/err", "w")).returncode)' \
	iotrc-write -d "$T/nopipe" -p fs -r 1000 || fail "no reader: exit $?"
grep -q '^iotrc-write: stdout: cannot announce fs_.*: Broken pipe$' "$T/err" &&
	[ "$(wc -l <"$T/err")" = 1 ] || fail "no reader: stderr $(cat "$T/err")"
$CHK same "$T/nopipe" "$T/in.csv" || exit 1

# a second writer of the same prefix in the same DIR is refused
mkfifo "$T/fifo"
iotrc-write -d "$T/lk" -p fs <"$T/fifo" >/dev/null & pid=$!
exec 3>"$T/fifo"
sleep 0.2
iotrc-write -d "$T/lk" -p fs </dev/null 2>"$T/err"; st=$?
[ $st = 1 ] && grep -q 'another iotrc-write' "$T/err" || fail "lock: exit $st $(cat "$T/err")"
iotrc-write -d "$T/lk" -p fs_other </dev/null || fail "other prefix refused"
exec 3>&-
wait $pid || fail "first writer exit $?"
echo ok
