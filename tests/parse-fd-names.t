#!/bin/sh
# review: stale descriptor names.
# 1. dup2(unknown, 5) must forget what fd 5 named before: the write on fd 5
#    afterwards is not to /var/log/app.log (parse_vfs.c track, K_DUP only
#    copies when the source is known, else leaves the target's old name).
# 2. A process that was not seen forking still "inherits" its parent's
#    (pid, fd) entries: fd_name() falls back to ppid's table before asking
#    the live process, so a descriptor opened before the trace is named
#    after whatever the parent opened later (parse_vfs.c fd_name).
set -eu
export TZ=UTC
printf '%s\n' '#iotrc-records 1 stream=vfs engine=fixture os=darwin clock=ns' \
	'open|100|1|100|app|1763900000000000000|5|5|0|4|-2|-1|/var/log/app.log||0|-1|0|0' \
	'dup2|100|1|100|app|1763900000000000001|6|5|0|5|9|5|||0|-1|0|0' \
	'write|100|1|100|app|1763900000000000002|7|6|0|6|5|-1|||6|-1|0|0' | tr '|' '\001' >"$T/dup2.rec"
iotrc-parse vfs <"$T/dup2.rec" >"$T/dup2.csv"
"$PY" - "$T/dup2.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
w = [r for r in rows if r['operation'] == 'write'][0]
assert w['filename'] != '/var/log/app.log', ('write after dup2(unknown, 5) still named', w['filename'])
PY
[ -d /proc/self/fd ] || { echo "part 2 needs /proc"; exit 0; }
sleep 30 3<"$T/dup2.rec" &
child=$!
trap 'kill $child 2>/dev/null || true' EXIT
sleep 0.3
parent=$$
printf '%s\n' '#iotrc-records 1 stream=vfs engine=bpftrace os=linux clock=ns' \
	"openat|$parent|1|$parent|sh|1763900000000000000|5|3|0|4|-100|-1|/tmp/parent-log.txt||0|-1|0|0" \
	"read|$child|$parent|$child|sleep|1763900000000000001|6|6|0|5|3|-1|||6|-1|0|0" |
	tr '|' '\001' | iotrc-parse vfs >"$T/inherit.csv"
"$PY" - "$T/inherit.csv" "$T/dup2.rec" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
r = [r for r in rows if r['operation'] == 'read'][0]
assert r['filename'] == sys.argv[2], ('read on a pre-trace fd named', r['filename'], 'live says', sys.argv[2])
PY
