#!/bin/bash
# The moving-chains runbook of docs/operations.md ("Moving to another chain") with two anvil
# nodes (chain ids 31337 and 4242): the old chain finished (every batch FINAL, minting paused,
# a final export that audits CLEAN); a batch signed for the old domain is refused by the new
# minter (the EIP-712 domain holds chain id and minter: NotSigner); `ssp deploy` on the new
# chain with a new ssp.conf and a new ledger; new claims start again at seq 1 and are minted
# once each there (bridge_verify); the old chain is untouched and its export still audits CLEAN.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init runbook-move-chain
bridge_deploy --guardian "$A0"
URL_A=$SSP_ANVIL_URL
MINTER_A=$MINTER
project=$("$SSP_CAST" keccak "$MASTER_URL")

bridge_seal 6 3 3 1
bridge_until_final 60
# 1. Finish the old chain.
"$SSP_CAST" send --private-key "0x$K0" "$MINTER_A" "pause()" >/dev/null || ssp_fail "pause"
audit_export "$T/export-a"
run_audit "$T/export-a"
assert_eq "$ST" 0 "final audit of the old chain ($OUT)"
ssp_ok "old chain finished: 2 batches FINAL, paused, final export audits CLEAN"

# The new chain: a second node.
"$SSP_ANVIL_BIN" --host 127.0.0.1 --port 0 --chain-id 4242 >"$T/anvil-b.log" 2>&1 </dev/null &
BPID=$!
on_exit "kill $BPID 2>/dev/null; wait $BPID 2>/dev/null || :"
for i in $(seq 1 300); do
	PORT_B=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/anvil-b.log" | head -n 1)
	[ -n "$PORT_B" ] && break
	sleep 0.1
done
[ -n "$PORT_B" ] || ssp_fail "the second anvil did not start: $(tail -5 "$T/anvil-b.log")"
URL_B=http://127.0.0.1:$PORT_B
export ETH_RPC_URL=$URL_B
assert_eq "$("$SSP_CAST" chain-id)" 4242 "second chain id"

# 2-3. Deploy there with a new ssp.conf and a new ledger.
sed -e "s|^ledger = .*|ledger = $T/ledger-b.sqlite|" "$T/ssp.conf" >"$T/ssp-b.conf"
out=$("$SSP" deploy --rpc "$URL_B" --keystore "$T/ks0.json" --password-file "$T/pw" --signer "$A1" \
	--threshold 1 --rate "$RATE" --guardian "$A0" --contracts "$CONTRACTS" --conf "$T/ssp-b.conf" \
	--record "$T/deployment-b" 2>&1) || ssp_fail "deploy on the new chain: $out"
MINTER=$(printf '%s\n' "$out" | sed -n 's/^minter //p')
TOKEN=$(printf '%s\n' "$out" | sed -n 's/^token //p')
assert_contains "$(cat "$T/ssp-b.conf")" "chain_id = 4242" "new ssp.conf on chain 4242"
assert_contains "$(cat "$T/ssp-b.conf")" "rpc_url = $URL_B" "new ssp.conf rpc_url"
# A batch signed for the old domain cannot be minted on the new chain.
ssp_expect_error "NotSigner(uint256,address)" "$MINTER" \
	"$("$TU" calldata --ledger "$T/ledger.sqlite" --batch 1)" >/dev/null ||
	ssp_fail "an old-domain batch was not refused by the new minter"
ssp_ok "new chain deployed; the old domain's signatures are refused there (NotSigner)"

# 4. New claims in the new ledger, minted on the new chain.
LEDGER=$T/ledger-b.sqlite
CONF=$T/ssp-b.conf
SSP_ANVIL_CHAIN_ID=4242
bridge_seal 6 3 3 7
assert_eq "$(sqlite3 "$LEDGER" 'SELECT min(seq) || "-" || max(seq) FROM claims')" "1-6" "new ledger seqs"
bridge_until_final 60
bridge_verify 6 3 7 2
# (audit_export reads $T/ssp.conf, the old chain's: the new ledger is exported with the new one.)
"$SSP" export --conf "$CONF" --out "$T/export-b" -q || ssp_fail "export of the new ledger"
st=0
"$SSP" audit --export "$T/export-b" --rpc "$URL_B" --contract "$MINTER" >"$T/audit-b.out" 2>&1 || st=$?
assert_eq "$st" 0 "audit of the new chain ($(cat "$T/audit-b.out"))"
ssp_ok "new chain: 2 batches minted once from seq 1, audit CLEAN"

# The old chain is untouched.
assert_eq "$("$SSP_CAST" call --rpc-url "$URL_A" "$MINTER_A" "nextSeq(bytes32)(uint64)" "$project")" 7 "old nextSeq"
assert_eq "$("$SSP_CAST" call --rpc-url "$URL_A" "$MINTER_A" "paused()(bool)")" true "old minter paused"
st=0
"$SSP" audit --export "$T/export-a" --rpc "$URL_A" --contract "$MINTER_A" >"$T/audit-a.out" 2>&1 || st=$?
assert_eq "$st" 0 "the old export still audits clean ($(cat "$T/audit-a.out"))"
ssp_ok "old chain untouched: paused at nextSeq 7, its export still audits CLEAN"
