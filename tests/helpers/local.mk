# tests/helpers/: programs the integration tests, the benchmarks and the demo use. Not installed.
# bridge_testutil: seals batches into a ledger, probes JSON-RPC, sends and calls.
check_PROGRAMS += tests/helpers/bridge_testutil
tests_helpers_bridge_testutil_LDADD = $(SSP_LIBS)

# vfixture: work units, results, output files and receipts for tests, benchmark and demo.
check_PROGRAMS += tests/helpers/vfixture
tests_helpers_vfixture_LDADD = $(SSP_LIBS)

# receipt_check: strict receipt parse and digest check.
check_PROGRAMS += tests/helpers/receipt_check
tests_helpers_receipt_check_LDADD = $(SSP_LIBS)

# receipts_fixture: credited results with real share receipts in an upload tree.
check_PROGRAMS += tests/helpers/receipts_fixture
tests_helpers_receipts_fixture_LDADD = $(SSP_LIBS)

# solc_verify.js: recompiles a standard-JSON input with solc-js and compares the runtime
# bytecode with a deployed contract's (tests/integration/71-deploy-record.sh).
EXTRA_DIST += tests/helpers/solc_verify.js
