#!/bin/bash
# anvil_reorg after batches are mined: the bridge sees the mints gone (or moved to another
# block), sends the same transactions again, and every batch ends minted exactly once.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
CONFIRMATIONS=6
bridge_init bridge-reorg
bridge_deploy
bridge_seal 9 3 3 1
project=$("$SSP_CAST" keccak "$MASTER_URL")

# Mint the three batches (automine) without mining extra blocks: they stay MINTED.
for i in $(seq 1 20); do
	"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1
	[ "$(bstat MINTED)" = 3 ] && break
done
assert_eq "$(bstat MINTED)" 3 "three batches mined, not yet final"
head=$("$SSP_CAST" block-number)
first=$("$SSP_CAST" logs --from-block 0 --address "$MINTER" \
	"BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" --json |
	python3 -c "import json,sys; print(min(int(l['blockNumber'],16) for l in json.load(sys.stdin)))")
depth=$((head - first + 1))
"$SSP_CAST" rpc anvil_reorg "$depth" '[]' >/dev/null || ssp_fail "anvil_reorg"
assert_eq "$("$SSP_CAST" call "$MINTER" "nextSeq(bytes32)(uint64)" "$project")" 1 "the reorg undid the mints"
bridge_until_final 60
assert_contains "$(cat "$T/bridge.log")" "was removed by a reorg" "reorg detected"
bridge_verify 9 3 1 3
ssp_ok "mints removed by a $depth-block reorg were sent again and minted once"

# A reorg that keeps the mint but moves it to another block: the new block is followed.
bridge_seal 3 3 3 10
for i in $(seq 1 10); do
	"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1
	[ "$(bstat MINTED)" = 1 ] && break
done
assert_eq "$(bstat MINTED)" 1 "fourth batch mined"
hash=$("$SSP_CAST" logs --from-block 0 --address "$MINTER" \
	"BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" --json |
	python3 -c "import json,sys; l=json.load(sys.stdin); print(max(l, key=lambda x: int(x['blockNumber'],16))['transactionHash'])")
old_block=$(timeout 10 "$SSP_CAST" receipt --async "$hash" blockHash)
raw=$("$SSP_CAST" tx "$hash" --raw)
"$SSP_CAST" rpc anvil_reorg 2 "[[\"$raw\", 1]]" >/dev/null || ssp_fail "anvil_reorg with the tx"
new_block=$(timeout 10 "$SSP_CAST" receipt --async "$hash" blockHash)
[ -n "$new_block" ] && [ "$new_block" != "$old_block" ] || ssp_fail "the reorg did not move the tx ($old_block)"
new_number=$(timeout 10 "$SSP_CAST" receipt --async "$hash" blockNumber)
bridge_until_final 60
assert_contains "$(cat "$T/bridge.log")" "reorg moved its mint to block $new_number" "move detected"
bridge_verify 12 3 1 4
ssp_ok "a mint moved by a reorg is followed to its new block"
