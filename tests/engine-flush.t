#!/bin/sh
# engine-flush.t — real end-to-end: iotrc-launch io (bpftrace) | iotrc-parse
# io while tests/helpers/workload writes a file on a real block device and
# fsyncs it. The file system then sends the device a cache flush, which
# completes with no sector ((sector_t)-1): it must be a row, operation
# "flush", sector and size empty, with its latency (issue -> completion)
# and the device, completing inside the fsync call, and no record may be
# malformed.
. tests/engine-common.sh
engine_require
# $T must be on a block device that has a write-back cache, or no flush
# is ever sent.
dev=$(stat -c '%Hd:%Ld' "$T")
sys=/sys/dev/block/$dev
[ -e "$sys" ] || skip "$T is on no block device (device $dev): no flush to trace"
[ -f "$sys/partition" ] && sys=$sys/..      # requests name the whole disk
disk=$(cat "$sys/dev")
[ "$(cat "$sys/queue/write_cache" 2>/dev/null)" = "write back" ] ||
	skip "device $disk has no write-back cache ($(cat "$sys/queue/write_cache" 2>/dev/null)): the kernel sends it no flush"
mkdir -p "$T/fl"
engine_trace io flush "$T/fl"
iotrc-parse --stats "$T/pst" io <"$T/raw" >/dev/null
grep -qx 'malformed 0' "$T/pst" || fail "malformed io records: $(tr '\n' ' ' <"$T/pst")"
$PY -c "$engine_py_common"'
disk = sys.argv[2]
c = [x for x in calls if x["name"] == "fsync"][0]
m = df.mono_ns.astype("int64")
fl = df[(df.operation == "flush") & (df.device == disk) & (m >= c["m0"]) & (m <= c["m1"])]
assert len(fl) >= 1, ("no flush row of %s inside the fsync call" % disk, df[df.operation == "flush"])
for _, r in fl.iterrows():
    assert r["sector"] == "" and r["size"] == "", ("a flush has no sector or size", dict(r))
    assert r.latency_ms != "" and 0 < float(r.latency_ms) < 10000, ("flush latency", dict(r))
print("ok: %d flush row(s) of %s inside the fsync call, sector and size empty, latency %s ms"
      % (len(fl), disk, list(fl.latency_ms)))
' "$T" "$disk" || fail "flush rows"
