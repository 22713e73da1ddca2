#!/bin/bash
# Batches minted by someone else (anyone may submit a signed batch; or a previous run that
# died before recording its tx): the bridge reads nextSeq before sending and records the mint
# from its BatchMinted event instead of sending again; and when another submitter front-runs
# its transaction (which then reverts), it records that mint rather than failing the batch.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-foreign
bridge_deploy
bridge_seal 6 2 3 1

# Batch 1 submitted by account 0 with cast, before the bridge runs.
data=$("$TU" calldata --ledger "$T/ledger.sqlite" --batch 1)
h=$("$SSP_CAST" send --private-key "0x$K0" "$MINTER" "$data" --json |
	python3 -c "import json,sys; print(json.load(sys.stdin)['transactionHash'])") || ssp_fail "cast send"
bridge_until_final 60
reasons=$("$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep '^reason ' || true)
assert_contains "$reasons" "reason 1 FINAL minted by transaction $h" "batch 1 recorded from the event"
bridge_verify 6 2 1 2 1
ssp_ok "a batch already minted is recorded, not sent again (bridge nonce 1 for 2 batches)"

# Batch 3: the bridge's tx waits in the pool; account 0 front-runs it with a higher tip.
bridge_seal 3 2 3 7
"$SSP_CAST" rpc anvil_setAutomine false >/dev/null
"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1
assert_eq "$("$SSP_CAST" nonce --block pending "$A2")" 2 "the bridge's tx is pending"
data=$("$TU" calldata --ledger "$T/ledger.sqlite" --batch 3)
"$SSP_CAST" send --async --private-key "0x$K0" --priority-gas-price 5gwei --gas-price 50gwei \
	--gas-limit 500000 "$MINTER" "$data" >"$T/front.hash" || ssp_fail "front-run"
"$SSP_CAST" rpc evm_mine >/dev/null
"$SSP_CAST" rpc anvil_setAutomine true >/dev/null
bridge_until_final 60
assert_contains "$(cat "$T/bridge.log")" "reverted in block" "our tx reverted"
reasons=$("$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep '^reason ' || true)
assert_contains "$reasons" "reason 3 FINAL minted by transaction $(cat "$T/front.hash")" "batch 3 recorded from the front-runner's event"
bridge_verify 9 2 1 3 2
ssp_ok "a front-run batch is recorded as minted once, not FAILED and not resent"
