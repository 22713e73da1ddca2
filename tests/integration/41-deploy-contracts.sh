#!/bin/bash
# `ssp deploy`: SSPToken and ShareMinter deployed with our own EIP-1559 transactions, the
# minter granted MINTER_ROLE, ssp.conf updated; checked with cast. Bad arguments refused.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init deploy

A3=$(ssp_anvil_addr 3)
A4=$(ssp_anvil_addr 4)
common=(--rpc "$SSP_ANVIL_URL" --keystore "$T/ks0.json" --password-file "$T/pw" --contracts "$CONTRACTS")

# Refusals before anything is sent.
nonce0=$("$SSP_CAST" nonce "$A0")
expect_status 2 "no signer" ssp_deploy_cmd "${common[@]}" --threshold 1 --rate 5
expect_status 2 "threshold above signers" ssp_deploy_cmd "${common[@]}" --signer "$A1" --threshold 2 --rate 5
expect_status 2 "zero rate" ssp_deploy_cmd "${common[@]}" --signer "$A1" --threshold 1 --rate 0
expect_status 2 "rate above 2^64-1" ssp_deploy_cmd "${common[@]}" --signer "$A1" --threshold 1 --rate 18446744073709551616
expect_status 2 "duplicate signer" ssp_deploy_cmd "${common[@]}" --signer "$A1" --signer "$A1" --threshold 1 --rate 5
expect_status 2 "bad signer" ssp_deploy_cmd "${common[@]}" --signer 0x1234 --threshold 1 --rate 5
expect_status 2 "missing bytecode" ssp_deploy_cmd "${common[@]}" --contracts "$T" --signer "$A1" --threshold 1 --rate 5
assert_contains "$OUT" "SSPToken.bin" "missing bytecode named"
chmod 644 "$T/pw"
expect_status 2 "world-readable password file" ssp_deploy_cmd "${common[@]}" --signer "$A1" --threshold 1 --rate 5
chmod 600 "$T/pw"
assert_eq "$("$SSP_CAST" nonce "$A0")" "$nonce0" "nothing sent by refused deployments"
ssp_ok "bad arguments refused before sending"

# A real deployment: 3 signers, threshold 2, a guardian, a ceiling.
expect_status 0 "deploy" ssp_deploy_cmd "${common[@]}" --signer "$A1" --signer "$A3" --signer "$A4" \
	--threshold 2 --rate "$RATE" --guardian "$A3" --max-batch-credit 5000000000 --conf "$T/ssp.conf"
TOKEN=$(printf '%s\n' "$OUT" | sed -n 's/^token //p')
MINTER=$(printf '%s\n' "$OUT" | sed -n 's/^minter //p')
assert_eq "$(printf '%s\n' "$OUT" | sed -n 's/^chain_id //p')" "$SSP_ANVIL_CHAIN_ID" "chain id printed"
assert_eq "$(printf '%s\n' "$OUT" | sed -n 's/^deployer //p')" "$("$SSP_CAST" to-check-sum-address "$A0")" "deployer printed"
assert_eq "$TOKEN" "$("$SSP_CAST" compute-address --nonce "$nonce0" "$A0" | sed 's/.*: //')" "token at the CREATE address"
assert_eq "$MINTER" "$("$SSP_CAST" compute-address --nonce $((nonce0 + 1)) "$A0" | sed 's/.*: //')" "minter at the next CREATE address"
assert_eq "$("$SSP_CAST" nonce "$A0")" "$((nonce0 + 3))" "three transactions"

tok() { "$SSP_CAST" call "$TOKEN" "$@"; }
mnt() { "$SSP_CAST" call "$MINTER" "$@"; }
assert_eq "$(tok 'name()(string)')" '"SmartShare"' "token name"
assert_eq "$(tok 'symbol()(string)')" '"SSP"' "token symbol"
assert_eq "$(tok 'hasRole(bytes32,address)(bool)' "$("$SSP_CAST" keccak MINTER_ROLE)" "$MINTER")" true "minter holds MINTER_ROLE"
assert_eq "$(tok 'hasRole(bytes32,address)(bool)' 0x0000000000000000000000000000000000000000000000000000000000000000 "$A0")" true "deployer is token admin"
assert_eq "$(mnt 'token()(address)')" "$TOKEN" "minter's token"
assert_eq "$(mnt 'threshold()(uint256)')" 2 "threshold"
assert_eq "$(mnt 'weiPerMicroCredit()(uint256)' | cut -d' ' -f1)" "$RATE" "rate"
assert_eq "$(mnt 'maxBatchCredit()(uint64)' | cut -d' ' -f1)" 5000000000 "batch ceiling"
for a in "$A1" "$A3" "$A4"; do
	assert_eq "$(mnt 'isSigner(address)(bool)' "$a")" true "signer $a"
done
assert_eq "$(mnt 'isSigner(address)(bool)' "$A0")" false "deployer is not a signer"
assert_eq "$(mnt 'hasRole(bytes32,address)(bool)' "$("$SSP_CAST" keccak GUARDIAN_ROLE)" "$A3")" true "guardian"
assert_eq "$(mnt 'hasRole(bytes32,address)(bool)' 0x0000000000000000000000000000000000000000000000000000000000000000 "$A0")" true "deployer is minter admin"
ssp_ok "contracts deployed and configured"

# The deployment transactions are type 2 and their hashes are keccak256 of the node's raw bytes.
for blk in $(seq 1 3); do
	h=$("$SSP_CAST" block "$blk" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['transactions'][0])")
	assert_eq "$("$SSP_CAST" tx "$h" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['type'])")" 0x2 "block $blk tx type"
	assert_eq "$("$SSP_CAST" keccak "$("$SSP_CAST" tx "$h" --raw)")" "$h" "block $blk tx hash"
done
ssp_ok "deployment transactions are EIP-1559"

# ssp.conf got the [chain] section; the other sections and comments are kept.
conf=$(cat "$T/ssp.conf")
assert_contains "$conf" "rpc_url = $SSP_ANVIL_URL" "conf rpc_url"
assert_contains "$conf" "chain_id = $SSP_ANVIL_CHAIN_ID" "conf chain_id"
assert_contains "$conf" "minter = $MINTER" "conf minter"
assert_contains "$conf" "token = $TOKEN" "conf token"
assert_contains "$conf" "; written by tests/integration/lib/bridge.sh" "comment kept"
assert_contains "$conf" "confirmations = 2" "bridge section kept"
ssp_ok "ssp.conf updated"
