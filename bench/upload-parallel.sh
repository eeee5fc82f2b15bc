#!/bin/sh
# bench/upload-parallel.sh — iotrc-upload --parallel 1, 2, 4, 8 over a long
# link (issue 17: more transfers, more throughput; on loopback there is no
# round trip to overlap, see bench/upload.sh).
#   bench/upload-parallel.sh [-d DELAY_MS] [-n FILES] [-s "SIZE_KB..."] [-j "N..."]
# Default: 25 ms each way (a 50 ms round trip), 32 files of 16 KiB, then
# of 1024 KiB, --parallel 1 2 4 8. The link is tests/helpers/delay-proxy.py
# in front of nginx on 127.0.0.1 (presign mode: a POST, then the PUT, both
# through the link; a new connection pays one round trip before its first
# byte), because netem (tc qdisc ... netem delay) is missing from many
# kernels, this build machine's too. A delay line does not slow TCP's
# start the way a real long link does, so big files gain less here than
# they would there. Prints wall time, files/s, MB/s and, from the link,
# the requests in flight at the peak and the round trips per file.
set -eu
cd "$(dirname "$0")/.."
ms=25 n=32 sizes="16 1024" jobs="1 2 4 8"
while getopts d:n:s:j: o; do
	case $o in
	d) ms=$OPTARG ;;
	n) n=$OPTARG ;;
	s) sizes=$OPTARG ;;
	j) jobs=$OPTARG ;;
	*) echo "usage: bench/upload-parallel.sh [-d DELAY_MS] [-n FILES] [-s \"SIZE_KB...\"] [-j \"N...\"]" >&2; exit 2 ;;
	esac
done
. bench/upload-common.sh
S=20240101_000000_000 ID=BENCH
DELAY_PORT=$(free_port)
NGINX_WORKERS=auto nginx_start "http://127.0.0.1:$DELAY_PORT/dav\$request_uri?X-Sig=1\n"
echo "iotrc-upload on $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$n files a run to nginx through a link of $ms ms each way ($((2 * ms)) ms round trip), presign mode"
for kb in $sizes; do
	rm -rf "$T/pristine"; mkdir -p "$T/pristine/$S/fs"
	"$PY" - "$T/pristine/$S/fs" "$n" "$kb" <<'PYEOF'
import os, sys
d, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(d, "fs_20240101_000000_000_%04d.csv.zst" % (i + 1)), "wb") as f:
        f.write(os.urandom(kb * 1024))
PYEOF
	for j in $jobs; do
		rm -rf "$T/root" "$T/store"; mkdir -p "$T/store"; cp -a "$T/pristine" "$T/root"
		find "$T/root" -type f | sort >"$T/list"
		delay_start "$ms" "$PORT"
		t0=$(date +%s%N)
		build/bin/iotrc-upload -r "$T/root" -e "http://127.0.0.1:$DELAY_PORT" --machine-id $ID -j "$j" \
			<"$T/list" >/dev/null
		t1=$(date +%s%N)
		delay_stop
		c=$(find "$T/store" -type f | wc -l)
		[ "$c" = "$n" ] || { echo "$c of $n stored" >&2; exit 1; }
		busy=$(sed -n 's/^max_busy //p' "$T/delay.stats")
		rt=$(sed -n 's/^round_trips //p' "$T/delay.stats")
		awk -v kb="$kb" -v j="$j" -v n="$n" -v ns=$((t1 - t0)) -v busy="$busy" -v rt="$rt" 'BEGIN {
			s = ns / 1e9
			printf "%5d KiB  --parallel %-2d %7.2f s %8.1f files/s %8.2f MB/s   in flight %2d   %.1f round trips/file\n",
				kb, j, s, n / s, n * kb / 1024 / s, busy, rt / n }'
	done
done
