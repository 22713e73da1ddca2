/* The audit's worker pool: claims are parsed, hashed and their signatures recovered on worker
 * threads, a chunk of lines at a time. */
#include "export/ssp_audit_int.h"
#include "crypto/ssp_key.h"

#include <stdlib.h>
#include <string.h>

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
