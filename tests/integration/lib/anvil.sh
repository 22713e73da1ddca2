# tests/integration/lib/anvil.sh — a private anvil (local Ethereum node) for tests and benches.
# Source it from a bash script:  . "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
#
# It finds the foundry tools in $SSP_NODE_MODULES (default $SSP_SRCDIR/node_modules, where
# `npm ci` installs them), preferring the native binaries of @foundry-rs/{anvil,cast}-<platform>
# over the node wrappers, so that the PID it records is anvil's own. Each node listens on 127.0.0.1 with a port chosen by the kernel
# (--port 0, read back from anvil's log: no race with other tests), keeps its files in a
# directory the caller owns, and is stopped by PID. No function prints anything on success
# except the ones whose job is to print.
#
# Functions
#   ssp_anvil_tools
#       Finds the tools. Sets SSP_ANVIL_BIN (anvil) and SSP_CAST (cast). Returns 0, or 1 after a
#       message on stderr naming `npm ci` when they are missing (callers usually `|| exit 77`).
#   ssp_anvil_start DIR [ANVIL_ARGS...]
#       Starts anvil in the background (calls ssp_anvil_tools if needed), its log in
#       DIR/anvil.log and its account list in DIR/anvil.json, extra arguments passed on (e.g.
#       --chain-id 5, --hardfork prague, --block-time 1). Waits until it answers JSON-RPC (up
#       to 30 s). Sets SSP_ANVIL_PID, SSP_ANVIL_PORT, SSP_ANVIL_URL (http://127.0.0.1:PORT),
#       SSP_ANVIL_LOG, SSP_ANVIL_CHAIN_ID, and exports ETH_RPC_URL=$SSP_ANVIL_URL so plain
#       `cast` commands reach it. Returns 0, or 1 (node stopped, log tail on stderr).
#       One node per shell at a time; use a subshell for a second one.
#   ssp_anvil_stop
#       Kills the node started by ssp_anvil_start, by its PID, and waits for it. Safe to call
#       when none is running (e.g. twice, or from an EXIT trap). Always returns 0.
#   ssp_anvil_key N
#       Prints the private key (0x + 64 hex) of the node's default account N (0..9).
#   ssp_anvil_addr N
#       Prints the address (0x + 40 hex, lower case) of the node's default account N (0..9).
#
#
# SmartShare contract helpers (they use the build outputs in $SSP_BUILDDIR/contracts/build and
# the node started by ssp_anvil_start; keys are 0x-hex private keys, e.g. from ssp_anvil_key):
#   ssp_send KEY TO|--create SIG_OR_CODE [ARGS...]
#       `cast send` from KEY's account, waiting for the receipt. Prints the receipt JSON (one
#       line) on stdout. Returns 1 (message on stderr) if the tx failed or was not sent.
#   ssp_deploy_contracts ADMIN_KEY GUARDIAN SIGNERS THRESHOLD RATE CEILING
#       Deploys SSPToken(admin) and ShareMinter(token, admin, GUARDIAN, SIGNERS, THRESHOLD, RATE,
#       CEILING) with `cast send --create`, then grants the minter the token's MINTER_ROLE; the
#       admin is KEY's address. SIGNERS is a cast array, e.g. "[0xab..,0xcd..]". Sets SSP_TOKEN
#       and SSP_MINTER (lower-case addresses). Returns 1 on any failure.
#   ssp_payouts_hash PAYOUTS
#       Prints keccak256(abi.encode(payouts)) for PAYOUTS, a cast array of (address,uint64)
#       tuples, e.g. "[(0xab..,5),(0xcd..,7)]" (computed by cast abi-encode + cast keccak).
#   ssp_batch_json CHAIN_ID MINTER PROJECT FIRST LAST ROOT PAYOUTS_HASH TOTAL
#       Prints the EIP-712 typed-data JSON of a ShareBatch for domain (SmartShare, 1,
#       CHAIN_ID, MINTER), as `cast wallet sign --data` reads it.
#   ssp_batch_sigs JSON_FILE KEY...
#       Signs the typed data in JSON_FILE with each KEY (`cast wallet sign --data --from-file`)
#       and prints the cast array "[0xsig,...]" sorted by signer address ascending.
#   SSP_MINT_BATCH_SIG, SSP_BATCH_TUPLE_SIG
#       The ShareMinter.mintBatch signature for cast, and the ShareBatch tuple type.
#   ssp_revert_data CAST_CALL_ARGS...
#       Runs `cast call CAST_CALL_ARGS...` and prints the revert data (0x...) it failed with;
#       prints nothing and returns 1 if the call did not revert with data.
#   ssp_expect_error ERROR_SIG CAST_CALL_ARGS...
#       Succeeds (prints the decoded error arguments, one per line) iff `cast call` reverts
#       with the custom error ERROR_SIG, e.g. "SeqGap(bytes32,uint64,uint64)": the revert data
#       must start with `cast sig ERROR_SIG` and decode with `cast decode-error --sig`.
#       Otherwise prints what happened on stderr and returns 1.
#   ssp_contract_test_init
#       The common start of the contract test scripts (30-33): exits 77 (skip) unless anvil,
#       cast, jq and bc are there; makes the private temp dir $tmp and sets the EXIT trap that
#       stops the node and removes it; sets fails=0 and defines the TAP-style helpers
#       ok NAME, not_ok NAME (counts fails), check NAME CMD..., eq GOT WANT (prints both on
#       mismatch), die MSG (exit 1), calc EXPR (bc), val ADDR SIG ARGS... (a view call's single
#       result without cast's " [1e18]" annotation, using $C), cs ADDR (checksummed, using $C),
#       quiet CMD... (stdout discarded).
#
# Typical use:
#   . "$SSP_SRCDIR/tests/integration/lib/anvil.sh"
#   ssp_anvil_tools || exit 77
#   tmp=$(mktemp -d); trap 'ssp_anvil_stop; rm -rf "$tmp"' EXIT
#   ssp_anvil_start "$tmp" || exit 1
#   "$SSP_CAST" block-number            # uses ETH_RPC_URL

