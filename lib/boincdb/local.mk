# lib/boincdb/: the BOINC project database (MariaDB) and the validator engine
# (included by lib/local.mk; what this layer may use: lib/boincdb/README.md)
lib_libsspdb_a_SOURCES = lib/boincdb/ssp_boincdb.c lib/boincdb/ssp_boincdb.h lib/boincdb/ssp_boincdb_commit.c lib/boincdb/ssp_boincdb_int.h lib/boincdb/ssp_validate_engine.c lib/boincdb/ssp_validate_engine.h

