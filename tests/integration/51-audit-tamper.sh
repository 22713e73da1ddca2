#!/bin/bash
# Each kind of tampering is caught and named by `ssp audit` (exit 1): an edited claim, a dropped
# claim, a forged claim signature, a forged batch signature, payouts that do not match the
# claims, a mint with no batch (a rogue mintBatch signed with the validator's key and sent with
# cast), credit above BOINC's total in a user.gz. The tamperer republishes the manifest each
# time (so the file digests do not give it away), except where said.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init audit-tamper
audit_pipeline 30 3 6
audit_export "$T/export"
run_audit "$T/export"
assert_eq "$ST" 0 "the untouched export audits clean (output: $OUT)"

fresh() { rm -rf "$T/$1" && cp -r "$T/export" "$T/$1"; }

# An edited claim: seq 8's credit raised after signing.
fresh edited
claims_edit "$T/edited" 'if n == 8: o["claim"]["credit"] += 5000000'
republish "$T/edited"
run_audit "$T/edited"
assert_eq "$ST" 1 "edited claim: exit status"
assert_contains "$OUT" "claim_signer_not_accepted: claim seq 8 (result" "edited claim named"
assert_contains "$OUT" "claims_root_mismatch: batch 2" "its batch's root"
assert_contains "$OUT" "total_credit_mismatch: batch 2" "its batch's total"
case "$OUT" in *export_file*) ssp_fail "republished manifest still flagged: $OUT" ;; esac
# The same without republishing: the digest says so as well.
fresh edited2
claims_edit "$T/edited2" 'if n == 8: o["claim"]["credit"] += 1'
run_audit "$T/edited2"
assert_eq "$ST" 1 "edited claim, old manifest"
assert_contains "$OUT" "export_file: claims.ndjson.gz: SHA-256" "digest mismatch named"
ssp_ok "edited claim caught: signer, root, total (and the digest)"

# A dropped claim: seq 14 removed.
fresh dropped
claims_edit "$T/dropped" 'o = None if n == 14 else o'
republish "$T/dropped"
run_audit "$T/dropped"
assert_eq "$ST" 1 "dropped claim: exit status"
assert_contains "$OUT" "seq_gap: claim seq 14 is missing" "gap named"
assert_contains "$OUT" "batch_incomplete: batch 3 (seqs 13..18): 1 of its 6 claims" "batch named"
ssp_ok "dropped claim caught"

# A forged signature: seq 5 re-signed by a key that is not a signer (the claim unchanged).
fresh forged
"$SSP" key new --keystore "$T/mallory.json" --password-file "$T/pw" --scrypt-n 4096 >/dev/null
python3 -c 'import gzip,json,sys; print(json.dumps(json.loads(gzip.open(sys.argv[1],"rt").readlines()[4])["claim"]))' \
	"$T/forged/claims.ndjson.gz" >"$T/claim5.json"
sig=$("$SSP" claim sign --keystore "$T/mallory.json" --password-file "$T/pw" --chain-id "$SSP_ANVIL_CHAIN_ID" \
	--contract "$MINTER" "$T/claim5.json" | sed -n 's/.*"signature":"\(0x[0-9a-f]*\)".*/\1/p')
