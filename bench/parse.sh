#!/bin/sh
# bench/parse.sh — iotrc-parse throughput and memory (issue 2 targets:
# >= 2,000,000 vfs records/s to /dev/null on one core; peak RSS <= 64 MiB
# with one million live (pid, fd) pairs).
#   bench/parse.sh [RECORDS]        (default 5000000)
# Prints one line per measurement. Needs: make bench (done here).
set -eu
cd "$(dirname "$0")/.."
n=${1:-5000000}
make -s CFLAGS="-O2 -g" bench >/dev/null
B=build/bin; G=build/bench/gen-records
tmp=$(mktemp -d /tmp/iotrc-bench.XXXXXX); trap 'rm -rf "$tmp"' EXIT
one() { # label file stream
	/usr/bin/time -f "%e %U %M" -o "$tmp/time" taskset -c 0 $B/iotrc-parse --stats "$tmp/st" "$3" <"$2" >/dev/null
	read -r el us rss <"$tmp/time"
	rows=$(awk '$1=="rows_written"{print $2}' "$tmp/st")
	recs=$(awk '$1=="records_read"{print $2}' "$tmp/st")
	awk -v l="$1" -v r="$recs" -v w="$rows" -v e="$el" -v u="$us" -v m="$rss" -v b="$(wc -c <"$2")" 'BEGIN {
		printf "%-28s %9d records %9d rows %6.2f s  %9.0f records/s  %6.1f MB/s in  peak RSS %5.1f MiB\n",
		       l, r, w, e, r / (e > 0 ? e : 1e-9), b / 1e6 / (e > 0 ? e : 1e-9), m / 1024 }'
}
for s in vfs io net; do
	$G -s $s -n "$n" >"$tmp/$s.rec"
	one "parse $s (1 core)" "$tmp/$s.rec" $s
done
$G -s vfs -n 1000000 -l 1000000 -p 500 -f 50000 >"$tmp/live.rec"
one "vfs, 1M live (pid,fd) pairs" "$tmp/live.rec" vfs
echo "   live descriptors held: $(awk '$1=="fd_entries"{print $2}' "$tmp/st"), evicted: $(awk '$1=="fd_evictions"{print $2}' "$tmp/st")"
