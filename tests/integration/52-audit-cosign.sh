#!/bin/bash
# ssp cosign as an independent check. Refused, each with a named reason: an export signed with
# a key outside the minter's signer set (a stolen-key scenario: the real chain id and minter in
# the manifest), a batch claiming more credit than BOINC's statistics grant a user, and any
# co-signing without the chain or the stats unless the skipped check is named. Then the
# typed-data round trip: `ssp cosign --typed-data` writes the batch as eth_signTypedData_v4
# JSON, `cast wallet sign --data --from-file` (Foundry, an independent EIP-712
# implementation) signs it with the auditor's key, `ssp cosign --add` verifies and records the
# signature, the auditor becomes a signer with threshold 2, and ssp_bridge mints the batch on
# anvil with both signatures: the audit of the new export is clean.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init audit-cosign
audit_pipeline 10 2 5    # batches 1, 2 minted
bridge_seal 5 2 5 11     # batch 3 sealed, waiting
audit_export "$T/export"
stats_xml "$T/user.xml" 15 2
gzip -c "$T/user.xml" >"$T/user.gz"
stats_xml "$T/over.xml" 15 2 1 -3000000 # BOINC granted user 1 three cobblestones less
gzip -c "$T/over.xml" >"$T/over.gz"
K3=$(ssp_anvil_key 3)
KA=$(ssp_anvil_key 4)
AA=$(ssp_anvil_addr 4)
"$TU" keystore "$T/auditor.json" "$T/pw" "${KA#0x}" || ssp_fail "auditor keystore"
CHAIN=(--rpc "$SSP_ANVIL_URL" --contract "$MINTER")
KEY=(--keystore "$T/auditor.json" --password-file "$T/pw")

# A rogue export: the project's chain id and minter, claims and batch signed by anvil key 3,
# which is no signer of the minter.
LEDGER=$T/rogue.sqlite bridge_seal 5 2 5 100 "${K3#0x}"
sed "s#$T/ledger.sqlite#$T/rogue.sqlite#" "$T/ssp.conf" >"$T/rogue.conf"
"$SSP" export --conf "$T/rogue.conf" --out "$T/rogue" -q >/dev/null 2>&1 || ssp_fail "rogue export"
expect_status 1 "cosign of a batch signed outside the signer set" "$SSP" cosign \
	--export "$T/rogue" --batch 1 "${CHAIN[@]}" --boinc-stats "$T/user.gz" "${KEY[@]}"
assert_contains "$OUT" "refused: batch_signer_not_accepted" "batch signer named"
assert_contains "$OUT" "refused: claim_signer_not_accepted" "claim signer named"
assert_contains "$OUT" "not signed" "nothing signed"
case "$OUT" in *'"signature"'*) ssp_fail "a co-signature was printed: $OUT" ;; esac
# Offline (the old behaviour) the same export looked fine: only an explicit skip allows it.
expect_status 2 "cosign without the chain" "$SSP" cosign --export "$T/rogue" --batch 1 \
	--boinc-stats "$T/user.gz" "${KEY[@]}"
assert_contains "$OUT" "refusing to sign without checking the chain" "chain check required"
ssp_ok "an export signed outside the signer set is refused (batch_signer_not_accepted)"

# Credit above BOINC's total for user 1 (batch 3 takes user 1 past it).
expect_status 1 "cosign with credit above BOINC's" "$SSP" cosign --export "$T/export" --batch 3 \
	"${CHAIN[@]}" --boinc-stats "$T/over.gz" "${KEY[@]}"
assert_contains "$OUT" "refused: credit_above_boinc_total" "stats reason named"
assert_contains "$OUT" "user 1:" "the user named"
expect_status 2 "cosign without stats" "$SSP" cosign --export "$T/export" --batch 3 \
	"${CHAIN[@]}" "${KEY[@]}"
assert_contains "$OUT" "refusing to sign without checking credit against BOINC's statistics" \
	"stats check required"
