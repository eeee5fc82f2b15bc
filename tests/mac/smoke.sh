#!/bin/sh
# tests/mac/smoke.sh — the first thing to run on a Mac (as root):
#   sudo tests/mac/smoke.sh
# Runs one small workload three times, traced in turn by iotrc-kdebug, by
# the DTrace engine (iotrc-launch, when SIP allows DTrace) and by
# fs_usage -w (they cannot run together: one kdebug consumer at a time,
# notes/macos-kdebug.md §1.2), and prints a side-by-side count of the
# workload's operations, bytes read and written, and distinct paths each
# one saw, plus iotrc-kdebug's counters and whether it released kdebug.
# Keep the output: it is the ground truth the engine was written without.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ "$(uname -s)" = Darwin ] || { echo "smoke.sh: run this on a Mac"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "smoke.sh: run this as root (sudo): kdebug and DTrace need it"; exit 77; }
B=${IOTRC_BUILD:-$(pwd)/build}/bin
make -s all >/dev/null || { echo "smoke.sh: make failed"; exit 1; }
W=$(mktemp -d /tmp/iotrc-smoke.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
CMDS="dd cat mv rm mkdir cp"

# The workload: files created, written, read, copied, renamed, removed in
# $W/work.TAG, and one TCP connect to a closed local port.
workload() {
	d=$W/work.$1
	mkdir "$d"
	i=0
	while [ $i -lt 20 ]; do
		dd if=/dev/zero of="$d/f$i" bs=4096 count=16 2>/dev/null
		cat "$d/f$i" >/dev/null
		cp "$d/f$i" "$d/c$i"
		mv "$d/c$i" "$d/g$i"
		i=$((i + 1))
	done
	rm -rf "$d"
	nc -z -w 1 127.0.0.1 9 >/dev/null 2>&1
}

# ops, bytes, paths of the workload in an fs CSV (iotrc-parse output)
csv_counts() {
	awk -F, -v cmds=" $CMDS " 'NR > 1 && index(cmds, " " $5 " ") {
		ops++
		if (($2 == "read" || $2 == "write") && $9 != "") bytes += $9
		if ($6 ~ /iotrc-smoke\./) paths[$6] = 1
	} END { n = 0; for (p in paths) n++; printf "%8d %12d %8d", ops, bytes, n }' "$1"
}

# the same from fs_usage -w lines: "... B=0x<hex> ... path ... elapsed cmd.tid"
fsu_counts() {
	awk -v cmds=" $CMDS " '{
		c = $NF; sub(/\.[0-9]+$/, "", c)
		if (!index(cmds, " " c " ")) next
		ops++
		if (($2 ~ /^(read|write|pread|pwrite)/) && match($0, /B=0x[0-9a-f]+/)) {
			h = substr($0, RSTART + 4, RLENGTH - 4); v = 0
			for (k = 1; k <= length(h); k++) v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
			bytes += v
		}
		for (k = 1; k <= NF; k++) if ($k ~ /iotrc-smoke\./) paths[$k] = 1
	} END { n = 0; for (p in paths) n++; printf "%8d %12d %8d", ops, bytes, n }' "$1"
}

stop_tracer() { # pid
	sleep 1
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return $?
}

printf '%-22s %8s %12s %8s  %s\n' tracer ops bytes paths notes

# 1. iotrc-kdebug
"$B/iotrc-kdebug" --vfs "$W/kd.vfs" --io "$W/kd.io" --net "$W/kd.net" --stats "$W/kd.stats" \
	--record "$W/kd.raw" 2>"$W/kd.err" &
kp=$!
sleep 2
workload kd
stop_tracer $kp; st=$?
if [ -s "$W/kd.vfs" ]; then
	"$B/iotrc-parse" vfs <"$W/kd.vfs" >"$W/kd.csv"
	"$B/iotrc-parse" io <"$W/kd.io" >"$W/kd.block.csv"
	"$B/iotrc-parse" net <"$W/kd.net" >"$W/kd.net.csv"
	printf '%-22s %s  exit %s, %s block rows, %s net rows\n' iotrc-kdebug "$(csv_counts "$W/kd.csv")" \
		"$st" $(($(wc -l <"$W/kd.block.csv") - 1)) $(($(wc -l <"$W/kd.net.csv") - 1))
else
	printf '%-22s %s\n' iotrc-kdebug "failed (exit $st): $(head -n 1 "$W/kd.err")"
fi
owner=$(sysctl -n ktrace.owning_pid 2>/dev/null)
echo "   kdebug released after iotrc-kdebug: $([ "${owner:-0}" = 0 ] && echo yes || echo "NO (owner pid $owner)")"

# 2. the DTrace engine
if [ -x "$B/iotrc-launch" ]; then
	"$B/iotrc-launch" vfs >"$W/dt.vfs" 2>"$W/dt.err" &
	dp=$!
	sleep 3
	if kill -0 $dp 2>/dev/null; then
		workload dt
		stop_tracer $dp
		"$B/iotrc-parse" vfs <"$W/dt.vfs" >"$W/dt.csv"
		printf '%-22s %s\n' "dtrace (iotrc-launch)" "$(csv_counts "$W/dt.csv")"
	else
		wait $dp; printf '%-22s %s\n' "dtrace (iotrc-launch)" "skipped (exit $?): $(head -n 1 "$W/dt.err")"
	fi
else
	printf '%-22s %s\n' "dtrace (iotrc-launch)" "skipped: no $B/iotrc-launch"
fi

# 3. fs_usage -w, the workload's commands named (it hides sh and zsh)
# shellcheck disable=SC2086
fs_usage -w -f filesys $CMDS >"$W/fsu.txt" 2>"$W/fsu.err" &
fp=$!
sleep 2
workload fsu
stop_tracer $fp
printf '%-22s %s\n' "fs_usage -w" "$(fsu_counts "$W/fsu.txt")"

echo
echo "iotrc-kdebug counters (non-zero):"
grep -v ' 0$' "$W/kd.stats" 2>/dev/null | sed 's/^/   /'
echo "macOS $(sw_vers -productVersion 2>/dev/null) $(uname -m); SIP: $(csrutil status 2>/dev/null | head -n 1)"
# The traces hold paths and command lines: keep them in a private folder
# of a unique name (never a fixed name in /tmp, which another user could
# plant as a symlink for root to follow), and say where.
K=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/iotrc-smoke-result.XXXXXX") || exit 1
keep=$K/iotrc-smoke-result.tgz
(umask 077 && tar -czf "$keep" -C "$W" .) 2>/dev/null && echo "traces kept in $keep (private to root; attach it to a bug report)"
