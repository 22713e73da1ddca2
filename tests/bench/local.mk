# Build rules for tests/bench/ (included by the top-level Makefile.am).
BENCH_SCRIPTS_RUN =

# Claim signing and signature recovery rates (crypto core).
noinst_PROGRAMS += tests/bench/bench_sign
tests_bench_bench_sign_SOURCES = tests/bench/bench_sign.c
tests_bench_bench_sign_LDADD = $(SSP_LIBS)
BENCH_BINS += tests/bench/bench_sign
BENCH_SCRIPTS_RUN += tests/bench/bench_sign

# Ledger write rates: bulk and per-row credit inserts, claims signed+stored, seals.
noinst_PROGRAMS += tests/bench/bench_ledger
tests_bench_bench_ledger_SOURCES = tests/bench/bench_ledger.c
tests_bench_bench_ledger_LDADD = $(SSP_LIBS)
BENCH_BINS += tests/bench/bench_ledger
BENCH_SCRIPTS_RUN += tests/bench/bench_ledger

# Gas per claim: ShareMinter batches against one voucher per claim, on anvil (contracts/).
EXTRA_DIST += tests/bench/bench_gas.sh
BENCH_SCRIPTS_RUN += $(srcdir)/tests/bench/bench_gas.sh
