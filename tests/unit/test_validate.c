/* Suite for lib/ssp_validate: credit, averages, comparators, xml_doc_in, the quorum decision. */
#include "config.h"

#include "ssp_cu.h"
#include "boinc/ssp_validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEAR(a, b, rel) (fabs((a) - (b)) <= (rel) * fmax(1.0, fmax(fabs(a), fabs(b))))

/* ---- credit ---- */

static void test_credit_units(void)
{
	uint64_t m = 0;

	/* docs/formats.md: one cobblestone is 1/200 day of a 1 GFLOPS machine */
	CU_ASSERT(NEAR(ssp_credit_from_fpops(86400e9), 200.0, 1e-12));
	CU_ASSERT(NEAR(ssp_credit_from_fpops(432e9), 1.0, 1e-12));
	CU_ASSERT_EQUAL(ssp_credit_from_fpops(0), 0);

	CU_ASSERT_EQUAL(ssp_credit_to_micro(1.5, &m), 0);
	CU_ASSERT_EQUAL(m, 1500000);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(0.0000005, &m), 0);
	CU_ASSERT_EQUAL(m, 1); /* llround: halves away from zero */
	CU_ASSERT_EQUAL(ssp_credit_to_micro(0.0000004, &m), 0);
	CU_ASSERT_EQUAL(m, 0);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(73000000.0, &m), 0);
	CU_ASSERT_EQUAL(m, 73000000000000ULL);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(-1, &m), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(NAN, &m), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(INFINITY, &m), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_credit_to_micro(1e13, &m), SSP_ERR_RANGE);
}

static void test_average(void)
{
	const double day = 86400, hl = SSP_CREDIT_HALF_LIFE, t0 = 1.7e9;
	double avg = 0, at = 0;

	/* first credit: the work divided by the days since the work started */
	ssp_credit_update_average(t0, t0 - 2 * day, 100, hl, &avg, &at);
	CU_ASSERT(NEAR(avg, 50.0, 1e-12));
	CU_ASSERT_EQUAL(at, t0);

	/* one half-life later with nothing new: the average halves */
	ssp_credit_update_average(t0 + 7 * day, 0, 0, hl, &avg, &at);
	CU_ASSERT(NEAR(avg, 25.0, 1e-12));
	CU_ASSERT_EQUAL(at, t0 + 7 * day);

	/* another half-life, with 70 credits: 25/2 + (1/2)·70/7 = 17.5 */
	ssp_credit_update_average(t0 + 14 * day, 0, 70, hl, &avg, &at);
	CU_ASSERT(NEAR(avg, 17.5, 1e-12));

	/* the same instant again: the limit ln2·work·86400/half_life = ln2·work/7 */
	ssp_credit_update_average(t0 + 14 * day, 0, 7, hl, &avg, &at);
	CU_ASSERT(NEAR(avg, 17.5 + M_LN2, 1e-12));

	/* a clock going backwards counts as no time */
	ssp_credit_update_average(t0, 0, 7, hl, &avg, &at);
	CU_ASSERT(NEAR(avg, 17.5 + 2 * M_LN2, 1e-12));
	CU_ASSERT_EQUAL(at, t0);

	/* no average and no work: stays zero, the time is recorded */
	avg = 0;
	at = 0;
	ssp_credit_update_average(t0, t0 - day, 0, hl, &avg, &at);
	CU_ASSERT_EQUAL(avg, 0);
	CU_ASSERT_EQUAL(at, t0);
}

