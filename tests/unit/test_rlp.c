/* Suite for lib/ssp_rlp: encodings compared with `cast to-rlp` (tests/data/eth/rlp_vectors.txt),
 * strict decoding, truncated, non-canonical and random input. */
#include "ssp_cu.h"
#include "core/ssp_hex.h"
#include "eth/ssp_rlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hex of vector `name` in tests/data/eth/rlp_vectors.txt decoded into a new buffer. */
static uint8_t *vec(const char *name, size_t *len)
{
	char *text = ssp_cu_slurp("eth/rlp_vectors.txt", NULL), *line, *save = NULL;
	uint8_t *out = NULL;
	size_t nl = strlen(name);

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, name, nl) == 0 && line[nl] == ' ') {
			const char *hex = line + nl + 1;

			out = malloc(strlen(hex) / 2 + 1);
			if (out == NULL || ssp_hex_decode(hex, out, strlen(hex), len) != 0) {
				fprintf(stderr, "bad vector %s\n", name);
				exit(2);
			}
			break;
		}
	}
	free(text);
	if (out == NULL) {
		fprintf(stderr, "no vector %s\n", name);
		exit(2);
	}
	return out;
}

static void pattern(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((31 * i + 7) % 256);
}

/* Takes b's bytes and compares them with vector name. */
static void check(ssp_rlp_buf *b, const char *name)
{
	uint8_t *got, *want;
	size_t glen, wlen;

	CU_ASSERT_EQUAL_FATAL(ssp_rlp_buf_take(b, &got, &glen), 0);
	want = vec(name, &wlen);
	CU_ASSERT_EQUAL(glen, wlen);
	if (glen == wlen)
		CU_ASSERT_EQUAL(memcmp(got, want, wlen), 0);
	if (glen != wlen || memcmp(got, want, wlen) != 0)
		fprintf(stderr, "rlp mismatch for %s\n", name);
	free(got);
	free(want);
}

static void test_strings(void)
{
	static const size_t lens[] = { 55, 56, 1024 };
	static const char *names[] = { "str_55", "str_56", "str_1024" };
	uint8_t big[1024], b;
	ssp_rlp_buf r;

	ssp_rlp_buf_init(&r);
	ssp_rlp_put_bytes(&r, NULL, 0);
	check(&r, "empty_string");
	b = 0x00;
	ssp_rlp_put_bytes(&r, &b, 1);
	check(&r, "byte_00");
	b = 0x7f;
	ssp_rlp_put_bytes(&r, &b, 1);
	check(&r, "byte_7f");
	b = 0x80;
	ssp_rlp_put_bytes(&r, &b, 1);
	check(&r, "byte_80");
	pattern(big, sizeof big);
	for (size_t i = 0; i < 3; i++) {
		ssp_rlp_put_bytes(&r, big, lens[i]);
		check(&r, names[i]);
	}
}

static void test_lists(void)
{
	ssp_rlp_buf r;
	size_t m0, m1, m2;
	uint8_t data[40], b;

	ssp_rlp_buf_init(&r);
	ssp_rlp_list_begin(&r, &m0);
	ssp_rlp_list_end(&r, m0);
	check(&r, "empty_list");

	/* [[],[[]],[[],[[]]]] */
	ssp_rlp_list_begin(&r, &m0);
	ssp_rlp_list_begin(&r, &m1);
	ssp_rlp_list_end(&r, m1);
	ssp_rlp_list_begin(&r, &m1);
	ssp_rlp_list_begin(&r, &m2);
	ssp_rlp_list_end(&r, m2);
	ssp_rlp_list_end(&r, m1);
	ssp_rlp_list_begin(&r, &m1);
	ssp_rlp_list_begin(&r, &m2);
	ssp_rlp_list_end(&r, m2);
	ssp_rlp_list_begin(&r, &m2);
	{
		size_t m3;

		ssp_rlp_list_begin(&r, &m3);
		ssp_rlp_list_end(&r, m3);
	}
	ssp_rlp_list_end(&r, m2);
	ssp_rlp_list_end(&r, m1);
	ssp_rlp_list_end(&r, m0);
	check(&r, "nested_sets");

	/* ["0x01","0x","0x7f","0x80",["0x0102"],[]] */
	ssp_rlp_list_begin(&r, &m0);
	ssp_rlp_put_u64(&r, 1);
	ssp_rlp_put_u64(&r, 0);
	b = 0x7f;
	ssp_rlp_put_bytes(&r, &b, 1);
	ssp_rlp_put_u64(&r, 0x80);
	ssp_rlp_list_begin(&r, &m1);
	ssp_rlp_put_u64(&r, 0x0102);
	ssp_rlp_list_end(&r, m1);
	ssp_rlp_list_begin(&r, &m1);
	ssp_rlp_list_end(&r, m1);
	ssp_rlp_list_end(&r, m0);
	check(&r, "list_mixed");

	/* A list whose payload exceeds 55 bytes takes the long form. */
	pattern(data, sizeof data);
	ssp_rlp_list_begin(&r, &m0);
	ssp_rlp_put_bytes(&r, data, 40);
	ssp_rlp_put_bytes(&r, data, 30);
	ssp_rlp_list_end(&r, m0);
	check(&r, "list_long");
}

