#!/bin/sh
# iotrc-parse fills inode, device and fs_type from the vfs extension
# (iotrc-records(5): the file a descriptor call worked on, as the Linux
# engine reads it from the kernel): inode as a number, device major:minor,
# fs_type named from the superblock magic as the family's Linux tracer
# names it (FS(0xHEX) when unknown); zeros leave the cells empty; a
# record with a bad extension, or only part of one, is malformed.
set -u
export TZ=UTC
fail=0
{
	printf '#iotrc-records 1 stream=vfs engine=fixture os=linux clock=ns\n'
	# base fields ... mode, then ino devmaj devmin magic
	printf 'read\t700\t1\t700\tcat\t1763900000000000000\t1000\t5\t0\t900\t3\t-1\t\t\t5\t-1\t0\t0\t1234\t254\t1\t61267\n'
	printf 'write\t700\t1\t700\tcat\t1763900000001000000\t2000\t5\t0\t1900\t1\t-1\t\t\t5\t-1\t0\t0\t77\t0\t24\t305419896\n'
	printf 'fsync\t700\t1\t700\tcat\t1763900000002000000\t3000\t0\t0\t2900\t3\t-1\t\t\t\t-1\t0\t0\t0\t0\t0\t0\n'
	printf 'read\t700\t1\t700\tcat\t1763900000003000000\t4000\t5\t0\t3900\t3\t-1\t\t\t5\t-1\t0\t0\t9\t8\t1\t16914836\n'
	# no extension: empty cells
	printf 'read\t700\t1\t700\tcat\t1763900000004000000\t5000\t5\t0\t4900\t3\t-1\t\t\t5\t-1\t0\t0\n'
	# malformed: text in the extension, part of one
	printf 'read\t700\t1\t700\tcat\t1763900000005000000\t6000\t5\t0\t5900\t3\t-1\t\t\t5\t-1\t0\t0\tx\t8\t1\t61267\n'
	printf 'read\t700\t1\t700\tcat\t1763900000006000000\t7000\t5\t0\t6900\t3\t-1\t\t\t5\t-1\t0\t0\t9\t8\n'
} | tr '\t' '\001' >"$T/in.rec"
iotrc-parse --stats "$T/st" vfs <"$T/in.rec" >"$T/out.csv" 2>"$T/err" || { cat "$T/err"; echo "iotrc-parse failed"; exit 1; }
"$PY" - "$T" <<'PY' || fail=1
import sys, pandas as pd
d = pd.read_csv(sys.argv[1] + "/out.csv", dtype=str, keep_default_na=False)
got = [tuple(r) for r in d[["operation", "inode", "device", "fs_type"]].itertuples(index=False)]
want = [("read", "1234", "254:1", "EXT2/3/4"), ("write", "77", "0:24", "FS(0x12345678)"),
        ("fsync", "", "", ""), ("read", "9", "8:1", "TMPFS"), ("read", "", "", "")]
if got != want:
    print("got ", got); print("want", want); sys.exit(1)
print("ok: inode, device, fs_type from the extension")
PY
m=$(awk '$1 == "malformed" { print $2 }' "$T/st")
[ "$m" = 2 ] || { echo "malformed = '$m', want 2"; cat "$T/st"; fail=1; }
exit $fail