ssp_ok "a batch claiming more than BOINC granted is refused (credit_above_boinc_total)"

# Both skips named: it signs, and says what it did not check.
expect_status 0 "cosign with both checks skipped" "$SSP" cosign --export "$T/export" --batch 3 \
	--skip-chain-check --skip-stats-check "${KEY[@]}" --out "$T/skipped.json"
assert_contains "$OUT" "SKIPPED   chain check" "skipped chain check printed"
assert_contains "$OUT" "SKIPPED   BOINC stats check" "skipped stats check printed"

# The typed-data round trip.
expect_status 0 "cosign --typed-data" "$SSP" cosign --export "$T/export" --batch 3 "${CHAIN[@]}" \
	--boinc-stats "$T/user.gz" --typed-data "$T/batch3.json"
for want in "about to sign batch 3 of $MASTER_URL" "seqs      11..15 (5 claims)" \
	"chain     $SSP_ANVIL_CHAIN_ID (read from the node)" "(given by you)" \
	"weiPerMicroCredit()" "checked   chain" "checked   BOINC stats: 2 users"; do
	assert_contains "$OUT" "$want" "intent printed"
done
credit=$(python3 -c 'print(sum(1000000 + (r % 97) * 12345 for r in range(11, 16)))')
assert_contains "$OUT" "credit    $((credit / 1000000)).$(printf %06d $((credit % 1000000))) cobblestones" \
	"credit printed"
# cast computes the EIP-712 digest itself from the JSON and signs it.
"$SSP_CAST" wallet sign --private-key "$KA" --data --from-file "$T/batch3.json" >"$T/sig3.txt" ||
	ssp_fail "cast wallet sign --data"
# A signature by another key, or over other data, is refused before anything is stored.
"$SSP_CAST" wallet sign --private-key "$K3" --data --from-file "$T/batch3.json" >"$T/sig3bad.txt"
expect_status 1 "--add with the wrong signer" "$SSP" cosign --add "$T/sig3bad.txt" \
	--typed-data "$T/batch3.json" --signer "$AA" --conf "$T/ssp.conf"
sed 's/"totalCredit": "[0-9]*"/"totalCredit": "1"/' "$T/batch3.json" >"$T/batch3x.json"
expect_status 1 "--add over altered typed data" "$SSP" cosign --add "$T/sig3.txt" \
	--typed-data "$T/batch3x.json" --conf "$T/ssp.conf"
assert_contains "$OUT" "no batch of the ledger" "altered header refused"
expect_status 0 "--add the wallet's signature" "$SSP" cosign --add "$T/sig3.txt" \
	--typed-data "$T/batch3.json" --signer "$AA" --conf "$T/ssp.conf"
assert_contains "$OUT" "recorded" "signature recorded"
ssp_send "0x$K0" "$MINTER" "addSigner(address)" "$AA" >/dev/null || ssp_fail "addSigner"
ssp_send "0x$K0" "$MINTER" "setThreshold(uint8)" 2 >/dev/null || ssp_fail "setThreshold"
bridge_until_final 180
audit_export "$T/export2"
run_audit "$T/export2" --boinc-stats "$T/user.gz"
assert_eq "$ST" 0 "audit after the typed-data co-signed mint (output: $OUT)"
assert_contains "$OUT" "batches   3: 3 minted, 0 pending" "all minted"
python3 - "$T/export2" "$AA" <<'PY' || ssp_fail "auditor's signature in the minted batch"
import gzip, json, sys
d, auditor = sys.argv[1], sys.argv[2].lower()
for line in gzip.open(d + "/batches.ndjson.gz", "rt"):
    b = json.loads(line)
    signers = [s["signer"].lower() for s in b["signatures"]]
    assert (auditor in signers) == (b["id"] == 3), (b["id"], signers)
    assert b["state"] == "FINAL", b
PY
ssp_ok "typed data signed by cast wallet sign --data, added, minted with the auditor as a signer"
