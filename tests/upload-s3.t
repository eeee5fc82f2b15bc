#!/bin/sh
# iotrc-upload --mode s3 against an S3 server that checks AWS Signature V4
# (s3rver from the npm registry, scripts/get-s3rver): libcurl signs
# (CURLOPT_AWS_SIGV4); the right secret uploads byte for byte, a wrong one
# is a configuration problem reported once with the server's message, the
# files stay; credentials come from the environment or a 0600 file only.
set -u
. tests/helpers/upload-lib.sh
command -v node >/dev/null 2>&1 || { echo "node is not installed (scripts/install-deps test)"; exit 77; }
s3_start
E=http://127.0.0.1:$S3_PORT S=20240101_000000_000 ID=0F1E2D3C4B5A6978
export HOME=$T/home; mkdir -p "$HOME"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
obj() { echo "$T/s3data/$1._S3rver_object"; }

# no credentials at all: a configuration error at start (exit 2)
mkfiles "$T/root" $S 3 20000
find "$T/root" -type f | iotrc-upload -m s3 -r "$T/root" -e "$E" >/dev/null 2>"$T/err"; st=$?
[ $st = 2 ] && grep -q 'no credentials' "$T/err" || fail "no credentials: exit $st $(cat "$T/err")"

# a wrong secret: HTTP 403 SignatureDoesNotMatch, reported once, nothing deleted, exit 2
find "$T/root" -type f | AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=wrong \
	iotrc-upload -m s3 -r "$T/root" -e "$E" --machine-id $ID --drain-timeout 2s --stats "$T/st" \
	>"$T/out" 2>"$T/err"; st=$?
[ $st = 2 ] || fail "wrong secret: exit $st, want 2: $(cat "$T/err")"
[ "$(grep -c 'configuration problem: HTTP 403: SignatureDoesNotMatch' "$T/err")" = 1 ] ||
	fail "wrong secret: not reported once: $(cat "$T/err")"
[ "$(grep -c 'left on disk' "$T/err")" = 5 ] || fail "wrong secret: left: $(cat "$T/err")"
[ -s "$T/out" ] && fail "wrong secret: stdout $(cat "$T/out")"
[ "$(find "$T/root" -type f | wc -l)" = 5 ] || fail "wrong secret: a file was deleted"
grep -qx 'config_errors 5' "$T/st" && grep -qx 'left 5' "$T/st" && grep -qx 'delivered 0' "$T/st" ||
	fail "wrong secret: stats $(cat "$T/st")"
[ -e "$HOME/.io-tracer/.reward_unlocked" ] && fail "wrong secret: reward marker"
find "$T/s3data" -name '*_S3rver_object' | grep . && fail "wrong secret: stored something"

# the right secret from the environment: uploaded byte for byte, deleted
cp -a "$T/root" "$T/orig"
find "$T/root" -type f | AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	iotrc-upload -m s3 -r "$T/root" -e "$E" --machine-id $ID >"$T/out" 2>"$T/err" ||
	fail "right secret: exit $? $(cat "$T/err")"
for f in $(cd "$T/orig" && find . -type f); do
	cmp -s "$T/orig/$f" "$(obj "mac_trace_v1_test/$ID/$f")" || fail "s3: $f differs or is missing"
done
[ "$(wc -l <"$T/out")" = 5 ] && [ "$(find "$T/root" -type f | wc -l)" = 0 ] || fail "s3: $(cat "$T/out")"
grep -q '"content-type": *"application/zstd"' "$T/s3data/mac_trace_v1_test/$ID/$S/fs/fs_20240101_000000_000_0001.csv.zst._S3rver_metadata.json" ||
	fail "s3: content type $(cat "$T/s3data/mac_trace_v1_test/$ID/$S/fs/"*metadata.json | head -c 300)"
[ -f "$HOME/.io-tracer/.reward_unlocked" ] || fail "s3: no reward marker"

# a credentials file: 0600 works (another bucket, a profile), 0644 is refused
rm -rf "$T/root" "$T/orig"; mkfiles "$T/root" $S 2 3000; cp -a "$T/root" "$T/orig"
printf '[default]\naws_access_key_id = NOPE\naws_secret_access_key = NOPE\n[lab]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' >"$T/creds"
chmod 644 "$T/creds"
find "$T/root" -type f | AWS_PROFILE=lab iotrc-upload -m s3 -r "$T/root" -e "$E" -b tb --credentials "$T/creds" \
	>/dev/null 2>"$T/err"; st=$?
[ $st = 2 ] && grep -q 'chmod 600' "$T/err" || fail "0644 credentials: exit $st $(cat "$T/err")"
chmod 600 "$T/creds"
find "$T/root" -type f | AWS_PROFILE=lab iotrc-upload -m s3 -r "$T/root" -e "$E/" -b tb --credentials "$T/creds" \
	--machine-id $ID -j 3 >"$T/out" 2>"$T/err" || fail "credentials file: exit $? $(cat "$T/err")"
for f in $(cd "$T/orig" && find . -type f); do
	cmp -s "$T/orig/$f" "$(obj "tb/$ID/$f")" || fail "credentials file: $f differs or is missing"
done
echo "s3: wrong secret refused as a configuration problem, right one uploads, credentials file: ok"
