# Build rules for validator/ (included by the top-level Makefile.am).
