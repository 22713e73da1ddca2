# lib/ fragment: the wrapper's pure modules (no BOINC API) and their CUnit suites
# (included by lib/local.mk). The BOINC-calling code lives in client/.
lib_libssp_a_SOURCES += \
	lib/ssp_sha256.c lib/ssp_sha256.h \
	lib/ssp_jobxml.c lib/ssp_jobxml.h \
	lib/ssp_initdata.c lib/ssp_initdata.h \
	lib/ssp_receipt.c lib/ssp_receipt.h

check_PROGRAMS += tests/unit/test_receipt tests/unit/test_jobxml tests/unit/test_initdata
tests_unit_test_receipt_SOURCES = tests/unit/test_receipt.c
tests_unit_test_receipt_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_receipt_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_jobxml_SOURCES = tests/unit/test_jobxml.c
tests_unit_test_jobxml_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_jobxml_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_initdata_SOURCES = tests/unit/test_initdata.c
tests_unit_test_initdata_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_initdata_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_receipt tests/unit/test_jobxml tests/unit/test_initdata
EXTRA_DIST += \
	tests/data/wrapper/README.md \
	tests/data/wrapper/sha256_vectors.txt \
	tests/data/wrapper/out_text.txt \
	tests/data/wrapper/out_x3000.bin \
	tests/data/wrapper/receipt_ok.json \
	tests/data/wrapper/init_data_client.xml \
	tests/data/wrapper/job_full.xml
