#!/bin/bash
# A transaction stuck under a rising base fee (automine off, anvil_setNextBlockBaseFeePerGas):
# the bridge replaces it with both fees raised by at least 12.5 %, never above the caps in
# ssp.conf, and it is mined; with the base fee above the cap it waits.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
MAX_FEE_GWEI=100
bridge_init bridge-stuck
bridge_deploy
bridge_seal 4 2 2 1
"$SSP_CAST" rpc anvil_setAutomine false >/dev/null
pass() { "$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1; }
mine() { "$SSP_CAST" rpc evm_mine >/dev/null; }
txs() { "$TU" txs --ledger "$T/ledger.sqlite"; }

# Batch 1 goes out at ordinary fees and waits in the pool.
pass
assert_eq "$("$SSP_CAST" nonce --block pending "$A2")" 1 "batch 1 pending"
first=$(txs | awk '$2 == 1 {print $3, $5, $6}')
[ -n "$first" ] || ssp_fail "no tx stored for batch 1"
read -r h1 fee1 tip1 <<<"$first"

# The base fee jumps to 40 gwei: the tx cannot be included.
"$SSP_CAST" rpc anvil_setNextBlockBaseFeePerGas 40000000000 >/dev/null
mine
assert_eq "$("$SSP_CAST" nonce "$A2")" 0 "stuck: not mined under a 40 gwei base fee"
pass
assert_contains "$(cat "$T/bridge.log")" "replacing tx nonce 0" "replacement logged"
second=$(txs | awk -v h="$h1" '$2 == 1 && $3 != h {print $3, $4, $5, $6}' | tail -n 1)
[ -n "$second" ] || ssp_fail "no replacement stored"
read -r h2 n2 fee2 tip2 <<<"$second"
assert_eq "$n2" 0 "the replacement keeps the nonce"
python3 -c "import sys; f1,t1,f2,t2=map(int,sys.argv[1:]); sys.exit(0 if 8*f2 >= 9*f1 and 8*t2 >= 9*t1 else 1)" \
	"$fee1" "$tip1" "$fee2" "$tip2" || ssp_fail "fees not raised by 12.5% ($fee1/$tip1 -> $fee2/$tip2)"
mine
pass
assert_eq "$(timeout 10 "$SSP_CAST" receipt --async "$h2" status)" true "the replacement is mined"
timeout 10 "$SSP_CAST" receipt --async "$h1" status >/dev/null 2>&1 && ssp_fail "the replaced tx was mined too"
ssp_ok "stuck tx replaced (fees $fee1/$tip1 -> $fee2/$tip2 wei) and mined"

# Batch 2 (sent by the last pass) under a base fee above the 100 gwei cap: it waits, never
# bidding above the cap.
assert_eq "$("$SSP_CAST" nonce --block pending "$A2")" 2 "batch 2 pending"
"$SSP_CAST" rpc anvil_setNextBlockBaseFeePerGas 200000000000 >/dev/null
mine
for i in 1 2 3; do pass; mine; done
assert_eq "$("$SSP_CAST" nonce "$A2")" 1 "batch 2 not mined above the cap"
assert_eq "$(bstat SUBMITTED)" 1 "batch 2 still submitted"
assert_contains "$(cat "$T/bridge.log")" "cannot rise 12.5% within the caps" "waiting at the cap logged"
txs | awk '{ if ($5 > 100000000000) { print "over the cap: " $0; bad = 1 } } END { exit bad }' ||
	ssp_fail "a tx bid above max_fee_per_gas_gwei"
# The base fee falls back: batch 2 is sent and mined.
"$SSP_CAST" rpc anvil_setNextBlockBaseFeePerGas 1000000000 >/dev/null
mine
"$SSP_CAST" rpc anvil_setAutomine true >/dev/null
bridge_until_final 60
txs | awk '{ if ($5 > 100000000000) { print "over the cap: " $0; bad = 1 } } END { exit bad }' ||
	ssp_fail "a tx bid above max_fee_per_gas_gwei"
bridge_verify 4 2 1 2
ssp_ok "above the cap the bridge waits; below it, it mints"
