#!/bin/sh
# smoke-analyze.t — tests/mac/smoke.sh runs only on a Mac, once, by
# someone else: its analysis (--analyze DIR) is checked here on a result
# folder built from a kd_buf stream of the workload's key moments
# (tests/helpers/kdgen, through iotrc-kdebug --replay and iotrc-parse, as
# smoke.sh does) and hand-written DTrace and fs_usage output, so that the
# summary says CONFIRMED or FAILED for the right reasons.
set -u
fail() { echo "FAIL: $*"; exit 1; }
KDGEN=$IOTRC_BUILD/tests/kdgen
W=$T/result
mkdir -p "$W"
W0=/tmp/iotrc-smoke.AbC123          # as mktemp named it (not created)
R=/private$W0                         # its real path: /tmp is a link
L=a-long-directory-name-to-pass-the-184-byte-mark/another-long-directory-name/and-a-third-one-for-good-measure/and-a-fourth
printf 'W0=%s\nR=%s\n' "$W0" "$R" >"$W/paths.txt"
echo "$R/work.kd/$L/long.txt" >"$W/longname.txt"
printf 'ProductVersion:\t\t15.4.1\nkern.osrelease: 24.4.0\nSystem Integrity Protection status: enabled.\n' >"$W/sys.txt"
printf 'vfs\tyes\t/usr/sbin/dtrace: syscall::read:entry (1 probe listed)\nio\tno\tSystem Integrity Protection restricts DTrace (io:::start does not match)\nnet\tyes\t/usr/sbin/dtrace: syscall::connect:entry (1 probe listed)\nexit 3\n' >"$W/check.txt"
echo 0 >"$W/kd.owner"
# the kernel's view (xnu-11417.101.15): /tmp paths logged "private/tmp/..."
# (vfs_lookup.c:1903-1931, 2189-2192), a path through sub/lnk -> ../data
# logged "../data/x", an exec copy per exec (kern_exec.c:5498, 5314-5316)
p=private$W0/work.kd
cat >"$T/spec" <<EOF
raw
thread 100 50 sh
tag timebase=1/1 wall_offset_ns=1763900000000000000
start 1000 100 0 open 0x100 0x601 0644 0
lookup 1001 100 0 0xff01 full $p/f0
end 1100 100 0 open 0 3 0 50
start 1200 100 0 write 3 0x100 10 0
end 1300 100 0 write 0 10 0 50
start 2000 100 0 chdir 0x100 0 0 0
lookup 2001 100 0 0xff02 full $p
end 2100 100 0 chdir 0 0 0 50
start 2200 100 0 open 0x100 0x601 0644 0
lookup 2201 100 0 0xff03 full rel.txt
end 2300 100 0 open 0 4 0 50
start 2400 100 0 open 0x100 0x601 0644 0
lookup 2401 100 0 0xff04 full $p/$L/long.txt
end 2500 100 0 open 0 5 0 50
newthread 3000 100 0 200 51 0 sh
exec 3010 200 1 51 cat
start 3100 200 1 open 0x100 0 0 0
lookup 3101 200 1 0xff05 full ../data/x
end 3200 200 1 open 0 3 0 51
start 3250 200 1 read 3 0x100 10 0
end 3260 200 1 read 0 10 0 51
terminate 3300 200 1 51
exit 3301 200 1 51 0
newthread 4000 100 0 300 52 0 sh
start 4100 300 2 open 0x100 0 0 0
lookup 4101 300 2 0xff06 full $p/exec.in
end 4200 300 2 open 0 3 0 52
start 4300 300 2 dup2 3 0 0 0
end 4400 300 2 dup2 0 0 0 52
start 4500 300 2 execve 0x100 0x200 0x300 0
lookup 4501 300 2 0xff07 full /bin/sh
newthread 4510 300 2 301 52 1 sh
exec 4520 301 2 52 sh
terminate 4530 300 2 52
exit 4531 300 2 52 0
start 4600 301 3 execve 0x100 0x200 0x300 0
lookup 4601 301 3 0xff08 full /bin/cat
newthread 4610 301 3 302 52 1 sh
exec 4620 302 3 52 cat
terminate 4630 301 3 52
exit 4631 301 3 52 0
start 4700 302 4 read 0 0x100 10 0
end 4800 302 4 read 0 5 0 52
terminate 4900 302 4 52
exit 4901 302 4 52 0
issue 5000 100 0 0xb1 0x1000004 800 65536 -
done 5100 0 1 0xb1 0xff01 0 0 -
EOF
"$KDGEN" <"$T/spec" >"$W/kd.raw" || fail kdgen
iotrc-kdebug --replay "$W/kd.raw" --vfs "$W/kd.vfs" --io "$W/kd.io" --net "$W/kd.net" \
	--stats "$W/kd.stats" 2>"$W/kd.err" || fail "iotrc-kdebug: $(cat "$W/kd.err")"
