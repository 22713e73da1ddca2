# lib/ fragment: conf modules and their CUnit suites (included by lib/local.mk).
