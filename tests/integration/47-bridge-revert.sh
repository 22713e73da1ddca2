#!/bin/bash
# Reverts: a batch the contract would refuse is marked FAILED with the custom error's name
# and arguments (decoded from the revert data), without sending anything and without retrying;
# a paused minter makes the bridge wait, not fail. The bridge's error table covers every error
# the contracts' ABI declares.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-revert
bridge_deploy --guardian "$A0"

# Every error in the ABI (build output) is in the bridge's table.
"$TU" errors >"$T/table"
python3 - "$CONTRACTS/ShareMinter.abi" "$CONTRACTS/SSPToken.abi" "$T/table" <<'PY' || ssp_fail "error table incomplete"
import json, sys
def typ(i):
    t = i["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(typ(c) for c in i["components"]) + ")" + t[5:]
    return t
table = set(l.strip() for l in open(sys.argv[3]))
missing = []
n = 0
for f in sys.argv[1:3]:
    for e in json.load(open(f)):
        if e.get("type") == "error":
            n += 1
            sig = e["name"] + "(" + ",".join(typ(i) for i in e["inputs"]) + ")"
            if sig not in table:
                missing.append(sig)
if missing or n < 20:
    print("missing from the bridge's table:", missing, "of", n, file=sys.stderr)
    sys.exit(1)
PY
ssp_ok "the error table covers the ABI"

# A batch signed by a key that is not a signer (anvil account 3), then a valid one after it.
K3=$(ssp_anvil_key 3 | sed 's/^0x//')
A3=$(ssp_anvil_addr 3)
bridge_seal 4 2 4 1 "$K3"
bridge_seal 4 2 4 5
for i in 1 2 3 4; do "$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1; done
assert_eq "$(bstat FAILED)" 2 "both batches FAILED"
reasons=$("$TU" status --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" | grep '^reason ')
assert_contains "$reasons" "reason 1 FAILED NotSigner(0, $A3)" "batch 1: NotSigner with the recovered address"
project=$("$SSP_CAST" keccak "$MASTER_URL")
assert_contains "$reasons" "reason 2 FAILED SeqGap($project, 1, 5)" "batch 2: SeqGap with its arguments"
assert_eq "$("$SSP_CAST" nonce "$A2")" 0 "nothing was sent"
assert_eq "$(grep -c 'SEALED -> FAILED' "$T/bridge.log")" 2 "each failed once, no retry"
ssp_ok "refused batches FAILED with decoded reasons, no transaction sent, no retry"

# A second project: pause → the bridge waits; unpause → it mints.
MASTER_URL=https://boinc.example.org/other/
LEDGER=$T/other.sqlite
CONF=$T/other.conf
sed -e "s|^master_url = .*|master_url = $MASTER_URL|" -e "s|^ledger = .*|ledger = $LEDGER|" \
	"$T/ssp.conf" >"$CONF"
bridge_seal 6 2 3 1
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "pause()" >/dev/null || ssp_fail "pause"
for i in 1 2 3; do "$BRIDGE" --conf "$CONF" --one_pass >>"$T/bridge.log" 2>&1; done
assert_eq "$(bstat SEALED)" 2 "paused: batches wait SEALED"
assert_eq "$(bstat FAILED)" 0 "paused: nothing FAILED"
assert_contains "$(cat "$T/bridge.log")" "EnforcedPause(): the minter is paused; this can succeed later; waiting" "waiting logged"
assert_eq "$("$SSP_CAST" nonce "$A2")" 0 "paused: nothing sent"
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "unpause()" >/dev/null || ssp_fail "unpause"
bridge_until_final 60
bridge_verify 6 2 1 2
ssp_ok "a pause makes the bridge wait; after it, the batches are minted"
