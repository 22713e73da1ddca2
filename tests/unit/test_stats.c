/* Suite for lib/ssp_stats: BOINC's user.gz stats export (plain and gzip'd), numbers, garbage,
 * truncation, entities and caps. */
#include "ssp_cu.h"
#include "boinc/ssp_stats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *tpath(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(tpath(name), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_sample(void)
{
	ssp_stats *s = NULL;
	ssp_errmsg em = { { 0 } };
	char cmd[2 * PATH_MAX];
	uint64_t v = 0;
	int pass;

	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", ssp_cu_data("stats/user.xml"),
		 tpath("user.gz"));
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (pass = 0; pass < 2; pass++) {
		const char *path = pass == 0 ? ssp_cu_data("stats/user.xml") : tpath("user.gz");

		CU_ASSERT_EQUAL_FATAL(ssp_stats_read(path, &s, &em), 0);
		CU_ASSERT_EQUAL(ssp_stats_count(s), 3);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 1, &v), 0);
		CU_ASSERT_EQUAL(v, 1234567890ULL);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 42, &v), 0);
		CU_ASSERT_EQUAL(v, 0);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 7, &v), 0);
		CU_ASSERT_EQUAL(v, 98765432123457ULL);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 2, &v), SSP_ERR_NOT_FOUND);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 0, &v), SSP_ERR_NOT_FOUND);
		CU_ASSERT_EQUAL(ssp_stats_credit(s, 43, &v), SSP_ERR_NOT_FOUND);
		ssp_stats_free(s);
		s = NULL;
	}
	CU_ASSERT_EQUAL(ssp_stats_read(tpath("missing.gz"), &s, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NULL(s);
	ssp_stats_free(NULL);
}

static void test_numbers(void)
{
	static const struct {
		const char *text;
		int rc;
		uint64_t micro;
	} v[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1000000 },
		{ "1.5", 0, 1500000 },
		{ "  12.000001\n", 0, 12000001 },
		{ "0.0000005", 0, 1 },
		{ "0.00000049999", 0, 0 },
		{ ".5", 0, 500000 },
		{ "3.", 0, 3000000 },
		{ "1.5e3", 0, 1500000000 },
		{ "2E-6", 0, 2 },
		{ "18446744073709", 0, 18446744073709000000ULL },
		{ "18446744073710", SSP_ERR_RANGE, 0 },
		{ "99999999999999999999999", SSP_ERR_RANGE, 0 },
		{ "", SSP_ERR_PARSE, 0 },
		{ ".", SSP_ERR_PARSE, 0 },
		{ "-1", SSP_ERR_PARSE, 0 },
		{ "+1", SSP_ERR_PARSE, 0 },
		{ "1.2.3", SSP_ERR_PARSE, 0 },
		{ "12abc", SSP_ERR_PARSE, 0 },
		{ "nan", SSP_ERR_PARSE, 0 },
		{ "inf", SSP_ERR_PARSE, 0 },
		{ "1e999", SSP_ERR_PARSE, 0 },
		{ "-1e3", SSP_ERR_PARSE, 0 },
		{ "0x10", SSP_ERR_PARSE, 0 },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint64_t m = 12345;
		int rc = ssp_stats_parse_credit(v[i].text, &m);

		CU_ASSERT_EQUAL(rc, v[i].rc);
		if (rc != v[i].rc)
			fprintf(stderr, "'%s': rc %d\n", v[i].text, rc);
		if (v[i].rc == 0) {
			CU_ASSERT_EQUAL(m, v[i].micro);
			if (m != v[i].micro)
				fprintf(stderr, "'%s': %llu\n", v[i].text, (unsigned long long)m);
		}
	}
}

static void expect_fail(const char *xml, int code, const char *needle)
{
	ssp_stats *s = NULL;
	ssp_errmsg em = { { 0 } };

	put("bad.xml", xml);
	CU_ASSERT_EQUAL(ssp_stats_read(tpath("bad.xml"), &s, &em), code);
	CU_ASSERT_PTR_NULL(s);
	if (needle != NULL) {
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, needle));
		if (strstr(em.msg, needle) == NULL)
			fprintf(stderr, "message was: %s\n", em.msg);
	}
}

