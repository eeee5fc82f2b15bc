#!/bin/sh
# review: an IPv4 address given as 8 hex digits at the very end of the
# input (no final newline), read right after an over-long line of hex-like
# bytes, makes addr_text() call strspn() on a field that is not
# NUL-terminated: it runs through stale reader memory and past the end of
# the 256 KiB heap buffer (filters/parse/parse_net.c addr_text). ASan reports a
# heap-buffer-overflow, so this fails in the asan pass.
set -eu
export TZ=UTC
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
rec = '\x01'.join(['bind', '100', '1', '5', 'nc', '1763900000000000000', '5000', '0', '0', '4999',
                   '3', '2', '1', '0', '0', '80', '7f000001'])
open(f'{t}/in.rec', 'wb').write(b'a' * 300000 + b'\n' + rec.encode())
PY
iotrc-parse --no-lookup --os linux net <"$T/in.rec" >"$T/out.csv"
"$PY" - "$T" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(f'{sys.argv[1]}/out.csv', newline='')))
assert len(rows) == 1, rows
assert rows[0]['local_addr'] == '127.0.0.1' and rows[0]['sport'] == '80', rows[0]
print('bind row ok')
PY
