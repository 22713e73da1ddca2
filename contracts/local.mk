# Build rules for contracts/ (included by the top-level Makefile.am).
