#!/bin/sh
# bench/top.sh — iotrc-top's aggregation rate and memory (issue 19 targets:
# >= 3,000,000 rows/s from an uncompressed fs CSV on one core; peak RSS
# with 1,000,000 distinct (process, file) pairs under the default budget).
#   bench/top.sh [-n ROWS] [FS.csv]
# FS.csv: a real fs CSV (else bench/write-gen-fs.py makes ROWS rows,
# default 2000000: 40 processes, 600 paths, rows in random order, so the
# row-to-row cache of the last process and file rarely helps). Each figure
# is the best of 3 runs of `iotrc-top --csv -n 1 --files 1` (it reads
# everything, prints almost nothing). rows/s is given per second of CPU
# (user + system, what one core spends) and per second of wall time
# (which a busy machine stretches).
set -eu
cd "$(dirname "$0")/.."
rows=2000000
while getopts n: o; do
	case $o in
	n) rows=$OPTARG ;;
	*) echo "usage: bench/top.sh [-n ROWS] [FS.csv]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
make -s CFLAGS="-O2 -g" all >/dev/null
B=build/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iotrc-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then csv=$1; what="$1"; else
	csv=$tmp/fs.csv; what="bench/write-gen-fs.py $rows"
	python3 bench/write-gen-fs.py "$rows" >"$csv"
fi
inb=$(wc -c <"$csv")

# best of 3 by CPU time: "cpu_s wall_s maxrss_kb"
best() {
	b=
	for i in 1 2 3; do
		/usr/bin/time -f "%U %S %e %M" -o "$tmp/t" taskset -c 0 "$@" >/dev/null
		read -r u s e m <"$tmp/t"
		c=$(echo "$u $s" | awk '{print $1 + $2}')
		if [ -z "$b" ] || awk -v c="$c" -v b="${b%% *}" 'BEGIN{exit !(c < b)}'; then b="$c $e $m"; fi
	done
	echo "$b"
}
line() { # label "cpu wall rss" rows bytes
	echo "$2" | awk -v l="$1" -v r="$3" -v i="$4" '{
		c = ($1 > 0) ? $1 : 0.001; e = ($2 > 0) ? $2 : 0.001
		printf "%-36s %6.2f s CPU %9.0f rows/s  (wall %5.2f s %9.0f rows/s)  %6.1f MB/s  peak RSS %6.1f MiB\n",
		       l, c, r / c, e, r / e, i / 1e6 / c, $3 / 1024 }'
}
rowsof() { "$B/iotrc-top" --json -n 1 --files 1 "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])'; }

echo "iotrc-top on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
n=$(rowsof "$csv")
echo "fs CSV: $what: $n rows, $(awk -v b="$inb" 'BEGIN{printf "%.1f", b/1e6}') MB"
R=$(best "$B/iotrc-top" --csv -n 1 --files 1 "$csv")
line "iotrc-top --csv < CSV (1 core)" "$R" "$n" "$inb"
echo "$R $n" | awk '{ printf "aggregation: %.0f rows/s per CPU second (target >= 3000000)\n", $4 / $1 }'
zstd -q -3 -c "$csv" >"$tmp/fs.csv.zst"
Z=$(best "$B/iotrc-top" --csv -n 1 --files 1 "$tmp/fs.csv.zst")
line "the same as .csv.zst (zstd -3)" "$Z" "$n" "$inb"

# memory: one million distinct (process, file) pairs, 1000 processes
python3 tests/helpers/top_gen.py pairs 1000000 >"$tmp/pairs.csv"
pb=$(wc -c <"$tmp/pairs.csv")
M=$(best "$B/iotrc-top" --csv -n 1 --files 1 "$tmp/pairs.csv")
line "1M pairs, default budget (100000)" "$M" 1000000 "$pb"
U=$(best "$B/iotrc-top" --csv -n 1 --files 1 -m 2000000 "$tmp/pairs.csv")
line "1M pairs, -m 2000000 (nothing folded)" "$U" 1000000 "$pb"
"$B/iotrc-top" --json -n 1 --files 1 "$tmp/pairs.csv" | python3 -c '
import json, sys
d = json.load(sys.stdin); o = d["other"]
print("   default budget: %d processes and %d files kept; (other): %d processes, %d files folded"
      % (d["processes_kept"], d["files_kept"], o["processes"], o["files"]))'
