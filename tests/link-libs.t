#!/bin/sh
# Each tool links exactly the libraries the Makefile names for it
# (PROG.libs, printed by "make print-libs"), besides the C library and the
# sanitizer runtimes of the asan pass: iotrc-parse carries no libcurl, no
# libyaml, no libzstd. (libyaml-0.so.2: the soname's -0 is dropped.) Read from the binaries' own dynamic sections.
set -eu
command -v readelf >/dev/null || { echo "readelf (binutils) is not installed"; exit 77; }
B=$IOTRC_BUILD/bin
make -s --no-print-directory print-libs >"$T/libs" || exit 1
n=0
while IFS=: read -r prog libs; do
	[ -x "$B/$prog" ] || { echo "$prog: not built"; exit 1; }
	want=$(for l in $libs; do echo "lib${l#-l}"; done | sort | tr '\n' ' ')
	have=$(readelf -d "$B/$prog" | sed -n 's/.*(NEEDED).*\[\(lib[^.]*\)\..*/\1/p' |
		grep -v -x -e libc -e libasan -e libubsan |
		sed 's/-[0-9][0-9]*$//' | sort | tr '\n' ' ')
	[ "$want" = "$have" ] || { echo "$prog links [$have], the Makefile names [$want]"; exit 1; }
	echo "$prog: ${have:-libc only}"
	n=$((n+1))
done <"$T/libs"
[ "$n" -ge 4 ] || { echo "only $n programs listed by make print-libs"; exit 1; }
echo "$n tools link only what the Makefile names"
