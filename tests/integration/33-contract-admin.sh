#!/bin/bash
# 33-contract-admin.sh — ShareMinter's constructor checks and administration on a real anvil
# node: every bad constructor argument and admin call refused with its named custom error,
# admin-only access, the events announcing each change, and that signer-set and threshold
# changes take effect on the next batch (signatures by `cast wallet sign --data`).
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
ssp_contract_test_init
err() { local o; o=$(ssp_expect_error "$@") || return 1; printf '%s\n' "$o" | sed 's/ \[.*\]$//' | paste -sd' ' -; }
refused() {
	local name=$1 want=$2 got
	shift 2
	if got=$(err "$@"); then check "$name: $1" eq "$got" "$want"; else not_ok "$name: $1"; fi
}

ssp_anvil_start "$tmp" || die "anvil did not start"
C=$SSP_CAST
CHAIN=$SSP_ANVIL_CHAIN_ID
BUILD=$SSP_BUILDDIR/contracts/build
ADMIN=$(ssp_anvil_key 0); ADMIN_A=$(ssp_anvil_addr 0)
S1=$(ssp_anvil_key 1); S2=$(ssp_anvil_key 2); S3=$(ssp_anvil_key 3); S7=$(ssp_anvil_key 7)
A1=$(ssp_anvil_addr 1); A2=$(ssp_anvil_addr 2); A3=$(ssp_anvil_addr 3); A7=$(ssp_anvil_addr 7)
BRIDGE=$(ssp_anvil_key 4); BRIDGE_A=$(ssp_anvil_addr 4)
GUARD_A=$(ssp_anvil_addr 6)
B8=$(ssp_anvil_addr 8)
RATE=1000000000000
CEILING=1000000000000000
U64MAX=18446744073709551615
ZERO32=0x0000000000000000000000000000000000000000000000000000000000000000
ZERO_A=0x0000000000000000000000000000000000000000
ssp_deploy_contracts "$ADMIN" "$GUARD_A" "[$A1,$A2,$A3]" 2 "$RATE" "$CEILING" || die "deployment failed"
M=$SSP_MINTER
T=$SSP_TOKEN

