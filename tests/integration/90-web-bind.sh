#!/usr/bin/env bash
# The volunteer binds a payout address on the project's web site (web/): Debian's chromium
# (headless, puppeteer-core) against php -S serving web/ssp_bind.php and the drop-in
# project_specific_prefs.inc on a stand-in of BOINC's web code (tests/web/boinc-standin),
# with a real EIP-1193 wallet in the page (ethers Wallet, real secp256k1 key). The stored
# preferences are checked by `ssp bind verify`, by cast (independent EIP-191) and by the
# validator on MariaDB, which claims the waiting credit. Then: saves of the preferences
# form keep the binding (drop-in hook, and a project's own hook with SmartShare merged in);
# a signature for another project or another user is refused with a message the volunteer
# understands. (The replacement delay: 93-web-bind-delay.sh.)
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
. "$SSP_SRCDIR/tests/integration/lib/web.sh"
for f in "$SSP_SRCDIR"/web/*.php "$SSP_SRCDIR"/web/*.inc; do
	php -l "$f" >/dev/null || ssp_fail "php -l $f"
done
web_setup web-bind
# the page's pure helpers, big numbers against bc (independent)
php "$SSP_SRCDIR/tests/web/prefs_check.php" "$SSP_SRCDIR/web/ssp_prefs.inc" "$T/check.conf" \
	"max256=$(echo '2^256-1' | bc | tr -d '\\\n')" "bal=$(echo 'ibase=16; D02AB486CEDC0000' | bc)" \
	"mul=$(echo '18446744073709551615 * 1000000000000' | bc)" || ssp_fail "tests/web/prefs_check.php"
ssp_ok "ssp_prefs.inc helpers: numbers, stored fields, ssp.conf, top-level prefs only"

# Users: 1 the volunteer, 2 someone else.
{
	echo app
	echo "user 1"; echo "user 2"
	echo "host 11 1"
	for k in 1 2; do
		echo "wu w1_$k 1 1 $((432000000000 * k))"
		echo "result w1_$k 0 1 11 out_1_$k"
	done
} | vt_spec
vt_sql "UPDATE user SET authenticator = CONCAT('auth', id), name = CONCAT('Volunteer ', id)"
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 2 "credit waits for a binding"

KEY_A=$(vt_key 1)
KEY_B=$(vt_key 2)
ADDR_A=$("$VCAST" wallet address --private-key "$KEY_A")
ADDR_B=$("$VCAST" wallet address --private-key "$KEY_B")

# ---- first binding through the wallet ----
out=$(browser bind --auth auth1 --key "$KEY_A") || ssp_fail "browser bind: $out"
assert_eq "$(json "$out" ok)" true "first binding accepted: $out"
assert_eq "$(json "$out" signDisabledBeforeConsent)" true "no signing before the consent box is ticked"
assert_eq "$(json "$out" failed)" "" "no script error, nothing loaded from outside"
assert_contains "$(json "$out" message)" "Stored: $ADDR_A is your payout address" "first binding message"
want_text=$(printf 'SmartShare payout binding\nproject: %s\nuser: 1\naddress: %s' "$MASTER_URL" "$ADDR_A")
assert_eq "$(json "$out" text)" "$want_text" "the page shows the exact binding text (docs/formats.md)"
p1=$(prefs 1)
a=$(field "$p1" ssp_address)
s=$(field "$p1" ssp_binding)
assert_eq "$a" "$ADDR_A" "stored address = cast's EIP-55 address of the key"
expect_status 0 "ssp bind verify accepts the stored binding" "$SSP" bind verify --project "$MASTER_URL" --user 1 --address "$a" --signature "$s"
"$VCAST" wallet verify --address "$a" "$want_text" "$s" >/dev/null || ssp_fail "cast rejects the stored binding"
assert_eq "$(field "$p1" ssp_prev_address)" "" "a first binding replaces nothing"
ssp_ok "wallet binding stored; ssp bind verify and cast accept it"

vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 0 "waiting credit claimed"
assert_eq "$(vt_ledger "SELECT group_concat(DISTINCT lower(hex(c.beneficiary))) FROM claims c JOIN credits r USING (project_id, result_id) WHERE r.user_id = 1")" \
	"$(echo "${ADDR_A#0x}" | tr A-F a-f)" "claims to the bound address"
assert_contains "$(cat "$T/run.log")" "[USER#1] payout binding to $ADDR_A verified" "validator log"
ssp_ok "the validator on MariaDB claims the waiting credit to the wallet's address"

# ---- feedback from the public export ----
"$SSP" export --conf "$P/ssp.conf" --out "$T/export" --rate 1000000000000 >/dev/null 2>&1 ||
	ssp_fail "ssp export: $("$SSP" export --conf "$P/ssp.conf" --out "$T/export" --rate 1000000000000 2>&1)"
page=$(browser text ssp_bind.php --auth auth1)
assert_contains "$page" "$ADDR_A signature verifies" "page: stored binding verifies"
assert_contains "$page" "2 claims made for your results" "page: claims from the export"
assert_contains "$page" "waiting to be claimed: 0.00" "page: no credit waiting"
assert_contains "$page" "takes effect only after 48 hours" "page: the delay of ssp.conf"
page2=$(browser text ssp_bind.php --auth auth2)
assert_contains "$page2" "none: your credit is kept" "page of an unbound user"
ssp_ok "the page shows the binding, whether it verifies, claims and waiting credit"

# ---- a save of the preferences form keeps the binding ----
out=$(browser save-form --share 250 --auth auth1)
assert_contains "$out" "Your preferences have been updated" "form saved"
p1b=$(prefs 1)
assert_contains "$p1b" "<resource_share>250</resource_share>" "form value stored"
assert_eq "$(field "$p1b" ssp_address)" "$ADDR_A" "address kept by the form save"
assert_eq "$(field "$p1b" ssp_binding)" "$s" "signature kept by the form save"
out=$(browser save-form --share 300 --auth auth1)
assert_eq "$(field "$(prefs 1)" ssp_binding)" "$s" "signature kept by a second form save"
assert_contains "$(browser text prefs.php --auth auth1)" "SmartShare payout address	$ADDR_A" "prefs page shows the address"
expect_status 0 "still valid after the form saves" "$SSP" bind verify --project "$MASTER_URL" --user 1 --address "$(field "$(prefs 1)" ssp_address)" --signature "$(field "$(prefs 1)" ssp_binding)"
ssp_ok "saving the preferences form twice keeps the binding"

# ---- wrong project, wrong user: refused, nothing stored ----
before=$(prefs 1)
out=$(browser bind --auth auth1 --key "$KEY_B" --sign-url "${MASTER_URL%/}")
assert_eq "$(json "$out" ok)" false "signature for the URL without its slash refused"
assert_contains "$(json "$out" message)" "It was signed for the project URL ${MASTER_URL%/}, but this project's master URL is $MASTER_URL" "wrong-project message"
out=$(browser bind --auth auth1 --key "$KEY_B" --sign-url "http://other.example/proj/")
assert_eq "$(json "$out" ok)" false "signature for another project refused"
assert_contains "$(json "$out" message)" "is not a binding of $ADDR_B for user 1 of $MASTER_URL: it was made for another project or another user id" "other-project message"
out=$(browser bind --auth auth1 --key "$KEY_B" --sign-user 2)
assert_eq "$(json "$out" ok)" false "signature for another user refused"
assert_contains "$(json "$out" message)" "Refused, nothing was stored" "wrong-user message"
snip=$("$VCAST" wallet sign --private-key "$KEY_B" "$(printf 'SmartShare payout binding\nproject: %s\nuser: 2\naddress: %s' "$MASTER_URL" "$ADDR_B")")
out=$(browser paste --auth auth1 --snippet "<project_specific><ssp_address>$ADDR_B</ssp_address><ssp_binding>$snip</ssp_binding></project_specific>")
assert_eq "$(json "$out" ok)" false "pasted snippet of another user refused"
assert_contains "$(json "$out" message)" "another user id" "pasted snippet message"
# the server side alone (no browser): without BOINC's form tokens, or without consent, nothing is stored
good=$("$VCAST" wallet sign --private-key "$KEY_B" "$(printf 'SmartShare payout binding\nproject: %s\nuser: 1\naddress: %s' "$MASTER_URL" "$ADDR_B")")
out=$(curl -s -b auth=auth1 --data "action=bind&consent=yes&address=$ADDR_B&signature=$good" "http://127.0.0.1:$WEB_PORT/ssp_bind.php")
assert_contains "$out" "This page has expired" "POST without form tokens refused"
tnow=$(date +%s)
ttok=$(printf '%s%s' "$tnow" auth1 | md5sum | cut -d' ' -f1) # BOINC's form token: md5(tnow . authenticator)
out=$(curl -s -b auth=auth1 --data "tnow=$tnow&ttok=$ttok&action=bind&address=$ADDR_B&signature=$good" "http://127.0.0.1:$WEB_PORT/ssp_bind.php")
assert_contains "$out" "tick the box first" "POST without consent refused"
assert_eq "$(prefs 1)" "$before" "nothing stored by the refused attempts"
ssp_ok "wrong-project and wrong-user signatures refused with a clear message"

# ---- a project's own hook with SmartShare merged in (docs/web.md) keeps both ----
cp "$SSP_SRCDIR/tests/web/merged_project_specific_prefs.inc" "$H/project/project_specific_prefs.inc"
keep=$(field "$(prefs 1)" ssp_binding)
browser save-form --share 120 --color 'Desert Sands' --auth auth1 >/dev/null
p1=$(prefs 1)
assert_contains "$p1" "<color_scheme>Desert Sands</color_scheme>" "the project's own field stored"
assert_eq "$(field "$p1" ssp_binding)" "$keep" "binding kept by the merged hook"
browser save-form --share 120 --color 'Tahiti Sunset' --auth auth1 >/dev/null
assert_contains "$(prefs 1)" "<color_scheme>Tahiti Sunset</color_scheme>" "second save: own field"
assert_eq "$(field "$(prefs 1)" ssp_binding)" "$keep" "second save: binding kept"
page=$(browser text prefs.php --auth auth1)
assert_contains "$page" "Color scheme	Tahiti Sunset" "merged hook shows its own field"
assert_contains "$page" "SmartShare payout address	$ADDR_A" "merged hook shows the binding"
ssp_ok "merged into a project's own hook: its fields and the binding both kept"
[ ! -s "$T/php.log" ] || ! grep -qi "PHP \(Warning\|Fatal\|Notice\|Deprecated\)" "$T/php.log" ||
	ssp_fail "PHP reported problems: $(grep -i "PHP " "$T/php.log" | head -5)"
