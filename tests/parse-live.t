#!/bin/sh
# Records from this host, now: cmdline comes from the live process (cut at
# 512 bytes plus "...", hashed under -a) and a descriptor opened before
# the trace is named from the live process's descriptor table.
set -eu
export TZ=UTC
echo hello >"$T/before.txt"
long=$(printf 'x%.0s' $(seq 1 600))
mkdir "$T/wd"
(cd "$T/wd" && exec "$PY" -c 'import sys, time; f = open(sys.argv[1]); time.sleep(30)' "$T/before.txt" "$long") &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 0.5
fd=$(ls -l /proc/$pid/fd | awk -v p="$T/before.txt" '$NF == p { print $(NF-2) }')
[ -n "$fd" ] || { echo "no fd for $T/before.txt in /proc/$pid/fd"; exit 1; }
printf '%s\n' '#iotrc-records 1 stream=vfs engine=bpftrace os=linux clock=ns' \
	"read|$pid|1|$pid|python3||12345|6|0|12000|$fd|-1|||6|-1|0|0" \
	"openat|$pid|1|$pid|python3||12400|-1|2|12390|-100|-1|rel.txt||0|-1|0|0" | tr '|' '\001' >"$T/in"
iotrc-parse vfs <"$T/in" >"$T/out"
iotrc-parse -a --anon-key "$T/key" vfs <"$T/in" >"$T/anon"
"$PY" - "$T" "$long" <<'PY'
import sys, pandas as pd
t, long = sys.argv[1], sys.argv[2]
r = pd.read_csv(f'{t}/out', dtype=str, keep_default_na=False).iloc[0]
assert r['filename'] == f'{t}/before.txt', r['filename']
want = f"{sys.executable if False else '/usr/bin/python3'}"
c = r['cmdline']
assert c.endswith('...') and len(c) == 515, (len(c), c[:80])
assert ' -c import sys' in c and c.startswith('/usr/bin/python3'), c[:80]
assert r['timestamp'] != ''          # wall time derived from the live clock
o = pd.read_csv(f'{t}/out', dtype=str, keep_default_na=False).iloc[1]
assert o['filename'] == f'{t}/wd/rel.txt', o['filename']   # the live cwd joined
a = pd.read_csv(f'{t}/anon', dtype=str, keep_default_na=False).iloc[0]
assert len(a['cmdline']) == 12 and a['cmdline'] != c
print('cmdline', len(c), 'bytes; fd', r['filename'])
PY
