# tests/integration/lib/bridge.sh — shared set-up of the deploy and bridge tests (40–49).
# Source it from a bash test script after setting nothing; it sources common.sh and anvil.sh.
#
#   bridge_init NAME [ANVIL_ARGS...]
#       private dir $T, anvil started (stopped on exit), keys of anvil accounts 0 (deployer,
#       admin), 1 (validator: claim and batch signer), 2 (bridge: pays gas) as K0 K1 K2 (hex,
#       no 0x), A0 A1 A2, light keystores $T/ks0.json ks1.json ks2.json with password file $T/pw,
#       a first ssp.conf ([project], [validator], [bridge]; no [chain] yet). Exits 77 when the
#       node tools or the test helper are missing.
#   bridge_deploy [DEPLOY_ARGS...]
#       `ssp deploy` (or the helper's copy of it while `ssp` lacks the subcommand) with signer
#       A1, threshold 1, rate $RATE, --conf $T/ssp.conf; sets TOKEN and MINTER.
#   bridge_seal CLAIMS USERS BATCH_SIZE [FIRST_RESULT] [KEYHEX]
#       adds claims and seals batches in $LEDGER (default $T/ledger.sqlite; signed by K1 unless
#       KEYHEX). bstat, bridge_until_final and bridge_verify use $LEDGER, $MASTER_URL and $CONF
#       (default $T/ssp.conf) too.
#   bstat STATE      the number of batches in STATE (SEALED, SUBMITTED, MINTED, FINAL, FAILED)
#   bridge_until_final SECONDS [BRIDGE_ARGS...]
#       runs `ssp_bridge --one_pass` and mines a block, until no batch is SEALED, SUBMITTED or
#       MINTED; fails after SECONDS.
#   bridge_verify CLAIMS USERS FIRST_RESULT NBATCHES [BRIDGE_NONCE]
#       checks the chain against the ledger: every batch FINAL; nextSeq = last seq + 1;
#       exactly NBATCHES BatchMinted events with gap-free, non-overlapping ranges; totalMinted
#       = token supply = ledger credit × RATE; each beneficiary's balance = its credit × RATE;
#       the bridge account's nonce = BRIDGE_NONCE (default NBATCHES: no tx of it reverted or
#       was wasted).

. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"

# In a sanitizer build a report must not pass for an ordinary failure (status 1).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86
export ASAN_OPTIONS

TU=$SSP_BUILDDIR/tests/helpers/bridge_testutil
BRIDGE=$SSP_BUILDDIR/bridge/ssp_bridge
MASTER_URL=https://boinc.example.org/ssp/
RATE=1000000000000
CONTRACTS=$SSP_BUILDDIR/contracts/build

bridge_init() {
	local name=$1
	shift
	ssp_anvil_tools || exit 77
	[ -x "$TU" ] && [ -x "$BRIDGE" ] || { echo "SKIP: $TU or $BRIDGE not built"; exit 77; }
	[ -s "$CONTRACTS/ShareMinter.bin" ] || { echo "SKIP: contracts not built"; exit 77; }
	ssp_test_init "$name"
	on_exit ssp_anvil_stop
	ssp_anvil_start "$T" "$@" || ssp_fail "anvil did not start"
	K0=$(ssp_anvil_key 0 | sed 's/^0x//')
	K1=$(ssp_anvil_key 1 | sed 's/^0x//')
	K2=$(ssp_anvil_key 2 | sed 's/^0x//')
	A0=$(ssp_anvil_addr 0)
	A1=$(ssp_anvil_addr 1)
	A2=$(ssp_anvil_addr 2)
	printf 'test password\n' >"$T/pw"
	chmod 600 "$T/pw"
	for i in 0 1 2; do
		eval "\"\$TU\" keystore \"\$T/ks$i.json\" \"\$T/pw\" \"\$K$i\"" || ssp_fail "keystore $i"
	done
	cat >"$T/ssp.conf" <<EOF
; written by tests/integration/lib/bridge.sh
[project]
master_url = $MASTER_URL
ledger = $T/ledger.sqlite

[validator]
keystore = $T/ks1.json
password_file = $T/pw

[bridge]
keystore = $T/ks2.json
password_file = $T/pw
confirmations = ${CONFIRMATIONS:-2}
gas_headroom_percent = 25
max_fee_per_gas_gwei = ${MAX_FEE_GWEI:-100}
max_priority_fee_per_gas_gwei = 2
rpc_timeout = ${RPC_TIMEOUT:-5}
poll_interval = 0.2
retry_delay = ${RETRY_DELAY:-0.5}
EOF
}

# The `ssp deploy` command.
ssp_deploy_cmd() {
	"$SSP" deploy "$@"
}

bridge_deploy() {
	local out
	out=$(ssp_deploy_cmd --rpc "$SSP_ANVIL_URL" --keystore "$T/ks0.json" --password-file "$T/pw" \
		--signer "$A1" --threshold 1 --rate "$RATE" --contracts "$CONTRACTS" \
		--conf "$T/ssp.conf" "$@" 2>&1) || ssp_fail "deploy failed: $out"
	TOKEN=$(printf '%s\n' "$out" | sed -n 's/^token //p')
	MINTER=$(printf '%s\n' "$out" | sed -n 's/^minter //p')
	[ -n "$TOKEN" ] && [ -n "$MINTER" ] || ssp_fail "deploy printed no addresses: $out"
}

