#!/bin/bash
# 31-contract-minter.sh — ShareMinter on a real anvil node: deployment and configuration,
# the EIP-712 domain and batch digest against independent cast computations, and batches
# minted with signatures made by `cast wallet sign --data` (EIP-712 typed data): balances equal
# credit × rate, BatchMinted and Transfer events match, sequences advance per project.
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
ssp_contract_test_init
lc() { tr 'A-F' 'a-f'; }

ssp_anvil_start "$tmp" || die "anvil did not start"
C=$SSP_CAST
CHAIN=$SSP_ANVIL_CHAIN_ID
ADMIN=$(ssp_anvil_key 0); ADMIN_A=$(ssp_anvil_addr 0)
S1=$(ssp_anvil_key 1); S2=$(ssp_anvil_key 2); S3=$(ssp_anvil_key 3)
A1=$(ssp_anvil_addr 1); A2=$(ssp_anvil_addr 2); A3=$(ssp_anvil_addr 3)
BRIDGE=$(ssp_anvil_key 4)
GUARD_A=$(ssp_anvil_addr 6)
RATE=1000000000000
CEILING=1000000000000000
ssp_deploy_contracts "$ADMIN" "$GUARD_A" "[$A1,$A2,$A3]" 2 "$RATE" "$CEILING" || die "deployment failed"
M=$SSP_MINTER
T=$SSP_TOKEN
echo "# token $T minter $M chain $CHAIN"

# ---------------------------------------------------------------- configuration
ZERO32=0x0000000000000000000000000000000000000000000000000000000000000000
check "threshold is 2" eq "$(val "$M" "threshold()(uint8)")" 2
check "rate" eq "$(val "$M" "weiPerMicroCredit()(uint256)")" "$RATE"
check "batch ceiling" eq "$(val "$M" "maxBatchCredit()(uint64)")" "$CEILING"
check "mining cap is 4.5e9 SSP" eq "$(val "$M" "MINING_CAP()(uint256)")" "$(calc "4500000000 * 10^18")"
check "nothing minted yet" eq "$(val "$M" "totalMinted()(uint256)")" 0
check "remaining cap is the mining cap" eq "$(val "$M" "remainingMiningCap()(uint256)")" "$(calc "4500000000 * 10^18")"
check "token()" eq "$(val "$M" "token()(address)" | lc)" "$T"
check "signer 1 is a signer" eq "$(val "$M" "isSigner(address)(bool)" "$A1")" true
check "account 7 is not a signer" eq "$(val "$M" "isSigner(address)(bool)" "$(ssp_anvil_addr 7)")" false
check "signers() lists the three" eq "$(val "$M" "signers()(address[])" | lc)" "[$A1, $A2, $A3]"
check "admin holds DEFAULT_ADMIN_ROLE" eq "$(val "$M" "hasRole(bytes32,address)(bool)" "$ZERO32" "$ADMIN_A")" true
check "guardian holds GUARDIAN_ROLE" \
	eq "$(val "$M" "hasRole(bytes32,address)(bool)" "$($C keccak GUARDIAN_ROLE)" "$GUARD_A")" true
check "GUARDIAN_ROLE constant" eq "$(val "$M" "GUARDIAN_ROLE()(bytes32)")" "$($C keccak GUARDIAN_ROLE)"
check "minter holds the token's MINTER_ROLE" \
	eq "$(val "$T" "hasRole(bytes32,address)(bool)" "$($C keccak MINTER_ROLE)" "$M")" true
BATCH_TYPE='ShareBatch(bytes32 project,uint64 firstSeq,uint64 lastSeq,bytes32 claimsRoot,bytes32 payoutsHash,uint64 totalCredit)'
check "SHARE_BATCH_TYPEHASH = keccak256 of the docs/formats.md type" \
	eq "$(val "$M" "SHARE_BATCH_TYPEHASH()(bytes32)")" "$($C keccak "$BATCH_TYPE")"

