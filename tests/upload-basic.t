#!/bin/sh
# iotrc-upload against nginx from Debian on 127.0.0.1: command line,
# presign and presign-get delivering files byte for byte under
# <bucket>/<MACHINE_ID>/<session>/<subdir>/<file>, deleting them only
# then, one stdout line each, content types, --stats, the reward marker,
# the default machine id, --keep, path safety, and https verified always.
set -u
. tests/helpers/upload-lib.sh
need_nginx
export HOME=$T/home; mkdir -p "$HOME"
S=20240101_000000_000 ID=0F1E2D3C4B5A6978

# -h: usage on stdout, exit 0; usage errors: one line + usage, exit 2
iotrc-upload -h >"$T/h.out" 2>"$T/h.err" || fail "-h exit $?"
grep -q '^usage: iotrc-upload -r ROOT -e ENDPOINT' "$T/h.out" || fail "-h: no usage"
[ -s "$T/h.err" ] && fail "-h wrote to stderr"
mkdir -p "$T/root"
for args in "-e http://h" "-r $T/root" "-r $T/root -e ftp://h" "-r $T/root -e http://h -m bogus" \
	    "-r $T/root -e http://h -j 0" "-r $T/root -e http://h -b a/b" "-r $T/nowhere -e http://h" \
	    "-r $T/root -e http://h --keep $T/root/k" "-r $T/root -e http://h --machine-id a/b" \
	    "-r $T/root -e http://h --credentials $T/c" "-r $T/root -e http://h extra" \
	    "-r $T/root -e http://h --stall-timeout 0" "-r $T/root -e http://h --retry-min 2m --retry-max 1m"; do
	# shellcheck disable=SC2086
	iotrc-upload $args </dev/null >"$T/u.out" 2>"$T/u.err"; st=$?
	[ $st = 2 ] || fail "iotrc-upload $args: exit $st, want 2"
	head -n 1 "$T/u.err" | grep -q '^iotrc-upload: ' || fail "$args: first line: $(head -n 1 "$T/u.err")"
	[ -s "$T/u.out" ] && fail "$args: wrote to stdout"
done
[ -e "$T/root/k" ] && fail "a usage error created --keep"

nginx_start
E=http://127.0.0.1:$PORT

# presign: POST for the URL, PUT there; every file delivered and deleted
mkfiles "$T/root" $S 20 50000
cp -a "$T/root" "$T/orig"
find "$T/root" -type f | sort >"$T/list"
iotrc-upload -r "$T/root" -e "$E" --machine-id $ID --stats "$T/st" <"$T/list" >"$T/out" 2>"$T/err" ||
	fail "presign: exit $? $(cat "$T/err")"
[ -s "$T/err" ] && fail "presign: stderr: $(cat "$T/err")"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "presign: store differs"
[ "$(find "$T/root" -type f | wc -l)" = 0 ] || fail "presign: files left: $(find "$T/root" -type f)"
[ "$(wc -l <"$T/out")" = 22 ] || fail "presign: stdout: $(cat "$T/out")"
grep -qx "$T/root/$S/manifest.json	mac_trace_v1_test/$ID/$S/manifest.json" "$T/out" ||
	fail "presign: no line for the manifest: $(cat "$T/out")"
grep -qx "$T/root/$S/fs/fs_20240101_000000_000_0007.csv.zst	mac_trace_v1_test/$ID/$S/fs/fs_20240101_000000_000_0007.csv.zst" "$T/out" ||
	fail "presign: stdout line"
[ "$(cut -f1 "$T/out" | sort)" = "$(cat "$T/list")" ] || fail "presign: not each path once"
grep -qx 'delivered 22' "$T/st" && grep -qx 'left 0' "$T/st" && grep -qx 'queued 0' "$T/st" &&
	grep -qx "bytes $(cat "$T"/orig/$S/*/* "$T"/orig/$S/manifest.json | wc -c)" "$T/st" ||
	fail "presign: stats: $(cat "$T/st")"
grep -q "^POST /mac_trace_v1_test/$ID/$S/fs/fs_20240101_000000_000_0001.csv.zst 200" "$T/nginx/access.log" ||
	fail "presign: no POST: $(head -n 3 "$T/nginx/access.log")"
grep -q "^PUT /dav/mac_trace_v1_test/$ID/$S/fs/fs_20240101_000000_000_0001.csv.zst 201 application/zstd 50000" "$T/nginx/access.log" &&
	grep -q "^PUT /dav/mac_trace_v1_test/$ID/$S/manifest.json 201 application/json " "$T/nginx/access.log" ||
	fail "presign: PUT or content type: $(grep PUT "$T/nginx/access.log" | head -n 3)"
[ -f "$HOME/.io-tracer/.reward_unlocked" ] || fail "no reward marker"

