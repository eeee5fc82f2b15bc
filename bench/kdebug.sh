#!/bin/sh
# bench/kdebug.sh — iotrc-kdebug --replay decode rate and peak RSS on a
# generated realistic event mix (issue 10 target: >= 5,000,000 kd_buf
# records/s on one core).
#   bench/kdebug.sh [EVENTS]        (default 20000000)
# The mix (tests/helpers/kdgen.c "mix"): 64 threads in 8 processes; per
# 100 operations 35 read_nocancel, 20 write, 10 pread, 10 open_nocancel
# with a 2-3 record VFS_LOOKUP, 10 close_nocancel, 10 stat64 with a lookup,
# 5 disk I/O issue/done pairs. All three streams are written to /dev/null.
# Prints one line per measurement. Needs: make tests (done here).
set -eu
cd "$(dirname "$0")/.."
n=${1:-20000000}
make -s CFLAGS="-O2 -g" all build/tests/kdgen >/dev/null
tmp=$(mktemp -d /tmp/iotrc-bench.XXXXXX); trap 'rm -rf "$tmp"' EXIT
build/tests/kdgen mix "$n" >"$tmp/mix.kd"
one() { # label, then iotrc-kdebug options
	label=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" taskset -c 0 build/bin/iotrc-kdebug \
		--replay "$tmp/mix.kd" --timebase 125/3 --stats "$tmp/st" "$@"
	read -r el us sy rss <"$tmp/time"
	ev=$(awk '$1=="events"{print $2}' "$tmp/st")
	rec=$(awk '$1 ~ /^records_/ {s += $2} END {print s}' "$tmp/st")
	awk -v l="$label" -v n="$ev" -v r="$rec" -v e="$el" -v c="$us $sy" -v m="$rss" -v b="$(wc -c <"$tmp/mix.kd")" 'BEGIN {
		split(c, t, " "); cpu = t[1] + t[2]
		printf "%-28s %9d events %9d records %6.2f s  %9.0f events/s (%9.0f per CPU s)  %6.1f MB/s in  peak RSS %5.1f MiB\n",
		       l, n, r, e, n / (e > 0 ? e : 1e-9), n / (cpu > 0 ? cpu : 1e-9), b / 1e6 / (e > 0 ? e : 1e-9), m / 1024 }'
}
one "replay, 3 streams (1 core)" --vfs /dev/null --io /dev/null --net /dev/null
one "replay, vfs only (1 core)" --vfs /dev/null
