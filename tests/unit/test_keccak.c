/* Suite for lib/ssp_keccak: known answers from foundry's `cast keccak`
 * (tests/data/keccak_vectors.txt) and incremental-update equivalence. */
#include "ssp_cu.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IN 4096

struct vec {
	uint8_t in[MAX_IN];
	size_t len;
	uint8_t digest[32];
};

static struct vec *vecs;
static size_t nvecs;

/* Loads every vector line once; a malformed line aborts the program (bad test data). */
static void load_vectors(void)
{
	char *text, *line, *save = NULL;

	if (vecs != NULL)
		return;
	text = ssp_cu_slurp("keccak_vectors.txt", NULL);
	vecs = calloc(64, sizeof *vecs);
	if (vecs == NULL)
		abort();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		struct vec *v;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sp == NULL || nvecs == 64) {
			fprintf(stderr, "bad keccak vector line\n");
			exit(2);
		}
		*sp = '\0';
		v = &vecs[nvecs++];
		if (strcmp(line, "-") == 0)
			v->len = 0;
		else if (ssp_hex_decode(line, v->in, sizeof v->in, &v->len) != 0)
			exit(2);
		if (ssp_hex_decode_exact(sp + 1, v->digest, 32) != 0)
			exit(2);
	}
	free(text);
}

static const struct vec *find_len(size_t len)
{
	for (size_t i = 0; i < nvecs; i++)
		if (vecs[i].len == len)
			return &vecs[i];
	return NULL;
}

static void test_empty(void)
{
	uint8_t out[32], want[32];

	/* The well-known keccak256("") (not SHA3-256's a7ffc6f8...). */
	CU_ASSERT_EQUAL_FATAL(ssp_hex_decode_exact("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
						   want, 32), 0);
	ssp_keccak256("", 0, out);
	CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);
	ssp_keccak256(NULL, 0, out);
	CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);
}

static void test_abc(void)
{
	const struct vec *v = find_len(3);
	uint8_t out[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(memcmp(v->in, "abc", 3), 0);
	ssp_keccak256("abc", 3, out);
	CU_ASSERT_EQUAL(memcmp(out, v->digest, 32), 0);
}

static void test_rate_boundaries(void)
{
	static const size_t lens[] = { 134, 135, 136, 137, 138, 271, 272, 273 };

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		const struct vec *v = find_len(lens[i]);
		uint8_t out[32];

		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		ssp_keccak256(v->in, v->len, out);
		CU_ASSERT_EQUAL(memcmp(out, v->digest, 32), 0);
	}
}

static void test_all_vectors(void)
{
	CU_ASSERT_TRUE(nvecs >= 20);
	for (size_t i = 0; i < nvecs; i++) {
		uint8_t out[32];

		ssp_keccak256(vecs[i].in, vecs[i].len, out);
		CU_ASSERT_EQUAL(memcmp(out, vecs[i].digest, 32), 0);
		if (memcmp(out, vecs[i].digest, 32) != 0)
			fprintf(stderr, "keccak mismatch at length %zu\n", vecs[i].len);
	}
}

/* Splitting the input at every offset into two updates gives the one-shot digest;
 * so do byte-at-a-time updates and a three-way split around the rate. */
static void test_incremental(void)
{
	for (size_t i = 0; i < nvecs; i++) {
		const struct vec *v = &vecs[i];
		ssp_keccak k;
		uint8_t out[32];
		int bad = 0;

		if (v->len > 600)
			continue;
		for (size_t cut = 0; cut <= v->len; cut++) {
			ssp_keccak_init(&k);
			ssp_keccak_update(&k, v->in, cut);
			ssp_keccak_update(&k, v->in + cut, v->len - cut);
			ssp_keccak_final(&k, out);
			bad |= memcmp(out, v->digest, 32) != 0;
		}
		ssp_keccak_init(&k);
		for (size_t j = 0; j < v->len; j++)
			ssp_keccak_update(&k, v->in + j, 1);
		ssp_keccak_final(&k, out);
		bad |= memcmp(out, v->digest, 32) != 0;
		for (size_t a = 0; a <= v->len && a < 140; a += 7) {
			size_t b = a + (v->len - a) / 2;

			ssp_keccak_init(&k);
			ssp_keccak_update(&k, v->in, a);
			ssp_keccak_update(&k, v->in + a, b - a);
			ssp_keccak_update(&k, v->in + b, v->len - b);
			ssp_keccak_final(&k, out);
			bad |= memcmp(out, v->digest, 32) != 0;
		}
		CU_ASSERT_FALSE(bad);
	}
}

/* final() re-initialises: the same object hashes a second message correctly. */
static void test_reuse_after_final(void)
{
	const struct vec *e = find_len(0), *v = find_len(137);
	ssp_keccak k;
	uint8_t out[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	ssp_keccak_init(&k);
	ssp_keccak_update(&k, v->in, v->len);
	ssp_keccak_final(&k, out);
	CU_ASSERT_EQUAL(memcmp(out, v->digest, 32), 0);
	ssp_keccak_final(&k, out);
	CU_ASSERT_EQUAL(memcmp(out, e->digest, 32), 0);
	ssp_keccak_update(&k, v->in, v->len);
	ssp_keccak_final(&k, out);
	CU_ASSERT_EQUAL(memcmp(out, v->digest, 32), 0);
}

/* A one-bit change in the input changes the digest (the vectors are not trivially equal). */
static void test_distinct(void)
{
	for (size_t i = 0; i < nvecs; i++)
		for (size_t j = i + 1; j < nvecs; j++)
			CU_ASSERT_NOT_EQUAL(memcmp(vecs[i].digest, vecs[j].digest, 32), 0);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "empty", test_empty },
		{ "abc", test_abc },
		{ "rate boundaries 134..273", test_rate_boundaries },
		{ "all cast vectors", test_all_vectors },
		{ "incremental splits", test_incremental },
		{ "reuse after final", test_reuse_after_final },
		{ "distinct digests", test_distinct },
		CU_TEST_INFO_NULL,
	};
	int rc;

	load_vectors();
	rc = ssp_cu_run("keccak", tests);
	free(vecs);
	return rc;
}
