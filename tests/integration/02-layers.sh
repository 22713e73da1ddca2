#!/usr/bin/env bash
# 02-layers.sh — the layering of lib/ (lib/README.md): scripts/check-layers.sh passes on this
# tree, and fails, naming the file and the include, on a copy where a lower layer includes a
# higher one (core → ledger, crypto → export) or where the wrapper includes the database layer.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
ssp_test_init layers
CHECK="$SSP_SRCDIR/scripts/check-layers.sh"

expect_status 0 "the tree as it is" "$CHECK" "$SSP_SRCDIR"
assert_contains "$OUT" "every include allowed" "check-layers on the tree"
ssp_ok "the tree keeps its layers"

# plant FILE INCLUDE: a copy of lib/ and client/ with INCLUDE added to FILE.
plant() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	cp -R "$SSP_SRCDIR/lib" "$SSP_SRCDIR/client" "$T/tree/"
	printf '#include "%s"\n' "$2" >> "$T/tree/$1"
}
for planted in "lib/core/ssp_hex.c ledger/ssp_ledger.h" \
	"lib/crypto/ssp_key.h export/ssp_export.h" \
	"lib/eth/ssp_rpc.c bridge/ssp_bridge.h" \
	"client/wrapper.c boincdb/ssp_boincdb.h"; do
	set -- $planted
	plant "$1" "$2"
	expect_status 1 "planted $2 in $1" "$CHECK" "$T/tree"
	assert_contains "$OUT" "$1:" "the offending file is named"
	assert_contains "$OUT" "includes '$2'" "the offending include is named"
	ssp_ok "an include of $2 in $1 is refused"
done

# An include of a layer it may use, added the same way, passes.
plant lib/boinc/ssp_stats.c crypto/ssp_keccak.h
expect_status 0 "allowed include" "$CHECK" "$T/tree"
ssp_ok "an allowed include passes"
