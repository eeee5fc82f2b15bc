#!/bin/sh
# iotrc-snap-fs on a generated tree, checked against independent sources
# (Python's os.lstat, GNU stat's birth time, os.major/minor): known sizes,
# a sparse file, hard links, symlinks (a dangling one, one to a directory:
# rows, never followed), a path with a comma, quote and newline, a fifo
# (no row), a directory nobody may read (walked as user nobody: counted,
# not fatal), a bind mount of an outside folder (walked), a bind mount of
# a folder of the tree (each file once), a tmpfs (walked; not with -x), a
# procfs (never walked); birth time from statx, chattr's nodump decoded;
# access times untouched; byte for byte as the family's Python walk writes
# the same rows; -a; --every; stops by signal and --max-seconds leave a
# valid file that says where; all of / without /proc, /sys, /dev; through
# iotrc-write, read back with pandas with the schema's columns.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export TZ=Asia/Kolkata                  # +05:30: the offset is not whole hours
R=$T/tree
mounts=
cleanup() { for m in $mounts; do umount -l "$m" 2>/dev/null; done; }
trap cleanup EXIT

# usage
iotrc-snap-fs -h | grep -q '^usage: iotrc-snap-fs' || fail "-h"
for args in "--every 0" "--max-seconds 0" "--max-depth 0" "--max-dirs 5" "--bogus" "''"; do
	eval "iotrc-snap-fs $args" >"$T/u.out" 2>"$T/u.err"; st=$?
	[ $st = 2 ] || fail "iotrc-snap-fs $args: exit $st, want 2"
	[ -s "$T/u.out" ] && fail "$args: wrote to stdout"
	head -n 1 "$T/u.err" | grep -q '^iotrc-snap-fs: ' || fail "$args: $(head -n 1 "$T/u.err")"
done
iotrc-snap-fs "$T/nonexistent" >"$T/ne.csv" 2>"$T/ne.err"; st=$?
[ $st = 1 ] && grep -q 'nonexistent: No such file' "$T/ne.err" && [ "$(wc -l <"$T/ne.csv")" = 1 ] ||
	fail "missing root: exit $st $(cat "$T/ne.err")"

# the tree
mkdir -p "$R/sub/deep" "$R/unread" "$R/bindmnt" "$R/subagain" "$R/tmpfs" "$R/proc" "$T/outside"
: >"$R/empty"
printf 1 >"$R/one"
head -c 1048576 /dev/urandom >"$R/big.bin"
truncate -s 10M "$R/sparse"
head -c 100 /dev/urandom >"$R/sub/h1"
ln "$R/sub/h1" "$R/sub/deep/h2"
ln -s ../one "$R/sub/link"
ln -s /nonexistent/x "$R/dangling"
ln -s sub "$R/dirlink"
weird=$(printf 'we,ird "name"\nline')
printf x >"$R/$weird"
printf old >"$R/sub/old"
touch -m -d '2024-05-01 10:00:00.123456789' "$R/sub/old"
touch -a -d '2020-01-02 03:04:05.5' "$R/big.bin" "$R/sub/old"   # opened, these would change
mkfifo "$R/fifo"
printf s >"$R/unread/secret"
chmod 000 "$R/unread"
printf o >"$T/outside/o1"
chattr +d "$R/one" 2>/dev/null && nodump=1 || nodump=0
# mounts, when this machine lets us
if mount --bind "$T/outside" "$R/bindmnt" 2>/dev/null; then
	mounts="$R/bindmnt"
	mount --bind "$R/sub" "$R/subagain" && mounts="$R/subagain $mounts"
	mount -t tmpfs -o size=1m tmpfs "$R/tmpfs" && mounts="$R/tmpfs $mounts" && printf t >"$R/tmpfs/t1"
	mount -t proc proc "$R/proc" && mounts="$R/proc $mounts"
	havemounts=1
else
	echo "note: mount --bind is not allowed here: bind, tmpfs and proc mounts not checked"
	havemounts=0
	rmdir "$R/bindmnt" "$R/subagain" "$R/tmpfs" "$R/proc"
fi

