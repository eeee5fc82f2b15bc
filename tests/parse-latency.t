#!/bin/sh
# block latency_ms is printed like Python's repr(ns / 1e6) (upstream.md
# §2.1: "2.0", "0.123456", "5e-05"): checked against Python itself on
# edge cases and random values.
set -eu
"$PY" - <<'PY'
import random, subprocess
r = random.Random(7)
vals = [0, 1, 42, 99, 100, 101, 999, 1000, 1234567, 1000000, 2000000, 5, 50, 123, 120000,
        999999999, 86400000000000, 10**15 - 1, 10**15, 10**16 + 7, 2**53 + 1]
vals += [r.randrange(0, 10**r.randrange(1, 16)) for _ in range(5000)]
lines = ['#iotrc-records 1 stream=io engine=fixture os=linux clock=ns']
for v in vals:
    lines.append('\x01'.join(['done', '1', '1', '1', 'x', '1', str(10**17 + v), '8', '0', '0', '512',
                              '0', 'W', '0', str(10**17), '0', '']))
out = subprocess.run(['iotrc-parse', 'io'], input='\n'.join(lines).encode(), capture_output=True,
                     check=True).stdout.decode().splitlines()[1:]
assert len(out) == len(vals)
bad = [(v, l.split(',')[7], repr(v / 1e6)) for v, l in zip(vals, out) if l.split(',')[7] != repr(v / 1e6)]
assert not bad, bad[:10]
print(f'{len(vals)} latencies match Python repr')
PY
