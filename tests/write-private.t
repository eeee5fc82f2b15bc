#!/bin/sh
# iotrc-write as root in a folder other users can write (issue 14 #2, #4):
# files it creates are 0600 in 0700 folders whatever the umask (0640/0750
# with -g); a lock file or leftover .part that another user (nobody) planted
# as a symlink is never followed: the link's target stays untouched and
# nothing is announced; another user's leftover is not recovered; an output
# folder that is a planted link, or another user's folder, is refused.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (the planted files are made as nobody)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "no user nobody"; exit 77; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@" 2>/dev/null || su -s /bin/sh nobody -c "$*"; }
chmod 755 "$T"
pub=$T/pub; mkdir -m 1777 "$pub"
csv() { printf 'a,b\n1,2\n3,4\n'; }

# 1. private modes whatever the umask; -g for a group
(umask 000; csv | iotrc-write -d "$pub/new/fs" -p fs >"$T/out1") || fail "write 1"
f=$(cat "$T/out1"); [ -f "$f" ] || fail "no file announced"
[ "$(stat -c %a "$f")" = 600 ] || fail "file mode $(stat -c %a "$f")"
[ "$(stat -c %a "$pub/new/fs")" = 700 ] && [ "$(stat -c %a "$pub/new")" = 700 ] ||
	fail "folder modes $(stat -c %a "$pub/new") $(stat -c %a "$pub/new/fs")"
[ "$(stat -c %a "$pub/new/fs/.fs.lock")" = 600 ] || fail "lock mode"
(umask 077; csv | iotrc-write -g -d "$pub/grp" -p fs >"$T/out2") || fail "write -g"
[ "$(stat -c %a "$(cat "$T/out2")")" = 640 ] && [ "$(stat -c %a "$pub/grp")" = 750 ] || fail "-g modes"

# 2. a planted lock symlink is not followed
mkdir -m 1777 "$pub/d2"
as_nobody ln -s "$T/victim-lock" "$pub/d2/.fs.lock" || fail "cannot plant as nobody"
[ -L "$pub/d2/.fs.lock" ] || fail "plant"
st=0; csv | iotrc-write -d "$pub/d2" -p fs >"$T/out3" 2>"$T/err3" || st=$?
[ $st = 1 ] || fail "lock symlink: exit $st"
[ ! -e "$T/victim-lock" ] || fail "a file was created through the planted lock link"
grep -q "symbolic link" "$T/err3" || { cat "$T/err3"; fail "no message about the link"; }

# 3. planted leftovers: a symlink to a secret, and another user's file
mkdir -m 1777 "$pub/d3"
printf 'secret,1\nsecret,2\n' >"$T/secret"; chmod 600 "$T/secret"
cp "$T/secret" "$T/secret.orig"
as_nobody ln -s "$T/secret" "$pub/d3/.fs_20260101_000000_000_0001.csv.part"
as_nobody sh -c "printf 'a,b\n9,9\n' >'$pub/d3/.fs_20260101_000000_000_0002.csv.part'"
st=0; csv | iotrc-write -n -d "$pub/d3" -p fs >"$T/out4" 2>"$T/err4" --stats "$T/st4" || st=$?
cat "$T/err4"
[ $st = 0 ] || fail "exit $st with planted leftovers"
cmp -s "$T/secret" "$T/secret.orig" || fail "the link's target was changed"
[ -L "$pub/d3/.fs_20260101_000000_000_0001.csv.part" ] || fail "the planted link was renamed"
[ -f "$pub/d3/.fs_20260101_000000_000_0002.csv.part" ] || fail "nobody's leftover was taken"
[ "$(wc -l <"$T/out4")" = 1 ] || { cat "$T/out4"; fail "announced more than our own file"; }
grep -q "secret" "$(cat "$T/out4")" && fail "the secret was announced"
grep -q "^files_refused 2$" "$T/st4" || { cat "$T/st4"; fail "files_refused"; }
grep -q "symbolic link; not recovered" "$T/err4" && grep -q "another user's file; not recovered" "$T/err4" ||
	fail "refusals not reported"

# 4. the output folder: a planted link, another user's folder
as_nobody ln -s "$T" "$pub/d4" || fail "plant d4"
st=0; csv | iotrc-write -d "$pub/d4" -p fs >/dev/null 2>"$T/err5" || st=$?
[ $st = 1 ] && grep -q "symbolic link" "$T/err5" || { cat "$T/err5"; fail "linked folder: exit $st"; }
as_nobody mkdir "$pub/d5" || fail "mkdir d5"
st=0; csv | iotrc-write -d "$pub/d5" -p fs >/dev/null 2>"$T/err6" || st=$?
[ $st = 1 ] && grep -q "owned by uid" "$T/err6" || { cat "$T/err6"; fail "nobody's folder: exit $st"; }
echo "private modes, planted links and foreign files refused"
