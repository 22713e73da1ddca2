/* Suite for lib/ssp_u256: conversions and arithmetic checked against foundry's cast
 * (tests/data/u256_vectors.txt), overflow reporting and garbage input. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_u256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 64

struct vec {
	char kind[8];
	char a[90];
	char b[100];
};

static struct vec vecs[MAXV];
static size_t nvecs;
static char max_dec[90];

static void load(void)
{
	char *text = ssp_cu_slurp("u256_vectors.txt", NULL), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct vec v;
		int n;

		if (line[0] == '#')
			continue;
		memset(&v, 0, sizeof v);
		n = sscanf(line, "%7s %89s %99s", v.kind, v.a, v.b);
		if (strcmp(v.kind, "max") == 0 && n == 2) {
			memcpy(max_dec, v.a, sizeof max_dec);
		} else if (n == 3 && nvecs < MAXV) {
			vecs[nvecs++] = v;
		} else {
			fprintf(stderr, "bad u256 vector: %s\n", line);
			exit(2);
		}
	}
	free(text);
}

static void u(ssp_u256 *r, uint64_t w3, uint64_t w2, uint64_t w1, uint64_t w0)
{
	r->w[0] = w0;
	r->w[1] = w1;
	r->w[2] = w2;
	r->w[3] = w3;
}

static void test_max(void)
{
	ssp_u256 x, m;
	char dec[SSP_U256_DEC_MAX], hex[SSP_U256_HEX_MAX];

	u(&m, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CU_ASSERT_EQUAL_FATAL(strlen(max_dec), 78);
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&x, max_dec), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &m), 0);
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&m, dec), max_dec);
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_hex(&m, hex),
			       "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
}

static void test_dec_hex_vectors(void)
{
	size_t seen = 0;

	for (size_t i = 0; i < nvecs; i++) {
		const struct vec *v = &vecs[i];
		const char *dec, *hexs;
		ssp_u256 x, y;
		char d[SSP_U256_DEC_MAX], h[SSP_U256_HEX_MAX];

		if (strcmp(v->kind, "dec") == 0) {
			dec = v->a;
			hexs = v->b;
		} else if (strcmp(v->kind, "hex") == 0) {
			hexs = v->a;
			dec = v->b;
		} else {
			continue;
		}
		seen++;
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_dec(&x, dec), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_hex(&y, hexs), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &y), 0);
		CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&x, d), dec);
		if (strcmp(v->kind, "dec") == 0) /* cast to-hex prints the minimal form */
			CU_ASSERT_STRING_EQUAL(ssp_u256_to_hex(&x, h), hexs);
		/* Without the 0x prefix too. */
		CU_ASSERT_EQUAL(ssp_u256_from_hex(&y, hexs + 2), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &y), 0);
	}
	CU_ASSERT_TRUE(seen >= 20);
}

static void test_points(void)
{
	ssp_u256 x, y;
	char d[SSP_U256_DEC_MAX], h[SSP_U256_HEX_MAX];
	uint64_t v;

	ssp_u256_from_u64(&x, 0);
	CU_ASSERT_TRUE(ssp_u256_is_zero(&x));
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&x, d), "0");
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_hex(&x, h), "0x0");
	ssp_u256_from_u64(&x, UINT64_MAX);
	CU_ASSERT_FALSE(ssp_u256_is_zero(&x));
	CU_ASSERT_EQUAL(ssp_u256_to_u64(&x, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	u(&y, 0, 0, 1, 0); /* 2^64 */
	CU_ASSERT_EQUAL(ssp_u256_to_u64(&y, &v), SSP_ERR_RANGE);
	u(&y, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(ssp_u256_to_u64(&y, &v), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &y), -1);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&y, &x), 1);
	/* The high limb dominates the comparison. */
	u(&x, 0, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &y), -1);
}

static void test_shl_vectors(void)
{
	size_t seen = 0;

	for (size_t i = 0; i < nvecs; i++) {
		ssp_u256 want, x;
		int n;

		if (strcmp(vecs[i].kind, "shl") != 0)
			continue;
		seen++;
		n = atoi(vecs[i].a);
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_hex(&want, vecs[i].b), 0);
		/* 2^n by repeated doubling through add, and through mul_u64. */
		ssp_u256_from_u64(&x, 1);
		for (int k = 0; k < n; k++)
			CU_ASSERT_EQUAL(ssp_u256_add(&x, &x, &x), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &want), 0);
		ssp_u256_from_u64(&x, 1);
		for (int k = 0; k < n; k++)
			CU_ASSERT_EQUAL(ssp_u256_mul_u64(&x, &x, 2), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &want), 0);
	}
	CU_ASSERT_EQUAL(seen, 8);
}

