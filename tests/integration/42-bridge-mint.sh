#!/bin/bash
# ssp_bridge mints sealed batches: balances = credit × rate, every batch FINAL after the
# confirmations, one transaction per batch; it refuses the validator's key, a wrong chain and
# a second bridge on the same ledger; SIGTERM stops it cleanly.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-mint
bridge_deploy
bridge_seal 30 4 7 1
assert_eq "$(bstat SEALED)" 5 "sealed batches"

# Refusals: the validator's key as the bridge key; a node on another chain.
sed "s|^keystore = $T/ks2.json|keystore = $T/ks1.json|" "$T/ssp.conf" >"$T/same-key.conf"
expect_status 2 "bridge key = validator key" "$BRIDGE" --conf "$T/same-key.conf" --one_pass
assert_contains "$OUT" "validator's claim-signing key" "refusal names the reason"
sed "s|^chain_id = .*|chain_id = 1|" "$T/ssp.conf" >"$T/other-chain.conf"
expect_status 4 "wrong chain id" "$BRIDGE" --conf "$T/other-chain.conf" --one_pass
assert_contains "$OUT" "chain id" "refusal names the chain id"
expect_status 2 "bad option" "$BRIDGE" --conf "$T/ssp.conf" --sleep_interval soon
assert_eq "$("$SSP_CAST" nonce "$A2")" 0 "nothing sent by refused runs"
ssp_ok "refusals"

# The daemon, until every batch is FINAL (blocks mined meanwhile for the confirmations).
"$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.2 -d 3 >"$T/daemon.log" 2>&1 &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
sleep 0.3
expect_status 3 "a second bridge on the same ledger" "$BRIDGE" --conf "$T/ssp.conf" --one_pass
assert_contains "$OUT" "another ssp_bridge is running" "second bridge refused"
for i in $(seq 1 300); do
	[ "$(bstat FINAL)" = 5 ] && break
	"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
	sleep 0.2
done
assert_eq "$(bstat FINAL)" 5 "all batches FINAL under the daemon"
kill -TERM "$pid"
for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && ssp_fail "the daemon ignored SIGTERM"
rc=0
wait "$pid" || rc=$?
assert_eq "$rc" 0 "exit status after SIGTERM"
assert_contains "$(cat "$T/daemon.log")" "stopping on a signal" "SIGTERM logged"
bridge_verify 30 4 1 5
ssp_ok "5 batches minted once each, balances = credit x rate"

# An idle pass sends nothing; new claims are sealed and minted after the first ones.
expect_status 0 "idle pass" "$BRIDGE" --conf "$T/ssp.conf" --one_pass
assert_eq "$("$SSP_CAST" nonce "$A2")" 5 "an idle pass sends nothing"
bridge_seal 11 4 5 31
bridge_until_final 60
bridge_verify 41 4 1 8
ssp_ok "later batches minted in order"
