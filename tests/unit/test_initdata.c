/* Suite for lib/ssp_initdata: the client's init_data.xml, without keeping secrets. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "boinc/ssp_initdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH "SECRETAUTH0123456789abcdef"

static int parse_str(const char *xml, ssp_initdata **d, ssp_errmsg *em)
{
	return ssp_initdata_parse(xml, strlen(xml), d, em);
}

/* True when needle occurs anywhere in the len bytes at p. */
static int mem_has(const void *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *s = p;

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

static int struct_has(const ssp_initdata *d, const char *needle)
{
	return mem_has(d->wu_name, strlen(d->wu_name), needle) ||
	       mem_has(d->result_name, strlen(d->result_name), needle) ||
	       mem_has(d->app_name, strlen(d->app_name), needle) ||
	       mem_has(d->project_dir, strlen(d->project_dir), needle) ||
	       mem_has(d->project_preferences, strlen(d->project_preferences), needle);
}

/* The file the real client wrote. */
static void test_client_file(void)
{
	ssp_initdata *d = NULL;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL_FATAL(ssp_initdata_read(ssp_cu_data("wrapper/init_data_client.xml"), &d, &em), 0);
	CU_ASSERT_EQUAL(d->userid, 42);
	CU_ASSERT_EQUAL(d->hostid, 7);
	CU_ASSERT_EQUAL(d->teamid, 0);
	CU_ASSERT_STRING_EQUAL(d->wu_name, "wu1");
	CU_ASSERT_STRING_EQUAL(d->result_name, "wu1_0");
	CU_ASSERT_STRING_EQUAL(d->app_name, "ssptest");
	CU_ASSERT_STRING_EQUAL(d->project_dir, "/var/lib/boinc-client/projects/ssp.test");
	CU_ASSERT_DOUBLE_EQUAL(d->rsc_fpops_est, 1e10, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(d->p_fpops, 1e9, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(d->checkpoint_period, 60, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(d->fraction_done_start, 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(d->fraction_done_end, 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(d->ncpus, 1, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d->project_preferences,
				      "<project_specific><ssp_address>0x1111111111111111111111111111111111111111"
				      "</ssp_address></project_specific>"));
	CU_ASSERT_DOUBLE_EQUAL(ssp_initdata_est_cpu_seconds(d), 10.0, 1e-9);
	/* The client-app link, as that client wrote it (a System V key: no API version given). */
	CU_ASSERT_EQUAL(d->shm_key, 16786460);
	CU_ASSERT_EQUAL(d->client_pid, 20933);
	CU_ASSERT_EQUAL(d->gpu_device_num, -1);
	CU_ASSERT_STRING_EQUAL(d->gpu_type, "");
	/* Nothing secret was kept. */
	CU_ASSERT_FALSE(struct_has(d, AUTH));
	CU_ASSERT_FALSE(struct_has(d, "PROXYPASSWORD42"));
	CU_ASSERT_FALSE(struct_has(d, "proxyuser"));
	ssp_initdata_free(d);
	ssp_initdata_free(NULL);
}

/* The struct has no place for the authenticator: check every byte of it and of its strings,
 * and that the parse of a buffer holding the secret does not leave a copy in what we own. */
static void test_no_secret_anywhere(void)
{
	size_t len = 0;
	char *xml = ssp_cu_slurp("wrapper/init_data_client.xml", &len);
	ssp_initdata *d = NULL;

	CU_ASSERT_EQUAL_FATAL(ssp_initdata_parse(xml, len, &d, NULL), 0);
	CU_ASSERT_FALSE(mem_has(d, sizeof(*d), AUTH));
	CU_ASSERT_FALSE(struct_has(d, AUTH));
	/* An authenticator placed in a kept field's neighbourhood is still not kept. */
	ssp_initdata_free(d);
	d = NULL;
	CU_ASSERT_EQUAL(parse_str("<app_init_data><project_preferences><a>1</a></project_preferences>"
				  "<authenticator>" AUTH "</authenticator><wu_name>w</wu_name></app_init_data>",
				  &d, NULL), 0);
	CU_ASSERT_STRING_EQUAL(d->project_preferences, "<a>1</a>");
	CU_ASSERT_FALSE(struct_has(d, AUTH));
	ssp_initdata_free(d);
	free(xml);
}

/* A malformed file's error message never quotes the input (it could quote the secret). */
static void test_error_does_not_quote(void)
{
	ssp_initdata *d = NULL;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL(parse_str("<app_init_data><authenticator>" AUTH "</authenticatr></app_init_data>",
				  &d, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "not well-formed"));
	CU_ASSERT_PTR_NULL(strstr(em.msg, AUTH));
	CU_ASSERT_PTR_NULL(strstr(em.msg, "authenticat"));
}

static void test_defaults(void)
{
	ssp_initdata *d = NULL;

	CU_ASSERT_EQUAL_FATAL(parse_str("<app_init_data/>", &d, NULL), 0);
	CU_ASSERT_EQUAL(d->userid, 0);
	CU_ASSERT_STRING_EQUAL(d->wu_name, "");
	CU_ASSERT_STRING_EQUAL(d->result_name, "");
	CU_ASSERT_STRING_EQUAL(d->project_dir, "");
	CU_ASSERT_STRING_EQUAL(d->project_preferences, "");
	CU_ASSERT_DOUBLE_EQUAL(d->fraction_done_end, 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(ssp_initdata_est_cpu_seconds(d), 0, 0);
	ssp_initdata_free(d);
	/* No host benchmark: 1 GFLOPS is assumed. */
	CU_ASSERT_EQUAL_FATAL(parse_str("<app_init_data><rsc_fpops_est>3e9</rsc_fpops_est></app_init_data>",
					&d, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(ssp_initdata_est_cpu_seconds(d), 3.0, 1e-12);
	ssp_initdata_free(d);
	CU_ASSERT_EQUAL_FATAL(parse_str("<app_init_data><rsc_fpops_est>3e9</rsc_fpops_est>"
					"<host_info><p_fpops>3e8</p_fpops></host_info></app_init_data>",
					&d, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(ssp_initdata_est_cpu_seconds(d), 10.0, 1e-12);
	ssp_initdata_free(d);
}

static void test_malformed(void)
{
	static const struct {
		const char *xml;
		int rc;
		const char *msg;
	} cases[] = {
		{ "", SSP_ERR_PARSE, "not well-formed" },
		{ "<app_init_data>", SSP_ERR_PARSE, "not well-formed" },
		{ "<init_data/>", SSP_ERR_PARSE, "<app_init_data>" },
		{ "<app_init_data><userid>-1</userid></app_init_data>", SSP_ERR_PARSE, "<userid>" },
		{ "<app_init_data><userid>12x</userid></app_init_data>", SSP_ERR_PARSE, "<userid>" },
		{ "<app_init_data><userid>99999999999999999999</userid></app_init_data>", SSP_ERR_PARSE,
		  "<userid>" },
		{ "<app_init_data><hostid></hostid></app_init_data>", SSP_ERR_PARSE, "<hostid>" },
		{ "<app_init_data><userid>1</userid><userid>2</userid></app_init_data>", SSP_ERR_PARSE,
		  "twice" },
		{ "<app_init_data><rsc_fpops_est>inf</rsc_fpops_est></app_init_data>", SSP_ERR_PARSE,
		  "<rsc_fpops_est>" },
		{ "<app_init_data><rsc_fpops_est>-5</rsc_fpops_est></app_init_data>", SSP_ERR_PARSE,
		  "<rsc_fpops_est>" },
		{ "<app_init_data><wu_name><b/></wu_name></app_init_data>", SSP_ERR_PARSE, "text only" },
		{ "<app_init_data><fraction_done_start>0.8</fraction_done_start>"
		  "<fraction_done_end>0.2</fraction_done_end></app_init_data>", SSP_ERR_PARSE, "fraction_done" },
		{ "<app_init_data><host_info><p_fpops>1</p_fpops><p_fpops>2</p_fpops></host_info></app_init_data>",
		  SSP_ERR_PARSE, "twice" },
		{ "<!DOCTYPE app_init_data><app_init_data/>", SSP_ERR_PARSE, "DOCTYPE" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssp_initdata *d = (ssp_initdata *)&cases[i];
		ssp_errmsg em = { { 0 } };
		int rc = parse_str(cases[i].xml, &d, &em);

		if (rc != cases[i].rc || strstr(em.msg, cases[i].msg) == NULL)
			fprintf(stderr, "\ncase %zu: rc %d msg \"%s\"\n", i, rc, em.msg);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_PTR_NULL(d);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, cases[i].msg));
	}
}

static void test_truncated_and_caps(void)
{
	size_t len = 0, bad = 0;
	char *xml = ssp_cu_slurp("wrapper/init_data_client.xml", &len);
	ssp_initdata *d = NULL;
	ssp_errmsg em = { { 0 } };
	char *big;
	size_t n;

	for (size_t k = 0; k + 2 < len; k++) {
		if (ssp_initdata_parse(xml, k, &d, NULL) == 0) {
			bad++;
			ssp_initdata_free(d);
		}
		CU_ASSERT_PTR_NULL(d);
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(xml);

	big = malloc(SSP_INITDATA_MAX_BYTES + 64);
	n = (size_t)sprintf(big, "<app_init_data><!--");
	memset(big + n, 'x', SSP_INITDATA_MAX_BYTES);
	n += SSP_INITDATA_MAX_BYTES;
	n += (size_t)sprintf(big + n, "--></app_init_data>");
	CU_ASSERT_EQUAL(ssp_initdata_parse(big, n, &d, &em), SSP_ERR_TOO_BIG);
	n = (size_t)sprintf(big, "<app_init_data><wu_name>");
	memset(big + n, 'w', SSP_INITDATA_MAX_STRING + 1);
	n += SSP_INITDATA_MAX_STRING + 1;
	n += (size_t)sprintf(big + n, "</wu_name></app_init_data>");
	CU_ASSERT_EQUAL(ssp_initdata_parse(big, n, &d, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "<wu_name>"));
	n = (size_t)sprintf(big, "<app_init_data><project_preferences>");
	for (int i = 0; i < 30000; i++)
		n += (size_t)sprintf(big + n, "<p>xxxx</p>");
	n += (size_t)sprintf(big + n, "</project_preferences></app_init_data>");
	CU_ASSERT_EQUAL(ssp_initdata_parse(big, n, &d, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "project_preferences"));
	memcpy(big, "<app_init_data>\0</app_init_data>", 32);
	CU_ASSERT_EQUAL(ssp_initdata_parse(big, 32, &d, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_initdata_parse(NULL, 0, &d, &em), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_initdata_read("/nonexistent/init_data.xml", &d, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NULL(d);
	free(big);
}

static void test_json_form(void)
{
	ssp_initdata *d = NULL, *back = NULL;
	char *js = NULL;
	size_t len = 0;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL_FATAL(ssp_initdata_read(ssp_cu_data("wrapper/init_data_client.xml"), &d, &em), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_initdata_to_json(d, &js, &len), 0);
	CU_ASSERT_PTR_NULL(strstr(js, AUTH));
	CU_ASSERT_PTR_NULL(strstr(js, "PROXYPASSWORD42"));
	CU_ASSERT_EQUAL_FATAL(ssp_initdata_from_json(js, len, &back, &em), 0);
	CU_ASSERT_EQUAL(back->userid, 42);
	CU_ASSERT_EQUAL(back->hostid, 7);
	CU_ASSERT_STRING_EQUAL(back->wu_name, d->wu_name);
	CU_ASSERT_STRING_EQUAL(back->result_name, d->result_name);
	CU_ASSERT_STRING_EQUAL(back->app_name, d->app_name);
	CU_ASSERT_STRING_EQUAL(back->project_dir, d->project_dir);
	CU_ASSERT_STRING_EQUAL(back->project_preferences, d->project_preferences);
	CU_ASSERT_DOUBLE_EQUAL(back->rsc_fpops_est, d->rsc_fpops_est, 0);
	CU_ASSERT_DOUBLE_EQUAL(back->p_fpops, d->p_fpops, 0);
	CU_ASSERT_DOUBLE_EQUAL(back->checkpoint_period, d->checkpoint_period, 0);
	CU_ASSERT_DOUBLE_EQUAL(back->fraction_done_end, 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(back->ncpus, d->ncpus, 0);
	ssp_initdata_free(back);
	back = NULL;
	/* Every member is required and checked. */
	js[len - 1] = '\0';
	{
		char *p = strstr(js, "\"userid\":42");
		char *dup;

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		dup = malloc(len + 2);
		memcpy(dup, js, len);
		memcpy(dup + (p - js), "\"userid\":-1", 11);
		strcat(dup, "}");
		CU_ASSERT_EQUAL(ssp_initdata_from_json(dup, strlen(dup), &back, &em), SSP_ERR_PARSE);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "userid"));
		free(dup);
	}
	CU_ASSERT_EQUAL(ssp_initdata_from_json("{\"userid\":1}", 12, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_initdata_from_json("[1]", 3, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_initdata_from_json("", 0, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_initdata_from_json(NULL, 0, &back, &em), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(back);
	free(js);
	ssp_initdata_free(d);
}

/* The link fields: defaults when absent, ranges, and the JSON form keeps them. */
static void test_link_fields(void)
{
	ssp_initdata *d = NULL, *back = NULL;
	ssp_errmsg em = { { 0 } };
	char *js = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(parse_str("<app_init_data/>", &d, &em), 0);
	CU_ASSERT_EQUAL(d->shm_key, 0);
	CU_ASSERT_EQUAL(d->client_pid, 0);
	CU_ASSERT_EQUAL(d->gpu_device_num, -1);
	ssp_initdata_free(d);
	CU_ASSERT_EQUAL_FATAL(parse_str("<app_init_data><shm_key>-1</shm_key><client_pid>77</client_pid>"
					"<gpu_type>NVIDIA</gpu_type><gpu_device_num>1</gpu_device_num>"
					"</app_init_data>", &d, &em), 0);
	CU_ASSERT_EQUAL(d->shm_key, -1);
	CU_ASSERT_EQUAL(d->client_pid, 77);
	CU_ASSERT_EQUAL(d->gpu_device_num, 1);
	CU_ASSERT_STRING_EQUAL(d->gpu_type, "NVIDIA");
	CU_ASSERT_EQUAL_FATAL(ssp_initdata_to_json(d, &js, &n), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_initdata_from_json(js, n, &back, &em), 0);
	CU_ASSERT_EQUAL(back->shm_key, -1);
	CU_ASSERT_EQUAL(back->client_pid, 77);
	CU_ASSERT_EQUAL(back->gpu_device_num, 1);
	CU_ASSERT_STRING_EQUAL(back->gpu_type, "NVIDIA");
	free(js);
	ssp_initdata_free(back);
	ssp_initdata_free(d);
	d = NULL;
	CU_ASSERT_EQUAL(parse_str("<app_init_data><client_pid>-3</client_pid></app_init_data>", &d, &em),
			SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "<client_pid>"));
	CU_ASSERT_EQUAL(parse_str("<app_init_data><gpu_device_num>x</gpu_device_num></app_init_data>", &d, &em),
			SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(parse_str("<app_init_data><shm_key>99999999999</shm_key></app_init_data>", &d, &em),
			SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(d);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "file written by the BOINC client", test_client_file },
		{ "no secret kept", test_no_secret_anywhere },
		{ "errors do not quote input", test_error_does_not_quote },
		{ "defaults and estimate", test_defaults },
		{ "malformed inputs", test_malformed },
		{ "truncations and caps", test_truncated_and_caps },
		{ "JSON form", test_json_form },
		{ "client-app link fields", test_link_fields },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("initdata", tests);
}
