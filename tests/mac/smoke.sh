#!/bin/sh
# tests/mac/smoke.sh — the first thing to run on a Mac (as root):
#   sudo tests/mac/smoke.sh
#   tests/mac/smoke.sh --analyze DIR    the summary again, from an unpacked
#                                       result (tar -xzf iotrc-smoke-result.tgz)
# Runs one small workload three times, traced in turn by iotrc-kdebug, by
# the DTrace engine (iotrc-launch, when SIP allows DTrace) and by
# fs_usage -w (they cannot run together: one kdebug consumer at a time,
# notes/macos-kdebug.md §1.2), then says plainly which facts about this
# Mac it confirmed and which failed:
#  - iotrc-launch --check: the vfs stream attaches; io's answer agrees with
#    csrutil status (SIP hides the io provider);
#  - whole paths: the workload lives under /tmp, a link to private/tmp, so
#    the kernel logs "private/tmp/..." (xnu vfs_lookup.c lookup_handle_symlink):
#    iotrc-kdebug must write the real path, /private/tmp/..., for every
#    file; a relative open after cd is joined with the cwd; a path through
#    a relative link (sub/lnk -> ../data) is its real path or marked
#    "/.../", never joined with the cwd; the files named by iotrc-kdebug,
#    the DTrace engine and fs_usage are the same;
#  - exec: a file opened on fd 0 by a shell that then execs cat is read by
#    cat under its name, and the pid has one exit record, not one per exec;
#    DTrace's exec record for cat is named cat;
#  - a path longer than 184 bytes comes out whole from Darwin 24.4
#    (macOS 15.4) and as a "/..." tail before;
#  - block I/O: how many io rows iotrc-kdebug (and DTrace's io.d when SIP
#    allows) saw: whether APFS I/O passes the traced strategy routines is
#    not in any published source;
#  - iotrc-kdebug released kdebug.
# Everything it saw is left in a tarball in a private folder: the raw
# --record file, the raw DTrace output, fs_usage -w's output, the CSVs,
# sw_vers, uname -a, csrutil status: enough to fix what failed without
# the Mac.
set -u
cd "$(dirname "$0")/../.." || exit 1
CMDS="dd cat mv rm mkdir cp ln"

# ---- analysis: reads only files in $W, so --analyze works on a copy -------
# Facts go to $W/summary.txt as CONFIRMED / FAILED / SKIPPED lines.
fact() { # CONFIRMED|FAILED|SKIPPED text
	printf '%-9s %s\n' "$1" "$2" >>"$W/summary.txt"
}

# the paths in the filename column (6) of an fs CSV under work.TAG, one a
# line ("old -> new" gives two)
csv_paths() { # csv tag
	awk -F, -v t="/work.$2/" 'NR > 1 {
		n = split($6, p, / -> /)
		for (i = 1; i <= n; i++) if (index(p[i], t)) print p[i]
	}' "$1" 2>/dev/null
}

# ops, bytes, paths of the workload's commands in an fs CSV
csv_counts() {
	awk -F, -v cmds=" $CMDS " 'NR > 1 && index(cmds, " " $5 " ") {
		ops++
		if (($2 == "read" || $2 == "write") && $9 != "") bytes += $9
		if ($6 ~ /iotrc-smoke\./) paths[$6] = 1
	} END { n = 0; for (p in paths) n++; printf "%8d %12d %8d", ops, bytes, n }' "$1"
}

# the same from fs_usage -w lines: "... B=0x<hex> ... path ... elapsed cmd.tid"
fsu_counts() {
	awk -v cmds=" $CMDS " '{
		c = $NF; sub(/\.[0-9]+$/, "", c)
		if (!index(cmds, " " c " ")) next
		ops++
		if (($2 ~ /^(read|write|pread|pwrite)/) && match($0, /B=0x[0-9a-f]+/)) {
			h = substr($0, RSTART + 4, RLENGTH - 4); v = 0
			for (k = 1; k <= length(h); k++) v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
			bytes += v
		}
		for (k = 1; k <= NF; k++) if ($k ~ /iotrc-smoke\./) paths[$k] = 1
	} END { n = 0; for (p in paths) n++; printf "%8d %12d %8d", ops, bytes, n }' "$1"
}

