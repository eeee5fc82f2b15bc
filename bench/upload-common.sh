# bench/upload-common.sh — sourced by bench/upload*.sh from the top of the
# tree: an optimized build, a private temporary folder $T under
# ${TMPDIR:-/tmp} (removed at exit, with every server stopped) and the
# tests' receiving servers (tests/helpers/upload-lib.sh).
make -s CFLAGS="-O2 -g" all >/dev/null
T=$(mktemp -d "${TMPDIR:-/tmp}/iotrc-bench.XXXXXX")
PY=python3
. tests/helpers/upload-lib.sh
trap 'stop_all; rm -rf "$T"' EXIT
need_nginx
