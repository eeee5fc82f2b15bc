#!/bin/sh
# iotrc-preload.t — the session's descriptor snapshot, with real
# bpftrace: a process opens held.txt before iotrc starts and writes to it
# during the session; with engine.live_lookup false (iotrc-parse
# --no-lookup) the fs row of that write still has the file's path, from
# .iotrc/fds (iotrc-snap-proc --fds, passed as --preload). Rotation every
# second lets the test wait for the row in finished files (no fixed sleep).
. tests/engine-common.sh
engine_require
command -v zstd >/dev/null || skip "zstd is not installed"

mkfifo "$T/go"
: >"$T/held.txt"
held=$(cd "$T" && pwd -P)/held.txt
# shellcheck disable=SC2016
sh -c 'exec 3>>"$1"; read -r x <"$2"; echo preloaded >&3' sh "$held" "$T/go" &
hpid=$!
trap 'kill $hpid $ipid 2>/dev/null' EXIT
until [ "$(readlink "/proc/$hpid/fd/3" 2>/dev/null)" = "$held" ]; do
	i=$((${i:-0} + 1)); [ "$i" -gt 100 ] && fail "the holder did not open $held"
	sleep 0.1
done

cat >"$T/c.yml" <<EOF
streams: {block: false, nw_conn: false}
engine: {live_lookup: false}
rotate: {max_age: 1s}
snapshot: {process_every: 0, fs_every: 0}
EOF
iotrc -c "$T/c.yml" -o "$T/out" --no-upload -d 120 2>"$T/iotrc.err" &
ipid=$!
i=0
until s=$(ls -d "$T/out"/*/.iotrc 2>/dev/null) && grep -q '^probes [1-9]' "$s/launch-fs.stats" 2>/dev/null; do
	kill -0 $ipid 2>/dev/null || { cat "$T/iotrc.err"; fail "iotrc ended before attaching"; }
	i=$((i + 1)); [ $i -gt 900 ] && { cat "$T/iotrc.err"; fail "not attached in 90 s"; }
	sleep 0.1
done
sess=${s%/.iotrc}
[ -s "$sess/.iotrc/fds" ] || { cat "$T/iotrc.err"; fail "no descriptor snapshot"; }
echo go >"$T/go"
wait $hpid || fail "the holder failed"
i=0
until for f in "$sess"/fs/fs_*.csv.zst; do [ -f "$f" ] && zstd -dcq "$f"; done | grep ",write,$hpid," >"$T/rows"; do
	i=$((i + 1)); [ $i -gt 300 ] && { cat "$T/iotrc.err"; fail "no fs row of the holder's write in 30 s"; }
	sleep 0.1
done
kill -INT $ipid
wait $ipid; st=$?
[ $st = 0 ] || { cat "$T/iotrc.err"; fail "iotrc exited with $st"; }
cat "$T/rows"
grep -F ",write,$hpid," "$T/rows" | grep -qF ",$held," ||
	fail "the write on a descriptor opened before the session has no path"
echo "preload: ok"
