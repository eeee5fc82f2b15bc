#!/bin/sh
# The systemd unit of daemon mode (service/iotrc.service), as "make
# install" writes it: systemd-analyze verify finds nothing to say (its
# ExecStart= and Documentation= pages exist), the daemon's configuration
# reads back as the defaults with output.root in the unit's
# StateDirectory, and, with root and bpftrace, the bpftrace engine traces
# under the unit's capability bounding set and NoNewPrivileges (and not
# without CAP_BPF and its kin: the check has teeth).
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "the unit is checked once, in the plain pass"; exit 77; }
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze is not installed (scripts/install-deps test)"; exit 77; }
P=$T/p U=$T/p/lib/systemd/system/iotrc.service
make -s install PREFIX="$P" BUILD="$IOTRC_BUILD" >"$T/mk" 2>&1 || fail "make install: $(cat "$T/mk")"
[ -f "$U" ] || fail "no $U"
grep -n '@[A-Z]*@' "$U" && fail "placeholders left"
grep -qx "ExecStart=$P/bin/iotrc -c $P/etc/iotrc/iotrc.yml" "$U" || fail "ExecStart: $(grep ExecStart "$U")"
grep -qx 'KillMode=mixed' "$U" || fail "not KillMode=mixed: every child would get SIGTERM at once"
if command -v man >/dev/null 2>&1; then
	MANPATH=$P/share/man systemd-analyze verify "$U" >"$T/v" 2>&1; st=$?
else
	systemd-analyze verify --man=no "$U" >"$T/v" 2>&1; st=$?
fi
[ $st = 0 ] && [ ! -s "$T/v" ] || fail "systemd-analyze verify (exit $st): $(cat "$T/v")"
echo "systemd-analyze verify: clean"
systemd-analyze security --offline=yes "$U" 2>&1 | grep 'Overall exposure' || true

# the configuration: the defaults, with output.root where StateDirectory is
sd=$(sed -n 's/^StateDirectory=//p' "$U")
"$IOTRC_BUILD/bin/iotrc" -c "$P/etc/iotrc/iotrc.yml" --print-config >"$T/conf" 2>"$T/err" ||
	fail "iotrc -c (installed config): $(cat "$T/err")"
sed "s|^  root: \"\"\$|  root: \"/var/lib/$sd\"|" etc/iotrc.yml | diff - "$T/conf" ||
	fail "the installed configuration is not the defaults with root /var/lib/$sd"
echo "configuration: the defaults, output.root /var/lib/$sd"

# the capability bounding set: the bpftrace engine attaches and traces
[ "$(id -u)" = 0 ] || { echo "capabilities not checked: tracing needs root"; exit 0; }
command -v bpftrace >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 && [ -d /sys/kernel/tracing/events ] ||
	{ echo "capabilities not checked: needs bpftrace, setpriv and tracefs"; exit 0; }
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$U" | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
# launch CAPS: iotrc-launch vfs under CAPS until a file we open shows
# up (0) or it exits (its status)
launch() {
	rm -f "$T/st" "$T/raw"
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$1" \
		iotrc-launch -d dtrace --stats "$T/st" vfs >"$T/raw" 2>"$T/lerr" & lp=$!
	i=0
	until grep -q '^probes [1-9]' "$T/st" 2>/dev/null; do
		kill -0 $lp 2>/dev/null || { wait $lp; return $?; }
		i=$((i + 1)); [ $i -gt 600 ] && { kill -INT $lp; fail "bpftrace did not attach within 60 s"; }
		sleep 0.1
	done
	i=0
	until grep -q "$T/marker-$i" "$T/raw"; do
		i=$((i + 1)); [ $i -gt 300 ] && { kill -INT $lp; wait $lp; fail "the marker file was never traced"; }
		: >"$T/marker-$i"; sleep 0.1
	done
	kill -INT $lp; wait $lp
	return 0
}
launch "$caps" || fail "iotrc-launch under the unit's capabilities ($caps): exit $?: $(tail -n 3 "$T/lerr")"
echo "bpftrace traces under CapabilityBoundingSet ($caps)"
launch "+dac_override,+dac_read_search,+sys_ptrace" && fail "iotrc-launch traced without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN"
echo "and cannot attach without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN (exit $?)"
