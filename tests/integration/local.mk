# Integration tests: every numbered script, registered here and nowhere else. Each runs
# under `set -euo pipefail` through tests/integration/lib/common.sh, in a private temp dir
# with its own servers on loopback (MariaDB, anvil, the BOINC client), stopped by PID.
INTEGRATION_TESTS = \
	tests/integration/01-ssp-cli.sh \
	tests/integration/02-layers.sh \
	tests/integration/03-config.sh \
	tests/integration/05-keystore-cast.sh \
	tests/integration/10-validator-quorum.sh \
	tests/integration/11-validator-bad-input.sh \
	tests/integration/12-validator-claims.sh \
	tests/integration/13-validator-mod.sh \
	tests/integration/14-validator-crash.sh \
	tests/integration/15-validator-volunteers.sh \
	tests/integration/16-validator-hostile-files.sh \
	tests/integration/17-validator-boinc-cmdline.sh \
	tests/integration/18-validator-bookkeeping.sh \
	tests/integration/19-validator-plugin.sh \
	tests/integration/20-wrapper-standalone.sh \
	tests/integration/21-wrapper-client-run.sh \
	tests/integration/22-wrapper-client-suspend.sh \
	tests/integration/23-wrapper-client-restart.sh \
	tests/integration/24-wrapper-client-abort.sh \
	tests/integration/25-wrapper-client-errors.sh \
	tests/integration/26-wrapper-static.sh \
	tests/integration/27-wrapper-device.sh \
	tests/integration/30-contract-token.sh \
	tests/integration/31-contract-minter.sh \
	tests/integration/32-contract-refusals.sh \
	tests/integration/33-contract-admin.sh \
	tests/integration/38-signer-two-hosts.sh \
	tests/integration/39-signer-keep-validator.sh \
	tests/integration/40-bridge-rpc.sh \
	tests/integration/41-deploy-contracts.sh \
	tests/integration/42-bridge-mint.sh \
	tests/integration/43-bridge-kill.sh \
	tests/integration/44-bridge-reorg.sh \
	tests/integration/45-bridge-stuck.sh \
	tests/integration/46-bridge-faults.sh \
	tests/integration/47-bridge-revert.sh \
	tests/integration/48-bridge-foreign.sh \
	tests/integration/49-bridge-recover.sh \
	tests/integration/50-audit-clean.sh \
	tests/integration/51-audit-tamper.sh \
	tests/integration/52-audit-cosign.sh \
	tests/integration/53-audit-html.sh \
	tests/integration/54-audit-receipts.sh \
	tests/integration/60-demo.sh \
	tests/integration/70-ops-status-requeue.sh \
	tests/integration/71-deploy-record.sh \
	tests/integration/72-configure-toolchain.sh \
	tests/integration/73-ops-daemon-signals.sh \
	tests/integration/80-debian-packages.sh \
	tests/integration/81-runbook-key-rotation.sh \
	tests/integration/82-runbook-backup.sh \
	tests/integration/83-runbook-stolen-key.sh \
	tests/integration/84-runbook-move-chain.sh \
	tests/integration/90-web-bind.sh \
	tests/integration/91-bind-cli-url.sh \
	tests/integration/92-web-feedback-chain.sh \
	tests/integration/93-web-bind-delay.sh
TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib tests/integration/rpcfault.py
# 80-debian-packages.sh builds the packages from the source tree's debian/.
EXTRA_DIST += debian

# The demo the README starts with (tests/integration/60-demo.sh runs it; docs/demo.md).
EXTRA_DIST += scripts/demo.sh scripts/demo/cc_config.xml scripts/demo/global_prefs_override.xml
dist_doc_DATA += docs/demo.md
