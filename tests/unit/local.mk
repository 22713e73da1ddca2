# CUnit suites: one per module. Each lib/<layer>/local.mk adds its suites to UNIT_TESTS
# (one line each); every suite is tests/unit/<name>.c linked with the runner helpers.
check_LIBRARIES += tests/unit/libsspcu.a
tests_unit_libsspcu_a_SOURCES = tests/unit/ssp_cu.c tests/unit/ssp_cu.h

# The default LDADD is the suites' (every other program names its own _LDADD).
LDADD = tests/unit/libsspcu.a $(SSP_LIBS) $(CUNIT_LIBS)
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

# writes/reads keystores for tests/integration/05-keystore-cast.sh
check_PROGRAMS += tests/unit/ks_tool
tests_unit_ks_tool_LDADD = $(SSP_LIBS)

# The vectors and fixtures of every suite (tests/data/README-*.md say where each comes from).
EXTRA_DIST += tests/data
