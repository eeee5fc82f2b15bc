#!/bin/sh
# launch-held-pipes.t — the engine exits but leaves a process behind that
# holds its stdout and stderr open: iotrc-launch must notice the exit (it
# reaps the engine whether or not the pipes are closed), pass on what was
# printed, and end within a few seconds instead of waiting for the leftover
# process.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/s" && touch "$T/s/vfs.d"
cat >"$T/fake" <<'SH'
#!/bin/sh
sleep 30 &
echo $! >"$FAKE_PIDFILE"
printf 'open\0011\0011\0011\001x\0011\0011\0013\0010\0011\001-2\001-1\001/a\001\001\001-1\0010\0010\n'
exit 0
SH
chmod +x "$T/fake"
FAKE_PIDFILE="$T/left" iotrc-launch -k dtrace -e "$T/fake" -d "$T/s" vfs >"$T/out" 2>"$T/err" & lp=$!
i=0
while kill -0 $lp 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill "$(cat "$T/left")" $lp 2>/dev/null; fail "still waiting for the leftover process after 10 s"; }
	sleep 0.1
done
wait $lp; st=$?
kill "$(cat "$T/left")" 2>/dev/null
[ $st = 0 ] || { cat "$T/err"; fail "exit $st"; }
grep -q /a "$T/out" || fail "record lost"
grep -q 'holds its output open' "$T/err" || fail "no message: $(cat "$T/err")"
echo "ok: the engine's exit ends the launcher after $((i / 10)) s"
