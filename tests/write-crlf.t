#!/bin/sh
# A CR inside a quoted field (a path holding "\r\n") is data: iotrc-write
# keeps every byte of every row.
set -eu
printf 'timestamp,filename,mono_ns\n2025-01-01 00:00:00.000001,"/tmp/cr\r\nlf",1\n2025-01-01 00:00:00.000002,"a\rb",2\n' >"$T/in.csv"
iotrc-write -d "$T/out" -p fs <"$T/in.csv" >"$T/files"
f=$(cat "$T/files")
[ -f "$f" ] || { echo "no file announced"; exit 1; }
zstd -dc "$f" >"$T/back.csv"
cmp "$T/in.csv" "$T/back.csv" || { echo "bytes changed:"; od -c "$T/back.csv" | head; exit 1; }
echo "CR inside quoted fields kept"
