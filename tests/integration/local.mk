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
TESTS += tests/integration/10-validator-quorum.sh tests/integration/11-validator-bad-input.sh \
	tests/integration/12-validator-claims.sh tests/integration/13-validator-mod.sh \
	tests/integration/14-validator-crash.sh
EXTRA_DIST += tests/integration/10-validator-quorum.sh tests/integration/11-validator-bad-input.sh \
	tests/integration/12-validator-claims.sh tests/integration/13-validator-mod.sh \
	tests/integration/14-validator-crash.sh validator/testlib.sh
# -- end validator --
# -- wrapper (ssp_wrapper standalone and under the real BOINC client) --
TESTS += tests/integration/20-wrapper-standalone.sh tests/integration/21-wrapper-client-run.sh \
	tests/integration/22-wrapper-client-suspend.sh tests/integration/23-wrapper-client-restart.sh \
	tests/integration/24-wrapper-client-abort.sh tests/integration/25-wrapper-client-errors.sh
EXTRA_DIST += tests/integration/20-wrapper-standalone.sh tests/integration/21-wrapper-client-run.sh \
	tests/integration/22-wrapper-client-suspend.sh tests/integration/23-wrapper-client-restart.sh \
	tests/integration/24-wrapper-client-abort.sh tests/integration/25-wrapper-client-errors.sh \
	tests/data/wrapper/boinc_env.sh tests/data/wrapper/job_multi.xml \
	tests/data/wrapper/job_fail.xml tests/data/wrapper/job_malformed.xml \
	tests/data/wrapper/job_noapp.xml \
	tests/data/wrapper/fail.sh tests/data/wrapper/crash.sh tests/data/wrapper/env.sh \
	tests/data/wrapper/launch.sh
# -- end wrapper --
# -- demo (scripts/demo.sh end to end against the built tree; see docs/demo.md) --
TESTS += tests/integration/60-demo.sh
EXTRA_DIST += tests/integration/60-demo.sh scripts/demo.sh \
	scripts/demo/cc_config.xml scripts/demo/global_prefs_override.xml
dist_doc_DATA += docs/demo.md
# -- end demo --
