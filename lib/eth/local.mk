# lib/eth/: Ethereum: RLP, ABI, EIP-1559 transactions, JSON-RPC
# (included by lib/local.mk; what this layer may use: lib/eth/README.md)
lib_libssp_a_SOURCES += lib/eth/ssp_abi.c lib/eth/ssp_abi.h lib/eth/ssp_rlp.c lib/eth/ssp_rlp.h lib/eth/ssp_rpc.c lib/eth/ssp_rpc.h lib/eth/ssp_tx.c lib/eth/ssp_tx.h

UNIT_TESTS += tests/unit/test_rlp
UNIT_TESTS += tests/unit/test_abi
UNIT_TESTS += tests/unit/test_tx
UNIT_TESTS += tests/unit/test_rpc
