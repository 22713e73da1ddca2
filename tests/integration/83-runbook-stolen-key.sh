#!/bin/bash
# The stolen-key runbook of docs/operations.md ("A stolen validator key") on anvil, threshold 1:
# pause; a new key joins and the threshold goes to 2 (paused); the pending batches, signed by
# the stolen key, are co-signed with the new key (ssp export, ssp cosign, ssp cosign --add);
# after the unpause the stolen key alone cannot mint (InsufficientSignatures, cast call) while
# the bridge mints the pending batches once each; then (paused) threshold 1, the stolen key
# removed, unpaused; the new key's batches are minted, the stolen key's refused (NotSigner);
# `ssp audit` of the export is CLEAN.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init runbook-stolen-key
bridge_deploy --guardian "$A0"
K3=$(ssp_anvil_key 3 | sed 's/^0x//')
A3=$(ssp_anvil_addr 3)
"$TU" keystore "$T/ks3.json" "$T/pw" "$K3" || ssp_fail "keystore 3"
send0() { "$SSP_CAST" send --private-key "0x$K0" "$MINTER" "$@" >/dev/null || ssp_fail "cast send $*"; }

bridge_seal 3 3 3 1
bridge_until_final 60
bridge_seal 6 3 3 4          # batches 2 and 3, signed by the stolen key (A1), pending
# 1. Pause.
send0 "pause()"
# 4. New key, threshold 2 (still paused).
send0 "addSigner(address)" "$A3"
send0 "setThreshold(uint8)" 2
# 5. Co-sign the pending batches with the new key.
audit_export "$T/export"
for b in 2 3; do
	"$SSP" cosign --export "$T/export" --batch "$b" --keystore "$T/ks3.json" --password-file "$T/pw" \
		--rpc "$SSP_ANVIL_URL" --contract "$MINTER" --skip-stats-check --out "$T/cosig-$b.json" >"$T/cosign-$b.log" 2>&1 || ssp_fail "cosign $b: $(cat "$T/cosign-$b.log")"
	"$SSP" cosign --add "$T/cosig-$b.json" --conf "$T/ssp.conf" >>"$T/cosign-$b.log" 2>&1 ||
		ssp_fail "cosign --add $b: $(cat "$T/cosign-$b.log")"
done
# 6. Unpause: the stolen key alone no longer mints (its signature only, as a thief has it).
send0 "unpause()"
sqlite3 "$T/ledger.sqlite" ".backup '$T/k1only.sqlite'"
sqlite3 "$T/k1only.sqlite" "DELETE FROM batch_signatures WHERE batch_id = 2 AND signer <> x'$(printf '%s' "${A1#0x}" | tr 'A-F' 'a-f')'" ||
	ssp_fail "a copy with the stolen key's signature only"
assert_eq "$(sqlite3 "$T/ledger.sqlite" "SELECT lower(hex(signer)) FROM batch_signatures WHERE batch_id = 2 ORDER BY signer" | tr '\n' ' ')" \
	"$(printf '%s\n' "${A1#0x}" "${A3#0x}" | tr 'A-F' 'a-f' | sort | tr '\n' ' ')" "batch 2 signed by the stolen and the new key"
assert_eq "$(sqlite3 "$T/k1only.sqlite" "SELECT lower(hex(signer)) FROM batch_signatures WHERE batch_id = 2")" \
	"$(printf '%s' "${A1#0x}" | tr 'A-F' 'a-f')" "the thief's copy: the stolen key's signature only"
ssp_expect_error "InsufficientSignatures(uint256,uint256)" "$MINTER" \
	"$("$TU" calldata --ledger "$T/k1only.sqlite" --batch 2)" >"$T/insufficient.out" ||
	ssp_fail "the stolen key alone could still mint"
assert_eq "$(tr '\n' ' ' <"$T/insufficient.out")" "1 2 " "InsufficientSignatures(1, 2)"
bridge_until_final 60
assert_eq "$(bstat FAILED)" 0 "nothing FAILED"
ssp_ok "paused, threshold 2 with the new key: pending batches co-signed and minted; the stolen key alone cannot mint"
# 7. Paused: threshold 1, the stolen key removed; unpaused.
send0 "pause()"
send0 "setThreshold(uint8)" 1
send0 "removeSigner(address)" "$A1"
send0 "unpause()"
assert_eq "$("$SSP_CAST" call "$MINTER" "isSigner(address)(bool)" "$A1")" false "stolen key removed"
bridge_seal 3 3 3 10 "$K3"
bridge_until_final 60
bridge_verify 12 3 1 4
audit_export "$T/export2"
run_audit "$T/export2"
assert_eq "$ST" 0 "audit after the response (output: $OUT)"
assert_contains "$OUT" "CLEAN" "audit clean"
bridge_seal 3 3 3 13
"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1 || :
"$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep -q "^reason 5 FAILED NotSigner(0, $A1)" ||
	ssp_fail "the stolen key's new batch was not refused"
ssp_ok "after the response: new key mints alone, audit CLEAN, the stolen key refused (NotSigner)"