ssp_anvil_tools() {
	local nm plat
	nm=${SSP_NODE_MODULES:-${SSP_SRCDIR:-.}/node_modules}
	case "$(uname -m)" in
	x86_64 | amd64) plat=linux-amd64 ;;
	aarch64 | arm64) plat=linux-arm64 ;;
	*) plat=unknown ;;
	esac
	if [ -z "${SSP_ANVIL_BIN:-}" ]; then
		if [ -x "$nm/@foundry-rs/anvil-$plat/bin/anvil" ]; then
			SSP_ANVIL_BIN=$nm/@foundry-rs/anvil-$plat/bin/anvil
		elif [ -x "$nm/.bin/anvil" ]; then
			SSP_ANVIL_BIN=$nm/.bin/anvil
		fi
	fi
	if [ -z "${SSP_CAST:-}" ]; then
		if [ -x "$nm/@foundry-rs/cast-$plat/bin/cast" ]; then
			SSP_CAST=$nm/@foundry-rs/cast-$plat/bin/cast
		elif [ -x "$nm/.bin/cast" ]; then
			SSP_CAST=$nm/.bin/cast
		fi
	fi
	if [ -z "${SSP_ANVIL_BIN:-}" ] || [ -z "${SSP_CAST:-}" ]; then
		echo "anvil/cast not found under $nm: run \`npm ci\` in ${SSP_SRCDIR:-the source tree}" >&2
		SSP_ANVIL_BIN=
		SSP_CAST=
		return 1
	fi
	return 0
}

ssp_anvil_start() {
	local dir=$1 i port
	shift
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		echo "ssp_anvil_start: no such directory: $dir" >&2
		return 1
	fi
	if [ -n "${SSP_ANVIL_PID:-}" ]; then
		echo "ssp_anvil_start: a node is already running (pid $SSP_ANVIL_PID)" >&2
		return 1
	fi
	if [ -z "${SSP_ANVIL_BIN:-}" ] || [ -z "${SSP_CAST:-}" ]; then
		ssp_anvil_tools || return 1
	fi
	SSP_ANVIL_LOG=$dir/anvil.log
	SSP_ANVIL_CONFIG=$dir/anvil.json
	rm -f "$SSP_ANVIL_CONFIG"
	"$SSP_ANVIL_BIN" --host 127.0.0.1 --port 0 --config-out "$SSP_ANVIL_CONFIG" "$@" \
		>"$SSP_ANVIL_LOG" 2>&1 </dev/null &
	SSP_ANVIL_PID=$!
	port=
	for i in $(seq 1 300); do
		port=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$SSP_ANVIL_LOG" 2>/dev/null | head -n 1)
		[ -n "$port" ] && [ -s "$SSP_ANVIL_CONFIG" ] && break
		if ! kill -0 "$SSP_ANVIL_PID" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	if [ -n "$port" ]; then
		SSP_ANVIL_PORT=$port
		SSP_ANVIL_URL=http://127.0.0.1:$port
		SSP_ANVIL_CHAIN_ID=$("$SSP_CAST" chain-id --rpc-url "$SSP_ANVIL_URL" 2>/dev/null) ||
			SSP_ANVIL_CHAIN_ID=
	fi
	if [ -z "$port" ] || [ -z "${SSP_ANVIL_CHAIN_ID:-}" ]; then
		echo "ssp_anvil_start: anvil did not come up; its log ends with:" >&2
		tail -n 20 "$SSP_ANVIL_LOG" >&2
		ssp_anvil_stop
		return 1
	fi
	ETH_RPC_URL=$SSP_ANVIL_URL
	export ETH_RPC_URL
	return 0
}

