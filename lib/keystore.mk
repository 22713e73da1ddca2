# lib/ fragment: keystore modules and their CUnit suites (included by lib/local.mk).