/* BOINC's AVERAGE / AVERAGE_VAR (lib/average.h), worked by hand */
static void test_sample_average(void)
{
	ssp_avg a = { 0, 0, 0, 0 };

	ssp_avg_update_var(&a, 9000, 20, 0.01, 10);
	CU_ASSERT(a.n == 1 && a.avg == 9000 && a.q == 0 && a.var == 0);
	/* delta -5400: avg 6300, q = -5400 × (3600 - 6300) = 14,580,000, var = q / 2 */
	ssp_avg_update_var(&a, 3600, 20, 0.01, 10);
	CU_ASSERT(a.n == 2 && a.avg == 6300 && a.q == 14580000 && a.var == 7290000);
	/* a sample above avg × limit counts as avg × limit: 63000; negative ones are ignored */
	ssp_avg_update_var(&a, 1e9, 20, 0.01, 10);
	CU_ASSERT(a.n == 3 && NEAR(a.avg, 6300 + (63000 - 6300) / 3.0, 1e-15));
	ssp_avg_update_var(&a, -1, 20, 0.01, 10);
	CU_ASSERT_EQUAL(a.n, 3);
	/* past the threshold: an exponential average with weight 0.01 */
	a.n = 19;
	a.avg = 100;
	a.var = 4;
	ssp_avg_update_var(&a, 110, 20, 0.01, 10);
	CU_ASSERT(a.n == 20 && NEAR(a.avg, 100.1, 1e-15) && NEAR(a.var, 4 + 0.01 * (100 - 4), 1e-15));
	/* update without the variance */
	a.n = 0;
	a.avg = a.var = a.q = 0;
	ssp_avg_update(&a, 0.07, 100, 0.001, 10);
	ssp_avg_update(&a, 0.09, 100, 0.001, 10);
	CU_ASSERT(a.n == 2 && NEAR(a.avg, 0.08, 1e-15) && a.var == 0 && a.q == 0);
}

/* ---- the numeric comparator ---- */

static int cmpn(const char *a, const char *b, double tol)
{
	return ssp_compare_numeric(a, strlen(a), b, strlen(b), tol);
}

