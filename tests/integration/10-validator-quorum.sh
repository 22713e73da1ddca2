#!/usr/bin/env bash
# ssp_validator against a real MariaDB: an agreeing quorum is valid and credited (result,
# work unit, user/host/team totals and recent averages, credited_job, ledger, claims);
# one wrong replica alone is invalid; a 1-of-2 disagreement is inconclusive and asks for
# one more replica, which then settles it; late results are checked against the canonical
# one; unsent replicas are not needed any more; credit modes; --dry_run writes nothing.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-quorum

vt_spec <<'SPEC'
app
team 1
user 1 1
user 2 1
user 3
user 4
host 11 1 2e9
host 12 2 4e9
host 13 3
host 14 4
wu dec1 1 1 4.32e12
result dec1 0 4 14 d1
wu agree 2 2 4.32e12
result agree 0 1 11 1_2_3
result agree 1 2 12 1_2_3
wu wrong 2 3 4.32e12
result wrong 0 1 11 7_7_7
result wrong 1 2 12 1_2_3
result wrong 2 3 13 1_2_3
result wrong 3 3 13 x unsent
wu split 2 2 4.32e12
result split 0 1 11 a
result split 1 2 12 b
wu wait 2 2 4.32e12
result wait 0 1 11 q
result wait 1 2 12 q inprogress
SPEC
A1=$(vt_bind 1 "$(vt_key 1)")
A2=$(vt_bind 2 "$(vt_key 2)")
# BOINC's --update_credited_job records (host owner, workunit.opaque); opaque = id here
vt_sql "UPDATE workunit SET opaque = id"
t0=$(date +%s)
vt_run --update_credited_job || ssp_fail "validator run 1 failed: $(cat "$T/run.log")"

# agreeing quorum: both valid, 10 cobblestones each (4.32e12 fpops)
assert_eq "$(vt_state agree_0)" "1 1 10" "agree_0 valid with credit"
assert_eq "$(vt_state agree_1)" "1 1 10" "agree_1 valid with credit"
assert_eq "$(vt_sql "SELECT w.canonical_resultid = r.id, w.canonical_credit, w.assimilate_state,
	w.need_validate, w.transition_time FROM workunit w JOIN result r ON r.name = 'agree_0'
	WHERE w.name = 'agree'" | tr '\t' ' ')" "1 10 1 0 2147483647" "agree: canonical, ready to assimilate"
ssp_ok "agreeing quorum: valid, credited, canonical result set"

# one wrong replica: it alone is invalid; the unsent one is not needed
assert_eq "$(vt_state wrong_0)" "2 1 0" "wrong_0 invalid (outcome stays success)"
assert_eq "$(vt_state wrong_1)" "1 1 10" "wrong_1 valid"
assert_eq "$(vt_state wrong_2)" "1 1 10" "wrong_2 valid"
assert_eq "$(vt_sql "SELECT server_state, outcome FROM result WHERE name = 'wrong_3'" | tr '\t' ' ')" \
	"5 5" "unsent replica: over, didn't need"
assert_eq "$(vt_sql "SELECT r.name FROM workunit w JOIN result r ON r.id = w.canonical_resultid
	WHERE w.name = 'wrong'")" "wrong_1" "canonical is the first agreeing result"
ssp_ok "one wrong replica: it alone is invalid"

# 1-of-2 disagreement: inconclusive, one more replica asked for
assert_eq "$(vt_state split_0)" "4 1 0" "split_0 inconclusive"
assert_eq "$(vt_state split_1)" "4 1 0" "split_1 inconclusive"
read -r tn tt cr nv <<<"$(vt_sql "SELECT target_nresults, transition_time, canonical_resultid,
	need_validate FROM workunit WHERE name = 'split'")"
assert_eq "$tn $cr $nv" "3 0 0" "split: target_nresults 3, no canonical result"
[ "$tt" -ge "$t0" ] && [ "$tt" -le "$(date +%s)" ] || ssp_fail "split: transition_time $tt not now"
ssp_ok "1-of-2 disagreement: inconclusive, target_nresults 3, transition now"

