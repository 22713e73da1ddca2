#!/bin/bash
# A clean pipeline audits clean. Claims sealed in the ledger and minted by ssp_bridge on anvil,
# exported with `ssp export`; `ssp audit` against the node says CLEAN (exit 0, text and JSON),
# its figures agree with what cast reads from the chain; the manifest's digests are sha256sum's;
# a volunteer's Merkle proof verifies with ssp and, step by step, with `cast keccak`; BOINC
# stats that match keep it clean; an auditor co-signs the pending batches, the project records
# the co-signatures, the threshold is raised to 2 and the bridge mints them: still clean.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init audit-clean
audit_pipeline 40 4 7
bridge_seal 12 4 5 41 # 3 more batches, sealed, not minted yet
audit_export "$T/export"

# The export: files as the manifest says (sha256sum), the rate read from the minter.
python3 - "$T/export" "$RATE" <<'EOF' || ssp_fail "manifest"
import json, subprocess, sys
d, rate = sys.argv[1], sys.argv[2]
m = json.load(open(d + "/manifest.json"))
for name, f in m["files"].items():
    out = subprocess.run(["sha256sum", d + "/" + name], capture_output=True, text=True).stdout
    assert out.split()[0] == f["sha256"], name
assert m["chain"]["weiPerMicroCredit"] == rate, m["chain"]
assert m["claims"] == {"count": 52, "firstSeq": 1, "lastSeq": 52}, m["claims"]
assert m["batches"]["count"] == 9, m["batches"]
EOF
ssp_ok "export: 52 claims, 9 batches, digests = sha256sum"

run_audit "$T/export"
assert_eq "$ST" 0 "audit exit status (output: $OUT)"
assert_contains "$OUT" "CLEAN" "clean report"
assert_contains "$OUT" "batches   9: 6 minted, 3 pending, 0 failed" "batch counts"
run_audit "$T/export" --json --block-chunk 3 --threads 1
assert_eq "$ST" 0 "JSON audit exit status"
"$SSP_CAST" logs --from-block 0 --address "$MINTER" \
	"BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" --json >"$T/events.json" ||
	ssp_fail "cast logs"
minted=$("$SSP_CAST" call "$MINTER" "totalMinted()(uint256)" | cut -d' ' -f1)
printf '%s\n' "$OUT" >"$T/report.json"
python3 - "$T/events.json" "$minted" "$T/report.json" <<'EOF' || ssp_fail "JSON report vs chain"
import json, sys
r = json.load(open(sys.argv[3]))
events = json.load(open(sys.argv[1]))
s = r["summary"]
assert r["clean"] is True and r["discrepancies"] == [] and r["counts"] == {}, r
assert s["mintEvents"] == len(events) == 6, (s, len(events))
assert s["batchesMinted"] == 6 and s["batchesPending"] == 3, s
assert s["claims"] == 52 and s["claimsBatched"] == 52, s
assert s["amountMintedWei"] == sys.argv[2], (s["amountMintedWei"], sys.argv[2])
want = sum(1000000 + (x % 97) * 12345 for x in range(1, 41))
assert s["creditMinted"] == want, (s["creditMinted"], want)
EOF
# Starting after the deployment: the signer set, threshold and rate come from eth_call.
deployed=$("$SSP_CAST" receipt "$("$SSP_CAST" logs --from-block 0 --address "$MINTER" \
	"SignerAdded(address indexed)" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["transactionHash"])')" blockNumber)
run_audit "$T/export" --from-block $((deployed + 1))
assert_eq "$ST" 0 "audit from block $((deployed + 1)) (output: $OUT)"
assert_contains "$OUT" "6 BatchMinted events" "events after the deployment"
ssp_ok "audit clean (text and JSON, from block 0 and after the deployment); 6 events, totalMinted as cast reads them"

# A volunteer's proof for result 17 (seq 17 in batch 3: seqs 15..21), checked by ssp and by
# hand with cast: leaf = keccak256(abi.encode(typehash, fields…)), sorted-pair parents.
expect_status 0 "claim proof" "$SSP" claim proof --export "$T/export" --result 17
printf '%s\n' "$OUT" >"$T/proof.json"
expect_status 0 "verify-proof" "$SSP" claim verify-proof "$T/proof.json"
assert_contains "$OUT" "valid: result 17" "verify-proof output"
assert_contains "$(echo "$OUT" | tr 'A-F' 'a-f')" "claim signed by $(echo "$A1" | tr 'A-F' 'a-f')" \
	"the validator named as the claim's signer"
eval "$(python3 - "$T/proof.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
c = p["claim"]
print("P_ARGS='%s %d %d %d %d %d %s %d %s %d'" % (c["project"], c["seq"], c["resultId"],
      c["workunitId"], c["userId"], c["hostId"], c["beneficiary"], c["credit"],
      c["resultDigest"], c["grantedAt"]))