static void test_numeric(void)
{
	CU_ASSERT_EQUAL(cmpn("1 2 3\n", "1 2 3\n", 0), 0);
	CU_ASSERT_EQUAL(cmpn("1 2 3", "  1\t2\n\n3  \n", 0), 0);     /* whitespace is free */
	CU_ASSERT_EQUAL(cmpn("1.0 2e3", "1 2000", 0), 0);              /* same numbers */
	CU_ASSERT_EQUAL(cmpn("1.0000001", "1.0000002", 1e-6), 0);
	CU_ASSERT_EQUAL(cmpn("1.0000001", "1.0000002", 1e-8), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("1000000", "1000001", 1e-6), 0);        /* relative for big values */
	CU_ASSERT_EQUAL(cmpn("1000000", "1000002", 1e-6), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("0.000001", "0.0000019", 1e-6), 0);     /* absolute near zero */
	CU_ASSERT_EQUAL(cmpn("0", "0.0000011", 1e-6), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("1 2", "1 2 3", 1), SSP_ERR_MISMATCH);    /* token counts */
	CU_ASSERT_EQUAL(cmpn("1 2 3", "1 2", 1), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("step 1 ok", "step 1.0 ok", 0), 0);       /* words must be equal */
	CU_ASSERT_EQUAL(cmpn("step 1 ok", "step 1 OK", 1), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("nan", "nan", 0), 0);                      /* byte-equal tokens */
	CU_ASSERT_EQUAL(cmpn("nan", "1", 1e9), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("inf", "1e308", 1), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("1e308", "-1e308", 1), SSP_ERR_MISMATCH);   /* overflow of a-b */
	CU_ASSERT_EQUAL(cmpn("", "", 0), 0);
	CU_ASSERT_EQUAL(cmpn(" \n\t", "", 0), 0);
	CU_ASSERT_EQUAL(cmpn("", "1", 1), SSP_ERR_MISMATCH);
	CU_ASSERT_EQUAL(cmpn("1", "1", -1), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(cmpn("1", "1", NAN), SSP_ERR_INVAL);
	/* binary garbage: compared as bytes */
	CU_ASSERT_EQUAL(ssp_compare_numeric("\x00\x01\xff", 3, "\x00\x01\xff", 3, 0), 0);
	CU_ASSERT_EQUAL(ssp_compare_numeric("1\x00", 2, "1", 1, 1), SSP_ERR_MISMATCH);
	/* a 100-digit number is a word, not a number */
	{
		char a[128], b[128];

		memset(a, '1', 100);
		a[100] = '\0';
		memcpy(b, a, sizeof(a));
		b[99] = '2';
		CU_ASSERT_EQUAL(cmpn(a, b, 1), SSP_ERR_MISMATCH);
	}
}

/* ---- xml_doc_in ---- */

static const char xml_in[] =
	"<file_info>\n    <name>wu1_0_r5_0</name>\n    <generated_locally/>\n"
	"    <upload_when_present/>\n    <max_nbytes>5000000</max_nbytes>\n"
	"    <url>http://h/p_cgi/file_upload_handler</url>\n</file_info>\n"
	"<file_info>\n    <name>wu1_0_r5_1</name>\n</file_info>\n"
	"<result>\n    <name>wu1_0</name>\n"
	"    <file_ref>\n        <file_name>wu1_0_r5_0</file_name>\n"
	"        <open_name>out.txt</open_name>\n        <copy_file/>\n    </file_ref>\n"
	"    <file_ref>\n        <file_name>wu1_0_r5_1</file_name>\n"
	"        <open_name>ssp_receipt.json</open_name>\n        <optional>0</optional>\n"
	"        <no_validate/>\n    </file_ref>\n"
	"    <file_ref><file_name>wu1_0_r5_2</file_name><open_name>log</open_name>"
	"<optional>1</optional></file_ref>\n"
	"</result>\n";

static void test_outrefs(void)
{
	ssp_outref *r = NULL;
	size_t n = 0;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL_FATAL(ssp_xmldoc_outrefs(xml_in, strlen(xml_in), &r, &n, &em), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(r[0].physical, "wu1_0_r5_0");
	CU_ASSERT_STRING_EQUAL(r[0].logical, "out.txt");
	CU_ASSERT_EQUAL(r[0].optional, 0);
	CU_ASSERT_EQUAL(r[0].no_validate, 0);
	CU_ASSERT_STRING_EQUAL(r[1].logical, "ssp_receipt.json");
	CU_ASSERT_EQUAL(r[1].optional, 0);
	CU_ASSERT_EQUAL(r[1].no_validate, 1);
	CU_ASSERT_STRING_EQUAL(r[2].physical, "wu1_0_r5_2");
	CU_ASSERT_EQUAL(r[2].optional, 1);
	ssp_outrefs_free(r, n);

	CU_ASSERT_EQUAL(ssp_xmldoc_outrefs("", 0, &r, &n, &em), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(r);
}

static void test_outrefs_bad(void)
{
	static const char *const bad[] = {
		"<file_ref><file_name>a</file_name></file_ref>",               /* no open_name */
		"<file_ref><open_name>a</open_name></file_ref>",               /* no file_name */
		"<file_ref><file_name>../x</file_name><open_name>a</open_name></file_ref>",
		"<file_ref><file_name>..</file_name><open_name>a</open_name></file_ref>",
		"<file_ref><file_name> </file_name><open_name>a</open_name></file_ref>",
		"<file_ref><file_name>a</file_name><open_name>a</open_name>",   /* truncated */
		"<result><file_ref>",
		"\x01\x02\xff garbage",
		"</result>",
	};
	ssp_outref *r = (ssp_outref *)1;
	size_t n = 9;
	ssp_errmsg em = { { 0 } };
	char *many;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ssp_xmldoc_outrefs(bad[i], strlen(bad[i]), &r, &n, &em), SSP_ERR_PARSE);
		CU_ASSERT_PTR_NULL(r);
		CU_ASSERT_EQUAL(n, 0);
	}
	/* a binary blob with NUL bytes */
	CU_ASSERT_EQUAL(ssp_xmldoc_outrefs("<a>\0</a>", 8, &r, &n, &em), SSP_ERR_PARSE);
	/* too many file_refs */
	many = malloc(400 * 80);
	CU_ASSERT_PTR_NOT_NULL_FATAL(many);
	for (int i = 0; i < 300; i++)
		len += (size_t)sprintf(many + len,
				       "<file_ref><file_name>f%d</file_name><open_name>o%d</open_name></file_ref>",
				       i, i);
	CU_ASSERT_EQUAL(ssp_xmldoc_outrefs(many, len, &r, &n, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(ssp_xmldoc_outrefs(many, SSP_XMLDOC_MAX_BYTES + 1, &r, &n, &em), SSP_ERR_TOO_BIG);
	free(many);
}

/* ---- the quorum decision ---- */

/* Test results agree when their "value" (kept in cpu_time's place: result_digest[0]) match. */
static int calls;

static int fake_cmp(void *ctx, const ssp_vres *a, const ssp_vres *b)
{
	(void)ctx;
	calls++;
	return a->result_digest[0] == b->result_digest[0] ? 0 : SSP_ERR_MISMATCH;
}

static int failing_cmp(void *ctx, const ssp_vres *a, const ssp_vres *b)
{
	(void)ctx;
	(void)a;
	(void)b;
	return SSP_ERR_IO;
}

static ssp_vwu wu_base(int quorum, int target)
{
	ssp_vwu w;

	memset(&w, 0, sizeof(w));
	w.id = 10;
	w.name = "wu10";
	w.rsc_fpops_est = 432e9 * 3; /* 3 cobblestones */
	w.rsc_fpops_bound = 432e9 * 30;
	w.need_validate = 1;
	w.min_quorum = quorum;
	w.target_nresults = target;
	w.max_success_results = 6;
	w.transition_time = 2000000000;
	return w;
}

static ssp_vres res(uint64_t id, int value)
{
	ssp_vres r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.hostid = 100 + id;
	r.userid = 1000 + id;
	r.name = "r";
	r.server_state = SSP_RS_OVER;
	r.outcome = SSP_RO_SUCCESS;
	r.validate_state = SSP_VS_INIT;
	r.check = SSP_CHECK_OK;
	r.result_digest[0] = (uint8_t)value;
	r.cpu_time = 100;
	r.host_p_fpops = 3e9;
	r.host_ncpus = 1;
	r.sent_time = 1700000000 - 7200;
	r.received_time = 1700000000 - 3600;
	return r;
}

static const ssp_vopts opts_default = { SSP_CREDIT_FPOPS_EST, SSP_DEFAULT_MAX_GRANTED_CREDIT,
					SSP_CMP_BITWISE, 0, 1 << 20, 0, 0 };
static const int64_t NOW = 1700000000;

static void test_quorum_agree(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[2] = { res(1, 7), res(2, 7) };

	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.retry, 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 1);
	CU_ASSERT(NEAR(w.credit, 3.0, 1e-12));
	CU_ASSERT(NEAR(w.new_canonical_credit, 3.0, 1e-12));
	CU_ASSERT_EQUAL(w.new_assimilate_state, SSP_AS_READY);
	CU_ASSERT_EQUAL(w.new_need_validate, 0);
	CU_ASSERT_EQUAL(w.new_transition_time, SSP_TRANSITION_NEVER);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(r[i].new_validate_state, SSP_VS_VALID);
		CU_ASSERT_EQUAL(r[i].new_outcome, SSP_RO_SUCCESS);
		CU_ASSERT(NEAR(r[i].new_granted_credit, 3.0, 1e-12));
		CU_ASSERT_EQUAL(r[i].changed, 1);
		CU_ASSERT_EQUAL(r[i].credited, 1);
	}
}

static void test_quorum_one_wrong(void)
{
	ssp_vwu w = wu_base(2, 3);
	ssp_vres r[4] = { res(1, 9), res(2, 7), res(3, 7), res(4, 0) };

	r[3].server_state = SSP_RS_UNSENT; /* a replica not sent yet: not needed any more */
	r[3].outcome = SSP_RO_INIT;
	r[3].check = SSP_CHECK_NONE;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 4, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 2); /* the first result with a quorum */
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_INVALID);
	CU_ASSERT_EQUAL(r[0].new_outcome, SSP_RO_SUCCESS); /* a wrong answer, not a bad file */
	CU_ASSERT_EQUAL(r[0].credited, 0);
	CU_ASSERT_EQUAL(r[0].new_granted_credit, 0);
	CU_ASSERT_EQUAL(r[1].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[2].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[3].new_server_state, SSP_RS_OVER);
	CU_ASSERT_EQUAL(r[3].new_outcome, SSP_RO_DIDNT_NEED);
	CU_ASSERT_EQUAL(r[3].credited, 0);
}

