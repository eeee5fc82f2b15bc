#!/bin/sh
# dtrace-static.t — the macOS D scripts cannot run here, so they are checked
# statically: tests/dtrace-check.pl (probe names against the notes' §1.4
# table, no errno / \x / fds[] / curpsinfo / cwd, one record per printf,
# every self-> variable freed by the last clause of each return probe),
# the checker itself against seeded mistakes, then dlint (a compile check
# with Oracle's DTrace in macOS mode; exit 77 = cannot run here).
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "${IOTRC_PASS:-plain}" = asan ] && { echo "static checks of the D scripts run in the plain pass only"; exit 77; }
NOTES=$SHARED/notes/macos-dtrace.md
[ -f "$NOTES" ] || { echo "$NOTES is missing (../shared beside the tree): the probe table is there"; exit 77; }
perl tests/dtrace-check.pl "$NOTES" dtrace/*.d || fail "dtrace-check.pl"
echo "ok: dtrace-check.pl: $(ls dtrace/*.d | tr '\n' ' ')"

# the checker finds each kind of mistake
seed() { # name sed-expression expected-message
	sed "$2" dtrace/"$1" >"$T/$1"
	perl tests/dtrace-check.pl "$NOTES" "$T/$1" >"$T/msg" && fail "seeded '$2' not found"
	grep -q -- "$3" "$T/msg" || { cat "$T/msg"; fail "seeded '$2': wrong message"; }
}
seed vfs.d 's/syscall::renameatx_np:return/syscall::renameat2:return/' 'renameat2 is not in notes'
seed vfs.d 's/(int)arg3, self->ts, self->fd, self->fd2,/errno, self->ts, self->fd, self->fd2,/' 'errno built-in'
seed net.d 's/"%s\\001%d/"%s\\x01%d/' '\\x escape'
seed io.d 's/io_exec\[arg0\] = execname;/io_exec[arg0] = curpsinfo->pr_fname;/' 'curpsinfo'
seed vfs.d 's/self->fl = 0; self->printed = 0;/self->printed = 0;/' 'self->fl (syscall::rename) is not zeroed'
seed net.d 's/%d\\001%d\\001%d\\0010\\0010\\0010\\001%d\\001%02x/%d\\001%d\\0010\\0010\\0010\\001%d\\001%02x/' 'printf with 16 fields'
seed vfs.d '/^self int64_t off;$/d' 'self->off is typed int'
seed io.d 's/^\tio_skip\[arg0\] = 1;$//' 'marks the I/O of excluded pids'
seed io.d 's/^\/!io_skip\[arg0\] && !io_printed\[arg0\]\/$/\/!io_printed[arg0]\//' 'does not skip excluded pids'
seed vfs.d 's/self->epath != "" ? substr(basename(self->epath), 0, 32) : "",/execname,/' 'prints execname, the old image'
echo "ok: seeded mistakes are reported"

"$SHARED/tools/dlint/dlint" dtrace/*.d >"$T/dlint" 2>&1
st=$?
cat "$T/dlint"
case $st in
0) echo "ok: dlint dtrace/*.d" ;;
77) echo "dlint cannot run here: $(tail -n 1 "$T/dlint")"; exit 77 ;;
*) fail "dlint (exit $st)" ;;
esac
