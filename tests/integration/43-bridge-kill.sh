#!/bin/bash
# ssp_bridge killed at each delicate point of a step (a test hook), then SIGKILLed at random
# instants (30 runs), then restarted: every batch is minted
# exactly once, the chain's minted total equals the ledger's, and no transaction is wasted
# (the bridge account's nonce equals the number of batches).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-kill
bridge_deploy
bridge_seal 120 3 2 1
assert_eq "$(bstat SEALED)" 60 "sealed batches"

# First a crash at each delicate point inside a step (SSP_TEST_CRASH_AT, a test hook), twice
# over, each followed by a restart that must carry on from there.
for round in 1 2; do
	for point in tx-stored batch-submitted tx-broadcast tx-mined tx-final; do
		"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
		st=0
		SSP_TEST_CRASH_AT=$point timeout 30 "$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.05 \
			>>"$T/bridge.log" 2>&1 || st=$?
		assert_eq "$st" 137 "crash at $point (round $round)"
	done
done
assert_eq "$(grep -c 'SSP_TEST_CRASH_AT: dying at' "$T/bridge.log")" 10 "ten deliberate crashes"
ssp_ok "crashes at every delicate point"

RANDOM=${SSP_KILL_SEED:-4242}
runs=30
for run in $(seq 1 $runs); do
	"$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.15 -d 3 >>"$T/bridge.log" 2>&1 &
	pid=$!
	# 10..400 ms: during start-up, signing, storing, sending, or waiting for receipts.
	sleep "$(printf '0.%03d' $((10 + RANDOM % 390)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	# Now and then a block, so confirmations advance under the kills too.
	[ $((RANDOM % 3)) = 0 ] && "$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
	echo "run $run: $(bstat SEALED) sealed, $(bstat SUBMITTED) submitted, $(bstat MINTED) minted, $(bstat FINAL) final" >>"$T/progress"
done
final_under_kills=$(bstat FINAL)
# Some kills must have hit a batch in flight (SUBMITTED or MINTED, not yet FINAL).
grep -Eq ', [1-9][0-9]* (submitted|minted)' "$T/progress" || ssp_fail "no kill hit a batch in flight"
[ "$final_under_kills" -gt 0 ] || ssp_fail "no progress at all under the kills"
[ "$final_under_kills" -lt 60 ] || echo "note: all batches final before the kills ended"
bridge_until_final 120
bridge_verify 120 3 1 60
ssp_ok "$runs SIGKILLs ($final_under_kills batches final meanwhile): 60 batches minted exactly once"
