# lib/boinc/: BOINC's files: job.xml, init_data.xml, receipt, project config.xml, stats, validation
# (included by lib/local.mk; what this layer may use: lib/boinc/README.md)
lib_libssp_a_SOURCES += lib/boinc/ssp_appapi.c lib/boinc/ssp_appapi.h lib/boinc/ssp_initdata.c lib/boinc/ssp_initdata.h lib/boinc/ssp_jobxml.c lib/boinc/ssp_jobxml.h lib/boinc/ssp_projcfg.c lib/boinc/ssp_projcfg.h lib/boinc/ssp_receipt.c lib/boinc/ssp_receipt.h lib/boinc/ssp_stats.c lib/boinc/ssp_stats.h lib/boinc/ssp_validate.c lib/boinc/ssp_validate.h lib/boinc/ssp_validate_cmp.c lib/boinc/ssp_validate_files.c lib/boinc/ssp_validate_plugin.c lib/boinc/ssp_xml.c lib/boinc/ssp_xml.h

UNIT_TESTS += tests/unit/test_appapi
UNIT_TESTS += tests/unit/test_receipt
UNIT_TESTS += tests/unit/test_jobxml
UNIT_TESTS += tests/unit/test_initdata
UNIT_TESTS += tests/unit/test_projcfg
UNIT_TESTS += tests/unit/test_validate
UNIT_TESTS += tests/unit/test_validate_files
UNIT_TESTS += tests/unit/test_validate_plugin
UNIT_TESTS += tests/unit/test_stats
UNIT_TESTS += tests/unit/test_xml
