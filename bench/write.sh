#!/bin/sh
# bench/write.sh — iotrc-write throughput, compression and memory (issue 3
# targets, one core each: the writer within 1.5x of bare `zstd -3` time on
# the same CSV; iotrc-parse vfs | iotrc-write >= 1,500,000 records/s; peak
# RSS <= 64 MiB at any file size).
#   bench/write.sh [-n ROWS] [-r RECORDS] [FS.csv]
# FS.csv: a real fs CSV (else bench/write-gen-fs.py makes ROWS rows, default
# 1000000). Each figure is the best of 3 runs. Output goes to a temporary
# directory under ${TMPDIR:-/tmp}, so its file system is part of the figures.
set -eu
cd "$(dirname "$0")/.."
rows=1000000 recs=5000000
while getopts n:r: o; do
	case $o in
	n) rows=$OPTARG ;;
	r) recs=$OPTARG ;;
	*) echo "usage: bench/write.sh [-n ROWS] [-r RECORDS] [FS.csv]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
make -s CFLAGS="-O2 -g" bench >/dev/null
B=build/bin; G=build/bench/gen-records
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iotrc-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then csv=$1; what="$1"; else
	csv=$tmp/fs.csv; what="bench/write-gen-fs.py $rows"
	python3 bench/write-gen-fs.py "$rows" >"$csv"
fi
inb=$(wc -c <"$csv"); inrows=$(($(wc -l <"$csv") - 1))

# best of 3: "elapsed maxrss_kb" of a command, output size in $tmp/outsz
best() { # file-with-stdin command...
	src=$1; shift; b=
	for i in 1 2 3; do
		rm -rf "$tmp/out"; mkdir "$tmp/out"
		/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" <"$src" >"$tmp/ann"
		read -r e m <"$tmp/t"
		if [ -z "$b" ] || awk -v e="$e" -v b="${b% *}" 'BEGIN{exit !(e < b)}'; then b="$e $m"; fi
	done
	echo "$b"
}
line() { # label "elapsed rss" rows bytes_in bytes_out
	echo "$2" | awk -v l="$1" -v r="$3" -v i="$4" -v o="$5" '{
		e = ($1 > 0) ? $1 : 0.001; ra = (o > 0) ? i / o : 0
		printf "%-34s %6.2f s %10.0f rows/s %7.1f MB/s  ratio %5.2f  peak RSS %5.1f MiB\n",
		       l, e, r / e, i / 1e6 / e, ra, $2 / 1024 }'
}
outsz() { if [ -s "$tmp/z" ]; then wc -c <"$tmp/z"; else cat "$tmp"/out/* | wc -c; fi; }

echo "iotrc-write on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fs CSV: $what: $inrows rows, $(awk -v b="$inb" 'BEGIN{printf "%.1f", b/1e6}') MB"
Z=$(best "$csv" sh -c "taskset -c 0 zstd -q -3 --single-thread -c >$tmp/z")
zs=$(outsz); rm -f "$tmp/z"
line "zstd -3 --single-thread (1 core)" "$Z" "$inrows" "$inb" "$zs"
W=$(best "$csv" taskset -c 0 $B/iotrc-write -d "$tmp/out" -p fs)
line "iotrc-write < CSV (1 core)" "$W" "$inrows" "$inb" "$(outsz)"
echo "   $(ls "$tmp/out" | wc -l) files of <= 100000 rows, each flushed, fsync'd, renamed"
P=$(best "$csv" sh -c "cat | taskset -c 0 $B/iotrc-write -d $tmp/out -p fs")
line "cat CSV | iotrc-write (1 core)" "$P" "$inrows" "$inb" "$(outsz)"
O=$(best "$csv" taskset -c 0 $B/iotrc-write -d "$tmp/out" -p fs -r 0 -s 0 -a 0)
line "one file, no rotation (1 core)" "$O" "$inrows" "$inb" "$(outsz)"
N=$(best "$csv" taskset -c 0 $B/iotrc-write -d "$tmp/out" -p fs -n)
line "iotrc-write --no-compress" "$N" "$inrows" "$inb" "$(outsz)"
echo "$W $Z" | awk '{ printf "writer / zstd -3 time: %.2fx (target <= 1.5x)\n", $1 / $3 }'

if [ ! -x $G ] || [ ! -x $B/iotrc-parse ]; then
	echo "pipeline: skipped (no $G or $B/iotrc-parse)"; exit 0
fi
$G -s vfs -n "$recs" >"$tmp/vfs.rec"
# one core each: parse on CPU 0, write on CPU 1; peak RSS is the writer's
b=
for i in 1 2 3; do
	rm -rf "$tmp/out"; mkdir "$tmp/out"
	t0=$(date +%s.%N)
	taskset -c 0 $B/iotrc-parse vfs <"$tmp/vfs.rec" |
		/usr/bin/time -f "%M" -o "$tmp/t" taskset -c 1 $B/iotrc-write -d "$tmp/out" -p fs \
		--stats "$tmp/wst" >/dev/null
	e=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
	if ! grep -qx "rows_in $recs" "$tmp/wst"; then     # killed from outside?
		echo "   (a run lost rows: $(grep rows_in "$tmp/wst"); not counted)"; continue
	fi
	if [ -z "$b" ] || awk -v e="$e" -v b="${b% *}" 'BEGIN{exit !(e < b)}'; then
		b="$e $(cat "$tmp/t")"; cp "$tmp/wst" "$tmp/best.st"
	fi
done
[ -n "$b" ] || { echo "pipeline: no complete run"; exit 1; }
r=$(awk '$1=="rows_in"{print $2}' "$tmp/best.st"); bi=$(awk '$1=="bytes_in"{print $2}' "$tmp/best.st")
bo=$(awk '$1=="bytes_out"{print $2}' "$tmp/best.st")
line "parse vfs | write ($r rows)" "$b" "$recs" "$bi" "$bo"
echo "$b $recs" | awk '{ printf "pipeline: %.0f vfs records/s (target >= 1500000)\n", $3 / $1 }'
