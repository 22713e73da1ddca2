# lib/ fragment: ledger modules and their CUnit suites (included by lib/local.mk).
# -- ledger: SQLite credits → claims → batches → txs (migrations: sql/local.mk) --
lib_libssp_a_SOURCES += \
	lib/ssp_ledger.c lib/ssp_ledger.h lib/ssp_ledger_int.h \
	lib/ssp_ledger_credit.c lib/ssp_ledger_claim.c \
	lib/ssp_ledger_batch.c lib/ssp_ledger_tx.c
nodist_lib_libssp_a_SOURCES = lib/ssp_sql_embed.c
# (the only nodist source of lib/libssp.a: others append with +=)

check_PROGRAMS += tests/unit/test_ledger
tests_unit_test_ledger_SOURCES = tests/unit/test_ledger.c
tests_unit_test_ledger_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_ledger_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_ledger

check_PROGRAMS += tests/unit/test_ledger_kill
tests_unit_test_ledger_kill_SOURCES = tests/unit/test_ledger_kill.c
tests_unit_test_ledger_kill_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_ledger_kill_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_ledger_kill
# -- end ledger --
