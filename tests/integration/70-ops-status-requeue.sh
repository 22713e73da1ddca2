#!/bin/bash
# `ssp status` (human and --json) agrees with the chain as cast reads it and with the ledger;
# `ssp requeue` puts FAILED batches back after their cause is fixed (a signer added), and they
# are minted once each; it refuses batches that are not FAILED or whose claims the minter
# already counts as minted, and changes nothing then.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init ops-status-requeue
bridge_deploy
K3=$(ssp_anvil_key 3 | sed 's/^0x//')
A3=$(ssp_anvil_addr 3)
project=$("$SSP_CAST" keccak "$MASTER_URL")

# Batch 1 signed by a key not in the signer set (A3), batch 2 valid after it: both FAILED.
bridge_seal 4 2 4 1 "$K3"
bridge_seal 4 2 4 5
for i in 1 2; do "$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1; done
assert_eq "$(bstat FAILED)" 2 "two batches FAILED"

# Status: exit 1 (problems), and its numbers are the chain's and the ledger's.
expect_status 1 "status with FAILED batches" "$SSP" status --conf "$T/ssp.conf"
assert_contains "$OUT" "FAILED 2" "human: FAILED count"
assert_contains "$OUT" "NotSigner(0, $A3)" "human: the failure's reason"
assert_contains "$OUT" "ssp requeue" "human: the problem says what to run"
st=0
"$SSP" status --conf "$T/ssp.conf" --json >"$T/status.json" || st=$?
assert_eq "$st" 1 "status --json exit status"
python3 - "$T/status.json" "$("$SSP_CAST" balance "$A2")" "$("$SSP_CAST" block-number)" \
	"$("$SSP_CAST" call "$MINTER" "nextSeq(bytes32)(uint64)" "$project")" "$("$SSP_CAST" nonce "$A2")" \
	"$A2" "$project" <<'PY' || ssp_fail "status --json disagrees with cast / the ledger"
import json, sys
d = json.load(open(sys.argv[1]))
bal, head, nxt, nonce, addr, project = sys.argv[2:]
def eq(got, want, what):
    if got != want:
        sys.exit("%s: status says %r, expected %r" % (what, got, want))
eq(d["bridge"]["balance_wei"], bal, "balance (cast balance)")
eq(d["bridge"]["address"].lower(), addr.lower(), "bridge address")
eq(d["bridge"]["nonce_latest"], int(nonce), "nonce (cast nonce)")
eq(d["chain"]["head"], int(head), "head (cast block-number)")
eq(d["chain"]["next_seq"], int(nxt), "nextSeq (cast call)")
eq(d["chain"]["paused"], False, "paused")
eq(d["chain"]["validator_signer_in_set"], True, "validator key in the signer set")
eq(d["project"]["id"], project, "project id (cast keccak)")
eq(d["ledger"]["batches"], {"SEALED": 0, "SUBMITTED": 0, "MINTED": 0, "FINAL": 0, "FAILED": 2}, "batches")
eq(d["ledger"]["claims"], 8, "claims")
eq(d["ledger"]["credits"], 8, "credits")
eq(d["ledger"]["credit_total"], sum(1000000 + (r % 97) * 12345 for r in range(1, 9)), "credit total")
eq([f["id"] for f in d["ledger"]["failed"]], [1, 2], "failed ids")
if not d["ledger"]["failed"][0]["reason"].startswith("NotSigner(0, "):
    sys.exit("reason of batch 1: %r" % d["ledger"]["failed"][0]["reason"])
if not any("FAILED" in p for p in d["problems"]):
    sys.exit("no FAILED problem in %r" % d["problems"])
PY
ssp_ok "status (human, JSON) shows FAILED batches with reasons; numbers as cast reads them"

# Requeue refused while the node is unreachable (it must check the chain), nothing changed.
sed "s|^rpc_url = .*|rpc_url = http://127.0.0.1:$(free_port)/|" "$T/ssp.conf" >"$T/down.conf"
expect_status 2 "requeue with the node down" "$SSP" requeue --conf "$T/down.conf" 1
expect_status 1 "status with the node down" "$SSP" status --conf "$T/down.conf"
assert_contains "$OUT" "does not answer" "status names the unreachable node"
assert_eq "$(bstat FAILED)" 2 "still FAILED"

# The cause fixed (A3 added as a signer), both requeued, then minted once each.
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "addSigner(address)" "$A3" >/dev/null || ssp_fail "addSigner"
expect_status 0 "requeue 1 2" "$SSP" requeue --conf "$T/ssp.conf" 1 2
assert_contains "$OUT" "requeued 1" "requeue output"
assert_eq "$(bstat SEALED)" 2 "requeued batches SEALED"
"$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep -q "^reason 1 SEALED requeued by the admin (was FAILED: NotSigner" ||
	ssp_fail "the requeue reason keeps the old one"
bridge_until_final 60
bridge_verify 8 2 1 2
expect_status 0 "status after the fix" "$SSP" status --conf "$T/ssp.conf"
assert_contains "$OUT" "problems  none" "no problem left"
ssp_ok "requeued after the fix: minted once each, status clean"

# Refusals: a FINAL batch; a FAILED batch the chain minted anyway (marked FAILED by hand
# here, then minted with cast from its own calldata): nothing changes.
expect_status 1 "requeue a FINAL batch" "$SSP" requeue --conf "$T/ssp.conf" 1
assert_contains "$OUT" "is FINAL, not FAILED" "refusal names the state"
bridge_seal 2 2 2 9
sqlite3 "$T/ledger.sqlite" "UPDATE batches SET state = 'FAILED', reason = 'marked by hand' WHERE id = 3"
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "$("$TU" calldata --ledger "$T/ledger.sqlite" --batch 3)" >/dev/null ||
	ssp_fail "mint batch 3 with cast"
expect_status 1 "requeue a minted batch" "$SSP" requeue --conf "$T/ssp.conf" 3
assert_contains "$OUT" "already minted; refusing" "refusal says it was minted"
assert_eq "$(bstat FAILED)" 1 "the minted batch stays FAILED"
expect_status 2 "requeue an unknown batch" "$SSP" requeue --conf "$T/ssp.conf" 99
expect_status 2 "requeue without an id" "$SSP" requeue --conf "$T/ssp.conf"
ssp_ok "requeue refuses FINAL, minted and unknown batches"
