#!/bin/sh
# iotrc-top's terminal view in a real terminal (tmux, 80x24): the screen
# shows the workload's process with its byte counts; the sort keys reorder
# it, the filter keeps only matching processes, Enter opens a process's
# files, new rows show up while it runs, Esc goes back, q quits (exit 0,
# the terminal restored). Keys are sent with send-keys, the screen read
# with capture-pane; every step waits for what it expects, no fixed sleeps.
set -u
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$T/screen" 2>/dev/null; exit 1; }
command -v tmux >/dev/null || { echo "tmux not installed (scripts/install-deps test)"; exit 77; }
sock=iotrc-top-test-$$
tm() { tmux -L "$sock" "$@"; }
cleanup() { tm kill-server 2>/dev/null; }
trap cleanup EXIT

H="timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,inode,device,flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,address,cmdline,ppid,container_id,fs_type,mono_ns"
r() { # op pid command file bytes
	echo "2025-11-23 12:00:00.000001,$1,$2,$2,$3,$4,$5,,$5,,,,,$5,,,,,,1,,,1"
}
{
	echo "$H"
	for i in 1 2 3; do r read 5150 tmuxwork /w/big.dat 20000; done
	r write 5150 tmuxwork /w/log.txt 1234
	r read 61 noise /x/in 99000
	r write 62 zeta /z/out 80000
} >"$T/p1.csv"
for i in 1 2; do r read 5150 tmuxwork /w/big.dat 20000; done >"$T/p2.csv"

pane=top
screen() { tm capture-pane -p -t "$pane" >"$T/screen"; }
# waitfor WHAT SHELL-TEST: until the test (on $T/screen) holds, 10 s at most
waitfor() {
	i=0
	while [ $i -lt 200 ]; do
		screen
		if sh -c "$2" sh "$T/screen"; then echo "screen shows $1"; return 0; fi
		i=$((i + 1)); sleep 0.05
	done
	fail "screen never showed $1"
}
# the line of a process, as "PID COMMAND READ WRITE ..." words
line() { printf 'grep -E "^ +%s %s +%s +%s +" "$1" >/dev/null' "$1" "$2" "$3" "$4"; }

mkfifo "$T/in"
exec 3<>"$T/in"
tm new-session -d -s top -x 80 -y 24 \
	"iotrc-top -d 0.2 <'$T/in' 2>'$T/err' 3>&-; echo \$? >'$T/status'; sleep 30" || fail "tmux"
cat "$T/p1.csv" >&3
waitfor "tmuxwork read 60000 write 1234" "$(line 5150 tmuxwork 60000 1234)"
grep -q "^iotrc-top [0-9:]*  rows 6  stdin" "$T/screen" || fail "header"
# sorted by total bytes: noise 99000, zeta 80000, tmuxwork 61234
waitfor "the order by total bytes" 'grep -E "^ +(61|62|5150) " "$1" | awk "{print \$1}" | tr "\n" " " | grep -qx "61 62 5150 "'
tm send-keys -t top w
waitfor "the order by write bytes" 'grep -q "sort: write bytes" "$1" && grep -E "^ +(61|62|5150) " "$1" | awk "{print \$1}" | tr "\n" " " | grep -qx "62 5150 61 "'
tm send-keys -t top t / t m u x Enter
waitfor "only tmuxwork after the filter" 'grep -q "filter: tmux" "$1" && ! grep -Eq "^ +(61|62) " "$1" && grep -Eq "^ +5150 " "$1"'
tm send-keys -t top Enter
waitfor "the files of 5150" 'grep -q "^5150 tmuxwork" "$1" && grep -Eq "^ +60000 +0 .* /w/big.dat$" "$1" && grep -Eq "^ +0 +1234 .* /w/log.txt$" "$1"'
cat "$T/p2.csv" >&3
waitfor "new rows while open: big.dat 100000 = 97.7K" 'grep -Eq "^ +97.7K +0 .* /w/big.dat$" "$1"'
tm send-keys -t top Escape
waitfor "the processes again" 'grep -q "PID COMMAND" "$1" && grep -Eq "^ +5150 tmuxwork +97.7K +1234 " "$1"'
awk 'length($0) > 80 { exit 1 }' "$T/screen" || fail "a line wider than 80 columns"
tm send-keys -t top q
i=0; while [ ! -s "$T/status" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ "$(cat "$T/status" 2>/dev/null)" = 0 ] || fail "q: exit $(cat "$T/status" 2>/dev/null) $(cat "$T/err")"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"
echo "q quit, exit 0"
# a terminal smaller than 80x24 still works, and says so when too small
tm new-session -d -s small -x 30 -y 6 "iotrc-top <'$T/p1.csv'; sleep 30" || fail "tmux"
tm kill-session -t top
pane=small
waitfor "the too-small note" 'grep -q "^terminal too small" "$1"'
echo "ok"
