#!/bin/sh
# A quote in the middle of an unquoted field (1,ab"c) is data, as RFC 4180
# readers (pandas, Python's csv) take it: it opens nothing, so every row
# after it is still a row of its own. Input: ~200,000 rows (some quoted,
# with commas, quotes and newlines inside) with stray quotes among them;
# every row comes out, in order (pandas reads the files back), and
# --stats counts them all, with rotation by rows (-r) still working.
# Recovery frames a killed writer's leftover the same way.
set -u
fail() { echo "FAIL: $*"; exit 1; }
n=200000; [ "$IOTRC_PASS" = asan ] && n=60000
$PY - "$n" >"$T/in.csv" <<'PY' || fail "making the input"
import sys
sys.path.insert(0, "tests/helpers")
import write_check as wc
n = int(sys.argv[1])
out = [wc.to_csv(wc.HEADER, [])]
# stray quotes: odd and even counts, in the middle and at the end of a
# field, in the first field, beside a quoted field whose close is followed
# by more data ("ab"cd is the field abcd)
strays = ['2024-05-01 10:00:00.%06d,read,1001,/tmp/ab"c%d,4096,s%d',
          '2024-05-01 10:00:00.%06d,read,1002,/tmp/x""y%d,4096,s%d',
          '2024-05-01 10:00:00.%06d",write,1003,/tmp/q%d,0,s%d',
          '2024-05-01 10:00:00.%06d,read,1004,"/tmp/a,b"cd%d,1,s%d',
          '2024-05-01 10:00:00.%06d,read,1005,it"s%d",2,s%d']
step = n // 10
for k in range(10):
    out.append(wc.to_csv(None, wc.rows(step, k * step)))
    out.append(strays[k % len(strays)] % (k, k, k) + "\n")
sys.stdout.write("".join(out))
PY
rows=$(( n + 10 ))
iotrc-write -d "$T/o" -p fs --stats "$T/st" <"$T/in.csv" >"$T/ann" 2>"$T/err" ||
	fail "exit $?: $(cat "$T/err")"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"
for k in "rows_in $rows" "rows_written $rows" "rows_dropped 0" "rows_too_long 0"; do
	grep -qx "$k" "$T/st" || fail "want $k in --stats: $(tr '\n' ' ' <"$T/st")"
done
$PY tests/helpers/write_check.py same "$T/o" "$T/in.csv" || fail "rows differ"
# -r: files of 1000 rows, however many stray quotes (one row a line here)
$PY - >"$T/small.csv" <<'PY' || fail "making the small input"
import sys
sys.path.insert(0, "tests/helpers")
import write_check as wc
d = wc.rows(5000, nasty=False)
for i in (5, 2500, 3001, 4999):
    d[i][3] = 'ab"c%d' % i
sys.stdout.write(wc.to_csv(wc.HEADER, []) + "".join(",".join(r) + "\n" for r in d))
PY
iotrc-write -d "$T/r" -p fs -r 1000 --stats "$T/rst" <"$T/small.csv" >"$T/rann" ||
	fail "-r run: exit $?"
grep -qx "rows_in 5000" "$T/rst" || fail "-r: $(grep rows_in "$T/rst")"
[ "$(wc -l <"$T/rann")" = 5 ] || fail "-r 1000 on 5000 rows: $(wc -l <"$T/rann") files"
$PY tests/helpers/write_check.py same "$T/r" "$T/small.csv" || fail "-r: rows differ"
# recovery: a leftover plain file holding a stray quote keeps every row
mkdir -p "$T/k"
head -n 2001 "$T/small.csv" >"$T/k/.fs_20250101_000000_000_0001.csv.part"
printf '2024-05-01 10:00:00.2,read,1,torn' >>"$T/k/.fs_20250101_000000_000_0001.csv.part"
iotrc-write -d "$T/k" -p fs -n --stats "$T/kst" </dev/null >"$T/kann" 2>"$T/kerr" ||
	fail "recovery: exit $?: $(cat "$T/kerr")"
grep -qx "rows_recovered 2000" "$T/kst" || fail "recovery: $(grep rows_recovered "$T/kst")"
echo "$rows rows with stray quotes all written and counted; rotation and recovery frame them alike"
