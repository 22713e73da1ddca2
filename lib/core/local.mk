# lib/core/: errors, logging, hex, u256, files, ssp.conf
# (included by lib/local.mk; what this layer may use: lib/core/README.md)
lib_libssp_a_SOURCES += lib/core/ssp_cfg.c lib/core/ssp_cfg.h lib/core/ssp_conf.c lib/core/ssp_conf.h lib/core/ssp_daemon.c lib/core/ssp_daemon.h lib/core/ssp_err.c lib/core/ssp_err.h lib/core/ssp_file.c lib/core/ssp_file.h lib/core/ssp_hex.c lib/core/ssp_hex.h lib/core/ssp_json.c lib/core/ssp_json.h lib/core/ssp_log.c lib/core/ssp_log.h lib/core/ssp_u256.c lib/core/ssp_u256.h lib/core/ssp_u64map.c lib/core/ssp_u64map.h

UNIT_TESTS += tests/unit/test_base
UNIT_TESTS += tests/unit/test_u256
UNIT_TESTS += tests/unit/test_u64map
UNIT_TESTS += tests/unit/test_json
UNIT_TESTS += tests/unit/test_conf
UNIT_TESTS += tests/unit/test_cfg
UNIT_TESTS += tests/unit/test_daemon
