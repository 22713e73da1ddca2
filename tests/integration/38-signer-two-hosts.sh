#!/usr/bin/env bash
# One signer, validators on two "hosts": two ssp_validator processes (--mod 2 0 and --mod 2 1),
# each in a project directory of its own (its own config.xml, ssp.conf without key or ledger,
# its own copy of the upload tree: no shared file), and one ssp_signer holding the key and
# the ledger. All three are killed with SIGKILL at random instants again and again while
# work arrives. Then: every credit BOINC granted is one ledger credit, claimed once; claim
# seq is gap-free; the batches are minted on anvil by ssp_bridge (nextSeq, BatchMinted
# ranges and totalMinted read back with cast); neither validator host has a ledger or reads
# a key. A second signer for the project (with another ledger) is refused with an error
# naming the running one.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup signer-two-hosts
on_exit ssp_anvil_stop
ssp_anvil_tools || exit 77
[ -x "$TU" ] && [ -x "$BRIDGE" ] && [ -x "$SIGNER" ] || { echo "SKIP: helpers not built"; exit 77; }
[ -s "$CONTRACTS/ShareMinter.bin" ] || { echo "SKIP: contracts not built"; exit 77; }
ROUNDS=${SSP_CRASH_ROUNDS:-10}

# the chain: ShareMinter trusting the signer's key ($VADDR), the bridge paying gas
ssp_anvil_start "$T" || ssp_fail "anvil did not start"
printf 'test password\n' >"$T/pw"
chmod 600 "$T/pw"
"$TU" keystore "$T/ks0.json" "$T/pw" "$(ssp_anvil_key 0 | sed 's/^0x//')" || ssp_fail "keystore 0"
"$TU" keystore "$T/ks2.json" "$T/pw" "$(ssp_anvil_key 2 | sed 's/^0x//')" || ssp_fail "keystore 2"
cat >>"$P/ssp.conf" <<EOF2

[bridge]
keystore = $T/ks2.json
password_file = $T/pw
confirmations = 1
poll_interval = 0.2
EOF2
out=$("$SSP" deploy --rpc "$SSP_ANVIL_URL" --keystore "$T/ks0.json" --password-file "$T/pw" \
	--signer "$VADDR" --threshold 1 --rate "$RATE" --contracts "$CONTRACTS" --conf "$P/ssp.conf" 2>&1) ||
	ssp_fail "deploy failed: $out"
TOKEN=$(printf '%s\n' "$out" | sed -n 's/^token //p')
MINTER=$(printf '%s\n' "$out" | sed -n 's/^minter //p')
[ -n "$MINTER" ] || ssp_fail "deploy printed no minter: $out"

# two validator hosts: config.xml with their own upload tree, ssp.conf with no key or ledger
for h in A B; do
	mkdir -p "$T/host$h/upload"
	sed "s|<upload_dir>[^<]*</upload_dir>|<upload_dir>$T/host$h/upload</upload_dir>|" \
		"$P/config.xml" >"$T/host$h/config.xml"
	printf '[project]\nmaster_url = %s\n' "$MASTER_URL" >"$T/host$h/ssp.conf"
done
# work: the upload files reach both hosts before the rows appear in the database
add_work() { # BULK-ARGS
	echo "bulk $*" | "$VFIXTURE" --upload "$P/upload" --fanout 1024 --quota 5 --now "$(date +%s)" \
		>"$T/spec.sql" || ssp_fail "vfixture"
	for h in A B; do cp -a "$P/upload/." "$T/host$h/upload/"; done
	ssp_mariadb_sql boinc <"$T/spec.sql" || ssp_fail "loading rows"
}
echo app | vt_spec
add_work 300 8 16
for u in 1 2 3 4 5 6; do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done

start_validator() { # HOST MOD_I
	"$VALIDATOR" --app ssp --project_dir "$T/host$1" --mod 2 "$2" --sleep_interval 1 --chunk 10 \
		>>"$T/validator$1.log" 2>&1 &
}
# (with the grant scan on for the app ssp_validator validates: it must leave that credit to
# the outbox, or the ledger would get a second, different copy and log it as CRITICAL)
start_signer() {
	"$SIGNER" --project_dir "$P" --sleep_interval 1 --batch_size 120 --batch_window 100000 \
		--grant_app ssp --grant_since 1 >>"$T/signer.log" 2>&1 &
}
rnd_sleep() { sleep "$(awk -v r=$RANDOM -v m="$1" 'BEGIN { printf "%.3f", 0.02 + (r % m) / 1000 }')"; }

# a second signer is refused while the first runs
start_signer
spid=$!
for _ in $(seq 50); do grep -q "starting: project" "$T/signer.log" && break; sleep 0.1; done
sed "s|^ledger = .*|ledger = $T/other-ledger.sqlite|" "$P/ssp.conf" >"$T/other.conf"
expect_status 5 "a second signer" "$SIGNER" --one_pass --project_dir "$P" --conf "$T/other.conf"
assert_contains "$OUT" "another ssp_signer already signs for this project: $(hostname) pid $spid" \
	"the refusal names the running signer"
