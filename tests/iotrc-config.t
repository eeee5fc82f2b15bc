#!/bin/sh
# iotrc-config.t — iotrc.yml(5): the shipped example equals the compiled-in
# defaults; --print-config round-trips through -c; flags override the file;
# each kind of bad config gives one line naming file:line:col and key, and
# exit 2 before anything starts (no session folder).
set -u
fail() { echo "FAIL: $*"; exit 1; }
iotrc --print-config >"$T/def.yml" || fail "--print-config"
cmp -s "$T/def.yml" etc/iotrc.yml || fail "etc/iotrc.yml is not the defaults (regenerate: iotrc --print-config > etc/iotrc.yml)"

cat >"$T/a.yml" <<'Y'
output:
  root: "/tmp/x \"quoted\" \\ dir"
streams: {fs: true, block: false, nw_conn: true}
rotate:
  max_age: 90s
  max_bytes: 1G
  level: 19
snapshot:
  fs_roots: [/home, "/var/lib"]
  process_every: 0
upload: {mode: dir, endpoint: /srv/up, parallel: 2}
Y
iotrc -c "$T/a.yml" --print-config >"$T/a1.yml" || fail "-c a.yml"
iotrc -c "$T/a1.yml" --print-config >"$T/a2.yml" || fail "-c a1.yml"
cmp "$T/a1.yml" "$T/a2.yml" || fail "--print-config does not round-trip"
grep -q '^  block: false$' "$T/a1.yml" || fail "block not read"
grep -q '^  fs_roots: \["/home", "/var/lib"\]$' "$T/a1.yml" || fail "fs_roots not read"
grep -q '^  max_age: 90s$' "$T/a1.yml" || fail "max_age"
# flags over the file
iotrc -c "$T/a.yml" --no-network --no-upload -o /elsewhere --print-config >"$T/f.yml"
grep -q '^  nw_conn: false$' "$T/f.yml" && grep -q '^  mode: none$' "$T/f.yml" &&
	grep -q '^  root: "/elsewhere"$' "$T/f.yml" || fail "flags do not override the file"
# an empty file and a comments-only file are the defaults
: >"$T/e.yml"; iotrc -c "$T/e.yml" --print-config | cmp -s - "$T/def.yml" || fail "empty file"
echo '# nothing' >"$T/e.yml"; iotrc -c "$T/e.yml" --print-config | cmp -s - "$T/def.yml" || fail "comments only"

bad() { # expected-message-part  yaml
	printf '%s\n' "$2" >"$T/b.yml"
	iotrc -c "$T/b.yml" -o "$T/out" -d 1 >"$T/o" 2>"$T/e"; st=$?
	[ $st = 2 ] || { cat "$T/e"; fail "exit $st, not 2, for: $2"; }
	[ "$(wc -l <"$T/e")" = 1 ] || { cat "$T/e"; fail "not one line for: $2"; }
	grep -q "^iotrc: $T/b.yml:[0-9]*:[0-9]*: .*$1" "$T/e" || { cat "$T/e"; fail "message for: $2"; }
	[ ! -e "$T/out" ] || fail "a session started despite: $2"
	echo "ok: $(cat "$T/e")"
}
bad 'rotate.levl: unknown key'        "$(printf 'rotate:\n  levl: 3')"
bad 'colour: unknown section'         'colour: {red: 1}'
bad 'streams.fs: expected true or false' 'streams: {fs: 1}'
bad 'rotate.max_bytes: '              'rotate: {max_bytes: -5}'
bad 'rotate.max_bytes: '              'rotate: {max_bytes: 64P}'
bad 'rotate.level: '                  'rotate: {level: 99}'
bad 'rotate.max_age: '                'rotate: {max_age: forever}'
bad 'upload.mode: unknown value "ftp"' 'upload: {mode: ftp}'
bad 'engine.kind: unknown value'      'engine: {kind: ebpf}'
bad 'snapshot.fs_roots: expected a list' 'snapshot: {fs_roots: /}'
bad 'rotate.level: given twice'       'rotate: {level: 3, level: 4}'
bad 'streams: expected a mapping'     'streams: true'
bad 'expected a mapping of sections'  '- a list'
bad 'aliases are not allowed'         "$(printf 'output: {root: &r /x}\nupload: {endpoint: *r}')"
bad 'one document only'               "$(printf 'log: {verbosity: 1}\n---\nlog: {verbosity: 2}')"
bad ':'                               'rotate: {level: [3'
# line and column point at the value
printf 'streams:\n  fs: true\n  block: maybe\n' >"$T/b.yml"
iotrc -c "$T/b.yml" --print-config 2>"$T/e" >/dev/null
grep -q "b.yml:3:10: streams.block:" "$T/e" || { cat "$T/e"; fail "line/column"; }
# a missing file, and upload without an endpoint
iotrc -c "$T/none.yml" --print-config 2>"$T/e" >/dev/null; [ $? = 2 ] || fail "missing file"
grep -q "none.yml: No such file" "$T/e" || fail "missing file message"
printf 'upload: {mode: presign}\n' >"$T/b.yml"
iotrc -c "$T/b.yml" -o "$T/out" -d 1 2>"$T/e" >/dev/null; [ $? = 2 ] || fail "mode without endpoint"
# usage
iotrc -h | grep -q '^usage: iotrc' || fail "-h"
iotrc --bogus 2>/dev/null; [ $? = 2 ] || fail "bad option exit"
iotrc --trace-bucket x 2>/dev/null; [ $? = 2 ] || fail "--trace-bucket outside dev"
iotrc dev --trace-bucket b1 --print-config | grep -q '^  bucket: "b1"$' || fail "dev --trace-bucket"
iotrc -d 0 2>/dev/null; [ $? = 2 ] || fail "-d 0"
echo "config: ok"
