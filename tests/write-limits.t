#!/bin/sh
# iotrc-write option edges: a row of exactly --max-row bytes is kept (only
# longer ones are dropped, iotrc-write(1)), with LF or CR LF; durations
# that are not a number, or nonzero but under 1 ms (they would round to 0,
# "no limit"), are usage errors.
set -u
fail() { echo "FAIL: $*"; exit 1; }
for eol in lf crlf; do
	rm -rf "$T/o"
	$PY -c 'import sys; e = {"lf": "\n", "crlf": "\r\n"}[sys.argv[1]]
sys.stdout.write("a,b" + e + "1," + "x" * 4998 + e + "2," + "y" * 4999 + e + "3,4" + e)' \
		$eol >"$T/in.csv"
	iotrc-write -d "$T/o" -p t --max-row 5000 --stats "$T/st" <"$T/in.csv" >/dev/null 2>"$T/err" ||
		fail "exit $?"
	for kv in "rows_in 3" "rows_written 2" "rows_too_long 1"; do
		grep -qx "$kv" "$T/st" || fail "eol $eol: want $kv: $(cat "$T/st")"
	done
	zstd -qdc "$T"/o/*.zst | grep -q "^1,x\{4998\}\$" || fail "eol $eol: the 5000-byte row is missing"
done
for args in "-f nan" "-a nan" "--retry-interval NaN" "-a 1e-12" "-f 0" "-a inf"; do
	# shellcheck disable=SC2086
	iotrc-write -d "$T/u" -p fs $args </dev/null >/dev/null 2>"$T/err"; st=$?
	[ $st = 2 ] || fail "$args: exit $st, want 2"
done
iotrc-write -d "$T/z" -p fs -a 0 -f 0.001 </dev/null || fail "-a 0 -f 0.001 refused"
echo ok
