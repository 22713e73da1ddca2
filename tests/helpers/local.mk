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

# json_roundtrip: jansson load + dump, compared with the static wrapper's jansson subset
# (json_roundtrip-compat, built with musl-gcc against client/compat) in 26-wrapper-static.sh.
check_PROGRAMS += tests/helpers/json_roundtrip
tests_helpers_json_roundtrip_LDADD = $(JANSSON_LIBS)
# The static wrapper's pieces for 26-wrapper-static.sh: the compat JSON and SHA-256 helpers,
# a static ssp_sci for a root holding no shared library, and the aarch64 app file.
check_SCRIPTS += tests/helpers/json_roundtrip-compat tests/helpers/sha256sum_compat \
	client/examples/ssp_sci-static $(SSP_APP_X86_64) $(SSP_APP_AARCH64)
tests/helpers/json_roundtrip-compat: $(srcdir)/tests/helpers/json_roundtrip.c $(srcdir)/client/compat/minijson.c \
		$(srcdir)/client/compat/minijson_load.c $(srcdir)/client/compat/minijson_int.h \
		$(srcdir)/client/compat/include/jansson.h
	$(AM_V_CC)$(MUSL_GCC) $(SSP_STATIC_CFLAGS) -o $@ $(srcdir)/tests/helpers/json_roundtrip.c \
		$(srcdir)/client/compat/minijson.c $(srcdir)/client/compat/minijson_load.c -lm
tests/helpers/sha256sum_compat: $(srcdir)/tests/helpers/sha256sum_compat.c $(srcdir)/client/compat/sha256.c \
		$(srcdir)/client/compat/include/nettle/sha2.h
	$(AM_V_CC)$(MUSL_GCC) $(SSP_STATIC_CFLAGS) -o $@ $(srcdir)/tests/helpers/sha256sum_compat.c \
		$(srcdir)/client/compat/sha256.c
client/examples/ssp_sci-static: $(srcdir)/client/examples/ssp_sci.c
	$(AM_V_CC)$(MUSL_GCC) $(SSP_STATIC_CFLAGS) -o $@ $(srcdir)/client/examples/ssp_sci.c -lm
CLEANFILES += tests/helpers/json_roundtrip-compat tests/helpers/sha256sum_compat client/examples/ssp_sci-static
EXTRA_DIST += tests/helpers/sha256sum_compat.c
