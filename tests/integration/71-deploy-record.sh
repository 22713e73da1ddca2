#!/bin/bash
# `ssp deploy` writes a deployment record (docs/operations.md): deployment.json is checked
# against the chain as cast reads it (receipts, blocks, code, the creation transactions'
# input = creation bytecode ‖ constructorArguments, the arguments = cast abi-encode of the
# values); each contract's standard-JSON input is recompiled with solc-js, as Etherscan and
# Sourcify do (tests/helpers/solc_verify.js), and gives the deployed runtime bytecode
# (eth_getCode); the export's manifest carries the deployment block and `ssp audit` starts its
# scan there by default.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init deploy-record
command -v node >/dev/null || ssp_fail "node is needed (scripts/install-deps.sh)"
A3=$(ssp_anvil_addr 3)
# Some blocks before the deployment, so that its block is not 1.
"$SSP_CAST" rpc anvil_mine 0x5 0x0 >/dev/null
bridge_deploy --guardian "$A3" --max-batch-credit 5000000000 --record "$T/rec"
R=$T/rec/deployment.json
[ -s "$R" ] && [ -s "$T/rec/SSPToken.input.json" ] && [ -s "$T/rec/ShareMinter.input.json" ] ||
	ssp_fail "record files missing: $(ls -l "$T/rec")"
expect_status 2 "a record is never overwritten" ssp_deploy_cmd --rpc "$SSP_ANVIL_URL" --keystore "$T/ks0.json" \
	--password-file "$T/pw" --signer "$A1" --threshold 1 --rate "$RATE" --contracts "$CONTRACTS" --record "$T/rec"
assert_contains "$OUT" "never overwritten" "refusal names the reason"
assert_contains "$OUT" "ARE deployed" "the output says the contracts are deployed anyway"

j() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d' + sys.argv[2]))" "$R" "$1"; }
assert_eq "$(j '["version"]')" 1 "record version"
assert_eq "$(j '["chainId"]')" "$("$SSP_CAST" chain-id)" "chain id (cast chain-id)"
assert_eq "$(j '["deployer"]')" "$("$SSP_CAST" to-check-sum-address "$A0")" "deployer"
assert_eq "$(j '["compiler"]["version"]')" "$(node -e "console.log(require('$SSP_NODE_MODULES/solc').version())")" "compiler version (solc-js)"
assert_eq "$(j '["compiler"]["settings"]["optimizer"]["runs"]')" 1000000 "optimizer runs"
assert_eq "$(j '["compiler"]["settings"]["evmVersion"]')" cancun "evm version"
for c in SSPToken ShareMinter; do
	addr=$(j "[\"contracts\"][\"$c\"][\"address\"]")
	tx=$(j "[\"contracts\"][\"$c\"][\"transactionHash\"]")
	"$SSP_CAST" receipt "$tx" --json >"$T/$c.receipt"
	rj() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$T/$c.receipt" "$1"; }
	assert_eq "$("$SSP_CAST" to-check-sum-address "$(rj contractAddress)")" "$addr" "$c address = receipt's contractAddress"
	assert_eq "$(j "[\"contracts\"][\"$c\"][\"blockNumber\"]")" "$(($(rj blockNumber)))" "$c block"
	assert_eq "$(j "[\"contracts\"][\"$c\"][\"blockHash\"]")" "$(rj blockHash)" "$c block hash"
	assert_eq "$(rj status)" 0x1 "$c receipt status"
	# The creation input = creation bytecode ‖ constructor arguments.
	input=$("$SSP_CAST" tx "$tx" input)
	args=$(j "[\"contracts\"][\"$c\"][\"constructorArguments\"]")
	bin=$(cat "$CONTRACTS/$c.bin")
	assert_eq "$input" "0x$bin${args#0x}" "$c creation input = bytecode || constructorArguments"
	assert_eq "$(j "[\"contracts\"][\"$c\"][\"creationBytecodeKeccak256\"]")" "$("$SSP_CAST" keccak "0x$bin")" "$c bytecode keccak"
	assert_eq "$(j "[\"contracts\"][\"$c\"][\"standardJsonInputSha256\"]")" "0x$(sha256sum "$T/rec/$c.input.json" | cut -d' ' -f1)" "$c input sha256"
	cmp -s "$T/rec/$c.input.json" "$CONTRACTS/$c.input.json" || ssp_fail "$c input differs from the build's"
	# Source verification from the record alone.
	"$SSP_CAST" code "$addr" >"$T/$c.code"
	printf '%s' "$bin" >"$T/$c.creation"
	node "$SSP_SRCDIR/tests/helpers/solc_verify.js" --node-modules "$SSP_NODE_MODULES" \
		--input "$T/rec/$(j "[\"contracts\"][\"$c\"][\"standardJsonInput\"]")" \
		--contract "$(j "[\"contracts\"][\"$c\"][\"contractName\"]")" \
		--version "$(j '["compiler"]["version"]')" --code "$T/$c.code" --creation "$T/$c.creation" \
		>"$T/$c.verify" || ssp_fail "$c: $(cat "$T/$c.verify")"
	ssp_ok "$(cat "$T/$c.verify")"
