#!/bin/sh
# iotrc-kdebug --replay on kd_buf streams built by hand from the cited emit
# sites (tests/fixtures/kdebug-*.kd, turned into binary by
# tests/helpers/kdgen.c), through iotrc-parse, compared with the exact
# expected records, CSV rows and counters (tests/fixtures/kdebug-*.out).
# Options: "--timebase 1/1 --wall-offset $WALL", or a spec's "#! opts: ...";
# "#! fds: ..." lines make a --preload side file (| is the byte 0x01);
# "#! records-only" leaves iotrc-parse out (records the engine guarantees,
# whatever the parser makes of them).
#   KDEBUG_BLESS=1 tests/kdebug.t   rewrites the .out files (review the diff!)
set -u
: "${IOTRC_BUILD:?}" "${T:?}"
KDGEN=$IOTRC_BUILD/tests/kdgen
[ -x "$KDGEN" ] || { echo "no $KDGEN (make tests)"; exit 1; }
export TZ=UTC
WALL=1763900000000000000

# The .out text of one spec: records (0x01 shown as |), CSV, stats.
render() {
	spec=$1
	opts=$(sed -n 's/^#! *opts: *//p' "$spec")
	[ -n "$opts" ] || opts="--timebase 1/1 --wall-offset $WALL"
	# "#! fds: LINE": a side file of iotrc-snap-proc --fds for --preload
	if grep -q '^#! *fds:' "$spec"; then
		sed -n 's/^#! *fds: //p' "$spec" | tr '|' '\001' >"$T/in.fds"
		opts="$opts --preload $T/in.fds"
	fi
	"$KDGEN" <"$spec" >"$T/in.kd" || return 1
	# shellcheck disable=SC2086
	iotrc-kdebug --replay "$T/in.kd" --vfs "$T/vfs.rec" --io "$T/io.rec" --net "$T/net.rec" \
		--stats "$T/stats" $opts 2>"$T/err"
	st=$?
	[ $st = 0 ] || echo "## exit $st"
	[ -s "$T/err" ] && { echo "## stderr"; cat "$T/err"; }
	for s in vfs io net; do
		[ "$s" = vfs ] && { echo "## header"; head -n 1 "$T/$s.rec" | sed 's/ pid=[0-9]*$/ pid=PID/; s/stream=vfs/stream=S/'; }
		head -n 1 "$T/$s.rec" | sed 's/ pid=[0-9]*$/ pid=PID/; s/stream=[a-z]*/stream=S/' >"$T/hdr.$s"
		cmp -s "$T/hdr.vfs" "$T/hdr.$s" || echo "## $s header differs: $(cat "$T/hdr.$s")"
		[ "$(grep -vc '^#' "$T/$s.rec")" -gt 0 ] || continue
		echo "## $s records"
		grep -v '^#' "$T/$s.rec" | tr '\001' '|'
		grep -q '^#! *records-only' "$spec" && continue
		echo "## $s csv"
		iotrc-parse --no-lookup "$s" <"$T/$s.rec" || echo "## iotrc-parse $s failed"
	done
	echo "## stats"
	grep -Ev '^(bytes_|events |lookups |syscalls_other |ignored_events )| 0$' "$T/stats"
}

fail=0 n=0
for spec in tests/fixtures/kdebug-*.kd; do
	out=${spec%.kd}.out
	n=$((n + 1))
	render "$spec" >"$T/actual" 2>&1
	if [ "${KDEBUG_BLESS:-}" = 1 ]; then
		cp "$T/actual" "$out"
		continue
	fi
	if ! cmp -s "$T/actual" "$out"; then
		echo "FAIL $spec:"
		diff -u "$out" "$T/actual" | head -n 40
		fail=1
	fi
done
echo "$n kdebug fixtures checked"
exit $fail
