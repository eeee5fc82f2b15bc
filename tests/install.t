#!/bin/sh
# make install puts every tool, script and man page under DESTDIR/PREFIX,
# and daemon mode's files (iotrc-service(8)): iotrc-service, the daemon's
# configuration and the systemd unit (the launchd plist with OS=darwin),
# the prefix filled in; make uninstall removes them all again, but keeps a
# configuration someone changed (so does a second make install).
set -eu
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "install is checked once, in the plain pass"; exit 77; }
d=$T/root
make -s install DESTDIR="$d" PREFIX=/usr/local >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
for t in build/bin/*; do
	[ -x "$d/usr/local/bin/${t##*/}" ] || { echo "missing bin/${t##*/}"; exit 1; }
done
for m in man/*.[1-9]; do
	s=${m##*.}; [ -f "$d/usr/local/share/man/man$s/${m##*/}" ] || { echo "missing $m"; exit 1; }
done
for f in dtrace/*.d dtrace/*.bt; do
	[ -f "$f" ] || continue
	[ -f "$d/usr/local/share/iotrc/dtrace/${f##*/}" ] || { echo "missing $f"; exit 1; }
done
u=/usr/local
for f in bin/iotrc-service lib/systemd/system/iotrc.service etc/iotrc/iotrc.yml; do
	[ -f "$d$u/$f" ] || { echo "missing $u/$f"; exit 1; }
	grep -n '@[A-Z]*@' "$d$u/$f" && { echo "$u/$f: placeholders left"; exit 1; }
done
[ -x "$d$u/bin/iotrc-service" ] || { echo "iotrc-service is not executable"; exit 1; }
grep -qx "ExecStart=$u/bin/iotrc -c $u/etc/iotrc/iotrc.yml" "$d$u/lib/systemd/system/iotrc.service" ||
	{ echo "unit: $(grep ExecStart "$d$u/lib/systemd/system/iotrc.service")"; exit 1; }
grep -q "^CONFDIR='$u/etc/iotrc'\$" "$d$u/bin/iotrc-service" || { echo "iotrc-service: no CONFDIR"; exit 1; }
grep -qx '  root: "/var/lib/iotrc"' "$d$u/etc/iotrc/iotrc.yml" || { echo "config: no root"; exit 1; }
[ -e "$d$u/share/iotrc/launchd" ] && { echo "a launchd plist on Linux"; exit 1; }
make -s install-service OS=darwin DESTDIR="$d" PREFIX=/opt/iotrc BUILD="$T/b" >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
grep -q '<string>/opt/iotrc/bin/iotrc</string>' "$d/opt/iotrc/share/iotrc/launchd/dev.cachemon.iotrc.plist" ||
	{ echo "no plist with /opt/iotrc"; exit 1; }
[ -e "$d/opt/iotrc/lib/systemd" ] && { echo "a systemd unit on macOS"; exit 1; }
mkdir -p "$d/Library/LaunchDaemons"; cp "$d/opt/iotrc/share/iotrc/launchd/dev.cachemon.iotrc.plist" "$d/Library/LaunchDaemons"
make -s uninstall-service OS=darwin DESTDIR="$d" PREFIX=/opt/iotrc BUILD="$T/b" >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
grep -q 'warning: the daemon is still enabled .*: iotrc-service uninstall' "$T/log" || { echo "no warning: $(cat "$T/log")"; exit 1; }
rm -r "$d/Library"
# a changed configuration survives make install and make uninstall
echo '# mine' >>"$d$u/etc/iotrc/iotrc.yml"; cp "$d$u/etc/iotrc/iotrc.yml" "$T/mine"
make -s install DESTDIR="$d" PREFIX=$u >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
cmp -s "$T/mine" "$d$u/etc/iotrc/iotrc.yml" || { echo "make install replaced a changed config"; exit 1; }
make -s uninstall DESTDIR="$d" PREFIX=$u >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
cmp -s "$T/mine" "$d$u/etc/iotrc/iotrc.yml" || { echo "make uninstall removed a changed config"; exit 1; }
left=$(find "$d" -type f | wc -l)
[ "$left" = 1 ] || { echo "uninstall left $left files:"; find "$d" -type f | head; exit 1; }
rm "$d$u/etc/iotrc/iotrc.yml"
make -s install DESTDIR="$d" PREFIX=$u >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
make -s uninstall DESTDIR="$d" PREFIX=$u >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
left=$(find "$d" -type f | wc -l)
[ "$left" = 0 ] || { echo "uninstall left $left files:"; find "$d" -type f | head; exit 1; }
echo "installed and uninstalled $(ls build/bin | wc -l) tools, iotrc-service, $(ls man | wc -l) pages, the unit, the plist, the configuration"
