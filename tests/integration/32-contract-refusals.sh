#!/bin/bash
# 32-contract-refusals.sh — every rule of ShareMinter.mintBatch refused with its named custom
# error, on a real anvil node. Each refusal is checked by eth_call: the revert data must start
# with the 4-byte selector `cast sig "Error(...)"` and decode with `cast decode-error --sig`, and
# the decoded arguments are compared with what the case implies. A positive control shows the
# same batch passes when the one broken rule is not broken. Signatures: `cast wallet sign --data`.
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
ssp_contract_test_init

ssp_anvil_start "$tmp" || die "anvil did not start"
C=$SSP_CAST
CHAIN=$SSP_ANVIL_CHAIN_ID
ADMIN=$(ssp_anvil_key 0)
S1=$(ssp_anvil_key 1); S2=$(ssp_anvil_key 2); S3=$(ssp_anvil_key 3)
A1=$(ssp_anvil_addr 1); A2=$(ssp_anvil_addr 2); A3=$(ssp_anvil_addr 3)
BRIDGE=$(ssp_anvil_key 4); BRIDGE_A=$(ssp_anvil_addr 4)
GUARD=$(ssp_anvil_key 6); GUARD_A=$(ssp_anvil_addr 6)
K7=$(ssp_anvil_key 7); A7=$(ssp_anvil_addr 7)
RATE=1000000000000
CEILING=1000000000000000
ssp_deploy_contracts "$ADMIN" "$GUARD_A" "[$A1,$A2,$A3]" 2 "$RATE" "$CEILING" || die "deployment failed"
M=$SSP_MINTER
T=$SSP_TOKEN
GUARDIAN_ROLE=$($C keccak GUARDIAN_ROLE)
ZERO32=0x0000000000000000000000000000000000000000000000000000000000000000
# Sorted signer addresses: A7 (0x14..) < A2 (0x3c..) < A1 (0x70..) < A3 (0x90..).
[ "$A7" \< "$A2" ] && [ "$A2" \< "$A1" ] && [ "$A1" \< "$A3" ] || die "unexpected anvil accounts"

P=$($C keccak "https://boinc.example.org/ssp/")
B8=$(ssp_anvil_addr 8)
B9=$(ssp_anvil_addr 9)

