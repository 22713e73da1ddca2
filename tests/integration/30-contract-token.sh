#!/bin/bash
# 30-contract-token.sh — SSPToken on a real anvil node: ERC-20 metadata and the 10e9 SSP cap,
# minting only by MINTER_ROLE, and the batch mint mintPayouts (which writes ERC20's balances
# directly): its balances, Transfer events and total supply, and that ordinary ERC-20 transfers
# see exactly those balances afterwards. Errors are checked as 4-byte selectors and decoded
# with `cast decode-error --sig`.
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
ssp_contract_test_init
reverts() { ! "$C" call "$@" >/dev/null 2>&1; }
# err ERROR_SIG CAST_CALL_ARGS...: the decoded error arguments joined by spaces ("" if none).
err() { local o; o=$(ssp_expect_error "$@") || return 1; printf '%s\n' "$o" | sed 's/ \[.*\]$//' | paste -sd' ' -; }
# refused NAME WANT ERROR_SIG CAST_CALL_ARGS...
refused() {
	local name=$1 want=$2 got
	shift 2
	if got=$(err "$@"); then check "$name: $1" eq "$got" "$want"; else not_ok "$name: $1"; fi
}

ssp_anvil_start "$tmp" || die "anvil did not start"
C=$SSP_CAST
BUILD=$SSP_BUILDDIR/contracts/build
ADMIN=$(ssp_anvil_key 0); ADMIN_A=$(ssp_anvil_addr 0)
MINTER=$(ssp_anvil_key 5); MINTER_A=$(ssp_anvil_addr 5)
K8=$(ssp_anvil_key 8); A8=$(ssp_anvil_addr 8)
A9=$(ssp_anvil_addr 9)
A7=$(ssp_anvil_addr 7)
MINTER_ROLE=$($C keccak MINTER_ROLE)
ZERO32=0x0000000000000000000000000000000000000000000000000000000000000000
ZERO_A=0x0000000000000000000000000000000000000000
CAP=$(calc "10000000000 * 10^18")

# Construction with a zero admin is refused (eth_call of the creation code).
code0=$(cat "$BUILD/SSPToken.bin")$($C abi-encode "constructor(address)" "$ZERO_A" | cut -c3-)
out=$($C rpc eth_call "{\"data\":\"0x$code0\"}" latest 2>&1) || true
check "constructor(admin = 0) reverts with InvalidAdmin()" eq \
	"$(printf '%s' "$out" | sed -n 's/.*data: "\(0x[0-9a-f]*\)".*/\1/p')" "$($C sig "InvalidAdmin()")"

args=$($C abi-encode "constructor(address)" "$ADMIN_A")
R=$(ssp_send "$ADMIN" --create "$(cat "$BUILD/SSPToken.bin")${args#0x}") || die "deploy"
T=$(printf '%s' "$R" | jq -r .contractAddress)
echo "# token $T, deployment gasUsed $(($(printf '%s' "$R" | jq -r .gasUsed)))"

check "name is SmartShare" eq "$(val "$T" "name()(string)")" '"SmartShare"'
check "symbol is SSP" eq "$(val "$T" "symbol()(string)")" '"SSP"'
check "18 decimals" eq "$(val "$T" "decimals()(uint8)")" 18
check "cap is 10,000,000,000 SSP" eq "$(val "$T" "cap()(uint256)")" "$CAP"
check "MAX_SUPPLY = cap" eq "$(val "$T" "MAX_SUPPLY()(uint256)")" "$CAP"
check "total supply starts at 0" eq "$(val "$T" "totalSupply()(uint256)")" 0
check "MINTER_ROLE = keccak256(\"MINTER_ROLE\")" eq "$(val "$T" "MINTER_ROLE()(bytes32)")" "$MINTER_ROLE"
check "the admin holds DEFAULT_ADMIN_ROLE" eq "$(val "$T" "hasRole(bytes32,address)(bool)" "$ZERO32" "$ADMIN_A")" true
check "nobody holds MINTER_ROLE yet" eq "$(val "$T" "hasRole(bytes32,address)(bool)" "$MINTER_ROLE" "$ADMIN_A")" false
check "supports IAccessControl (ERC-165)" eq "$(val "$T" "supportsInterface(bytes4)(bool)" 0x7965db0b)" true

