# lib/ fragment: crypto modules and their CUnit suites (included by lib/local.mk).