static void test_uints(void)
{
	static const uint64_t v[] = { 0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, UINT64_MAX };
	ssp_rlp_buf r;
	ssp_u256 u;
	uint8_t *a, *b;
	size_t m, alen, blen;

	ssp_rlp_buf_init(&r);
	ssp_rlp_list_begin(&r, &m);
	for (size_t i = 0; i < 8; i++)
		ssp_rlp_put_u64(&r, v[i]);
	ssp_rlp_list_end(&r, m);
	check(&r, "uints");

	/* The u256 and big-endian paths encode the same integers identically. */
	ssp_rlp_list_begin(&r, &m);
	for (size_t i = 0; i < 8; i++) {
		memset(&u, 0, sizeof u);
		u.w[0] = v[i];
		ssp_rlp_put_u256(&r, &u);
	}
	ssp_rlp_list_end(&r, m);
	check(&r, "uints");

	ssp_rlp_list_begin(&r, &m);
	for (size_t i = 0; i < 8; i++) {
		uint8_t be[12] = { 0 };

		ssp_be64_put(be + 4, v[i]);
		ssp_rlp_put_uint_be(&r, be, sizeof be);
	}
	ssp_rlp_list_end(&r, m);
	check(&r, "uints");

	/* A 256-bit value with the top bit set is 33 bytes: 0xa0 + 32. */
	memset(&u, 0xff, sizeof u);
	ssp_rlp_put_u256(&r, &u);
	CU_ASSERT_EQUAL(ssp_rlp_buf_take(&r, &a, &alen), 0);
	CU_ASSERT_EQUAL(alen, 33);
	CU_ASSERT_EQUAL(a[0], 0xa0);
	CU_ASSERT_EQUAL(a[32], 0xff);
	free(a);
	/* Empty buffers are handed over as a valid pointer of length 0. */
	CU_ASSERT_EQUAL(ssp_rlp_buf_take(&r, &b, &blen), 0);
	CU_ASSERT_PTR_NOT_NULL(b);
	CU_ASSERT_EQUAL(blen, 0);
	free(b);
}

/* Re-encodes a decoded item (recursively) into r. Returns 0 or the decode error. */
static int reencode(const ssp_rlp_item *it, ssp_rlp_buf *r, int depth)
{
	const uint8_t *p, *end;
	ssp_rlp_item sub;
	size_t m;
	int rc;

	if (!it->list)
		return ssp_rlp_put_bytes(r, it->data, it->len);
	if (depth > 64)
		return SSP_ERR_TOO_BIG;
	ssp_rlp_list_begin(r, &m);
	p = it->data;
	end = it->data + it->len;
	while ((rc = ssp_rlp_next(&p, end, &sub, NULL)) == 0)
		if ((rc = reencode(&sub, r, depth + 1)) != 0)
			return rc;
	if (rc != SSP_ERR_NOT_FOUND)
		return rc;
	return ssp_rlp_list_end(r, m);
}

static void test_decode_roundtrip(void)
{
	static const char *names[] = {
		"empty_string", "byte_00", "byte_7f", "byte_80", "str_55", "str_56", "str_1024",
		"empty_list", "nested_sets", "list_mixed", "list_long", "uints",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len, glen;
		uint8_t *in = vec(names[i], &len), *got;
		ssp_rlp_item it;
		ssp_rlp_buf r;
		ssp_errmsg em;

		CU_ASSERT_EQUAL_FATAL(ssp_rlp_decode_one(in, len, &it, &em), 0);
		ssp_rlp_buf_init(&r);
		CU_ASSERT_EQUAL(reencode(&it, &r, 0), 0);
		CU_ASSERT_EQUAL(ssp_rlp_buf_take(&r, &got, &glen), 0);
		CU_ASSERT_EQUAL(glen, len);
		CU_ASSERT_EQUAL(memcmp(got, in, len), 0);
		free(got);
		/* Every strict prefix is truncated: never a valid single item. */
		for (size_t cut = 0; cut < len; cut++) {
			int rc = ssp_rlp_decode_one(in, cut, &it, &em);

			CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
			if (rc != SSP_ERR_PARSE)
				break;
		}
		free(in);
	}
}

