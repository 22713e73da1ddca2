#!/usr/bin/env bash
# A quorum of distinct volunteers: two replicas from one user (on two hosts), or from one
# host (of two users), count once: no quorum, no credit, no claim; when a third volunteer
# agrees, the extra replica is valid with no credit and no second claim. The validator
# warns at start when config.xml lets the scheduler send one user several replicas.
# Runtime credit cannot be inflated by one host: the issue's attack (quorum 1, 3e8 s of CPU
# at 1e11 FLOPS) gets rsc_fpops_est credit unless --trust_one_host_runtime, and then no
# more than the server saw (report time - sent time) x the host's CPUs allows.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-volunteers

vt_spec <<'SPEC'
app
user 1
user 2
user 3
host 11 1
host 12 1
host 13 2
host 14 3
wu oneuser 2 2 4.32e12
result oneuser 0 1 11 same
result oneuser 1 1 12 same
wu onehost 2 2 4.32e12
result onehost 0 1 11 same
result onehost 1 2 11 same
wu third 2 3 4.32e12
result third 0 1 11 t
result third 1 1 12 t
result third 2 2 13 t
SPEC
A1=$(vt_bind 1 "$(vt_key 1)")
vt_bind 2 "$(vt_key 2)" >/dev/null
vt_run || ssp_fail "validator run failed: $(cat "$T/run.log")"
assert_contains "$(cat "$T/run.log")" "lets the scheduler send one user several replicas" \
	"start warning about one_result_per_user_per_wu"

for wu in oneuser onehost; do
	assert_eq "$(vt_state ${wu}_0) / $(vt_state ${wu}_1)" "4 1 0 / 4 1 0" "$wu: both inconclusive"
	assert_eq "$(vt_sql "SELECT canonical_resultid, target_nresults FROM workunit WHERE name = '$wu'" |
		tr '\t' ' ')" "0 3" "$wu: no canonical result, one more replica asked for"
done
ssp_ok "two replicas of one user, or of one host: no quorum, no credit"

assert_eq "$(vt_state third_0)" "1 1 10" "third_0 valid and credited"
assert_eq "$(vt_state third_1)" "1 1 0" "third_1: same user as third_0: valid, no credit"
assert_eq "$(vt_state third_2)" "1 1 10" "third_2 valid and credited"
assert_eq "$(vt_sql "SELECT total_credit FROM user WHERE id = 1")" 10 "user 1 credited once"
assert_eq "$(vt_sql "SELECT total_credit FROM host WHERE id = 12")" 0 "host 12 not credited"
# BOINC's is_valid still books the valid duplicate: turnaround and daily quota
assert_eq "$(vt_sql "SELECT h.avg_turnaround, v.max_jobs_per_day FROM host h JOIN host_app_version v
	ON v.host_id = h.id WHERE h.id = 12" | tr '\t' ' ')" "3600 6" "the duplicate's host: turnaround, quota"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id = 1")" 1 "one ledger credit for user 1"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims c JOIN credits r USING (project_id, result_id)
	WHERE r.user_id = 1")" 1 "one claim for user 1"
assert_eq "$(vt_ledger "SELECT lower(hex(beneficiary)) FROM claims c JOIN credits r
	USING (project_id, result_id) WHERE r.user_id = 1")" "$(echo "${A1#0x}" | tr A-F a-f)" \
	"user 1's claim to the bound address"
assert_contains "$(cat "$T/run.log")" "already has result" "the duplicate is logged"
vt_check_consistency
ssp_ok "a third volunteer makes the quorum; the extra replica is valid with no credit"

# the runtime-credit attack: one result, 3e8 s of CPU on a host claiming 1e11 FLOPS
vt_sql "UPDATE host SET p_fpops = 1e11 WHERE id = 14"
vt_spec <<'SPEC'
wu rt1 1 1 4.32e12
result rt1 0 3 14 r cpu=300000000
SPEC
vt_sql "UPDATE workunit SET rsc_fpops_bound = 1e30 WHERE name = 'rt1'"
vt_run --credit_from_runtime || ssp_fail "run --credit_from_runtime"
# quorum 1 without --trust_one_host_runtime: rsc_fpops_est, 4.32e12 FLOPs = 10 credits
assert_eq "$(vt_state rt1_0)" "1 1 10" "quorum 1: runtime credit refused, rsc_fpops_est granted"
vt_spec <<'SPEC'
wu rt2 1 1 4.32e12
result rt2 0 3 14 r cpu=300000000
SPEC
vt_sql "UPDATE workunit SET rsc_fpops_bound = 1e30 WHERE name = 'rt2'"
vt_run --credit_from_runtime --trust_one_host_runtime || ssp_fail "run --trust_one_host_runtime"
# the server saw 3600 s (sent 7200 s, reported 3600 s ago) on a 1-CPU host:
# 3600 s x 1e11 FLOPS x 200 / 86400e9 = 833.333333 cobblestones (BOINC's scale), not 69,444,444
assert_eq "$(vt_state rt2_0)" "1 1 833.333333" "runtime claim clamped to the server-observed time"
# a claim above --max_granted_credit is clamped to it, not zeroed
vt_spec <<'SPEC'
wu rt3 1 1 4.32e12
result rt3 0 3 14 r cpu=300000000
SPEC
vt_sql "UPDATE workunit SET rsc_fpops_bound = 1e30 WHERE name = 'rt3'"
vt_run --credit_from_runtime --trust_one_host_runtime --max_granted_credit 100 ||
	ssp_fail "run --max_granted_credit"
assert_eq "$(vt_state rt3_0)" "1 1 100" "claim above the cap clamped to it"
vt_check_consistency
ssp_ok "runtime credit: quorum 1 refused by default; the attack gets what the server saw"
