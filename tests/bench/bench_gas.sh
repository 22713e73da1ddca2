#!/bin/bash
# Gas benchmark: ShareMinter batches against the usual one-voucher-per-claim pattern
# (contracts/bench/VoucherMinter.sol), on a private anvil node, in one run.
#
# For batches of 1, 16, 64 and 256 claims it measures gas per claim = receipt gasUsed / claims:
#   returning: the claims go round-robin to 32 beneficiaries that already hold SSP
#              (a batch pays min(N, 32) payouts);
#   all-new:   one new beneficiary per claim (N payouts, each a first balance write).
# ShareMinter runs with 2-of-3 signers; VoucherMinter with one signer, one tx per claim (the N
# txs of a setting are mined in one block; their gasUsed is summed from the block's receipts).
# Every signature is made by `cast wallet sign --data` (EIP-712), every hash by cast.
# Prints figures and ratios, never pass/fail (exit status 0 unless the bench itself broke).
set -eu

: "${SSP_SRCDIR:?run me through make bench (SSP_SRCDIR unset)}"
: "${SSP_BUILDDIR:?run me through make bench (SSP_BUILDDIR unset)}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
if ! ssp_anvil_tools; then
	echo "bench_gas: skipped (anvil/cast missing)"
	exit 0
fi
for tool in jq bc; do
	command -v "$tool" >/dev/null || { echo "bench_gas: skipped ($tool missing)"; exit 0; }
done
C=$SSP_CAST
SIZES=${BENCH_GAS_SIZES:-1 16 64 256}
RETURNING=32

tmp=$(mktemp -d)
trap 'ssp_anvil_stop; rm -rf "$tmp"' EXIT
ssp_anvil_start "$tmp" || exit 1
CHAIN=$SSP_ANVIL_CHAIN_ID

ADMIN=$(ssp_anvil_key 0)
S1=$(ssp_anvil_key 1)
S2=$(ssp_anvil_key 2)
S3=$(ssp_anvil_key 3)
BRIDGE=$(ssp_anvil_key 4)
BRIDGE_ADDR=$(ssp_anvil_addr 4)
VSIGNER=$(ssp_anvil_key 5)
RATE=1000000000000 # 1 SSP per cobblestone
CEILING=1000000000000000
PROJECT=$($C keccak "https://boinc.example.org/ssp/")

ssp_deploy_contracts "$ADMIN" "$(ssp_anvil_addr 0)" \
	"[$(ssp_anvil_addr 1),$(ssp_anvil_addr 2),$(ssp_anvil_addr 3)]" 2 "$RATE" "$CEILING"
args=$($C abi-encode "constructor(address,address,uint256)" "$SSP_TOKEN" "$(ssp_anvil_addr 5)" "$RATE")
r=$(ssp_send "$ADMIN" --create "$(cat "$SSP_BUILDDIR/contracts/build/bench/VoucherMinter.bin")${args#0x}")
VOUCHER=$(printf '%s\n' "$r" | _ssp_json_field contractAddress)
ssp_send "$ADMIN" "$SSP_TOKEN" "grantRole(bytes32,address)" "$($C keccak MINTER_ROLE)" "$VOUCHER" >/dev/null

# addr TAG I: a deterministic, random-looking address (20 non-zero-biased bytes, like real ones).
addr() {
	printf '0x%s\n' "$(printf '%s-%s' "$1" "$2" | sha256sum | cut -c1-40)"
}
# credit I: a claim's credit in micro-cobblestones (about 50..60 cobblestones).
credit() {
	echo $((50000000 + ($1 * 7919) % 10000000))
}

for i in $(seq 0 $((RETURNING - 1))); do
	RET[i]=$(addr returning "$i")
done

NEXT=1
# share_batch N MODE: mints one batch of N claims; sets GAS to its gasUsed.
share_batch() {
	local n=$1 mode=$2 i a c total=0 payouts phash json sigs r
	declare -A sum=()
	for i in $(seq 0 $((n - 1))); do
		if [ "$mode" = returning ]; then
			a=${RET[i % RETURNING]}
		else
			a=$(addr "share-new-$n" "$i")
		fi
		c=$(credit "$i")
		sum[$a]=$((${sum[$a]:-0} + c))
		total=$((total + c))
	done
	payouts=$(for a in "${!sum[@]}"; do echo "$a ${sum[$a]}"; done | LC_ALL=C sort |
		awk '{printf "%s(%s,%s)", (NR > 1 ? "," : ""), $1, $2}')
	payouts="[$payouts]"
	phash=$(ssp_payouts_hash "$payouts")
	root=$($C keccak "claims $NEXT $n")
	ssp_batch_json "$CHAIN" "$SSP_MINTER" "$PROJECT" "$NEXT" $((NEXT + n - 1)) "$root" "$phash" "$total" \
		>"$tmp/batch.json"
	sigs=$(ssp_batch_sigs "$tmp/batch.json" "$S1" "$S2")
	r=$(ssp_send "$BRIDGE" "$SSP_MINTER" \
		"mintBatch((bytes32,uint64,uint64,bytes32,bytes32,uint64),(address,uint64)[],bytes[])" \
		"($PROJECT,$NEXT,$((NEXT + n - 1)),$root,$phash,$total)" "$payouts" "$sigs")
	NEXT=$((NEXT + n))
	GAS=$(($(printf '%s\n' "$r" | _ssp_json_field gasUsed)))
}

