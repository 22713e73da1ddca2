# lib/: everything reusable, in folders by layer (lib/README.md draws the layers; each
# folder's README.md says what it is and which layers it may use; tests/integration/
# 02-layers.sh fails the build's checks on an include that goes the wrong way).
#
# Two libraries:
#   lib/libssp.a    core, crypto, boinc, eth, ledger, bridge, export (no MariaDB)
#   lib/libsspdb.a  boincdb: the BOINC project database (MariaDB), the validator engine, the signer
noinst_LIBRARIES += lib/libssp.a lib/libsspdb.a
lib_libssp_a_SOURCES =
# The ledger's migrations, embedded from sql/ (sql/local.mk generates it in the build tree).
nodist_lib_libssp_a_SOURCES = lib/ledger/ssp_sql_embed.c
lib_libsspdb_a_CPPFLAGS = $(AM_CPPFLAGS) $(MARIADB_CFLAGS)
# What a program using lib/libsspdb.a links.
SSPDB_LIBS = lib/libsspdb.a $(SSP_LIBS) $(MARIADB_LIBS)

EXTRA_DIST += lib/README.md lib/core/README.md lib/crypto/README.md lib/boinc/README.md \
	lib/eth/README.md lib/ledger/README.md lib/boincdb/README.md lib/bridge/README.md \
	lib/export/README.md

include lib/core/local.mk
include lib/crypto/local.mk
include lib/boinc/local.mk
include lib/eth/local.mk
include lib/ledger/local.mk
include lib/boincdb/local.mk
include lib/bridge/local.mk
include lib/export/local.mk