done
# The constructor arguments, as cast encodes the values the record names.
TOKEN=$(j '["contracts"]["SSPToken"]["address"]')
MINTER=$(j '["contracts"]["ShareMinter"]["address"]')
assert_eq "$(j '["contracts"]["SSPToken"]["constructorArguments"]')" \
	"$("$SSP_CAST" abi-encode "constructor(address)" "$A0")" "SSPToken constructor arguments (cast abi-encode)"
assert_eq "$(j '["contracts"]["ShareMinter"]["constructorArguments"]')" \
	"$("$SSP_CAST" abi-encode "constructor(address,address,address,address[],uint8,uint256,uint64)" \
		"$TOKEN" "$A0" "$A3" "[$A1]" 1 "$RATE" 5000000000)" "ShareMinter constructor arguments (cast abi-encode)"
assert_eq "$(j '["contracts"]["ShareMinter"]["constructorArgs"]["maxBatchCredit"]')" 5000000000 "named argument"
grant=$(j '["minterRoleGrant"]["transactionHash"]')
assert_eq "$(($("$SSP_CAST" receipt "$grant" blockNumber)))" "$(j '["minterRoleGrant"]["blockNumber"]')" "grant block"
DEPLOY_BLOCK=$(j '["deployBlock"]')
assert_eq "$DEPLOY_BLOCK" "$(j '["contracts"]["ShareMinter"]["blockNumber"]')" "deployBlock = the minter's block"
[ "$DEPLOY_BLOCK" -gt 5 ] || ssp_fail "deploy block $DEPLOY_BLOCK"
assert_contains "$(cat "$T/ssp.conf")" "deploy_block = $DEPLOY_BLOCK" "ssp.conf [chain] deploy_block"
ssp_ok "deployment.json agrees with the chain (cast) and the build"

# The export's manifest carries it; the audit starts there (and is clean).
bridge_seal 6 2 3 1
bridge_until_final 60
"$SSP" export --conf "$T/ssp.conf" --out "$T/export" -q || ssp_fail "export"
assert_eq "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['chain']['deployBlock'])" "$T/export/manifest.json")" \
	"$DEPLOY_BLOCK" "manifest chain.deployBlock"
st=0
"$SSP" audit --export "$T/export" --rpc "$SSP_ANVIL_URL" --contract "$MINTER" --confirmations 0 --json \
	>"$T/audit.json" 2>"$T/audit.err" || st=$?
assert_eq "$st" 0 "audit exit status ($(cat "$T/audit.err"))"
assert_eq "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['fromBlock'])" "$T/audit.json")" \
	"$DEPLOY_BLOCK" "the audit scanned from the deployment block"
ssp_ok "manifest deployBlock; the audit starts there and is clean"
