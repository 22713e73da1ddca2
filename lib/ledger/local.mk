# lib/ledger/: the SQLite ledger: credits, claims, batches, transactions
# (included by lib/local.mk; what this layer may use: lib/ledger/README.md)
lib_libssp_a_SOURCES += lib/ledger/ssp_ledger.c lib/ledger/ssp_ledger.h lib/ledger/ssp_ledger_batch.c lib/ledger/ssp_ledger_binding.c lib/ledger/ssp_ledger_claim.c lib/ledger/ssp_ledger_credit.c lib/ledger/ssp_ledger_int.h lib/ledger/ssp_ledger_summary.c lib/ledger/ssp_ledger_tx.c

UNIT_TESTS += tests/unit/test_ledger
UNIT_TESTS += tests/unit/test_ledger_kill
