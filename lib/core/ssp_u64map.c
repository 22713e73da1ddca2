/* uint64 hash map (see ssp_u64map.h). */
#include "core/ssp_u64map.h"
#include "core/ssp_err.h"

#include <stdlib.h>
#include <string.h>

struct ssp_u64map {
	uint64_t *keys;
	unsigned char *used;
	unsigned char *vals;
	size_t vsize, cap, n;
};

/* splitmix64's finaliser: every key bit reaches every slot bit. */
static size_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (size_t)x;
}

static size_t find(const ssp_u64map *m, uint64_t key)
{
	size_t i;

	for (i = mix(key) & (m->cap - 1); m->used[i] && m->keys[i] != key; i = (i + 1) & (m->cap - 1))
		;
	return i;
}

int ssp_u64map_new(size_t value_size, ssp_u64map **out)
{
	ssp_u64map *m = calloc(1, sizeof *m);

	*out = NULL;
	if (m == NULL)
		return SSP_ERR_NOMEM;
	m->vsize = value_size;
	*out = m;
	return 0;
}

void ssp_u64map_free(ssp_u64map *m)
{
	if (m == NULL)
		return;
	free(m->keys);
	free(m->used);
	free(m->vals);
	free(m);
}

static int grow(ssp_u64map *m)
{
	ssp_u64map t = *m;
	size_t i;

	t.cap = m->cap ? m->cap * 2 : 64;
	if (t.cap < m->cap || t.cap > SIZE_MAX / (m->vsize ? m->vsize : 1) / 2)
		return SSP_ERR_NOMEM;
	t.keys = calloc(t.cap, sizeof *t.keys);
	t.used = calloc(t.cap, 1);
	t.vals = calloc(t.cap, m->vsize ? m->vsize : 1);
	if (t.keys == NULL || t.used == NULL || t.vals == NULL) {
		free(t.keys);
		free(t.used);
		free(t.vals);
		return SSP_ERR_NOMEM;
	}
	for (size_t j = 0; j < m->cap; j++) {
		if (!m->used[j])
			continue;
		i = find(&t, m->keys[j]);
		t.used[i] = 1;
		t.keys[i] = m->keys[j];
		memcpy(t.vals + i * m->vsize, m->vals + j * m->vsize, m->vsize);
	}
	free(m->keys);
	free(m->used);
	free(m->vals);
	*m = t;
	return 0;
}

void *ssp_u64map_upsert(ssp_u64map *m, uint64_t key, int *created)
{
	size_t i;

	if (created)
		*created = 0;
	if (m->cap) {
		i = find(m, key);
		if (m->used[i])
			return m->vals + i * m->vsize;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return NULL;
	i = find(m, key);
	m->used[i] = 1;
	m->keys[i] = key;
	m->n++;
	if (created)
		*created = 1;
	return m->vals + i * m->vsize;
}

void *ssp_u64map_get(const ssp_u64map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m, key);
	return m->used[i] ? m->vals + i * m->vsize : NULL;
}

size_t ssp_u64map_count(const ssp_u64map *m)
{
	return m->n;
}

int ssp_u64map_next(const ssp_u64map *m, size_t *pos, uint64_t *key, void **value)
{
	for (; *pos < m->cap; (*pos)++)
		if (m->used[*pos]) {
			if (key)
				*key = m->keys[*pos];
			if (value)
				*value = m->vals + *pos * m->vsize;
			(*pos)++;
			return 1;
		}
	return 0;
}
