# Build rules for docs/ (included by the top-level Makefile.am).