static void test_inconclusive(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[2] = { res(1, 1), res(2, 2) };

	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);
	CU_ASSERT_EQUAL(w.new_target_nresults, 3); /* one more replica */
	CU_ASSERT_EQUAL(w.new_transition_time, NOW);
	CU_ASSERT_EQUAL(w.new_need_validate, 0);
	CU_ASSERT_EQUAL(w.new_assimilate_state, SSP_AS_INIT);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(r[i].new_validate_state, SSP_VS_INCONCLUSIVE);
		CU_ASSERT_EQUAL(r[i].credited, 0);
	}

	/* the third replica agrees with the second */
	{
		ssp_vwu w2 = wu_base(2, 3);
		ssp_vres r2[3] = { res(1, 1), res(2, 2), res(3, 2) };

		r2[0].validate_state = r2[1].validate_state = SSP_VS_INCONCLUSIVE;
		CU_ASSERT_EQUAL(ssp_validate_wu(&w2, r2, 3, &opts_default, fake_cmp, NULL, NOW), 0);
		CU_ASSERT_EQUAL(w2.new_canonical_resultid, 2);
		CU_ASSERT_EQUAL(r2[0].new_validate_state, SSP_VS_INVALID);
		CU_ASSERT_EQUAL(r2[1].new_validate_state, SSP_VS_VALID);
		CU_ASSERT_EQUAL(r2[2].new_validate_state, SSP_VS_VALID);
	}
	/* too many successes without a quorum */
	{
		ssp_vwu w3 = wu_base(3, 3);
		ssp_vres r3[3] = { res(1, 1), res(2, 2), res(3, 3) };

		w3.max_success_results = 2;
		CU_ASSERT_EQUAL(ssp_validate_wu(&w3, r3, 3, &opts_default, fake_cmp, NULL, NOW), 0);
		CU_ASSERT(w3.new_error_mask & SSP_WU_ERROR_TOO_MANY_SUCCESS_RESULTS);
		CU_ASSERT_EQUAL(w3.new_target_nresults, 4);
	}
}

