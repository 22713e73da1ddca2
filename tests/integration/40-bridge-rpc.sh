#!/bin/bash
# The JSON-RPC client (lib/ssp_rpc) and our EIP-1559 transactions against a real anvil,
# every value cross-checked with foundry's cast.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-rpc

# Reads: chain id, block number/hash/base fee, nonces, an unknown method's error object.
"$SSP_CAST" rpc anvil_mine 0x3 0x0 >/dev/null
out=$("$TU" rpc "$SSP_ANVIL_URL" "$A0") || ssp_fail "rpc probe: $out"
val() { printf '%s\n' "$out" | sed -n "s/^$1 //p"; }
assert_eq "$(val chain_id)" "$("$SSP_CAST" chain-id)" "eth_chainId"
n=$(val block_number)
assert_eq "$n" "$("$SSP_CAST" block-number)" "eth_blockNumber"
assert_eq "$(val block_hash)" "$("$SSP_CAST" block "$n" --field hash)" "block hash"
assert_eq "$(val base_fee)" "$("$SSP_CAST" block "$n" --field baseFeePerGas)" "base fee"
assert_eq "$(val future_block)" null "a block beyond the head is null (not found)"
assert_eq "$(val nonce_latest)" "$("$SSP_CAST" nonce "$A0")" "latest nonce"
assert_eq "$(val unknown_method)" "remote error -32601" "error object of an unknown method"
[ -n "$(val next_base_fee)" ] || ssp_fail "no base fee from eth_feeHistory"
ssp_ok "reads agree with cast"

# A value transfer signed by us: accepted, mined, and the node's copy is our bytes.
before=$("$SSP_CAST" balance "$A1")
out=$("$TU" send "$SSP_ANVIL_URL" "$K0" "$A1" 123456789) || ssp_fail "send: $out"
hash=$(val hash)
assert_eq "$(val node_hash_matches)" 1 "node returns our tx hash"
assert_eq "$(val status)" 1 "receipt status"
assert_eq "$(val gas_used)" 21000 "gas used"
assert_eq "$(val known)" success "eth_getTransactionByHash knows it"
assert_eq "$(val resend_mined)" "remote error 1" "a mined tx sent again: nonce too low"
after=$("$SSP_CAST" balance "$A1")
assert_eq "$(python3 -c "print($after - $before)")" 123456789 "value arrived"
txfield() { "$SSP_CAST" tx "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }
assert_eq "$(txfield "$hash" type)" 0x2 "type-2 transaction"
assert_eq "$(txfield "$hash" from)" "$(echo "$A0" | tr A-F a-f)" "sender"
raw=$("$SSP_CAST" tx "$hash" --raw)
assert_eq "$("$SSP_CAST" keccak "$raw")" "$hash" "hash = keccak256(raw) of the node's copy"
ssp_ok "our signed transfer is mined and matches cast's view"

# eth_call: a plain call and a call that reverts (data decoded).
out=$("$TU" call "$SSP_ANVIL_URL" "$A1" 0x) || ssp_fail "call to an EOA: $out"
assert_eq "$out" "return 0x" "eth_call to an account without code"
ssp_ok "eth_call"
