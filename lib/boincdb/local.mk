# lib/boincdb/: the BOINC project database (MariaDB), the validator engine and the signer
# (included by lib/local.mk; what this layer may use: lib/boincdb/README.md)
lib_libsspdb_a_SOURCES = lib/boincdb/ssp_boincdb.c lib/boincdb/ssp_boincdb.h lib/boincdb/ssp_boincdb_commit.c lib/boincdb/ssp_boincdb_int.h lib/boincdb/ssp_grant_scan.c lib/boincdb/ssp_grant_scan.h lib/boincdb/ssp_signer.c lib/boincdb/ssp_signer.h lib/boincdb/ssp_validate_engine.c lib/boincdb/ssp_validate_engine.h

UNIT_TESTS += tests/unit/test_signer
tests_unit_test_signer_LDADD = tests/unit/libsspcu.a $(SSPDB_LIBS) $(CUNIT_LIBS)