# Construction emitted the configuration as events.
logs=$($C logs --json --from-block 0 --address "$M" 2>/dev/null)
nlogs() { printf '%s' "$logs" | jq --arg t "$($C keccak "$1")" '[.[] | select(.topics[0] == $t)] | length'; }
check "3 SignerAdded events at construction" eq "$(nlogs "SignerAdded(address)")" 3
check "ThresholdChanged(0, 2) at construction" \
	eq "$(printf '%s' "$logs" | jq -r --arg t "$($C keccak "ThresholdChanged(uint256,uint256)")" '.[] | select(.topics[0] == $t) | .data')" \
	"$($C abi-encode "f(uint256,uint256)" 0 2)"
check "RateChanged(0, rate) at construction" \
	eq "$(printf '%s' "$logs" | jq -r --arg t "$($C keccak "RateChanged(uint256,uint256)")" '.[] | select(.topics[0] == $t) | .data')" \
	"$($C abi-encode "f(uint256,uint256)" 0 "$RATE")"

# ---------------------------------------------------------------- EIP-712 domain (ERC-5267)
check "eip712Domain() = (0x0f, SmartShare, 1, chain, minter, 0, [])" eq \
	"$($C call "$M" "eip712Domain()(bytes1,string,string,uint256,address,bytes32,uint256[])" | sed 's/ \[.*\]$//' | paste -sd' ' -)" \
	"0x0f \"SmartShare\" \"1\" $CHAIN $($C to-check-sum-address "$M") $ZERO32 []"
