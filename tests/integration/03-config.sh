#!/usr/bin/env bash
# 03-config.sh — the one table of ssp.conf settings (lib/core/ssp_cfg.c): docs/ssp.conf.example
# and docs/ssp.conf.5 are what the table generates (`ssp config doc`), `ssp config check`
# prints the effective settings and refuses unknown keys and ill-typed values with file:line,
# and the daemons refuse the same file at start.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
ssp_test_init config

"$SSP" config doc --example > example.conf
diff -u "$SSP_SRCDIR/docs/ssp.conf.example" example.conf ||
	ssp_fail "docs/ssp.conf.example differs from the table (make update-config-docs)"
"$SSP" config doc --man > ssp.conf.5
# The man page's footer carries the version: compare the rest.
diff -u <(sed 1,2d "$SSP_SRCDIR/docs/ssp.conf.5") <(sed 1,2d ssp.conf.5) ||
	ssp_fail "docs/ssp.conf.5 differs from the table (make update-config-docs)"
# Every key of the example is in the man page, under its section, with its default.
sec=
while IFS= read -r line; do
	case $line in
	';'*) ;;
	'['*']') sec=$line ;;
	*' = '*)
		key=${line%% = *}
		awk -v s=".SH $sec" -v k=".BR $key " 'index($0, s) == 1 {in_s = 1; next}
			/^\.SH / {in_s = 0} in_s && index($0, k) == 1 {found = 1} END {exit !found}' ssp.conf.5 ||
			ssp_fail "ssp.conf.5 has no $key under $sec"
		;;
	esac
done < example.conf
ssp_ok "docs/ssp.conf.example and docs/ssp.conf.5 agree with the table"

expect_status 0 "check the example" "$SSP" config check --conf "$SSP_SRCDIR/docs/ssp.conf.example"
assert_contains "$OUT" "chain_id = 31337" "effective settings"
printf '[chain]\nchain_id = 5\n' > min.conf
expect_status 0 "check a minimal file" "$SSP" config check --conf min.conf
assert_contains "$OUT" "batch_size = 256 ; default" "defaults are shown as such"
assert_contains "$OUT" "; minter = (not set)" "keys without a default are shown unset"
ssp_ok "ssp config check prints the effective settings"

printf '[project]\nmaster_url = https://b.example/p/\n[chain]\nrpc_ur = http://127.0.0.1:1/\n' > typo.conf
expect_status 2 "unknown key" "$SSP" config check --conf typo.conf
assert_contains "$OUT" "typo.conf:4: unknown key [chain] rpc_ur" "unknown key named with its line"
printf '[bridge]\nrpc_timeout = 0\n' > range.conf
expect_status 2 "out of range" "$SSP" config check --conf range.conf
assert_contains "$OUT" "range.conf:2: [bridge] rpc_timeout = 0: must be 0.1..3600" "range named"
printf '[validator]\nbatch_size = many\n' > type.conf
expect_status 2 "not an integer" "$SSP" config check --conf type.conf
assert_contains "$OUT" "not a valid integer" "type named"
ssp_ok "ssp config check refuses unknown keys and bad values"

# The programs read the same table: the bridge refuses the typo at start (status 2), and so
# does ssp export.
expect_status 2 "ssp_bridge with an unknown key" "$SSP_BUILDDIR/bridge/ssp_bridge" --conf typo.conf --one_pass
assert_contains "$OUT" "unknown key [chain] rpc_ur" "ssp_bridge names the key"
expect_status 2 "ssp export with an unknown key" "$SSP" export --conf typo.conf --out x
assert_contains "$OUT" "unknown key [chain] rpc_ur" "ssp export names the key"
ssp_ok "programs refuse what ssp config check refuses"
