#!/bin/sh
# No script, benchmark or man page example uses a fixed name in /tmp: as
# root, a name another user can plant (a symlink to /etc/shadow) is
# followed; every temporary path comes from mktemp (issue 14 #3). Also
# checks that smoke.sh keeps its result in a private mktemp -d folder.
set -u
bad=$(grep -n '/tmp/[A-Za-z0-9_.-]' scripts/* service/* bench/*.sh bench/*.py tests/mac/*.sh man/*.[1-9] README.md 2>/dev/null |
	grep -v 'mktemp' | grep -v '^[^:]*:[0-9]*:[[:space:]]*#' |
	grep -v '/tmp/[0-9]\{8\}_[0-9]\{6\}_[0-9]\{3\}')   # a session folder iotrc makes (mkdir, 0700)
[ -z "$bad" ] || { echo "fixed names in /tmp:"; echo "$bad"; exit 1; }
grep -q 'mktemp -d "${TMPDIR:-/tmp}/iotrc-smoke-result' tests/mac/smoke.sh ||
	{ echo "smoke.sh does not keep its result in a private mktemp -d folder"; exit 1; }
echo "no fixed /tmp names in $(ls scripts/* service/* bench/*.sh tests/mac/*.sh man/*.[1-9] | wc -l) files"
