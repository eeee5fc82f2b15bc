#!/bin/sh
# iotrc-upload --mode dir (atomic copies into a folder under the key
# layout) and --spool (finished files already on disk: never a writer's
# .part file or lock, never a link), also against a real iotrc-write.
set -u
. tests/helpers/upload-lib.sh
export HOME=$T/home; mkdir -p "$HOME"
S=20240101_000000_000 S2=20240102_000000_000 ID=0F1E2D3C4B5A6978

# dir: copies byte for byte, private modes, no temporary left, deleted
mkfiles "$T/root" $S 10 30000
cp -a "$T/root" "$T/orig"
find "$T/root" -type f | iotrc-upload -m dir -r "$T/root" -e "$T/dest" --machine-id $ID --stats "$T/st" \
	>"$T/out" 2>"$T/err" || fail "dir: exit $? $(cat "$T/err")"
same_store "$T/orig" "$T/dest/mac_trace_v1_test/$ID" || fail "dir: copies differ"
[ "$(find "$T/dest" -type f | wc -l)" = 12 ] || fail "dir: other files: $(find "$T/dest" -type f)"
[ "$(find "$T/dest" -type f ! -perm 600 | wc -l)" = 0 ] || fail "dir: file modes"
[ "$(find "$T/root" -type f | wc -l)" = 0 ] || fail "dir: files not deleted"
[ "$(wc -l <"$T/out")" = 12 ] && grep -qx 'delivered 12' "$T/st" || fail "dir: $(cat "$T/out" "$T/st")"
[ -f "$HOME/.io-tracer/.reward_unlocked" ] || fail "dir: no reward marker"

# --spool: two sessions; a writer's leftovers, locks, links, a FIFO and
# files at the wrong depth stay where they are
rm -rf "$T/root" "$T/orig" "$T/dest"
mkfiles "$T/root" $S 3 1000; mkfiles "$T/root" $S2 2 1000
cp -a "$T/root" "$T/orig"
echo part >"$T/root/$S/fs/.fs_20240101_000000_000_0004.csv.zst.part"
echo lock >"$T/root/$S/fs/.fs.lock"; echo x >"$T/root/$S/fs/y.part"; echo x >"$T/root/$S/fs/z.lock"
echo secret >"$T/secret"; ln -s "$T/secret" "$T/root/$S/fs/link.csv.zst"
mkfifo "$T/root/$S/fs/fifo"; echo x >"$T/root/top.csv"
mkdir -p "$T/root/$S/a/b"; echo x >"$T/root/$S/a/b/deep.csv"
ln -s "$T/root/$S" "$T/root/linked_session"
# (--spool twice: a folder inside the first adds nothing twice)
iotrc-upload -m dir -r "$T/root" -e "$T/dest" --machine-id $ID --spool "$T/root/$S2" \
	--spool "$T/root/$S2/fs" </dev/null >"$T/out" 2>"$T/err" || fail "spool session: exit $? $(cat "$T/err")"
[ "$(wc -l <"$T/out")" = 4 ] && ! grep -q "/$S/" "$T/out" || fail "spool of one session: $(cat "$T/out")"
iotrc-upload -m dir -r "$T/root" -e "$T/dest" --machine-id $ID --spool "$T/root" </dev/null \
	>"$T/out" 2>"$T/err" || fail "spool: exit $? $(cat "$T/err")"
[ "$(wc -l <"$T/out")" = 5 ] || fail "spool: $(cat "$T/out")"
same_store "$T/orig" "$T/dest/mac_trace_v1_test/$ID" || fail "spool: copies differ"
for f in fs/.fs_20240101_000000_000_0004.csv.zst.part fs/.fs.lock fs/y.part fs/z.lock fs/link.csv.zst fs/fifo a/b/deep.csv; do
	[ -e "$T/root/$S/$f" ] || [ -L "$T/root/$S/$f" ] || fail "spool: $f was taken"
done
[ -f "$T/root/top.csv" ] && [ -f "$T/secret" ] || fail "spool: top.csv or the link's target taken"
find "$T/dest" -name '*.part' -o -name '*.lock' -o -name 'fifo' -o -name 'link*' -o -name 'deep*' | grep . &&
	fail "spool: sent what it must not"
iotrc-upload -m dir -r "$T/root/$S" -e "$T/dest" --spool "$T/root" </dev/null >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q 'not under the root' "$T/err" || fail "spool outside the root: $(cat "$T/err")"

# a real pipeline: iotrc-write's announcements go straight to the uploader
mkdir -p "$T/r2/$S"
"$PY" tests/helpers/write_check.py gen 3000 |
	iotrc-write -d "$T/r2/$S/fs" -p fs -r 1000 |
	iotrc-upload -m dir -r "$T/r2" -e "$T/dest2" --machine-id $ID >"$T/out" 2>"$T/err" ||
	fail "pipeline: exit $? $(cat "$T/err")"
[ "$(wc -l <"$T/out")" = 3 ] && [ "$(find "$T/dest2/mac_trace_v1_test/$ID/$S/fs" -name 'fs_*.csv.zst' | wc -l)" = 3 ] ||
	fail "pipeline: $(cat "$T/out")"
for f in "$T/dest2/mac_trace_v1_test/$ID/$S/fs"/*.zst; do zstd -q -t "$f" || fail "pipeline: $f broken"; done
[ -z "$(ls "$T/r2/$S/fs" | grep -v '^\.')" ] || fail "pipeline: left $(ls -a "$T/r2/$S/fs")"
echo "dir mode, spool, pipeline: ok"
