#!/bin/sh
# launch-sip-syscall.t — libdtrace appends "System Integrity Protection is
# on" to every unmatched probe while SIP is on, whatever the cause (notes
# §5.2). The syscall provider works with SIP on (§3.1), so when vfs.d or
# net.d names a system call this macOS lacks, iotrc-launch must not send
# the user to csrutil (exit 5) but say the probe is missing (exit 3). For
# io.d the same text does mean SIP (exit 5).
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/s" && touch "$T/s/vfs.d" "$T/s/io.d" "$T/s/net.d"
cat >"$T/fake" <<'SH'
#!/bin/sh
echo "dtrace: system integrity protection is on, some features will not be available" >&2
case $3 in
*io.d) p='io:::start' ;;
*)     p='syscall::preadv_nocancel:entry' ;;
esac
echo "dtrace: failed to compile script $3: line 120: probe description $p does not match any probes. System Integrity Protection is on" >&2
exit 1
SH
chmod +x "$T/fake"
for s in vfs net; do
	iotrc-launch -k dtrace -e "$T/fake" -d "$T/s" $s >/dev/null 2>"$T/err"; st=$?
	[ $st = 3 ] || { cat "$T/err"; fail "$s: exit $st, want 3"; }
	grep -q 'syscall::preadv_nocancel:entry does not exist on this macOS' "$T/err" ||
		{ cat "$T/err"; fail "$s: message"; }
	grep -q csrutil "$T/err" && { cat "$T/err"; fail "$s: sent to csrutil"; }
	echo "ok: $s: missing system call -> exit 3: $(tail -n 1 "$T/err" | cut -c1-120)..."
done
iotrc-launch -k dtrace -e "$T/fake" -d "$T/s" io >/dev/null 2>"$T/err"; st=$?
[ $st = 5 ] && grep -q 'csrutil enable --without dtrace' "$T/err" || { cat "$T/err"; fail "io: exit $st, want 5"; }
echo "ok: io: SIP -> exit 5"
