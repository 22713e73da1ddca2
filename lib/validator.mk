# lib/ fragment: the validator's modules and their CUnit suites (included by lib/local.mk).
# -- validator: project config.xml, validation logic (lib/libssp.a);
#    BOINC database access (lib/libsspdb.a, the only code needing MariaDB) --
lib_libssp_a_SOURCES += \
	lib/ssp_projcfg.c lib/ssp_projcfg.h \
	lib/ssp_validate.c lib/ssp_validate.h lib/ssp_validate_cmp.c \
	lib/ssp_validate_files.c

noinst_LIBRARIES += lib/libsspdb.a
lib_libsspdb_a_SOURCES = lib/ssp_boincdb.c lib/ssp_boincdb.h \
	lib/ssp_validate_engine.c lib/ssp_validate_engine.h
lib_libsspdb_a_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
# What a program using lib/libsspdb.a links.
SSPDB_LIBS = lib/libsspdb.a $(SSP_LIBS) $(MARIADB_LIBS)

check_PROGRAMS += tests/unit/test_projcfg
tests_unit_test_projcfg_SOURCES = tests/unit/test_projcfg.c
tests_unit_test_projcfg_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_projcfg_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_projcfg

check_PROGRAMS += tests/unit/test_validate
tests_unit_test_validate_SOURCES = tests/unit/test_validate.c
tests_unit_test_validate_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_validate_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_validate

check_PROGRAMS += tests/unit/test_validate_files
tests_unit_test_validate_files_SOURCES = tests/unit/test_validate_files.c
tests_unit_test_validate_files_LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
tests_unit_test_validate_files_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
TESTS += tests/unit/test_validate_files

EXTRA_DIST += tests/data/upload_path_vectors.txt tests/data/README-validator.md
# -- end validator --
