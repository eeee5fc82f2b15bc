#!/bin/sh
# Long paths are kept or visibly cut, never silently emptied (issue 14 #8):
# a path whose escaped text is 4096 bytes or more used to give an empty
# filename with no counter (a 1024-character non-ASCII path escaped as
# \ooo already did). Now the decoded path is kept whole when it fits the
# cell, else cut at a character boundary, marked with "...", and counted
# in --stats paths_cut.
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
S = '\x01'
def esc(p):
    return ''.join(c if 0x20 < b < 0x7f and c != '\\' else '\\%03o' % b
                   for b, c in ((b, chr(b)) for b in p.encode()))
def rec(path):
    return S.join(['open', '9', '1', '9', 'x', '1763900000000000000', '5', '3', '0', '1', '-1', '-1',
                   esc(path), '', '0', '-1', '0', '0'])
paths = ['/u/' + 'é' * 1024,            # 2 KiB decoded, 8 KiB escaped: fits
         '/a/' + 'b' * 5000,            # 5 KB plain: cut
         '/u/' + 'é' * 3000]            # 6 KB decoded: cut between characters
open(f'{t}/in', 'w').write('#iotrc-records 1 stream=vfs engine=fixture os=darwin clock=ns\n' +
                           '\n'.join(rec(p) for p in paths) + '\n')
open(f'{t}/paths', 'w', encoding='utf-8').write('\n'.join(paths))
PY
iotrc-parse --no-lookup --stats "$T/st" vfs <"$T/in" >"$T/out.csv"
"$PY" - "$T" <<'PY'
import sys, pandas as pd
t = sys.argv[1]
paths = open(f'{t}/paths', encoding='utf-8').read().split('\n')
df = pd.read_csv(f'{t}/out.csv', dtype=str, keep_default_na=False, encoding='utf-8')
f = list(df['filename'])
assert len(f) == 3, f
assert f[0] == paths[0], len(f[0])
for got, full in ((f[1], paths[1]), (f[2], paths[2])):
    assert got.endswith('...') and len(got) > 1000, (len(got), got[-10:])
    assert full.startswith(got[:-3]), 'cut text is not a prefix of the path'
    assert len(got.encode()) <= 4096
st = dict(l.split() for l in open(f'{t}/st'))
assert st['paths_cut'] == '2', st
assert st['malformed'] == '0', st
print('kept', len(f[0]), 'chars; cut to', len(f[1]), 'and', len(f[2]), 'chars; paths_cut 2')
PY