static void test_wei_vectors(void)
{
	size_t seen = 0;

	for (size_t i = 0; i < nvecs; i++) {
		const struct vec *v = &vecs[i];
		ssp_u256 a, p, want, q;
		uint64_t rem;

		if (strcmp(v->kind, "wei") != 0)
			continue;
		seen++;
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_dec(&a, v->a), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_dec(&want, v->b), 0);
		CU_ASSERT_EQUAL(ssp_u256_mul_u64(&p, &a, 1000000000000000000ull), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&p, &want), 0);
		CU_ASSERT_EQUAL(ssp_u256_divmod_u64(&q, &want, 1000000000000000000ull, &rem), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&q, &a), 0);
		CU_ASSERT_EQUAL(rem, 0);
	}
	CU_ASSERT_EQUAL(seen, 6);
}

static void test_fromwei_vectors(void)
{
	size_t seen = 0;

	for (size_t i = 0; i < nvecs; i++) {
		const struct vec *v = &vecs[i];
		ssp_u256 x, q, want_q;
		uint64_t rem;
		char qs[100], *dot = strchr(v->b, '.'), remtxt[32];

		if (strcmp(v->kind, "fromwei") != 0)
			continue;
		seen++;
		CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
		memcpy(qs, v->b, (size_t)(dot - v->b));
		qs[dot - v->b] = '\0';
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_dec(&x, v->a), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_u256_from_dec(&want_q, qs), 0);
		CU_ASSERT_EQUAL(ssp_u256_divmod_u64(&q, &x, 1000000000000000000ull, &rem), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&q, &want_q), 0);
		snprintf(remtxt, sizeof remtxt, "%018llu", (unsigned long long)rem);
		CU_ASSERT_STRING_EQUAL(remtxt, dot + 1);
	}
	CU_ASSERT_EQUAL(seen, 5);
}

static void test_add_sub(void)
{
	ssp_u256 a, b, r, m, one, want;

	ssp_u256_from_u64(&one, 1);
	u(&m, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	/* 2^64-1 + 1 = 2^64 (carry across a limb) */
	ssp_u256_from_u64(&a, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&want, "18446744073709551616"), 0);
	CU_ASSERT_EQUAL(ssp_u256_add(&r, &a, &one), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &want), 0);
	CU_ASSERT_EQUAL(ssp_u256_sub(&r, &r, &one), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &a), 0);
	/* max + 1 overflows and wraps to 0 */
	CU_ASSERT_EQUAL(ssp_u256_add(&r, &m, &one), SSP_ERR_RANGE);
	CU_ASSERT_TRUE(ssp_u256_is_zero(&r));
	CU_ASSERT_EQUAL(ssp_u256_add(&r, &m, &m), SSP_ERR_RANGE);
	/* max + 0 does not */
	ssp_u256_from_u64(&b, 0);
	CU_ASSERT_EQUAL(ssp_u256_add(&r, &m, &b), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &m), 0);
	/* 0 - 1 is refused; max - max = 0; 2^64 - 1 borrows across a limb */
	CU_ASSERT_EQUAL(ssp_u256_sub(&r, &b, &one), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_u256_sub(&r, &m, &m), 0);
	CU_ASSERT_TRUE(ssp_u256_is_zero(&r));
	CU_ASSERT_EQUAL(ssp_u256_sub(&r, &want, &one), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &a), 0);
	/* 2^255 - 1 has every bit below 255 set */
	u(&a, 1ull << 63, 0, 0, 0);
	CU_ASSERT_EQUAL(ssp_u256_sub(&r, &a, &one), 0);
	u(&want, UINT64_MAX >> 1, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &want), 0);
}

static void test_mul_overflow(void)
{
	ssp_u256 a, r, m;

	u(&m, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &m, 1), 0);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &m, 2), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &m, 0), 0);
	CU_ASSERT_TRUE(ssp_u256_is_zero(&r));
	/* One past the largest multiple of 10^18 that fits (cast to-wei wraps there). */
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&a, "115792089237316195423570985008687907853269984665640564039458"), 0);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &a, 1000000000000000000ull), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&a, "115792089237316195423570985008687907853269984665640564039457"), 0);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &a, 1000000000000000000ull), 0);
	/* 2^255 * 2 overflows */
	u(&a, 1ull << 63, 0, 0, 0);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&r, &a, 2), SSP_ERR_RANGE);
}

static void test_divmod(void)
{
	ssp_u256 a, q, back, remv;
	uint64_t rem;

	ssp_u256_from_u64(&a, 7);
	CU_ASSERT_EQUAL(ssp_u256_divmod_u64(&q, &a, 0, &rem), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_u256_divmod_u64(&q, &a, 2, NULL), 0);
	CU_ASSERT_EQUAL(q.w[0], 3);
	/* max = q * d + r for an odd divisor; rebuild it */
	u(&a, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_u256_divmod_u64(&q, &a, 0xfffffffbull, &rem), 0);
	CU_ASSERT_TRUE(rem < 0xfffffffbull);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&back, &q, 0xfffffffbull), 0);
	ssp_u256_from_u64(&remv, rem);
	CU_ASSERT_EQUAL(ssp_u256_add(&back, &back, &remv), 0);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&back, &a), 0);
}

