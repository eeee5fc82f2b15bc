#!/bin/sh
# launch-check.t — iotrc-launch --check against a fake dtrace that answers
# "dtrace -l -n PROBE" exactly as Apple's does (tag dtrace-409):
#  - the header and the probe lines go to stdout through stdio, which a
#    pipe buffers until exit (cmd/dtrace/dtrace.c oprintf :268-287, list
#    mode :1706-1720): the fake writes them last, after a pause, so a
#    launcher that closed the pipe kills it with SIGPIPE;
#  - -l implies -Z (:1233-1235): a probe that does not match is only an
#    error() line, "dtrace: failed to match P:M:F:N: <why>" (:589-592),
#    and the exit status stays 0 (error() sets no status, :241-249);
#  - with SIP on, <why> is "System Integrity Protection is on" for every
#    unmatched probe (lib/libdtrace/apple/dt_provider_apple.c:38-41,
#    dt_error.c:111), otherwise "No probe matches description"
#    (dt_error.c:46); the SIP notice comes first (dtrace.c:1300-1304).
# So: a listed probe is "yes", an unmatched one "no" whatever the exit
# status, and the SIP text is reported as SIP for the io stream.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cat >"$T/dtrace" <<'SH'
#!/bin/sh
# fake dtrace -l -n PROBE; FAKE_DT=sip|nosip|noroot|crash
[ "$1" = -l ] && [ "$2" = -n ] || { echo "dtrace: usage" >&2; exit 2; }
p=$3
case ${FAKE_DT:-nosip} in
noroot)
	echo "dtrace: failed to initialize dtrace: DTrace requires additional privileges" >&2
	exit 1 ;;
crash)
	kill -SEGV $$ ;;
sip)
	echo "dtrace: system integrity protection is on, some features will not be available" >&2 ;;
esac
# what the kernel matches: the syscall provider works with SIP on; io
# needs kernel privilege, which SIP withholds; connect is missing here
case $p in
syscall::read:entry) line='  171    syscall                                                       read entry' ;;
io:::start) [ "${FAKE_DT:-nosip}" = sip ] && line= || line=' 2211         io           mach_kernel                                buf_strategy start' ;;
*) line= ;;
esac
if [ -z "$line" ]; then
	[ "${FAKE_DT:-nosip}" = sip ] && why='System Integrity Protection is on' || why='No probe matches description'
	echo "dtrace: failed to match $p: $why" >&2
fi
# stdout is flushed at exit, a moment later
sleep 0.3
printf '%5s %10s %17s %33s %s\n' ID PROVIDER MODULE FUNCTION NAME
[ -n "$line" ] && printf '%s\n' "$line"
exit 0
SH
chmod +x "$T/dtrace"
chk() { FAKE_DT=$1 iotrc-launch --check -k dtrace -e "$T/dtrace" >"$T/out" 2>"$T/err"; st=$?; }
want() { # stream yes|no pattern
	grep -q "^$1	$2	.*$3" "$T/out" || { cat "$T/out" "$T/err"; fail "$mode: want $1 $2 ($3)"; }
}

mode=nosip; chk nosip
want vfs yes 'syscall::read:entry (1 probe listed)'
want io yes 'io:::start'
want net no 'syscall::connect:entry does not match any probe'
[ $st = 3 ] || fail "$mode: exit $st, want 3 (not every stream)"
echo "ok: probes listed are yes; an unmatched probe (exit 0) is no"
# one stream: its line only, and the exit status is that stream's
for s in vfs io net; do
	FAKE_DT=nosip iotrc-launch --check -k dtrace -e "$T/dtrace" $s >"$T/one" 2>"$T/err"; st1=$?
	[ "$(wc -l <"$T/one")" = 1 ] && grep -q "^$s	" "$T/one" || { cat "$T/one"; fail "--check $s: not its one line"; }
	case $s in net) [ $st1 = 3 ] ;; *) [ $st1 = 0 ] ;; esac || fail "--check $s: exit $st1"
done
iotrc-launch --check -k dtrace -e "$T/dtrace" disk >/dev/null 2>&1; [ $? = 2 ] || fail "--check disk: not a usage error"
echo "ok: --check STREAM checks that stream alone"

mode=sip; chk sip
want vfs yes 'syscall::read:entry'
want io no 'System Integrity Protection restricts DTrace (io:::start does not match)'
want net no 'syscall::connect:entry does not match any probe'
echo "ok: SIP: io is SIP's doing, the syscall streams are not"

mode=noroot; chk noroot
want vfs no 'needs root'
echo "ok: not root"

mode=crash; chk crash
want vfs no 'killed by signal'
echo "ok: a crash is no"

