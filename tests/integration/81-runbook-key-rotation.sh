#!/bin/bash
# The key-rotation runbook of docs/operations.md ("Rotating the validator key"), step by step,
# with ssp_bridge running throughout on anvil: (1) a new key; (2) addSigner(new) on the
# minter; (3) the signer signs with the new key from now on (here: the ledger's claim and
# batch signing, bridge_testutil seal, with the new key), batches sealed with the old one
# still pending; (4) wait until `ssp status` shows every claim up to the switch FINAL;
# (5) removeSigner(old); (6) later batches. Minting never stops: no batch waits on a revert,
# none FAILED, each minted once (bridge_verify), and `ssp audit` of the export is CLEAN (every
# claim and batch signed by a key in the set in force at its mint). Afterwards the old key
# cannot mint (NotSigner).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
bridge_init runbook-rotation
bridge_deploy --guardian "$A0"
K3=$(ssp_anvil_key 3 | sed 's/^0x//')
A3=$(ssp_anvil_addr 3)

"$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.1 -d 3 >>"$T/daemon.log" 2>&1 &
DPID=$!
on_exit "kill -9 $DPID 2>/dev/null || :"
until_final() { # N SECONDS
	local i
	for i in $(seq 1 $(($2 * 5))); do
		[ "$(bstat FINAL)" = "$1" ] && return 0
		kill -0 "$DPID" 2>/dev/null || { tail -n 20 "$T/daemon.log" >&2; ssp_fail "the bridge died"; }
		"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
		sleep 0.2
	done
	tail -n 30 "$T/daemon.log" >&2
	ssp_fail "$1 batches not FINAL after $2 s"
}
status_json() { "$SSP" status --conf "$T/ssp.conf" --json >"$T/status.json" || :; }
sj() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d' + sys.argv[2]))" "$T/status.json" "$1"; }

# Before: the old key (A1) signs.
bridge_seal 6 3 3 1
until_final 2 40
ssp_ok "before the rotation: 2 batches signed by the old key minted"

# (1)-(2) The new key joins the signer set.
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "addSigner(address)" "$A3" >/dev/null || ssp_fail "addSigner"
assert_eq "$("$SSP_CAST" call "$MINTER" "isSigner(address)(bool)" "$A3")" true "new key is a signer"
# (3) The switch: the last batch of the old key is still pending when the new key's come.
bridge_seal 3 3 3 7
status_json
S=$(sj '["ledger"]["last_seq"]')
assert_eq "$S" 9 "last seq signed with the old key"
bridge_seal 6 3 3 10 "$K3"
# (4) Wait until everything up to the switch is FINAL, as ssp status shows it.
for i in $(seq 1 200); do
	status_json
	[ "$(sj '["ledger"]["last_final_seq"]')" -ge "$S" ] && break
	"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
	sleep 0.2
done
[ "$(sj '["ledger"]["last_final_seq"]')" -ge "$S" ] || ssp_fail "seq $S not final"
# (5) The old key leaves the set.
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "removeSigner(address)" "$A1" >/dev/null || ssp_fail "removeSigner"
assert_eq "$("$SSP_CAST" call "$MINTER" "isSigner(address)(bool)" "$A1")" false "old key removed"
# (6) Later batches with the new key.
bridge_seal 6 3 3 16 "$K3"
until_final 7 60
kill -TERM "$DPID"; wait "$DPID" || ssp_fail "the bridge's exit status"
bridge_verify 21 3 1 7
if grep -q "would revert\|-> FAILED" "$T/daemon.log"; then
	ssp_fail "minting stopped or failed during the rotation: $(grep "would revert\|-> FAILED" "$T/daemon.log" | head -3)"
fi
ssp_ok "rotation with the bridge running: 7 batches minted once, none waited or FAILED"

audit_export "$T/export"
run_audit "$T/export"
assert_eq "$ST" 0 "audit after the rotation (output: $OUT)"
assert_contains "$OUT" "CLEAN" "audit clean"
ssp_ok "audit CLEAN: every claim and batch signed by a key in the set at its mint"

# The old key is retired: what it signs now is refused for good.
bridge_seal 3 3 3 22
"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1 || :
assert_eq "$(bstat FAILED)" 1 "a batch of the retired key"
"$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep -q "^reason 8 FAILED NotSigner(0, $A1)" ||
	ssp_fail "the retired key's batch did not fail with NotSigner"
ssp_ok "the retired key can no longer mint (NotSigner)"
