/* Suite for the comparison plug-in interface (lib/boinc/ssp_validate_plugin.c) with the
 * example plug-in validator/examples/ssp_cmp_reltol.so: loading and its refusals, the
 * options BOINC would pass to validate_handler_init, init_result / compare_results /
 * cleanup_result through ssp_validate_wu. */
#include "config.h"

#include "ssp_cu.h"
#include "boinc/ssp_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char so[1024];

static void plugin_path(void)
{
	char cwd[900];

	/* make check runs the suites in the build directory, where make built the plug-in */
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	snprintf(so, sizeof(so), "%s/validator/examples/ssp_cmp_reltol.so", cwd);
}

static ssp_vplugin *load(int argc, char **argv, int *rc)
{
	ssp_vplugin *p = NULL;
	ssp_errmsg em = { { 0 } };

	*rc = ssp_vplugin_load(so, argc, argv, &p, &em);
	return p;
}

static void test_load(void)
{
	char *a0[] = { "ssp_validator", NULL };
	char *a1[] = { "ssp_validator", "-rel_tol", "0.01", "--ignore_prefix", "time:", NULL };
	char *bad[] = { "ssp_validator", "--no_such_option", NULL };
	char *badnum[] = { "ssp_validator", "-rel_tol", "x", NULL };
	ssp_vplugin *p = NULL;
	ssp_errmsg em = { { 0 } };
	int rc;

	plugin_path();
	p = load(1, a0, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(p);
	ssp_vplugin_free(p);
	p = load(5, a1, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	ssp_vplugin_free(p);
	/* the plug-in's validate_handler_init refuses what it does not know */
	p = load(2, bad, &rc);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NULL(p);
	p = load(3, badnum, &rc);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	/* not a plug-in, not there, not absolute */
	CU_ASSERT_EQUAL(ssp_vplugin_load("/no/such/plugin.so", 1, a0, &p, &em), SSP_ERR_CONFIG);
	CU_ASSERT(strstr(em.msg, "/no/such/plugin.so") != NULL);
	CU_ASSERT_EQUAL(ssp_vplugin_load("libc.so.6", 1, a0, &p, &em), SSP_ERR_CONFIG);
	CU_ASSERT_EQUAL(ssp_vplugin_load("/lib/x86_64-linux-gnu/libm.so.6", 1, a0, &p, &em) ==
			SSP_ERR_CONFIG || access("/lib/x86_64-linux-gnu/libm.so.6", R_OK) != 0, 1);
}

/* A checked result with one output "out.txt" holding text. */
static ssp_vres result(uint64_t id, const char *text)
{
	ssp_vres r;
	char path[1024];
	FILE *f;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.hostid = 100 + id;
	r.userid = 1000 + id;
	r.name = "r";
	r.server_state = SSP_RS_OVER;
	r.outcome = SSP_RO_SUCCESS;
	r.check = SSP_CHECK_OK;
	snprintf(path, sizeof(path), "%s/out_%llu", ssp_cu_tmpdir(), (unsigned long long)id);
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	r.files = calloc(1, sizeof(*r.files));
	r.files[0].logical = strdup("out.txt");
	r.files[0].path = strdup(path);
	r.nfiles = 1;
	return r;
}

static void decide(ssp_vplugin *p, ssp_vwu *w, ssp_vres *r, size_t n)
{
	static const ssp_vopts o = { SSP_CREDIT_FPOPS_EST, SSP_DEFAULT_MAX_GRANTED_CREDIT,
				     SSP_CMP_BITWISE, 0, 1 << 20, 0, 0 };

	memset(w, 0, sizeof(*w));
	w->id = 1;
	w->name = "wu";
	w->rsc_fpops_est = 432e9;
	w->need_validate = 1;
	w->min_quorum = 2;
	w->target_nresults = 2;
	w->max_success_results = 6;
	CU_ASSERT_EQUAL(ssp_vplugin_init_results(p, r, n, 1, "wu", 1 << 20), 0);
	CU_ASSERT_EQUAL(ssp_validate_wu(w, r, n, &o, ssp_vplugin_compare, p, 1700000000), 0);
	ssp_vplugin_cleanup_results(p, r, n);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NULL(r[i].plugin_state);
		ssp_vres_clear(&r[i]);
	}
}

static void test_compare(void)
{
	char *args[] = { "ssp_validator", "--rel_tol", "1e-3", NULL };
	ssp_vplugin *p;
	ssp_vwu w;
	ssp_vres r[3];
	int rc;

	plugin_path();
	p = load(3, args, &rc);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	/* numbers within 1e-3 relative, and a differing timestamp line: agree */
	r[0] = result(1, "timestamp 2026-12-06 06:00:01\nenergy 1.0000 -2.5e3\nok\n");
	r[1] = result(2, "timestamp 2026-12-06 07:13:44\nenergy 1.0005 -2.5001e3\nok\n");
	decide(p, &w, r, 2);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 1);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[1].new_validate_state, SSP_VS_VALID);

	/* 2e-3 apart: no agreement; a word differs: no agreement */
	r[0] = result(3, "energy 1.000\n");
	r[1] = result(4, "energy 1.002\n");
	r[2] = result(5, "Energy 1.000\n");
	decide(p, &w, r, 3);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_INCONCLUSIVE);

	/* the timestamp line is only ignored at the start of a line */
	r[0] = result(6, "x timestamp 1\n");
	r[1] = result(7, "x timestamp 2\n");
	decide(p, &w, r, 2);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);

	/* init_result refuses a binary output: that result is invalid (validate error) */
	r[0] = result(8, "1 2 3\n");
	r[1] = result(9, "1 2 3\n");
	r[2] = result(10, "1 2 3\n");
	{
		FILE *f = fopen(r[2].files[0].path, "wb");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fwrite("1 2\0003\n", 1, 6, f);
		fclose(f);
	}
	decide(p, &w, r, 3);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 8);
	CU_ASSERT_EQUAL(r[2].new_validate_state, SSP_VS_INVALID);
	CU_ASSERT_EQUAL(r[2].new_outcome, SSP_RO_VALIDATE_ERROR);
	ssp_vplugin_free(p);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "loading and options", test_load },
		{ "init, compare, cleanup", test_compare },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("validate_plugin", tests));
}
