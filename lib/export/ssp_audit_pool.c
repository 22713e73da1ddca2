/* The audit's containers (a uint64 set, per-user sums) and its worker pool: claims are parsed,
 * hashed and their signatures recovered on worker threads, a chunk of lines at a time. */
#include "export/ssp_audit_int.h"
#include "crypto/ssp_key.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Inserts k: 1 when new, 0 when present, SSP_ERR_NOMEM. k < UINT64_MAX. */
int ssp_aud_u64set_add(struct u64set *s, uint64_t k)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024;
		uint64_t *ns = calloc(nc, sizeof *ns);

		if (ns == NULL)
			return SSP_ERR_NOMEM;
		for (size_t j = 0; j < s->cap; j++)
			if (s->slot[j] != 0) {
				for (i = mix(s->slot[j]) & (nc - 1); ns[i] != 0; i = (i + 1) & (nc - 1))
					;
				ns[i] = s->slot[j];
			}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	for (i = mix(k + 1) & (s->cap - 1); s->slot[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == k + 1)
			return 0;
	s->slot[i] = k + 1;
	s->n++;
	return 1;
}

struct user *ssp_aud_usermap_get(struct usermap *m, uint64_t id)
{
	size_t i;

	if (m->n * 2 >= m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024;
		struct user *ns = calloc(nc, sizeof *ns);

		if (ns == NULL)
			return NULL;
		for (size_t j = 0; j < m->cap; j++)
			if (m->slot[j].id1 != 0) {
				for (i = mix(m->slot[j].id1) & (nc - 1); ns[i].id1 != 0; i = (i + 1) & (nc - 1))
					;
				ns[i] = m->slot[j];
			}
		free(m->slot);
		m->slot = ns;
		m->cap = nc;
	}
	for (i = mix(id + 1) & (m->cap - 1); m->slot[i].id1 != 0; i = (i + 1) & (m->cap - 1))
		if (m->slot[i].id1 == id + 1)
			return &m->slot[i];
	m->slot[i].id1 = id + 1;
	m->n++;
	return &m->slot[i];
}

static void process_item(const struct pool *p, const struct chunk *c, struct item *it)
{
	uint8_t digest[32];

	memset(&it->em, 0, sizeof it->em);
	it->parse_rc = ssp_export_claim_parse(c->text + it->off, it->len, &it->ec, &it->em);
	if (it->parse_rc != 0)
		return;
	ssp_eip712_claim_hash(&it->ec.claim, it->leaf);
	ssp_eip712_digest(p->domsep, it->leaf, digest);
	it->sig_rc = ssp_recover(digest, it->ec.sig, it->signer);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	uint64_t seen = 0;

	for (;;) {
		struct chunk *c;

		pthread_mutex_lock(&p->mu);
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		seen = p->gen;
		c = p->job;
		pthread_mutex_unlock(&p->mu);
		for (;;) {
			size_t i = __atomic_fetch_add(&c->next, GRAB, __ATOMIC_RELAXED);

			if (i >= c->n)
				break;
			for (size_t k = i; k < i + GRAB && k < c->n; k++)
				process_item(p, c, &c->items[k]);
		}
		pthread_mutex_lock(&p->mu);
		if (++c->finished == p->nthreads)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
}

int ssp_aud_pool_start(struct pool *p, unsigned n)
{
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return SSP_ERR_NOMEM;
	if (pthread_cond_init(&p->work, NULL) != 0 || pthread_cond_init(&p->done, NULL) != 0)
		return SSP_ERR_NOMEM;
	p->nthreads = n;
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
			p->nthreads = i;
			return SSP_ERR_NOMEM;
		}
		p->started = i + 1;
	}
	return 0;
}

void ssp_aud_pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
}

/* Hands c to the workers. */
void ssp_aud_pool_submit(struct pool *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mu);
	c->next = 0;
	c->finished = 0;
	p->job = c;
	p->gen++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* Waits until every worker is done with c. */
void ssp_aud_pool_wait(struct pool *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mu);
	while (c->finished < p->nthreads)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}
