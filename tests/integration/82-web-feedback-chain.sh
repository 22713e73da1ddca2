#!/usr/bin/env bash
# The binding page's feedback from the project's public export and from the chain: a
# volunteer bound with the wallet, the validator claims on MariaDB, ssp_bridge mints the
# batch on anvil, ssp export publishes it; the page (headless chromium, php -S, the stand-in
# of BOINC's web code) then shows the claims, the SSP minted for them (export) and the SSP
# the address holds (eth_call balanceOf on the token), each equal to what cast reads from
# the chain (independent). Also the screenshot of docs/web.md (SSP_WEB_SHOT=FILE).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
. "$SSP_SRCDIR/tests/integration/lib/web.sh"
TU=$SSP_BUILDDIR/tests/helpers/bridge_testutil
BRIDGE=$SSP_BUILDDIR/bridge/ssp_bridge
CONTRACTS=$SSP_BUILDDIR/contracts/build
RATE=1000000000000
web_setup web-chain
on_exit ssp_anvil_stop
mkdir -p "$T/anvil"
ssp_anvil_start "$T/anvil" || ssp_fail "anvil did not start"

# anvil's account 0 deploys (ssp deploy writes [chain] minter, token and rpc_url into ssp.conf),
# the validator's key signs, account 2 pays the bridge's gas.
printf 'test password\n' >"$T/keys/apw" && chmod 600 "$T/keys/apw"
"$TU" keystore "$T/keys/a0.json" "$T/keys/apw" "$(ssp_anvil_key 0 | sed 's/^0x//')" || ssp_fail "keystore 0"
"$TU" keystore "$T/keys/a2.json" "$T/keys/apw" "$(ssp_anvil_key 2 | sed 's/^0x//')" || ssp_fail "keystore 2"
out=$("$SSP" deploy --rpc "$SSP_ANVIL_URL" --keystore "$T/keys/a0.json" --password-file "$T/keys/apw" \
	--signer "$VADDR" --threshold 1 --rate "$RATE" --contracts "$CONTRACTS" --conf "$P/ssp.conf" 2>&1) ||
	ssp_fail "deploy: $out"
TOKEN=$(sed -n 's/^token //p' <<<"$out")
MINTER=$(sed -n "s/^minter //p" <<<"$out")
grep -q "^minter = $MINTER" "$P/ssp.conf" || ssp_fail "deploy did not write the minter into ssp.conf"
cat >>"$P/ssp.conf" <<EOF

[bridge]
keystore = $T/keys/a2.json
password_file = $T/keys/apw
confirmations = 1
poll_interval = 0.2
EOF

{
	echo app
	echo "user 1"
	echo "host 11 1"
	for k in 1 2 3; do
		echo "wu w1_$k 1 1 $((432000000000 * k))"
		echo "result w1_$k 0 1 11 out_1_$k"
	done
} | vt_spec
vt_sql "UPDATE user SET authenticator = 'auth1', name = 'Volunteer 1' WHERE id = 1"

KEY=$(vt_key 1)
ADDR=$("$VCAST" wallet address --private-key "$KEY")
out=$(browser bind --auth auth1 --key "$KEY")
assert_contains "$out" "\"ok\":true" "binding stored: $out"
vt_run --batch_size 3 || ssp_fail "validator: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM batches")" 1 "one batch sealed"

# the bridge mints it (one pass submits, mined blocks confirm it)
for _ in $(seq 40); do
	"$BRIDGE" --conf "$P/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1 || true
	"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null 2>&1
	[ "$(vt_ledger "SELECT state FROM batches")" = FINAL ] && break
done
assert_eq "$(vt_ledger "SELECT state FROM batches")" FINAL "batch minted and final: $(tail -5 "$T/bridge.log")"
credit=$(vt_ledger "SELECT sum(credit) FROM credits WHERE user_id = 1")
balance=$("$SSP_CAST" call "$TOKEN" "balanceOf(address)(uint256)" "$ADDR" | cut -d' ' -f1)
assert_eq "$balance" "$(echo "$credit * $RATE" | bc)" "cast: the address holds credit x rate"
ssp_ok "bound in the browser, claimed, minted on anvil"

"$SSP" export --conf "$P/ssp.conf" --out "$T/export" >/dev/null 2>&1 || ssp_fail "ssp export"
want=$(echo "scale=6; $balance / 10^18" | bc | sed 's/0*$//; s/\.$//; s/^\./0./')
page=$(browser text ssp_bind.php --auth auth1)
assert_contains "$page" "3 claims made for your results; SSP minted for them: $want" "page: export's claims and minted SSP"
assert_contains "$page" "SSP held by $ADDR on chain now: $want" "page: balance read from the chain"
assert_contains "$page" "waiting to be claimed: 0.00" "page: nothing waiting"
if [ -n "${SSP_WEB_SHOT:-}" ]; then browser shot ssp_bind.php --auth auth1 --key "$KEY" --out "$SSP_WEB_SHOT"; fi
ssp_ok "the page shows claims, SSP minted (export) and the balance (chain), as cast reads them"
