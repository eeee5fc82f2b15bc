#!/bin/sh
# bench/snap-fs.sh — iotrc-snap-fs against the practical limit, GNU find
# printing the same fields, and the family's Python walk (scandir + lstat,
# bench/snap-fs-walk.py), on a generated tree (issue 16 targets: >= 0.8x
# find's files/s, >= 10x the Python walk's, peak RSS <= 64 MiB).
#   bench/snap-fs.sh [-n FILES] [-k] [DIR]
#   SNAPFS=other/iotrc-snap-fs bench/snap-fs.sh ...   (another build, e.g. an older one)
# The tree (default 1,000,000 files in 10,100 directories) is made in DIR
# (default a new folder under $TMPDIR) and removed at the end unless -k or
# DIR already held it. Every walker runs on one core with a warm cache;
# each figure is the best of 3 runs (wall and CPU time each their own
# best). Besides wall time, the CPU time (user + system) is printed: on a
# machine others keep busy it is the fairer measure. "floor" is
# bench/snap-fs-floor.c: iotrc-snap-fs's system calls alone (getdents64,
# statx, openat) with no rows, the least any walker that stats every file
# costs on Linux.
set -eu
cd "$(dirname "$0")/.."
n=1000000 keep=0
while getopts n:k o; do
	case $o in n) n=$OPTARG ;; k) keep=1 ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
make -s CFLAGS="-O2 -g" all build/bench/snap-fs-floor >/dev/null
B=$(pwd)/build/bin
PY=${PY:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iotrc-bench.XXXXXX")
dir=${1:-$tmp/tree}
[ -e "$dir/.iotrc-bench-$n" ] && made=0 || made=1
cleanup() { [ $made = 1 ] && [ $keep = 0 ] && rm -rf "$dir"; rm -rf "$tmp"; }
trap cleanup EXIT

if [ $made = 1 ]; then
	mkdir -p "$dir"
	"$PY" - "$dir" "$n" <<'PY'
# 100 x 100 directories; of every 100 files 86 empty, 12 with 1-4000
# bytes, one hard link, one symlink (a realistic mix of what rows cost)
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(16)
per = max(1, n // 10000)
made = 0
for a in range(100):
    for b in range(100):
        d = f'{root}/d{a:02d}/s{b:02d}'
        os.makedirs(d, exist_ok=True)
        for i in range(per):
            if made == n:
                break
            p = f'{d}/file{i:04d}.dat'
            k = i % 100
            if k == 98 and i:
                os.link(f'{d}/file{i - 1:04d}.dat', p)
            elif k == 99:
                os.symlink(f'file{i - 2:04d}.dat', p)
            else:
                fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o644)
                if k >= 86:
                    os.write(fd, b'x' * rnd.randint(1, 4000))
                os.close(fd)
            made += 1
PY
	: >"$dir/.iotrc-bench-$n"
fi
files=$(find "$dir" \( -type f -o -type l \) | wc -l)     # also warms the cache

best() { # label runs cmd...: best wall time and best CPU time of RUNS runs, peak RSS
	label=$1 runs=$2; shift 2
	bt= bm= bc=
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" taskset -c 0 "$@" >"$tmp/out" 2>/dev/null
		read -r el rss us sy <"$tmp/time"
		cpu=$(awk -v u="$us" -v s="$sy" 'BEGIN { print u + s }')
		if [ -z "$bt" ] || awk -v a="$el" -v b="$bt" 'BEGIN { exit !(a < b) }'; then bt=$el; fi
		if [ -z "$bc" ] || awk -v a="$cpu" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$cpu; fi
		if [ -z "$bm" ] || [ "$rss" -gt "$bm" ]; then bm=$rss; fi
	done
	if [ "$label" = floor ]; then rows=$(cat "$tmp/out"); else rows=$(($(wc -l <"$tmp/out") - ${HDR:-1})); fi
	awk -v l="$label" -v r="$rows" -v e="$bt" -v m="$bm" -v c="$bc" 'BEGIN {
		printf "%-10s %8d rows %6.2f s %8.0f files/s  CPU %6.2f s %8.0f files/s  peak RSS %5.1f MiB\n",
		       l, r, e, r / (e > 0 ? e : 1e-9), c, r / (c > 0 ? c : 1e-9), m / 1024 }'
	echo "$bt $bc" >"$tmp/t.$label"
}
echo "iotrc-snap-fs on $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $files files under $dir ($(df -T "$dir" | awk 'NR==2 {print $2}'))"
best snap-fs 3 "${SNAPFS:-$B/iotrc-snap-fs}" "$dir"
HDR=0 best find 3 find "$dir" \( -type f -o -type l \) -printf '%p,%s,%B@,%T@,%A@,%b,%i,%D,%n\n'
best python 3 "$PY" bench/snap-fs-walk.py "$dir"
best floor 3 build/bench/snap-fs-floor "$dir"
read -r sw sc <"$tmp/t.snap-fs"; read -r fw fc <"$tmp/t.find"; read -r pw pc <"$tmp/t.python"
read -r lw lc <"$tmp/t.floor"
awk -v sw="$sw" -v sc="$sc" -v fw="$fw" -v fc="$fc" -v pw="$pw" -v pc="$pc" -v lw="$lw" -v lc="$lc" 'BEGIN {
	printf "snap-fs / find files/s: %.2fx wall, %.2fx CPU (target >= 0.8x)\n", fw / sw, fc / sc
	printf "snap-fs / python files/s: %.1fx wall, %.1fx CPU (target >= 10x)\n", pw / sw, pc / sc
	printf "floor / python files/s: %.1fx wall, %.1fx CPU (the most any statx walker reaches)\n", pw / lw, pc / lc
	printf "snap-fs above the floor: %.0f%% wall, %.0f%% CPU\n", (sw / lw - 1) * 100, (sc / lc - 1) * 100 }'
