#!/usr/bin/env bash
# A binding that replaces another address waits out [validator] binding_delay (here a few
# seconds): bound on the web site (headless chromium against php -S, the stand-in of BOINC's
# web code, an ethers wallet in the page), the first binding is paid at once; a replacement
# is stored with its record (ssp_prev_*, ssp_bound_at), the volunteer gets a private message
# (BOINC's pm_send_msg, notify type NOTIFY_PM: a notice in BOINC Manager) and the page says
# when it takes effect; the validator on MariaDB keeps the credit unclaimed until then (a
# form save meanwhile keeps the record), then claims it to the new address. Binding the
# address in effect again cancels a waiting replacement at once. A replacement written around
# the page (no record in the preferences) waits all the same: the signer keeps its own record.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
. "$SSP_SRCDIR/tests/integration/lib/web.sh"
DELAY=15
WEB_BINDING_DELAY=$DELAY web_setup web-delay "notice_from_user = 100"

# Users: 1 the volunteer, 100 the project's account sending notices.
{
	echo app
	echo "user 1"; echo "user 100"
	echo "host 11 1"
	for k in 1 2; do
		echo "wu w1_$k 1 1 432000000000"
		echo "result w1_$k 0 1 11 out_1_$k"
	done
} | vt_spec
vt_sql "UPDATE user SET authenticator = CONCAT('auth', id), name = CONCAT('Volunteer ', id)"
KEY_A=$(vt_key 1)
KEY_B=$(vt_key 2)
ADDR_A=$("$VCAST" wallet address --private-key "$KEY_A")
ADDR_B=$("$VCAST" wallet address --private-key "$KEY_B")

out=$(browser bind --auth auth1 --key "$KEY_A")
assert_contains "$(json "$out" message)" "Stored: $ADDR_A is your payout address for this project from now on" "first binding at once"
assert_contains "$(browser text ssp_bind.php --auth auth1)" "takes effect only after $DELAY seconds" "page: the delay of ssp.conf"
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 0 "first binding: claimed at once"
assert_eq "$(vt_sql "SELECT count(*) FROM private_messages")" 0 "no message for a first binding"
ssp_ok "a first binding takes effect at once"

# ---- a replacement waits out its delay ----
{
	for k in 3 4; do
		echo "wu w1_$k 1 1 432000000000"
		echo "result w1_$k 0 1 11 out_1_$k"
	done
} | vt_spec
out=$(browser bind --auth auth1 --key "$KEY_B")
assert_eq "$(json "$out" ok)" true "replacement stored"
assert_contains "$(json "$out" message)" "Stored: $ADDR_B replaces $ADDR_A" "replacement message"
assert_contains "$(json "$out" message)" "takes effect on" "replacement message names the time"
p1=$(prefs 1)
assert_eq "$(field "$p1" ssp_address)" "$ADDR_B" "new address stored"
assert_eq "$(field "$p1" ssp_prev_address)" "$ADDR_A" "replaced address recorded"
t0=$(field "$p1" ssp_bound_at)
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
# the signer's own record starts the wait when it first sees the new address: by now
t1=$(date +%s)
[ "$t1" -lt $((t0 + DELAY)) ] || ssp_fail "the test was too slow to see the delay (${DELAY}s)"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 2 "new credit waits during the delay"
assert_contains "$(cat "$T/run.log")" "[USER#1] credit kept, no claim: the binding to $ADDR_B replaces another address" "validator log of the wait"
assert_eq "$(vt_sql "SELECT senderid, subject FROM private_messages WHERE userid = 1" | tr '\t' ' ')" \
	"100 Your SmartShare payout address is being changed" "private message to the volunteer"
assert_eq "$(vt_sql "SELECT type FROM notify WHERE userid = 1")" 3 "BOINC notification of type NOTIFY_PM"
assert_contains "$(browser text ssp_bind.php --auth auth1)" "takes effect on" "page shows the waiting change"
# a form save during the delay keeps the replacement record
browser save-form --share 100 --auth auth1 >/dev/null
assert_eq "$(field "$(prefs 1)" ssp_prev_address)" "$ADDR_A" "form save keeps the replacement record"
now=$(date +%s)
[ "$now" -gt $((t1 + DELAY)) ] || sleep $((t1 + DELAY + 1 - now))
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 0 "claimed after the delay"
assert_eq "$(vt_ledger "SELECT group_concat(lower(hex(c.beneficiary))) FROM claims c JOIN credits r USING (project_id, result_id) WHERE r.user_id = 1 AND r.result_id IN (SELECT result_id FROM credits WHERE user_id = 1 ORDER BY result_id DESC LIMIT 2)")" \
	"$(echo "${ADDR_B#0x}" | tr A-F a-f),$(echo "${ADDR_B#0x}" | tr A-F a-f)" "claims after the delay go to the new address"
vt_check_consistency
ssp_ok "a replacement binding waits out its delay, then receives the waiting credit"

# ---- a replacement cancelled by binding the address in effect again ----
out=$(browser bind --auth auth1 --key "$KEY_A")
assert_contains "$(json "$out" message)" "Stored: $ADDR_A replaces $ADDR_B" "another replacement waits"
out=$(browser bind --auth auth1 --key "$KEY_B")
assert_contains "$(json "$out" message)" "The replacement that was waiting is cancelled" "binding the address in effect cancels"
assert_eq "$(field "$(prefs 1)" ssp_prev_address)" "" "no replacement record after cancelling"
assert_eq "$(field "$(prefs 1)" ssp_address)" "$ADDR_B" "the address in effect stays"
ssp_ok "binding the address in effect again cancels a waiting replacement at once"


# ---- a replacement written around the page waits all the same ----
# Preferences written directly (as BOINC's am_set_info.php lets whoever holds the account key
# do), with a valid binding to a third address and no replacement record: the signer's own
# record (the ledger's bindings table) makes it wait from when the signer first saw it.
{
	for k in 5 6; do
		echo "wu w1_$k 1 1 432000000000"
		echo "result w1_$k 0 1 11 out_1_$k"
	done
} | vt_spec
KEY_C=$(vt_key 3)
ADDR_C=$(vt_bind 1 "$KEY_C")
assert_eq "$(field "$(prefs 1)" ssp_prev_address)" "" "no replacement record in the preferences"
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
t2=$(date +%s)
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 2 "credit waits for a replacement written around the page"
assert_contains "$(cat "$T/run.log")" "[USER#1] credit kept, no claim: the binding to $ADDR_C replaces the address claims go to" "signer log of the wait"
now=$(date +%s)
[ "$now" -gt $((t2 + DELAY)) ] || sleep $((t2 + DELAY + 1 - now))
vt_run || ssp_fail "validator run: $(cat "$T/run.log")"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1 AND claimed = 0")" 0 "claimed after the delay"
assert_eq "$(vt_ledger "SELECT count(DISTINCT lower(hex(c.beneficiary))) || ' ' || max(lower(hex(c.beneficiary))) FROM claims c JOIN credits r USING (project_id, result_id) WHERE r.user_id = 1 AND r.result_id IN (SELECT result_id FROM credits WHERE user_id = 1 ORDER BY result_id DESC LIMIT 2)")" \
	"1 $(echo "${ADDR_C#0x}" | tr A-F a-f)" "claims after the delay go to the third address"
vt_check_consistency
ssp_ok "a replacement written without the page's record waits out the delay too"
