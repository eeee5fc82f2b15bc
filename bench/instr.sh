#!/bin/sh
# bench/instr.sh — instructions per record (valgrind callgrind), for the
# hot paths: iotrc-parse vfs/io/net and iotrc-kdebug --replay. Counts are
# the same run after run whatever else the machine does, so this is the
# figure to compare two builds with on a busy machine (the rates of
# parse.sh and kdebug.sh need an idle one).
#   bench/instr.sh [REV]    also build git revision REV and print both
# Needs valgrind; builds with -O2 -g into build-instr (and build-instr-REV).
set -eu
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "bench/instr.sh: valgrind is not installed" >&2; exit 1; }
n=300000
tmp=$(mktemp -d /tmp/iotrc-instr.XXXXXX); trap 'rm -rf "$tmp"' EXIT
make -s CFLAGS="-O2 -g" BUILD=build-instr all bench build-instr/tests/kdgen >/dev/null
for s in vfs io net; do build-instr/bench/gen-records -s "$s" -n $n >"$tmp/$s.rec"; done
build-instr/tests/kdgen mix $n >"$tmp/mix.kd"
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
	awk '/Collected/ { print $4 }'; }
measure() { # label build
	for s in vfs io net; do
		i=$(ir "$2/bin/iotrc-parse" --no-lookup "$s" <"$tmp/$s.rec")
		printf '%-12s parse %-4s %8.1f instructions/record\n' "$1" "$s" "$(echo "$i / $n" | bc -l)"
	done
	i=$(ir "$2/bin/iotrc-kdebug" --replay "$tmp/mix.kd" --timebase 125/3 --vfs /dev/null --io /dev/null --net /dev/null)
	printf '%-12s kdebug     %8.1f instructions/event\n' "$1" "$(echo "$i / $n" | bc -l)"
}
measure "$(git rev-parse --short HEAD)" build-instr
if [ $# -gt 0 ]; then
	git worktree add -q --detach "$tmp/old" "$1"
	make -s -C "$tmp/old" CFLAGS="-O2 -g" BUILD=build all >/dev/null
	measure "$1" "$tmp/old/build"
	git worktree remove --force "$tmp/old"
fi
