#!/bin/sh
# --stats FILE as root in a folder other users can write (issue 14 #1):
# the temporary file beside FILE is created under a fresh name with
# O_EXCL|O_NOFOLLOW, so a symlink another user (nobody) planted at the old
# fixed name FILE.tmp, or at FILE itself, is never followed: its target
# stays untouched, FILE becomes a private (0600) regular file. Run for
# each tool that takes --stats.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (the planted links are made as nobody)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "no user nobody"; exit 77; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
chmod 755 "$T"
pub=$T/pub; mkdir -m 1777 "$pub"
printf 'precious\n' >"$T/victim"; chmod 644 "$T/victim"
for tool in parse write; do
	rm -f "$pub"/*
	as_nobody ln -s "$T/victim" "$pub/$tool.stats.tmp" || fail "cannot plant as nobody"
	case $tool in
	parse) printf '' | iotrc-parse --stats "$pub/$tool.stats" vfs >/dev/null || fail "iotrc-parse" ;;
	write) printf 'a,b\n1,2\n' | iotrc-write -d "$T/out" -p fs --stats "$pub/$tool.stats" >/dev/null || fail "iotrc-write" ;;
	esac
	[ "$(cat "$T/victim")" = precious ] || fail "$tool: the planted link's target was overwritten"
	[ -f "$pub/$tool.stats" ] && [ ! -L "$pub/$tool.stats" ] || fail "$tool: no stats file"
	[ "$(stat -c %a "$pub/$tool.stats")" = 600 ] || fail "$tool: stats mode $(stat -c %a "$pub/$tool.stats")"
	[ -L "$pub/$tool.stats.tmp" ] || fail "$tool: the planted link was touched"
	# a link planted at FILE itself is replaced by rename, not followed
	rm -f "$pub/$tool.stats"; as_nobody ln -s "$T/victim" "$pub/$tool.stats"
	case $tool in
	parse) printf '' | iotrc-parse --stats "$pub/$tool.stats" vfs >/dev/null ;;
	write) printf 'a,b\n1,2\n' | iotrc-write -d "$T/out" -p fs --stats "$pub/$tool.stats" >/dev/null ;;
	esac
	[ "$(cat "$T/victim")" = precious ] || fail "$tool: FILE as a link: target overwritten"
	[ ! -L "$pub/$tool.stats" ] || fail "$tool: FILE is still the planted link"
	left=$(find "$pub" -name '.*tmp' | wc -l)
	[ "$left" = 0 ] || fail "$tool: $left temporary files left"
done
echo "planted stats links not followed (iotrc-parse, iotrc-write)"
