#!/bin/sh
# Every libFuzzer target (tests/fuzz/fuzz_*.c) runs for a bounded time
# from its seed corpus (FUZZ_SECONDS, default 8 each, so that the suite
# stays under 20 minutes; longer by hand: FUZZ_SECONDS=600 tests/run -k
# fuzz); a crash, leak or sanitizer report fails the test. Plain pass
# only (the targets carry their own ASan+UBSan).
set -u
[ "${IOTRC_PASS:-plain}" = plain ] || { echo "fuzz targets run once, in the plain pass"; exit 77; }
command -v clang >/dev/null || { echo "clang not installed (scripts/install-deps test)"; exit 77; }
make -s fuzz >"$T/build.log" 2>&1 || { cat "$T/build.log"; exit 1; }
secs=${FUZZ_SECONDS:-8}
fail=0
for f in build-fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=${f##*/fuzz_}
	corpus=$T/corpus-$name; mkdir -p "$corpus"
	for seed in tests/fixtures/$name-* tests/fixtures/parse-*.rec; do
		[ -f "$seed" ] && cp "$seed" "$corpus/"
	done
	if "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=512 -timeout=10 \
		-artifact_prefix="$T/" "$corpus" >"$T/$name.log" 2>&1; then
		echo "fuzz_$name: $(grep -o 'Done [0-9]* runs' "$T/$name.log" | tail -n 1) in ${secs}s, no crash"
	else
		echo "fuzz_$name FAILED:"; tail -n 30 "$T/$name.log"; fail=1
	fi
done
exit $fail
