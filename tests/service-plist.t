#!/bin/sh
# The launchd job of daemon mode (service/dev.cachemon.iotrc.plist), as
# "make install OS=darwin" writes it, checked as plutil -lint would: valid
# against the structure of Apple's plist DTD (xmllint), read by Python's
# plistlib, only keys launchd.plist(5) knows, with the values daemon mode
# needs (run at load, relaunch after a failure, time to drain at stop) and
# the install paths filled in.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "the plist is checked once, in the plain pass"; exit 77; }
command -v xmllint >/dev/null 2>&1 || { echo "xmllint is not installed (scripts/install-deps test)"; exit 77; }
R=$T/root P=/opt/iotrc L=dev.cachemon.iotrc
make -s install-service OS=darwin DESTDIR="$R" PREFIX=$P BUILD="$T/b" >"$T/mk" 2>&1 || fail "make: $(cat "$T/mk")"
F=$R$P/share/iotrc/launchd/$L.plist
[ -f "$F" ] || fail "no $F"
grep -n '@[A-Z]*@' "$F" && fail "placeholders left"
head -n 2 "$F" | grep -qx '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">' ||
	fail "not Apple's plist doctype"
# validated against the DTD its doctype names, found through a catalog
# (never fetched)
cat >"$T/catalog.xml" <<CAT
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <public publicId="-//Apple//DTD PLIST 1.0//EN" uri="file://$(pwd)/tests/fixtures/plist.dtd"/>
</catalog>
CAT
XML_CATALOG_FILES=$T/catalog.xml xmllint --noout --nonet --valid "$F" || fail "xmllint: not a valid plist"
# the DTD has teeth: a key without its value is refused
sed '/<key>RunAtLoad<\/key>/{n;d}' "$F" >"$T/bad.plist"
XML_CATALOG_FILES=$T/catalog.xml xmllint --noout --nonet --valid "$T/bad.plist" 2>/dev/null &&
	fail "xmllint accepted a key without a value"
"$PY" - "$F" "$P" "$L" "$R" <<'PYEOF' || fail "plist content"
import os, plistlib, sys
f, prefix, label, root = sys.argv[1:]
with open(f, "rb") as fh:
    p = plistlib.load(fh, fmt=plistlib.FMT_XML)
# launchd.plist(5)'s keys; a misspelt one is silently ignored by launchd
known = {"Label", "Disabled", "UserName", "GroupName", "inetdCompatibility", "LimitLoadToHosts",
         "LimitLoadFromHosts", "LimitLoadToSessionType", "LimitLoadToHardware", "LimitLoadFromHardware",
         "Program", "ProgramArguments", "EnableGlobbing", "EnableTransactions", "EnablePressuredExit",
         "OnDemand", "ServiceIPC", "KeepAlive", "RunAtLoad", "RootDirectory", "WorkingDirectory",
         "EnvironmentVariables", "Umask", "TimeOut", "ExitTimeOut", "ThrottleInterval", "InitGroups",
         "WatchPaths", "QueueDirectories", "StartOnMount", "StartInterval", "StartCalendarInterval",
         "StandardInPath", "StandardOutPath", "StandardErrorPath", "Debug", "WaitForDebugger",
         "SoftResourceLimits", "HardResourceLimits", "Nice", "ProcessType", "AbandonProcessGroup",
         "LowPriorityIO", "LowPriorityBackgroundIO", "MaterializeDatalessFiles", "LaunchOnlyOnce",
         "MachServices", "Sockets", "AssociatedBundleIdentifiers"}
assert set(p) <= known, "keys launchd does not know: %s" % (set(p) - known)
assert p["Label"] == label, p["Label"]
assert p["ProgramArguments"] == [prefix + "/bin/iotrc", "-c", prefix + "/etc/iotrc/iotrc.yml"], p["ProgramArguments"]
assert os.path.isfile(root + p["ProgramArguments"][2]), "the configuration is not installed"
assert p["RunAtLoad"] is True
# relaunched after a failure, not after iotrc stopped on its own (exit 0)
assert p["KeepAlive"] == {"SuccessfulExit": False}, p["KeepAlive"]
# SIGTERM, then this long before SIGKILL: the drain of upload.drain (30 s)
assert p["ExitTimeOut"] >= 60, p["ExitTimeOut"]
assert p["ThrottleInterval"] >= 10
assert p["Umask"] == 0o077, oct(p["Umask"])
# the default ProcessType throttles CPU and I/O: the engines would drop events
assert p["ProcessType"] == "Interactive", p.get("ProcessType")
assert p["StandardErrorPath"] == p["StandardOutPath"] == "/var/log/iotrc.log"
assert "UserName" not in p, "tracing needs root"
print("plist: %d keys, ProgramArguments %s" % (len(p), " ".join(p["ProgramArguments"])))
PYEOF
# the daemon's configuration on macOS: sessions in /var/db/iotrc
grep -qx '  root: "/var/db/iotrc"' "$R$P/etc/iotrc/iotrc.yml" || fail "config root: $(grep root: "$R$P/etc/iotrc/iotrc.yml")"
echo "launchd plist valid, config root /var/db/iotrc"