CLAIM_TYPE='[{"name":"project","type":"bytes32"},{"name":"seq","type":"uint64"},{"name":"resultId","type":"uint64"},{"name":"workunitId","type":"uint64"},{"name":"userId","type":"uint64"},{"name":"hostId","type":"uint64"},{"name":"beneficiary","type":"address"},{"name":"credit","type":"uint64"},{"name":"resultDigest","type":"bytes32"},{"name":"grantedAt","type":"uint64"}]'
VSEQ=1
# voucher_run N MODE: N claims through VoucherMinter, one tx each, mined in one block; sets GAS
# to the summed gasUsed.
voucher_run() {
	local n=$1 mode=$2 i a c nonce sig digest rid now receipts count g
	nonce=$($C nonce "$BRIDGE_ADDR")
	now=$(date +%s)
	$C rpc evm_setAutomine false >/dev/null
	for i in $(seq 0 $((n - 1))); do
		if [ "$mode" = returning ]; then
			a=${RET[i % RETURNING]}
		else
			a=$(addr "voucher-new-$n" "$i")
		fi
		c=$(credit "$i")
		rid=$((1000000 + VSEQ))
		digest=$($C keccak "result $VSEQ")
		printf '{"types":{"EIP712Domain":%s,"ShareClaim":%s},"primaryType":"ShareClaim","domain":{"name":"SmartShare","version":"1","chainId":%s,"verifyingContract":"%s"},"message":{"project":"%s","seq":"%s","resultId":"%s","workunitId":"%s","userId":"%s","hostId":"%s","beneficiary":"%s","credit":"%s","resultDigest":"%s","grantedAt":"%s"}}\n' \
			"$SSP_EIP712_DOMAIN_TYPE" "$CLAIM_TYPE" "$CHAIN" "$VOUCHER" "$PROJECT" "$VSEQ" "$rid" \
			$((rid / 2)) $((1000 + i % 97)) $((5000 + i % 89)) "$a" "$c" "$digest" "$now" >"$tmp/claim.json"
		sig=$($C wallet sign --data --from-file "$tmp/claim.json" --private-key "$VSIGNER")
		$C send --async --private-key "$BRIDGE" --nonce $((nonce + i)) --gas-limit 300000 "$VOUCHER" \
			"claim((bytes32,uint64,uint64,uint64,uint64,uint64,address,uint64,bytes32,uint64),bytes)" \
			"($PROJECT,$VSEQ,$rid,$((rid / 2)),$((1000 + i % 97)),$((5000 + i % 89)),$a,$c,$digest,$now)" \
			"$sig" >/dev/null
		VSEQ=$((VSEQ + 1))
	done
	$C rpc evm_mine >/dev/null
	$C rpc evm_setAutomine true >/dev/null
	receipts=$($C rpc eth_getBlockReceipts latest)
	count=$(printf '%s' "$receipts" | jq 'length')
	if [ "$count" != "$n" ] || [ "$(printf '%s' "$receipts" | jq '[.[] | select(.status != "0x1")] | length')" != 0 ]; then
		echo "bench_gas: voucher block holds $count txs (want $n) or a failed one" >&2
		exit 1
	fi
	GAS=0
	for g in $(printf '%s' "$receipts" | jq -r '.[].gasUsed'); do
		GAS=$((GAS + g))
	done
}

# The 32 returning beneficiaries first receive tokens once (not measured).
share_batch "$RETURNING" returning

declare -A G
for n in $SIZES; do
	share_batch "$n" returning
	G[share,returning,$n]=$GAS
	share_batch "$n" new
	G[share,new,$n]=$GAS
	voucher_run "$n" returning
	G[voucher,returning,$n]=$GAS
	voucher_run "$n" new
	G[voucher,new,$n]=$GAS
done

echo "anvil $("$SSP_ANVIL_BIN" --version | head -n 1 | cut -d" " -f3), hardfork $($C rpc anvil_nodeInfo | jq -r .hardFork);" \
	"ShareMinter with 2-of-3 signers, VoucherMinter with 1 signer (one tx per claim)"
echo "gas per claim = gasUsed / claims (returning: over $RETURNING holders; new: one new holder per claim)"
printf '%-7s | %-27s | %-27s | %-9s | %-9s\n' claims "ShareMinter returning / new" "VoucherMinter returning/new" \
	"ratio ret" "ratio new"
for n in $SIZES; do
	sr=$((G[share,returning,$n] / n))
	sn=$((G[share,new,$n] / n))
	vr=$((G[voucher,returning,$n] / n))
	vn=$((G[voucher,new,$n] / n))
	printf '%-7s | %11s / %-13s | %11s / %-13s | %8sx | %8sx\n' "$n" "$sr" "$sn" "$vr" "$vn" \
		"$(echo "scale=1; $vr / $sr" | bc)" "$(echo "scale=1; $vn / $sn" | bc)"
done
echo "ShareMinter gasUsed per batch (returning / new):"
for n in $SIZES; do
	printf '  %4s claims: %9s / %-9s\n' "$n" "${G[share,returning,$n]}" "${G[share,new,$n]}"
done
case " $SIZES " in
*" 64 "*) ;;
*) exit 0 ;;
esac
case " $SIZES " in
*" 256 "*)
	echo "ShareMinter marginal gas per new payout (256 vs 64 all-new): $(((G[share,new,256] - G[share,new,64]) / 192))"
	echo "aims: <= 2000 gas/claim at 256 returning: $((G[share,returning,256] / 256));" \
		"<= 26000 at 256 all-new: $((G[share,new,256] / 256));" \
		">= 20x cheaper than vouchers at 256 returning: $(echo "scale=1; ${G[voucher,returning,256]} / ${G[share,returning,256]}" | bc)x"
	;;
esac
