# Build rules for sql/ (included by the top-level Makefile.am).
