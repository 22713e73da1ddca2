#!/usr/bin/env bash
# The mode that keeps the project's own validator: ssp_signer --grant_app claims the credit
# another BOINC validator granted. That validator is played by the statement BOINC's
# validator runs for each result (DB_VALIDATOR_ITEM_SET::update_result in db/boinc_db.cpp:
# "update result set validate_state=…, granted_credit=…, server_state=…, outcome=…, opaque=…,
# runtime_outlier=… where id=…", autocommit) and its work-unit update, on rows made as
# BOINC's programs leave them (tests/helpers/vfixture), with CreditNew-style fractional
# credit. Results are validated before the first run (not claimed), while the signer runs
# (out of id order), while it is down, while it is killed mid-pass, and in a transaction
# committed only after the signer's position has moved past its UPDATE (a late commit). A
# user credited for two replicas of one work unit is claimed once; a result whose outputs
# the file deleter removed gets a zero resultDigest; another app's credit is left alone;
# a later mod_time bump changes nothing; with grant_check_receipt a result without its share
# receipt is not claimed. Each credited result is claimed exactly once,
# bindings are honoured, the batches are minted on anvil, and ssp export + ssp audit
# report CLEAN.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup signer-keep-validator
on_exit ssp_anvil_stop
ssp_anvil_tools || exit 77
[ -x "$TU" ] && [ -x "$BRIDGE" ] && [ -x "$SIGNER" ] || { echo "SKIP: helpers not built"; exit 77; }
[ -s "$CONTRACTS/ShareMinter.bin" ] || { echo "SKIP: contracts not built"; exit 77; }

# rows: 40 work units of two results each (users 1..4, hosts 1..8: host h belongs to user
# 1 + (h-1) % 4), returned and waiting for the project's validator; w_dup has two results
# of user 1 (hosts 1 and 5)
{
	echo app
	for u in 1 2 3 4; do echo "user $u"; done
	for h in 1 2 3 4 5 6 7 8; do echo "host $h $((1 + (h - 1) % 4))"; done
	for w in $(seq 1 40); do
		echo "wu w$w 2 2 4.32e12"
		h1=$((1 + w % 8)) h2=$((1 + (w + 3) % 8))
		echo "result w$w 0 $((1 + (h1 - 1) % 4)) $h1 out_$w"
		echo "result w$w 1 $((1 + (h2 - 1) % 4)) $h2 out_$w"
	done
	echo "wu w_dup 2 2 4.32e12"
	echo "result w_dup 0 1 1 dup"
	echo "result w_dup 1 1 5 dup"
	echo "wu w_rc 2 2 4.32e12"
	echo "result w_rc 0 2 2 rc"
	echo "result w_rc 1 3 3 rc noreceipt"
} | vt_spec
# another app, whose credit is not ours to claim
vt_sql "CREATE TEMPORARY TABLE t AS SELECT * FROM app WHERE id = 1;
	UPDATE t SET id = 2, name = 'other', user_friendly_name = 'other';
	INSERT INTO app SELECT * FROM t;
	UPDATE result SET appid = 2 WHERE name IN ('w40_0', 'w40_1');
	UPDATE workunit SET appid = 2 WHERE name = 'w40'"
for u in 1 2 3; do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done # user 4: no binding yet

# the project's validator (stand-in: BOINC's own UPDATE statements, one per row)
credit_of() { awk -v n="$1" 'BEGIN { printf "%.13f", 10 + n * 1.37 + n / 7.0 }'; } # CreditNew-like
validate() { # RESULT-NAME...
	local r n
	for r in "$@"; do
		n=$(vt_sql "SELECT id FROM result WHERE name = '$r'")
		vt_sql "update result set validate_state=1, granted_credit=$(credit_of "$n"),
			server_state=5, outcome=1, opaque=0.000000, runtime_outlier=0 where id=$n"
	done
	vt_sql "update workunit set need_validate=0, error_mask=0, assimilate_state=1,
		transition_time=UNIX_TIMESTAMP(), canonical_resultid=(SELECT min(id) FROM result r
		WHERE r.workunitid = workunit.id AND r.validate_state = 1)
		where id IN (SELECT workunitid FROM result WHERE name IN ('$(echo "$*" | sed "s/ /','/g")'))"
}
validate w1_0 w1_1 w2_0 w2_1 # before the signer ever ran: not claimed (grant_since)
sleep 1.2

# the chain, the signer's ssp.conf ([signer] grant_apps) and the bridge
ssp_anvil_start "$T" || ssp_fail "anvil did not start"
printf 'test password\n' >"$T/pw"
chmod 600 "$T/pw"
"$TU" keystore "$T/ks0.json" "$T/pw" "$(ssp_anvil_key 0 | sed 's/^0x//')" || ssp_fail "keystore 0"
"$TU" keystore "$T/ks2.json" "$T/pw" "$(ssp_anvil_key 2 | sed 's/^0x//')" || ssp_fail "keystore 2"
cat >>"$P/ssp.conf" <<EOF2

[signer]
grant_apps = ssp
grant_overlap = 30

