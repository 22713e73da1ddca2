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
