# lib/ fragment: keystore modules and their CUnit suites (included by lib/local.mk).
# -- keystore v3 --
lib_libssp_a_SOURCES += lib/ssp_keystore.c lib/ssp_keystore.h

check_PROGRAMS += tests/unit/test_keystore
tests_unit_test_keystore_SOURCES = tests/unit/test_keystore.c
tests_unit_test_keystore_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_keystore_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_keystore

# writes/reads keystores for tests/integration/05-keystore-cast.sh
check_PROGRAMS += tests/unit/ks_tool
tests_unit_ks_tool_SOURCES = tests/unit/ks_tool.c
tests_unit_ks_tool_LDADD = $(SSP_LIBS)

EXTRA_DIST += tests/data/README-keystore.md \
	tests/data/keystore/vectors.txt tests/data/keystore/scrypt_vectors.txt \
	tests/data/keystore/gen-ethers.mjs \
	tests/data/keystore/web3-pbkdf2.json tests/data/keystore/web3-scrypt.json \
	tests/data/keystore/geth-aaa.json tests/data/keystore/geth-31-byte-key.json \
	tests/data/keystore/foundry-import.json tests/data/keystore/foundry-new.json \
	tests/data/keystore/ethers-default.json tests/data/keystore/ethers-mnemonic.json
# -- end keystore v3 --
