# lib/ fragment: ledger modules and their CUnit suites (included by lib/local.mk).