DOMAIN_TYPEHASH=$($C keccak "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
DS=$($C keccak "$($C abi-encode "f(bytes32,bytes32,bytes32,uint256,address)" "$DOMAIN_TYPEHASH" \
	"$($C keccak SmartShare)" "$($C keccak 1)" "$CHAIN" "$M")")
check "DOMAIN_SEPARATOR() = keccak256(abi.encode(domain)) computed by cast" eq "$(val "$M" "DOMAIN_SEPARATOR()(bytes32)")" "$DS"

# digest PROJECT FIRST LAST ROOT PHASH TOTAL: the EIP-712 digest, computed with cast alone.
digest() {
	local sh
	sh=$($C keccak "$($C abi-encode "f(bytes32,bytes32,uint64,uint64,bytes32,bytes32,uint64)" \
		"$($C keccak "$BATCH_TYPE")" "$@")")
	$C keccak "$($C concat-hex 0x1901 "$DS" "$sh")"
}

# ---------------------------------------------------------------- minting
P=$($C keccak "https://boinc.example.org/ssp/")
Q=$($C keccak "https://other.example.net/")
B8=$(ssp_anvil_addr 8)
B9=$(ssp_anvil_addr 9)
BX=0x00000000000000000000000000000000000000a1
BATCH_TOPIC=$($C keccak "BatchMinted(bytes32,uint64,uint64,bytes32,uint64,uint256)")
TRANSFER_TOPIC=$($C keccak "Transfer(address,address,uint256)")

# payouts_of "ADDR CREDIT" lines: the cast array, sorted by address.
payouts_of() {
	printf '[%s]\n' "$(LC_ALL=C sort | awk '{printf "%s(%s,%s)", (NR > 1 ? "," : ""), $1, $2}')"
}
bal() { val "$T" "balanceOf(address)(uint256)" "$1"; }

# mint PROJECT FIRST LAST ROOT PAYOUTS TOTAL KEY...: signs the batch with the keys and submits
# it from the bridge account; sets RECEIPT, PHASH and SIGS. Returns 1 if the tx failed.
mint() {
	local project=$1 first=$2 last=$3 root=$4 payouts=$5 total=$6
	shift 6
	PHASH=$(ssp_payouts_hash "$payouts") || return 1
	ssp_batch_json "$CHAIN" "$M" "$project" "$first" "$last" "$root" "$PHASH" "$total" >"$tmp/batch.json"
	SIGS=$(ssp_batch_sigs "$tmp/batch.json" "$@") || return 1
	RECEIPT=$(ssp_send "$BRIDGE" "$M" "$SSP_MINT_BATCH_SIG" \
		"($project,$first,$last,$root,$PHASH,$total)" "$payouts" "$SIGS")
}
# event_of TOPIC: the data of the receipt's log with that topic0 (first one).
event_of() { printf '%s' "$RECEIPT" | jq -r --arg t "$1" '[.logs[] | select(.topics[0] == $t)][0].data'; }

# Batch 1: claims 1..3 of project P, two beneficiaries, signed by signers 1 and 2.
C8=52000000
C9=147250000
PAY=$(printf '%s %s\n%s %s\n' "$B9" "$C9" "$B8" "$C8" | payouts_of)
TOTAL=$((C8 + C9))
ROOT1=$($C keccak "claims root 1")
check "payouts hash is keccak256(abi.encode(payouts))" \
	eq "$(ssp_payouts_hash "$PAY")" "$($C keccak "$($C abi-encode "f((address,uint64)[])" "$PAY")")"
check "batchDigest() = EIP-712 digest computed by cast" \
	eq "$(val "$M" "batchDigest($SSP_BATCH_TUPLE_SIG)(bytes32)" "($P,1,3,$ROOT1,$(ssp_payouts_hash "$PAY"),$TOTAL)")" \
	"$(digest "$P" 1 3 "$ROOT1" "$(ssp_payouts_hash "$PAY")" "$TOTAL")"
check "batch 1 (seq 1..3, 2 payouts, signers 1+2) is minted" mint "$P" 1 3 "$ROOT1" "$PAY" "$TOTAL" "$S1" "$S2"
check "signatures are 65 bytes with v in {27,28}" \
	eq "$(printf '%s' "$SIGS" | tr -d '[]' | tr ',' '\n' | sed -n 's/^0x[0-9a-f]\{128\}\(1b\|1c\)$/v/p' | paste -sd' ' -)" "v v"
check "balance of beneficiary 8 = credit x rate" eq "$(bal "$B8")" "$(calc "$C8 * $RATE")"
check "balance of beneficiary 9 = credit x rate" eq "$(bal "$B9")" "$(calc "$C9 * $RATE")"
check "nextSeq(P) = 4" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$P")" 4
check "lastSeq(P) = 3" eq "$(val "$M" "lastSeq(bytes32)(uint64)" "$P")" 3
check "BatchMinted topic1 is the project" \
	eq "$(printf '%s' "$RECEIPT" | jq -r --arg t "$BATCH_TOPIC" '.logs[] | select(.topics[0] == $t) | .topics[1]')" "$P"
check "BatchMinted data = (1, 3, root, total, total x rate)" eq "$(event_of "$BATCH_TOPIC")" \
	"$($C abi-encode "f(uint64,uint64,bytes32,uint64,uint256)" 1 3 "$ROOT1" "$TOTAL" "$(calc "$TOTAL * $RATE")")"
check "BatchMinted emitted by the minter" \
	eq "$(printf '%s' "$RECEIPT" | jq -r --arg t "$BATCH_TOPIC" '.logs[] | select(.topics[0] == $t) | .address')" "$M"
check "two Transfer events from the token, from 0, in payout order" eq \
	"$(printf '%s' "$RECEIPT" | jq -r --arg t "$TRANSFER_TOPIC" '.logs[] | select(.topics[0] == $t) | "\(.address) \(.topics[1]) \(.topics[2]) \(.data)"' | paste -sd' ' -)" \
	"$(for x in "$B8 $C8" "$B9 $C9"; do set -- $x; printf '%s %s %s %s\n' "$T" "$ZERO32" \
		"$($C abi-encode "f(address)" "$1")" \
		"$($C abi-encode "f(uint256)" "$(calc "$2 * $RATE")")"; done | sort -k3 | paste -sd' ' -)"
check "totalMinted = totalSupply = total x rate" eq \
	"$(val "$M" "totalMinted()(uint256)") $(val "$T" "totalSupply()(uint256)")" \
	"$(calc "$TOTAL * $RATE") $(calc "$TOTAL * $RATE")"
check "cast logs finds the BatchMinted of P" eq \
	"$($C logs --json --from-block 0 --address "$M" "BatchMinted(bytes32 indexed,uint64,uint64,bytes32,uint64,uint256)" "$P" | jq length)" 1
echo "# batch 1 gasUsed $(($(printf '%s' "$RECEIPT" | jq -r .gasUsed)))"

# Batch 2: claims 4..10, a returning and a new beneficiary, signed by signers 2 and 3.
PAY2=$(printf '%s %s\n%s %s\n' "$B8" 1000000 "$BX" 2500000 | payouts_of)
ROOT2=$($C keccak "claims root 2")
check "batch 2 (seq 4..10, signers 2+3) is minted" mint "$P" 4 10 "$ROOT2" "$PAY2" 3500000 "$S2" "$S3"
check "returning beneficiary's balance accumulates" eq "$(bal "$B8")" "$(calc "($C8 + 1000000) * $RATE")"
check "new beneficiary's balance" eq "$(bal "$BX")" "$(calc "2500000 * $RATE")"
check "nextSeq(P) = 11" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$P")" 11

# Another project has its own sequence, from 1.
check "nextSeq(Q) = 1 before any batch" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$Q")" 1
PAY3=$(printf '%s %s\n' "$B9" 7 | payouts_of)
check "project Q batch (seq 1..1, all three signers) is minted" \
	mint "$Q" 1 1 "$($C keccak "q root")" "$PAY3" 7 "$S1" "$S2" "$S3"
check "nextSeq(Q) = 2, nextSeq(P) unchanged" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$Q") $(val "$M" "nextSeq(bytes32)(uint64)" "$P")" "2 11"
check "seven micro-credits minted to 9" eq "$(bal "$B9")" "$(calc "($C9 + 7) * $RATE")"

# A rate change applies to the next batch, and is announced.
RATE2=2000000000000
R=$(ssp_send "$ADMIN" "$M" "setRate(uint256)" "$RATE2")
check "setRate succeeds and emits RateChanged(old, new)" eq \
	"$(printf '%s' "$R" | jq -r '.logs[0].data')" "$($C abi-encode "f(uint256,uint256)" "$RATE" "$RATE2")"
before=$(bal "$BX")
check "batch 3 at the new rate is minted" mint "$P" 11 11 "$($C keccak r3)" "$(printf '%s 5\n' "$BX" | payouts_of)" 5 "$S1" "$S3"
check "minted at the new rate" eq "$(bal "$BX")" "$(calc "$before + 5 * $RATE2")"
check "BatchMinted amount at the new rate" eq "$(event_of "$BATCH_TOPIC" | cut -c 259-)" \
	"$($C abi-encode "f(uint256)" "$(calc "5 * $RATE2")" | cut -c3-)"
check "totalMinted sums all batches" eq "$(val "$M" "totalMinted()(uint256)")" \
	"$(calc "($TOTAL + 3500000 + 7) * $RATE + 5 * $RATE2")"
check "totalSupply = totalMinted" eq "$(val "$T" "totalSupply()(uint256)")" "$(val "$M" "totalMinted()(uint256)")"

# Anyone may submit a signed batch: the signatures are the authority.
BRIDGE=$(ssp_anvil_key 7)
check "a batch submitted by another account is minted" mint "$P" 12 20 "$($C keccak r4)" \
	"$(printf '%s 9\n' "$B8" | payouts_of)" 9 "$S1" "$S2"

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS"
