# docs/: man pages and guides.
dist_man_MANS += docs/ssp.1
dist_doc_DATA += docs/architecture.md docs/formats.md
dist_doc_DATA += docs/web.md docs/web-bind.png
dist_doc_DATA += docs/auditor.md docs/audit-report.png
dist_doc_DATA += docs/operations.md