# names relative to the work folder, sorted, unique: "f0", "data/x", ...;
# sub/lnk/x is data/x (the link sub/lnk -> ../data), which the kernel
# reports and the DTrace engine's caller does not
rel_names() { # tag < paths
	sed -n "s|.*/work\.$1/||p" | sed 's|^sub/lnk/|data/|' | sort -u
}

rows() { [ -s "$1" ] && echo $(($(wc -l <"$1") - 1)) || echo 0; }

analyze() {
	: >"$W/summary.txt"
	# shellcheck disable=SC1091
	. "$W/paths.txt"        # W0 (the work folder as called), R (its real path)
	long=$(cat "$W/longname.txt" 2>/dev/null)
	rel=$(sed -n 's/^kern.osrelease: //p' "$W/sys.txt")

	# --check
	if [ -s "$W/check.txt" ]; then
		if grep -q "^vfs	yes	" "$W/check.txt"; then
			fact CONFIRMED "iotrc-launch --check: vfs attaches ($(grep '^vfs' "$W/check.txt" | cut -f3))"
		else
			fact FAILED "iotrc-launch --check: vfs: $(grep '^vfs' "$W/check.txt" | cut -f2-)"
		fi
		io=$(grep '^io	' "$W/check.txt" | cut -f2-)
		if grep -q 'status: enabled' "$W/sys.txt" && ! grep -q 'DTrace Restrictions: disabled' "$W/sys.txt"; then
			case $io in
			no*"System Integrity Protection"*) fact CONFIRMED "--check io with SIP on: $io" ;;
			*) fact FAILED "--check io with SIP on says: $io" ;;
			esac
		else
			case $io in
			yes*) fact CONFIRMED "--check io with SIP off for DTrace: $io" ;;
			*) fact FAILED "--check io with SIP off for DTrace says: $io" ;;
			esac
		fi
	else
		fact SKIPPED "iotrc-launch --check: no output"
	fi

	# kdebug: every workload path whole, relative ones joined, links not
	if [ -s "$W/kd.csv" ]; then
		csv_paths "$W/kd.csv" kd | sort -u >"$W/kd.paths"
		n=$(wc -l <"$W/kd.paths" | tr -d " ")
		bad=$(grep -v -e "^$R/work\.kd/" -e '^/\.\.\./' -e '/long\.txt$' "$W/kd.paths" | head -n 3)
		if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
			fact CONFIRMED "iotrc-kdebug: all $n workload paths are whole real paths ($R/work.kd/...) or marked /.../"
		else
			fact FAILED "iotrc-kdebug: workload paths not under $R/work.kd/ ($n paths), e.g.: $(echo "$bad" | tr '\n' ' ')"
		fi
		if grep -qx "$R/work\.kd/rel\.txt" "$W/kd.paths" && ! grep -v "^$R/work\.kd/rel\.txt\$" "$W/kd.paths" | grep -q 'rel\.txt$'; then
			fact CONFIRMED "iotrc-kdebug: a relative open after cd is joined with the cwd ($R/work.kd/rel.txt)"
		else
			fact FAILED "iotrc-kdebug: the relative rel.txt reads: $(grep 'rel\.txt$' "$W/kd.paths" | head -n 3 | tr '\n' ' ')"
		fi
		# cat "$d/sub/lnk/x": logged "../data/x"
		lx=$(awk -F, 'NR > 1 && $5 == "cat" && $6 ~ /\/data\/x$/ { print $6 }' "$W/kd.csv" | sort -u | tr '\n' ' ')
		case $lx in
		"$R/work.kd/data/x ") fact CONFIRMED "iotrc-kdebug: a path through the relative link sub/lnk -> ../data is its real path" ;;
		"/.../../data/x ") fact CONFIRMED "iotrc-kdebug: a path through sub/lnk -> ../data is marked /.../../data/x (not settled live: the descriptor was gone?)" ;;
		*) fact FAILED "iotrc-kdebug: a path through sub/lnk -> ../data reads: ${lx:-nothing}" ;;
		esac
		# exec: cat reads fd 0 opened before two execs (sh -c 'exec cat')
		cpid=$(awk -F, -v p="$R/work.kd/exec.in" 'NR > 1 && $2 == "read" && $5 == "cat" && $6 == p { print $3; exit }' "$W/kd.csv")
		if [ -n "$cpid" ]; then
			nexit=$(tr '\001' '\t' <"$W/kd.vfs" | awk -F'\t' -v p="$cpid" '$1 == "exit" && $2 == p' | wc -l | tr -d ' ')
			nexec=$(tr '\001' '\t' <"$W/kd.vfs" | awk -F'\t' -v p="$cpid" '$1 == "exec" && $2 == p' | wc -l | tr -d ' ')
			if [ "$nexit" = 1 ]; then
				fact CONFIRMED "iotrc-kdebug exec: cat (pid $cpid, $nexec exec records) read fd 0 as exec.in, and the pid has 1 exit record"
			else
				fact FAILED "iotrc-kdebug exec: pid $cpid has $nexit exit records after $nexec execs (want 1)"
			fi
		else
			fact FAILED "iotrc-kdebug exec: no read of $R/work.kd/exec.in by cat: $(awk -F, '$6 ~ /exec\.in$/ { print $2 "/" $5 "/" $6 }' "$W/kd.csv" | sort -u | head -n 3 | tr '\n' ' ')"
		fi
		sx=$(sed -n 's/^shadow_exits //p' "$W/kd.stats")
		fact "$([ "${sx:-0}" -gt 0 ] && echo CONFIRMED || echo FAILED)" "iotrc-kdebug: shadow_exits ${sx:-0} (the kernel's exit of each image an exec replaced, not written)"
		# the long path: whole from Darwin 24.4
		lp=$(grep "/$(basename "$long")\$" "$W/kd.paths" | head -n 1)
		case ${rel%%.*}.$(echo "$rel" | cut -d. -f2) in
		24.[4-9]|24.[1-9][0-9]|2[5-9].*) want="whole" ;;
		*) want="tail" ;;
		esac
		if [ "$want" = whole ] && [ "$lp" = "$long" ]; then
			fact CONFIRMED "Darwin $rel logs a ${#long}-byte path whole"
		elif [ "$want" = tail ] && [ "${lp#/...}" != "$lp" ]; then
			fact CONFIRMED "Darwin $rel logs the last 184 bytes of a ${#long}-byte path: $lp"
		else
			fact FAILED "Darwin $rel, a ${#long}-byte path: want it $want, got: ${lp:-nothing}"
		fi
		b=$(rows "$W/kd.block.csv")
		fact "$([ "$b" -gt 0 ] && echo CONFIRMED || echo FAILED)" "iotrc-kdebug: $b block I/O rows during the run (DKIO records: APFS I/O passes spec_strategy/buf_biodone)"
	else
		fact FAILED "iotrc-kdebug did not run: $(head -n 1 "$W/kd.err" 2>/dev/null)"
	fi
	if [ -s "$W/kd.owner" ]; then
		if [ "$(cat "$W/kd.owner")" = 0 ]; then
			fact CONFIRMED "kdebug released after iotrc-kdebug"
		else
			fact FAILED "kdebug still owned by pid $(cat "$W/kd.owner") after iotrc-kdebug"
		fi
	fi

	# DTrace: the same files, the exec record's name
	if [ -s "$W/dt.csv" ]; then
		csv_paths "$W/dt.csv" dt | rel_names dt >"$W/dt.names"
		rel_names kd <"$W/kd.paths" >"$W/kd.names" 2>/dev/null
		if [ -s "$W/kd.names" ] && cmp -s "$W/kd.names" "$W/dt.names"; then
			fact CONFIRMED "iotrc-kdebug and DTrace name the same $(wc -l <"$W/dt.names" | tr -d ' ') workload files"
		else
			fact FAILED "iotrc-kdebug and DTrace name different files: $(diff "$W/kd.names" "$W/dt.names" | grep '^[<>]' | head -n 6 | tr '\n' ' ')"
		fi
		en=$(tr '\001' '\t' <"$W/dt.vfs" | awk -F'\t' '$1 == "exec" && $13 ~ /\/cat$/ { print $5 }' | sort -u | tr '\n' ' ')
		case $en in
		"cat ") fact CONFIRMED "DTrace: the exec record of cat is named cat" ;;
		*) fact FAILED "DTrace: the exec records of cat are named: ${en:-none seen}" ;;
		esac
		if [ -s "$W/dt.block.csv" ]; then
			b=$(rows "$W/dt.block.csv")
			fact "$([ "$b" -gt 0 ] && echo CONFIRMED || echo FAILED)" "DTrace io.d: $b block I/O rows (io:::start in buf_strategy sees APFS I/O)"
		else
			fact SKIPPED "DTrace io.d: not run ($(grep '^io' "$W/check.txt" 2>/dev/null | cut -f2-))"
		fi
	else
		fact SKIPPED "DTrace engine: $(head -n 1 "$W/dt.err" 2>/dev/null)"
	fi

	# fs_usage: the same files, and in which form it prints them
	if [ -s "$W/fsu.txt" ]; then
		tr ' ' '\n' <"$W/fsu.txt" | grep '/work\.fsu/' | sort -u >"$W/fsu.paths"
		# (fs_usage hides sh: the files only sh touches are not in it)
		rel_names fsu <"$W/fsu.paths" >"$W/fsu.names"
		if [ -s "$W/kd.names" ] && cmp -s "$W/kd.names" "$W/fsu.names"; then
			fact CONFIRMED "iotrc-kdebug and fs_usage name the same workload files"
		else
			fact FAILED "iotrc-kdebug and fs_usage name different files: $(diff "$W/kd.names" "$W/fsu.names" 2>&1 | grep '^[<>]' | head -n 6 | tr '\n' ' ')"
		fi
		whole=$(grep -c "^$R/work\.fsu/" "$W/fsu.paths")
		called=$(grep -c "^$W0/work\.fsu/" "$W/fsu.paths")
		logged=$(grep -c '^private/' "$W/fsu.paths")
		other=$(($(wc -l <"$W/fsu.paths") - whole - called - logged))
		if [ "$whole" -gt 0 ] && [ "$called$logged$other" = 000 ]; then
			fact CONFIRMED "fs_usage prints the same whole paths as iotrc-kdebug ($R/...)"
		else
			fact FAILED "fs_usage's paths differ in form: $whole as $R/..., $called as called ($W0/...), $logged as logged (private/...), $other other, e.g. $(grep -v "^$R/" "$W/fsu.paths" | head -n 2 | tr '\n' ' ')"
		fi
	else
		fact SKIPPED "fs_usage: no output ($(head -n 1 "$W/fsu.err" 2>/dev/null))"
	fi

	echo
	echo "what this Mac confirmed and what failed:"
	sed 's/^/   /' "$W/summary.txt"
	echo "   ($(grep -c '^CONFIRMED' "$W/summary.txt") confirmed, $(grep -c '^FAILED' "$W/summary.txt") failed," \
	     "$(grep -c '^SKIPPED' "$W/summary.txt") skipped)"
}

