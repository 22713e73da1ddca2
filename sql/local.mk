# Build rules for sql/ (included by the top-level Makefile.am).
# Ledger migrations, sql/NNN-name.sql numbered from 001 without a gap (PRAGMA user_version
# = the number of the last one applied). scripts/embed-sql.sh embeds them into
# lib/ledger/ssp_sql_embed.c, generated in the build directory and compiled into lib/libssp.a
# (nodist source, see lib/ledger.mk).
SQL_MIGRATIONS = sql/001-init.sql sql/002-bindings.sql

EXTRA_DIST += $(SQL_MIGRATIONS) scripts/embed-sql.sh sql/boinc_fixture.sql
BUILT_SOURCES += lib/ledger/ssp_sql_embed.c
CLEANFILES += lib/ledger/ssp_sql_embed.c lib/ledger/ssp_sql_embed.c.tmp

lib/ledger/ssp_sql_embed.c: $(SQL_MIGRATIONS) scripts/embed-sql.sh
	$(AM_V_GEN)$(MKDIR_P) lib/ledger && \
	$(SHELL) $(srcdir)/scripts/embed-sql.sh $(srcdir) $(SQL_MIGRATIONS) > $@.tmp && \
	mv -f $@.tmp $@
