#!/bin/sh
# No circles (issue 13): in the objects of this build, a program's files
# call each other in layers (no file reaches back to one that calls it),
# lib/ calls no program, and no program calls or includes another
# program's files. The graph comes from nm (file A -> file B when A uses
# a symbol B defines) and the compiler's -MMD files; the programs and
# their folders from the Makefile. tests/helpers/layers.py does the work;
# run it with -v to see every edge.
set -eu
command -v nm >/dev/null || { echo "nm (binutils) is not installed"; exit 77; }
progs=$(printf 'print-dirs:\n\t@$(foreach p,$(PROGS),echo "$(p)=$($(p).dir)";)\n' |
	make -s --no-print-directory -f Makefile -f - print-dirs) || exit 1
[ -n "$progs" ] || { echo "the Makefile names no programs"; exit 1; }
# shellcheck disable=SC2086 # one PROG=DIR word each
exec "${PY:-python3}" tests/helpers/layers.py "$IOTRC_BUILD" $progs
