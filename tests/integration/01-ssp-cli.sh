#!/usr/bin/env bash
# The `ssp` command's key, bind and claim subcommands, cross-checked against
# foundry's cast (an independent implementation): keystore files, EIP-191
# bindings and EIP-712 ShareClaim digests and signatures.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
ssp_test_init cli

printf 'correct horse\n' > pw && chmod 600 pw
printf 'wrong\n' > badpw && chmod 600 badpw

# key new / key address, read back by cast.
addr=$("$SSP" key new --keystore k.json --password-file pw --scrypt-n 4096)
[[ "$addr" =~ ^0x[0-9a-fA-F]{40}$ ]] || ssp_fail "key new printed '$addr'"
assert_eq "$(stat -c %a k.json)" 600 "keystore mode"
assert_eq "$("$SSP" key address --keystore k.json --password-file pw)" "$addr" "key address"
assert_eq "$("$CAST" wallet address --keystore k.json --password 'correct horse')" "$addr" \
	"cast reads our keystore (address from cast wallet address)"
ssp_ok "key new/address agree with cast"

expect_status 2 "existing keystore" "$SSP" key new --keystore k.json --password-file pw --scrypt-n 4096
assert_contains "$OUT" "refusing to overwrite" "overwrite message"
expect_status 2 "wrong password" "$SSP" key address --keystore k.json --password-file badpw
assert_contains "$OUT" "wrong password" "wrong password message"
chmod 644 pw
expect_status 2 "group-readable password file" "$SSP" key address --keystore k.json --password-file pw
assert_contains "$OUT" "chmod 600" "password permission message"
chmod 600 pw
printf '{"version":3' > broken.json
expect_status 2 "truncated keystore" "$SSP" key address --keystore broken.json --password-file pw
expect_status 2 "missing option" "$SSP" key address --keystore k.json
expect_status 0 "key --help" "$SSP" key --help
ssp_ok "key errors are clear"

# A key cast knows: the private key is taken from our keystore by cast itself.
pk=$("$CAST" wallet decrypt-keystore --keystore-dir . k.json --unsafe-password 'correct horse' | sed -n 's/.*: \(0x[0-9a-fA-F]\{64\}\).*/\1/p')
[ -n "$pk" ] || ssp_fail "cast could not decrypt our keystore"

# bind sign / verify, checked by cast wallet verify (EIP-191).
url='https://boinc.example.org/ssp/'
snippet=$("$SSP" bind sign --keystore k.json --password-file pw --project "$url" --user 42)
baddr=$(sed -n 's:.*<ssp_address>\(0x[0-9a-fA-F]*\)</ssp_address>.*:\1:p' <<<"$snippet")
bsig=$(sed -n 's:.*<ssp_binding>\(0x[0-9a-fA-F]*\)</ssp_binding>.*:\1:p' <<<"$snippet")
assert_eq "$baddr" "$addr" "binding address"
assert_eq "${#bsig}" 132 "binding signature length"
text=$(printf 'SmartShare payout binding\nproject: %s\nuser: 42\naddress: %s' "$url" "$addr")
"$CAST" wallet verify --address "$addr" "$text" "$bsig" >/dev/null ||
	ssp_fail "cast wallet verify rejects our binding"
assert_eq "$("$CAST" wallet sign --private-key "$pk" "$text")" "$bsig" "binding signature equals cast's"
expect_status 0 "bind verify valid" "$SSP" bind verify --project "$url" --user 42 --address "$addr" --signature "$bsig"
expect_status 1 "bind verify other user" "$SSP" bind verify --project "$url" --user 43 --address "$addr" --signature "$bsig"
expect_status 1 "bind verify other project" "$SSP" bind verify --project "${url%/}" --user 42 --address "$addr" --signature "$bsig"
expect_status 2 "bind verify garbage signature" "$SSP" bind verify --project "$url" --user 42 --address "$addr" --signature 0x1234
expect_status 2 "bind verify bad user" "$SSP" bind verify --project "$url" --user -1 --address "$addr" --signature "$bsig"
ssp_ok "bind sign/verify agree with cast"

