#!/bin/sh
# iotrc-schema(7) lists exactly the streams and columns of the schema table
# (the generated part of the page equals test_schema --man).
set -eu
sed -n '/^\.\\" BEGIN GENERATED/,/^\.\\" END GENERATED/p' man/iotrc-schema.7 | sed '1d;$d' >"$T/page"
"$IOTRC_BUILD/tests/test_schema" --man >"$T/table"
if ! cmp -s "$T/page" "$T/table"; then
	echo "man/iotrc-schema.7 is out of date; regenerate its STREAMS section:"; diff "$T/table" "$T/page" | head; exit 1
fi
echo "iotrc-schema(7) matches the schema table ($(grep -c '^\.It Li' "$T/table") columns)"