static void test_decode_structure(void)
{
	size_t len;
	uint8_t *in = vec("list_mixed", &len);
	ssp_rlp_item top, f;
	const uint8_t *p, *end;
	uint64_t v = 99;

	CU_ASSERT_EQUAL_FATAL(ssp_rlp_decode_one(in, len, &top, NULL), 0);
	CU_ASSERT_TRUE(top.list);
	p = top.data;
	end = top.data + top.len;
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_EQUAL(ssp_rlp_item_u64(&f, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_EQUAL(ssp_rlp_item_u64(&f, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_EQUAL(ssp_rlp_item_u64(&f, &v), 0);
	CU_ASSERT_EQUAL(v, 0x80);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_TRUE(f.list);
	CU_ASSERT_EQUAL(ssp_rlp_item_u64(&f, &v), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), 0);
	CU_ASSERT_TRUE(f.list);
	CU_ASSERT_EQUAL(f.len, 0);
	CU_ASSERT_EQUAL(ssp_rlp_next(&p, end, &f, NULL), SSP_ERR_NOT_FOUND);
	free(in);
}

static void test_noncanonical(void)
{
	static const struct {
		const char *hex;
		const char *why;
	} bad[] = {
		{ "8100", "single byte in long form" },
		{ "817f", "single byte in long form" },
		{ "b800", "long form for 0 bytes" },
		{ "b837" "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "long form for 55 bytes" },
		{ "b90038", "length with leading zero" },
		{ "c1", "truncated list" },
		{ "82ff", "truncated string" },
		{ "b9", "truncated length" },
		{ "f8", "truncated list length" },
		{ "bc0000000001", "length of 5 bytes" },
		{ "8000", "trailing byte" },
		{ "c0c0", "trailing list" },
		{ "", "empty" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t in[64];
		size_t len;
		ssp_rlp_item it;
		ssp_errmsg em = { { 0 } };

		CU_ASSERT_EQUAL_FATAL(ssp_hex_decode(bad[i].hex, in, sizeof in, &len), 0);
		CU_ASSERT_EQUAL(ssp_rlp_decode_one(in, len, &it, &em), SSP_ERR_PARSE);
		CU_ASSERT_NOT_EQUAL(em.msg[0], '\0');
	}
}

static void test_item_uint(void)
{
	static const struct {
		const char *hex;
		int rc64;
		int rc256;
	} cases[] = {
		{ "80", 0, 0 },
		{ "00", SSP_ERR_PARSE, SSP_ERR_PARSE },     /* integer zero is the empty string */
		{ "820001", SSP_ERR_PARSE, SSP_ERR_PARSE }, /* leading zero byte */
		{ "88ffffffffffffffff", 0, 0 },
		{ "89010000000000000000", SSP_ERR_RANGE, 0 },
		{ "a1010000000000000000000000000000000000000000000000000000000000000000", SSP_ERR_RANGE, SSP_ERR_RANGE },
		{ "c0", SSP_ERR_PARSE, SSP_ERR_PARSE },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t in[64];
		size_t len;
		ssp_rlp_item it;
		uint64_t v;
		ssp_u256 u;

		CU_ASSERT_EQUAL_FATAL(ssp_hex_decode(cases[i].hex, in, sizeof in, &len), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_rlp_decode_one(in, len, &it, NULL), 0);
		CU_ASSERT_EQUAL(ssp_rlp_item_u64(&it, &v), cases[i].rc64);
		CU_ASSERT_EQUAL(ssp_rlp_item_u256(&it, &u), cases[i].rc256);
		if (i == 4) {
			CU_ASSERT_EQUAL(u.w[1], 1);
			CU_ASSERT_EQUAL(u.w[0], 0);
		}
	}
}

static void test_sticky_error(void)
{
	ssp_rlp_buf r;
	uint8_t b = 1, *out;
	size_t len, m;

	ssp_rlp_buf_init(&r);
	CU_ASSERT_EQUAL(ssp_rlp_put_u64(&r, 5), 0);
	/* Past the size cap: refused before any read of the (unused) pointer. */
	CU_ASSERT_EQUAL(ssp_rlp_put_bytes(&r, &b, (size_t)SSP_RLP_MAX + 1), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_rlp_put_u64(&r, 6), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_rlp_list_begin(&r, &m), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_rlp_buf_take(&r, &out, &len), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(out);
	/* A mark beyond the buffer is a caller error. */
	ssp_rlp_put_u64(&r, 1);
	CU_ASSERT_EQUAL(ssp_rlp_list_end(&r, 99), SSP_ERR_INVAL);
	ssp_rlp_buf_clear(&r);
	CU_ASSERT_EQUAL(r.len, 0);
	CU_ASSERT_EQUAL(r.err, 0);
}

/* Random bytes: the decoder either fails cleanly or yields items inside the input. */
static void test_random(void)
{
	uint64_t s = 0x243f6a8885a308d3ULL;
	uint8_t in[200];

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(iter % 200);
		ssp_rlp_item it;
		ssp_rlp_buf r;

		for (size_t i = 0; i < len; i++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			in[i] = (uint8_t)(s >> 56);
		}
		/* Bias towards list and long-form headers. */
		if (len > 0)
			in[0] = (uint8_t)(0xb0 + (iter % 0x50));
		if (ssp_rlp_decode_one(in, len, &it, NULL) == 0) {
			CU_ASSERT_TRUE(it.data >= in && it.data + it.len <= in + len);
			ssp_rlp_buf_init(&r);
			reencode(&it, &r, 0);
			ssp_rlp_buf_clear(&r);
		}
	}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "strings vs cast", test_strings },
		{ "lists vs cast", test_lists },
		{ "integers vs cast", test_uints },
		{ "decode round trip and truncation", test_decode_roundtrip },
		{ "decode structure", test_decode_structure },
		{ "non-canonical input rejected", test_noncanonical },
		{ "integer items", test_item_uint },
		{ "sticky error and size cap", test_sticky_error },
		{ "random input", test_random },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("rlp", tests);
}
