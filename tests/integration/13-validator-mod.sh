#!/usr/bin/env bash
# --mod N I splits the work units between validators with no overlap and no gap: three
# validators run at once on one database; each handles exactly the work units with
# id mod 3 == I; together they validate all of them once; the signer's claims stay gap-free.
# --threads N: one validator writing work units on N connections at once, alone and
# combined with --mod, gives the same exact accounts.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-mod

echo -e "app\nbulk 90 6 12" | vt_spec
for u in 1 2 3 4; do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done

pids=()
for i in 0 1 2; do
	"$VALIDATOR" --app ssp --one_pass --project_dir "$P" --mod 3 "$i" --chunk 7 --batch_size 10 \
		>"$T/mod$i.log" 2>&1 &
	pids+=($!)
done
for i in 0 1 2; do
	wait "${pids[$i]}" || ssp_fail "validator --mod 3 $i failed: $(tail -3 "$T/mod$i.log")"
done
vt_sign --batch_size 10 || ssp_fail "signer failed: $(tail -3 "$T/sign.log")"

total=0
for i in 0 1 2; do
	ids=$(sed -n 's/.*\[WU#\([0-9]*\) bw_[0-9]*\] canonical result.*/\1/p' "$T/mod$i.log" | sort -n)
	n=$(echo "$ids" | grep -c . || true)
	[ "$n" -eq 30 ] || ssp_fail "--mod 3 $i validated $n work units, expected 30"
	for id in $ids; do
		[ $((id % 3)) -eq "$i" ] || ssp_fail "--mod 3 $i handled work unit $id"
	done
	echo "$ids" >>"$T/all-ids"
	total=$((total + n))
done
assert_eq "$(sort -n "$T/all-ids" | uniq | wc -l)" 90 "every work unit handled once"
assert_eq "$total" 90 "no work unit handled twice"
assert_eq "$(vt_sql "SELECT count(*) FROM workunit WHERE canonical_resultid > 0 AND need_validate = 0")" 90 \
	"all 90 work units have a canonical result"
assert_eq "$(vt_sql "SELECT count(*) FROM result WHERE validate_state = 1")" 180 "180 valid results"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits")" 180 "180 ledger credits"
# users 1..4 are bound: their credits are all claimed by the signer
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE claimed = 1")" \
	"$(vt_ledger "SELECT count(*) FROM credits WHERE user_id <= 4")" "bound users' credits claimed"
vt_check_consistency
ssp_ok "--mod 3 I: three concurrent validators split 90 work units without overlap"

# a second pass finds nothing to do
vt_run --mod 3 1 || ssp_fail "second pass"
assert_contains "$(cat "$T/run.log")" "done: 0 work units written" "nothing left"
ssp_ok "nothing validated twice"

# threads: 4 connections writing at once (lock waits and deadlock retries on shared users)
echo "bulk 400 6 12 1001" | vt_spec
vt_run --threads 4 --chunk 50 || ssp_fail "--threads 4: $(tail -3 "$T/run.log")"
assert_contains "$(cat "$T/run.log")" "done: 400 work units written, 800 valid" "--threads 4 wrote 400 work units"
echo "bulk 300 6 12 2001" | vt_spec
for i in 0 1; do
	# the second one writes row by row, as with a MySQL server (no array binding)
	if [ "$i" = 1 ]; then
		SSP_BOINCDB_NO_BULK=1 "$VALIDATOR" --app ssp --one_pass --project_dir "$P" \
			--mod 2 "$i" --threads 3 --chunk 20 >"$T/tm$i.log" 2>&1 &
	else
		"$VALIDATOR" --app ssp --one_pass --project_dir "$P" \
			--mod 2 "$i" --threads 3 --chunk 20 >"$T/tm$i.log" 2>&1 &
	fi
	eval "tpid$i=\$!"
done
wait "$tpid0" || ssp_fail "--mod 2 0 --threads 3 failed"
wait "$tpid1" || ssp_fail "--mod 2 1 --threads 3 failed"
assert_eq "$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate > 0")" 0 "all validated"
assert_eq "$(vt_sql "SELECT count(*) FROM result WHERE validate_state = 1")" 1580 "1580 valid results"
vt_sign || ssp_fail "signer failed: $(tail -3 "$T/sign.log")"
vt_check_consistency
ssp_ok "--threads alone and with --mod, with and without array binding: exact accounts"
