#!/usr/bin/env bash
# What BOINC's validator writes besides the decision (sched/validator.cpp is_valid /
# is_invalid, sched/credit.cpp grant_credit, sched/sched_util.cpp compute_avg_turnaround):
# host_app_version.consecutive_valid and max_jobs_per_day (up by one per valid result,
# consecutive_valid only for replicated work units; an invalid result sets
# consecutive_valid to 0 and lowers the quota by one while above config.xml's
# daily_result_quota), host.avg_turnaround (0.7 old + 0.3 new), the app version's recent
# average credit, and credit to the host's owner. A cheating host's daily quota drops; a
# late result is judged against the canonical one and booked the same way.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-bookkeeping

# host 11 cheats; 12 and 13 are honest; host 15 belongs to user 5 (its results name user 6)
vt_spec <<'SPEC'
app
user 1
user 2
user 3
user 4
user 5
user 6
host 11 1
host 12 2
host 13 3
host 14 4
host 15 5
wu v1 2 2 4.32e12
result v1 0 1 11 ok1
result v1 1 2 12 ok1 sent=10000 recv=1000
wu v2 2 2 4.32e12
result v2 0 1 11 ok2
result v2 1 2 12 ok2
wu c1 2 3 4.32e12
result c1 0 1 11 bad
result c1 1 2 12 good1
result c1 2 3 13 good1
wu c2 2 3 4.32e12
result c2 0 1 11 bad
result c2 1 2 12 good2
result c2 2 3 13 good2
wu c3 2 3 4.32e12
result c3 0 1 11 bad
result c3 1 2 12 good3
result c3 2 3 13 good3
wu solo 1 1 4.32e12
result solo 0 6 15 s
SPEC
# the scheduler's replication for the app: a target_nresults 1 work unit is unreplicated
vt_sql "UPDATE app SET target_nresults = 2 WHERE id = 1"
hav() { vt_sql "SELECT max_jobs_per_day, consecutive_valid FROM host_app_version
	WHERE host_id = $1 AND app_version_id = 1" | tr '\t' ' '; }
assert_eq "$(hav 11)" "5 0" "host 11's quota starts at daily_result_quota"

# first pass: only v1 and v2 (by id), both valid
vt_run -max_wu_id "$(vt_sql "SELECT id FROM workunit WHERE name = 'v2'")" ||
	ssp_fail "run 1: $(cat "$T/run.log")"
assert_eq "$(hav 11)" "7 2" "two valid results: quota 5 -> 7, consecutive_valid 2"
assert_eq "$(hav 12)" "7 2" "host 12 likewise"
# host 12: turnarounds 9000 s then 3600 s: 9000, then 0.7 x 9000 + 0.3 x 3600 = 7380
assert_eq "$(vt_sql "SELECT avg_turnaround FROM host WHERE id = 12")" 7380 "host.avg_turnaround"
assert_eq "$(vt_sql "SELECT avg_turnaround FROM host WHERE id = 11")" 3600 "host 11's turnaround"
# BOINC's get_pfc statistics (AVERAGE / AVERAGE_VAR of lib/average.h, worked by hand):
# each result ran 101 s (elapsed_time) at flops_estimate 3e9 for rsc_fpops_est 4.32e12, so
# its PFC sample is 101 x 3e9 / 4.32e12 = 0.0701388…; host 12's turnarounds 9000 then 3600
# give avg 6300, q = -5400 x (3600 - 6300) = 14580000, var = q / 2
assert_eq "$(vt_sql "SELECT pfc_n, ROUND(pfc_avg, 9), et_n, et_var, turnaround_n,
	turnaround_avg, turnaround_var, turnaround_q FROM host_app_version WHERE host_id = 12" |
	tr '\t' ' ')" "2 0.070138889 2 0 2 6300 7290000 14580000" "host_app_version statistics"
assert_eq "$(vt_sql "SELECT pfc_n, ROUND(pfc_avg, 9) FROM app_version WHERE id = 1" | tr '\t' ' ')" \
	"4 0.070138889" "app version PFC average (4 valid results)"
ssp_ok "valid results raise the daily quota and consecutive_valid; turnaround and PFC statistics"

# the cheater's three wrong results: consecutive_valid 0, quota 7 -> 6 -> 5, not below 5
# (row by row: the path a MySQL server, without MariaDB's bulk execution, takes)
SSP_BOINCDB_NO_BULK=1 vt_run || ssp_fail "run 2: $(cat "$T/run.log")"
for w in c1 c2 c3; do
	assert_eq "$(vt_state ${w}_0)" "2 1 0" "$w: the cheater's result invalid"
done
assert_eq "$(hav 11)" "5 0" "cheating host: consecutive_valid 0, quota back down to 5"
assert_eq "$(hav 12)" "10 5" "honest host 12: quota 10, consecutive_valid 5"
assert_eq "$(hav 13)" "8 3" "honest host 13: quota 8, consecutive_valid 3"
# unreplicated (target_nresults 1 below the app's 2): quota up, consecutive_valid not
assert_eq "$(hav 15)" "6 0" "unreplicated work unit: quota up, consecutive_valid unchanged"
# grant_credit credits the host's owner: user 5, not the result's user 6
assert_eq "$(vt_sql "SELECT id, total_credit FROM user WHERE id IN (5, 6) ORDER BY id" |
	tr '\t\n' ' ,')" "5 10,6 0," "credit goes to the host's owner"
assert_eq "$(vt_ledger "SELECT user_id FROM credits WHERE result_id =
	$(vt_sql "SELECT id FROM result WHERE name = 'solo_0'")")" 5 "the ledger credit is the owner's"
# the app version's recent average: 20 valid results of 10 credits each were granted
read -r avc avt <<<"$(vt_sql "SELECT expavg_credit, expavg_time FROM app_version WHERE id = 1")"
awk -v c="$avc" -v t="$avt" 'BEGIN { exit !(c > 0 && t > 1e9) }' ||
	ssp_fail "app_version expavg_credit $avc expavg_time $avt not updated"
ssp_ok "a cheating host's daily quota drops; the host's owner is credited; app version stats"

# late results: one agrees with c1's canonical result (host 14), one does not (host 11)
vt_spec <<'SPEC'
result c1 3 4 14 good1
result c2 3 1 11 bad
SPEC
vt_sql "UPDATE host_app_version SET max_jobs_per_day = 9 WHERE host_id = 11"
vt_run || ssp_fail "run 3: $(cat "$T/run.log")"
assert_eq "$(vt_state c1_3)" "1 1 10" "late agreeing result valid with the canonical credit"
assert_eq "$(vt_state c2_3)" "2 1 0" "late wrong result invalid"
assert_eq "$(hav 14)" "6 1" "late valid result: quota and consecutive_valid up"
assert_eq "$(hav 11)" "8 0" "late invalid result: quota down by one"
assert_eq "$(vt_sql "SELECT avg_turnaround FROM host WHERE id = 14")" 3600 "late result's turnaround"
vt_check_consistency
ssp_ok "late results booked as BOINC does"