atime0=$(stat -c %X "$R/big.bin")
mono0=$("$PY" -c 'import time; print(time.monotonic_ns())')
iotrc-snap-fs -v --stats "$T/st" "$R" >"$T/root.csv" 2>"$T/err" || fail "exit $? $(cat "$T/err")"
mono1=$("$PY" -c 'import time; print(time.monotonic_ns())')
chmod 755 "$T" "$R"
mkdir -m 777 "$T/nb"
setpriv --reuid=nobody --regid=nogroup --clear-groups iotrc-snap-fs --stats "$T/nb/st" "$R" \
	>"$T/nobody.csv" 2>"$T/err.nobody" || fail "as nobody: exit $? $(cat "$T/err.nobody")"
[ -s "$T/err.nobody" ] && fail "as nobody, stderr: $(cat "$T/err.nobody")"
# birth times as GNU stat reads them (statx), NUL-separated: a name has a newline
find "$R" -xdev \( -type f -o -type l \) -print0 2>/dev/null | xargs -0 stat --printf '%n|%w\0' >"$T/btimes"
stat --printf '%n|%w\0' "$R/unread/secret" "$T/outside/o1" >>"$T/btimes"
[ $havemounts = 1 ] && stat --printf '%n|%w\0' "$R/tmpfs/t1" >>"$T/btimes"

"$PY" - "$T" "$havemounts" "$nodump" "$mono0" "$mono1" "$SHARED/schema.tsv" <<'PY' || exit 1
import datetime, os, re, sys
import pandas as pd
t, havemounts, nodump, mono0, mono1, schema = sys.argv[1:]
havemounts, nodump, mono0, mono1 = int(havemounts), int(nodump), int(mono0), int(mono1)
R = t + '/tree'
cols = [l.split('\t')[3] for l in open(schema) if l.startswith('filesystem_snapshot\t')]
def fail(m):
    print('FAIL:', m); sys.exit(1)
def birth(text):      # GNU stat %w: "2024-05-01 10:00:00.123456789 +0530"
    d, tm, z = text.split()
    sec, ns = tm.split('.')
    whole = datetime.datetime.strptime(f'{d} {sec} {z}', '%Y-%m-%d %H:%M:%S %z').timestamp()
    return int(whole), int(ns)
btimes = {}
for line in open(t + '/btimes', 'rb').read().decode().split('\0'):
    if '|' in line:
        n, w = line.rsplit('|', 1)
        btimes[n] = birth(w)
def pystr(sec, ns):   # str(datetime.fromtimestamp(os.stat float)), as upstream writes it
    return str(datetime.datetime.fromtimestamp(sec + ns * 1e-9))
weird = 'we,ird "name"\nline'
base = ['empty', 'one', 'big.bin', 'sparse', 'dangling', 'dirlink', weird, 'sub/h1', 'sub/deep/h2',
        'sub/link', 'sub/old']
mounted = ['bindmnt/o1', 'tmpfs/t1'] if havemounts else []
for who in ('root', 'nobody'):
    df = pd.read_csv(f'{t}/{who}.csv', dtype=str, keep_default_na=False)
    if list(df.columns) != cols: fail(f'{who}: columns {list(df.columns)}')
    want = base + mounted + (['unread/secret'] if who == 'root' else [])
    got = [p[len(R) + 1:] for p in df.file_path]
    # sub is bind-mounted at subagain: its files appear once, under one of the two
    got_n = [g.replace('subagain/', 'sub/', 1) for g in got]
    if sorted(got_n) != sorted(want): fail(f'{who}: rows {sorted(got)}, want {sorted(want)}')
    if len(set(got_n)) != len(got_n): fail(f'{who}: a file twice: {got}')
    for _, r in df.iterrows():
        p = r.file_path
        real = p.replace(R + '/bindmnt/', t + '/outside/')
        st = os.lstat(p)
        exp = {'size': str(st.st_size), 'physical_size': str(st.st_blocks * 512),
               'inode': str(st.st_ino), 'device': f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}',
               'nlinks': str(st.st_nlink),
               'modification_time': pystr(st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9),
               'access_time': pystr(st.st_atime_ns // 10**9, st.st_atime_ns % 10**9),
               'flags': 'STATX_ATTR_NODUMP' if nodump and p == R + '/one' else ''}
        b = btimes.get(p) or btimes.get(real) or btimes.get(p.replace('/subagain/', '/sub/'))
        if b is None: fail(f'no birth time for {p!r}')
        exp['creation_time'] = pystr(*b)
        for k, v in exp.items():
            if r[k] != v: fail(f'{who}: {p!r} {k} = {r[k]!r}, want {v!r}')
    if df.snapshot_timestamp.nunique() != 1 or df.mono_ns.nunique() != 1: fail('one time per pass')
    if not re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}', df.snapshot_timestamp[0]): fail('ts')
