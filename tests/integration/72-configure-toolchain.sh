#!/bin/bash
# configure checks the contract toolchain (node, solc and @openzeppelin/contracts in
# node_modules): a missing or wrong node_modules, given with --with-node-modules=DIR or
# SSP_NODE_MODULES in the environment, stops it with the commands that fix it; a good one,
# given either way, passes.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
ssp_test_init configure-toolchain
NM=$SSP_NODE_MODULES
SRC=$(cd "$SSP_SRCDIR" && pwd)
mkdir -p "$T/b" "$T/empty" "$T/oldsolc/solc" "$T/oldsolc/@openzeppelin"
cd "$T/b"

expect_status 1 "--with-node-modules=empty dir" "$SSP_SRCDIR/configure" --with-node-modules="$T/empty"
assert_contains "$OUT" "solc 0.8.30 is not in $T/empty (found: none)" "names what is missing and where"
assert_contains "$OUT" "run 'npm ci' in $SRC" "says what to run"
assert_contains "$OUT" "--with-node-modules=DIR" "names the option"
expect_status 1 "SSP_NODE_MODULES=empty dir from the environment" env SSP_NODE_MODULES="$T/empty" "$SSP_SRCDIR/configure"
assert_contains "$OUT" "solc 0.8.30 is not in $T/empty" "the environment is honoured"
# Another solc version; OpenZeppelin missing.
printf '{"name":"solc","version":"0.8.20"}\n' >"$T/oldsolc/solc/package.json"
expect_status 1 "solc 0.8.20" "$SSP_SRCDIR/configure" --with-node-modules="$T/oldsolc"
assert_contains "$OUT" "(found: 0.8.20)" "the wrong version is named"
cp -r "$NM/solc/package.json" "$T/oldsolc/solc/package.json"
expect_status 1 "no OpenZeppelin" "$SSP_SRCDIR/configure" --with-node-modules="$T/oldsolc"
assert_contains "$OUT" "@openzeppelin/contracts 5.4.0 is not in $T/oldsolc" "OpenZeppelin named"
ssp_ok "configure refuses a missing toolchain and says what to run"

expect_status 0 "--with-node-modules=good" "$SSP_SRCDIR/configure" --with-node-modules="$NM"
assert_contains "$OUT" "OpenZeppelin 5.4.0 in $NM" "summary names the toolchain"
grep -q "^SSP_NODE_MODULES = $NM\$" Makefile || ssp_fail "Makefile does not use $NM"
rm -rf "$T/b"/*
expect_status 0 "SSP_NODE_MODULES=good from the environment" env SSP_NODE_MODULES="$NM" "$SSP_SRCDIR/configure"
grep -q "^SSP_NODE_MODULES = $NM\$" Makefile || ssp_fail "Makefile does not use $NM (environment)"
ssp_ok "a good node_modules passes, given by option or environment"
