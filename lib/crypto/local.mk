# lib/crypto/: hashes, keys, payout binding, EIP-712, claim JSON, keystore v3
# (included by lib/local.mk; what this layer may use: lib/crypto/README.md)
lib_libssp_a_SOURCES += lib/crypto/ssp_binding.c lib/crypto/ssp_binding.h lib/crypto/ssp_binding_delay.c lib/crypto/ssp_binding_delay.h lib/crypto/ssp_claim_json.c lib/crypto/ssp_claim_json.h lib/crypto/ssp_eip712.c lib/crypto/ssp_eip712.h lib/crypto/ssp_keccak.c lib/crypto/ssp_keccak.h lib/crypto/ssp_key.c lib/crypto/ssp_key.h lib/crypto/ssp_keystore.c lib/crypto/ssp_keystore.h lib/crypto/ssp_sha256.c lib/crypto/ssp_sha256.h

UNIT_TESTS += tests/unit/test_keccak
UNIT_TESTS += tests/unit/test_key
UNIT_TESTS += tests/unit/test_binding
UNIT_TESTS += tests/unit/test_binding_delay
UNIT_TESTS += tests/unit/test_eip712
UNIT_TESTS += tests/unit/test_claim_json
UNIT_TESTS += tests/unit/test_keystore