# batch MINTER PROJECT FIRST LAST ROOT PAYOUTS TOTAL [CHAIN]: sets the current batch (TUPLE,
# PAYOUTS_ARG, PHASH) and writes its typed data to $tmp/batch.json for signing.
batch() {
	local chain=${8:-$CHAIN}
	BM=$1
	PAYOUTS_ARG=$6
	PHASH=$(ssp_payouts_hash "$6") || die "payouts hash"
	TUPLE="($2,$3,$4,$5,$PHASH,$7)"
	ssp_batch_json "$chain" "$1" "$2" "$3" "$4" "$5" "$PHASH" "$7" >"$tmp/batch.json"
}
# sig KEY: KEY's signature over the current batch's typed data.
sig() { "$C" wallet sign --data --from-file "$tmp/batch.json" --private-key "$1"; }
# refused ERROR_SIG [PAYOUTS] SIGS: the current batch (optionally with other payouts) sent by
# eth_call from the bridge; prints the decoded error arguments joined by spaces.
refused() {
	local e=$1 out
	shift
	if [ $# -eq 2 ]; then
		out=$(ssp_expect_error "$e" "$BM" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$1" "$2" --from "$BRIDGE_A") || return 1
	else
		out=$(ssp_expect_error "$e" "$BM" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAYOUTS_ARG" "$1" --from "$BRIDGE_A") || return 1
	fi
	printf '%s\n' "$out" | sed 's/ \[.*\]$//' | paste -sd' ' -
}
# accepted SIGS: the current batch passes eth_call (a positive control).
accepted() { "$C" call "$BM" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAYOUTS_ARG" "$1" --from "$BRIDGE_A" >/dev/null; }
# submit SIGS: mints the current batch for real.
submit() { ssp_send "$BRIDGE" "$BM" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAYOUTS_ARG" "$1" >/dev/null; }
# expect_refusal NAME ERROR_SIG WANT_ARGS [PAYOUTS] SIGS
expect_refusal() {
	local name=$1 e=$2 want=$3 got
	shift 3
	got=$(refused "$e" "$@") || { not_ok "$name: refused with $e"; return; }
	check "$name: refused with $e" eq "$got" "$want"
}

PAY="[($B8,52000000),($B9,147250000)]"
TOTAL=199250000
ROOT=$($C keccak "claims root")

# The first batch (seq 1..3) is minted, so that it can be replayed.
batch "$M" "$P" 1 3 "$ROOT" "$PAY" "$TOTAL"
FIRST_SIGS="[$(sig "$S2"),$(sig "$S1")]"
check "batch 1..3 is minted" submit "$FIRST_SIGS"
BAL8=$(val "$T" "balanceOf(address)(uint256)" "$B8")

# The batch the refusals start from: seq 4..6.
batch "$M" "$P" 4 6 "$ROOT" "$PAY" "$TOTAL"
SIG1=$(sig "$S1"); SIG2=$(sig "$S2"); SIG3=$(sig "$S3"); SIG7=$(sig "$K7")
check "control: batch 4..6 signed by signers 2 and 1 (ascending) passes" accepted "[$SIG2,$SIG1]"
check "control: signed by all three signers passes" accepted "[$SIG2,$SIG1,$SIG3]"

# ---------------------------------------------------------------- signatures
expect_refusal "a non-signer's signature" "NotSigner(uint256,address)" "0 $(cs "$A7")" "[$SIG7,$SIG2]"
expect_refusal "a non-signer beside enough signers" "NotSigner(uint256,address)" "0 $(cs "$A7")" "[$SIG7,$SIG2,$SIG1]"
expect_refusal "too few signers (1 of 2)" "InsufficientSignatures(uint256,uint256)" "1 2" "[$SIG1]"
expect_refusal "no signatures" "InsufficientSignatures(uint256,uint256)" "0 2" "[]"
expect_refusal "the same signer twice" "SignersNotAscending(uint256,address)" "1 $(cs "$A2")" "[$SIG2,$SIG2]"
expect_refusal "signers in descending order" "SignersNotAscending(uint256,address)" "1 $(cs "$A2")" "[$SIG1,$SIG2]"

# High s: (r, n - s, v flipped) is the same signer's signature in its malleable form.
N_HEX=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
r=$(printf '%s' "$SIG1" | cut -c3-66)
s=$(printf '%s' "$SIG1" | cut -c67-130 | tr a-f A-F)
v=$(printf '%s' "$SIG1" | cut -c131-132)
hs=$(printf '%064s' "$(echo "obase=16; ibase=16; $N_HEX - $s" | bc)" | tr ' ' 0 | tr A-F a-f)
case $v in 1b) hv=1c ;; 1c) hv=1b ;; *) die "v=$v" ;; esac
HIGH1=0x$r$hs$hv
DIGEST=$(val "$M" "batchDigest($SSP_BATCH_TUPLE_SIG)(bytes32)" "$TUPLE")
# ecrecover ACCEPTS the high-s form (the precompile has no s bound): it is a real signature.
ecr() {
	local v32
	v32=$(printf '%064x' "$((16#$2))")
	$C rpc eth_call "{\"to\":\"0x0000000000000000000000000000000000000001\",\"data\":\"$($C concat-hex "$1" "0x$v32" "0x$3" "0x$4")\"}" latest |
		tr -d '"' | sed 's/^0x0\{24\}/0x/'
}
check "control: ecrecover of the high-s form gives signer 1" eq "$(ecr "$DIGEST" "$hv" "$r" "$hs")" "$A1"
expect_refusal "a high-s signature" "SignatureHighS(uint256,bytes32)" "1 0x$hs" "[$SIG2,$HIGH1]"
expect_refusal "a 64-byte signature" "InvalidSignatureLength(uint256,uint256)" "0 64" "[$(printf '%s' "$SIG2" | cut -c1-130),$SIG1]"
expect_refusal "a 66-byte signature" "InvalidSignatureLength(uint256,uint256)" "1 66" "[$SIG2,${SIG1}00]"
expect_refusal "v = 29" "InvalidSignature(uint256)" "0" "[$(printf '%s' "$SIG2" | cut -c1-130)1d,$SIG1]"
expect_refusal "r = 0" "InvalidSignature(uint256)" "1" \
	"[$SIG2,0x$(printf '%064d' 0)$(printf '%s' "$SIG1" | cut -c67-132)]"

# Another chain id: signer 1 signs the same batch in chain 1's domain.
batch "$M" "$P" 4 6 "$ROOT" "$PAY" "$TOTAL" 1
SIG1_CHAIN1=$(sig "$S1")
batch "$M" "$P" 4 6 "$ROOT" "$PAY" "$TOTAL"
X=$(ecr "$DIGEST" "$(printf '%s' "$SIG1_CHAIN1" | cut -c131-132)" "$(printf '%s' "$SIG1_CHAIN1" | cut -c3-66)" \
	"$(printf '%s' "$SIG1_CHAIN1" | cut -c67-130)")
check "a chain-1 signature recovers to some other address here" test "$X" != "$A1"
expect_refusal "a signature for another chain id" "NotSigner(uint256,address)" "1 $(cs "$X")" "[$SIG2,$SIG1_CHAIN1]"

# Another contract: a second token and ShareMinter with the same signers.
ssp_deploy_contracts "$ADMIN" "$GUARD_A" "[$A1,$A2,$A3]" 2 "$RATE" "$CEILING" || die "second deployment"
M2=$SSP_MINTER
# Project P2 is fresh on both minters, so only the domain differs.
P2=$($C keccak "https://second.example.org/")
batch "$M2" "$P2" 1 1 "$ROOT" "[($B8,5)]" 5
OTHER_SIGS="[$(sig "$S2"),$(sig "$S1")]"
check "control: the other minter accepts its own signatures" accepted "$OTHER_SIGS"
batch "$M" "$P2" 1 1 "$ROOT" "[($B8,5)]" 5
D=$(val "$M" "batchDigest($SSP_BATCH_TUPLE_SIG)(bytes32)" "$TUPLE")
OS=$(printf '%s' "$OTHER_SIGS" | tr -d '[]' | cut -d, -f1)
X=$(ecr "$D" "$(printf '%s' "$OS" | cut -c131-132)" "$(printf '%s' "$OS" | cut -c3-66)" "$(printf '%s' "$OS" | cut -c67-130)")
expect_refusal "signatures for another contract" "NotSigner(uint256,address)" "0 $(cs "$X")" "$OTHER_SIGS"

# ---------------------------------------------------------------- sequence
batch "$M" "$P" 1 3 "$ROOT" "$PAY" "$TOTAL"
expect_refusal "a replayed batch (1..3 again)" "SeqReplayed(bytes32,uint64,uint64)" "$P 4 1" "$FIRST_SIGS"
batch "$M" "$P" 3 5 "$ROOT" "$PAY" "$TOTAL"
expect_refusal "an overlapping batch (3..5)" "SeqReplayed(bytes32,uint64,uint64)" "$P 4 3" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 5 6 "$ROOT" "$PAY" "$TOTAL"
expect_refusal "a skipped seq (5..6 after 3)" "SeqGap(bytes32,uint64,uint64)" "$P 4 5" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 3 "$ROOT" "$PAY" "$TOTAL"
expect_refusal "lastSeq < firstSeq" "InvalidSeqRange(uint64,uint64)" "4 3" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 18446744073709551615 "$ROOT" "$PAY" "$TOTAL"
expect_refusal "lastSeq = 2^64-1" "InvalidSeqRange(uint64,uint64)" "4 18446744073709551615" "[$(sig "$S2"),$(sig "$S1")]"

# ---------------------------------------------------------------- payouts
batch "$M" "$P" 4 6 "$ROOT" "$PAY" "$TOTAL"
PAY_ALT="[($B8,52000001),($B9,147250000)]"
expect_refusal "payouts that do not match the signed hash" "PayoutsHashMismatch(bytes32,bytes32)" \
	"$PHASH $(ssp_payouts_hash "$PAY_ALT")" "$PAY_ALT" "[$SIG2,$SIG1]"
batch "$M" "$P" 4 6 "$ROOT" "$PAY" $((TOTAL + 1))
expect_refusal "a total that does not match the payouts" "TotalCreditMismatch(uint64,uint256)" \
	"$((TOTAL + 1)) $TOTAL" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 6 "$ROOT" "[($B9,147250000),($B8,52000000)]" "$TOTAL"
expect_refusal "payouts not sorted by address" "PayoutsNotSorted(uint256)" "1" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 6 "$ROOT" "[($B8,52000000),($B8,147250000)]" "$TOTAL"
expect_refusal "a beneficiary twice" "PayoutsNotSorted(uint256)" "1" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 6 "$ROOT" "[($B8,$((CEILING + 1)))]" $((CEILING + 1))
expect_refusal "the batch ceiling exceeded" "BatchCreditTooLarge(uint64,uint64)" "$((CEILING + 1)) $CEILING" \
	"[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 4 6 "$ROOT" "[($B8,$CEILING)]" "$CEILING"
check "control: a batch exactly at the ceiling passes" accepted "[$(sig "$S2"),$(sig "$S1")]"

# ---------------------------------------------------------------- pause
batch "$M" "$P" 4 6 "$ROOT" "$PAY" "$TOTAL"
GOOD="[$SIG2,$SIG1]"
R=$(ssp_send "$GUARD" "$M" "pause()") || not_ok "the guardian pauses"
check "Paused(guardian) emitted" eq "$(printf '%s' "$R" | jq -r '.logs[0].data')" "$($C abi-encode "f(address)" "$GUARD_A")"
expect_refusal "paused" "EnforcedPause()" "" "$GOOD"
check "paused() is true" eq "$(val "$M" "paused()(bool)")" true
check "a non-guardian cannot pause" eq \
	"$(ssp_expect_error "AccessControlUnauthorizedAccount(address,bytes32)" "$M" "pause()" --from "$BRIDGE_A" | paste -sd' ' -)" \
	"$(cs "$BRIDGE_A") $GUARDIAN_ROLE"
check "the guardian cannot unpause (admin only)" eq \
	"$(ssp_expect_error "AccessControlUnauthorizedAccount(address,bytes32)" "$M" "unpause()" --from "$GUARD_A" | paste -sd' ' -)" \
	"$(cs "$GUARD_A") $ZERO32"
check "the admin unpauses" quiet ssp_send "$ADMIN" "$M" "unpause()"
check "batch 4..6 is minted after unpausing" submit "$GOOD"

# A refused batch mined on chain (no gas estimation): the tx fails and changes nothing.
batch "$M" "$P" 1 3 "$ROOT" "$PAY" "$TOTAL"
BAL8=$(val "$T" "balanceOf(address)(uint256)" "$B8")
R=$($C send --private-key "$BRIDGE" --gas-limit 500000 --json "$M" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAY" "$FIRST_SIGS" 2>&1)
check "a replayed batch sent on chain fails (status 0)" eq "$(printf '%s' "$R" | jq -r .status 2>/dev/null)" 0x0
check "... and mints nothing" eq "$(val "$T" "balanceOf(address)(uint256)" "$B8")" "$BAL8"
check "... and leaves nextSeq at 7" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$P")" 7

# ---------------------------------------------------------------- mining cap
check "the admin lifts the batch ceiling to 2^64-1" quiet ssp_send "$ADMIN" "$M" "setMaxBatchCredit(uint64)" 18446744073709551615
REMAINING=$(val "$M" "remainingMiningCap()(uint256)")
check "remainingMiningCap = cap - totalMinted" eq "$REMAINING" \
	"$(calc "4500000000 * 10^18 - $(val "$M" "totalMinted()(uint256)")")"
NEED=$(calc "$REMAINING / $RATE")
check "the remaining cap is a whole number of micro-credits here" eq "$(calc "$NEED * $RATE")" "$REMAINING"
batch "$M" "$P" 7 7 "$ROOT" "[($B9,$(calc "$NEED + 1"))]" "$(calc "$NEED + 1")"
expect_refusal "the mining cap exceeded by one micro-credit" "MiningCapExceeded(uint256,uint256)" \
	"$(calc "($NEED + 1) * $RATE") $REMAINING" "[$(sig "$S2"),$(sig "$S1")]"
batch "$M" "$P" 7 7 "$ROOT" "[($B9,$NEED)]" "$NEED"
check "a batch reaching the cap exactly is minted" submit "[$(sig "$S2"),$(sig "$S1")]"
check "remainingMiningCap = 0" eq "$(val "$M" "remainingMiningCap()(uint256)")" 0
check "totalMinted = 4.5e9 SSP" eq "$(val "$M" "totalMinted()(uint256)")" "$(calc "4500000000 * 10^18")"
batch "$M" "$P" 8 8 "$ROOT" "[($B8,1)]" 1
expect_refusal "one more micro-credit past the cap" "MiningCapExceeded(uint256,uint256)" "$RATE 0" \
	"[$(sig "$S2"),$(sig "$S1")]"

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS"
