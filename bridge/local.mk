# Build rules for bridge/ (included by the top-level Makefile.am).
