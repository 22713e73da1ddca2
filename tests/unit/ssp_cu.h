/* Shared helpers for the CUnit suites. */
#ifndef SSP_CU_H
#define SSP_CU_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* lib/core/ssp_banned.h is in front of every C file of the build. The unit suites, and only
 * they, take it back: they build oversized and malformed fixtures with sprintf and strcpy into
 * buffers sized for them, and none of their code ships. */
#undef strcpy
#undef strcat
#undef strncpy
#undef strncat
#undef sprintf
#undef vsprintf
#undef atoi
#undef atol
#undef atoll
#undef atof

/* Runs one suite in CUnit's basic mode (verbose). Returns 0 when every test passed,
 * 1 otherwise: use as `return ssp_cu_run("name", tests);` in main. */
int ssp_cu_run(const char *suite, CU_TestInfo *tests);

/* Path of a file in tests/data (from $SSP_TESTDATA, else "tests/data").
 * Returns a static buffer. */
const char *ssp_cu_data(const char *name);

/* Reads a file from tests/data; aborts the test program if it cannot. Caller frees. */
char *ssp_cu_slurp(const char *name, size_t *len);

/* A fresh private temporary directory (removed only by ssp_cu_tmpdir_remove). */
const char *ssp_cu_tmpdir(void);

/* Removes ssp_cu_tmpdir() and everything in it (symlinks not followed), then returns rc:
 * use as `return ssp_cu_tmpdir_remove(ssp_cu_run("name", tests));` in main. */
int ssp_cu_tmpdir_remove(int rc);

#endif
