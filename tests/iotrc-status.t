#!/bin/sh
# iotrc-status.t — what a running session shows. On a terminal (tmux,
# 100x10) one status line on stderr, redrawn in place about once a second
# (the elapsed time advances, the line stays one line) and cleared at the
# end; `iotrc status` prints the running session's counters from
# <session>/.iotrc/status (0600; .iotrc is 0700); nothing of the sort when
# stderr is not a terminal; `iotrc status` without a running session fails.
# A session of process snapshots alone: no engine, no root needed.
set -u
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$T/screen" 2>/dev/null; exit 1; }
command -v tmux >/dev/null || { echo "tmux not installed (scripts/install-deps test)"; exit 77; }
sock=iotrc-status-test-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
cat >"$T/c.yml" <<EOF
output: {root: "$T/out"}
streams: {fs: false, block: false, nw_conn: false}
snapshot: {process_every: 10s, fs_every: 0}
EOF
screen() { tm capture-pane -p -t st >"$T/screen"; }
waitfor() { # what shell-test-on-$1, 20 s at most
	i=0
	while [ $i -lt 400 ]; do
		screen
		if sh -c "$2" sh "$T/screen"; then echo "screen shows $1"; return 0; fi
		i=$((i + 1)); sleep 0.05
	done
	fail "screen never showed $1"
}

# not running: iotrc status says so
iotrc -c "$T/c.yml" status >"$T/o" 2>"$T/e"; st=$?
[ $st = 1 ] && grep -q "^iotrc: no running session under $T/out" "$T/e" || fail "status with none: $st $(cat "$T/e")"

tm new-session -d -s st -x 100 -y 10 \
	"iotrc -c '$T/c.yml' -d 12; echo exit=\$? >'$T/status'; sleep 60" || fail "tmux"
waitfor "the line with rows written" 'grep -Eq "^iotrc 0:00:0[0-9] \| drops 0 \| rows [1-9][0-9]* \| files 0$" "$1"'
waitfor "the line three seconds on" 'grep -Eq "^iotrc 0:00:(0[3-9]|1[0-9]) \|" "$1"'
[ "$(grep -c '^iotrc 0:' "$T/screen")" = 1 ] || fail "the status line is not redrawn in place"

# iotrc status, from another shell
iotrc -c "$T/c.yml" status >"$T/o" 2>"$T/e" || fail "status: $(cat "$T/e")"
sess=$(sed -n 's/^session //p' "$T/o")
grep -q "^pid [0-9]" "$T/o" && grep -Eq "^process.rows_written [1-9]" "$T/o" &&
	grep -q "^process.events_per_s " "$T/o" && grep -q "^upload.mode none$" "$T/o" || fail "status: $(cat "$T/o")"
[ "$(stat -c %a "$sess/.iotrc")" = 700 ] && [ "$(stat -c %a "$sess/.iotrc/status")" = 600 ] || fail "modes"
echo "iotrc status: $(tr '\n' ' ' <"$T/o")"

waitfor "the end, the line cleared" 'grep -q "^exit=0" "'"$T/status"'" 2>/dev/null && ! grep -q "| drops" "$1"'
grep -q "iotrc: session .* done" "$T/screen" || fail "no closing message"

# stderr not a terminal: no status line, no terminal controls
iotrc -c "$T/c.yml" -d 2 2>"$T/e2" || fail "iotrc -d 2: $(cat "$T/e2")"
if grep -q "$(printf '\r')" "$T/e2" || grep -q "$(printf '\033')" "$T/e2" || grep -q "| drops" "$T/e2"; then
	fail "a status line on a file: $(od -c "$T/e2" | head)"
fi
echo "status: ok"
