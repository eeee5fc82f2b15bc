#!/bin/sh
# make install puts every tool, script and man page under DESTDIR/PREFIX;
# make uninstall removes them all again.
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
make -s uninstall DESTDIR="$d" PREFIX=/usr/local >"$T/log" 2>&1 || { cat "$T/log"; exit 1; }
left=$(find "$d" -type f | wc -l)
[ "$left" = 0 ] || { echo "uninstall left $left files:"; find "$d" -type f | head; exit 1; }
echo "installed and uninstalled $(ls build/bin | wc -l) tools, $(ls man | wc -l) pages"