# ---------------------------------------------------------------- constructor
CTOR="constructor(address,address,address,address[],uint8,uint256,uint64)"
# ctor_refused NAME WANT ERROR_SIG CTOR_ARGS...: eth_call of the creation code must revert so.
ctor_refused() {
	local name=$1 want=$2 e=$3 args out data got
	shift 3
	args=$($C abi-encode "$CTOR" "$@") || { not_ok "$name (encoding)"; return; }
	out=$($C rpc eth_call "{\"data\":\"0x$(cat "$BUILD/ShareMinter.bin")${args#0x}\"}" latest 2>&1) || true
	data=$(printf '%s' "$out" | sed -n 's/.*data: "\(0x[0-9a-f]*\)".*/\1/p')
	if [ "$(printf '%s' "$data" | cut -c1-10)" != "$($C sig "$e")" ]; then
		echo "  want $e, got: $out" >&2
		not_ok "$name: $e"
		return
	fi
	got=$([ "$data" = "$($C sig "$e")" ] || $C decode-error --sig "$e" "$data" | sed 's/ \[.*\]$//' | paste -sd' ' -)
	check "$name: $e" eq "$got" "$want"
}
ctor_ok() { local args; args=$($C abi-encode "$CTOR" "$@") && $C rpc eth_call "{\"data\":\"0x$(cat "$BUILD/ShareMinter.bin")${args#0x}\"}" latest >/dev/null 2>&1; }
SIG3="[$A1,$A2,$A3]"
check "control: good constructor arguments deploy (eth_call)" ctor_ok "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 "$RATE" "$CEILING"
check "a zero guardian is allowed (no guardian yet)" ctor_ok "$T" "$ADMIN_A" "$ZERO_A" "$SIG3" 2 "$RATE" "$CEILING"
ctor_refused "token without code" "$(cs "$A7")" "InvalidToken(address)" "$A7" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 "$RATE" "$CEILING"
ctor_refused "zero admin" "" "ZeroAddress()" "$T" "$ZERO_A" "$GUARD_A" "$SIG3" 2 "$RATE" "$CEILING"
ctor_refused "a signer twice" "$(cs "$A1")" "InvalidSigner(address)" "$T" "$ADMIN_A" "$GUARD_A" "[$A1,$A2,$A1]" 2 "$RATE" "$CEILING"
ctor_refused "a zero signer" "$ZERO_A" "InvalidSigner(address)" "$T" "$ADMIN_A" "$GUARD_A" "[$A1,$ZERO_A]" 1 "$RATE" "$CEILING"
ctor_refused "threshold 0" "0 3" "InvalidThreshold(uint256,uint256)" "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 0 "$RATE" "$CEILING"
ctor_refused "threshold above the signer count" "4 3" "InvalidThreshold(uint256,uint256)" "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 4 "$RATE" "$CEILING"
ctor_refused "no signers" "1 0" "InvalidThreshold(uint256,uint256)" "$T" "$ADMIN_A" "$GUARD_A" "[]" 1 "$RATE" "$CEILING"
ctor_refused "rate 0" "0" "InvalidRate(uint256)" "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 0 "$CEILING"
ctor_refused "rate 2^64" "18446744073709551616" "InvalidRate(uint256)" "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 18446744073709551616 "$CEILING"
check "rate 2^64-1 is allowed" ctor_ok "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 "$U64MAX" "$CEILING"
ctor_refused "ceiling 0" "0" "InvalidMaxBatchCredit(uint64)" "$T" "$ADMIN_A" "$GUARD_A" "$SIG3" 2 "$RATE" 0
MANY=$(for i in $(seq 1 256); do printf '0x%040x\n' "$i"; done | paste -sd, -)
ctor_refused "256 signers" "" "TooManySigners()" "$T" "$ADMIN_A" "$GUARD_A" "[$MANY]" 2 "$RATE" "$CEILING"
check "255 signers are allowed" ctor_ok "$T" "$ADMIN_A" "$GUARD_A" "[$(printf '%s' "$MANY" | cut -d, -f1-255)]" 2 "$RATE" "$CEILING"

# ---------------------------------------------------------------- admin only
for call in "addSigner(address) $A7" "removeSigner(address) $A1" "setThreshold(uint8) 1" \
	"setRate(uint256) 5" "setMaxBatchCredit(uint64) 5" "unpause()"; do
	set -- $call
	refused "non-admin $1" "$(cs "$BRIDGE_A") $ZERO32" "AccessControlUnauthorizedAccount(address,bytes32)" \
		"$M" "$@" --from "$BRIDGE_A"
done
refused "the admin is no guardian" "$(cs "$ADMIN_A") $($C keccak GUARDIAN_ROLE)" \
	"AccessControlUnauthorizedAccount(address,bytes32)" "$M" "pause()" --from "$ADMIN_A"

# ---------------------------------------------------------------- bad values
refused "addSigner of a signer" "$(cs "$A1")" "InvalidSigner(address)" "$M" "addSigner(address)" "$A1" --from "$ADMIN_A"
refused "addSigner of zero" "$ZERO_A" "InvalidSigner(address)" "$M" "addSigner(address)" "$ZERO_A" --from "$ADMIN_A"
refused "removeSigner of a non-signer" "$(cs "$A7")" "UnknownSigner(address)" "$M" "removeSigner(address)" "$A7" --from "$ADMIN_A"
refused "setThreshold(0)" "0 3" "InvalidThreshold(uint256,uint256)" "$M" "setThreshold(uint8)" 0 --from "$ADMIN_A"
refused "setThreshold(4) with 3 signers" "4 3" "InvalidThreshold(uint256,uint256)" "$M" "setThreshold(uint8)" 4 --from "$ADMIN_A"
refused "setRate(0)" "0" "InvalidRate(uint256)" "$M" "setRate(uint256)" 0 --from "$ADMIN_A"
refused "setRate(2^64)" "18446744073709551616" "InvalidRate(uint256)" "$M" "setRate(uint256)" 18446744073709551616 --from "$ADMIN_A"
refused "setMaxBatchCredit(0)" "0" "InvalidMaxBatchCredit(uint64)" "$M" "setMaxBatchCredit(uint64)" 0 --from "$ADMIN_A"