r = pd.read_csv(f'{t}/root.csv', dtype=str, keep_default_na=False)
r['file_path'] = r.file_path.str.replace('/subagain/', '/sub/', n=1, regex=False)
r = r.set_index('file_path')
if r.loc[R + '/big.bin', 'size'] != '1048576' or r.loc[R + '/sparse', 'physical_size'] != '0': fail('sizes')
if r.loc[R + '/sub/link', 'size'] != '6' or r.loc[R + '/dangling', 'size'] != '14': fail('symlink sizes')
if not r.loc[R + '/big.bin', 'access_time'].startswith('2020-01-02 '): fail('atime of big.bin changed')
if r.loc[R + '/sub/old', 'modification_time'] != '2024-05-01 10:00:00.123457': fail('mtime')
if r.loc[R + '/sub/old', 'creation_time'] == r.loc[R + '/sub/old', 'modification_time']: fail('btime = mtime')
if not mono0 <= int(r.mono_ns.iloc[0]) <= mono1: fail('mono_ns outside the run')
print('rows as expected for root and nobody;', len(r), 'rows')
PY
[ "$(stat -c %X "$R/big.bin")" = "$atime0" ] || fail "big.bin's access time changed"
kv() { grep -qx "$2" "$1" || fail "$1: want '$2': $(tr '\n' ' ' <"$1")"; }
kv "$T/st" "dirs_unreadable 0"
kv "$T/nb/st" "dirs_unreadable 1"
kv "$T/st" "other_files 1"
if [ $havemounts = 1 ]; then
	kv "$T/st" "mounts_skipped 1"
	kv "$T/st" "dirs_repeated 1"
	grep -q "proc: pseudo file system (proc): not walked" "$T/err" || fail "-v: $(cat "$T/err")"
	# -x: the tmpfs is another device (bind mounts are the same one)
	iotrc-snap-fs -x --stats "$T/st.x" "$R" >"$T/x.csv" || fail "-x: exit $?"
	grep -q "/tmpfs/t1," "$T/x.csv" && fail "-x walked the tmpfs"
	grep -q "/bindmnt/o1," "$T/x.csv" || fail "-x left out a bind mount of the same device"
	kv "$T/st.x" "mounts_other_device 2"
fi
chmod 700 "$R/unread"

# byte for byte as the family's walk (bench/snap-fs-walk.py) on the same
# rows, but for the pass's time cells, birth time (Python has none on
# Linux) and flags (no st_flags)
iotrc-snap-fs "$R/sub" >"$T/sub.csv"
"$PY" bench/snap-fs-walk.py "$R/sub" >"$T/sub.py.csv" 2>/dev/null
"$PY" - "$T/sub.csv" "$T/sub.py.csv" <<'PY' || exit 1
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline='')))
b = list(csv.reader(open(sys.argv[2], newline='')))
keep = lambda row: [c for i, c in enumerate(row) if i not in (0, 3, 10, 11)]
assert [keep(r) for r in a] == [keep(r) for r in b], (a, b)
assert open(sys.argv[1], 'rb').read().split(b'\n')[1].split(b',')[1:3] == \
       open(sys.argv[2], 'rb').read().split(b'\n')[1].split(b',')[1:3]
print(len(a) - 1, 'rows as the family writes them, in the same order')
PY

# -a: each component a keyed token, the last one's short extension kept
iotrc-snap-fs -a --anon-key "$T/key" "$R" >"$T/a.csv" || fail "-a: exit $?"
"$PY" - "$T/a.csv" "$R" <<'PY' || exit 1
import re, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
h = '[0-9a-f]{12}'
depth = sys.argv[2].count('/')
for p in df.file_path:
    assert re.fullmatch(f'(/{h}){{{depth},}}(\\.bin)?', p), p
