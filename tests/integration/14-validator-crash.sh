#!/usr/bin/env bash
# Crash safety: ssp_validator and ssp_signer, running together, are killed with SIGKILL
# at random instants (inside database transactions, outbox draining, ledger writes, claim
# signing and batch sealing) at least 20 times and restarted. At the end the BOINC credit totals, the ledger credits and the claims agree
# exactly: no credit lost or doubled, the outbox empty, claim seq and batches gap-free.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-crash

KILLS=${SSP_CRASH_KILLS:-24}
echo -e "app\nbulk 1500 8 16" | vt_spec
for u in 1 2 3 4 5 6; do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done

killed=0 finished=0 i=0 pending_outbox=0 pending_claims=0
while [ "$killed" -lt "$KILLS" ]; do
	i=$((i + 1))
	[ "$i" -le $((KILLS * 3)) ] || ssp_fail "could not kill the validator $KILLS times"
	# more work arrives now and then, so that there is always something to interrupt
	if [ $((i % 6)) -eq 0 ]; then
		echo "bulk 150 8 16 $((100000 + i * 1000))" | vt_spec
	fi
	"$VALIDATOR" --app ssp --project_dir "$P" --sleep_interval 1 --chunk 12 --claim_interval 0 --update_credited_job \
		--threads $((i % 2 ? 1 : 3)) \
		>>"$T/validator.log" 2>&1 &
	pid=$!
	"$SIGNER" --project_dir "$P" --sleep_interval 1 --batch_size 9 --batch_window 100000 \
		>>"$T/validator.log" 2>&1 &
	spid=$!
	# a random instant between 20 ms and 700 ms after the start (the signer a little
	# earlier or later)
	sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.02 + (r % 680) / 1000 }')"
	if kill -KILL "$pid" 2>/dev/null; then
		killed=$((killed + 1))
	else
		finished=$((finished + 1))
	fi
	sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", (r % 200) / 1000 }')"
	kill -KILL "$spid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	# what the restart has to recover: credits committed in BOINC but not yet in the
	# ledger (the outbox), credits in the ledger not yet claimed by bound users
	[ "$(vt_sql "SELECT count(*) FROM ssp_credit_outbox")" = 0 ] || pending_outbox=$((pending_outbox + 1))
	[ "$(vt_ledger "SELECT count(*) FROM credits WHERE claimed = 0 AND user_id <= 6" 2>/dev/null || echo 0)" = 0 ] ||
		pending_claims=$((pending_claims + 1))
done
echo "killed $killed times (and $finished runs ended on their own); $pending_outbox kills left" \
	"outbox rows, $pending_claims left unclaimed credit of bound users"
grep -q "CRITICAL" "$T/validator.log" && ssp_fail "a CRITICAL line in the log: $(grep CRITICAL "$T/validator.log" | head -3)"

# finish the work undisturbed
vt_run --batch_size 9 --batch_window 100000 --update_credited_job || ssp_fail "the final run failed: $(tail -5 "$T/run.log")"
left=$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate > 0")
assert_eq "$left" 0 "every work unit validated"
nwu=$(vt_sql "SELECT count(*) FROM workunit")
assert_eq "$(vt_sql "SELECT count(*) FROM result WHERE validate_state = 1")" $((2 * nwu)) "every result valid once"
assert_eq "$(vt_sql "SELECT count(*) FROM credited_job")" \
	"$(vt_sql "SELECT count(*) FROM (SELECT DISTINCT userid, workunitid FROM result WHERE validate_state = 1) x")" \
	"credited_job rows"
vt_check_consistency
assert_eq "$(vt_ledger "SELECT sum(credit) FROM credits")" \
	"$(vt_sql "SELECT ROUND(SUM(total_credit) * 1000000) FROM user")" "ledger total = users' total"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE claimed = 1")" \
	"$(vt_ledger "SELECT count(*) FROM credits WHERE user_id <= 6")" "bound users' credits all claimed"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims")" \
	"$(vt_ledger "SELECT count(*) FROM credits WHERE claimed = 1")" "one claim per claimed credit"
# batches: contiguous seq ranges from 1, each holding exactly its claims
assert_eq "$(vt_ledger "SELECT count(*) FROM batches b WHERE b.first_seq <> 1 AND NOT EXISTS
	(SELECT 1 FROM batches p WHERE p.last_seq = b.first_seq - 1)")" 0 "batches contiguous"
assert_eq "$(vt_ledger "SELECT count(*) FROM batches b WHERE b.nclaims <>
	(SELECT count(*) FROM claims c WHERE c.batch_id = b.id)")" 0 "batches hold their claims"
assert_eq "$(vt_ledger "SELECT count(*) FROM batches b WHERE b.total_credit <>
	(SELECT sum(r.credit) FROM claims c JOIN credits r USING (project_id, result_id) WHERE c.batch_id = b.id)")" \
	0 "batch totals"
ssp_ok "$killed SIGKILLs: BOINC credit, ledger credits and claims agree exactly"
