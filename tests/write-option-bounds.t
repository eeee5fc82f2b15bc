#!/bin/sh
# iotrc-write refuses sizes and durations outside their bounds with a usage
# error that states the bound (exit 2, nothing created): a --max-row of
# 2^64-1 must not wrap "max_row + 2", one of 64G must not be allocated up
# front; the largest accepted --max-row still works.
set -u
fail() { echo "FAIL: $*"; exit 1; }
try() {   # want-status want-stderr-pattern args...
	want=$1 pat=$2; shift 2
	iotrc-write -d "$T/o" -p fs "$@" </dev/null >/dev/null 2>"$T/err"; st=$?
	[ $st = "$want" ] || fail "$*: exit $st, want $want: $(cat "$T/err")"
	[ -z "$pat" ] || head -n 1 "$T/err" | grep -q -- "$pat" || fail "$*: message: $(head -n 1 "$T/err")"
}
try 2 '--max-row: too big: 18446744073709551615 (16 to 256M)' --max-row 18446744073709551615
try 2 '--max-row: too big: 64G (16 to 256M)' --max-row 64G
try 2 '--max-row: too small: 15 (16 to 256M)' --max-row 15
try 2 '--max-row: bad size: 1Q' --max-row 1Q
try 2 '--max-bytes: too big: 2048G (0 to 1024G)' --max-bytes 2048G
try 2 '--max-rows: out of range' --max-rows 18446744073709551615
try 2 '--flush-interval: too short: 0 (1ms to' -f 0
try 2 '--max-age: too long' -a 100000000000
[ -e "$T/o" ] && fail "a usage error created DIR"
try 0 '' --max-row 256M
echo ok