# a quorum not complete yet: nothing changes but need_validate
assert_eq "$(vt_state wait_0)" "0 1 0" "wait_0 untouched"
assert_eq "$(vt_sql "SELECT need_validate, canonical_resultid FROM workunit WHERE name = 'wait'" |
	tr '\t' ' ')" "0 0" "wait: need_validate cleared, no canonical"
ssp_ok "incomplete quorum left alone"

# credit totals, team, credited_job, recent average
assert_eq "$(vt_sql "SELECT id, total_credit FROM user ORDER BY id" | tr '\t\n' ' ,')" \
	"1 10,2 20,3 10,4 10," "user totals"
assert_eq "$(vt_sql "SELECT id, total_credit FROM host ORDER BY id" | tr '\t\n' ' ,')" \
	"11 10,12 20,13 10,14 10," "host totals"
assert_eq "$(vt_sql "SELECT total_credit FROM team WHERE id = 1")" "30" "team total (users 1 and 2)"
assert_eq "$(vt_sql "SELECT c.userid, w.name FROM credited_job c JOIN workunit w ON w.id = c.workunitid
	ORDER BY c.userid, w.name" | tr '\t\n' ' ,')" "1 agree,2 agree,2 wrong,3 wrong,4 dec1," "credited_job"
# a first average is the credit over the days since the result was sent (BOINC's update_average)
assert_eq "$(vt_sql "SELECT COUNT(*) FROM user u JOIN result r ON r.name = 'wrong_2'
	WHERE u.id = 3 AND u.expavg_time >= $t0
	AND ABS(u.expavg_credit - 10 * 86400 / (u.expavg_time - r.sent_time)) < 1e-9 * u.expavg_credit")" \
	"1" "user 3: first recent average"
assert_eq "$(vt_sql "SELECT COUNT(*) FROM host h JOIN result r ON r.name = 'wrong_2'
	WHERE h.id = 13 AND ABS(h.expavg_credit - 10 * 86400 / (h.expavg_time - r.sent_time))
	< 1e-9 * h.expavg_credit")" "1" "host 13: first recent average"
ssp_ok "user, host and team totals, recent averages and credited_job"

# ledger credits and claims for the bound users; user 3 has no binding
assert_eq "$(vt_ledger "SELECT count(*) FROM credits")" 5 "5 ledger credits"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims")" 3 "3 claims (users 1 and 2)"
assert_eq "$(vt_ledger "SELECT c.seq || ' ' || r.user_id || ' ' || lower(hex(c.beneficiary))
	FROM claims c JOIN credits r USING (project_id, result_id) ORDER BY c.seq" | tr '\n' ',')" \
	"1 1 $(echo "${A1#0x}" | tr A-F a-f),2 2 $(echo "${A2#0x}" | tr A-F a-f),3 2 $(echo "${A2#0x}" | tr A-F a-f)," \
	"claims in seq order to the bound addresses"
assert_contains "$(cat "$T/run.log")" "[USER#3] credit kept, no claim: no payout binding" "log for user 3"
vt_check_consistency
ssp_ok "ledger credits and claims match the BOINC credit"
read -r avg1 t1 <<<"$(vt_sql "SELECT expavg_credit, expavg_time FROM user WHERE id = 4")"

# late results: one agrees with the canonical result, one does not; a third replica settles split
vt_spec <<'SPEC'
result agree 2 3 13 1_2_3
result agree 3 1 11 9_9_9
result split 2 3 13 b
wu dec2 1 1 4.32e12
result dec2 0 4 14 d2
SPEC
vt_run || ssp_fail "validator run 2 failed: $(cat "$T/run.log")"
assert_eq "$(vt_state agree_2)" "1 1 10" "late agreeing result valid with the canonical credit"
assert_eq "$(vt_state agree_3)" "2 1 0" "late disagreeing result invalid"
assert_eq "$(vt_sql "SELECT r.name FROM workunit w JOIN result r ON r.id = w.canonical_resultid
	WHERE w.name = 'agree'")" "agree_0" "canonical result unchanged"
assert_eq "$(vt_state split_0)" "2 1 0" "split_0 now invalid"
assert_eq "$(vt_state split_1)" "1 1 10" "split_1 valid"
assert_eq "$(vt_state split_2)" "1 1 10" "split_2 valid"
assert_eq "$(vt_sql "SELECT r.name FROM workunit w JOIN result r ON r.id = w.canonical_resultid
	WHERE w.name = 'split'")" "split_1" "split settled by the third replica"
vt_check_consistency
ssp_ok "late results checked against the canonical one; third replica settles a split"
# a second credit decays the average (7-day half-life) and adds (1 - weight)·credit/days
read -r avg2 t2 <<<"$(vt_sql "SELECT expavg_credit, expavg_time FROM user WHERE id = 4")"
assert_eq "$(awk -v a="$avg1" -v t1="$t1" -v b="$avg2" -v t2="$t2" 'BEGIN {
	dt = t2 - t1; w = exp(-dt * log(2) / (7 * 86400))
	want = (1 - w > 1e-6) ? a * w + (1 - w) * 10 / (dt / 86400) : a * w + log(2) * 10 / 7
	d = want - b; if (d < 0) d = -d
	print (dt > 0 && d <= 1e-9 * want) ? "ok" : "want " want " got " b " dt " dt }')" ok \
	"user 4: decayed recent average"
