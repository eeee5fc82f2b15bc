#!/bin/sh
# iotrc-service: run iotrc(1) at boot as a launchd daemon (macOS) or a
# systemd service (Linux), and start, stop and inspect it; see
# iotrc-service(8). "make install" fills in the paths below.
set -u
BINDIR='@BINDIR@'
CONFDIR='@CONFDIR@'
UNITDIR='@UNITDIR@'
LAUNCHDDIR='@LAUNCHDDIR@'
STATEDIR='@STATEDIR@'
LABEL=dev.cachemon.iotrc
UNIT=iotrc.service
# the family's own Mac tracer daemon (io-tracer-mac, scripts/install_service.sh)
FAMILY_LABEL=dev.cachemon.iotracer
MACLOG=/var/log/iotrc.log
# every file this script reads or writes lies under IOTRC_SERVICE_ROOT
# (default /), for packaging and tests; the service managers are not told
R=${IOTRC_SERVICE_ROOT:-}
PLIST=/Library/LaunchDaemons/$LABEL.plist

usage() {
	echo "usage: iotrc-service install|uninstall|start|stop|restart|status|logs [-f] [-n LINES]"
}
die() { echo "iotrc-service: $*" >&2; exit 1; }
# run CMD...: run a service manager command; on failure say which, exit 1
run() {
	"$@"; st=$?
	[ $st = 0 ] || die "$* failed (exit $st)"
}
need_installed() {
	[ -x "$R$BINDIR/iotrc" ] || die "$BINDIR/iotrc is missing: make install first"
	[ -f "$R$CONFDIR/iotrc.yml" ] || die "$CONFDIR/iotrc.yml is missing: make install first"
}
need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root: sudo iotrc-service $1"
}

# ---- Linux: systemd
sd_check() {
	command -v systemctl >/dev/null 2>&1 || die "systemctl not found: this machine does not run systemd"
	[ -d "$R/run/systemd/system" ] || die "systemd is not running here (no /run/systemd/system)"
}
sd_install() {
	need_installed
	[ -f "$R$UNITDIR/$UNIT" ] || die "$UNITDIR/$UNIT is missing: make install first"
	# a unit outside systemd's search path is linked into it first
	case $UNITDIR in
	/etc/systemd/system|/usr/local/lib/systemd/system|/usr/lib/systemd/system|/lib/systemd/system) ;;
	*) run systemctl link "$UNITDIR/$UNIT" ;;
	esac
	run systemctl daemon-reload
	run systemctl enable --now "$UNIT"
	echo "$UNIT enabled and started: iotrc -c $CONFDIR/iotrc.yml, sessions in $STATEDIR"
}
sd_uninstall() {
	run systemctl disable --now "$UNIT"
	echo "$UNIT stopped and disabled; the sessions stay in $STATEDIR"
}
sd_logs() { # follow lines
	if [ "$1" = 1 ]; then exec journalctl -u "$UNIT" --no-pager -n "$2" -f
	else exec journalctl -u "$UNIT" --no-pager -n "$2"; fi
}
sd() { # command follow lines
	sd_check
	case $1 in
	install) sd_install ;;
	uninstall) sd_uninstall ;;
	start|stop|restart) run systemctl "$1" "$UNIT" ;;
	status) exec systemctl status --no-pager "$UNIT" ;;
	logs) sd_logs "$2" "$3" ;;
	esac
}

# ---- macOS: launchd
ld_loaded() { launchctl print "system/$LABEL" >/dev/null 2>&1; }
ld_install() {
	need_installed
	src=$LAUNCHDDIR/$LABEL.plist
	[ -f "$R$src" ] || die "$src is missing: make install first"
	[ -f "$R/Library/LaunchDaemons/$FAMILY_LABEL.plist" ] &&
		echo "iotrc-service: warning: io-tracer-mac's daemon ($FAMILY_LABEL) is installed too; two tracers double the load and kdebug admits one of them: remove it with its uninstall.sh" >&2
	if ld_loaded; then run launchctl bootout "system/$LABEL"; fi
	# launchd loads only a root-owned file that others cannot write
	mkdir -p "$R/Library/LaunchDaemons" || die "cannot create $R/Library/LaunchDaemons"
	if ! { cp "$R$src" "$R$PLIST.tmp" && chmod 644 "$R$PLIST.tmp" &&
	       mv -f "$R$PLIST.tmp" "$R$PLIST"; }; then
		rm -f "$R$PLIST.tmp"; die "cannot install $PLIST"
	fi
	run launchctl enable "system/$LABEL"
	run launchctl bootstrap system "$PLIST"
	echo "$LABEL installed and started: iotrc -c $CONFDIR/iotrc.yml, sessions in $STATEDIR, log $MACLOG"
}
ld_uninstall() {
	if ld_loaded; then run launchctl bootout "system/$LABEL"; fi
	rm -f "$R$PLIST" || die "cannot remove $PLIST"
	echo "$LABEL stopped and removed; the sessions stay in $STATEDIR"
}
ld_installed() {
	[ -f "$R$PLIST" ] || die "$LABEL is not installed: sudo iotrc-service install"
}
ld_logs() { # follow lines: launchd's own lines about the job, then iotrc's log
	if [ "$1" = 1 ]; then exec tail -n "$2" -f "$R$MACLOG"; fi
	log show --last 1h --style compact \
		--predicate "subsystem == \"com.apple.xpc.launchd\" AND eventMessage CONTAINS \"$LABEL\""
	[ -f "$R$MACLOG" ] || die "no $MACLOG yet"
	exec tail -n "$2" "$R$MACLOG"
}
ld() { # command follow lines
	command -v launchctl >/dev/null 2>&1 || die "launchctl not found"
	case $1 in
	install) ld_install ;;
	uninstall) ld_uninstall ;;
	start) ld_installed
		if ld_loaded; then run launchctl kickstart "system/$LABEL"
		else run launchctl bootstrap system "$PLIST"; fi ;;
	# bootout: SIGTERM, then ExitTimeOut seconds to drain; loaded again by
	# start or at the next boot
	stop) if ld_loaded; then run launchctl bootout "system/$LABEL"; fi ;;
	restart) ld_installed
		if ld_loaded; then run launchctl kickstart -k "system/$LABEL"
		else run launchctl bootstrap system "$PLIST"; fi ;;
	status) if ld_loaded; then exec launchctl print "system/$LABEL"; fi
		if [ -f "$R$PLIST" ]; then echo "$LABEL: installed, not loaded"
		else echo "$LABEL: not installed"; fi
		exit 3 ;;
	logs) ld_logs "$2" "$3" ;;
	esac
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
cmd=$1; shift
case $cmd in
-h|--help) usage; exit 0 ;;
install|uninstall|start|stop|restart) need_root "$cmd" ;;
status|logs) ;;
*) echo "iotrc-service: unknown command: $cmd" >&2; usage >&2; exit 2 ;;
esac
follow=0 lines=100
if [ "$cmd" = logs ]; then
	while getopts fn: o; do
		case $o in
		f) follow=1 ;;
		n) case $OPTARG in ''|*[!0-9]*) echo "iotrc-service: -n: not a number: $OPTARG" >&2; usage >&2; exit 2 ;; esac
		   lines=$OPTARG ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
fi
[ $# = 0 ] || { echo "iotrc-service: $cmd: unexpected argument: $1" >&2; usage >&2; exit 2; }
case $(uname -s) in
Linux) sd "$cmd" "$follow" "$lines" ;;
Darwin) ld "$cmd" "$follow" "$lines" ;;
*) die "$(uname -s): neither launchd nor systemd is supported here" ;;
esac
exit 0
