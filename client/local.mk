# Build rules for client/ (included by the top-level Makefile.am).
