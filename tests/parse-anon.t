#!/bin/sh
# -a: every path component (keeping a leading / and the last component's
# short plain extension) and the command line become 12 hex digits of
# HMAC-SHA-256 under a per-install key
# that iotrc-parse creates 0600; same input, same output; another key,
# another output; not the unsalted SHA-256 a dictionary would reverse.
set -eu
export TZ=UTC
rec() { printf '%s\n' "$@" | tr '|' '\001'; }
rec '#iotrc-records 1 stream=vfs engine=fixture os=darwin clock=ns' \
    'open|9|1|9|x|1763900000000000000|5|3|0|1|-1|-1|/Users/ann/a.tar.gz||0|-1|0|0' \
    'read|9|1|9|x|1763900000000000000|6|10|0|5|3|-1|||10|-1|0|0' \
    'rename|9|1|9|x|1763900000000000000|7|0|0|6|-1|-1|/Users/ann/.bashrc|/tmp/x|0|-1|0|0' \
    'mkdir|9|1|9|x|1763900000000000000|8|0|0|7|-1|-1|/Users/ann/new||0|-1|0|0' \
    'open|9|1|9|x|1763900000000000000|9|4|0|1|-1|-1|/Users/john.smith/x.secretname1||0|-1|0|0' \
    'mkdir|9|1|9|x|1763900000000000000|10|0|0|7|-1|-1|/Users/ann/v1.backup||0|-1|0|0' >"$T/in"
iotrc-parse -a --anon-key "$T/key" vfs <"$T/in" >"$T/a1"
[ "$(stat -c %a "$T/key")" = 600 ] || { echo "key mode $(stat -c %a "$T/key")"; exit 1; }
[ "$(stat -c %s "$T/key")" = 32 ] || { echo "key size"; exit 1; }
iotrc-parse -a --anon-key "$T/key" vfs <"$T/in" >"$T/a2"
cmp "$T/a1" "$T/a2" || { echo "same key, different output"; exit 1; }
iotrc-parse -a --anon-key "$T/key2" vfs <"$T/in" >"$T/b"
"$PY" - "$T" <<'PY'
import hashlib, re, sys, pandas as pd
t = sys.argv[1]
a = pd.read_csv(f'{t}/a1', dtype=str, keep_default_na=False)
b = pd.read_csv(f'{t}/b', dtype=str, keep_default_na=False)
h = '[0-9a-f]{12}'
f = list(a['filename'])
assert re.fullmatch(f'/{h}/{h}/{h}\\.gz', f[0]), f[0]
assert f[1] == f[0], f                     # the read names the same file
assert re.fullmatch(f'/{h}/{h}/{h} -> /{h}/{h}', f[2]), f[2]
assert re.fullmatch(f'/{h}/{h}/{h}/', f[3]), f[3]
parts = f[0].split('/')
assert parts[2] == f[2].split('/')[2] == f[3].split('/')[2]   # "ann" -> one token
# only a last component keeps an extension, and only a short plain one
assert re.fullmatch(f'/{h}/{h}/{h}', f[4]) and 'smith' not in f[4], f[4]
assert re.fullmatch(f'/{h}/{h}/{h}/', f[5]), f[5]          # a directory keeps none
assert hashlib.sha256(b'ann').hexdigest()[:12] != parts[2]    # not a dictionary hash
assert b['filename'][0] != f[0]                                # keyed
assert 'ann' not in open(f'{t}/a1').read() and 'Users' not in open(f'{t}/a1').read()
print('anonymized:', f[0], '|', f[2])
PY
chmod 644 "$T/key"
st=0; iotrc-parse -a --anon-key "$T/key" vfs <"$T/in" >/dev/null 2>"$T/err" || st=$?
[ $st = 2 ] && grep -q 'readable by others' "$T/err" || { echo "open key accepted (exit $st)"; cat "$T/err"; exit 1; }
echo ok
