# lib/ fragment: the public export, the audit, BOINC stats (included by lib/local.mk).
lib_libssp_a_SOURCES += lib/ssp_export.c lib/ssp_export.h lib/ssp_export_int.h \
	lib/ssp_export_write.c lib/ssp_export_proof.c

check_PROGRAMS += tests/unit/test_export
tests_unit_test_export_SOURCES = tests/unit/test_export.c
tests_unit_test_export_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_export_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_export

lib_libssp_a_SOURCES += lib/ssp_stats.c lib/ssp_stats.h

check_PROGRAMS += tests/unit/test_stats
tests_unit_test_stats_SOURCES = tests/unit/test_stats.c
tests_unit_test_stats_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_stats_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_stats
EXTRA_DIST += tests/data/stats/README.md tests/data/stats/user.xml

lib_libssp_a_SOURCES += lib/ssp_audit.c lib/ssp_audit.h lib/ssp_audit_chain.c \
	lib/ssp_audit_report.c

check_PROGRAMS += tests/unit/test_audit
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c
tests_unit_test_audit_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_audit_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_audit

# Integration tests on anvil (the pipeline from tests/integration/lib/bridge.sh).
AUDIT_TESTS = tests/integration/50-audit-clean.sh tests/integration/51-audit-tamper.sh
TESTS += $(AUDIT_TESTS)
EXTRA_DIST += $(AUDIT_TESTS) tests/integration/lib/audit.sh

# The guide for auditors and volunteers (the README links it).
dist_doc_DATA += docs/auditor.md
