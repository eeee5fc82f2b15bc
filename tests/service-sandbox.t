#!/bin/sh
# The daemon as its systemd unit confines it (service/iotrc.service), as
# far as this machine can do without systemd: the installed iotrc with
# the installed configuration, under the unit's capability bounding set
# and NoNewPrivileges (setpriv), with every file system read-only but the
# state directory (ProtectSystem=strict, ProtectHome=read-only,
# StateDirectory; a private mount namespace), and HOME in it. All three
# bpftrace streams attach, a file the test touches is traced, and SIGTERM
# to iotrc alone (KillMode=mixed) ends the session in order: exit 0, no
# child left, the fs rows written. Linux, root, bpftrace.
. tests/engine-common.sh
engine_require
command -v setpriv >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || skip "needs setpriv and unshare (util-linux)"
command -v zstd >/dev/null || skip "zstd is not installed"
unshare -m true 2>/dev/null || skip "unshare -m: no mount namespaces here"
P=$T/p U=$T/p/lib/systemd/system/iotrc.service
make -s install PREFIX="$P" BUILD="$IOTRC_BUILD" >"$T/mk" 2>&1 || fail "make install: $(cat "$T/mk")"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$U" | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
for k in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=read-only' 'StateDirectory=iotrc' \
	 'Environment=HOME=/var/lib/iotrc' 'KillMode=mixed'; do
	grep -qx "$k" "$U" || fail "the unit has no $k: this test emulates it"
done
# the state directory stands in for /var/lib/iotrc (mode 0700, as systemd makes it)
st=$T/state; mkdir -m 0700 "$st"
cat >"$T/sandbox.sh" <<'SB'
# sandbox.sh STATE CMD...: in a private mount namespace, every mount
# read-only but /proc, /sys, /dev and STATE, then CMD
st=$1; shift
mount --make-rprivate / && mount --bind "$st" "$st" || exit 90
awk '{ print $2 }' /proc/self/mounts | sort -u | while read -r m; do
	case $m in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|"$st") continue ;; esac
	mount -o remount,bind,ro "$m" 2>/dev/null || echo "sandbox: $m stays writable" >&2
done
touch /sandbox-probe 2>/dev/null && { rm -f /sandbox-probe; echo "sandbox: / is writable" >&2; exit 91; }
exec "$@"
SB
unshare -m sh "$T/sandbox.sh" "$st" \
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$caps" \
	env HOME="$st" "$P/bin/iotrc" -c "$P/etc/iotrc/iotrc.yml" -o "$st" -d 300 -v 2>"$T/iotrc.err" &
ipid=$!
iotrc_attached "$st" $ipid 180
echo "attached under the sandbox: $(grep -h '^probes' "$s"/launch-*.stats | tr '\n' ' ')"
mark=$T/wl/sandbox-marker-$$
# twenty opens, spread out: the engine may drop some under load
mkdir -p "$T/wl"; echo x >"$mark"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do cat "$mark" >/dev/null; sleep 0.05; done
# SIGTERM to the main process alone, as systemd does with KillMode=mixed
# (the unshare and setpriv between exec, so $ipid is iotrc)
sleep 0.5          # let the marker's records reach bpftrace's buffers
kids=$(pgrep -P $ipid | tr '\n' ' ')
kill -TERM $ipid
wait $ipid; ist=$?
cat "$T/iotrc.err"
[ $ist = 0 ] || fail "iotrc exited $ist after SIGTERM"
grep -q 'Read-only file system' "$T/iotrc.err" && fail "something wrote outside the state directory"
for k in $kids; do kill -0 "$k" 2>/dev/null && fail "child $k survived iotrc"; done
ls "$sess"/fs/*.csv.zst >/dev/null 2>&1 || fail "no fs file in $sess/fs"
zstd -dcq "$sess"/fs/*.csv.zst | grep -q "$mark" || fail "the marker file was not traced"
[ -s "$sess/manifest.json" ] || fail "no manifest"
echo "traced under the unit's confinement into $sess; SIGTERM to iotrc alone ended it in order"
