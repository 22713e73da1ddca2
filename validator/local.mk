# Build rules for validator/ (included by the top-level Makefile.am).
# ssp_validator: the BOINC validator daemon (lib/libsspdb.a for the project database).
bin_PROGRAMS += validator/ssp_validator
validator_ssp_validator_SOURCES = validator/ssp_validator.c
validator_ssp_validator_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
validator_ssp_validator_LDADD = $(SSPDB_LIBS)

# vfixture: work units, results, output files and receipts for tests, benchmark and demo.
check_PROGRAMS += validator/vfixture
validator_vfixture_SOURCES = validator/vfixture.c
validator_vfixture_LDADD = $(SSP_LIBS)

# The admin guide and the man page.
dist_man_MANS += docs/ssp_validator.8
dist_doc_DATA += docs/validator.md

# The BOINC-schema fixture and the private-MariaDB helper used by the tests and the demo.
EXTRA_DIST += sql/boinc_fixture.sql tests/integration/lib/mariadb.sh
