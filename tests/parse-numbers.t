#!/bin/sh
# Numbers in records are parsed with overflow checks: a value outside int64
# is malformed and counted, never wrapped (19-digit values used to wrap:
# -9999999999999999999 came out as 8446744073709551617, 9223372036854775808
# as INT64_MIN, and -9223372036854775808 aborted the UBSan build); the
# extremes that do fit are kept exactly. A block record whose residual count
# is a huge unsigned value keeps its row, with the size left empty
# (issue 14 #10).
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
S = '\x01'
def vfs(ret):
    return S.join(['read', '100', '1', '5', 'cat', '1763900000000000000', '1000', ret, '0',
                   '900', '3', '-1', '', '', '4096', '-1', '0', '0'])
vals = ['-9999999999999999999', '9223372036854775808', '18446744073709551616',
        '99999999999999999999', '-9223372036854775809',
        '-9223372036854775808', '9223372036854775807', '-999999999999999999', '999999999999999999']
open(f'{t}/vfs.rec', 'w').write('\n'.join(['#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns'] +
                                          [vfs(v) for v in vals]) + '\n')
def io(resid):
    return S.join(['done', '7', '1', '7', 'kernel_task', '1763900000000000000', '2000', '1', '4', '100',
                   '4096', resid, '1', '0', '1000', '0', ''])
open(f'{t}/io.rec', 'w').write('\n'.join(['#iotrc-records 1 stream=io engine=fixture os=darwin clock=ns'] +
                                         [io(r) for r in ['18446744073709551615', '96', '', 'x1']]) + '\n')
PY
iotrc-parse --no-lookup --stats "$T/vfs.stats" vfs <"$T/vfs.rec" >"$T/vfs.csv" 2>"$T/vfs.err"
iotrc-parse --no-lookup --stats "$T/io.stats" io <"$T/io.rec" >"$T/io.csv" 2>"$T/io.err"
"$PY" - "$T" <<'PY'
import sys, pandas as pd
t = sys.argv[1]
st = dict(l.split() for l in open(f'{t}/vfs.stats'))
v = pd.read_csv(f'{t}/vfs.csv', dtype=str, keep_default_na=False)
got = list(v['return_value'])
want = ['-9223372036854775808', '9223372036854775807', '-999999999999999999', '999999999999999999']
assert got == want, got
assert st['malformed'] == '5', st
b = pd.read_csv(f'{t}/io.csv', dtype=str, keep_default_na=False)
assert list(b['size']) == ['', '4000', '4096'], list(b['size'])
sb = dict(l.split() for l in open(f'{t}/io.stats'))
assert sb['malformed'] == '1', sb
print('out of range: 5 malformed, extremes kept; io rows', len(b), 'sizes', list(b['size']))
PY
