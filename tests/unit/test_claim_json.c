/* Suite for lib/ssp_claim_json: round trips, the exact compact form, every field missing /
 * unknown / duplicated / mistyped / out of range / of the wrong length, and garbage,
 * binary, truncated, oversized, empty and non-object input. The parsed claim of
 * tests/data/claim_valid.json is tied to cast's struct hash of the same claim
 * (tests/data/eip712_vectors.txt, claim 1). */
#include "crypto/ssp_claim_json.h"
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* claim 1 of eip712_vectors.txt in the canonical compact form (EIP-712 field order,
 * lowercase hex, EIP-55 beneficiary as printed by `cast to-check-sum-address`). */
static const char canonical1[] =
	"{\"project\":\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182\","
	"\"seq\":1,\"resultId\":7017,\"workunitId\":501,\"userId\":41,\"hostId\":11,"
	"\"beneficiary\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"credit\":1234656,"
	"\"resultDigest\":\"0x0c70377d2ae3b60faf92e8aca2c2e5fe759878c05d621f087867d76b6f24d793\","
	"\"grantedAt\":1700000060}";

/* The ten fields and their valid JSON values (claim 1), used to build variants. */
static const char *const names[10] = {
	"project", "seq", "resultId", "workunitId", "userId", "hostId",
	"beneficiary", "credit", "resultDigest", "grantedAt",
};
static const char *const values[10] = {
	"\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182\"",
	"1", "7017", "501", "41", "11",
	"\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\"",
	"1234656",
	"\"0x0c70377d2ae3b60faf92e8aca2c2e5fe759878c05d621f087867d76b6f24d793\"",
	"1700000060",
};
static const int is_uint[10] = { 0, 1, 1, 1, 1, 1, 0, 1, 0, 1 };

/* Builds {...} with field `which` replaced by `value` (omitted when value is NULL), and
 * `extra` (raw `"k":v` text) appended when not NULL. */
static char *build(int which, const char *value, const char *extra)
{
	size_t cap = 4096;
	char *s = malloc(cap);
	size_t n = 0;
	int first = 1;

	if (s == NULL)
		abort();
	n += (size_t)snprintf(s + n, cap - n, "{");
	for (int i = 0; i < 10; i++) {
		const char *v = i == which ? value : values[i];

		if (v == NULL)
			continue;
		n += (size_t)snprintf(s + n, cap - n, "%s\"%s\":%s", first ? "" : ",", names[i], v);
		first = 0;
	}
	if (extra)
		n += (size_t)snprintf(s + n, cap - n, "%s%s", first ? "" : ",", extra);
	snprintf(s + n, cap - n, "}");
	return s;
}

static int parse_str(const char *s, ssp_claim *c, ssp_errmsg *em)
{
	return ssp_claim_from_json(s, strlen(s), c, em);
}

/* Parsing s fails with code and a message that starts with want_prefix (when not NULL);
 * the claim is left untouched. */
static void expect_fail_len(const char *s, size_t len, int code, const char *want_prefix)
{
	ssp_claim c, before;
	ssp_errmsg em;

	memset(&c, 0x5a, sizeof c);
	before = c;
	memset(&em, 0, sizeof em);
	CU_ASSERT_EQUAL(ssp_claim_from_json(s, len, &c, &em), code);
	CU_ASSERT_EQUAL(memcmp(&c, &before, sizeof c), 0);
	CU_ASSERT_NOT_EQUAL(em.msg[0], '\0');
	if (want_prefix && strncmp(em.msg, want_prefix, strlen(want_prefix)) != 0) {
		CU_FAIL("unexpected error message");
		fprintf(stderr, "\n  got \"%s\", want prefix \"%s\"\n", em.msg, want_prefix);
	}
	/* The same without an errmsg. */
	CU_ASSERT_EQUAL(ssp_claim_from_json(s, len, &c, NULL), code);
}

static void expect_fail(const char *s, const char *want_prefix)
{
	expect_fail_len(s, strlen(s), SSP_ERR_PARSE, want_prefix);
}

/* ---- valid input ---- */