bridge_seal() {
	"$TU" seal --ledger "${LEDGER:-$T/ledger.sqlite}" --master-url "$MASTER_URL" \
		--chain-id "$SSP_ANVIL_CHAIN_ID" --minter "$MINTER" --key "${5:-$K1}" \
		--claims "$1" --users "$2" --batch-size "$3" --first-result "${4:-1}" >"$T/seal.out" ||
		ssp_fail "seal failed"
}

bstat() {
	"$TU" status --ledger "${LEDGER:-$T/ledger.sqlite}" --master-url "$MASTER_URL" | sed -n "s/^$1 //p"
}

bridge_until_final() {
	local limit=$1 start
	shift
	start=$(date +%s)
	while :; do
		local st=0
		"$BRIDGE" --conf "${CONF:-$T/ssp.conf}" --one_pass "$@" >>"$T/bridge.log" 2>&1 || st=$?
		# 0: the pass ran; 1: it stopped on a node or ledger error (retried). Anything else is
		# a crash or a sanitizer report.
		[ "$st" -le 1 ] || { tail -n 30 "$T/bridge.log" >&2; ssp_fail "ssp_bridge exited with $st"; }
		"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null 2>&1
		if [ "$(bstat SEALED)" = 0 ] && [ "$(bstat SUBMITTED)" = 0 ] && [ "$(bstat MINTED)" = 0 ]; then
			return 0
		fi
		if [ $(($(date +%s) - start)) -gt "$limit" ]; then
			tail -n 30 "$T/bridge.log" >&2
			"$TU" status --ledger "${LEDGER:-$T/ledger.sqlite}" --master-url "$MASTER_URL" >&2
			ssp_fail "batches not final after $limit s"
		fi
	done
}

bridge_verify() {
	local claims=$1 users=$2 first=$3 nbatches=$4 want_nonce=${5:-$4} project nonce minted supply
	project=$("$SSP_CAST" keccak "$MASTER_URL")
	assert_eq "$(bstat FINAL)" "$nbatches" "batches FINAL in the ledger"
	assert_eq "$(bstat FAILED)" 0 "batches FAILED in the ledger"
	assert_eq "$("$SSP_CAST" call "$MINTER" "nextSeq(bytes32)(uint64)" "$project")" \
		"$((claims + 1))" "nextSeq after all batches"
	"$SSP_CAST" logs --from-block 0 --address "$MINTER" \
		"BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" --json >"$T/events.json" ||
		ssp_fail "cast logs"
	minted=$("$SSP_CAST" call "$MINTER" "totalMinted()(uint256)" | cut -d' ' -f1)
	supply=$("$SSP_CAST" call "$TOKEN" "totalSupply()(uint256)" | cut -d' ' -f1)
	nonce=$("$SSP_CAST" nonce "$A2")
	"$TU" status --ledger "${LEDGER:-$T/ledger.sqlite}" --master-url "$MASTER_URL" >"$T/status.out"
	python3 - "$T/events.json" "$claims" "$users" "$first" "$nbatches" "$RATE" "$minted" \
		"$supply" "$nonce" "$T/status.out" "$want_nonce" <<'EOF' || ssp_fail "chain and ledger disagree"
import json, sys
events, claims, users, first, nb, rate, minted, supply, nonce, status, want_nonce = sys.argv[1:]
claims, users, first, nb, rate = int(claims), int(users), int(first), int(nb), int(rate)
logs = json.load(open(events))
ranges = []
for l in logs:
    d = bytes.fromhex(l["data"][2:])
    w = [int.from_bytes(d[i:i + 32], "big") for i in range(0, len(d), 32)]
    ranges.append((w[0], w[1], w[3], w[4]))
ranges.sort()
def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)
if len(ranges) != nb:
    fail("%d BatchMinted events, expected %d (%s)" % (len(ranges), nb, ranges))
seq = 1
total = 0
for f, l, credit, amount in ranges:
    if f != seq:
        fail("event ranges not gap-free at %d: %s" % (seq, ranges))
    if amount != credit * rate:
        fail("event amount %d != credit %d x rate" % (amount, credit))
    seq = l + 1
    total += credit
if seq != claims + 1:
    fail("events end at %d, expected %d" % (seq - 1, claims))
want = sum(1000000 + (r % 97) * 12345 for r in range(first, first + claims))
if total != want:
    fail("events mint %d credit, the claims hold %d" % (total, want))
final = [l for l in open(status) if l.startswith("credit_final ")]
if int(final[0].split()[1]) != want:
    fail("ledger FINAL credit %s != %d" % (final[0].strip(), want))
if int(minted) != want * rate or int(supply) != want * rate:
    fail("totalMinted %s / totalSupply %s != %d" % (minted, supply, want * rate))
if int(nonce) != int(want_nonce):
    fail("bridge account nonce %s != %s: a tx was wasted" % (nonce, want_nonce))
EOF
	for u in $(seq 1 "$users"); do
		local ben want got
		ben=$(printf '0x55000000000000000000000000000000%08x' "$u")
		want=$(python3 -c "import sys; f,n,u,U,r=map(int,sys.argv[1:]); print(sum(1000000+(x%97)*12345 for x in range(f,f+n) if 1+x%U==u)*r)" \
			"$first" "$claims" "$u" "$users" "$RATE")
		got=$("$SSP_CAST" call "$TOKEN" "balanceOf(address)(uint256)" "$ben" | cut -d' ' -f1)
		assert_eq "$got" "$want" "balance of beneficiary $u"
	done
}
