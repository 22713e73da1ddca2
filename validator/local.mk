# validator/: ssp_validator, the BOINC validator daemon (lib/libsspdb.a for the project database).
bin_PROGRAMS += validator/ssp_validator
validator_ssp_validator_SOURCES = validator/ssp_validator.c validator/cli.c validator/cli.h
validator_ssp_validator_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
validator_ssp_validator_LDADD = $(SSPDB_LIBS)

# The example comparison plug-in (docs/validator.md), a shared object loaded with dlopen.
noinst_PROGRAMS += validator/examples/ssp_cmp_reltol.so
validator_examples_ssp_cmp_reltol_so_SOURCES = validator/examples/ssp_cmp_reltol.c
validator_examples_ssp_cmp_reltol_so_CFLAGS = $(AM_CFLAGS) -fPIC
validator_examples_ssp_cmp_reltol_so_LDFLAGS = $(AM_LDFLAGS) -shared
validator_examples_ssp_cmp_reltol_so_LDADD = -lm

# The plug-in interface, for projects writing their own.
sspincludedir = $(includedir)/smartshare
sspinclude_HEADERS = lib/boinc/ssp_validate_plugin.h

# The admin guide and the man page.
dist_man_MANS += docs/ssp_validator.8
dist_doc_DATA += docs/validator.md
