#!/bin/sh
# iotrc-args.t — what iotrc passes its engines, with a stand-in
# iotrc-launch (engine.bin_dir: the real tools, but a script that records
# its arguments and waits for its stop signal), so no root is needed: -x
# with iotrc's own pid (iotrc-launch excludes it and all it starts), -k
# bpftrace (auto on Linux), --buffer from engine.buffer (only when set),
# --after-sleep; the manifest records each stream's engine and why, and
# the choice is said once.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/bin"
for t in iotrc-parse iotrc-write iotrc-snap-sys iotrc-snap-proc; do ln -s "$IOTRC_BUILD/bin/$t" "$T/bin/$t"; done
{
	echo '#!/bin/sh'
	echo 'for a; do stream=$a; done'
	echo "echo \"\$*\" >\"$T/args-\$stream\""
	echo "trap 'exit 0' INT TERM"
	echo 'while :; do sleep 0.1; done'
} >"$T/bin/iotrc-launch"
chmod +x "$T/bin/iotrc-launch"
run() { # yaml
	printf '%s\n' "$1" >"$T/c.yml"
	rm -rf "$T/out" "$T"/args-*
	iotrc -c "$T/c.yml" -o "$T/out" -d 2 2>"$T/err" &
	ipid=$!
	wait $ipid || { cat "$T/err"; fail "iotrc: exit $?"; }
	for s in vfs io; do [ -s "$T/args-$s" ] || { cat "$T/err"; fail "no launch of $s"; }; done
}
run "engine: {bin_dir: \"$T/bin\", buffer: 8M}
streams: {nw_conn: false}
snapshot: {fs_every: 0}"
for s in vfs io; do
	a=$(cat "$T/args-$s")
	echo "iotrc-launch $a"
	case " $a " in *" -x $ipid "*) ;; *) fail "$s: not -x $ipid (iotrc's pid): $a" ;; esac
	case " $a " in *" --buffer 8388608 "*) ;; *) fail "$s: no --buffer 8388608: $a" ;; esac
	case " $a " in *" -k bpftrace "*) ;; *) fail "$s: no -k bpftrace: $a" ;; esac
	case " $a " in *" --after-sleep warn "*) ;; *) fail "$s: no --after-sleep: $a" ;; esac
	[ "$(echo " $a " | grep -o ' -x ' | wc -l)" = 1 ] || fail "$s: more than one -x: $a"
done
[ -e "$T/args-net" ] && fail "nw_conn launched though off"
"$PY" -c '
import json, glob, sys
m = json.load(open(glob.glob(sys.argv[1] + "/out/*/manifest.json")[0]))
assert m["tracer"]["engine"] == {"fs": "bpftrace", "block": "bpftrace"}, m["tracer"]
assert m["diagnostics"]["engine_choice"]["fs"] == "auto: bpftrace on Linux", m["diagnostics"]
' "$T" || fail "manifest engine"
[ "$(grep -c 'engine bpftrace' "$T/err")" = 1 ] && grep -q '^iotrc: engine bpftrace (auto: bpftrace on Linux)$' "$T/err" ||
	fail "the engine choice not said once: $(cat "$T/err")"
# no --buffer by default
run "engine: {bin_dir: \"$T/bin\"}
streams: {nw_conn: false}
snapshot: {fs_every: 0}"
grep -q -- '--buffer' "$T/args-vfs" && fail "--buffer passed though engine.buffer is 0"
echo "args: ok"
