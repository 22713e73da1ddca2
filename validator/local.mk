# validator/: ssp_validator, the BOINC validator daemon (lib/libsspdb.a for the project database).
bin_PROGRAMS += validator/ssp_validator
validator_ssp_validator_SOURCES = validator/ssp_validator.c validator/cli.c validator/cli.h
validator_ssp_validator_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
validator_ssp_validator_LDADD = $(SSPDB_LIBS)

# The admin guide and the man page.
dist_man_MANS += docs/ssp_validator.8
dist_doc_DATA += docs/validator.md
