#!/bin/sh
# iotrc --computer-id and --reward, as the family prints them
# (upstream.md §6): the id is the first 16 hex digits, upper case, of
# SHA-256 over /etc/machine-id on Linux; the reward message depends on the
# marker an upload leaves in ~/.io-tracer. Neither needs root or a config.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
export HOME=$T/home; mkdir -p "$HOME"
[ -s /etc/machine-id ] || { echo "no /etc/machine-id here"; exit 77; }
want=$("$PY" -c "import hashlib;print(hashlib.sha256(open('/etc/machine-id').read().strip().encode()).hexdigest()[:16].upper())")
got=$(iotrc --computer-id)
[ "$got" = "Here is your computer ID: $want" ] || fail "got '$got', want id $want"
[ "$(iotrc --reward)" = "Reward not yet unlocked. Upload at least one trace to complete your submission!" ] ||
	fail "locked: $(iotrc --reward)"
mkdir -p "$HOME/.io-tracer" && touch "$HOME/.io-tracer/.reward_unlocked"
[ "$(iotrc --reward)" = "Your Prolific submissions code: CKXDRTBX" ] || fail "unlocked: $(iotrc --reward)"
echo "computer id $want; reward locked and unlocked"