static void test_waiting_for_quorum(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[2] = { res(1, 1), res(2, 1) };

	r[1].server_state = SSP_RS_IN_PROGRESS;
	r[1].outcome = SSP_RO_INIT;
	r[1].check = SSP_CHECK_NONE;
	calls = 0;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(calls, 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);
	CU_ASSERT_EQUAL(w.new_need_validate, 0);
	CU_ASSERT_EQUAL(w.new_transition_time, w.transition_time);
	CU_ASSERT_EQUAL(r[0].changed, 0);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_INIT);
}

static void test_bad_files(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[3] = { res(1, 1), res(2, 1), res(3, 1) };

	r[0].check = SSP_CHECK_INVALID; /* a tampered receipt */
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 3, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_INVALID);
	CU_ASSERT_EQUAL(r[0].new_outcome, SSP_RO_VALIDATE_ERROR);
	CU_ASSERT_EQUAL(r[0].credited, 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 2);
	CU_ASSERT_EQUAL(r[1].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[2].new_validate_state, SSP_VS_VALID);

	/* one good, one bad, quorum 2: the bad one invalid, the good one inconclusive */
	{
		ssp_vwu w2 = wu_base(2, 2);
		ssp_vres r2[2] = { res(1, 1), res(2, 1) };

		r2[1].check = SSP_CHECK_INVALID;
		CU_ASSERT_EQUAL(ssp_validate_wu(&w2, r2, 2, &opts_default, fake_cmp, NULL, NOW), 0);
		CU_ASSERT_EQUAL(r2[1].new_outcome, SSP_RO_VALIDATE_ERROR);
		CU_ASSERT_EQUAL(r2[0].new_validate_state, SSP_VS_INCONCLUSIVE);
		CU_ASSERT_EQUAL(w2.new_canonical_resultid, 0);
		CU_ASSERT_EQUAL(w2.new_target_nresults, 2); /* the transitioner replaces the bad one */
		CU_ASSERT_EQUAL(w2.new_transition_time, NOW);
	}
}

static void test_retry(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[2] = { res(1, 1), res(2, 1) };

	r[1].check = SSP_CHECK_RETRY;
	strcpy(r[1].reason, "upload directory unreachable");
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.retry, 1);
	CU_ASSERT_EQUAL(w.new_need_validate, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.note, "unreachable"));
	CU_ASSERT_EQUAL(r[0].changed + r[1].changed, 0);

	/* a comparison that cannot be made decides nothing */
	{
		ssp_vwu w2 = wu_base(2, 2);
		ssp_vres r2[2] = { res(1, 1), res(2, 1) };

		CU_ASSERT_EQUAL(ssp_validate_wu(&w2, r2, 2, &opts_default, failing_cmp, NULL, NOW),
				SSP_ERR_IO);
		CU_ASSERT_EQUAL(w2.retry, 1);
		CU_ASSERT_EQUAL(r2[0].changed + r2[1].changed, 0);
		CU_ASSERT_EQUAL(w2.new_canonical_resultid, 0);
	}
}