assert_contains "$OUT" "one signer per project" "the refusal says why"
[ "$(sqlite3 "$T/other-ledger.sqlite" "SELECT count(*) FROM claims" 2>/dev/null || echo 0)" = 0 ] ||
	ssp_fail "the refused signer signed claims"
kill -KILL "$spid"
wait "$spid" 2>/dev/null || true
ssp_ok "a second signer for the project is refused, naming the running one"

# validators and signer killed at random instants
kills=0
for ((i = 1; i <= ROUNDS; i++)); do
	[ $((i % 3)) -eq 0 ] && add_work 100 8 16 $((100000 + i * 1000))
	start_validator A 0
	pa=$!
	start_validator B 1
	pb=$!
	start_signer
	ps=$!
	for victim in $(printf '%s\n' "$pa" "$pb" "$ps" | shuf); do
		rnd_sleep 500
		kill -KILL "$victim" 2>/dev/null && kills=$((kills + 1))
	done
	wait "$pa" "$pb" "$ps" 2>/dev/null || true
done
echo "$kills SIGKILLs of validators and signer; $(vt_sql "SELECT count(*) FROM ssp_credit_outbox") outbox rows pending"
grep -h CRITICAL "$T"/validator?.log "$T/signer.log" | grep -v "another ssp_signer" &&
	ssp_fail "a CRITICAL line in the logs"
assert_eq "$(grep -c "granted by the project's validator, in the ledger" "$T/signer.log" || true)" 0 \
	"the grant scan left ssp_validator's credit to the outbox"

# finish undisturbed, then mint
"$VALIDATOR" --app ssp --one_pass --project_dir "$T/hostA" --mod 2 0 >"$T/lastA.log" 2>&1 ||
	ssp_fail "validator A"
assert_contains "$(cat "$T/lastA.log")" "no ssp_signer runs for this project now" \
	"a validator warns when no signer runs"
"$VALIDATOR" --app ssp --one_pass --project_dir "$T/hostB" --mod 2 1 >>"$T/validatorB.log" 2>&1 ||
	ssp_fail "validator B"
# (a second pass once the last claims are a second old: the window seals them)
for _ in 1 2; do
	"$SIGNER" --one_pass --project_dir "$P" --batch_size 120 --batch_window 1 >>"$T/signer.log" 2>&1 ||
		ssp_fail "final signer pass: $(tail -3 "$T/signer.log")"
	sleep 1.1
done
assert_eq "$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate > 0")" 0 "every work unit validated"
vt_check_consistency
nclaims=$(vt_ledger "SELECT count(*) FROM claims")
assert_eq "$nclaims" "$(vt_ledger "SELECT count(*) FROM credits WHERE user_id <= 6")" \
	"every credit of a bound user claimed once"
assert_eq "$(vt_ledger "SELECT count(DISTINCT result_id) FROM claims")" "$nclaims" "one claim per result"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims WHERE batch_id IS NULL")" 0 "every claim batched"
for h in A B; do
	[ -z "$(find "$T/host$h" -name '*.sqlite*')" ] || ssp_fail "host $h has a ledger"
done
ssp_ok "two validator hosts and one signer: every credit claimed once, seq 1..$nclaims gap-free"

CONF=$P/ssp.conf
bridge_until_final 180
project=$("$SSP_CAST" keccak "$MASTER_URL")
assert_eq "$("$SSP_CAST" call "$MINTER" "nextSeq(bytes32)(uint64)" "$project")" $((nclaims + 1)) \
	"nextSeq on chain"
credit=$(vt_ledger "SELECT sum(r.credit) FROM claims c JOIN credits r USING (project_id, result_id)")
assert_eq "$("$SSP_CAST" call "$MINTER" "totalMinted()(uint256)" | cut -d' ' -f1)" \
	"$(python3 -c "print($credit * $RATE)")" "totalMinted = claimed credit x rate"
"$SSP_CAST" logs --from-block 0 --address "$MINTER" \
	"BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" --json >"$T/events.json"
python3 - "$T/events.json" "$nclaims" <<'EOF2' || ssp_fail "BatchMinted ranges"
import json, sys
ranges = sorted((int(l["data"][2:66], 16), int(l["data"][66:130], 16)) for l in json.load(open(sys.argv[1])))
seq = 1
for f, l in ranges:
    assert f == seq, ranges
    seq = l + 1
assert seq == int(sys.argv[2]) + 1, (seq, ranges)
EOF2
ssp_ok "the signer's batches minted on anvil: nextSeq, gap-free BatchMinted ranges, totalMinted"
