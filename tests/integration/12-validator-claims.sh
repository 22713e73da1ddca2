#!/usr/bin/env bash
# Payout bindings and claims: a forged binding, a binding for another user, one for another
# project, malformed preferences, or none keep the credit without a claim and log why; a
# binding added later gets the waiting credit claimed. Every claim's and batch's signature,
# the batches' payouts hash and claims root, the project id and a result digest are
# recomputed with independent tools (foundry's cast, coreutils) and must match the ledger.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-claims

{
	echo app
	for u in 1 2 3 4 5 6; do
		echo "user $u"
		echo "host $((10 + u)) $u"
		for k in 1 2; do
			echo "wu w${u}_$k 1 1 $((432000000000 * u * k))"
			echo "result w${u}_$k 0 $u $((10 + u)) out_${u}_$k"
		done
	done
} | vt_spec

A1=$(vt_bind 1 "$(vt_key 1)")
# user 2: the address of key 2, the signature of key 7 (forged)
addr2=$("$VCAST" wallet address --private-key "$(vt_key 2)")
text2=$(printf 'SmartShare payout binding\nproject: %s\nuser: 2\naddress: %s' "$MASTER_URL" "$addr2")
sig7=$("$VCAST" wallet sign --private-key "$(vt_key 7)" "$text2")
vt_sql "UPDATE user SET project_prefs = '<project_preferences><project_specific><ssp_address>$addr2</ssp_address><ssp_binding>$sig7</ssp_binding></project_specific></project_preferences>' WHERE id = 2"
vt_bind 3 "$(vt_key 3)" "$MASTER_URL" 99 >/dev/null          # signed for user 99
vt_bind 5 "$(vt_key 5)" "http://other.example/proj/" >/dev/null # signed for another project
vt_sql "UPDATE user SET project_prefs = '<project_preferences><project_specific><ssp_address>0x12' WHERE id = 6"
# user 4: no preferences at all

vt_run --batch_size 2 --batch_window 100000 || ssp_fail "validator run failed: $(cat "$T/run.log")"
log=$(cat "$T/run.log")
assert_eq "$(vt_ledger "SELECT count(*) FROM credits")" 12 "every valid result has a ledger credit"
assert_eq "$(vt_ledger "SELECT group_concat(user_id) FROM (SELECT DISTINCT r.user_id FROM claims c
	JOIN credits r USING (project_id, result_id) ORDER BY 1)")" "1" "only user 1 has claims"
assert_eq "$(vt_ledger "SELECT count(*) FROM credits WHERE claimed = 0")" 10 "10 credits kept unclaimed"
assert_contains "$log" "[USER#2] credit kept, no claim: the payout binding's signature" "forged binding logged"
assert_contains "$log" "[USER#3] credit kept, no claim: the payout binding's signature" "other user's binding logged"
assert_contains "$log" "[USER#5] credit kept, no claim: the payout binding's signature" "other project's binding logged"
assert_contains "$log" "[USER#4] credit kept, no claim: no payout binding in project_prefs" "no binding logged"
assert_contains "$log" "[USER#6] credit kept, no claim: project_prefs: " "malformed prefs logged"
assert_eq "$(vt_sql "SELECT total_credit FROM user WHERE id = 4")" 12 "BOINC credit granted without a binding"
ssp_ok "credit kept without a valid binding, one log line each"

