# lib/ fragment: Ethereum modules (RLP, ABI, EIP-1559 transactions, JSON-RPC, bridge logic)
# and their CUnit suites (included by lib/local.mk).
lib_libssp_a_SOURCES += lib/ssp_rlp.c lib/ssp_rlp.h
lib_libssp_a_SOURCES += lib/ssp_abi.c lib/ssp_abi.h
lib_libssp_a_SOURCES += lib/ssp_tx.c lib/ssp_tx.h
lib_libssp_a_SOURCES += lib/ssp_rpc.c lib/ssp_rpc.h
lib_libssp_a_SOURCES += lib/ssp_bridge.c lib/ssp_bridge.h lib/ssp_bridge_int.h \
	lib/ssp_bridge_cfg.c lib/ssp_bridge_util.c lib/ssp_bridge_deploy.c

check_PROGRAMS += tests/unit/test_rlp
tests_unit_test_rlp_SOURCES = tests/unit/test_rlp.c
tests_unit_test_rlp_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_rlp_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_rlp

EXTRA_DIST += tests/data/eth/README.md tests/data/eth/gen.sh \
	tests/data/eth/rlp_vectors.txt tests/data/eth/tx_vectors.txt \
	tests/data/eth/create_vectors.txt tests/data/eth/abi_vectors.txt

check_PROGRAMS += tests/unit/test_abi
tests_unit_test_abi_SOURCES = tests/unit/test_abi.c
tests_unit_test_abi_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_abi_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_abi

check_PROGRAMS += tests/unit/test_tx
tests_unit_test_tx_SOURCES = tests/unit/test_tx.c
tests_unit_test_tx_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_tx_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_tx

check_PROGRAMS += tests/unit/test_rpc
tests_unit_test_rpc_SOURCES = tests/unit/test_rpc.c
tests_unit_test_rpc_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_rpc_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_rpc

check_PROGRAMS += tests/unit/test_bridge
tests_unit_test_bridge_SOURCES = tests/unit/test_bridge.c
tests_unit_test_bridge_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_bridge_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_bridge