[bridge]
keystore = $T/ks2.json
password_file = $T/pw
confirmations = 1
poll_interval = 0.2
EOF2
out=$("$SSP" deploy --rpc "$SSP_ANVIL_URL" --keystore "$T/ks0.json" --password-file "$T/pw" \
	--signer "$VADDR" --threshold 1 --rate "$RATE" --contracts "$CONTRACTS" --conf "$P/ssp.conf" 2>&1) ||
	ssp_fail "deploy failed: $out"
MINTER=$(printf '%s\n' "$out" | sed -n 's/^minter //p')

SPID=
start_signer() {
	"$SIGNER" --project_dir "$P" --sleep_interval 1 --batch_size 7 --batch_window 100000 \
		>>"$T/signer.log" 2>&1 &
	SPID=$!
}
stop_signer() { kill -KILL "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
ledger_has() { [ "$(vt_ledger "SELECT count(*) FROM credits WHERE result_id = $(vt_sql "SELECT id FROM result WHERE name = '$1'")" 2>/dev/null)" = 1 ]; }
wait_ledger() { # RESULT-NAME...
	local r i
	for r in "$@"; do
		for ((i = 0; i < 150; i++)); do ledger_has "$r" && break; sleep 0.1; done
		ledger_has "$r" || ssp_fail "$r not in the ledger: $(tail -5 "$T/signer.log")"
	done
}
pos() { vt_sql "SELECT pos FROM ssp_grant_position"; }

start_signer
for ((i = 0; i < 100; i++)); do [ -n "$(pos 2>/dev/null)" ] && break; sleep 0.1; done
[ -n "$(pos)" ] || ssp_fail "no grant position: $(tail -5 "$T/signer.log")"
# while it runs, out of id order
validate w9_1 w9_0 w8_0 w8_1 w7_0 w7_1 w3_0 w3_1
validate w_dup_0 w_dup_1
wait_ledger w9_1 w9_0 w8_0 w8_1 w7_0 w7_1 w3_0 w3_1 w_dup_0
ssp_ok "results validated while the signer runs, out of id order: in the ledger"

# a late commit: the UPDATE runs, the signer's position moves past it, then the COMMIT
mkfifo "$T/late.fifo"
ssp_mariadb_sql -N -B boinc <"$T/late.fifo" >"$T/late.out" 2>&1 &
late_pid=$!
exec 7>"$T/late.fifo"
late_id=$(vt_sql "SELECT id FROM result WHERE name = 'w4_0'")
echo "SET autocommit = 0; update result set validate_state=1, granted_credit=$(credit_of "$late_id"), server_state=5, outcome=1, opaque=0.000000, runtime_outlier=0 where id=$late_id;" >&7
for ((i = 0; i < 100; i++)); do
	[ "$(vt_sql "SELECT count(*) FROM information_schema.innodb_trx WHERE trx_rows_modified > 0")" = 1 ] && break
	sleep 0.1
done
upd=$(vt_sql "SELECT UNIX_TIMESTAMP()")
for ((i = 0; i < 100; i++)); do [ "$(pos)" -gt $((upd + 1)) ] && break; sleep 0.1; done
[ "$(pos)" -gt $((upd + 1)) ] || ssp_fail "the grant position did not move"
ledger_has w4_0 && ssp_fail "an uncommitted result in the ledger"
echo "COMMIT;" >&7
exec 7>&-
wait "$late_pid" || ssp_fail "the late transaction failed: $(cat "$T/late.out")"
mt=$(vt_sql "SELECT UNIX_TIMESTAMP(mod_time) FROM result WHERE id = $late_id")
[ "$mt" -lt "$(pos)" ] || ssp_fail "not a late commit: mod_time $mt, position $(pos)"
wait_ledger w4_0
ssp_ok "a commit landing after the position moved past its mod_time ($mt < $(pos)): claimed"

# down: validated meanwhile, outputs of one removed by the file deleter before the restart
stop_signer
validate w4_1 w5_0 w5_1 w6_0 w6_1
rm -f "$(find "$P/upload" -name 'w5_0_0')"
start_signer
wait_ledger w4_1 w5_0 w5_1 w6_0 w6_1
ssp_ok "results validated while the signer was down: claimed after the restart"

# killed mid-pass, again and again, while the project's validator goes on
for w in $(seq 10 39); do
	validate "w${w}_1" "w${w}_0"
	if [ $((w % 3)) = 0 ]; then
		sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", (r % 400) / 1000 }')"
		stop_signer
		start_signer
	fi
done
validate w40_0 w40_1 # the other app
wait_ledger w39_0 w39_1 w10_0
# the file deleter marks files deleted: mod_time moves, nothing is claimed twice
vt_sql "UPDATE result SET file_delete_state = 2 WHERE name REGEXP '^w1[0-9]_'"
sleep 2.5
vt_bind 4 "$(vt_key 4)" >/dev/null # user 4 binds: their waiting credit is claimed
sleep 2.5
stop_signer
# the share receipt checked (grant_check_receipt): w_rc_1 has none
validate w_rc_0 w_rc_1
for _ in 1 2; do # the second pass seals what the first signed, once a second old
	"$SIGNER" --one_pass --project_dir "$P" --batch_size 7 --batch_window 1 --grant_check_receipt \
		>>"$T/signer.log" 2>&1 || ssp_fail "final pass: $(tail -3 "$T/signer.log")"
	sleep 1.1
done
ledger_has w_rc_0 || ssp_fail "w_rc_0 (a good receipt) not claimed: $(grep w_rc "$T/signer.log" | tail -3)"
ledger_has w_rc_1 && ssp_fail "w_rc_1 (no receipt) claimed with grant_check_receipt"
assert_contains "$(grep "w_rc_1" "$T/signer.log")" "not claimed: share receipt" "the refusal logged"
ssp_ok "grant_check_receipt: a result without its share receipt is not claimed"
grep CRITICAL "$T/signer.log" && ssp_fail "a CRITICAL line in the log"

# exactly the credit the project's validator granted to app ssp after the first run, once
# per result, one result per user and work unit, in micro-cobblestones (llround, as BOINC's
# double is read)
want=$(vt_sql "SELECT r.id, COALESCE(h.userid, r.userid), ROUND(r.granted_credit * 1000000) FROM result r
	LEFT JOIN host h ON h.id = r.hostid
	WHERE r.appid = 1 AND r.validate_state = 1 AND r.granted_credit > 0
	AND r.name NOT IN ('w1_0', 'w1_1', 'w2_0', 'w2_1', 'w_dup_1', 'w_rc_1') ORDER BY r.id" | tr '\t' ' ')
got=$(vt_ledger "SELECT result_id || ' ' || user_id || ' ' || credit FROM credits ORDER BY result_id")
[ "$want" = "$got" ] || ssp_fail "ledger credits differ from the granted credit:
$(diff <(echo "$want") <(echo "$got") | head)"
n=$(echo "$got" | wc -l)
assert_eq "$n" 76 "76 credits: 84 results less 4 validated before the first run, 2 of the other app, w_dup_1, w_rc_1"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims")" "$n" "every credit claimed (all users bound now)"
assert_eq "$(vt_ledger "SELECT max(seq) FROM claims")" "$n" "seq gap-free"
assert_eq "$(vt_ledger "SELECT count(DISTINCT workunit_id || '/' || user_id) FROM credits")" "$n" \
	"one credit per user and work unit"
assert_contains "$(cat "$T/signer.log")" "already has result" "the second replica logged"
# bindings: each claim pays the user's bound address
for u in 1 2 3 4; do
	a=$("$VCAST" wallet address --private-key "$(vt_key "$u")" | tr A-F a-f)
	assert_eq "$(vt_ledger "SELECT count(*) FROM claims c JOIN credits r USING (project_id, result_id)
		WHERE r.user_id = $u AND lower(hex(c.beneficiary)) <> '${a#0x}'")" 0 "user $u paid to its binding"
done
# resultDigest: sha256sum of the output's sha256 (the receipt excluded); zero when deleted
out=$(find "$P/upload" -name 'w6_0_0')
d=$(sha256sum "$out" | cut -d' ' -f1 | xxd -r -p | sha256sum | cut -d' ' -f1)
assert_eq "$(vt_ledger "SELECT lower(hex(result_digest)) FROM credits WHERE result_id =
	$(vt_sql "SELECT id FROM result WHERE name = 'w6_0'")")" "$d" "resultDigest of w6_0"
assert_eq "$(vt_ledger "SELECT lower(hex(result_digest)) FROM credits WHERE result_id =
	$(vt_sql "SELECT id FROM result WHERE name = 'w5_0'")")" "$(printf '0%.0s' $(seq 64))" \
	"resultDigest of w5_0 (outputs deleted): zero"
out=$(find "$P/upload" -name 'w_rc_0_0')
d=$(sha256sum "$out" | cut -d' ' -f1 | xxd -r -p | sha256sum | cut -d' ' -f1)
assert_eq "$(vt_ledger "SELECT lower(hex(result_digest)) FROM credits WHERE result_id =
	$(vt_sql "SELECT id FROM result WHERE name = 'w_rc_0'")")" "$d" "resultDigest of w_rc_0 (from its receipt)"
ssp_ok "each credited result claimed exactly once, bindings honoured, digests (zero when deleted)"

# minted, exported, audited
CONF=$P/ssp.conf
bridge_until_final 120
"$SSP" export --conf "$P/ssp.conf" --out "$T/export" -q >"$T/export.out" 2>&1 ||
	ssp_fail "ssp export failed: $(cat "$T/export.out")"
run_audit "$T/export"
assert_eq "$ST" 0 "audit exit status (output: $OUT)"
assert_contains "$OUT" "CLEAN" "clean report"
assert_contains "$OUT" "1 claim without output digest" "the zero digest counted"
assert_contains "$OUT" "claims    $n: $n in batches, 0 not yet" "every claim batched and exported"
ssp_ok "minted on anvil; ssp export + ssp audit: CLEAN"
