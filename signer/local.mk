# signer/: ssp_signer, the one process per project that holds the validator key and the
# ledger (lib/libsspdb.a for the project database).
bin_PROGRAMS += signer/ssp_signer
signer_ssp_signer_SOURCES = signer/ssp_signer.c
signer_ssp_signer_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
signer_ssp_signer_LDADD = $(SSPDB_LIBS)

# The admin guide and the man page.
dist_man_MANS += docs/ssp_signer.8
dist_doc_DATA += docs/signer.md
