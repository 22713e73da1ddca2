# Build rules for tests/integration/ (included by the top-level Makefile.am).
# -- keystore interoperability with cast --
TESTS += tests/integration/05-keystore-cast.sh
EXTRA_DIST += tests/integration/05-keystore-cast.sh
# -- end keystore --
# -- contracts on anvil (tests/integration/lib/anvil.sh starts the node) --
TESTS += tests/integration/30-contract-token.sh tests/integration/31-contract-minter.sh \
	tests/integration/32-contract-refusals.sh tests/integration/33-contract-admin.sh
EXTRA_DIST += tests/integration/30-contract-token.sh tests/integration/31-contract-minter.sh \
	tests/integration/32-contract-refusals.sh tests/integration/33-contract-admin.sh \
	tests/integration/lib/anvil.sh
# -- end contracts --
# -- validator (MariaDB from tests/integration/lib/mariadb.sh, helpers in validator/testlib.sh) --
TESTS += tests/integration/10-validator-quorum.sh
EXTRA_DIST += tests/integration/10-validator-quorum.sh validator/testlib.sh
# -- end validator --