static void test_valid_file(void)
{
	size_t len;
	char *text = ssp_cu_slurp("claim_valid.json", &len), *vec, *line, *out = NULL;
	ssp_claim c;
	ssp_errmsg em = { "" };
	uint8_t h[32], want[32];

	CU_ASSERT_EQUAL_FATAL(ssp_claim_from_json(text, len, &c, &em), 0);
	CU_ASSERT_EQUAL(c.seq, 1);
	CU_ASSERT_EQUAL(c.result_id, 7017);
	CU_ASSERT_EQUAL(c.workunit_id, 501);
	CU_ASSERT_EQUAL(c.user_id, 41);
	CU_ASSERT_EQUAL(c.host_id, 11);
	CU_ASSERT_EQUAL(c.credit, 1234656);
	CU_ASSERT_EQUAL(c.granted_at, 1700000060);
	CU_ASSERT_EQUAL(c.project[0], 0xf4);
	CU_ASSERT_EQUAL(c.beneficiary[0], 0x70);
	CU_ASSERT_EQUAL(c.result_digest[31], 0x93);
	/* The parsed claim hashes to cast's struct hash of claim 1. */
	vec = ssp_cu_slurp("eip712_vectors.txt", NULL);
	line = strstr(vec, "\nclaim.1.struct_hash ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	line[21 + 66] = '\0';
	CU_ASSERT_EQUAL_FATAL(ssp_hex_decode_exact(line + 21, want, 32), 0);
	ssp_eip712_claim_hash(&c, h);
	CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	/* Printed in canonical form, whatever the input's order, case and spacing. */
	CU_ASSERT_EQUAL_FATAL(ssp_claim_to_json(&c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, canonical1);
	free(out);
	free(vec);
	free(text);
}

static void test_max_roundtrip(void)
{
	size_t len;
	char *text = ssp_cu_slurp("claim_max.json", &len), *out = NULL;
	ssp_claim c, c2;

	CU_ASSERT_EQUAL_FATAL(ssp_claim_from_json(text, len, &c, NULL), 0);
	CU_ASSERT_EQUAL(c.seq, SSP_CLAIM_JSON_UINT_MAX);
	CU_ASSERT_EQUAL(c.granted_at, 9223372036854775807ULL);
	CU_ASSERT_EQUAL_FATAL(ssp_claim_to_json(&c, &out), 0);
	CU_ASSERT_EQUAL(strlen(out), len);
	CU_ASSERT_EQUAL(memcmp(out, text, len), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_claim_from_json(out, strlen(out), &c2, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(&c, &c2, sizeof c), 0);
	free(out);
	free(text);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_random_roundtrip(void)
{
	int bad = 0;

	for (int it = 0; it < 500; it++) {
		ssp_claim c, c2;
		char *out = NULL;
		uint64_t *u[7];

		memset(&c, 0, sizeof c);
		for (int i = 0; i < 32; i++) {
			c.project[i] = (uint8_t)rnd();
			c.result_digest[i] = (uint8_t)rnd();
		}
		for (int i = 0; i < SSP_ADDR_LEN; i++)
			c.beneficiary[i] = (uint8_t)rnd();
		u[0] = &c.seq; u[1] = &c.result_id; u[2] = &c.workunit_id; u[3] = &c.user_id;
		u[4] = &c.host_id; u[5] = &c.credit; u[6] = &c.granted_at;
		for (int i = 0; i < 7; i++)
			*u[i] = (it % 3 == 0) ? rnd() % 1000 : rnd() >> 1;
		if (ssp_claim_to_json(&c, &out) != 0 ||
		    ssp_claim_from_json(out, strlen(out), &c2, NULL) != 0 ||
		    memcmp(&c, &c2, sizeof c) != 0)
			bad++;
		free(out);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* All-lowercase and all-uppercase addresses carry no checksum and are accepted. */
static void test_address_cases(void)
{
	char *s;
	ssp_claim c;

	s = build(6, "\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\"", NULL);
	CU_ASSERT_EQUAL(parse_str(s, &c, NULL), 0);
	free(s);
	s = build(6, "\"0x70997970C51812DC3A010C7D01B50E0D17DC79C8\"", NULL);
	CU_ASSERT_EQUAL(parse_str(s, &c, NULL), 0);
	CU_ASSERT_EQUAL(c.beneficiary[19], 0xc8);
	free(s);
}

/* Whitespace around and inside is fine; so is exactly the size cap. */
static void test_whitespace_and_cap(void)
{
	char *buf = malloc(SSP_CLAIM_JSON_MAX + 1);
	size_t n = strlen(canonical1);
	ssp_claim c;

	memset(buf, ' ', SSP_CLAIM_JSON_MAX + 1);
	memcpy(buf + 10, canonical1, n);
	buf[SSP_CLAIM_JSON_MAX - 1] = '\n';
	CU_ASSERT_EQUAL(ssp_claim_from_json(buf, SSP_CLAIM_JSON_MAX, &c, NULL), 0);
	expect_fail_len(buf, SSP_CLAIM_JSON_MAX + 1, SSP_ERR_TOO_BIG, "claim JSON of 65537 bytes");
	free(buf);
}

/* ---- every field: missing, unknown, duplicate, wrong type, range, length ---- */

static void test_missing(void)
{
	for (int i = 0; i < 10; i++) {
		char want[64], *s = build(i, NULL, NULL);

		snprintf(want, sizeof want, "field \"%s\": missing", names[i]);
		expect_fail(s, want);
		free(s);
	}
	expect_fail("{}", "field \"project\": missing");
}

static void test_unknown(void)
{
	char *s;
	ssp_errmsg em;
	ssp_claim c;

	s = build(-1, NULL, "\"foo\":1");
	expect_fail(s, "field \"foo\": unknown field");
	free(s);
	/* Names are case-sensitive: a renamed field is unknown (reported before the missing one). */
	s = build(1, NULL, "\"Seq\":1");
	expect_fail(s, "field \"Seq\": unknown field");
	free(s);
	s = build(3, NULL, "\"workUnitId\":501");
	expect_fail(s, "field \"workUnitId\": unknown field");
	free(s);
	/* A hostile name is shown bounded and printable. */
	s = build(-1, NULL, "\"a\\n\\\"b\\u00e9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":1");
	CU_ASSERT_EQUAL(parse_str(s, &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_STRING_EQUAL(em.msg,
			       "field \"a??b??xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": unknown field");
	free(s);
}

static void test_duplicate(void)
{
	for (int i = 0; i < 10; i++) {
		char extra[128], want[64], *s;

		snprintf(extra, sizeof extra, "\"%s\":%s", names[i], values[i]);
		s = build(-1, NULL, extra);
		snprintf(want, sizeof want, "field \"%s\": duplicate", names[i]);
		expect_fail(s, want);
		free(s);
	}
}

static void test_uint_fields(void)
{
	static const struct {
		const char *v;
		const char *why;
	} bad[] = {
		{ "-1", "negative value" },
		{ "-9223372036854775808", "negative value" },
		{ "1.0", "not an integer" },
		{ "1e3", "not an integer" },
		{ "0.5", "not an integer" },
		{ "\"1\"", "expected an integer, got a string" },
		{ "true", "expected an integer, got true" },
		{ "null", "expected an integer, got null" },
		{ "[1]", "expected an integer, got an array" },
		{ "{\"v\":1}", "expected an integer, got an object" },
		{ "9223372036854775808", "out of range (0..9223372036854775807)" },
		{ "18446744073709551615", "out of range (0..9223372036854775807)" },
		{ "-9223372036854775809", "out of range (0..9223372036854775807)" },
		{ "99999999999999999999999999", "out of range (0..9223372036854775807)" },
	};

	for (int i = 0; i < 10; i++) {
		if (!is_uint[i])
			continue;
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			char want[128], *s = build(i, bad[k].v, NULL);

			snprintf(want, sizeof want, "field \"%s\": %s", names[i], bad[k].why);
			expect_fail(s, want);
			free(s);
		}
		/* 0 and INT64_MAX are accepted. */
		{
			char *s = build(i, "0", NULL);
			ssp_claim c;

			CU_ASSERT_EQUAL(parse_str(s, &c, NULL), 0);
			free(s);
			s = build(i, "9223372036854775807", NULL);
			CU_ASSERT_EQUAL(parse_str(s, &c, NULL), 0);
			free(s);
		}
	}
	/* Oversized numbers elsewhere: the real defect is reported. */
	{
		char *s = build(1, "[9223372036854775808]", NULL);

		expect_fail(s, "field \"seq\": expected an integer, got an array");
		free(s);
		s = build(-1, NULL, "\"foo\":9223372036854775808");
		expect_fail(s, "field \"foo\": unknown field");
		free(s);
		s = build(7, NULL, "\"big\":{\"credit\":9223372036854775808}");
		expect_fail(s, "field \"big\": unknown field");
		free(s);
		s = build(5, NULL, "\"credit\" :\n 99999999999999999999");
		expect_fail(s, "field \"credit\": duplicate");
		free(s);
		s = build(7, "\n  99999999999999999999 ", NULL);
		expect_fail(s, "field \"credit\": out of range");
		free(s);
		s = build(8, "1", "\"x\":1e400");
		expect_fail(s, "JSON error");
		free(s);
	}
	/* The oversized value from the data file names its field. */
	{
		size_t len;
		char *text = ssp_cu_slurp("claim_too_big.json", &len);

		expect_fail_len(text, len, SSP_ERR_PARSE, "field \"credit\": out of range");
		free(text);
	}
}

static void test_bytes32_fields(void)
{
	static const char *const bad[] = {
		"\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd018\"",   /* 63 digits */
		"\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd01820\"", /* 65 */
		"\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd01\"",    /* 62 */
		"\"0xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182f40d\"",
		"\"f40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182\"",     /* no 0x */
		"\"0Xf40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182\"",
		"\"0xg40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd0182\"",
		"\"0x f40df23af7fc371fe186f938201a223744adda66d1bd5bab4e11c5be8ecd018\"",
		"\"0x\"",
		"\"\"",
	};
	static const char *const badtype[] = { "1", "null", "[\"0x00\"]", "true" };

	for (int i = 0; i < 10; i++) {
		if (i != 0 && i != 8)
			continue;
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			char want[128], *s = build(i, bad[k], NULL);

			snprintf(want, sizeof want, "field \"%s\": expected \"0x\" and 64 hex digits", names[i]);
			expect_fail(s, want);
			free(s);
		}
		for (size_t k = 0; k < sizeof badtype / sizeof badtype[0]; k++) {
			char want[128], *s = build(i, badtype[k], NULL);

			snprintf(want, sizeof want, "field \"%s\": expected a string", names[i]);
			expect_fail(s, want);
			free(s);
		}
	}
}

static void test_beneficiary(void)
{
	static const char *const bad[] = {
		"\"0x70997970C51812dc3A010C7d01b50e0d17dc79C\"",   /* 39 digits */
		"\"0x70997970C51812dc3A010C7d01b50e0d17dc79C88\"", /* 41 */
		"\"70997970C51812dc3A010C7d01b50e0d17dc79C8\"",
		"\"0x70997970C51812dc3A010C7d01b50e0d17dc79Cg\"",
		"\"0x0000000000000000000000000000000000000000000000000000000000000001\"",
		"\"\"",
	};
	char *s;

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		s = build(6, bad[k], NULL);
		expect_fail(s, "field \"beneficiary\": expected \"0x\" and 40 hex digits");
		free(s);
	}
	/* One letter's case flipped: a mixed-case address with a wrong checksum. */
	s = build(6, "\"0x70997970c51812dc3A010C7d01b50e0d17dc79C8\"", NULL);
	expect_fail(s, "field \"beneficiary\": bad EIP-55 checksum");
	free(s);
	s = build(6, "\"0x70997970C51812dc3A010C7d01b50e0d17dc79c8\"", NULL);
	expect_fail(s, "field \"beneficiary\": bad EIP-55 checksum");
	free(s);
	s = build(6, "1", NULL);
	expect_fail(s, "field \"beneficiary\": expected a string, got an integer");
	free(s);
}

/* ---- garbage ---- */

static void test_not_object(void)
{
	expect_fail("[]", "claim: expected a JSON object, got an array");
	expect_fail("[{\"seq\":1}]", "claim: expected a JSON object, got an array");
	/* jansson refuses a bare scalar at the top. */
	expect_fail("1", "JSON error");
	expect_fail("\"x\"", "JSON error");
	expect_fail("null", "JSON error");
}

static void test_garbage(void)
{
	static const char *const g[] = {
		"hello", "{", "}", "{\"project\":", "{\"project\"}", "{,}", "{'seq':1}",
		"{\"seq\":1,}", "\xef\xbb\xbf{}", "{\"seq\":01}", "{\"seq\":1}{\"seq\":1}",
		"{\"seq\":0x10}", "{\"seq\":NaN}", "{\"seq\":Infinity}", "{\"seq\":1e99999}",
		"{\"project\":\"\\u0000\"}", "{\"project\":\"\xff\xfe\"}", "{\"seq\":1} x",
	};
	char *s;

	for (size_t k = 0; k < sizeof g / sizeof g[0]; k++)
		expect_fail(g[k], NULL);
	expect_fail_len("", 0, SSP_ERR_PARSE, "empty claim JSON");
	expect_fail("   \n\t ", "JSON error");
	/* Trailing garbage after a valid claim. */
	s = malloc(strlen(canonical1) + 3);
	sprintf(s, "%s x", canonical1);
	expect_fail(s, "JSON error at line 1");
	free(s);
	/* A NUL byte inside the buffer (len covers it). */
	{
		char buf[512];
		size_t n = strlen(canonical1);

		memcpy(buf, canonical1, n);
		buf[n] = '\0';
		buf[n + 1] = ' ';
		expect_fail_len(buf, n + 2, SSP_ERR_PARSE, "JSON error");
		buf[20] = '\0';
		expect_fail_len(buf, n, SSP_ERR_PARSE, "JSON error");
	}
	/* Deep nesting inside a field. */
	{
		size_t depth = 30000, n = 0;
		char *deep = malloc(2 * depth + 32);

		n += (size_t)sprintf(deep, "{\"seq\":");
		memset(deep + n, '[', depth);
		n += depth;
		memset(deep + n, ']', depth);
		n += depth;
		deep[n++] = '}';
		expect_fail_len(deep, n, SSP_ERR_PARSE, NULL);
		free(deep);
	}
}

static void test_binary(void)
{
	unsigned char buf[4096];
	ssp_claim c;
	int bad = 0;

	for (int it = 0; it < 300; it++) {
		size_t n = 1 + rnd() % sizeof buf;

		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rnd();
		if (it % 2)
			buf[0] = '{';
		if (ssp_claim_from_json((const char *)buf, n, &c, NULL) != SSP_ERR_PARSE)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Every proper prefix of the compact claim is refused; the whole is accepted. */
static void test_truncated(void)
{
	size_t n = strlen(canonical1);
	ssp_claim c;
	int bad = 0;

	for (size_t k = 0; k < n; k++) {
		ssp_errmsg em = { "" };

		if (ssp_claim_from_json(canonical1, k, &c, &em) != SSP_ERR_PARSE || em.msg[0] == '\0')
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(ssp_claim_from_json(canonical1, n, &c, NULL), 0);
}

/* Random byte edits of a valid claim never crash; whatever is accepted prints back and
 * parses to the same claim. */
static void test_mutations(void)
{
	size_t n = strlen(canonical1);
	char buf[512];
	int bad = 0, accepted = 0;

	for (int it = 0; it < 3000; it++) {
		ssp_claim c, c2;
		char *out = NULL;
		int edits = 1 + (int)(rnd() % 3), rc;

		memcpy(buf, canonical1, n);
		for (int e = 0; e < edits; e++) {
			static const char alphabet[] = "0123456789abcdefABX\"{}:,-. ";
			size_t at = rnd() % n;

			if (rnd() % 3 == 0)
				buf[at] = (char)(uint8_t)rnd();
			else
				buf[at] = alphabet[rnd() % (sizeof alphabet - 1)];
		}
		rc = ssp_claim_from_json(buf, n, &c, NULL);
		if (rc == 0) {
			accepted++;
			if (ssp_claim_to_json(&c, &out) != 0 || ssp_claim_from_json(out, strlen(out), &c2, NULL) != 0 ||
			    memcmp(&c, &c2, sizeof c) != 0)
				bad++;
			free(out);
		} else if (rc != SSP_ERR_PARSE) {
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(accepted > 0);
}

/* ---- printing ---- */

static void test_to_json_range(void)
{
	size_t len;
	char *text = ssp_cu_slurp("claim_max.json", &len), *out;
	ssp_claim base, c;
	uint64_t *u[7];

	CU_ASSERT_EQUAL_FATAL(ssp_claim_from_json(text, len, &base, NULL), 0);
	for (int i = 0; i < 7; i++) {
		c = base;
		u[0] = &c.seq; u[1] = &c.result_id; u[2] = &c.workunit_id; u[3] = &c.user_id;
		u[4] = &c.host_id; u[5] = &c.credit; u[6] = &c.granted_at;
		*u[i] = SSP_CLAIM_JSON_UINT_MAX + 1;
		out = (char *)1;
		CU_ASSERT_EQUAL(ssp_claim_to_json(&c, &out), SSP_ERR_RANGE);
		CU_ASSERT_PTR_NULL(out);
		*u[i] = UINT64_MAX;
		CU_ASSERT_EQUAL(ssp_claim_to_json(&c, &out), SSP_ERR_RANGE);
	}
	free(text);
}

static void test_obj_api(void)
{
	ssp_claim c, c2;
	json_t *obj = NULL, *arr = json_array();
	ssp_errmsg em;
	const char *key;
	json_t *v;
	int i = 0;

	CU_ASSERT_EQUAL_FATAL(parse_str(canonical1, &c, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_claim_to_json_obj(&c, &obj), 0);
	CU_ASSERT_EQUAL(json_object_size(obj), 10);
	json_object_foreach(obj, key, v) {
		if (i < 10)
			CU_ASSERT_STRING_EQUAL(key, names[i]);
		i++;
	}
	CU_ASSERT_EQUAL(ssp_claim_from_json_obj(obj, &c2, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(&c, &c2, sizeof c), 0);
	json_object_set_new(obj, "signature", json_string("0x00"));
	CU_ASSERT_EQUAL(ssp_claim_from_json_obj(obj, &c2, &em), SSP_ERR_PARSE);
	CU_ASSERT_STRING_EQUAL(em.msg, "field \"signature\": unknown field");
	CU_ASSERT_EQUAL(ssp_claim_from_json_obj(arr, &c2, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_claim_from_json_obj(NULL, &c2, &em), SSP_ERR_INVAL);
	json_decref(obj);
	json_decref(arr);
}

static void test_null_args(void)
{
	ssp_claim c;
	char *out = (char *)1;
	json_t *obj = (json_t *)1;

	CU_ASSERT_EQUAL(ssp_claim_from_json(NULL, 3, &c, NULL), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_claim_from_json(canonical1, strlen(canonical1), NULL, NULL), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_claim_to_json(NULL, &out), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(ssp_claim_to_json(&c, NULL), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_claim_to_json_obj(NULL, &obj), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(obj);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "valid file, canonical print, cast hash", test_valid_file },
		{ "max values round trip byte for byte", test_max_roundtrip },
		{ "random round trips", test_random_roundtrip },
		{ "address all-lower / all-upper", test_address_cases },
		{ "whitespace and size cap", test_whitespace_and_cap },
		{ "each field missing", test_missing },
		{ "unknown fields", test_unknown },
		{ "each field duplicated", test_duplicate },
		{ "uint64 fields: type and range", test_uint_fields },
		{ "bytes32 fields: type and length", test_bytes32_fields },
		{ "beneficiary: form and EIP-55", test_beneficiary },
		{ "not an object", test_not_object },
		{ "garbage", test_garbage },
		{ "binary", test_binary },
		{ "truncated", test_truncated },
		{ "random edits", test_mutations },
		{ "to_json range", test_to_json_range },
		{ "json_t API", test_obj_api },
		{ "NULL arguments", test_null_args },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("claim_json", tests);
}
