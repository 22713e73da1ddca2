# lib/ fragment: conf modules and their CUnit suites (included by lib/local.mk).
# -- ssp.conf reader (inih) --
lib_libssp_a_SOURCES += lib/ssp_conf.c lib/ssp_conf.h

check_PROGRAMS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_conf_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_conf

EXTRA_DIST += docs/ssp.conf.example \
	tests/data/conf/good.conf tests/data/conf/bom-crlf.conf tests/data/conf/dup.conf \
	tests/data/conf/syntax.conf tests/data/conf/section.conf tests/data/conf/values.conf
# -- end ssp.conf reader --