refused "mint without MINTER_ROLE" "$(cs "$ADMIN_A") $MINTER_ROLE" \
	"AccessControlUnauthorizedAccount(address,bytes32)" "$T" "mint(address,uint256)" "$A8" 1 --from "$ADMIN_A"
refused "mintPayouts without MINTER_ROLE" "$(cs "$ADMIN_A") $MINTER_ROLE" \
	"AccessControlUnauthorizedAccount(address,bytes32)" "$T" "mintPayouts((address,uint64)[],uint256)" "[($A8,1)]" 1 --from "$ADMIN_A"
refused "a non-admin grants MINTER_ROLE" "$(cs "$MINTER_A") $ZERO32" \
	"AccessControlUnauthorizedAccount(address,bytes32)" "$T" "grantRole(bytes32,address)" "$MINTER_ROLE" "$MINTER_A" --from "$MINTER_A"

check "the admin grants MINTER_ROLE to account 5" quiet ssp_send "$ADMIN" "$T" "grantRole(bytes32,address)" "$MINTER_ROLE" "$MINTER_A"
R=$(ssp_send "$MINTER" "$T" "mint(address,uint256)" "$A8" 1000) || not_ok "mint"
check "mint(8, 1000) emits Transfer(0, 8, 1000)" eq \
	"$(printf '%s' "$R" | jq -r '.logs[0] | "\(.topics | join(" ")) \(.data)"')" \
	"$($C keccak "Transfer(address,address,uint256)") $ZERO32 $($C abi-encode "f(address)" "$A8") $($C abi-encode "f(uint256)" 1000)"
check "balance of 8 is 1000" eq "$(val "$T" "balanceOf(address)(uint256)" "$A8")" 1000

# mintPayouts: credit x unit to each, in order, a beneficiary may repeat.
U=1000000000000
R=$(ssp_send "$MINTER" "$T" "mintPayouts((address,uint64)[],uint256)" "[($A8,3),($A9,4),($A8,5)]" "$U") || not_ok "mintPayouts"
check "mintPayouts: balance of 8 = 1000 + (3 + 5) x unit" eq "$(val "$T" "balanceOf(address)(uint256)" "$A8")" "$(calc "1000 + 8 * $U")"
check "mintPayouts: balance of 9 = 4 x unit" eq "$(val "$T" "balanceOf(address)(uint256)" "$A9")" "$(calc "4 * $U")"
check "mintPayouts: total supply = sum of balances" eq "$(val "$T" "totalSupply()(uint256)")" "$(calc "1000 + 12 * $U")"
check "mintPayouts: three Transfer events from 0, in payout order" eq \
	"$(printf '%s' "$R" | jq -r '.logs[] | "\(.address) \(.topics[1]) \(.topics[2]) \(.data)"' | paste -sd' ' -)" \
	"$(for x in "$A8 3" "$A9 4" "$A8 5"; do set -- $x; echo "$T $ZERO32 $($C abi-encode "f(address)" "$1") $($C abi-encode "f(uint256)" "$(calc "$2 * $U")")"; done | paste -sd' ' -)"
check "mintPayouts: the Transfer topic" eq "$(printf '%s' "$R" | jq -r '[.logs[].topics[0]] | unique | .[]')" \
	"$($C keccak "Transfer(address,address,uint256)")"
check "mintPayouts of no payouts changes nothing" quiet ssp_send "$MINTER" "$T" "mintPayouts((address,uint64)[],uint256)" "[]" "$U"
check "total supply unchanged by an empty batch" eq "$(val "$T" "totalSupply()(uint256)")" "$(calc "1000 + 12 * $U")"

# ERC-20 transfers see the balances mintPayouts wrote.
check "8 transfers 2 x unit to 7" quiet ssp_send "$K8" "$T" "transfer(address,uint256)" "$A7" "$(calc "2 * $U")"
check "after transfer: 8 and 7" eq "$(val "$T" "balanceOf(address)(uint256)" "$A8") $(val "$T" "balanceOf(address)(uint256)" "$A7")" \
	"$(calc "1000 + 6 * $U") $(calc "2 * $U")"
