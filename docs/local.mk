# docs/: man pages and guides.
dist_man_MANS += docs/ssp.1
dist_doc_DATA += docs/architecture.md
dist_doc_DATA += docs/operations.md
