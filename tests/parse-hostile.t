#!/bin/sh
# Hostile input never stops iotrc-parse: random bytes, truncated and
# interleaved records, NULs, over-long lines, non-numbers, unknown ops,
# headers of other streams and versions — all skipped and counted, the
# good records around them still parsed, the CSV still readable.
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import os, random, subprocess, sys
import pandas as pd
t = sys.argv[1]
rnd = random.Random(1234)
good = lambda i: b'\x01'.join([b'read', b'%d' % (100 + i), b'1', b'7', b'cat', b'1763900000000000000',
        b'2000', b'5', b'0', b'1999', b'3', b'-1', b'', b'', b'5', b'-1', b'0', b'0'])
lines, want = [b'#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns'], 0
bad = {'malformed': 0, 'unknown_op': 0, 'wrong_stream': 0}
for i in range(3000):
    k = rnd.randrange(10)
    if k < 4:
        lines.append(good(i)); want += 1
    elif k == 4:   # truncated
        g = good(i); lines.append(g[:1 + rnd.randrange(len(g) - 12)]); bad['malformed'] += 1
    elif k == 5:   # binary junk without separators or newlines
        lines.append(bytes(rnd.randrange(2, 256) for _ in range(rnd.randrange(1, 300))).replace(b'\n', b'x').replace(b'\x01', b'y').replace(b'\r', b'r').lstrip(b'#') or b'z'); bad['malformed'] += 1
    elif k == 6:   # non-number in a numeric field
        f = good(i).split(b'\x01'); f[rnd.choice([1, 6, 7, 10, 14])] = b'12ab'; lines.append(b'\x01'.join(f)); bad['malformed'] += 1
    elif k == 7:   # two records interleaved on one line
        lines.append(good(i)[:30] + good(i + 1)); bad['malformed'] += 1
    elif k == 8:
        f = good(i).split(b'\x01'); f[0] = b'frobnicate'; lines.append(b'\x01'.join(f)); bad['unknown_op'] += 1
    else:          # NUL bytes inside
        lines.append(good(i).replace(b'cat', b'c\x00t')); want += 1
lines += [b'#iotrc-records 1 stream=net engine=fixture', good(1), good(2),
          b'#iotrc-records 7 stream=vfs', good(3),
          b'#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns', good(4)]
bad['wrong_stream'] = 3; want += 1
lines.insert(500, b'L' * 3_000_000)     # longer than any buffer
data = b'\n'.join(lines)                 # and no final newline
open(f'{t}/in.rec', 'wb').write(data)
with open(f'{t}/in.rec', 'rb') as i, open(f'{t}/out.csv', 'wb') as o:
    r = subprocess.run(['iotrc-parse', '-v', '--stats', f'{t}/st', 'vfs'], stdin=i, stdout=o, stderr=subprocess.PIPE, timeout=60)
assert r.returncode == 0, r
err = r.stderr.decode('utf-8', 'replace').splitlines()
assert sum('skipped line' in e for e in err) == 5, err[:8]      # only the first few quoted
st = dict(l.split(' ', 1) for l in open(f'{t}/st').read().splitlines())
assert int(st['rows_written']) == want, (st, want)
for k, v in bad.items():
    assert int(st[k]) == v, (k, st[k], v)
assert st['too_long'] == '1', st
df = pd.read_csv(f'{t}/out.csv', dtype=str, keep_default_na=False)
assert len(df) == want and len(df.columns) == 23
print(f"{want} good rows kept; skipped: {bad}, 1 over-long line")
PY
# random bytes of every kind on every stream: exit 0, never a crash
for s in vfs io net; do
	head -c 2000000 /dev/urandom | iotrc-parse $s >/dev/null 2>"$T/err" || { echo "$s: exit $?"; cat "$T/err"; exit 1; }
done
# bad usage is a one-line error and exit 2
st=0; iotrc-parse bogus </dev/null >/dev/null 2>"$T/err" || st=$?
[ $st = 2 ] && head -n 1 "$T/err" | grep -q 'unknown stream: bogus' || { echo "bad stream: exit $st"; cat "$T/err"; exit 1; }
st=0; iotrc-parse --timebase 5 vfs </dev/null >/dev/null 2>"$T/err" || st=$?
[ $st = 2 ] || { echo "bad timebase: exit $st"; exit 1; }
iotrc-parse -h | grep -q '^usage: iotrc-parse'
echo ok
