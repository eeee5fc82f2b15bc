#!/bin/sh
# review: records that are not from this host, now, must not be looked up
# in this host's processes.
# 1. --os naming the other OS (re-parsing a file recorded elsewhere, no
#    header) still looks up cmdline in the local /proc or sysctl
#    (parse_core.c parser_init sets live = lookups regardless of --os).
# 2. A fixture header without wall_offset_ns gets the host's wall offset
#    on one OS but not the other: apply_header tests !p->live before the
#    engine=fixture line clears live, so the same file parses differently.
set -eu
export TZ=UTC
case $(uname -s) in Darwin) other=linux; same=darwin ;; *) other=darwin; same=linux ;; esac
printf '%s\n' "open|$$|1|$$|sh|1763900000000000000|5|3|0|4|-2|-1|/etc/x||0|-1|0|0" |
	tr '|' '\001' | iotrc-parse --os $other vfs >"$T/os.csv"
printf '%s\n' "#iotrc-records 1 stream=vfs engine=fixture os=$same clock=ns" \
	'close|7|1|7|a||5|0|0||3|-1|||||0|0' | tr '|' '\001' | iotrc-parse vfs >"$T/fix.csv"
"$PY" - "$T" <<'PY'
import csv, sys
t = sys.argv[1]
r = list(csv.DictReader(open(f'{t}/os.csv', newline='')))[0]
assert r['cmdline'] == '', ('foreign record got a local cmdline', r['cmdline'][:80])
r = list(csv.DictReader(open(f'{t}/fix.csv', newline='')))[0]
assert r['timestamp'] == '', ('fixture without wall time got the host clock', r['timestamp'])
PY