# claim digest / sign against cast's own EIP-712 encoder.
contract=0x5FbDB2315678afecb367f032d93F642f64180aa3
cat > claim.json <<JSON
{"project":"$("$CAST" keccak "$url")","seq":7,"resultId":9001,"workunitId":501,"userId":42,
 "hostId":11,"beneficiary":"$addr","credit":1234567,
 "resultDigest":"0x0c70377d2ae3b60faf92e8aca2c2e5fe759878c05d621f087867d76b6f24d793","grantedAt":1700000060}
JSON
python3 - "$contract" <<'PY'
import json, sys
c = json.load(open("claim.json"))
types = {
  "EIP712Domain": [{"name": n, "type": t} for n, t in [("name","string"),("version","string"),("chainId","uint256"),("verifyingContract","address")]],
  "ShareClaim": [{"name": n, "type": t} for n, t in [("project","bytes32"),("seq","uint64"),("resultId","uint64"),("workunitId","uint64"),("userId","uint64"),("hostId","uint64"),("beneficiary","address"),("credit","uint64"),("resultDigest","bytes32"),("grantedAt","uint64")]],
}
msg = {k: (str(v) if isinstance(v, int) else v) for k, v in c.items()}
json.dump({"types": types, "primaryType": "ShareClaim",
           "domain": {"name": "SmartShare", "version": "1", "chainId": "31337", "verifyingContract": sys.argv[1]},
           "message": msg}, open("typed.json", "w"))
PY
digest=$("$SSP" claim digest --chain-id 31337 --contract "$contract" claim.json)
signed=$("$SSP" claim sign --keystore k.json --password-file pw --chain-id 31337 --contract "$contract" claim.json)
castsig=$("$CAST" wallet sign --private-key "$pk" --data --from-file typed.json)
assert_contains "$signed" "\"digest\":\"$digest\"" "claim sign digest"
assert_contains "$signed" "\"signature\":\"$castsig\"" "claim signature equals cast's EIP-712 signature"
assert_contains "$signed" "\"signer\":\"$addr\"" "claim signer"
assert_eq "$("$CAST" wallet sign --private-key "$pk" --no-hash "$digest")" "$castsig" \
	"cast signing our digest gives cast's typed-data signature"
assert_eq "$("$SSP" claim digest --chain-id 31337 --contract "$contract" - < claim.json)" "$digest" "claim from stdin"
other=$("$SSP" claim digest --chain-id 1 --contract "$contract" claim.json)
[ "$other" != "$digest" ] || ssp_fail "chain id does not change the digest"
ssp_ok "claim digest/sign agree with cast"

# Malformed claims name the field.
sed 's/"seq":7,//' claim.json > missing.json
expect_status 2 "missing field" "$SSP" claim digest --chain-id 31337 --contract "$contract" missing.json
assert_contains "$OUT" '"seq"' "missing field named"
sed 's/"seq":7,/"seq":7,"bonus":1,/' claim.json > extra.json
expect_status 2 "extra field" "$SSP" claim digest --chain-id 31337 --contract "$contract" extra.json
assert_contains "$OUT" '"bonus"' "extra field named"
sed 's/"credit":1234567/"credit":"lots"/' claim.json > badtype.json
expect_status 2 "bad type" "$SSP" claim digest --chain-id 31337 --contract "$contract" badtype.json
assert_contains "$OUT" '"credit"' "bad field named"
head -c 70000 /dev/urandom > big.json
expect_status 2 "oversized claim" "$SSP" claim digest --chain-id 31337 --contract "$contract" big.json
head -c 100 /dev/urandom > bin.json
expect_status 2 "binary claim" "$SSP" claim digest --chain-id 31337 --contract "$contract" bin.json
expect_status 2 "bad contract" "$SSP" claim digest --chain-id 31337 --contract 0x1234 claim.json
ssp_ok "malformed claims rejected, field named"
echo "PASS: 01-ssp-cli"
