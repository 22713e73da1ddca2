#!/usr/bin/env bash
# Keystore v3 interoperability with foundry's cast, both ways: files written by
# lib/ssp_keystore (through tests/unit/ks_tool) are decrypted by `cast wallet
# decrypt-keystore` / `cast wallet address --keystore`, and files written by
# `cast wallet import` are read by ssp_keystore_load.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
KS="$SSP_BUILDDIR/tests/unit/ks_tool"
[ -x "$CAST" ] || { echo "SKIP: cast not installed (npm ci)"; exit 77; }
[ -x "$KS" ] || ssp_fail "missing $KS (make check builds it)"
ssp_test_init keystore-cast

cast_key() { # DIR NAME PASSWORD -> the secret key cast decrypts
	"$CAST" wallet decrypt-keystore -k "$1" "$2" --unsafe-password "$3" |
		sed -n 's/.*: \(0x[0-9a-f]\{64\}\).*/\1/p'
}

mkdir ours theirs
for pass in 'correct horse' 'pässwörd ünïcode 🔑' ''; do
	printf '%s\n' "$pass" > pw && chmod 600 pw
	key=0x$(openssl rand -hex 32)
	want_addr=$("$CAST" wallet address --private-key "$key")

	# ours -> cast (light scrypt cost)
	rm -f ours/k.json
	"$KS" write ours/k.json pw "$key" 4096
	assert_eq "$(stat -c %a ours/k.json)" 600 "keystore mode"
	assert_eq "$(cast_key ours k.json "$pass")" "$key" "cast decrypts our keystore (password '$pass')"
	assert_eq "$("$CAST" wallet address --keystore ours/k.json --password "$pass")" "$want_addr" \
		"cast wallet address --keystore"
	assert_eq "$("$KS" read ours/k.json pw)" "$key $want_addr" "we read our own file"

	# cast -> ours
	rm -f theirs/c
	"$CAST" wallet import c --keystore-dir theirs --private-key "$key" --unsafe-password "$pass" >/dev/null
	assert_eq "$("$KS" read theirs/c pw)" "$key $want_addr" "we read cast's keystore (password '$pass')"
	ssp_ok "keystore round trip with cast, password '$pass'"
done

# geth's standard cost (n = 2^18), the default of ssp_keystore_write
printf 'standard\n' > pw
key=0x$(openssl rand -hex 32)
start=$(date +%s.%N)
"$KS" write ours/std.json pw "$key" 262144
mid=$(date +%s.%N)
assert_eq "$(cast_key ours std.json standard)" "$key" "cast decrypts our n=2^18 keystore"
end=$(date +%s.%N)
grep -q '"n":262144' ours/std.json || ssp_fail "std.json lacks n=262144"
awk -v a="$start" -v b="$mid" -v c="$end" \
	'BEGIN { printf "ok: n=2^18 keystore: written in %.2f s, decrypted by cast in %.2f s\n", b - a, c - b }'

# errors: no overwrite, wrong password, unsafe password file
other=0x$(openssl rand -hex 32)
expect_status 1 "overwrite refused" "$KS" write ours/std.json pw "$other" 4096
assert_eq "$(cast_key ours std.json standard)" "$key" "file unchanged after refused overwrite"
printf 'wrong\n' > bad && chmod 600 bad
expect_status 1 "wrong password" "$KS" read ours/std.json bad
assert_contains "$OUT" "wrong password" "wrong password message"
chmod 644 pw
expect_status 1 "group-readable password file" "$KS" read ours/std.json pw
assert_contains "$OUT" "chmod 600" "password permission message"
ssp_ok "keystore errors"
