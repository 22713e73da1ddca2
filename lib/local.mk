# lib/: the core every program and test links (lib/libssp.a).
# Each group of modules keeps its sources and its CUnit suite in its own fragment.
noinst_LIBRARIES += lib/libssp.a
lib_libssp_a_SOURCES = \
	lib/ssp_err.c lib/ssp_err.h \
	lib/ssp_log.c lib/ssp_log.h \
	lib/ssp_hex.c lib/ssp_hex.h \
	lib/ssp_file.c lib/ssp_file.h

check_PROGRAMS += tests/unit/test_base
tests_unit_test_base_SOURCES = tests/unit/test_base.c
tests_unit_test_base_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_base_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_base

include lib/crypto.mk
include lib/keystore.mk
include lib/ledger.mk
include lib/conf.mk
include lib/eth.mk
include lib/client.mk
include lib/validator.mk
include lib/audit.mk
