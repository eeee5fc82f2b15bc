#!/bin/sh
# Tricky paths (commas, quotes, newlines, spaces, tabs, backslashes, 0x01,
# UTF-8, invalid UTF-8, 1023-byte paths), escaped as DTrace's %S does, come
# back byte for byte through iotrc-parse and pandas.read_csv — on the open
# rows and on the read rows that get their name from the descriptor table.
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import os, subprocess, sys
import pandas as pd
t = sys.argv[1]

def esc(b):  # libdtrace strchr2esc, as %S prints
    out = bytearray()
    table = {0x5c: b'\\\\', 0x22: b'\\"', 0x0a: b'\\n', 0x09: b'\\t', 0x0d: b'\\r',
             0x07: b'\\a', 0x08: b'\\b', 0x0c: b'\\f', 0x0b: b'\\v'}
    for c in b:
        if c in table: out += table[c]
        elif c < 0x20 or c == 0x7f: out += b'\\%03o' % c
        else: out.append(c)
    return bytes(out)

paths = [b'/tmp/plain.txt', b'/tmp/a,b,c.csv', b'/tmp/say "hi".txt', b'/tmp/two\nlines',
         b'/tmp/ lead and trail ', b'/tmp/tab\there', b'/tmp/back\\slash\\n', b'/tmp/soh\x01x',
         '/tmp/ünïcödé/日本語.txt'.encode(), b'/tmp/bad\xff\xfeutf8\xc3', b'/tmp/cr\r\n',
         b'/tmp/comma,"quote"\n,all', b'/' + b'd' * 1022]
assert len(paths[-1]) == 1023
recs = [b'#iotrc-records 1 stream=vfs engine=fixture os=darwin clock=ns']
for i, p in enumerate(paths):
    fd = 10 + i
    recs.append(b'\x01'.join([b'open', b'42', b'1', b'7', esc(b'we,ird "cmd"'), b'1763900000000000000',
        b'1000', str(fd).encode(), b'0', b'999', b'-2', b'-1', esc(p), b'', b'0', b'-1', b'0', b'0']))
    recs.append(b'\x01'.join([b'read', b'42', b'1', b'7', b'cat', b'1763900000000000000',
        b'2000', b'5', b'0', b'1999', str(fd).encode(), b'-1', b'', b'', b'5', b'-1', b'0', b'0']))
open(f'{t}/in.rec', 'wb').write(b'\n'.join(recs) + b'\n')
with open(f'{t}/in.rec', 'rb') as i, open(f'{t}/out.csv', 'wb') as o:
    subprocess.run(['iotrc-parse', 'vfs'], stdin=i, stdout=o, check=True)
df = pd.read_csv(f'{t}/out.csv', dtype=str, keep_default_na=False, encoding='utf-8',
                 encoding_errors='surrogateescape')
assert len(df) == 2 * len(paths), len(df)
got = [os.fsencode(x) for x in df['filename']]
for i, p in enumerate(paths):
    assert got[2 * i] == p, (i, got[2 * i], p)
    assert got[2 * i + 1] == p, ('read', i, got[2 * i + 1], p)
assert set(df['command'][::2]) == {'we,ird "cmd"'}
print(f'{len(paths)} tricky paths round-trip through pandas')
PY