ssp_anvil_stop() {
	local i
	# Every command may fail here (the node may be gone already): never trip `set -e`.
	if [ -n "${SSP_ANVIL_PID:-}" ]; then
		kill "$SSP_ANVIL_PID" 2>/dev/null || :
		for i in $(seq 1 50); do
			kill -0 "$SSP_ANVIL_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$SSP_ANVIL_PID" 2>/dev/null || :
		wait "$SSP_ANVIL_PID" 2>/dev/null || :
	fi
	SSP_ANVIL_PID=
	SSP_ANVIL_PORT=
	SSP_ANVIL_URL=
	SSP_ANVIL_CHAIN_ID=
	return 0
}

# _ssp_anvil_field KEY N: element N of the JSON string array KEY in anvil's --config-out file.
_ssp_anvil_field() {
	sed -n "s/.*\"$1\":\[\([^]]*\)\].*/\1/p" "$SSP_ANVIL_CONFIG" | tr ',' '\n' | tr -d '" ' |
		sed -n "$(($2 + 1))p"
}

ssp_anvil_key() {
	_ssp_anvil_field private_keys "$1"
}

ssp_anvil_addr() {
	_ssp_anvil_field available_accounts "$1"
}

# ------------------------------------------------------------------ SmartShare contract helpers

SSP_SHARE_BATCH_TYPE='[{"name":"project","type":"bytes32"},{"name":"firstSeq","type":"uint64"},{"name":"lastSeq","type":"uint64"},{"name":"claimsRoot","type":"bytes32"},{"name":"payoutsHash","type":"bytes32"},{"name":"totalCredit","type":"uint64"}]'
SSP_BATCH_TUPLE_SIG='(bytes32,uint64,uint64,bytes32,bytes32,uint64)'
SSP_MINT_BATCH_SIG="mintBatch($SSP_BATCH_TUPLE_SIG,(address,uint64)[],bytes[])"
SSP_EIP712_DOMAIN_TYPE='[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}]'

ssp_send() {
	local key=$1 out status
	shift
	if ! out=$("$SSP_CAST" send --private-key "$key" --json "$@" 2>&1); then
		echo "ssp_send: cast send $1 $2 failed: $out" >&2
		return 1
	fi
	status=$(printf '%s\n' "$out" | sed -n 's/.*"status":"\(0x[0-9a-f]*\)".*/\1/p' | head -n 1)
	if [ "$status" != 0x1 ]; then
		echo "ssp_send: tx $1 $2 failed (status ${status:-none}): $out" >&2
		return 1
	fi
	printf '%s\n' "$out"
}

# _ssp_json_field NAME: the string value of "NAME" in the one-line JSON on stdin.
_ssp_json_field() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}

