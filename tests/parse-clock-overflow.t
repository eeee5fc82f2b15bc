#!/bin/sh
# review: clock arithmetic on hostile numbers overflows int64 (UB, and
# garbage cells in the plain build): vfs duration_ns = mono - entry
# (parse_vfs.c put_tail), the wall time derived as mono + wall_offset_ns
# (parse_core.c row_prefix_time), block latency_ms and nw_conn latency_ns
# when the timebase conversion of the start/entry time does not fit in
# int64 (parse_io.c row_io, parse_net.c row_net, lib/mono.h). A time that
# cannot be computed must leave its cell empty, not print a wrapped value.
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
S = '\x01'
def w(name, lines):
    open(f'{t}/{name}.rec', 'w').write('\n'.join(lines) + '\n')
# read whose mono (end) is hugely negative: mono - entry wraps to a positive
w('dur', ['#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns',
          S.join(['read', '100', '1', '5', 'cat', '1763900000000000000', '-9223372036854775807', '10', '0',
                  '1000', '3', '-1', '', '', '4096', '-1', '0', '0'])])
# no wall time, mono near INT64_MAX: mono + wall_offset_ns wraps (year 1733)
w('wall', ['#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns wall_offset_ns=1763900000000000000',
           S.join(['close', '100', '1', '5', 'cat', '', '9223372036854775000', '0', '0', '', '3', '-1', '', '',
                   '', '-1', '0', '0'])])
# start/entry whose ticks * 125 / 3 does not fit in int64
big = '1106804644422573097'
w('io', ['#iotrc-records 1 stream=io engine=fixture os=darwin clock=mach timebase=125/3',
         S.join(['done', '0', '0', '0', '', '1763900000000000000', '1000000', '1', '4', '100', '4096', '0',
                 '1', '0', big, '0', ''])])
w('net', ['#iotrc-records 1 stream=net engine=fixture os=darwin clock=mach timebase=125/3',
          S.join(['connect', '100', '1', '5', 'nc', '1763900000000000000', '1000000', '0', '0', big, '3', '2',
                  '1', '0', '0', '80', '7f000001'])])
PY
for s in dur wall; do iotrc-parse --no-lookup vfs <"$T/$s.rec" >"$T/$s.csv"; done
iotrc-parse --no-lookup io <"$T/io.rec" >"$T/io.csv"
iotrc-parse --no-lookup net <"$T/net.rec" >"$T/net.csv"
"$PY" - "$T" <<'PY'
import csv, sys
t = sys.argv[1]
row = lambda n: list(csv.DictReader(open(f'{t}/{n}.csv', newline='')))[0]
bad = []
r = row('dur')
if r['duration_ns'] != '': bad.append(('vfs duration_ns', r['duration_ns']))
if r['mono_ns'] != '' and int(r['mono_ns']) >= 2**63: bad.append(('vfs mono_ns', r['mono_ns']))
r = row('wall')
if r['timestamp'] != '' and not r['timestamp'] >= '1970': bad.append(('vfs timestamp', r['timestamp']))
r = row('io')
if r['latency_ms'] != '' and float(r['latency_ms']) < 0: bad.append(('block latency_ms', r['latency_ms']))
if r['latency_ms'] != '' and float(r['latency_ms']) > 1e3: bad.append(('block latency_ms', r['latency_ms']))
r = row('net')
if r['latency_ns'] != '' and int(r['latency_ns']) > 10**12: bad.append(('nw_conn latency_ns', r['latency_ns']))
assert not bad, bad
print('no wrapped clock values')
PY