BAL8=$(calc "1000 + 6 * $U")
refused "transfer above the balance" "$(cs "$A8") $BAL8 $(calc "$BAL8 + 1")" \
	"ERC20InsufficientBalance(address,uint256,uint256)" "$T" "transfer(address,uint256)" "$A7" "$(calc "$BAL8 + 1")" --from "$A8"
check "8 approves 9 for 5" quiet ssp_send "$K8" "$T" "approve(address,uint256)" "$A9" 5
check "allowance(8, 9) = 5" eq "$(val "$T" "allowance(address,address)(uint256)" "$A8" "$A9")" 5

# mintPayouts refusals.
refused "a payout to the zero address" "$ZERO_A" "ERC20InvalidReceiver(address)" \
	"$T" "mintPayouts((address,uint64)[],uint256)" "[($ZERO_A,1)]" 1 --from "$MINTER_A"
refused "a unit above MAX_SUPPLY" "$(calc "$CAP + 1")" "InvalidUnit(uint256)" \
	"$T" "mintPayouts((address,uint64)[],uint256)" "[($A8,1)]" "$(calc "$CAP + 1")" --from "$MINTER_A"
check "a unit of exactly MAX_SUPPLY is accepted by eth_call (1 payout of 0)" \
	quiet "$C" call "$T" "mintPayouts((address,uint64)[],uint256)" "[($A8,0)]" "$CAP" --from "$MINTER_A"
good=$($C calldata "mintPayouts((address,uint64)[],uint256)" "[($A8,1),($A9,2)]" 7)
# Words: selector | offset | unit | length | a0 | c0 | a1 | c1. Dirty the high byte of a1, then of c0.
dirty_a=$(printf '%s' "$good" | sed 's/^\(0x.\{8\}\(.\{64\}\)\{5\}\)../\1ff/')
dirty_c=$(printf '%s' "$good" | sed 's/^\(0x.\{8\}\(.\{64\}\)\{4\}.\{46\}\)../\1ff/')
check "control: the clean calldata mints" quiet "$C" call "$T" "$good" --from "$MINTER_A"
check "the dirtied copies differ from it" test "$dirty_a" != "$good" -a "$dirty_c" != "$good" -a ${#dirty_a} -eq ${#good}
refused "an address with dirty high bytes" 1 "InvalidPayout(uint256)" "$T" "$dirty_a" --from "$MINTER_A"
refused "a credit above 2^64-1" 0 "InvalidPayout(uint256)" "$T" "$dirty_c" --from "$MINTER_A"
short=$(printf '%s' "$good" | cut -c1-$((${#good} - 64)))
check "truncated payouts calldata is refused" reverts "$T" "$short" --from "$MINTER_A"

# The cap: mint up to it exactly, then one wei more is refused by both mint paths.
SUPPLY=$(val "$T" "totalSupply()(uint256)")
check "mint up to the cap exactly" quiet ssp_send "$MINTER" "$T" "mint(address,uint256)" "$A9" "$(calc "$CAP - $SUPPLY")"
check "total supply = cap" eq "$(val "$T" "totalSupply()(uint256)")" "$CAP"
refused "mint one wei past the cap" "$(calc "$CAP + 1") $CAP" "ERC20ExceededCap(uint256,uint256)" \
	"$T" "mint(address,uint256)" "$A8" 1 --from "$MINTER_A"
refused "mintPayouts one wei past the cap" "$(calc "$CAP + 1") $CAP" "ERC20ExceededCap(uint256,uint256)" \
	"$T" "mintPayouts((address,uint64)[],uint256)" "[($A8,1)]" 1 --from "$MINTER_A"

check "the admin revokes MINTER_ROLE" quiet ssp_send "$ADMIN" "$T" "revokeRole(bytes32,address)" "$MINTER_ROLE" "$MINTER_A"
refused "mint after revocation" "$(cs "$MINTER_A") $MINTER_ROLE" \
	"AccessControlUnauthorizedAccount(address,bytes32)" "$T" "mint(address,uint256)" "$A8" 0 --from "$MINTER_A"

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS"