iotrc-parse vfs <"$W/kd.vfs" >"$W/kd.csv" && iotrc-parse io <"$W/kd.io" >"$W/kd.block.csv" || fail iotrc-parse
# DTrace: the caller's strings; the exec record of cat named cat (vfs.d)
d=$W0/work.dt
printf 'timestamp,operation,pid,tid,command,filename\n' >"$W/dt.csv"
for f in f0 rel.txt sub/lnk/x exec.in "$L/long.txt"; do
	printf 'x,open,50,100,sh,%s/%s\n' "$d" "$f" >>"$W/dt.csv"
done
printf 'exec\00152\00150\001301\001cat\0011\0012\0010\0010\0011\001-1\001-1\001/bin/cat\001\001\001-1\001\001\n' >"$W/dt.vfs"
# fs_usage -w: the lookup string as logged
printf '12:00:00.000100  open  F=3  (R_____)  private%s/work.fsu/f0  0.000010  cat.123\n' "$W0" >"$W/fsu.txt"

tests/mac/smoke.sh --analyze "$W" >"$T/out" 2>&1 || fail "smoke.sh --analyze: $(cat "$T/out")"
cat "$T/out"
want() { grep -q "^$1 *$2" "$W/summary.txt" || fail "want $1 $2"; }
want CONFIRMED 'iotrc-launch --check: vfs attaches'
want CONFIRMED '--check io with SIP on'
want CONFIRMED 'iotrc-kdebug: all [0-9]* workload paths are whole'
want CONFIRMED 'iotrc-kdebug: a relative open after cd is joined'
want CONFIRMED 'iotrc-kdebug: a path through sub/lnk -> ../data is marked'
want CONFIRMED 'iotrc-kdebug exec: cat (pid 52, 2 exec records) read fd 0 as exec.in, and the pid has 1 exit record'
want CONFIRMED 'iotrc-kdebug: shadow_exits 2'
want CONFIRMED 'Darwin 24.4.0 logs a [0-9]*-byte path whole'
want CONFIRMED 'iotrc-kdebug: 1 block I/O rows'
want CONFIRMED 'kdebug released'
want FAILED 'iotrc-kdebug and DTrace name different files: > data/x'
want CONFIRMED 'DTrace: the exec record of cat is named cat'
want SKIPPED 'DTrace io.d: not run'
want FAILED "fs_usage's paths differ in form: 0 as $R/..., 0 as called ($W0/...), 1 as logged"
echo "ok: the smoke summary confirms and fails for the right reasons"

# an engine that joined the link's text with the cwd, and wrote an exit
# per exec, fails
sed -i "s|/\.\.\./\.\./data/x|$R/work.kd/../data/x|" "$W/kd.csv"
printf 'exit\00152\001\001302\001cat\0011\0011\0010\0010\0011\001-1\001-1\001\001\001\001-1\001\001\n' >>"$W/kd.vfs"
tests/mac/smoke.sh --analyze "$W" >"$T/out" 2>&1
want FAILED 'iotrc-kdebug: a path through sub/lnk -> ../data reads'
want FAILED 'iotrc-kdebug exec: pid 52 has 2 exit records'
echo "ok: and fails what is wrong"
