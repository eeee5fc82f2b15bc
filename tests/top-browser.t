#!/bin/sh
# iotrc-top --listen in a real browser (headless Chromium, driven over the
# DevTools protocol by tests/helpers/top_browser.py): the page loads from
# the local server, shows the process with its exact bytes, opens its
# files on a click, and updates itself when more rows arrive on stdin.
# Screenshots are kept in tests/out/top-browser/ (named in this log). The
# JSON endpoints are checked directly too (top_api.py, urllib), as are
# what the server refuses: a foreign Host, other methods, unknown paths.
set -u
fail() { echo "FAIL: $*"; cat "$T/top.err" 2>/dev/null; exit 1; }
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "the browser test runs once, in the plain pass"; exit 77; }
chrome=$(command -v chromium || command -v chromium-browser) ||
	{ echo "chromium not installed (scripts/install-deps test)"; exit 77; }
API="$PY tests/helpers/top_api.py"
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

H="timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,inode,device,flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,address,cmdline,ppid,container_id,fs_type,mono_ns"
r() { # op pid command file bytes
	echo "2025-11-23 12:00:00.000001,$1,$2,$2,$3,$4,$5,,$5,,,,,$5,,,,,$3 --go,1,,,1"
}
{
	echo "$H"
	for i in 1 2 3; do r read 4242 webwork /data/input.bin 100000; done
	r write 4242 webwork /data/out.log 6000
	r read 77 other /etc/hosts 50
} >"$T/p1.csv"
{
	r read 4242 webwork /data/input.bin 200000
	r read 4242 webwork /data/new.bin 1
} >"$T/p2.csv"

mkfifo "$T/in"
exec 3<>"$T/in"      # a writer from the start: iotrc-top's open does not wait
iotrc-top --listen 127.0.0.1:0 -d 0.2 <"$T/in" >/dev/null 2>"$T/top.err" 3>&- &
pids=$!
url=$($API port "$T/top.err") || fail "no server"
shots=tests/out/top-browser
rm -rf "$shots"
"$PY" tests/helpers/top_browser.py "$chrome" "$url" "$T/in" "$T/p1.csv" "$T/p2.csv" "$shots" ||
	fail "browser"

# the endpoints, directly
"$PY" - "$url" <<'EOF' || fail "JSON endpoints"
import json, sys, urllib.request, urllib.error
url = sys.argv[1]
def get(path, **h):
    req = urllib.request.Request(url + path, headers=h)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers, r.read()
st, h, body = get("api/processes")
d = json.loads(body)
p = [x for x in d["processes"] if x["pid"] == 4242][0]
assert (p["read_bytes"], p["write_bytes"], p["reads"], p["writes"]) == (500001, 6000, 5, 1), p
assert d["totals"]["read_bytes"] == 500051 and d["processes"][0]["pid"] == 4242, d
st, h, body = get("api/process/4242?id=%d&sort=read" % p["id"])
f = {x["path"]: x for x in json.loads(body)["files"]}
assert f["/data/input.bin"]["read_bytes"] == 500000 and f["/data/out.log"]["write_bytes"] == 6000, f
assert f["/data/new.bin"]["read_bytes"] == 1
st, h, body = get("api/processes?filter=WEBW")
assert [x["pid"] for x in json.loads(body)["processes"]] == [4242]
st, h, page = get("")
assert h["Content-Type"].startswith("text/html"), h
assert b"<script src" not in page and b"http://" not in page and b"https://" not in page
assert "default-src 'none'" in h["Content-Security-Policy"], h
for path, code, hdr in (("api/process/99999", 404, {}), ("nope", 404, {}),
                        ("api/processes?sort=size", 400, {}),
                        ("api/processes", 403, {"Host": "evil.example:8092"})):
    try:
        get(path, **hdr)
        raise SystemExit("%s: answered" % path)
    except urllib.error.HTTPError as e:
        assert e.code == code, (path, e.code)
req = urllib.request.Request(url + "api/processes", data=b"x", method="POST")
try:
    urllib.request.urlopen(req, timeout=10)
    raise SystemExit("POST answered")
except urllib.error.HTTPError as e:
    assert e.code == 405, e.code
print("JSON endpoints: exact; 404, 400, 403 (foreign Host), 405 (POST)")
EOF
kill "$pids"; wait "$pids"; st=$?; pids=
[ $st = 0 ] || fail "exit $st after SIGTERM"
# bad addresses: one message, exit 1
iotrc-top --listen 192.0.2.1:8092 </dev/null >/dev/null 2>"$T/e"; st=$?
[ $st = 1 ] && grep -q "^iotrc-top: --listen 192.0.2.1:8092: cannot listen" "$T/e" || fail "bad address: $st $(cat "$T/e")"
echo "ok"