# bindings appear: the waiting credit is claimed (no new work needed)
A4=$(vt_bind 4 "$(vt_key 4)")
A2=$(vt_bind 2 "$(vt_key 2)")
vt_run --batch_size 2 --batch_window 100000 || ssp_fail "second run failed"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims")" 6 "users 1, 2 and 4 claimed"
assert_eq "$(vt_ledger "SELECT group_concat(r.user_id || ':' || lower(hex(c.beneficiary)), ' ')
	FROM claims c JOIN credits r USING (project_id, result_id) WHERE c.seq > 2 ORDER BY c.seq")" \
	"2:$(echo "${A2#0x}" | tr A-F a-f) 2:$(echo "${A2#0x}" | tr A-F a-f) 4:$(echo "${A4#0x}" | tr A-F a-f) 4:$(echo "${A4#0x}" | tr A-F a-f)" \
	"late bindings claimed in user order"
assert_eq "$(vt_ledger "SELECT count(*) FROM batches")" 3 "three batches of two claims"
vt_check_consistency
ssp_ok "bindings added later: waiting credit claimed, batches sealed every 2 claims"

# ---- independent checks with cast ----
project=$("$VCAST" keccak "$MASTER_URL")
assert_eq "0x$(vt_ledger "SELECT lower(hex(project)) FROM projects")" "$project" "project = keccak256(master_url)"
domain='"domain":{"name":"SmartShare","version":"1","chainId":"'$CHAIN_ID'","verifyingContract":"'$MINTER'"}'
dtype='"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}]'
ctype='"ShareClaim":[{"name":"project","type":"bytes32"},{"name":"seq","type":"uint64"},{"name":"resultId","type":"uint64"},{"name":"workunitId","type":"uint64"},{"name":"userId","type":"uint64"},{"name":"hostId","type":"uint64"},{"name":"beneficiary","type":"address"},{"name":"credit","type":"uint64"},{"name":"resultDigest","type":"bytes32"},{"name":"grantedAt","type":"uint64"}]'
btype='"ShareBatch":[{"name":"project","type":"bytes32"},{"name":"firstSeq","type":"uint64"},{"name":"lastSeq","type":"uint64"},{"name":"claimsRoot","type":"bytes32"},{"name":"payoutsHash","type":"bytes32"},{"name":"totalCredit","type":"uint64"}]'
CLAIM_TYPE='ShareClaim(bytes32 project,uint64 seq,uint64 resultId,uint64 workunitId,uint64 userId,uint64 hostId,address beneficiary,uint64 credit,bytes32 resultDigest,uint64 grantedAt)'
claim_typehash=$("$VCAST" keccak "$CLAIM_TYPE")

declare -A leaf
n=0
while IFS='|' read -r seq rid wid uid hid ben credit digest at sig; do
	json='{"types":{'$dtype','$ctype'},"primaryType":"ShareClaim",'$domain',"message":{"project":"'$project'","seq":"'$seq'","resultId":"'$rid'","workunitId":"'$wid'","userId":"'$uid'","hostId":"'$hid'","beneficiary":"0x'$ben'","credit":"'$credit'","resultDigest":"0x'$digest'","grantedAt":"'$at'"}}'
	echo "$json" >"$T/claim.json"
	"$VCAST" wallet verify --address "$VADDR" --data --from-file "$T/claim.json" "0x$sig" >/dev/null 2>&1 ||
		ssp_fail "cast rejects the signature of claim $seq"
	enc=$("$VCAST" abi-encode "f(bytes32,bytes32,uint64,uint64,uint64,uint64,uint64,address,uint64,bytes32,uint64)" \
		"$claim_typehash" "$project" "$seq" "$rid" "$wid" "$uid" "$hid" "0x$ben" "$credit" "0x$digest" "$at")
	leaf[$seq]=$("$VCAST" keccak "$enc")
	n=$((n + 1))
done < <(vt_ledger "SELECT c.seq, c.result_id, r.workunit_id, r.user_id, r.host_id, lower(hex(c.beneficiary)),
	r.credit, lower(hex(r.result_digest)), r.granted_at, lower(hex(c.signature))
	FROM claims c JOIN credits r USING (project_id, result_id) ORDER BY c.seq" | tr -d '\r')
assert_eq "$n" 6 "six claims verified"
ssp_ok "cast verifies every claim's EIP-712 signature by $VADDR"

merkle() { # leaves... -> root (sorted pairs, odd node carried up)
	local -a level=("$@") next
	local i a b
	while [ "${#level[@]}" -gt 1 ]; do
		next=()
		for ((i = 0; i < ${#level[@]}; i += 2)); do
			if ((i + 1 < ${#level[@]})); then
				a=${level[$i]#0x}
				b=${level[$((i + 1))]#0x}
				if [[ "$a" > "$b" ]]; then next+=("$("$VCAST" keccak "0x$b$a")"); else next+=("$("$VCAST" keccak "0x$a$b")"); fi
			else
				next+=("${level[$i]}")
			fi
		done
		level=("${next[@]}")
	done
	echo "${level[0]}"
}

nb=0
while IFS='|' read -r id first last root phash total sig signer; do
	json='{"types":{'$dtype','$btype'},"primaryType":"ShareBatch",'$domain',"message":{"project":"'$project'","firstSeq":"'$first'","lastSeq":"'$last'","claimsRoot":"0x'$root'","payoutsHash":"0x'$phash'","totalCredit":"'$total'"}}'
	echo "$json" >"$T/batch.json"
	assert_eq "0x$signer" "$(echo "$VADDR" | tr A-F a-f | sed 's/^0X/0x/')" "batch $id signer"
	"$VCAST" wallet verify --address "$VADDR" --data --from-file "$T/batch.json" "0x$sig" >/dev/null 2>&1 ||
		ssp_fail "cast rejects the signature of batch $id"
	leaves=()
	for ((s = first; s <= last; s++)); do leaves+=("${leaf[$s]}"); done
	assert_eq "$(merkle "${leaves[@]}")" "0x$root" "batch $id claims root"
	payouts=$(vt_ledger "SELECT '(0x' || lower(hex(beneficiary)) || ',' || credit || ')' FROM batch_payouts
		WHERE batch_id = $id ORDER BY beneficiary" | paste -sd, -)
	assert_eq "$("$VCAST" keccak "$("$VCAST" abi-encode "f((address,uint64)[])" "[$payouts]")")" "0x$phash" \
		"batch $id payouts hash"
	assert_eq "$(vt_ledger "SELECT sum(credit) FROM batch_payouts WHERE batch_id = $id")" "$total" "batch $id total"
	nb=$((nb + 1))
done < <(vt_ledger "SELECT b.id, b.first_seq, b.last_seq, lower(hex(b.claims_root)), lower(hex(b.payouts_hash)),
	b.total_credit, lower(hex(s.sig)), lower(hex(s.signer)) FROM batches b JOIN batch_signatures s ON s.batch_id = b.id
	ORDER BY b.id")
assert_eq "$nb" 3 "three batches verified"
ssp_ok "cast verifies every batch: signature, claims root, payouts hash, total"

# the result digest: SHA-256 over the outputs' SHA-256 digests (coreutils)
out=$(find "$P/upload" -name 'w1_1_0_0')
want=$(sha256sum "$out" | cut -d' ' -f1 | xxd -r -p | sha256sum | cut -d' ' -f1)
assert_eq "$(vt_ledger "SELECT lower(hex(r.result_digest)) FROM credits r WHERE r.result_id =
	$(vt_sql "SELECT id FROM result WHERE name = 'w1_1_0'")")" "$want" "result digest of w1_1_0"
ssp_ok "result digest recomputed with sha256sum"

# the batch window: the last lone claim waits until its window has passed
vt_bind 6 "$(vt_key 6)" >/dev/null
vt_run --batch_size 2 --batch_window 100000 || ssp_fail "third run failed"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims WHERE batch_id IS NULL")" 0 "user 6's two claims batched by size"
vt_bind 5 "$(vt_key 5)" >/dev/null
vt_run --batch_size 5 --batch_window 100000 || ssp_fail "fourth run failed"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims WHERE batch_id IS NULL")" 2 "two claims wait for the window"
sleep 2
vt_run --batch_size 5 --batch_window 1 || ssp_fail "fifth run failed"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims WHERE batch_id IS NULL")" 0 "window passed: sealed"
assert_eq "$(vt_ledger "SELECT nclaims FROM batches ORDER BY id DESC LIMIT 1")" 2 "a partial batch of 2"
vt_check_consistency
ssp_ok "--batch_size and --batch_window"
