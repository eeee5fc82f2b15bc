#!/bin/sh
# dtrace-fixtures.t — what each D script prints (tests/fixtures/dtrace-S.rec,
# one line per printf of dtrace/S.d, written by hand from its formats, TAB
# for 0x01) parses to the expected CSV (tests/fixtures/dtrace-S.csv), with
# no line malformed. Each record must have the field count of its format:
# the formats themselves are checked by tests/dtrace-check.pl.
set -u
fail() { echo "FAIL: $*"; exit 1; }
for s in vfs io net; do
	tr '\t' '\001' <tests/fixtures/dtrace-$s.rec |
		TZ=UTC iotrc-parse --no-lookup --stats "$T/st" $s >"$T/$s.csv" 2>"$T/err" ||
		{ cat "$T/err"; fail "$s: iotrc-parse"; }
	grep -qx 'malformed 0' "$T/st" || fail "$s: malformed lines: $(tr '\n' ' ' <"$T/st")"
	diff -u tests/fixtures/dtrace-$s.csv "$T/$s.csv" || fail "$s: CSV differs"
	echo "ok: dtrace/$s.d fixture: $(($(wc -l <"$T/$s.csv") - 1)) rows as expected"
done