# ---------------------------------------------------------------- changes take effect
P=$($C keccak "https://boinc.example.org/ssp/")
NEXT=1
# try_batch KEY...: signs a 1-claim batch at NEXT with the keys (sorted by address); sets TUPLE,
# PAY and SIGS for eth_call/submission.
try_batch() {
	PAY="[($B8,1000)]"
	local ph
	ph=$(ssp_payouts_hash "$PAY")
	TUPLE="($P,$NEXT,$NEXT,$ZERO32,$ph,1000)"
	ssp_batch_json "$CHAIN" "$M" "$P" "$NEXT" "$NEXT" "$ZERO32" "$ph" 1000 >"$tmp/b.json"
	SIGS=$(ssp_batch_sigs "$tmp/b.json" "$@")
}
mint_now() { ssp_send "$BRIDGE" "$M" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAY" "$SIGS" >/dev/null && NEXT=$((NEXT + 1)); }
log_data() { printf '%s' "$R" | jq -r '.logs[0].data'; }
log_topic() { printf '%s' "$R" | jq -r '.logs[0].topics[1]'; }

R=$(ssp_send "$ADMIN" "$M" "setThreshold(uint8)" 3)
check "setThreshold(3) emits ThresholdChanged(2, 3)" eq "$(log_data)" "$($C abi-encode "f(uint256,uint256)" 2 3)"
try_batch "$S1" "$S2"
refused "2 signatures under threshold 3" "2 3" "InsufficientSignatures(uint256,uint256)" \
	"$M" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAY" "$SIGS" --from "$BRIDGE_A"
try_batch "$S1" "$S2" "$S3"
check "3 signatures under threshold 3 mint" mint_now
refused "removing a signer below the threshold" "3 2" "InvalidThreshold(uint256,uint256)" \
	"$M" "removeSigner(address)" "$A3" --from "$ADMIN_A"
check "setThreshold(2)" quiet ssp_send "$ADMIN" "$M" "setThreshold(uint8)" 2
R=$(ssp_send "$ADMIN" "$M" "removeSigner(address)" "$A1")
check "removeSigner(1) emits SignerRemoved(1)" eq "$(log_topic)" "$($C abi-encode "f(address)" "$A1")"
check "signer 1 is gone, the last moved into its place" eq "$(val "$M" "signers()(address[])")" "[$(cs "$A3"), $(cs "$A2")]"
check "isSigner(1) is false" eq "$(val "$M" "isSigner(address)(bool)" "$A1")" false
try_batch "$S1" "$S2"
refused "a removed signer's signature" "1 $(cs "$A1")" "NotSigner(uint256,address)" \
	"$M" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAY" "$SIGS" --from "$BRIDGE_A"
R=$(ssp_send "$ADMIN" "$M" "addSigner(address)" "$A7")
check "addSigner(7) emits SignerAdded(7)" eq "$(log_topic)" "$($C abi-encode "f(address)" "$A7")"
check "signers() = [3, 2, 7]" eq "$(val "$M" "signers()(address[])")" "[$(cs "$A3"), $(cs "$A2"), $(cs "$A7")]"
try_batch "$S7" "$S2"
check "a new signer's signature mints" mint_now
R=$(ssp_send "$ADMIN" "$M" "setMaxBatchCredit(uint64)" 999)
check "setMaxBatchCredit emits MaxBatchCreditChanged(old, 999)" eq "$(log_data)" "$($C abi-encode "f(uint64,uint64)" "$CEILING" 999)"
try_batch "$S3" "$S2"
refused "the new ceiling applies" "1000 999" "BatchCreditTooLarge(uint64,uint64)" \
	"$M" "$SSP_MINT_BATCH_SIG" "$TUPLE" "$PAY" "$SIGS" --from "$BRIDGE_A"
check "nextSeq = 3 after two batches" eq "$(val "$M" "nextSeq(bytes32)(uint64)" "$P")" 3
check "balance of 8 = 2 x 1000 x rate" eq "$(val "$T" "balanceOf(address)(uint256)" "$B8")" 2000000000000000

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS"