static void test_be(void)
{
	ssp_u256 x, y;
	uint8_t be[32];

	CU_ASSERT_EQUAL(ssp_u256_from_hex(&x, "0xdeadbeefcafebabe0123456789abcdef00112233445566778899aabbccddeeff"), 0);
	ssp_u256_to_be(&x, be);
	CU_ASSERT_EQUAL(be[0], 0xde);
	CU_ASSERT_EQUAL(be[7], 0xbe);
	CU_ASSERT_EQUAL(be[8], 0x01);
	CU_ASSERT_EQUAL(be[31], 0xff);
	ssp_u256_from_be(&y, be);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&x, &y), 0);
	ssp_u256_from_u64(&x, 0x0102);
	ssp_u256_to_be(&x, be);
	CU_ASSERT_EQUAL(be[30], 0x01);
	CU_ASSERT_EQUAL(be[31], 0x02);
	CU_ASSERT_EQUAL(be[0], 0);
}

static void test_dec_garbage(void)
{
	static const struct { const char *s; int rc; } cases[] = {
		{ "", SSP_ERR_PARSE },
		{ "-1", SSP_ERR_PARSE },
		{ "+1", SSP_ERR_PARSE },
		{ "1e3", SSP_ERR_PARSE },
		{ "1.0", SSP_ERR_PARSE },
		{ "0x10", SSP_ERR_PARSE },
		{ " 1", SSP_ERR_PARSE },
		{ "1 ", SSP_ERR_PARSE },
		{ "1 2", SSP_ERR_PARSE },
		{ "12\n", SSP_ERR_PARSE },
		{ "\xd9\xa1", SSP_ERR_PARSE },      /* ARABIC-INDIC DIGIT ONE */
		{ "1\xef\xbc\x91", SSP_ERR_PARSE }, /* FULLWIDTH DIGIT ONE */
		{ "abc", SSP_ERR_PARSE },
		/* 2^256 = max + 1 */
		{ "115792089237316195423570985008687907853269984665640564039457584007913129639936", SSP_ERR_RANGE },
		{ "999999999999999999999999999999999999999999999999999999999999999999999999999999", SSP_ERR_RANGE },
		/* 79 digits */
		{ "1157920892373161954235709850086879078532699846656405640394575840079131296399350", SSP_ERR_RANGE },
		/* 79 digits with garbage is malformed first */
		{ "115792089237316195423570985008687907853269984665640564039457584007913129639935x", SSP_ERR_PARSE },
	};
	ssp_u256 x;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		u(&x, 5, 5, 5, 5);
		CU_ASSERT_EQUAL(ssp_u256_from_dec(&x, cases[i].s), cases[i].rc);
		CU_ASSERT_EQUAL(x.w[0], 5); /* untouched on failure */
	}
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&x, NULL), SSP_ERR_PARSE);
	/* Leading zeros within 78 digits are fine. */
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&x, "007"), 0);
	CU_ASSERT_EQUAL(x.w[0], 7);
}

static void test_hex_garbage(void)
{
	static const struct { const char *s; int rc; } cases[] = {
		{ "", SSP_ERR_PARSE },
		{ "0x", SSP_ERR_PARSE },
		{ "0X", SSP_ERR_PARSE },
		{ "x1", SSP_ERR_PARSE },
		{ "-0x1", SSP_ERR_PARSE },
		{ "0x-1", SSP_ERR_PARSE },
		{ "0xg", SSP_ERR_PARSE },
		{ "0x 1", SSP_ERR_PARSE },
		{ "0x1 ", SSP_ERR_PARSE },
		{ "0x0x1", SSP_ERR_PARSE },
		{ "0x\xc3\xa9", SSP_ERR_PARSE },
		/* 65 digits: 2^256 */
		{ "0x10000000000000000000000000000000000000000000000000000000000000000", SSP_ERR_RANGE },
		{ "0x00000000000000000000000000000000000000000000000000000000000000001", SSP_ERR_RANGE },
	};
	ssp_u256 x;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		u(&x, 5, 5, 5, 5);
		CU_ASSERT_EQUAL(ssp_u256_from_hex(&x, cases[i].s), cases[i].rc);
		CU_ASSERT_EQUAL(x.w[0], 5);
	}
	CU_ASSERT_EQUAL(ssp_u256_from_hex(&x, NULL), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_u256_from_hex(&x, "0XAbC"), 0);
	CU_ASSERT_EQUAL(x.w[0], 0xabc);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "cast max-uint", test_max },
		{ "cast to-dec/to-hex round trips", test_dec_hex_vectors },
		{ "0, 2^64-1, 2^64, cmp", test_points },
		{ "cast shl: doubling", test_shl_vectors },
		{ "cast to-wei: mul/div by 1e18", test_wei_vectors },
		{ "cast from-wei: divmod by 1e18", test_fromwei_vectors },
		{ "add/sub carries and overflow", test_add_sub },
		{ "mul overflow", test_mul_overflow },
		{ "divmod", test_divmod },
		{ "big-endian", test_be },
		{ "decimal garbage", test_dec_garbage },
		{ "hex garbage", test_hex_garbage },
		CU_TEST_INFO_NULL,
	};

	load();
	return ssp_cu_run("u256", tests);
}
