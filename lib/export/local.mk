# lib/export/: the public export, Merkle proofs, the audit
# (included by lib/local.mk; what this layer may use: lib/export/README.md)
lib_libssp_a_SOURCES += lib/export/ssp_audit.c lib/export/ssp_audit.h lib/export/ssp_audit_batch.c lib/export/ssp_audit_chain.c lib/export/ssp_audit_html.c lib/export/ssp_audit_int.h lib/export/ssp_audit_pool.c lib/export/ssp_audit_report.c lib/export/ssp_export.c lib/export/ssp_export.h lib/export/ssp_export_int.h lib/export/ssp_export_lines.c lib/export/ssp_export_ndjson.c lib/export/ssp_export_proof.c lib/export/ssp_export_receipts.c lib/export/ssp_export_typed.c lib/export/ssp_export_write.c

UNIT_TESTS += tests/unit/test_export
UNIT_TESTS += tests/unit/test_audit
