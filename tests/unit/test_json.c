/* Suite for lib/core/ssp_json: every reader on good members, on each wrong type, on absent
 * members, ranges and caps, with the messages naming WHERE.NAME. */
#include "core/ssp_json.h"
#include "core/ssp_err.h"
#include "ssp_cu.h"

#include <string.h>

static json_t *doc(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

static void expect_msg(const ssp_errmsg *em, const char *want)
{
	if (strstr(em->msg, want) == NULL) {
		fprintf(stderr, "\n  '%s' not in '%s'\n", want, em->msg);
		CU_FAIL("message");
	}
}

static void test_members(void)
{
	static const char *const names[] = { "a", "b" };
	json_t *j = doc("{\"a\":1,\"b\":2}"), *k = doc("{\"a\":1,\"c\\u0001\":2}"), *m = doc("{\"a\":1}");
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL(ssp_json_members(j, "doc", names, 2, &em), 0);
	CU_ASSERT_EQUAL(ssp_json_members(k, "doc", names, 2, &em), SSP_ERR_PARSE);
	expect_msg(&em, "doc.c?: unknown member"); /* the control character is not echoed */
	CU_ASSERT_EQUAL(ssp_json_members(m, "doc", names, 2, &em), SSP_ERR_PARSE);
	expect_msg(&em, "doc.b: missing");
	CU_ASSERT_EQUAL(ssp_json_members(json_object_get(j, "a"), "doc", names, 2, &em), SSP_ERR_PARSE);
	expect_msg(&em, "doc: expected an object, got an integer");
	CU_ASSERT_STRING_EQUAL(ssp_json_type(NULL), "nothing");
	json_decref(j), json_decref(k), json_decref(m);
}

static void test_readers(void)
{
	json_t *j = doc("{\"s\":\"abc\",\"n\":7,\"r\":2.5,\"neg\":-1,\"h\":\"0x0aff\",\"hn\":\"0aff\","
			"\"o\":{},\"z\":\"a\\u0000b\",\"t\":true}"), *o;
	ssp_errmsg em = { { 0 } };
	const char *s;
	uint64_t u;
	double d;
	uint8_t b[2];

	CU_ASSERT_EQUAL(ssp_json_str(j, "", "s", 3, 0, &s, &em), 0);
	CU_ASSERT_STRING_EQUAL(s, "abc");
	CU_ASSERT_EQUAL(ssp_json_str(j, "", "s", 2, 0, &s, &em), SSP_ERR_PARSE);
	expect_msg(&em, "s: longer than 2 bytes");
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(ssp_json_str(j, "x", "none", 9, 1, &s, &em), 0);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(ssp_json_str(j, "x", "none", 9, 0, &s, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.none: missing");
	CU_ASSERT_EQUAL(ssp_json_str(j, "x", "n", 9, 0, &s, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.n: expected a string, got an integer");
	CU_ASSERT_EQUAL(ssp_json_str(j, "x", "z", 9, 0, &s, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.z: NUL in string");

	CU_ASSERT_EQUAL(ssp_json_u64(j, "x", "n", 0, 10, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 7);
	CU_ASSERT_EQUAL(ssp_json_u64(j, "x", "n", 8, 10, &u, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.n: out of range (8..10)");
	CU_ASSERT_EQUAL(ssp_json_u64(j, "x", "neg", 0, UINT64_MAX, &u, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_json_u64(j, "x", "r", 0, 10, &u, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.r: expected an integer, got a real number");
	CU_ASSERT_EQUAL(ssp_json_u64(j, "x", "t", 0, 10, &u, &em), SSP_ERR_PARSE);
	expect_msg(&em, "got a boolean");

	CU_ASSERT_EQUAL(ssp_json_double(j, "x", "r", 0, 10, &d, &em), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 2.5, 0);
	CU_ASSERT_EQUAL(ssp_json_double(j, "x", "n", 0, 10, &d, &em), 0); /* an integer is a number */
	CU_ASSERT_DOUBLE_EQUAL(d, 7, 0);
	CU_ASSERT_EQUAL(ssp_json_double(j, "x", "r", 3, 10, &d, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_json_double(j, "x", "s", 0, 10, &d, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.s: expected a number, got a string");

	CU_ASSERT_EQUAL(ssp_json_hex(j, "x", "h", 1, b, 2, &em), 0);
	CU_ASSERT(b[0] == 0x0a && b[1] == 0xff);
	CU_ASSERT_EQUAL(ssp_json_hex(j, "x", "hn", 1, b, 2, &em), SSP_ERR_PARSE);
	expect_msg(&em, "x.hn: expected \"0x\" and 4 hex digits");
	CU_ASSERT_EQUAL(ssp_json_hex(j, "x", "hn", 0, b, 2, &em), 0);
	CU_ASSERT_EQUAL(ssp_json_hex(j, "x", "h", 1, b, 3, &em), SSP_ERR_PARSE);

	CU_ASSERT_EQUAL(ssp_json_object(j, "x", "o", &o, &em), 0);
	CU_ASSERT(json_is_object(o));
	CU_ASSERT_EQUAL(ssp_json_object(j, "x", "s", &o, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(o);
	CU_ASSERT_EQUAL(ssp_json_object(NULL, "x", "s", &o, &em), SSP_ERR_INVAL);
	json_decref(j);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "exact members", test_members },
		{ "strings, integers, numbers, hex, objects", test_readers },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("json", tests);
}
