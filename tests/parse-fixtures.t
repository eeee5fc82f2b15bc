#!/bin/sh
# iotrc-parse turns the recorded fixtures of every op of every stream
# (tests/fixtures/parse-*.rec, written from iotrc-records(5)) into exactly
# the expected CSV, and counts what it skips.
set -u
export TZ=UTC
fail=0
for s in vfs io net; do
	grep -v '^# ' tests/fixtures/parse-$s.rec | tr '\t' '\001' >"$T/$s.rec"
	iotrc-parse --stats "$T/$s.stats" $s <"$T/$s.rec" >"$T/$s.csv" 2>"$T/$s.err" || { echo "iotrc-parse $s failed"; cat "$T/$s.err"; fail=1; }
	if ! cmp -s "$T/$s.csv" tests/fixtures/parse-$s.csv; then
		echo "$s: output differs from tests/fixtures/parse-$s.csv:"; diff tests/fixtures/parse-$s.csv "$T/$s.csv" | head -20; fail=1
	fi
done
# what was skipped is counted, never silent
expect() { # stream key value
	v=$(awk -v k="$2" '$1 == k { print $2 }' "$T/$1.stats")
	[ "$v" = "$3" ] || { echo "$1: stats $2 = '$v', want $3"; fail=1; }
}
expect vfs records_read 56; expect vfs rows_written 48; expect vfs excluded 2
expect vfs filtered 2; expect vfs unknown_op 1; expect vfs malformed 0
expect io rows_written 16; expect io malformed 0; expect net rows_written 25; expect net malformed 1; expect net unknown_op 1
# --exclude-pid drops a process's records and counts them
iotrc-parse --exclude-pid 501 --exclude-pid 7 --stats "$T/ex.stats" vfs <"$T/vfs.rec" >"$T/ex.csv"
[ "$(grep -c ',501,' "$T/ex.csv")" = 0 ] || { echo "pid 501 not excluded"; fail=1; }
[ "$(awk '$1=="excluded"{print $2}' "$T/ex.stats")" = 6 ] || { echo "excluded count"; cat "$T/ex.stats"; fail=1; }
[ "$(wc -l <"$T/ex.csv")" = $(( $(wc -l <tests/fixtures/parse-vfs.csv) - 2 )) ] || { echo "exclude row count"; fail=1; }
# the CSV is what the schema says: header, column counts, pandas reads it
[ -f "${SHARED:-../shared}/schema.tsv" ] || { echo "no $SHARED/schema.tsv: header check skipped"; exit $fail; }
"$PY" - "$T" <<'PY' || fail=1
import sys, pandas as pd
t = sys.argv[1]
cols = {}
import os
for line in open(os.environ.get('SHARED', '../shared') + '/schema.tsv'):
    if line.startswith('#') or line.startswith('stream\t'): continue
    f = line.rstrip('\n').split('\t')
    cols.setdefault(f[0], []).append(f[3])
for s, name in (('vfs', 'fs'), ('io', 'block'), ('net', 'nw_conn')):
    df = pd.read_csv(f'{t}/{s}.csv', dtype=str, keep_default_na=False)
    assert list(df.columns) == cols[name], (s, list(df.columns))
print('pandas ok')
PY
exit $fail
