# lib/bridge/: the bridge's logic: batches to mintBatch transactions, deployment
# (included by lib/local.mk; what this layer may use: lib/bridge/README.md)
lib_libssp_a_SOURCES += lib/bridge/ssp_bridge.c lib/bridge/ssp_bridge.h lib/bridge/ssp_bridge_cfg.c lib/bridge/ssp_bridge_deploy.c lib/bridge/ssp_bridge_guard.c lib/bridge/ssp_bridge_int.h lib/bridge/ssp_bridge_record.c lib/bridge/ssp_bridge_status.c lib/bridge/ssp_bridge_util.c

UNIT_TESTS += tests/unit/test_bridge