static void test_late_results(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[4] = { res(1, 5), res(2, 5), res(3, 5), res(4, 6) };

	w.canonical_resultid = 1;
	w.canonical_credit = 3;
	w.assimilate_state = SSP_AS_DONE;
	r[0].validate_state = r[1].validate_state = SSP_VS_VALID;
	r[0].granted_credit = r[1].granted_credit = 2.5; /* what the canonical one got */
	r[1].check = SSP_CHECK_NONE;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 4, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 1);
	CU_ASSERT_EQUAL(w.new_assimilate_state, SSP_AS_DONE);
	CU_ASSERT_EQUAL(r[0].changed, 0);
	CU_ASSERT_EQUAL(r[1].changed, 0);
	CU_ASSERT_EQUAL(r[2].new_validate_state, SSP_VS_VALID);
	CU_ASSERT(NEAR(r[2].new_granted_credit, 2.5, 1e-12));
	CU_ASSERT_EQUAL(r[2].credited, 1);
	CU_ASSERT_EQUAL(r[3].new_validate_state, SSP_VS_INVALID);
	CU_ASSERT_EQUAL(r[3].credited, 0);
	CU_ASSERT_EQUAL(w.new_transition_time, NOW);
	CU_ASSERT_EQUAL(w.new_need_validate, 0);

	/* the canonical result's files are gone: wait */
	{
		ssp_vwu w2 = w;
		ssp_vres r2[2] = { res(1, 5), res(3, 5) };

		r2[0].validate_state = SSP_VS_VALID;
		r2[0].check = SSP_CHECK_INVALID;
		CU_ASSERT_EQUAL(ssp_validate_wu(&w2, r2, 2, &opts_default, fake_cmp, NULL, NOW), 0);
		CU_ASSERT_EQUAL(w2.retry, 1);
		CU_ASSERT_EQUAL(r2[1].changed, 0);
	}
}

static void test_credit_modes(void)
{
	ssp_vopts o = opts_default;
	ssp_vwu w;
	ssp_vres r[3];

	/* from the work unit */
	o.credit_mode = SSP_CREDIT_FROM_WU;
	w = wu_base(2, 2);
	w.canonical_credit = 12.25;
	r[0] = res(1, 1);
	r[1] = res(2, 1);
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 12.25, 1e-12));
	CU_ASSERT(NEAR(w.new_canonical_credit, 12.25, 1e-12));

	/* from the runtime: the lowest claim among the agreeing results.
	 * 100 s × 1.5e9 = 1.5e11 fpops = 0.3472222… credits; 200 s × 2e9 = 0.925925… */
	o.credit_mode = SSP_CREDIT_FROM_RUNTIME;
	w = wu_base(2, 3);
	r[0] = res(1, 1);
	r[1] = res(2, 1);
	r[2] = res(3, 2);
	r[0].cpu_time = 200;
	r[0].host_p_fpops = 2e9;
	r[1].cpu_time = 100;
	r[1].host_p_fpops = 1.5e9;
	r[2].cpu_time = 1; /* the lowest claim, but not in the quorum */
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 3, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 0.347222, 1e-12));
	CU_ASSERT(NEAR(r[1].new_granted_credit, 0.347222, 1e-12));
	CU_ASSERT_EQUAL(r[2].credited, 0);

	/* quorum 1: one host would name its own credit; rsc_fpops_est (3) unless allowed */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].cpu_time = 1000;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 3.0, 1e-12));
	o.runtime_unreplicated = 1;

	/* p_fpops of exactly 1e9 means failed benchmarks (BOINC): 4.3e9 is used instead */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].cpu_time = 1000;
	r[0].host_p_fpops = 1e9;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 9.953704, 1e-12));

	/* unknown p_fpops: BOINC's 4.3e9 stand-in; 1000 s → 4.3e12 fpops = 9.953704 credits */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].cpu_time = 1000;
	r[0].host_p_fpops = 0;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 9.953704, 1e-12));

	/* a claim beyond twice rsc_fpops_bound is cut to the bound (30 credits here) */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].cpu_time = 1e6;
	r[0].host_ncpus = 1000; /* 3600 s seen × 1000 CPUs */
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 30.0, 1e-12));

	/* the attack: 3e8 s of CPU at 1e11 FLOPS on one result. The server saw the
	 * result out for 3600 s on a 1-CPU host: 3600 × 1e11 / 432e9 = 833.333333 at most
	 * (not 69,444,444), however large rsc_fpops_bound is */
	w = wu_base(1, 1);
	w.rsc_fpops_bound = 1e30;
	r[0] = res(1, 1);
	r[0].cpu_time = 3e8;
	r[0].host_p_fpops = 1e11;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 833.333333, 1e-12));
	/* with 8 CPUs, 8 × 3600 s; a claim above --max_granted_credit is clamped, not zeroed */
	o.max_granted_credit = 5000;
	w = wu_base(1, 1);
	w.rsc_fpops_bound = 1e30;
	r[0].host_ncpus = 8;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 5000.0, 1e-12));
	o.max_granted_credit = SSP_DEFAULT_MAX_GRANTED_CREDIT;
	/* unknown times: nothing the server saw, no runtime credit */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].received_time = 0;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[0].new_granted_credit, 0);

	/* no usable claim: no credit */
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	r[0].cpu_time = 0;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[0].new_granted_credit, 0);

	/* --max_granted_credit caps */
	o = opts_default;
	o.max_granted_credit = 2;
	w = wu_base(1, 1);
	r[0] = res(1, 1);
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT(NEAR(r[0].new_granted_credit, 2.0, 1e-12));

	/* credit is rounded to the micro-cobblestone: 1e9 fpops = 0.0023148148… */
	o = opts_default;
	w = wu_base(1, 1);
	w.rsc_fpops_est = 1e9;
	r[0] = res(1, 1);
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 1, &o, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[0].new_granted_credit, 2315 / 1e6);
}

