#!/bin/sh
# iotrc-kdebug as a command: usage errors, exit statuses, inputs (stdin,
# kernel-written RAW_VERSION1 files, short records), outputs (stdout, FIFOs,
# /dev/fd/N, a full disk, a closed pipe) and --stats.
set -u
: "${IOTRC_BUILD:?}" "${T:?}"
KDGEN=$IOTRC_BUILD/tests/kdgen
fail=0
no() { echo "FAIL: $*"; fail=1; }
status() { # expected-status command... (stderr to $T/err)
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" = "$want" ] || { no "$* -> exit $got, want $want: $(head -n 2 "$T/err")"; return 1; }
}

# usage: exit 2, one message plus the usage on stderr; -h to stdout, 0
status 2 iotrc-kdebug && grep -q 'name at least one output' "$T/err" || no "no output: message"
status 2 iotrc-kdebug --replay x --record y --vfs -
status 2 iotrc-kdebug --vfs - --io -
status 2 iotrc-kdebug --timebase 0/1 --replay x --vfs -
status 2 iotrc-kdebug --lookup sideways --replay x --vfs -
status 2 iotrc-kdebug --exclude-pid abc --vfs -
status 2 iotrc-kdebug --vfs - extra
status 0 iotrc-kdebug -h && grep -q '^usage: iotrc-kdebug' "$T/out" || no "-h prints the usage"
[ -s "$T/err" ] && no "-h wrote to stderr"

# live tracing: status 3 ("cannot attach") off macOS, 3/4 on a Mac
# without root or with kdebug busy
if [ "$(uname -s)" != Darwin ]; then
	status 3 iotrc-kdebug --vfs - && grep -q 'live tracing needs macOS' "$T/err" || no "linux: live message"
	[ "$(wc -l <"$T/err")" = 1 ] || no "linux: one line"
	[ -s "$T/out" ] && no "linux: wrote records"
elif [ "$(id -u)" != 0 ]; then
	status 4 iotrc-kdebug --vfs - && grep -q 'needs root' "$T/err" || no "darwin: root message"
fi

# a bad input: exit 1, named
status 1 iotrc-kdebug --replay "$T/nonexistent" --vfs - && grep -q "nonexistent" "$T/err" || no "missing file named"
printf '\001\001\252\125\003\000' >"$T/short.kd"
status 1 iotrc-kdebug --replay "$T/short.kd" --vfs - && grep -q 'truncated RAW_VERSION1 header' "$T/err" || no "short header"

# --preload: a file that is not a side file of iotrc-snap-proc --fds, or
# none, is a usage error that names it (the side file itself: kdebug.t)
printf 'start 1000 7 0 read 3 0 10 0\nend 1100 7 0 read 0 10 0 42\n' | "$KDGEN" >"$T/pl.kd"
echo hello >"$T/junk.fds"
for f in "$T/junk.fds" "$T/missing.fds"; do
	status 2 iotrc-kdebug --replay "$T/pl.kd" --vfs - --preload "$f" &&
		grep -q "^iotrc-kdebug: $f: " "$T/err" || no "--preload $f: $(head -n 1 "$T/err")"
done

# a bare stream from stdin, with a record cut short at the end: warned,
# counted, the whole records decoded
printf 'start 1000 7 0 read 3 0 10 0\nend 1100 7 0 read 0 10 0 42\n' | "$KDGEN" >"$T/rw.kd"
{ cat "$T/rw.kd"; printf 'junk'; } | iotrc-kdebug --replay - --vfs "$T/vfs" --stats "$T/stats" 2>"$T/err" || no "stdin replay"
grep -q '4 trailing bytes' "$T/err" || no "junk warning: $(cat "$T/err")"
grep -q '^junk_bytes 4$' "$T/stats" || no "junk_bytes"
[ "$(grep -c '^read' "$T/vfs")" = 1 ] || no "stdin: one read record"
for k in events records_vfs records_io records_net drops lost_events wraps orphan_ends io_unmatched \
	fd_evictions vnode_evictions sockinfo_failed bytes_in; do
	grep -q "^$k [0-9][0-9]*$" "$T/stats" || no "stats key $k"
done
# no timebase known (not a Mac, no --timebase, bare file): the header omits it
case $(uname -s) in Darwin) ;; *)
	head -n 1 "$T/vfs" | grep -q 'clock=mach pid=' || no "header without timebase: $(head -n 1 "$T/vfs")" ;;
esac

# a kernel-written RAW_VERSION1 file: zero thread entries padding the map,
# a cpumap in the padding (kdebug.c _write_legacy_header), no tag
"$PY" - "$T/rw.kd" "$T/kernel.kd" <<'PY' || no "python"
import struct, sys
ev = open(sys.argv[1], 'rb').read()
threads = [(7, 42, b'kernelfile')] + [(0, 0, b'')] * 100
hdr = struct.pack('<iiQI4x', 0x55aa0101, len(threads), 1763900000, 0)
m = b''.join(struct.pack('<Qi20s', t, p, n) for t, p, n in threads)
off = len(hdr) + len(m)
pad = (4096 - off % 4096) % 4096
cpumap = struct.pack('<II', 0x55aa0101, 2) + struct.pack('<II8s', 0, 0, b'AP') * 2
open(sys.argv[2], 'wb').write(hdr + m + (cpumap + b'\0' * pad)[:pad] + ev)
PY
iotrc-kdebug --replay "$T/kernel.kd" --timebase 125/3 --vfs "$T/kvfs" 2>"$T/err" || no "kernel file: $(cat "$T/err")"
grep -q '^read.42..7.kernelfile.' "$T/kvfs" || no "kernel file: $(tr '\001' '|' <"$T/kvfs")"
head -n 1 "$T/kvfs" | grep -q 'timebase=125/3 pid=' || no "kernel file header"

# outputs: a FIFO, /dev/fd/N, stdout
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
iotrc-kdebug --replay "$T/rw.kd" --timebase 1/1 --vfs "$T/fifo" --net /dev/fd/3 --io - 3>"$T/fd3" >"$T/stdout" || no "fifo run"
wait
grep -q '^read' "$T/fifo.out" || no "fifo output"
grep -q '^#iotrc-records 1 stream=net engine=kdebug' "$T/fd3" || no "/dev/fd/3 output"
grep -q '^#iotrc-records 1 stream=io engine=kdebug' "$T/stdout" || no "stdout output"

# output errors: exit 1 with one message naming the stream, never SIGPIPE
"$KDGEN" mix 400000 >"$T/mix.kd"
if [ -w /dev/full ]; then
	status 1 iotrc-kdebug --replay "$T/mix.kd" --timebase 1/1 --vfs /dev/full &&
		grep -q -- '--vfs /dev/full: No space left on device' "$T/err" || no "disk full message"
fi
st=$( { iotrc-kdebug --replay "$T/mix.kd" --timebase 1/1 --vfs - 2>"$T/perr"; echo $? >"$T/pst"; } | head -n 1 >/dev/null; cat "$T/pst")
[ "$st" = 1 ] || no "closed pipe: exit $st, want 1"
grep -q 'Broken pipe' "$T/perr" || no "closed pipe message: $(cat "$T/perr")"
exit $fail
