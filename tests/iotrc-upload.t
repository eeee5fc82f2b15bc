#!/bin/sh
# iotrc-upload.t — the uploader in a session, without an engine (process
# snapshots alone, so no root or bpftrace is needed):
# 1. the server is down: ^C starts the drain, a second ^C ends it at once;
#    the files stay in the session folder and the manifest counts them
#    pending;
# 2. the next session resumes them (--spool of the earlier session) and
#    delivers its own; its uploader, killed mid-session, is restarted and
#    loses nothing; every object equals the file kept (upload.keep);
# 3. dev keeps delivered files in ROOT.delivered (a root given relative).
set -u
. tests/helpers/upload-lib.sh
export HOME=$T/home; mkdir -p "$HOME"
waitfile() { # pattern file what: until grep finds it, 20 s at most
	i=0
	until grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 200 ] && { cat "$2"; fail "never: $3"; }
		sleep 0.1
	done
}
conf() { # endpoint-line
	cat >"$T/c.yml" <<EOF
output: {root: "$T/out"}
streams: {fs: false, block: false, nw_conn: false}
snapshot: {process_every: 10s, fs_every: 0}
$1
EOF
}

# ---- 1. nobody listens: a second ^C skips the drain
port=$(free_port)
conf "upload: {mode: presign, endpoint: \"http://127.0.0.1:$port\", drain: 5m}"
iotrc -c "$T/c.yml" -v 2>"$T/e1" &
ipid=$!
waitfile 'process: started iotrc-write' "$T/e1" "the process pipeline started"
s1=$(ls -d "$T"/out/2*); s1=${s1##*/}
waitfile '^files_finished [1-9]\|^rows_written [1-9]' "$T/out/$s1/.iotrc/write-process.stats" "a snapshot written"
kill -INT $ipid
waitfile 'stopping' "$T/e1" "stopping"
waitfile 'process: iotrc-write .* exit 0' "$T/e1" "the writer's end"
kill -INT $ipid
t0=$(date +%s)
wait $ipid; st=$?
[ $st = 0 ] || { cat "$T/e1"; fail "iotrc exit $st after two ^C"; }
[ $(( $(date +%s) - t0 )) -le 10 ] || fail "the second ^C did not end the drain"
grep -q "not delivered; they stay in $T/out/$s1" "$T/e1" || { cat "$T/e1"; fail "no word of the files left"; }
cat "$T/out/$s1/.iotrc/upload.stats"
ls "$T/out/$s1"/process/process_*.csv.zst "$T/out/$s1"/system_spec/os_info.json "$T/out/$s1/manifest.json" >/dev/null ||
	fail "files not left in the session"
"$PY" -c '
import json, sys
u = json.load(open(sys.argv[1]))["diagnostics"]["upload"]
assert u["files_uploaded"] == 0 and u["files_pending"] == u["files_sent"] > 0, u
print("pending after two ^C:", u)' "$T/out/$s1/manifest.json" || fail "manifest upload counts"
[ ! -e "$T/out/$s1/.iotrc/pid" ] || fail "the pid file stayed"
cp -a "$T/out/$s1" "$T/s1.orig"

# ---- 2. the next session resumes them; its uploader killed and restarted
need_nginx
nginx_start
conf "upload: {mode: presign, endpoint: \"http://127.0.0.1:$PORT\", keep: \"$T/kept\"}"
iotrc -c "$T/c.yml" -v -d 25 2>"$T/e2" &
ipid=$!
waitfile 'upload: started iotrc-upload (pid' "$T/e2" "the uploader"
waitfile 'resuming 1 earlier session' "$T/e2" "resuming the earlier session"
up=$(grep -o 'upload: started iotrc-upload (pid [0-9]*' "$T/e2" | grep -o '[0-9]*$')
ID=$(ls "$T/store/mac_trace_v1_test" 2>/dev/null | head -n 1)
i=0
until [ -n "$ID" ] && [ -f "$T/store/mac_trace_v1_test/$ID/$s1/manifest.json" ]; do
	i=$((i + 1)); [ $i -gt 200 ] && fail "the earlier session was not delivered"
	sleep 0.1; ID=$(ls "$T/store/mac_trace_v1_test" 2>/dev/null | head -n 1)
done
kill -KILL "$up"
waitfile 'upload: iotrc-upload ended unexpectedly' "$T/e2" "the uploader's death noticed"
i=0
until [ "$(grep -c 'upload: started iotrc-upload' "$T/e2")" -ge 2 ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "the uploader was not restarted: $(cat "$T/e2")"
	sleep 0.1
done
wait $ipid; st=$?
cat "$T/e2"
[ $st = 0 ] || fail "iotrc exit $st"
s2=$(ls "$T/out" | grep -v "^$s1$")
for f in $(cd "$T/s1.orig" && find . -type f ! -name '.*' ! -path './.iotrc/*'); do
	cmp -s "$T/s1.orig/$f" "$T/store/mac_trace_v1_test/$ID/$s1/$f" || fail "earlier session: $f not delivered whole"
done
[ -z "$(find "$T/out/$s1" "$T/out/$s2" -type f ! -name '.*' ! -path '*/.iotrc/*')" ] ||
	fail "files left: $(find "$T/out" -type f ! -path '*/.iotrc/*')"
n=0
for f in $(cd "$T/kept/$s2" && find . -type f); do
	cmp -s "$T/kept/$s2/$f" "$T/store/mac_trace_v1_test/$ID/$s2/$f" || fail "object differs: $f"
	n=$((n + 1))
done
[ -f "$T/kept/$s2/manifest.json" ] && ls "$T/kept/$s2"/process/process_*.csv.zst >/dev/null || fail "not kept"
echo "resumed the earlier session; $n objects of this one, uploader restarted once"

# ---- 3. dev keeps delivered files beside the root
rm -rf "$T/out" "$T/kept"
conf "upload: {mode: dir, endpoint: \"$T/dest\"}"
(cd "$T" && iotrc -c "$T/c.yml" -o out -d 2 dev 2>"$T/e3") || { cat "$T/e3"; fail "dev session"; }
s3=$(ls "$T/out")
[ -f "$T/out.delivered/$s3/manifest.json" ] && [ -f "$T/out.delivered/$s3/system_spec/cpu_info.json" ] ||
	fail "dev did not keep the files in $T/out.delivered: $(find "$T" -name manifest.json)"
cmp -s "$T/out.delivered/$s3/manifest.json" "$T/dest/mac_trace_v1_test/$ID/$s3/manifest.json" || fail "dev: copy differs"
[ -z "$(find "$T/out" -type f ! -name '.*' ! -path '*/.iotrc/*')" ] || fail "dev: files left in the session"
echo "upload in a session: ok"