[ ${#sig} = 132 ] || ssp_fail "no forged signature"
claims_edit "$T/forged" "if n == 5: o['signature'] = '$sig'"
republish "$T/forged"
run_audit "$T/forged"
assert_eq "$ST" 1 "forged claim signature: exit status"
assert_contains "$OUT" "claim_signer_not_accepted: claim seq 5 (result" "forged signature named"
case "$OUT" in *claims_root_mismatch*) ssp_fail "the claim is unchanged, the root must hold: $OUT" ;; esac
# A batch signature made over other data, still said to be the validator's.
fresh forged-batch
batches_edit "$T/forged-batch" 'if n == 2: o["signatures"][0]["signature"] = o["signatures"][0]["signature"][:10] + ("0" if o["signatures"][0]["signature"][10] != "0" else "1") + o["signatures"][0]["signature"][11:]'
republish "$T/forged-batch"
run_audit "$T/forged-batch"
assert_eq "$ST" 1 "forged batch signature: exit status"
assert_contains "$OUT" "batch_signature_invalid: batch 2" "forged batch signature named"
assert_contains "$OUT" "batch_below_threshold: batch 2" "threshold no longer met"
ssp_ok "forged claim and batch signatures caught"

# Payouts that do not match the claims: batch 4 exported paying its first beneficiary more.
fresh payouts
batches_edit "$T/payouts" 'if n == 4: o["payouts"][0]["credit"] += 1000000'
republish "$T/payouts"
run_audit "$T/payouts" --json
assert_eq "$ST" 1 "payouts: exit status"
printf '%s\n' "$OUT" >"$T/payouts.json"
python3 - "$T/payouts.json" <<'EOF' || ssp_fail "payouts report: $OUT"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["clean"] is False and r["counts"] == {"payouts_mismatch": 1}, r["counts"]
d = r["discrepancies"][0]
assert d["kind"] == "payouts_mismatch" and d["batch"] == 4, d
EOF
ssp_ok "payouts not matching the claims caught (JSON)"

# A mint with no batch: seqs 31..33 minted to mallory with a batch signed by the validator's
# key and sent by someone with cast. The export knows nothing of them.
mallory=$("$SSP" key address --keystore "$T/mallory.json" --password-file "$T/pw")
root=0x$(printf '11%.0s' $(seq 1 32))
ph=$(ssp_payouts_hash "[($mallory,5000000)]") || ssp_fail "payouts hash"
ssp_batch_json "$SSP_ANVIL_CHAIN_ID" "$MINTER" "$PROJECT" 31 33 "$root" "$ph" 5000000 >"$T/rogue.json"
sigs=$(ssp_batch_sigs "$T/rogue.json" "0x$K1") || ssp_fail "rogue signature"
ssp_send "0x$K0" "$MINTER" "$SSP_MINT_BATCH_SIG" "($PROJECT,31,33,$root,$ph,5000000)" \
	"[($mallory,5000000)]" "$sigs" >/dev/null || ssp_fail "rogue mint"
run_audit "$T/export"
assert_eq "$ST" 1 "mint without batch: exit status"
assert_contains "$OUT" "mint_without_batch: BatchMinted in block" "rogue mint named"
assert_contains "$OUT" "minted seqs 31..33, totalCredit 5000000" "its seqs and credit"
case "$OUT" in *total_minted_mismatch*) ssp_fail "totalMinted includes the rogue mint: $OUT" ;; esac
# Audited up to the block before it, the same export is clean again.
rogue_block=$("$SSP_CAST" block-number)
run_audit "$T/export" --to-block $((rogue_block - 1))
assert_eq "$ST" 0 "audit up to the block before the rogue mint (output: $OUT)"
ssp_ok "mint with no batch caught"

# Credit above BOINC's total: user 2's published total_credit short by 3 cobblestones.
stats_xml "$T/user.xml" 30 3 2 -3000000
gzip -c "$T/user.xml" >"$T/user.gz"
run_audit "$T/export" --to-block $((rogue_block - 1)) --boinc-stats "$T/user.gz" --project "$MASTER_URL"
assert_eq "$ST" 1 "credit above BOINC's total: exit status"
assert_contains "$OUT" "credit_above_boinc_total: user 2:" "user named"
case "$OUT" in *"user 1:"* | *"user 3:"*) ssp_fail "only user 2 is over: $OUT" ;; esac
stats_xml "$T/user.xml" 30 3
gzip -c "$T/user.xml" >"$T/user.gz"
run_audit "$T/export" --to-block $((rogue_block - 1)) --boinc-stats "$T/user.gz"
assert_eq "$ST" 0 "exact stats: clean"
ssp_ok "credit above BOINC's total caught"

# Errors are exit 2: no manifest, a wrong contract, an unreachable node.
expect_status 2 "no export" "$SSP" audit --export "$T/none" --rpc "$SSP_ANVIL_URL" --contract "$MINTER"
expect_status 2 "not the minter" "$SSP" audit --export "$T/export" --rpc "$SSP_ANVIL_URL" --contract "$TOKEN"
expect_status 2 "no node" "$SSP" audit --export "$T/export" --rpc "http://127.0.0.1:$(free_port)" --contract "$MINTER"
expect_status 2 "no --contract" "$SSP" audit --export "$T/export" --rpc "$SSP_ANVIL_URL"
ssp_ok "errors exit 2"
