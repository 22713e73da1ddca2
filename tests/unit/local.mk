# The CUnit runner helpers shared by every suite.
check_LIBRARIES += tests/unit/libsspcu.a
tests_unit_libsspcu_a_SOURCES = tests/unit/ssp_cu.c tests/unit/ssp_cu.h
tests_unit_libsspcu_a_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