ssp_ok "recent average decays with a 7-day half-life"

# credit modes
vt_spec <<'SPEC'
wu cwu 1 1 4.32e12 12.5
result cwu 0 3 13 c
SPEC
vt_run --credit_from_wu || ssp_fail "run --credit_from_wu"
assert_eq "$(vt_state cwu_0)" "1 1 12.5" "--credit_from_wu grants canonical_credit"
# runtime: 100 s × 2e9 = 2e11 fpops = 0.462963; 300 s × 4e9 = 1.2e12 fpops = 2.777778
vt_spec <<'SPEC'
wu crt 2 2 4.32e13
result crt 0 1 11 r cpu=100
result crt 1 2 12 r cpu=300
SPEC
vt_run --credit_from_runtime || ssp_fail "run --credit_from_runtime"
assert_eq "$(vt_state crt_0)" "1 1 0.462963" "--credit_from_runtime: lowest claim"
assert_eq "$(vt_state crt_1)" "1 1 0.462963" "--credit_from_runtime: same credit to both"
vt_spec <<'SPEC'
wu cmax 1 1 4.32e12
result cmax 0 3 13 m
SPEC
vt_run --max_granted_credit 3 || ssp_fail "run --max_granted_credit"
assert_eq "$(vt_state cmax_0)" "1 1 3" "--max_granted_credit caps"
vt_check_consistency
ssp_ok "credit from the work unit, from the runtime, and the cap"

# --dry_run decides and logs but writes nothing
vt_spec <<'SPEC'
wu dry 1 1 4.32e12
result dry 0 3 13 d
SPEC
before=$(vt_ledger "SELECT count(*) FROM credits")
vt_run --dry_run || ssp_fail "run --dry_run"
assert_contains "$(cat "$T/run.log")" "DB not updated (dry run)" "dry run logged"
assert_eq "$(vt_state dry_0)" "0 1 0" "dry run: result untouched"
assert_eq "$(vt_sql "SELECT need_validate FROM workunit WHERE name = 'dry'")" 1 "dry run: WU untouched"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits")" "$before" "dry run: ledger untouched"
vt_run || ssp_fail "run after the dry run"
assert_eq "$(vt_state dry_0)" "1 1 10" "validated by the next real run"
vt_check_consistency
ssp_ok "--dry_run writes nothing"
