#!/bin/sh
# iotrc-kdebug.t — the kdebug engine in a session, on any system: with
# engine.kind kdebug and engine.kdebug_replay, iotrc runs one iotrc-kdebug
# --replay for the three streams, a pipe each (/dev/fd/N) to that stream's
# iotrc-parse and iotrc-write. The replayed file (built by kdgen) has the
# disk and socket fixtures' events and a write by a live process on a
# descriptor it opened before iotrc started: every stream's files hold
# exactly the rows iotrc-kdebug --replay | iotrc-parse give alone, the fs
# row of that write has its path with engine.live_lookup false (the
# session's descriptor snapshot, --preload), the manifest says kdebug,
# and the file's end ends the session cleanly (no gap, no restart).
# Then the replay reads a FIFO: the engine, waiting on it, is given
# iotrc's and every child's pid to exclude and --preload; killed, it is a
# gap on each of its streams and one restart, and the file then written
# to the FIFO reaches every stream.
set -u
fail() { echo "FAIL: $*"; exit 1; }
KDGEN=$IOTRC_BUILD/tests/kdgen
[ -x "$KDGEN" ] || fail "no $KDGEN (make tests)"
command -v zstd >/dev/null || { echo "zstd is not installed"; exit 77; }
export TZ=UTC
WALL=1763900000000000000

# a process holding descriptor 3 on held.txt from before the session
: >"$T/held.txt"
sleep 600 3>>"$T/held.txt" &
holder=$!
trap 'kill $holder 2>/dev/null' EXIT
held=$(cd "$T" && pwd -P)/held.txt

{
	echo raw
	echo "thread 7001 $holder holder"
	echo "tag timebase=1/1 wall_offset_ns=$WALL lookup=full"
	grep -hv '^#' tests/fixtures/kdebug-disk.kd tests/fixtures/kdebug-net.kd
	echo "start 9000 7001 0 write 3 0x100 5 0"
	echo "end 9010 7001 0 write 0 5 0 $holder"
} >"$T/spec"
"$KDGEN" <"$T/spec" >"$T/in.kd" || fail "kdgen"

conf() { # replay file
	cat >"$T/c.yml" <<EOF
engine: {kind: kdebug, kdebug_replay: "$1", live_lookup: false}
snapshot: {process_every: 0, fs_every: 0}
log: {restart_max: 3}
EOF
}

