/* Suite for lib/core/ssp_u64map: checked against a plain sorted array of the same keys. */
#include "core/ssp_u64map.h"
#include "core/ssp_err.h"
#include "ssp_cu.h"

#include <stdlib.h>
#include <string.h>

struct rec {
	uint64_t key_copy;
	uint32_t hits;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* xorshift64*: reproducible keys, with every bit pattern possible. */
static uint64_t next_key(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void test_against_array(void)
{
	enum { N = 50000 };
	uint64_t *keys = malloc(2 * N * sizeof *keys), seed = 42, k;
	size_t nkeys = 0, pos = 0, seen = 0, distinct = 0;
	ssp_u64map *m = NULL;
	struct rec *r;
	void *v;
	int created;

	CU_ASSERT_PTR_NOT_NULL_FATAL(keys);
	CU_ASSERT_EQUAL_FATAL(ssp_u64map_new(sizeof(struct rec), &m), 0);
	CU_ASSERT_PTR_NULL(ssp_u64map_get(m, 0));
	/* 0 and UINT64_MAX are keys like any other; small keys repeat often */
	keys[nkeys++] = 0;
	keys[nkeys++] = UINT64_MAX;
	for (int i = 0; i < N; i++)
		keys[nkeys++] = (i % 3 == 0) ? (uint64_t)(i % 1000) : next_key(&seed);
	for (size_t i = 0; i < nkeys; i++) {
		r = ssp_u64map_upsert(m, keys[i], &created);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		if (created) {
			CU_ASSERT_EQUAL(r->hits, 0); /* zero-filled */
			r->key_copy = keys[i];
		}
		CU_ASSERT_EQUAL(r->key_copy, keys[i]);
		r->hits++;
	}
	qsort(keys, nkeys, sizeof *keys, cmp_u64);
	for (size_t i = 0; i < nkeys; i++)
		distinct += (i == 0 || keys[i] != keys[i - 1]);
	CU_ASSERT_EQUAL(ssp_u64map_count(m), distinct);
	/* every key's count of hits is its multiplicity in the array */
	for (size_t i = 0, j; i < nkeys; i = j) {
		for (j = i; j < nkeys && keys[j] == keys[i]; j++)
			;
		r = ssp_u64map_get(m, keys[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->hits, j - i);
	}
	/* iteration visits each key once */
	while (ssp_u64map_next(m, &pos, &k, &v)) {
		CU_ASSERT_PTR_NOT_NULL(bsearch(&k, keys, nkeys, sizeof *keys, cmp_u64));
		CU_ASSERT_EQUAL(((struct rec *)v)->key_copy, k);
		seen++;
	}
	CU_ASSERT_EQUAL(seen, distinct);
	/* absent keys */
	for (int i = 0; i < 1000; i++) {
		k = next_key(&seed);
		if (bsearch(&k, keys, nkeys, sizeof *keys, cmp_u64) == NULL)
			CU_ASSERT_PTR_NULL(ssp_u64map_get(m, k));
	}
	ssp_u64map_free(m);
	ssp_u64map_free(NULL);
	free(keys);
}

static void test_set(void)
{
	ssp_u64map *s = NULL;
	int created = -1;

	CU_ASSERT_EQUAL_FATAL(ssp_u64map_new(0, &s), 0);
	CU_ASSERT_PTR_NOT_NULL(ssp_u64map_upsert(s, 7, &created));
	CU_ASSERT_EQUAL(created, 1);
	CU_ASSERT_PTR_NOT_NULL(ssp_u64map_upsert(s, 7, &created));
	CU_ASSERT_EQUAL(created, 0);
	CU_ASSERT_PTR_NOT_NULL(ssp_u64map_get(s, 7));
	CU_ASSERT_PTR_NULL(ssp_u64map_get(s, 8));
	CU_ASSERT_EQUAL(ssp_u64map_count(s), 1);
	ssp_u64map_free(s);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "50,000 keys against a sorted array", test_against_array },
		{ "a set (no values)", test_set },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("u64map", tests);
}