static void test_garbage(void)
{
	ssp_stats *s = NULL;
	ssp_errmsg em = { { 0 } };
	char cmd[4 * PATH_MAX];
	char *big;

	expect_fail("", SSP_ERR_PARSE, NULL);
	expect_fail("garbage", SSP_ERR_PARSE, NULL);
	expect_fail("<teams><team><id>1</id></team></teams>", SSP_ERR_PARSE, "not <users>");
	expect_fail("<users><user><id>1</id><total_credit>5</total_credit></user>", SSP_ERR_PARSE,
		    NULL); /* truncated */
	expect_fail("<users><user><id>1</id></user></users>", SSP_ERR_PARSE, "<total_credit>");
	expect_fail("<users><user><total_credit>1</total_credit></user></users>", SSP_ERR_PARSE,
		    "without <id>");
	expect_fail("<users><user><id>1</id><id>2</id><total_credit>1</total_credit></user></users>",
		    SSP_ERR_PARSE, "twice");
	expect_fail("<users><user><id>x</id><total_credit>1</total_credit></user></users>",
		    SSP_ERR_PARSE, "bad <id>");
	expect_fail("<users><user><id>-1</id><total_credit>1</total_credit></user></users>",
		    SSP_ERR_PARSE, "bad <id>");
	expect_fail("<users><user><id>1</id><total_credit>-5</total_credit></user></users>",
		    SSP_ERR_PARSE, "bad <total_credit>");
	expect_fail("<users><user><id>1</id><total_credit/></user></users>", SSP_ERR_PARSE, "empty");
	expect_fail("<users><user/></users>", SSP_ERR_PARSE, "empty <user>");
	expect_fail("<users><user><id>1</id><total_credit>1</total_credit></user>"
		    "<user><id>1</id><total_credit>2</total_credit></user></users>",
		    SSP_ERR_PARSE, "listed twice");
	/* Entities are not expanded into numbers; external ones are not fetched. */
	expect_fail("<!DOCTYPE users [<!ENTITY n \"5\">]><users><user><id>1</id>"
		    "<total_credit>&n;</total_credit></user></users>",
		    SSP_ERR_PARSE, NULL);
	expect_fail("<!DOCTYPE users [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><users><user>"
		    "<id>1</id><total_credit>&x;</total_credit></user></users>",
		    SSP_ERR_PARSE, NULL);
	/* An over-long element text. */
	big = malloc(SSP_STATS_MAX_TEXT + 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	strcpy(big, "<users><user><id>1</id><total_credit>");
	memset(big + strlen(big), '1', SSP_STATS_MAX_TEXT + 1);
	big[37 + SSP_STATS_MAX_TEXT + 1] = '\0';
	strcat(big, "</total_credit></user></users>");
	expect_fail(big, SSP_ERR_TOO_BIG, "too long");
	free(big);
	/* Deep nesting inside ignored elements. */
	{
		char deep[2048] = "<users><user><id>1</id><total_credit>1</total_credit><x>";

		for (int i = 0; i < 30; i++)
			strcat(deep, "<a>");
		for (int i = 0; i < 30; i++)
			strcat(deep, "</a>");
		strcat(deep, "</x></user></users>");
		expect_fail(deep, SSP_ERR_TOO_BIG, "deep");
	}
	/* A truncated gzip file. */
	snprintf(cmd, sizeof cmd, "cd '%s' && gzip -c '%s' > full.gz && head -c 100 full.gz > trunc.gz",
		 ssp_cu_tmpdir(), ssp_cu_data("stats/user.xml"));
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(ssp_stats_read(tpath("trunc.gz"), &s, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(s);
	/* Empty list is fine. */
	put("none.xml", "<users></users>");
	CU_ASSERT_EQUAL(ssp_stats_read(tpath("none.xml"), &s, &em), 0);
	CU_ASSERT_EQUAL(ssp_stats_count(s), 0);
	ssp_stats_free(s);
	CU_ASSERT_EQUAL(ssp_stats_read(ssp_cu_tmpdir(), &s, &em), SSP_ERR_IO);
}

static void test_many(void)
{
	FILE *f = fopen(tpath("many.xml"), "w");
	ssp_stats *s = NULL;
	ssp_errmsg em = { { 0 } };
	uint64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("<users>\n", f);
	for (unsigned i = 100000; i > 0; i--)
		fprintf(f, "<user><id>%u</id><name>u%u</name><total_credit>%u.%06u</total_credit></user>\n",
			i * 3, i, i, i % 1000000);
	fputs("</users>\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(ssp_stats_read(tpath("many.xml"), &s, &em), 0);
	CU_ASSERT_EQUAL(ssp_stats_count(s), 100000);
	CU_ASSERT_EQUAL(ssp_stats_credit(s, 3, &v), 0);
	CU_ASSERT_EQUAL(v, 1000001);
	CU_ASSERT_EQUAL(ssp_stats_credit(s, 300000, &v), 0);
	CU_ASSERT_EQUAL(v, 100000100000ULL); /* "100000.100000" */
	CU_ASSERT_EQUAL(ssp_stats_credit(s, 4, &v), SSP_ERR_NOT_FOUND);
	ssp_stats_free(s);
}

static CU_TestInfo tests[] = {
	{ "sample user.xml and user.gz", test_sample },
	{ "credit numbers", test_numbers },
	{ "garbage, truncation, entities, caps", test_garbage },
	{ "100000 users", test_many },
	CU_TEST_INFO_NULL,
};

int main(void)
{
	return ssp_cu_run("stats", tests);
}
