# Build rules for bridge/ (included by the top-level Makefile.am).
# ssp_bridge: the daemon (its logic is lib/ssp_bridge*.c).
bin_PROGRAMS += bridge/ssp_bridge
bridge_ssp_bridge_SOURCES = bridge/main.c
bridge_ssp_bridge_LDADD = $(SSP_LIBS)

# Test helper: seals batches into a ledger, probes JSON-RPC, runs the `ssp deploy` code.
check_PROGRAMS += bridge/ssp_bridge_testutil
bridge_ssp_bridge_testutil_SOURCES = bridge/testutil.c tools/cmd_deploy.c tools/cmd_util.c \
	tools/ssp_cmd.h
bridge_ssp_bridge_testutil_LDADD = $(SSP_LIBS)

# Integration tests on a real anvil (tests/integration/lib/bridge.sh sets them up).
BRIDGE_TESTS = \
	tests/integration/40-bridge-rpc.sh \
	tests/integration/41-deploy-contracts.sh \
	tests/integration/42-bridge-mint.sh \
	tests/integration/43-bridge-kill.sh \
	tests/integration/44-bridge-reorg.sh \
	tests/integration/45-bridge-stuck.sh \
	tests/integration/46-bridge-faults.sh \
	tests/integration/47-bridge-revert.sh \
	tests/integration/48-bridge-foreign.sh
TESTS += $(BRIDGE_TESTS)
EXTRA_DIST += $(BRIDGE_TESTS) tests/integration/lib/bridge.sh tests/integration/rpcfault.py

dist_man_MANS += docs/ssp_bridge.8
dist_doc_DATA += docs/bridge.md
