#!/usr/bin/env bash
# ssp bind sign: refuses a master URL that is not in BOINC's canonical form (the form
# BOINC's canonicalize_master_url in lib/url.cpp gives: http:// or https://, lower-case
# host, no "//" after the scheme, trailing '/') and says why; reads the keystore password
# from the terminal (a pseudo-terminal made by util-linux's script) when no
# --password-file is given. The signature is checked by cast (independent EIP-191).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
ssp_test_init bindcli

printf 'tty pass\n' > pw && chmod 600 pw
addr=$("$SSP" key new --keystore k.json --password-file pw --scrypt-n 4096)
good='https://boinc.example.org/ssp/'

expect_status 2 "no trailing slash" "$SSP" bind sign --keystore k.json --password-file pw --project "${good%/}" --user 7
assert_contains "$OUT" "ends with '/': did you mean $good ?" "trailing slash message"
expect_status 2 "upper-case host" "$SSP" bind sign --keystore k.json --password-file pw --project 'https://BOINC.example.org/ssp/' --user 7
assert_contains "$OUT" "lower case" "host case message"
expect_status 2 "no scheme" "$SSP" bind sign --keystore k.json --password-file pw --project 'boinc.example.org/ssp/' --user 7
assert_contains "$OUT" "must start with http:// or https://" "scheme message"
expect_status 2 "double slash" "$SSP" bind sign --keystore k.json --password-file pw --project 'https://boinc.example.org//ssp/' --user 7
assert_contains "$OUT" "collapses '//'" "double slash message"
expect_status 2 "no host" "$SSP" bind sign --keystore k.json --password-file pw --project 'https:///' --user 7
assert_contains "$OUT" "no host" "no host message"
ssp_ok "non-canonical master URLs refused, each with its reason"

# Password typed on a terminal: script(1) gives the command a pseudo-terminal fed from stdin.
out=$(printf 'tty pass\n' | script -qec "'$SSP' bind sign --keystore k.json --project '$good' --user 7" /dev/null | tr -d '\r')
assert_contains "$out" "Keystore password:" "prompt on the terminal"
sig=$(sed -n 's:.*<ssp_binding>\(0x[0-9a-fA-F]*\)</ssp_binding>.*:\1:p' <<<"$out")
assert_eq "${#sig}" 132 "signature from the terminal-password run"
text=$(printf 'SmartShare payout binding\nproject: %s\nuser: 7\naddress: %s' "$good" "$addr")
"$CAST" wallet verify --address "$addr" "$text" "$sig" >/dev/null || ssp_fail "cast rejects the binding"
st=0
printf 'wrong pass\n' | script -qec "'$SSP' bind sign --keystore k.json --project '$good' --user 7" /dev/null >wrong.out || st=$?
assert_eq "$st" 2 "wrong terminal password exit status"
assert_contains "$(cat wrong.out)" "wrong password" "wrong terminal password message"
expect_status 2 "no terminal, no password file" setsid -w "$SSP" bind sign --keystore k.json --project "$good" --user 7
assert_contains "$OUT" "give --password-file" "no terminal message"
ssp_ok "password read from the terminal; cast verifies the binding"

# bind text: the exact text a wallet signs, byte for byte (docs/formats.md), EIP-55 from any case.
lower=$(echo "$addr" | tr A-F a-f)
"$SSP" bind text --project "$good" --user 7 --address "$lower" >text.out
printf 'SmartShare payout binding\nproject: %s\nuser: 7\naddress: %s' "$good" "$addr" >text.want
cmp -s text.out text.want || ssp_fail "bind text differs: $(od -c text.out | head -3)"
"$CAST" wallet verify --address "$addr" "$(cat text.out)" "$sig" >/dev/null || ssp_fail "cast: signature over bind text"
expect_status 2 "bind text, URL without slash" "$SSP" bind text --project "${good%/}" --user 7 --address "$addr"
assert_contains "$OUT" "did you mean $good ?" "bind text URL message"
ssp_ok "bind text prints the exact binding text"
