#!/bin/sh
# iotrc-service(8) on both platforms, here: fake systemctl, journalctl,
# launchctl, log and uname on PATH record every command they are given
# (launchctl keeps a "loaded" state), so the exact commands of systemd's
# and launchd's paths are checked, and the files iotrc-service writes
# under IOTRC_SERVICE_ROOT. Usage errors, root only where needed.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "iotrc-service is a script: checked once, in the plain pass"; exit 77; }
R=$T/root F=$T/fake C=$T/calls
mkdir -p "$F"
for t in systemctl journalctl launchctl log; do
	cat >"$F/$t" <<FAKE
#!/bin/sh
echo "$t \$*" >>"$C"
case "$t \$1" in
"launchctl print") [ -e "$T/loaded" ] || exit 113 ;;
"launchctl bootstrap") touch "$T/loaded" ;;
"launchctl bootout") rm -f "$T/loaded" ;;
"systemctl status") exit \${FAKE_STATUS:-0} ;;
esac
exit 0
FAKE
done
printf '#!/bin/sh\n[ "$1" = -s ] && { echo "$FAKE_OS"; exit 0; }\nexec /bin/uname "$@"\n' >"$F/uname"
printf '#!/bin/sh\n[ "$1" = -u ] && [ -n "${FAKE_UID:-}" ] && { echo "$FAKE_UID"; exit 0; }\nexec /usr/bin/id "$@"\n' >"$F/id"
chmod +x "$F"/*
PATH=$F:$PATH; export PATH IOTRC_SERVICE_ROOT="$R"
# svc EXPECTED-STATUS ARGS...: run it, calls recorded afresh in $C
svc() {
	want=$1; shift; rm -f "$C"; : >"$C"
	"$R/$P/bin/iotrc-service" "$@" >"$T/out" 2>"$T/err"; st=$?
	[ "$st" = "$want" ] || fail "$FAKE_OS iotrc-service $*: exit $st, want $want: $(cat "$T/err")"
}
calls() { # the expected calls, one a line
	printf '%s\n' "$@" >"$T/want"
	cmp -s "$T/want" "$C" || fail "$FAKE_OS $(head -n 1 "$T/want"): calls differ:
$(diff "$T/want" "$C")"
}

# ---- Linux, unit in systemd's search path (PREFIX=/usr/local)
P=usr/local FAKE_OS=Linux; export FAKE_OS
make -s install-service DESTDIR="$R" PREFIX=/$P BUILD="$T/b" >"$T/mk" 2>&1 || fail "make: $(cat "$T/mk")"
svc 2; grep -q '^usage: iotrc-service install|' "$T/err" || fail "no usage: $(cat "$T/err")"
svc 0 -h; grep -q '^usage: ' "$T/out" || fail "-h: no usage on stdout"
svc 2 bogus; svc 2 install now; svc 2 logs -n x; svc 2 logs -z
[ -s "$C" ] && fail "a usage error ran: $(cat "$C")"
svc 1 install; grep -q 'systemd is not running' "$T/err" || fail "no systemd: $(cat "$T/err")"
mkdir -p "$R/run/systemd/system"
svc 1 install; grep -q "/$P/bin/iotrc is missing" "$T/err" || fail "no iotrc: $(cat "$T/err")"
mkdir -p "$R/$P/bin"; printf '#!/bin/sh\n' >"$R/$P/bin/iotrc"; chmod +x "$R/$P/bin/iotrc"
FAKE_UID=501 svc 1 install; grep -q 'install needs root' "$T/err" || fail "not root: $(cat "$T/err")"
[ -s "$C" ] && fail "not root, yet: $(cat "$C")"
FAKE_UID=501 svc 0 status; calls "systemctl status --no-pager iotrc.service"
svc 0 install
calls "systemctl daemon-reload" "systemctl enable --now iotrc.service"
grep -q "sessions in /var/lib/iotrc" "$T/out" || fail "install says: $(cat "$T/out")"
FAKE_STATUS=3 svc 3 status
svc 0 stop; calls "systemctl stop iotrc.service"
svc 0 start; calls "systemctl start iotrc.service"
svc 0 restart; calls "systemctl restart iotrc.service"
svc 0 logs; calls "journalctl -u iotrc.service --no-pager -n 100"
svc 0 logs -f -n 20; calls "journalctl -u iotrc.service --no-pager -n 20 -f"
svc 0 uninstall; calls "systemctl disable --now iotrc.service"
# ---- a prefix outside the search path: the unit is linked first
rm -rf "$R"; P=opt/iotrc
make -s install-service DESTDIR="$R" PREFIX=/$P BUILD="$T/b" >"$T/mk" 2>&1 || fail "make: $(cat "$T/mk")"
mkdir -p "$R/run/systemd/system"; printf '#!/bin/sh\n' >"$R/$P/bin/iotrc"; chmod +x "$R/$P/bin/iotrc"
svc 0 install
calls "systemctl link /$P/lib/systemd/system/iotrc.service" "systemctl daemon-reload" "systemctl enable --now iotrc.service"

# ---- macOS: launchd
rm -rf "$R"; P=usr/local FAKE_OS=Darwin
make -s install-service OS=darwin DESTDIR="$R" PREFIX=/$P BUILD="$T/b" >"$T/mk" 2>&1 || fail "make: $(cat "$T/mk")"
printf '#!/bin/sh\n' >"$R/$P/bin/iotrc"; chmod +x "$R/$P/bin/iotrc"
L=dev.cachemon.iotrc D=$R/Library/LaunchDaemons
svc 3 status; calls "launchctl print system/$L"; grep -qx "$L: not installed" "$T/out" || fail "status: $(cat "$T/out")"
svc 1 start; grep -q 'not installed: sudo iotrc-service install' "$T/err" || fail "start uninstalled: $(cat "$T/err")"
svc 0 install
calls "launchctl print system/$L" "launchctl enable system/$L" "launchctl bootstrap system /Library/LaunchDaemons/$L.plist"
cmp -s "$D/$L.plist" "$R/$P/share/iotrc/launchd/$L.plist" || fail "plist not copied"
[ "$(stat -c %a "$D/$L.plist")" = 644 ] || fail "plist mode $(stat -c %a "$D/$L.plist")"
grep -q "<string>/$P/bin/iotrc</string>" "$D/$L.plist" || fail "plist: no /$P/bin/iotrc"
grep -q "sessions in /var/db/iotrc, log /var/log/iotrc.log" "$T/out" || fail "install says: $(cat "$T/out")"
svc 0 status; calls "launchctl print system/$L" "launchctl print system/$L"
svc 0 restart; calls "launchctl print system/$L" "launchctl kickstart -k system/$L"
svc 0 start; calls "launchctl print system/$L" "launchctl kickstart system/$L"
svc 0 stop; calls "launchctl print system/$L" "launchctl bootout system/$L"
svc 0 stop; calls "launchctl print system/$L"
svc 3 status; grep -qx "$L: installed, not loaded" "$T/out" || fail "status after stop: $(cat "$T/out")"
svc 0 start; calls "launchctl print system/$L" "launchctl bootstrap system /Library/LaunchDaemons/$L.plist"
# install again (an upgrade): unloaded first; io-tracer-mac's daemon is named
touch "$D/dev.cachemon.iotracer.plist"
svc 0 install
calls "launchctl print system/$L" "launchctl bootout system/$L" "launchctl enable system/$L" \
	"launchctl bootstrap system /Library/LaunchDaemons/$L.plist"
grep -q "io-tracer-mac's daemon (dev.cachemon.iotracer) is installed too" "$T/err" || fail "no warning: $(cat "$T/err")"
mkdir -p "$R/var/log"; seq 1 300 >"$R/var/log/iotrc.log"
svc 0 logs -n 5
calls "log show --last 1h --style compact --predicate subsystem == \"com.apple.xpc.launchd\" AND eventMessage CONTAINS \"$L\""
[ "$(cat "$T/out")" = "$(seq 296 300)" ] || fail "logs: $(cat "$T/out")"
svc 0 uninstall; calls "launchctl print system/$L" "launchctl bootout system/$L"
[ -e "$D/$L.plist" ] && fail "uninstall left the plist"
svc 3 status
echo "iotrc-service: systemd and launchd command paths as expected"
