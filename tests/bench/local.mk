# Build rules for tests/bench/ (included by the top-level Makefile.am).
BENCH_SCRIPTS_RUN =
