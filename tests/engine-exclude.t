#!/bin/sh
# engine-exclude.t — iotrc-launch -x PID excludes PID and the processes it
# starts (as iotrc does with its own pid, for every filter it runs): a
# shell given with -x runs the workload as its child and as its
# grandchild; neither may appear in the trace, while the same workload
# run beside them, not excluded, does.
. tests/engine-common.sh
engine_require
W=$IOTRC_BUILD/tests/workload
mkdir -p "$T/c" "$T/g" "$T/o"
mkfifo "$T/go"
# "; true" keeps each shell from exec'ing its last command in place
sh -c 'read x <"$1"; "$2" vfs "$3/c" >/dev/null; sh -c "\"\$0\" vfs \"\$1/g\" >/dev/null; true" "$2" "$3"; true' \
	sh "$T/go" "$W" "$T" &
xp=$!
iotrc-launch -x $xp --stats "$T/stats" vfs >"$T/raw" 2>"$T/launch.err" &
lpid=$!
i=0
until grep -q '^probes [1-9]' "$T/stats" 2>/dev/null; do
	kill -0 $lpid 2>/dev/null || { cat "$T/launch.err"; kill $xp; fail "iotrc-launch exited before attaching"; }
	i=$((i + 1)); [ $i -gt 600 ] && { kill -INT $lpid; kill $xp; fail "bpftrace did not attach within 60 s"; }
	sleep 0.1
done
echo go >"$T/go"
wait $xp || fail "the excluded workloads failed"
"$W" vfs "$T/o" >/dev/null || fail "the traced workload failed"
kill -INT $lpid
wait $lpid; st=$?
cat "$T/launch.err"
[ $st = 0 ] || fail "iotrc-launch exited with $st"
iotrc-parse vfs <"$T/raw" >"$T/csv" 2>"$T/parse.err" || { cat "$T/parse.err"; fail "iotrc-parse failed"; }
o=$(grep -c "$T/o/sub" "$T/csv")
c=$(grep -c "$T/c/sub" "$T/csv")
g=$(grep -c "$T/g/sub" "$T/csv")
echo "rows: traced workload $o, excluded child $c, excluded grandchild $g"
[ "$o" -ge 10 ] || fail "the workload beside them was not traced ($o rows)"
[ "$c" = 0 ] || fail "the excluded pid's child was traced"
[ "$g" = 0 ] || fail "the excluded pid's grandchild was traced"
echo "ok: -x excludes the pid's children and grandchildren"
