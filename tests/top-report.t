#!/bin/sh
# iotrc-top after the fact: a known workload (long-lived and transient
# processes, reused pids, an exec, paths with commas, quotes, newlines,
# markup and bytes that are not UTF-8) read from a file, stdin, zstd(1)'s
# one frame and iotrc-write's many, counted exactly per process and per
# file (--json, --csv, --report, --html); the "(other)" rows under a small
# budget; plain text when stdout is not a terminal; bad input gives one
# clear message; a truncated file is read up to its last whole frame.
set -u
GEN="$PY tests/helpers/top_gen.py"
fail() { echo "FAIL: $*"; exit 1; }
rows=20000; [ "$IOTRC_PASS" = asan ] && rows=6000

# -h and usage errors
iotrc-top -h >"$T/h.out" 2>"$T/h.err" || fail "-h exit $?"
grep -q '^usage: iotrc-top' "$T/h.out" && [ ! -s "$T/h.err" ] || fail "-h"
for args in "--sort size" "-m 3" "--bogus" "-d 0" "--session x y" "--json --listen 1"; do
	# shellcheck disable=SC2086
	iotrc-top $args </dev/null >"$T/u.out" 2>"$T/u.err"; st=$?
	[ $st = 2 ] || fail "iotrc-top $args: exit $st, want 2"
	head -n 1 "$T/u.err" | grep -q '^iotrc-top: ' || fail "$args: $(head -n 1 "$T/u.err")"
done

$GEN workload $rows 11 "$T/want.json" >"$T/w.csv" || fail "generator"
check() { # name json-file
	$GEN check "$T/want.json" "$2" >"$T/check.out" || { cat "$T/check.out"; fail "$1"; }
	echo "$1: $(tail -n 1 "$T/check.out")"
}

# one file; stdin; zstd(1) (one frame); iotrc-write's files (a frame per flush)
iotrc-top --json "$T/w.csv" >"$T/file.json" 2>"$T/err" || fail "file: exit $? $(cat "$T/err")"
[ -s "$T/err" ] && fail "file: stderr $(cat "$T/err")"
check "file" "$T/file.json"
iotrc-top --json <"$T/w.csv" >"$T/stdin.json" || fail "stdin: exit $?"
check "stdin" "$T/stdin.json"
zstd -q -3 "$T/w.csv" -o "$T/w.csv.zst" || fail "zstd"
iotrc-top --json "$T/w.csv.zst" >"$T/zst.json" || fail "zst: exit $?"
check "zstd file" "$T/zst.json"
cat "$T/w.csv.zst" | iotrc-top --json >"$T/zstin.json" || fail "zst stdin: exit $?"
check "zstd stdin" "$T/zstin.json"
iotrc-write -d "$T/s/fs" -p fs -r 3000 -f 0.01 <"$T/w.csv" >"$T/ann" || fail "iotrc-write"
# shellcheck disable=SC2046
iotrc-top --json $(cat "$T/ann") >"$T/many.json" || fail "many files: exit $?"
check "$(wc -l <"$T/ann") iotrc-write files" "$T/many.json"
iotrc-top --json --session "$T/s" >"$T/sess.json" || fail "--session report: exit $?"
check "--session (finished)" "$T/sess.json"

# --csv: the same numbers, read back by python's csv module
iotrc-top --csv "$T/w.csv" >"$T/out.csv" || fail "--csv exit $?"
"$PY" - "$T/out.csv" "$T/file.json" <<'EOF' || fail "--csv differs from --json"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
j = json.load(open(sys.argv[2]))
tot = [r for r in rows if r["kind"] == "total"][0]
assert int(tot["read_bytes"]) == j["totals"]["read_bytes"], tot
procs = {(int(r["pid"]), r["id"]): r for r in rows if r["kind"] == "process"}
assert len(procs) == len(j["processes"])
for p in j["processes"]:
    r = procs[(p["pid"], str(p["id"]))]
    assert int(r["write_bytes"]) == p["write_bytes"] and int(r["ops"]) == p["ops"], (r, p)
    files = {f["file"]: f for f in rows if f["kind"] == "file" and f["id"] == str(p["id"])}
    for f in p["files"]:
        assert int(files[f["path"]]["read_bytes"]) == f["read_bytes"], f
print("csv: %d rows agree with --json" % len(rows))
EOF

