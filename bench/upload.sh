#!/bin/sh
# bench/upload.sh — iotrc-upload throughput and CPU against nginx on
# 127.0.0.1 (issue 17 target: >= 1x the throughput of `curl -T` uploading
# the same files one by one, the same library's floor, with --parallel 1,
# and more with more transfers).
#   bench/upload.sh [-n FILES] [-s SIZE_KB]
# Default 1000 files of 1024 KiB. iotrc-upload runs in presign mode (a POST
# for the URL, then the PUT: two requests a file); curl PUTs each file
# straight to its URL (one request, one process and one connection a file).
# CPU is the client's user + system time (curl's includes its process
# starts). Files live in a temporary directory under ${TMPDIR:-/tmp}; nginx
# stores them there too (WebDAV), so the disk is part of the figures.
set -eu
cd "$(dirname "$0")/.."
n=1000 kb=1024
while getopts n:s: o; do
	case $o in
	n) n=$OPTARG ;;
	s) kb=$OPTARG ;;
	*) echo "usage: bench/upload.sh [-n FILES] [-s SIZE_KB]" >&2; exit 2 ;;
	esac
done
. bench/upload-common.sh
NGINX_WORKERS=auto nginx_start     # one worker a CPU: the server is not the limit
S=20240101_000000_000 ID=BENCH
mkdir -p "$T/pristine/$S/fs"
"$PY" - "$T/pristine/$S/fs" "$n" "$kb" <<'PYEOF'
import os, sys
d, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blob = os.urandom(kb * 1024)
for i in range(n):
    with open(os.path.join(d, "fs_20240101_000000_000_%04d.csv.zst" % (i + 1)), "wb") as f:
        f.write(blob[i % 97:] + blob[:i % 97])
PYEOF
mb=$(( n * kb / 1024 ))
echo "iotrc-upload on $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$n files of $kb KiB ($mb MiB) to nginx on 127.0.0.1"
fresh() { rm -rf "$T/root" "$T/store"; mkdir -p "$T/store"; cp -a "$T/pristine" "$T/root"; sync; }
# run LABEL CMD...: wall, CPU of the client, MB/s, CPU ms per MB
run() {
	label=$1; shift
	"$PY" - "$label" "$mb" "$@" <<'PYEOF'
import os, resource, subprocess, sys, time
label, mb, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t = time.monotonic()
r = subprocess.run(cmd)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
if r.returncode:
    sys.exit("%s: exit %d" % (label, r.returncode))
print("%-28s %7.2f s  %7.1f MB/s  CPU %6.2f s  %5.2f ms CPU/MB" % (label, wall, mb / wall, cpu, 1000 * cpu / mb))
PYEOF
}
check() { c=$(find "$T/store" -type f | wc -l); [ "$c" = "$n" ] || { echo "$c of $n stored; nginx said: $(grep -v " 20[01] " "$T/nginx/access.log" | head -n 3)" >&2; exit 1; }; }
fresh
( cd "$T/root" && find . -type f | sort ) >"$T/rel"
cat >"$T/curl.sh" <<CURL
while read -r f; do
	curl -sf -o /dev/null -T "$T/root/\$f" "http://127.0.0.1:$PORT/dav/mac_trace_v1_test/$ID/\${f#./}?X-Sig=1" || exit 1
done <"$T/rel"
CURL
run "curl -T, one by one" sh "$T/curl.sh"
check
for j in ${JOBS:-1 2 4}; do
	fresh
	find "$T/root" -type f | sort >"$T/list"
	run "iotrc-upload -j $j (presign)" sh -c "build/bin/iotrc-upload -r '$T/root' -e http://127.0.0.1:$PORT --machine-id $ID -j $j <'$T/list' >/dev/null"
	check
done
