#!/bin/sh
# lib/pyfmt.h and wall_fmt_py against Python itself: repr() of 20000
# doubles (random bit patterns, random magnitudes, the edges of the
# positional form) and str(datetime.fromtimestamp(os.stat float)) of 20000
# file times in three zones (DST switches included), byte for byte — the
# cells upstream's snapshots write (upstream.md §2.1, §3).
set -eu
D=$IOTRC_BUILD/tests/pyfmt_dump
[ -x "$D" ] || { echo "pyfmt_dump not built"; exit 1; }
"$PY" - "$D" <<'PY'
import datetime, os, random, struct, subprocess, sys, time
dump = sys.argv[1]
rnd = random.Random(16)
vals = [0.0, -0.0, 2.0, 0.1, 1e-05, 0.0001, 1e16, 1e15, 9999999999999998.0, 5e-324,
        1.7976931348623157e308, -0.5, 12.5, 2 / 3, 100.0, 123456789012345678.0, 1e22, 0.3]
while len(vals) < 20000:
    k = rnd.random()
    if k < 0.3:
        v = struct.unpack('<d', struct.pack('<Q', rnd.getrandbits(64)))[0]
        if v != v or v in (float('inf'), float('-inf')):
            continue
    elif k < 0.7:
        v = rnd.uniform(-1, 1) * 10 ** rnd.randint(-8, 20)
    else:                             # what the snapshots write: bytes / 1024, percents
        v = rnd.randint(0, 1 << 40) / 1024 if k < 0.85 else rnd.randint(0, 10**9) / rnd.randint(1, 10**9) * 100
    vals.append(v)
inp = ''.join('r %016x\n' % struct.unpack('<Q', struct.pack('<d', v))[0] for v in vals)
got = subprocess.run([dump], input=inp, capture_output=True, text=True, check=True).stdout.split('\n')
bad = [(v, g) for v, g in zip(vals, got) if repr(v) != g]
if bad:
    print('repr differs:', bad[:5]); sys.exit(1)
times = [(0, 0), (1, 999999500), (1, 500), (1, 1500), (1714557600, 500000000), (-1, 500),
         (1710054000, 0), (1711846799, 999999999), (1711846800, 0)]
while len(times) < 20000:
    times.append((rnd.randint(0, 2**32), rnd.randint(0, 999999999) if rnd.random() < 0.9 else rnd.randint(0, 999) * 1000))
inp = ''.join('t %d %d\n' % t for t in times)
for tz in ('UTC', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns'):
    os.environ['TZ'] = tz
    time.tzset()
    got = subprocess.run([dump], input=inp, capture_output=True, text=True, check=True, env=os.environ).stdout.split('\n')
    want = [str(datetime.datetime.fromtimestamp(s + ns * 1e-9)) for s, ns in times]
    bad = [(t, g, w) for t, g, w in zip(times, got, want) if g != w]
    if bad:
        print(tz, 'differs:', bad[:5]); sys.exit(1)
print(f'{len(vals)} reprs and {len(times)} times in 4 zones as Python writes them')
PY
