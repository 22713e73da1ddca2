#!/usr/bin/env bash
# 02-layers.sh — the layering of lib/ (lib/README.md): scripts/check-layers.sh passes on this
# tree, and fails, naming the file and the include, on a copy where a lower layer includes a
# higher one (core → ledger, crypto → export) or where the wrapper includes the database layer.
# And the banned functions (lib/core/ssp_banned.h): the build's compile command refuses a call
# to each, and no target of the build compiles without it.
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

# A new int-returning function without SSP_MUST_CHECK is refused, naming it.
plant lib/core/ssp_hex.h core/ssp_err.h
printf 'int ssp_hex_planted(void);\n' >> "$T/tree/lib/core/ssp_hex.h"
expect_status 1 "planted unchecked status" "$CHECK" "$T/tree"
assert_contains "$OUT" "int ssp_hex_planted(...) has no SSP_MUST_CHECK" "the function is named"
ssp_ok "an int ssp_ function without SSP_MUST_CHECK is refused"

# An include of a layer it may use, added the same way, passes.
plant lib/boinc/ssp_stats.c crypto/ssp_keccak.h
expect_status 0 "allowed include" "$CHECK" "$T/tree"
ssp_ok "an allowed include passes"

# Banned functions: lib/core/ssp_hex.c compiles with the build's own command; the same file
# with one call of a banned function added does not, and the error names the function.
compile=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$SSP_BUILDDIR" print-compile-command | tail -n 1)
# cc FILE: compiles $T/FILE as the build does (from the build directory, where its paths hold).
cc_build() { (cd "$SSP_BUILDDIR" && $compile -c "$T/$1" -o "$T/${1%.c}.o"); }
cp "$SSP_SRCDIR/lib/core/ssp_hex.c" hex.c
cc_build hex.c || ssp_fail "lib/core/ssp_hex.c does not compile with: $compile"
for call in 'strcpy(d, s)' 'strcat(d, s)' 'sprintf(d, "%s", s)' 'atoi(s)' 'strtok(d, s)' 'gmtime(&t)'; do
	fn=${call%%(*}
	{ cat "$SSP_SRCDIR/lib/core/ssp_hex.c"
	  printf 'long planted(char *d, const char *s);\nlong planted(char *d, const char *s)\n'
	  printf '{ time_t t = 0; (void)t; return (long)(%s); }\n' "$call"; } > banned.c
	expect_status 1 "compiling a call of $fn" cc_build banned.c
	assert_contains "$OUT" "sorry_${fn}_is_a_banned_function" "the error names $fn"
done
ssp_ok "calls of banned functions do not compile"
# Every target that sets its own CPPFLAGS keeps AM_CPPFLAGS (and so the banned header).
bad=$(grep -E '^[a-z_]+_CPPFLAGS = ' "$SSP_BUILDDIR/Makefile" | grep -v 'AM_CPPFLAGS' || true)
[ -z "$bad" ] || ssp_fail "targets compiled without AM_CPPFLAGS: $bad"
grep -q '^AM_CPPFLAGS = $(SSP_BANNED_CPPFLAGS)' "$SSP_BUILDDIR/Makefile" ||
	ssp_fail "AM_CPPFLAGS does not start with the banned header"
ssp_ok "every target compiles with the banned header in front"
