# Build rules for tests/integration/ (included by the top-level Makefile.am).
# -- keystore interoperability with cast --
TESTS += tests/integration/05-keystore-cast.sh
EXTRA_DIST += tests/integration/05-keystore-cast.sh
# -- end keystore --
