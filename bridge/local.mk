# bridge/: ssp_bridge, the daemon (its logic is lib/bridge/).
bin_PROGRAMS += bridge/ssp_bridge
bridge_ssp_bridge_SOURCES = bridge/main.c
bridge_ssp_bridge_LDADD = $(SSP_LIBS)

dist_man_MANS += docs/ssp_bridge.8
dist_doc_DATA += docs/bridge.md
