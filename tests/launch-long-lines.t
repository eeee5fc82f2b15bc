#!/bin/sh
# launch-long-lines.t — engine output and error lines longer than the
# launcher's buffers (1 MiB, 64 KiB) are skipped whole, counted in --stats,
# and the records around them pass through.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/s" && touch "$T/s/vfs.d"
cat >"$T/fake" <<'SH'
#!/bin/sh
rec='open\0011\0011\0011\001x\0011\0011\0013\0010\0011\001-2\001-1\001/a\001\001\001-1\0010\0010\n'
printf "$rec"
head -c 2000000 /dev/zero | tr '\0' y; echo
head -c 100000 /dev/zero | tr '\0' z >&2; echo >&2
printf "$rec"
exit 0
SH
chmod +x "$T/fake"
iotrc-launch -k dtrace -e "$T/fake" -d "$T/s" --stats "$T/st" vfs >"$T/out" 2>"$T/err"
st=$?
[ $st = 0 ] || { cat "$T/err"; fail "exit $st"; }
[ "$(grep -c /a "$T/out")" = 2 ] || fail "records around the long line lost"
grep -q y "$T/out" && fail "the over-long line was passed on"
grep -qx 'too_long_records 1' "$T/st" || fail "too_long_records: $(cat "$T/st")"
grep -qx 'too_long_messages 1' "$T/st" || fail "too_long_messages: $(cat "$T/st")"
echo "ok: one 2 MB record line and one 100 KB message skipped and counted"