# rows of the session's files (header once) = the tools alone, with the
# descriptor snapshot given (the first engine) or not (a restarted one)
check_rows() { # session [fds]
	pre=${2:+--preload $2}
	for p in vfs:fs io:block net:nw_conn; do
		rec=${p%%:*} st=${p#*:}
		# shellcheck disable=SC2086
		iotrc-kdebug --replay "$T/in.kd" $pre --$rec - 2>"$T/kd.err" |
			iotrc-parse --no-lookup $pre $rec >"$T/want.$st" ||
			fail "the tools alone on $rec: $(cat "$T/kd.err")"
		[ "$(wc -l <"$T/want.$st")" -gt 1 ] || fail "no $st rows from the tools alone"
		for f in "$1/$st"/*.csv.zst; do
			[ -f "$f" ] || fail "no $st file"
			zstd -dcq "$f"
		done | awk 'NR == 1 || !/^timestamp,/' >"$T/got.$st"
		cmp -s "$T/want.$st" "$T/got.$st" || { diff "$T/want.$st" "$T/got.$st" | head -n 20; fail "$st rows differ"; }
	done
}

# ---- 1. a replayed file: the streams' rows, the preloaded path, a clean end
conf "$T/in.kd"
iotrc -c "$T/c.yml" -o "$T/out" --no-upload -d 120 2>"$T/err" &
ipid=$!
wait $ipid; st=$?
[ $st = 0 ] || { cat "$T/err"; fail "iotrc exited with $st"; }
sess=$(ls -d "$T/out"/*/ | head -n 1); sess=${sess%/}
grep -q 'the descriptor snapshot failed' "$T/err" && { cat "$T/err"; fail "no descriptor snapshot"; }
[ "$(stat -c %a "$sess/.iotrc/fds")" = 600 ] || fail "fds mode $(stat -c %a "$sess/.iotrc/fds")"
check_rows "$sess" "$sess/.iotrc/fds"
grep -F ",write,$holder,7001,holder,$held," "$T/got.fs" >/dev/null ||
	{ grep ",write,$holder," "$T/got.fs"; fail "the write on the preloaded descriptor has no path"; }
"$PY" - "$sess" <<'PY' || { cat "$T/err"; fail "manifest"; }
import sys, json
m = json.load(open(sys.argv[1] + "/manifest.json"))
d = m["diagnostics"]
assert m["tracer"]["engine"] == {"fs": "kdebug", "block": "kdebug", "nw_conn": "kdebug"}, m["tracer"]
assert sorted(d["streams_attached"]) == ["block", "fs", "nw_conn"], d["streams_attached"]
assert d["gaps"] == [] and set(d["restarts"].values()) == {0}, (d["gaps"], d["restarts"])
assert m["session"]["stopped_at"]
for st in ("fs", "block", "nw_conn"):
    assert d["rows_written"][st] == d["rows_parsed"][st] > 0, (st, d["rows_written"], d["rows_parsed"])
print("rows", d["rows_written"], "records", d["records_read"])
PY
grep -q 'engine kdebug' "$T/err" || { cat "$T/err"; fail "the engine is not said"; }

# ---- 2. the engine killed while it waits on its input: a gap on each
# stream, one restart, then the file through the FIFO
rm -rf "$T/out"
mkfifo "$T/kd.fifo"
conf "$T/kd.fifo"
iotrc -v -c "$T/c.yml" -o "$T/out" --no-upload -d 120 2>"$T/err" &
ipid=$!
i=0
until kpid=$(grep -o 'kdebug: started iotrc-kdebug (pid [0-9]*' "$T/err" | grep -o '[0-9]*$'); do
	i=$((i + 1)); [ $i -gt 300 ] && { cat "$T/err"; kill $ipid; fail "no iotrc-kdebug in 30 s"; }
	sleep 0.1
done
args=$(tr '\0' ' ' </proc/"$kpid"/cmdline)
sess=$(ls -d "$T/out"/*/ | head -n 1); sess=${sess%/}
for want in "--exclude-pid $ipid " "--replay $T/kd.fifo " "--preload $sess/.iotrc/fds " \
	"--stats $sess/.iotrc/kdebug.stats "; do
	case "$args " in *"$want"*) ;; *) kill $ipid; fail "iotrc-kdebug lacks '$want': $args" ;; esac
done
for p in $(grep -o 'started iotrc-[a-z]* (pid [0-9]*' "$T/err" | grep -o '[0-9]*$'); do
	[ "$p" = "$kpid" ] || case "$args " in *"--exclude-pid $p "*) ;; *) kill $ipid; fail "child $p not excluded: $args" ;; esac
done
for rec in vfs io net; do
	case "$args" in *"--$rec /dev/fd/"[0-9]*) ;; *) kill $ipid; fail "no --$rec /dev/fd/N: $args" ;; esac
done
parse=$(grep -o 'fs: started iotrc-parse (pid [0-9]*' "$T/err" | grep -o '[0-9]*$')
case "$(tr '\0' ' ' </proc/"$parse"/cmdline)" in
*"--no-lookup --preload $sess/.iotrc/fds vfs"*) ;;
*) kill $ipid; fail "fs parser: $(tr '\0' ' ' </proc/"$parse"/cmdline)" ;;
esac
kill -KILL "$kpid"
i=0
until grep -q 'kdebug: started iotrc-kdebug (pid [0-9]*' "$T/err" &&
      [ "$(grep -c 'kdebug: started iotrc-kdebug' "$T/err")" -ge 2 ]; do
	i=$((i + 1)); [ $i -gt 300 ] && { cat "$T/err"; kill $ipid; fail "iotrc-kdebug not restarted in 30 s"; }
	sleep 0.1
done
timeout 60 cat "$T/in.kd" >"$T/kd.fifo" || { cat "$T/err"; kill $ipid; fail "the restarted engine did not read the FIFO"; }
wait $ipid; st=$?
[ $st = 0 ] || { cat "$T/err"; fail "iotrc exited with $st after the restart"; }
"$PY" - "$sess" <<'PY' || { cat "$T/err"; fail "gaps after the engine's death"; }
import sys, json
m = json.load(open(sys.argv[1] + "/manifest.json"))
d = m["diagnostics"]
g = d["gaps"]
print("gaps:", g)
assert sorted(x["stream"] for x in g) == ["block", "fs", "nw_conn"], g
assert all(x["end"] and "iotrc-kdebug killed by signal 9" in x["cause"] for x in g), g
assert d["restarts"] == {"fs": 1, "block": 1, "nw_conn": 1}, d["restarts"]
for st in ("fs", "block", "nw_conn"):
    assert d["rows_written"][st] > 0, d["rows_written"]
PY
check_rows "$sess"     # the restarted engine has no --preload (a stale snapshot)
echo "kdebug in a session: ok"