assert any(p.endswith('.bin') for p in df.file_path)
assert 'tree' not in ''.join(df.file_path)
PY

# --every 1: passes start to start, each complete; SIGTERM ends it (once
# its --stats count three passes: waited for, not slept)
iotrc-snap-fs --every 1 --stats "$T/st.every" "$R/sub" >"$T/every.csv" & ep=$!
i=0
until [ "$(sed -n 's/^passes //p' "$T/st.every" 2>/dev/null)" -ge 3 ] 2>/dev/null; do
	kill -0 $ep 2>/dev/null || fail "--every ended early"
	i=$((i + 1)); [ $i -gt 1200 ] && { kill $ep; fail "--every: no third pass in 2 minutes"; }
	sleep 0.1
done
kill -TERM $ep; wait $ep || fail "--every: exit $?"
"$PY" - "$T/every.csv" <<'PY' || exit 1
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
ms = sorted(df.mono_ns.unique(), key=int)
assert len(ms) >= 3, ms
assert all(0.95 < (int(b) - int(a)) / 1e9 for a, b in zip(ms, ms[1:])), ms   # late: the machine's business
assert all((df.mono_ns == m).sum() == 4 for m in ms)
PY

# all of /: the pseudo file systems are not walked; stopped walks (time
# limit, signal) leave a valid CSV and say where they stopped
iotrc-snap-fs -v --stats "$T/st.all" / >"$T/all.csv" 2>"$T/err.all" || fail "/: exit $?"
for m in /proc /sys /dev; do
	grep -q "^iotrc-snap-fs: $m: pseudo file system" "$T/err.all" || fail "/: $m: $(cat "$T/err.all")"
	grep -q "^[^,]*,$m/" "$T/all.csv" && fail "/: rows under $m"
done
n=$(awk '$1=="rows_written"{print $2}' "$T/st.all")
[ "$n" -gt 1000 ] || fail "/: $n rows"
iotrc-snap-fs --max-seconds 0.5 --stats "$T/st.half" / >"$T/half.csv" 2>"$T/err.half" || fail "--max-seconds: exit $?"
iotrc-snap-fs / >"$T/sig.csv" 2>"$T/err.sig" & sp=$!
i=0
until [ "$(wc -l <"$T/sig.csv")" -gt 1 ]; do          # the first buffer of rows is out
	kill -0 $sp 2>/dev/null || fail "signal: the walk of / ended before it could be stopped"
	i=$((i + 1)); [ $i -gt 1200 ] && { kill $sp; fail "signal: no rows in 2 minutes"; }
	sleep 0.1
done
kill -TERM $sp; wait $sp || fail "signal: exit $?"
for k in half sig; do
	grep -q "^iotrc-snap-fs: stopped (.*) in /.* after [0-9]* files; the rows written are whole$" "$T/err.$k" ||
		fail "$k: $(cat "$T/err.$k")"
	"$PY" -c 'import sys, pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
assert list(df.columns)[-1] == "mono_ns" and (df.mono_ns != "").all() and len(df) > 0, df.tail()
' "$T/$k.csv" || fail "$k: not a valid CSV"
done
grep -q "^passes_stopped 1$" "$T/st.half" && grep -q "^stopped_at /." "$T/st.half" ||
	fail "--max-seconds stats: $(cat "$T/st.half")"
[ "$(wc -l <"$T/half.csv")" -lt "$(wc -l <"$T/all.csv")" ] || fail "--max-seconds did not stop"

# through iotrc-write, read back
iotrc-snap-fs "$R/sub" | iotrc-write -d "$T/w" -p filesystem_snapshot >"$T/ann" || fail "| iotrc-write"
"$PY" - "$(cat "$T/ann")" "$SHARED/schema.tsv" <<'PY' || exit 1
import io, sys
import pandas as pd, zstandard
cols = [l.split('\t')[3] for l in open(sys.argv[2]) if l.startswith('filesystem_snapshot\t')]
data = zstandard.ZstdDecompressor().stream_reader(open(sys.argv[1], 'rb')).read()
df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
assert list(df.columns) == cols and len(df) == 4, df
PY
echo ok