ssp_deploy_contracts() {
	local key=$1 guardian=$2 signers=$3 threshold=$4 rate=$5 ceiling=$6
	local build=${SSP_BUILDDIR:-.}/contracts/build admin args r role
	if [ ! -s "$build/SSPToken.bin" ] || [ ! -s "$build/ShareMinter.bin" ]; then
		echo "ssp_deploy_contracts: no build outputs in $build (run make)" >&2
		return 1
	fi
	admin=$("$SSP_CAST" wallet address --private-key "$key") || return 1
	args=$("$SSP_CAST" abi-encode "constructor(address)" "$admin") || return 1
	r=$(ssp_send "$key" --create "$(cat "$build/SSPToken.bin")${args#0x}") || return 1
	SSP_TOKEN=$(printf '%s\n' "$r" | _ssp_json_field contractAddress)
	args=$("$SSP_CAST" abi-encode "constructor(address,address,address,address[],uint8,uint256,uint64)" \
		"$SSP_TOKEN" "$admin" "$guardian" "$signers" "$threshold" "$rate" "$ceiling") || return 1
	r=$(ssp_send "$key" --create "$(cat "$build/ShareMinter.bin")${args#0x}") || return 1
	SSP_MINTER=$(printf '%s\n' "$r" | _ssp_json_field contractAddress)
	if [ -z "$SSP_TOKEN" ] || [ -z "$SSP_MINTER" ]; then
		echo "ssp_deploy_contracts: no contract address in the receipts" >&2
		return 1
	fi
	role=$("$SSP_CAST" keccak MINTER_ROLE) || return 1
	ssp_send "$key" "$SSP_TOKEN" "grantRole(bytes32,address)" "$role" "$SSP_MINTER" >/dev/null || return 1
	return 0
}

ssp_payouts_hash() {
	local enc
	enc=$("$SSP_CAST" abi-encode "f((address,uint64)[])" "$1") || return 1
	"$SSP_CAST" keccak "$enc"
}

ssp_batch_json() {
	printf '{"types":{"EIP712Domain":%s,"ShareBatch":%s},"primaryType":"ShareBatch",' \
		"$SSP_EIP712_DOMAIN_TYPE" "$SSP_SHARE_BATCH_TYPE"
	printf '"domain":{"name":"SmartShare","version":"1","chainId":%s,"verifyingContract":"%s"},' "$1" "$2"
	printf '"message":{"project":"%s","firstSeq":"%s","lastSeq":"%s","claimsRoot":"%s","payoutsHash":"%s","totalCredit":"%s"}}\n' \
		"$3" "$4" "$5" "$6" "$7" "$8"
}

ssp_batch_sigs() {
	local file=$1 key addr sig list
	shift
	list=$(for key in "$@"; do
		addr=$("$SSP_CAST" wallet address --private-key "$key" | tr 'A-F' 'a-f') || exit 1
		sig=$("$SSP_CAST" wallet sign --data --from-file "$file" --private-key "$key") || exit 1
		echo "$addr $sig"
	done) || return 1
	printf '[%s]\n' "$(printf '%s\n' "$list" | LC_ALL=C sort | cut -d' ' -f2 | paste -sd, -)"
}

ssp_revert_data() {
	local out data
	if out=$("$SSP_CAST" call "$@" 2>&1); then
		return 1
	fi
	data=$(printf '%s\n' "$out" | sed -n 's/.*data: "\(0x[0-9a-fA-F]*\)".*/\1/p' | head -n 1)
	[ -n "$data" ] || return 1
	printf '%s\n' "$data"
}

ssp_expect_error() {
	local sig=$1 data sel want
	shift
	want=$("$SSP_CAST" sig "$sig") || return 1
	if ! data=$(ssp_revert_data "$@"); then
		echo "expected revert $sig, but the call did not revert with data" >&2
		return 1
	fi
	sel=$(printf '%s' "$data" | cut -c1-10)
	if [ "$sel" != "$want" ]; then
		echo "expected revert $sig ($want), got $data" >&2
		return 1
	fi
	if [ "$data" = "$want" ]; then
		return 0 # no arguments
	fi
	"$SSP_CAST" decode-error --sig "$sig" "$data"
}

ssp_contract_test_init() {
	local tool
	ssp_anvil_tools || exit 77
	for tool in jq bc; do
		command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed" >&2; exit 77; }
	done
	# the common test library: set -euo pipefail, on_exit
	. "$SSP_SRCDIR/tests/integration/lib/common.sh"
	tmp=$(mktemp -d)
	on_exit "ssp_anvil_stop; rm -rf '$tmp'"
	fails=0
	ok() { echo "ok - $1"; }
	not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
	check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
	eq() { [ "$1" = "$2" ] && return 0; echo "  got:  $1" >&2; echo "  want: $2" >&2; return 1; }
	die() { echo "FATAL: $*" >&2; exit 1; }
	calc() { echo "$1" | BC_LINE_LENGTH=0 bc; }
	val() { "$C" call "$@" | sed 's/ \[.*\]$//'; }
	cs() { "$C" to-check-sum-address "$1"; }
	quiet() { "$@" >/dev/null; }
}