# --report: the biggest process's line holds its exact bytes
iotrc-top --report -n 5 --files 3 "$T/w.csv" >"$T/rep.txt" || fail "--report exit $?"
read -r pid rb wb <<EOF
$("$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["processes"][0]; print(p["pid"], p["read_bytes"], p["write_bytes"])' "$T/file.json")
EOF
grep -Eq "^ +$pid .* $rb +$wb " "$T/rep.txt" || fail "--report: no line for $pid with $rb $wb: $(head -n 8 "$T/rep.txt")"
grep -q "^processes by total bytes, 5 of " "$T/rep.txt" || fail "--report -n 5"
[ "$(grep -c '^files of ' "$T/rep.txt")" = 5 ] || fail "--report: 5 file tables"
LC_ALL=C grep -q "$(printf '\033')" "$T/rep.txt" && fail "--report: an escape reached the text"
echo "report: $pid $rb $wb"

# --html: one self-contained page, bars, names escaped
iotrc-top --html "$T/r.html" "$T/w.csv" >"$T/h.out" || fail "--html exit $?"
grep -q 'class=bar' "$T/r.html" && grep -q "$rb bytes" "$T/r.html" || fail "--html: no bars or bytes"
grep -Eiq '<script|src=|href="?https?:|@import|url\(' "$T/r.html" && fail "--html: not self-contained"
grep -q '&lt;script&gt;' "$T/r.html" || fail "--html: markup in a path not escaped"
"$PY" -c 'import html.parser,sys; html.parser.HTMLParser().feed(open(sys.argv[1], encoding="utf-8").read())' \
	"$T/r.html" || fail "--html: not UTF-8 HTML"
echo "html: $(wc -c <"$T/r.html") bytes, self-contained"

# a small budget: (other) rows, totals still exact, each process = its files + (other)
iotrc-top --json -m 40 "$T/w.csv" >"$T/small.json" || fail "-m 40 exit $?"
"$PY" - "$T/small.json" "$T/want.json" <<'EOF' || fail "-m 40"
import json, sys
d, w = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
k = ("read_bytes", "write_bytes", "reads", "writes", "ops")
assert all(d["totals"][x] == w["totals"][x] for x in k), d["totals"]
assert d["processes_kept"] + d["files_kept"] <= 40, d
o = d["other"]
# a process folded and active again is a new entry: folds count entries
assert o["processes"] > 0 and o["processes"] + d["processes_kept"] >= len(w["processes"]), o
for x in k:
    assert sum(p[x] for p in d["processes"]) + o[x] == d["totals"][x], x
    for p in d["processes"]:
        assert sum(f[x] for f in p["files"]) + p["other"][x] == p[x], (p["pid"], x)
print("budget 40: %d processes kept, %d folded into (other); totals exact" %
      (d["processes_kept"], o["processes"]))
EOF
iotrc-top --report -m 40 "$T/w.csv" | grep -Eq '^ +\(other\) .* processes folded$' ||
	fail "--report: no (other) row"

# stdout not a terminal: plain text, the last table at the end of input
iotrc-top -n 3 "$T/w.csv" >"$T/plain.out" 2>"$T/err" || fail "plain: exit $?"
grep -q '^iotrc-top [0-9:]*  .* (ended)  rows '"$rows"' ' "$T/plain.out" &&
	grep -Eq "^ +$pid " "$T/plain.out" || fail "plain: $(cat "$T/plain.out")"

# bad input: one line, exit 1
bad() { # what-it-says file-or-stdin...
	want=$1; shift
	iotrc-top --report "$@" >"$T/b.out" 2>"$T/b.err" </dev/null; st=$?
	[ $st = 1 ] || fail "$*: exit $st, want 1"
	[ "$(wc -l <"$T/b.err")" = 1 ] && grep -q "$want" "$T/b.err" || fail "$*: $(cat "$T/b.err")"
	echo "bad input: $(cat "$T/b.err")"
}
bad "not an fs CSV: this is the block stream" tests/fixtures/parse-io.csv
printf 'pid,operation,command,filename\n1,read,x,/a\n' >"$T/m.csv"
bad 'no column "bytes_completed"' "$T/m.csv"
head -c 3000 /dev/urandom >"$T/rnd.bin"; printf '\n' >>"$T/rnd.bin"
bad "not an fs CSV" "$T/rnd.bin"
bad "$T/none.csv: No such file" "$T/none.csv"
# truncated: two frames, the second cut; read up to the first's end
head -n 4001 "$T/w.csv" >"$T/a.csv"; tail -n +4002 "$T/w.csv" >"$T/b.csv"
zstd -q -c "$T/a.csv" >"$T/cut.zst"; zstd -q -c "$T/b.csv" >"$T/b.zst"
head -c $(($(wc -c <"$T/b.zst") / 2)) "$T/b.zst" >>"$T/cut.zst"
bad "truncated: the last zstd frame is cut short; read up to the end of frame 1" "$T/cut.zst"
iotrc-top --json "$T/cut.zst" >"$T/cut.json" 2>/dev/null
iotrc-top --json "$T/a.csv" >"$T/a.json"
"$PY" -c 'import json,sys; a,b=(json.load(open(f))["totals"] for f in sys.argv[1:]); assert a==b, (a,b)' \
	"$T/cut.json" "$T/a.json" || fail "truncated: not the first frame's rows"
# empty input: no rows, no error
iotrc-top --report </dev/null >"$T/e.out" || fail "empty input: exit $?"
grep -q '^rows 0 ' "$T/e.out" || fail "empty: $(cat "$T/e.out")"
echo "ok"
