#!/bin/sh
# iotrc-launch and an engine that ignores SIGINT: a second signal to us
# escalates to SIGTERM, which kills it. That is "the engine was killed"
# (iotrc-launch(1) EXIT STATUS 1), not a clean stop; and the signals go to
# the engine's process group, so what the engine started (a sleep 600)
# does not survive it.
set -u
fail() { echo "FAIL: $*"; exit 1; }
F=$(pwd)/tests/launch-fake-engine
mkdir -p "$T/s" && touch "$T/s/vfs.d"
(FAKE=stubborn-kids FAKE_KIDFILE="$T/kid" exec iotrc-launch -k dtrace -e "$F" -d "$T/s" vfs \
	>"$T/out" 2>"$T/err") & lp=$!
i=0; while [ ! -s "$T/kid" ]; do i=$((i + 1)); [ $i -gt 50 ] && fail "engine did not start"; sleep 0.1; done
sleep 0.3; kill -INT $lp; sleep 0.3; kill -INT $lp; wait $lp; st=$?
kid=$(cat "$T/kid")
i=0; while kill -0 "$kid" 2>/dev/null && ! grep -q '^[^ ]* ([^)]*) Z' "/proc/$kid/stat" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 30 ] && { kill "$kid"; fail "the engine's child survived it"; }; sleep 0.1
done
[ $st = 1 ] || fail "engine killed by our SIGTERM: exit $st, want 1: $(cat "$T/err")"
grep -q "killed" "$T/err" || fail "no message: $(cat "$T/err")"
echo ok