/* Replicas of one user, or of one host, count once toward the quorum. */
static void test_distinct_volunteers(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r[3] = { res(1, 7), res(2, 7), res(3, 7) };

	/* one user, two hosts: no quorum, both inconclusive, one more replica asked for */
	r[1].userid = r[0].userid;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);
	CU_ASSERT_EQUAL(r[0].new_validate_state, SSP_VS_INCONCLUSIVE);
	CU_ASSERT_EQUAL(r[1].new_validate_state, SSP_VS_INCONCLUSIVE);
	CU_ASSERT_EQUAL(r[0].credited + r[1].credited, 0);
	CU_ASSERT_EQUAL(w.new_target_nresults, 3);

	/* one host of two users: the same */
	w = wu_base(2, 2);
	r[0] = res(1, 7);
	r[1] = res(2, 7);
	r[1].hostid = r[0].hostid;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 2, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 0);
	CU_ASSERT_EQUAL(r[0].credited + r[1].credited, 0);

	/* a third volunteer agrees: quorum of 1 and 3; 2 is valid with no credit */
	w = wu_base(2, 3);
	r[0] = res(1, 7);
	r[1] = res(2, 7);
	r[2] = res(3, 7);
	r[1].userid = r[0].userid;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 3, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(w.new_canonical_resultid, 1);
	CU_ASSERT_EQUAL(r[0].credited, 1);
	CU_ASSERT_EQUAL(r[2].credited, 1);
	CU_ASSERT_EQUAL(r[1].credited, 0);
	CU_ASSERT_EQUAL(r[1].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[1].new_granted_credit, 0);
	CU_ASSERT_EQUAL(r[1].dup_of, 1);
	CU_ASSERT_EQUAL(r[1].changed, 1);

	/* a late replica of a volunteer already valid: valid, no credit */
	w = wu_base(2, 2);
	w.canonical_resultid = 1;
	r[0] = res(1, 7);
	r[0].validate_state = SSP_VS_VALID;
	r[0].granted_credit = 3;
	r[1] = res(2, 7);
	r[1].validate_state = SSP_VS_VALID;
	r[1].granted_credit = 3;
	r[2] = res(3, 7);
	r[2].hostid = r[1].hostid;
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 3, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[2].credited, 0);
	CU_ASSERT_EQUAL(r[2].new_validate_state, SSP_VS_VALID);
	CU_ASSERT_EQUAL(r[2].new_granted_credit, 0);
	CU_ASSERT_EQUAL(r[2].dup_of, 2);
	/* a late replica of a new volunteer is credited as before */
	r[2] = res(3, 7);
	CU_ASSERT_EQUAL(ssp_validate_wu(&w, r, 3, &opts_default, fake_cmp, NULL, NOW), 0);
	CU_ASSERT_EQUAL(r[2].credited, 1);
	CU_ASSERT(NEAR(r[2].new_granted_credit, 3.0, 1e-12));
}