print("P_LEAF=%s" % p["leaf"])
print("P_ROOT=%s" % p["batch"]["claimsRoot"])
print("P_PROOF='%s'" % " ".join(p["proof"]))
print("P_TX=%s" % (p["tx"]["hash"] if p["tx"] else ""))
EOF
)"
th=$("$SSP_CAST" keccak "ShareClaim(bytes32 project,uint64 seq,uint64 resultId,uint64 workunitId,uint64 userId,uint64 hostId,address beneficiary,uint64 credit,bytes32 resultDigest,uint64 grantedAt)")
# shellcheck disable=SC2086
enc=$("$SSP_CAST" abi-encode "f(bytes32,bytes32,uint64,uint64,uint64,uint64,uint64,address,uint64,bytes32,uint64)" "$th" $P_ARGS)
leaf=$("$SSP_CAST" keccak "$enc")
assert_eq "$leaf" "$P_LEAF" "leaf = cast's EIP-712 struct hash"
node=$leaf
for sib in $P_PROOF; do
	if [[ "$node" < "$sib" ]]; then node=$("$SSP_CAST" keccak "$node${sib#0x}"); else node=$("$SSP_CAST" keccak "$sib${node#0x}"); fi
done
assert_eq "$node" "$P_ROOT" "proof climbs to the claims root with cast keccak"
python3 - "$T/events.json" "$P_ROOT" "$P_TX" <<'EOF' || ssp_fail "the proof's root is not minted"
import json, sys
events, root, tx = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
hit = [e for e in events if e["data"][2 + 128:2 + 192] == root[2:]]
assert len(hit) == 1 and hit[0]["transactionHash"] == tx, (hit, tx)
EOF
expect_status 0 "verify-proof on chain" "$SSP" claim verify-proof "$T/proof.json" --rpc "$SSP_ANVIL_URL"
assert_contains "$OUT" "on chain: BatchMinted in block" "verify-proof found the mint"
# A claim of a batch not minted yet (result 45, batch 7): valid proof, not on chain.
expect_status 0 "claim proof (pending batch)" "$SSP" claim proof --export "$T/export" --result 45
printf '%s\n' "$OUT" >"$T/proof45.json"
expect_status 1 "verify-proof on chain (pending)" "$SSP" claim verify-proof "$T/proof45.json" --rpc "$SSP_ANVIL_URL"
assert_contains "$OUT" "NOT MINTED" "pending batch not on chain"
# A tampered proof is invalid before any chain lookup.
sed 's/"credit": \([0-9]*\)/"credit": 1\1/' "$T/proof.json" >"$T/proof-bad.json"
expect_status 1 "tampered proof" "$SSP" claim verify-proof "$T/proof-bad.json" --rpc "$SSP_ANVIL_URL"
assert_contains "$OUT" "INVALID" "tampered proof named invalid"
ssp_ok "volunteer proof: ssp verify-proof (also on chain), cast keccak, BatchMinted with that root in that tx"

# BOINC stats that match: still clean; one for another project: refused.
stats_xml "$T/user.xml" 52 4
gzip -c "$T/user.xml" >"$T/user.gz"
run_audit "$T/export" --boinc-stats "$T/user.gz" --project "$MASTER_URL"
assert_eq "$ST" 0 "audit with stats (output: $OUT)"
assert_contains "$OUT" "stats     4 users" "stats checked"
run_audit "$T/export" --boinc-stats "$T/user.gz" --project "https://other.example.org/"
assert_eq "$ST" 2 "stats of another project"
ssp_ok "BOINC stats consistent with the claims"

# m-of-n: an auditor re-checks and co-signs the 3 pending batches; the project records them;
# the threshold becomes 2; the bridge mints them with both signatures.
auditor=$("$SSP" key new --keystore "$T/auditor.json" --password-file "$T/pw" --scrypt-n 4096)
for b in 7 8 9; do
	expect_status 0 "cosign batch $b" "$SSP" cosign --export "$T/export" --batch "$b" \
		--keystore "$T/auditor.json" --password-file "$T/pw" --rpc "$SSP_ANVIL_URL" \
		--contract "$MINTER" --boinc-stats "$T/user.gz" --out "$T/cosig$b.json"
	expect_status 0 "cosign --add $b" "$SSP" cosign --add "$T/cosig$b.json" --conf "$T/ssp.conf"
	assert_contains "$OUT" "recorded" "co-signature $b recorded"
done
expect_status 2 "cosign a minted batch" "$SSP" cosign --export "$T/export" --batch 1 \
	--keystore "$T/auditor.json" --password-file "$T/pw" --skip-chain-check --skip-stats-check
ssp_send "0x$K0" "$MINTER" "addSigner(address)" "$auditor" >/dev/null || ssp_fail "addSigner"
ssp_send "0x$K0" "$MINTER" "setThreshold(uint8)" 2 >/dev/null || ssp_fail "setThreshold"
bridge_until_final 180
audit_export "$T/export2"
run_audit "$T/export2" --boinc-stats "$T/user.gz"
assert_eq "$ST" 0 "audit after the co-signed mints (output: $OUT)"
assert_contains "$OUT" "batches   9: 9 minted, 0 pending" "all minted"
python3 - "$T/export2" "$auditor" <<'EOF' || ssp_fail "co-signatures in the export"
import gzip, json, sys
d, auditor = sys.argv[1], sys.argv[2].lower()
for line in gzip.open(d + "/batches.ndjson.gz", "rt"):
    b = json.loads(line)
    signers = [s["signer"].lower() for s in b["signatures"]]
    assert (auditor in signers) == (b["id"] >= 7), (b["id"], signers)
    assert signers == sorted(signers), signers
EOF
ssp_ok "auditor co-signed batches 7-9, threshold 2, minted, audit clean"