if [ "${1:-}" = --analyze ]; then
	[ -d "${2:-}" ] || { echo "usage: tests/mac/smoke.sh --analyze DIR"; exit 2; }
	W=$(cd "$2" && pwd)
	analyze
	exit 0
fi

# ---- the run ----------------------------------------------------------------
[ "$(uname -s)" = Darwin ] || { echo "smoke.sh: run this on a Mac"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "smoke.sh: run this as root (sudo): kdebug and DTrace need it"; exit 77; }
B=${IOTRC_BUILD:-$(pwd)/build}/bin
make -s all >/dev/null || { echo "smoke.sh: make failed"; exit 1; }
W=$(mktemp -d /tmp/iotrc-smoke.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
# /tmp is a link to private/tmp: the kernel logs the real path
printf 'W0=%s\nR=%s\n' "$W" "$(cd "$W" && pwd -P)" >"$W/paths.txt"
R=$(cd "$W" && pwd -P)
{
	sw_vers
	echo "uname -a: $(uname -a)"
	echo "kern.osrelease: $(sysctl -n kern.osrelease)"
	echo "kern.osproductversion: $(sysctl -n kern.osproductversion)"
	echo "hw.model: $(sysctl -n hw.model)"
	csrutil status
} >"$W/sys.txt" 2>&1

# The workload: files created, written, synced, read back, copied,
# renamed, removed in $W/work.TAG; a relative open after cd; a path
# through a relative link; a file opened on fd 0 read after two execs; a
# path longer than 184 bytes; one TCP connect to a closed local port.
workload() {
	d=$W/work.$1
	mkdir "$d" "$d/data" "$d/sub"
	ln -s ../data "$d/sub/lnk"
	i=0
	while [ $i -lt 20 ]; do
		dd if=/dev/zero of="$d/f$i" bs=4096 count=16 2>/dev/null
		cat "$d/f$i" >/dev/null
		cp "$d/f$i" "$d/c$i"
		mv "$d/c$i" "$d/g$i"
		i=$((i + 1))
	done
	sync
	purge >/dev/null 2>&1          # so the reads below go to the disk
	cat "$d/f0" "$d/f1" "$d/f2" "$d/f3" >/dev/null
	(cd "$d" && echo rel >rel.txt && cat rel.txt >/dev/null)
	echo x >"$d/data/x"
	cat "$d/sub/lnk/x" >/dev/null
	echo exec >"$d/exec.in"
	sh -c 'exec cat' <"$d/exec.in" >/dev/null
	mkdir -p "$d/$LONGDIR"
	echo long >"$d/$LONGDIR/long.txt"
	cat "$d/$LONGDIR/long.txt" >/dev/null
	rm -rf "$d"
	nc -z -w 1 127.0.0.1 9 >/dev/null 2>&1
}
# 197 bytes as the kernel logs it ("private/tmp/iotrc-smoke.XXXXXX/work.kd/...",
# macOS 15.4+), so that a 184-byte tail (before 15.4) still shows /work.kd/
LONGDIR=a-directory-name-long-enough-to-matter/another-directory-name-quite-long/and-a-third-one-for-good-measure/and-a-fourth-to-pass-184-bytes-whole-or-cut
echo "$R/work.kd/$LONGDIR/long.txt" >"$W/longname.txt"

stop_tracer() { # pid
	sleep 1
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return $?
}

# 0. --check
"$B/iotrc-launch" --check >"$W/check.txt" 2>&1
echo "exit $?" >>"$W/check.txt"
echo "iotrc-launch --check:"
sed 's/^/   /' "$W/check.txt"
echo
printf '%-22s %8s %12s %8s  %s\n' tracer ops bytes paths notes

# 1. iotrc-kdebug
"$B/iotrc-kdebug" --vfs "$W/kd.vfs" --io "$W/kd.io" --net "$W/kd.net" --stats "$W/kd.stats" \
	--record "$W/kd.raw" 2>"$W/kd.err" &
kp=$!
sleep 2
workload kd
stop_tracer $kp; st=$?
if [ -s "$W/kd.vfs" ]; then
	"$B/iotrc-parse" vfs <"$W/kd.vfs" >"$W/kd.csv"
	"$B/iotrc-parse" io <"$W/kd.io" >"$W/kd.block.csv"
	"$B/iotrc-parse" net <"$W/kd.net" >"$W/kd.net.csv"
	printf '%-22s %s  exit %s, %s block rows, %s net rows\n' iotrc-kdebug "$(csv_counts "$W/kd.csv")" \
		"$st" "$(rows "$W/kd.block.csv")" "$(rows "$W/kd.net.csv")"
else
	printf '%-22s %s\n' iotrc-kdebug "failed (exit $st): $(head -n 1 "$W/kd.err")"
fi
sysctl -n ktrace.owning_pid >"$W/kd.owner" 2>/dev/null || echo 0 >"$W/kd.owner"

# 2. the DTrace engine: vfs, and io when --check says it can attach
if [ -x "$B/iotrc-launch" ]; then
	"$B/iotrc-launch" vfs >"$W/dt.vfs" 2>"$W/dt.err" &
	dp=$!
	ip=
	if grep -q '^io	yes' "$W/check.txt"; then
		"$B/iotrc-launch" io >"$W/dt.io" 2>"$W/dt.io.err" &
		ip=$!
	fi
	sleep 3
	if kill -0 $dp 2>/dev/null; then
		workload dt
		[ -n "$ip" ] && { kill -INT "$ip" 2>/dev/null; }
		stop_tracer $dp
		[ -n "$ip" ] && wait "$ip" 2>/dev/null
		"$B/iotrc-parse" vfs <"$W/dt.vfs" >"$W/dt.csv"
		[ -s "$W/dt.io" ] && "$B/iotrc-parse" io <"$W/dt.io" >"$W/dt.block.csv"
		printf '%-22s %s\n' "dtrace (iotrc-launch)" "$(csv_counts "$W/dt.csv")"
	else
		wait $dp; printf '%-22s %s\n' "dtrace (iotrc-launch)" "skipped (exit $?): $(head -n 1 "$W/dt.err")"
		[ -n "$ip" ] && { kill -INT "$ip" 2>/dev/null; wait "$ip" 2>/dev/null; }
	fi
else
	printf '%-22s %s\n' "dtrace (iotrc-launch)" "skipped: no $B/iotrc-launch"
fi

# 3. fs_usage -w, the workload's commands named (it hides sh and zsh)
# shellcheck disable=SC2086
fs_usage -w -f filesys $CMDS >"$W/fsu.txt" 2>"$W/fsu.err" &
fp=$!
sleep 2
workload fsu
stop_tracer $fp
printf '%-22s %s\n' "fs_usage -w" "$(fsu_counts "$W/fsu.txt")"

echo
echo "iotrc-kdebug counters (non-zero):"
grep -v ' 0$' "$W/kd.stats" 2>/dev/null | sed 's/^/   /'
echo "macOS $(sw_vers -productVersion 2>/dev/null) (Darwin $(sysctl -n kern.osrelease)) $(uname -m);" \
     "SIP: $(csrutil status 2>/dev/null | head -n 1)"
analyze

# The traces hold paths and command lines: keep them in a private folder
# of a unique name (never a fixed name in /tmp, which another user could
# plant as a symlink for root to follow), and say where.
K=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/iotrc-smoke-result.XXXXXX") || exit 1
keep=$K/iotrc-smoke-result.tgz
(umask 077 && tar -czf "$keep" -C "$W" .) 2>/dev/null &&
	echo "everything is kept in $keep (private to root; attach it to a bug report;" \
	     "tests/mac/smoke.sh --analyze DIR prints this summary again from it, unpacked)"
