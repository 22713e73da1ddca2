# Build rules for validator/ (included by the top-level Makefile.am).
# ssp_validator: the BOINC validator daemon (lib/libsspdb.a for the project database).

# The BOINC-schema fixture and the private-MariaDB helper used by the tests and the demo.
EXTRA_DIST += sql/boinc_fixture.sql tests/integration/lib/mariadb.sh
