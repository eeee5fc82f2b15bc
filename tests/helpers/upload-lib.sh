# tests/helpers/upload-lib.sh — sourced by the iotrc-upload tests: real
# receiving servers on 127.0.0.1, started here and stopped by pid.
#   nginx_start [ANSWER]   nginx from Debian: POST /<key> and GET
#                          /presigned-url/<key> answer ANSWER (default: a
#                          URL on the same server, /dav/<key>?X-Sig=1),
#                          PUT /dav/<key> stores into $T/store (WebDAV)
#                          (NGINX_TLS=1: https with $T/tls/cert.pem, key.pem;
#                          NGINX_WORKERS: worker processes, default 1)
#   nginx_stop
#   s3_start / s3_stop     an S3 server that checks Signature V4 (s3rver
#                          from the npm registry, scripts/get-s3rver);
#                          objects in $T/s3data, keys S3RVER / S3RVER
#   stub_start MODE ARG    tests/helpers/upload-stub.py (fault injection)
#   delay_start MS UPPORT  tests/helpers/delay-proxy.py: a link of MS each
#                          way to 127.0.0.1:UPPORT, on DELAY_PORT; it
#                          counts requests in flight into $T/delay.stats
#   delay_stop             (writes $T/delay.stats)
#   mkfiles ROOT SESSION N SIZE   N files in ROOT/SESSION/fs + manifest.json
#   same_store ORIG STORE  every file of ORIG (a copy) is in STORE, byte for byte
# The variables PORT, NGINX_PID, S3_PORT, S3_PID, STUB_PORT, STUB_PID,
# DELAY_PORT, DELAY_PID.
fail() { echo "FAIL: $*"; exit 1; }
need_nginx() {
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ||
		{ echo "nginx is not installed (scripts/install-deps test)"; exit 77; }
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() { # port: until something listens (5 s)
	i=0
	while ! "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$1" 2>/dev/null; do
		i=$((i+1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}
nginx_conf() { # answer
	d=$T/nginx
	mkdir -p "$d/body" "$d/tmp" "$T/store"
	cat >"$d/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes ${NGINX_WORKERS:-1};
user root;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 512; }
http {
	log_format up '\$request_method \$uri \$status \$content_type \$content_length';
	access_log $d/access.log up;
	client_body_temp_path $d/body;
	proxy_temp_path $d/tmp; fastcgi_temp_path $d/tmp; uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
	client_max_body_size 0;
	default_type text/plain;
	map \$request_uri \$presign_path { ~^/presigned-url(?<p>/.*)\$ \$p; default /; }
	server {
		listen 127.0.0.1:$PORT${NGINX_TLS:+ ssl};
		${NGINX_TLS:+ssl_certificate $T/tls/cert.pem; ssl_certificate_key $T/tls/key.pem;}
		location /dav/ {
			alias $T/store/;
			dav_methods PUT;
			create_full_put_path on;
			dav_access user:rw;
		}
		location /presigned-url/ {
			if (\$request_method != GET) { return 405; }
			return 200 "$1";
		}
		location / {
			if (\$request_method != POST) { return 405; }
			return 200 "$2";
		}
	}
}
CONF
}
nginx_start() { # [answer]: both presign answers
	[ -n "${PORT:-}" ] || PORT=$(free_port)
	if [ $# -gt 0 ]; then nginx_conf "$1" "$1"
	else sch=http${NGINX_TLS:+s}
		nginx_conf "$sch://127.0.0.1:$PORT/dav\$presign_path?X-Sig=1\n" \
		"$sch://127.0.0.1:$PORT/dav\$request_uri?X-Sig=1\n"
	fi
	"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" &
	NGINX_PID=$!
	wait_port "$PORT" && kill -0 "$NGINX_PID" 2>/dev/null ||
		fail "nginx did not start: $(cat "$T/nginx/error.log")"
}
port_closed() { # port: until nothing listens (5 s); a subshell cannot wait for its parent's nginx
	i=0
	while "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$1" 2>/dev/null; do
		i=$((i+1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}
nginx_stop() {
	[ -n "${NGINX_PID:-}" ] || return 0
	kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; NGINX_PID=
	port_closed "$PORT"
}
s3_start() {
	mod=$(scripts/get-s3rver) || { echo "no s3rver: $mod"; exit 77; }
	mkdir -p "$T/s3data"
	node tests/helpers/s3server.js "$mod" "$T/s3data" mac_trace_v1_test tb >"$T/s3.log" 2>&1 &
	S3_PID=$!
	i=0
	while ! S3_PORT=$(sed -n 's/^port //p' "$T/s3.log") || [ -z "$S3_PORT" ]; do
		i=$((i+1)); [ $i -gt 100 ] && fail "s3rver did not start: $(cat "$T/s3.log")"; sleep 0.1
	done
}
s3_stop() {
	[ -n "${S3_PID:-}" ] || return 0
	kill "$S3_PID" 2>/dev/null; wait "$S3_PID" 2>/dev/null; S3_PID=
}
stub_start() { # mode arg: see upload-stub.py
	[ -n "${STUB_PORT:-}" ] || STUB_PORT=$(free_port)
	"$PY" tests/helpers/upload-stub.py "$STUB_PORT" "$T/store" "$@" >>"$T/stub.log" 2>&1 &
	STUB_PID=$!
	wait_port "$STUB_PORT" || fail "stub did not start: $(cat "$T/stub.log")"
}
stub_stop() {
	[ -n "${STUB_PID:-}" ] || return 0
	kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; STUB_PID=
}
delay_start() { # ms upstream-port
	[ -n "${DELAY_PORT:-}" ] || DELAY_PORT=$(free_port)
	rm -f "$T/delay.stats"
	"$PY" tests/helpers/delay-proxy.py "$DELAY_PORT" "$2" "$1" "$T/delay.stats" >>"$T/delay.log" 2>&1 &
	DELAY_PID=$!
	wait_port "$DELAY_PORT" || fail "delay-proxy did not start: $(cat "$T/delay.log")"
}
delay_stop() {
	[ -n "${DELAY_PID:-}" ] || return 0
	kill "$DELAY_PID" 2>/dev/null; wait "$DELAY_PID" 2>/dev/null; DELAY_PID=
}
stop_all() { nginx_stop; s3_stop; stub_stop; delay_stop; }
trap stop_all EXIT
trap 'exit 1' INT TERM

mkfiles() { # root session n size: n files in fs/, one in block/, manifest.json
	mkdir -p "$1/$2/fs" "$1/$2/block"
	"$PY" - "$1/$2" "$3" "$4" <<'PYEOF'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(d, "fs", "fs_20240101_000000_000_%04d.csv.zst" % (i + 1)), "wb") as f:
        f.write(os.urandom(size))
with open(os.path.join(d, "block", "block_20240101_000000_000_0001.csv.zst"), "wb") as f:
    f.write(os.urandom(size + 1))
with open(os.path.join(d, "manifest.json"), "w") as f:
    f.write('{"schema_version": 1}\n')
PYEOF
}
# same_store ORIG STORE: ORIG's files (relative SESSION/...) each at STORE/SESSION/...
same_store() {
	( cd "$1" && find . -type f ) | while read -r f; do
		cmp -s "$1/$f" "$2/$f" || { echo "not in the store or different: $f"; return 1; }
	done
}