# presign-get: GET /presigned-url/<key>; the default machine id
rm -rf "$T/root" "$T/store"/*; mkfiles "$T/root" $S 3 1000; rm -rf "$T/orig"; cp -a "$T/root" "$T/orig"
if [ -s /etc/machine-id ]; then
	myid=$("$PY" -c 'import hashlib; print(hashlib.sha256(open("/etc/machine-id").read().strip().encode()).hexdigest()[:16].upper())')
else
	myid=$("$PY" -c 'import hashlib,socket; print(hashlib.sha256(socket.gethostname().encode()).hexdigest()[:16].upper())')
fi
find "$T/root" -type f | iotrc-upload -r "$T/root" -e "$E/" -m presign-get >"$T/out" 2>"$T/err" ||
	fail "presign-get: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/store/mac_trace_v1_test/$myid" || fail "presign-get: store (machine id $myid): $(find "$T/store")"
grep -q "^GET /presigned-url/mac_trace_v1_test/$myid/$S/block/block_20240101_000000_000_0001.csv.zst 200" "$T/nginx/access.log" ||
	fail "presign-get: no GET"

# --keep DIR: moved there, not deleted; --bucket; paths given twice sent once
rm -rf "$T/root" "$T/orig"; mkfiles "$T/root" $S 4 1000; cp -a "$T/root" "$T/orig"
{ find "$T/root" -type f; find "$T/root" -type f; } |
	iotrc-upload -r "$T/root" -e "$E" -b other.bucket --machine-id $ID --keep "$T/kept" -j 4 >"$T/out" 2>"$T/err" ||
	fail "--keep: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/kept" || fail "--keep: not all kept"
same_store "$T/orig" "$T/store/other.bucket/$ID" || fail "--keep: store"
[ "$(wc -l <"$T/out")" = 6 ] || fail "--keep: sent twice? $(cat "$T/out")"
[ "$(find "$T/root" -type f | wc -l)" = 0 ] || fail "--keep: left in the root"

# path safety: outside the root, a symlink out of it, a linked folder,
# unsafe names, a folder, the wrong depth: refused, never deleted, exit 1
rm -rf "$T/root" "$T/store"/*; mkdir -p "$T/root/$S/fs" "$T/outside/x"
echo secret >"$T/outside/secret"; echo ok >"$T/root/$S/fs/good.csv"
ln -s "$T/outside/secret" "$T/root/$S/fs/link.csv"
ln -s "$T/outside" "$T/root/$S/linkdir"; cp "$T/outside/secret" "$T/outside/x/f"
ln -s "$T/outside/x" "$T/root/lsess"
printf 'x\n' >"$T/root/$S/fs/$(printf 'a\001b')"
printf 'x\n' >"$T/root/$S/top.csv"; mkdir -p "$T/root/$S/a/b"; echo x >"$T/root/$S/a/b/deep.csv"
cat >"$T/list" <<LIST
$T/outside/secret
$T/root/$S/fs/link.csv
$T/root/$S/linkdir/secret
$T/root/lsess/f
$T/root/$S/fs/$(printf 'a\001b')
$T/root/$S/fs/../fs/good.csv
$T/root/$S/fs
$T/root/$S/a/b/deep.csv
$T/root/top.csv
relative/$S/fs/good.csv
$T/root/$S/fs/good.csv
LIST
iotrc-upload -r "$T/root" -e "$E" --machine-id $ID <"$T/list" >"$T/out" 2>"$T/err"; st=$?
[ $st = 1 ] || fail "unsafe paths: exit $st, want 1: $(cat "$T/err")"
[ "$(grep -c 'refused' "$T/err")" = 10 ] || fail "unsafe paths: $(cat "$T/err")"
[ "$(cat "$T/out")" = "$T/root/$S/fs/good.csv	mac_trace_v1_test/$ID/$S/fs/good.csv" ] || fail "unsafe: stdout $(cat "$T/out")"
[ -f "$T/outside/secret" ] && [ -L "$T/root/$S/fs/link.csv" ] && [ -f "$T/outside/x/f" ] &&
	[ -f "$T/root/$S/a/b/deep.csv" ] || fail "unsafe paths: something was deleted"
find "$T/store" -type f | grep -v '/good.csv$' | grep . && fail "unsafe paths: something was sent"

# https: certificates are always verified, there is no switch to turn
# that off; a self-signed server fails (the files stay) until --cacert
# names its certificate
if command -v openssl >/dev/null 2>&1; then
	mkdir -p "$T/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" \
		>"$T/openssl.log" 2>&1 || fail "openssl: $(cat "$T/openssl.log")"
	nginx_stop; NGINX_TLS=1; nginx_start
	rm -rf "$T/root" "$T/orig" "$T/store"/*; mkfiles "$T/root" $S 2 1000; cp -a "$T/root" "$T/orig"
	find "$T/root" -type f | iotrc-upload -r "$T/root" -e "https://127.0.0.1:$PORT" --machine-id $ID \
		--drain-timeout 1s >"$T/out" 2>"$T/err"; st=$?
	[ $st = 1 ] && grep -qi 'certificate' "$T/err" && [ "$(find "$T/root" -type f | wc -l)" = 4 ] ||
		fail "https, unknown CA: exit $st $(cat "$T/err")"
	find "$T/root" -type f | iotrc-upload -r "$T/root" -e "https://127.0.0.1:$PORT" --machine-id $ID \
		--cacert "$T/tls/cert.pem" >"$T/out" 2>"$T/err" || fail "https --cacert: exit $? $(cat "$T/err")"
	same_store "$T/orig" "$T/store/mac_trace_v1_test/$ID" || fail "https: store differs"
	tls=", https"
else
	tls=" (no openssl: https not tried)"
fi
echo "presign, presign-get, --keep, path safety$tls: ok"