static void test_needs_check(void)
{
	ssp_vwu w = wu_base(2, 2);
	ssp_vres r = res(1, 1);

	CU_ASSERT(ssp_vres_needs_check(&w, &r));
	r.validate_state = SSP_VS_INVALID;
	CU_ASSERT(!ssp_vres_needs_check(&w, &r));
	r = res(1, 1);
	r.outcome = SSP_RO_CLIENT_ERROR;
	CU_ASSERT(!ssp_vres_needs_check(&w, &r));
	r = res(1, 1);
	r.server_state = SSP_RS_IN_PROGRESS;
	CU_ASSERT(!ssp_vres_needs_check(&w, &r));
	w.canonical_resultid = 1;
	CU_ASSERT(ssp_vres_needs_check(&w, &r)); /* the canonical one, whatever its state */
	r = res(2, 1);
	r.validate_state = SSP_VS_VALID;
	CU_ASSERT(!ssp_vres_needs_check(&w, &r));
	r.validate_state = SSP_VS_INCONCLUSIVE;
	CU_ASSERT(ssp_vres_needs_check(&w, &r));
}

/* ---- the built-in comparator over files ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_vres_compare(void)
{
	const char *dir = ssp_cu_tmpdir();
	char pa[512], pb[512];
	ssp_vfile fa = { "out.txt", pa, 0, { 1 }, 0 }, fb = { "out.txt", pb, 0, { 2 }, 0 };
	ssp_vfile skip = { "log", pa, 0, { 9 }, 1 };
	ssp_vfile two_a[2], two_b[1];
	ssp_vres a, b;
	ssp_vopts o = opts_default;

	snprintf(pa, sizeof(pa), "%s/a.txt", dir);
	snprintf(pb, sizeof(pb), "%s/b.txt", dir);
	write_file(pa, "1.000001 2\n");
	write_file(pb, "1.000002   2.0\n");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.files = &fa;
	a.nfiles = 1;
	b.files = &fb;
	b.nfiles = 1;
	/* bitwise: different digests disagree */
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), SSP_ERR_MISMATCH);
	/* numeric within tolerance agrees, outside does not */
	o.comparator = SSP_CMP_NUMERIC;
	o.tolerance = 1e-5;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), 0);
	o.tolerance = 1e-7;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), SSP_ERR_MISMATCH);
	/* equal digests agree without reading */
	fb.sha256[0] = 1;
	fb.path = "/nonexistent/file";
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), 0);
	o.comparator = SSP_CMP_BITWISE;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), 0);
	/* a vanished file is an error, not a disagreement */
	fb.sha256[0] = 2;
	o.comparator = SSP_CMP_NUMERIC;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), SSP_ERR_NOT_FOUND);
	/* no_validate outputs are skipped; differing lists disagree */
	fb.path = pb;
	two_a[0] = fa;
	two_a[1] = skip;
	two_b[0] = fb;
	a.files = two_a;
	a.nfiles = 2;
	b.files = two_b;
	b.nfiles = 1;
	o.tolerance = 1e-5;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), 0);
	two_a[1].no_validate = 0;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), SSP_ERR_MISMATCH);
	two_b[0].logical = "other.txt";
	a.nfiles = 1;
	CU_ASSERT_EQUAL(ssp_vres_compare(&o, &a, &b), SSP_ERR_MISMATCH);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "credit units and micro-cobblestones", test_credit_units },
		{ "recent average (7-day half-life)", test_average },
		{ "BOINC's sample averages", test_sample_average },
		{ "numeric comparator", test_numeric },
		{ "xml_doc_in output files", test_outrefs },
		{ "xml_doc_in garbage", test_outrefs_bad },
		{ "quorum: agreement", test_quorum_agree },
		{ "quorum: one wrong replica", test_quorum_one_wrong },
		{ "quorum: inconclusive, one more replica", test_inconclusive },
		{ "quorum: waiting for results", test_waiting_for_quorum },
		{ "quorum: invalid files", test_bad_files },
		{ "retry decides nothing", test_retry },
		{ "late results against the canonical one", test_late_results },
		{ "credit modes and cap", test_credit_modes },
		{ "quorum of distinct users and hosts", test_distinct_volunteers },
		{ "which results are checked", test_needs_check },
		{ "built-in comparator over files", test_vres_compare },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("validate", tests));
}
