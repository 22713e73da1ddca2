# lib/ fragment: crypto modules and their CUnit suites (included by lib/local.mk).
# -- crypto core: keccak, keys, u256, binding --
lib_libssp_a_SOURCES += lib/ssp_keccak.c lib/ssp_keccak.h
lib_libssp_a_SOURCES += lib/ssp_key.c lib/ssp_key.h
lib_libssp_a_SOURCES += lib/ssp_u256.c lib/ssp_u256.h
lib_libssp_a_SOURCES += lib/ssp_binding.c lib/ssp_binding.h

check_PROGRAMS += tests/unit/test_keccak
tests_unit_test_keccak_SOURCES = tests/unit/test_keccak.c
tests_unit_test_keccak_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_keccak_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_keccak
EXTRA_DIST += tests/data/keccak_vectors.txt

check_PROGRAMS += tests/unit/test_key
tests_unit_test_key_SOURCES = tests/unit/test_key.c
tests_unit_test_key_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_key_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_key
EXTRA_DIST += tests/data/key_vectors.txt tests/data/key_eip55.txt

check_PROGRAMS += tests/unit/test_u256
tests_unit_test_u256_SOURCES = tests/unit/test_u256.c
tests_unit_test_u256_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_u256_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_u256
EXTRA_DIST += tests/data/u256_vectors.txt

check_PROGRAMS += tests/unit/test_binding
tests_unit_test_binding_SOURCES = tests/unit/test_binding.c
tests_unit_test_binding_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_binding_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_binding
EXTRA_DIST += tests/data/binding_vectors.txt tests/data/README-crypto.md
# -- end crypto core --

# EIP-712
lib_libssp_a_SOURCES += lib/ssp_eip712.c lib/ssp_eip712.h
lib_libssp_a_SOURCES += lib/ssp_claim_json.c lib/ssp_claim_json.h

check_PROGRAMS += tests/unit/test_eip712
tests_unit_test_eip712_SOURCES = tests/unit/test_eip712.c
tests_unit_test_eip712_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_eip712_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_eip712
EXTRA_DIST += tests/data/eip712_vectors.txt tests/data/eip712_gen.sh \
	tests/data/README-eip712.md \
	tests/data/eip712_typed_claim_1.json tests/data/eip712_typed_claim_2.json \
	tests/data/eip712_typed_claim_3.json tests/data/eip712_typed_claim_4.json \
	tests/data/eip712_typed_claim_5.json tests/data/eip712_typed_claim_6.json \
	tests/data/eip712_typed_claim_7.json tests/data/eip712_typed_claim_8.json \
	tests/data/eip712_typed_claim_max.json tests/data/eip712_typed_claim_zero.json \
	tests/data/eip712_typed_batch_1.json tests/data/eip712_typed_batch_5.json \
	tests/data/eip712_typed_batch_8.json

check_PROGRAMS += tests/unit/test_claim_json
tests_unit_test_claim_json_SOURCES = tests/unit/test_claim_json.c
tests_unit_test_claim_json_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_claim_json_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_claim_json
EXTRA_DIST += tests/data/claim_valid.json tests/data/claim_max.json \
	tests/data/claim_too_big.json
