/* The audit engine: streams the export's batches and claims side by side (both in seq order),
 * parses, hashes and recovers claims on worker threads, and checks everything ssp_audit.h
 * lists against the chain's events. */
#include "export/ssp_audit.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_LINES 4096u
#define GRAB 32u
#define MAX_THREADS 64u

/* ------------------------------------------------------------------ small containers */

/* Set of uint64 (open addressing; key k stored as k + 1, 0 = empty). */
struct u64set {
	uint64_t *slot;
	size_t cap, n;
};

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
static int u64set_add(struct u64set *s, uint64_t k)
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

/* Per-user claimed credit. */
struct user {
	uint64_t id1;       /* id + 1; 0 = empty */
	uint64_t credit;
	uint64_t claims;
	int overflow;
};

struct usermap {
	struct user *slot;
	size_t cap, n;
};

static struct user *usermap_get(struct usermap *m, uint64_t id)
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

/* ------------------------------------------------------------------ the chain, replayed */

/* A signer set as it stood at some point: sorted addresses. */
struct version {
	uint8_t (*a)[SSP_ADDR_LEN];
	size_t n;
	uint64_t threshold;
};

struct mint {
	const ssp_chain_event *ev;
	size_t version;
	int has_rate;
	ssp_u256 rate;
	int matched;
};

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, SSP_ADDR_LEN);
}

static int set_has(const struct version *v, const uint8_t a[SSP_ADDR_LEN])
{
	return v != NULL && v->n > 0 && bsearch(a, v->a, v->n, SSP_ADDR_LEN, cmp_addr) != NULL;
}

static int cmp_mint(const void *a, const void *b)
{
	const struct mint *x = a, *y = b;

	if (x->ev->first_seq != y->ev->first_seq)
		return x->ev->first_seq < y->ev->first_seq ? -1 : 1;
	if (x->ev->block_number != y->ev->block_number)
		return x->ev->block_number < y->ev->block_number ? -1 : 1;
	return x->ev->log_index < y->ev->log_index ? -1 : x->ev->log_index > y->ev->log_index;
}

/* ------------------------------------------------------------------ the worker pool */

struct item {
	uint64_t lineno;
	size_t off, len;            /* the line in the chunk's text */
	int parse_rc;
	ssp_errmsg em;
	ssp_export_claim ec;
	uint8_t leaf[32];
	int sig_rc;
	uint8_t signer[SSP_ADDR_LEN];
};

struct chunk {
	char *text;
	size_t used, cap;
	struct item *items;
	size_t n;
	size_t next;                /* next item to grab (atomic) */
	unsigned finished;          /* workers done with this chunk (under the pool lock) */
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct chunk *job;
	uint64_t gen;
	int quit;
	unsigned nthreads, started;
	pthread_t threads[MAX_THREADS];
	uint8_t domsep[32];
};

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

static int pool_start(struct pool *p, unsigned n)
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

static void pool_stop(struct pool *p)
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
static void pool_submit(struct pool *p, struct chunk *c)
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
static void pool_wait(struct pool *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mu);
	while (c->finished < p->nthreads)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* ------------------------------------------------------------------ audit state */

struct pay {
	uint8_t ben[SSP_ADDR_LEN];
	uint64_t credit;
};

struct cur {
	int active;
	ssp_export_batch b;
	uint64_t n, nseen;
	uint8_t (*leaves)[32];
	uint8_t *seen;
	struct pay *pays;
	struct mint *mint;
	const struct version *accept;      /* online: the set its signatures must come from */
	uint8_t (*offline_signers)[SSP_ADDR_LEN]; /* offline: its batch signers */
	size_t noffline;
};

struct audit {
	const ssp_audit_opts *o;
	ssp_audit_report *r;
	size_t max_issues;
	ssp_domain domain;
	uint8_t domsep[32];
	const uint8_t *project;
	/* chain */
	const ssp_audit_chain *chain;
	struct version *versions;
	size_t nversions;
	size_t head;
	struct mint *mints;
	size_t nmints;
	/* batches */
	ssp_ndjson_reader *br;
	char bpath[4200];
	int br_eof;
	uint64_t prev_last;                /* last seq of the previous batch (first_seq - 1 at start) */
	int have_prev;
	struct cur cur;
	ssp_export_batch *only;            /* only_batch mode: the batch, read beforehand */
	/* claims */
	char cpath[4200];
	uint64_t expect;
	struct u64set results;
	struct usermap users;
	uint64_t filter_first, filter_last;
	int filtered;
	int fatal;                         /* an error (not a discrepancy) stops the audit */
	ssp_errmsg *em;
};

__attribute__((format(printf, 5, 6)))
static void issue(struct audit *a, int kind, int64_t batch, uint64_t seq, const char *fmt, ...)
{
	ssp_audit_report *r = a->r;
	va_list ap;

	r->nissues++;
	r->by_kind[kind]++;
	if (r->nkept >= a->max_issues)
		return;
	if (r->issues == NULL) {
		r->issues = calloc(a->max_issues, sizeof *r->issues);
		if (r->issues == NULL)
			return;
	}
	r->issues[r->nkept].kind = kind;
	r->issues[r->nkept].batch_id = batch;
	r->issues[r->nkept].seq = seq;
	va_start(ap, fmt);
	vsnprintf(r->issues[r->nkept].msg, sizeof r->issues[r->nkept].msg, fmt, ap);
	va_end(ap);
	r->nkept++;
}

static const char *addr_s(const uint8_t a[SSP_ADDR_LEN], char buf[SSP_ADDR_STRLEN])
{
	return ssp_address_format(a, buf);
}

static const char *hex32(const uint8_t h[32], char buf[67])
{
	return ssp_hex_encode(h, 32, buf, 1);
}

/* A copy of the current signer set and threshold as a new version, unless nothing changed. */
static int snapshot(struct audit *a, uint8_t (*set)[SSP_ADDR_LEN], size_t nset, uint64_t threshold,
		    int *dirty)
{
	struct version *v;

	if (!*dirty && a->nversions > 0)
		return 0;
	v = &a->versions[a->nversions];
	v->n = nset;
	v->threshold = threshold;
	if (nset > 0) {
		v->a = malloc(nset * SSP_ADDR_LEN);
		if (v->a == NULL)
			return SSP_ERR_NOMEM;
		memcpy(v->a, set, nset * SSP_ADDR_LEN);
		qsort(v->a, nset, SSP_ADDR_LEN, cmp_addr);
	}
	a->nversions++;
	*dirty = 0;
	return 0;
}

/* Replays the chain's events: signer-set versions, the rate, the project's mints. */
static int replay_chain(struct audit *a)
{
	const ssp_audit_chain *c = a->chain;
	uint8_t (*set)[SSP_ADDR_LEN] = NULL;
	size_t nset = 0, cap = 0;
	uint64_t threshold = c->init_threshold;
	int has_rate = c->has_init_rate;
	ssp_u256 rate = c->init_rate, sum;
	int rc = 0, dirty = 1, sum_overflow = 0;

	ssp_u256_from_u64(&sum, 0);
	a->versions = calloc(c->nevents + 1, sizeof *a->versions);
	a->mints = calloc(c->nevents ? c->nevents : 1, sizeof *a->mints);
	if (a->versions == NULL || a->mints == NULL)
		return SSP_ERR_NOMEM;
	if (c->ninit_signers > 0) {
		cap = c->ninit_signers;
		set = malloc(cap * SSP_ADDR_LEN);
		if (set == NULL)
			return SSP_ERR_NOMEM;
		memcpy(set, c->init_signers, cap * SSP_ADDR_LEN);
		nset = cap;
	}
	for (size_t i = 0; i < c->nevents && rc == 0; i++) {
		const ssp_chain_event *ev = &c->events[i];

		switch (ev->kind) {
		case SSP_EV_SIGNER_ADDED:
			if (nset == cap) {
				size_t nc = cap ? cap * 2 : 8;
				uint8_t (*ns)[SSP_ADDR_LEN] = realloc(set, nc * SSP_ADDR_LEN);

				if (ns == NULL) {
					rc = SSP_ERR_NOMEM;
					break;
				}
				set = ns;
				cap = nc;
			}
			memcpy(set[nset++], ev->signer, SSP_ADDR_LEN);
			dirty = 1;
			break;
		case SSP_EV_SIGNER_REMOVED:
			for (size_t k = 0; k < nset; k++)
				if (memcmp(set[k], ev->signer, SSP_ADDR_LEN) == 0) {
					memmove(set[k], set[k + 1], (nset - k - 1) * SSP_ADDR_LEN);
					nset--;
					dirty = 1;
					break;
				}
			break;
		case SSP_EV_THRESHOLD_CHANGED:
			if (ssp_u256_to_u64(&ev->value, &threshold) != 0)
				threshold = UINT64_MAX;
			dirty = 1;
			break;
		case SSP_EV_RATE_CHANGED:
			rate = ev->value;
			has_rate = 1;
			break;
		case SSP_EV_BATCH_MINTED: {
			ssp_u256 want;
			char w[SSP_U256_DEC_MAX], g[SSP_U256_DEC_MAX], x[SSP_U256_DEC_MAX];

			if (ssp_u256_add(&sum, &sum, &ev->amount) != 0)
				sum_overflow = 1;
			if (memcmp(ev->project, a->project, 32) != 0) {
				a->r->mint_events_other++;
				break;
			}
			rc = snapshot(a, set, nset, threshold, &dirty);
			if (rc != 0)
				break;
			a->r->mint_events++;
			a->mints[a->nmints].ev = ev;
			a->mints[a->nmints].version = a->nversions - 1;
			a->mints[a->nmints].has_rate = has_rate;
			a->mints[a->nmints].rate = rate;
			a->nmints++;
			if (ssp_u256_add(&a->r->amount_minted, &a->r->amount_minted, &ev->amount) != 0)
				sum_overflow = 1;
			if (!has_rate)
				break;
			if (ssp_u256_mul_u64(&want, &rate, ev->total_credit) != 0 ||
			    ssp_u256_cmp(&want, &ev->amount) != 0)
				issue(a, SSP_AK_MINT_AMOUNT, 0, ev->first_seq,
				      "BatchMinted seqs %llu..%llu (block %llu): amount %s wei, but totalCredit %llu x rate %s = %s",
				      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
				      (unsigned long long)ev->block_number, ssp_u256_to_dec(&ev->amount, g),
				      (unsigned long long)ev->total_credit, ssp_u256_to_dec(&rate, w),
				      ssp_u256_to_dec(&want, x));
			break;
		}
		}
	}
	if (rc == 0)
		rc = snapshot(a, set, nset, threshold, &dirty);
	free(set);
	if (rc != 0)
		return rc;
	if (sum_overflow)
		issue(a, SSP_AK_TOTAL_MINTED, 0, 0, "the BatchMinted amounts overflow 256 bits");
	a->head = a->nversions - 1;
	if (a->nmints > 1)
		qsort(a->mints, a->nmints, sizeof *a->mints, cmp_mint);
	/* No seq minted twice: ranges in firstSeq order must not overlap. */
	{
		uint64_t max_last = 0;
		const ssp_chain_event *prev = NULL;

		for (size_t i = 0; i < a->nmints; i++) {
			const ssp_chain_event *ev = a->mints[i].ev;

			if (prev != NULL && ev->first_seq <= max_last)
				issue(a, SSP_AK_SEQ_MINTED_TWICE, 0, ev->first_seq,
				      "seqs %llu..%llu minted in block %llu overlap seqs up to %llu minted in block %llu",
				      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
				      (unsigned long long)ev->block_number, (unsigned long long)max_last,
				      (unsigned long long)prev->block_number);
			if (prev == NULL || ev->last_seq > max_last) {
				max_last = ev->last_seq;
				prev = ev;
			}
		}
	}
	if (c->has_total_minted && ssp_u256_cmp(&sum, &c->total_minted) != 0) {
		char s1[SSP_U256_DEC_MAX], s2[SSP_U256_DEC_MAX];

		issue(a, SSP_AK_TOTAL_MINTED, 0, 0,
		      "the minter's totalMinted() is %s wei at block %llu, its BatchMinted events sum to %s",
		      ssp_u256_to_dec(&c->total_minted, s1), (unsigned long long)c->to_block,
		      ssp_u256_to_dec(&sum, s2));
	}
	return 0;
}

/* The unmatched mint of the project starting at first_seq, or NULL. */
static struct mint *find_mint(struct audit *a, uint64_t first_seq)
{
	size_t lo = 0, hi = a->nmints;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->mints[mid].ev->first_seq < first_seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->nmints && a->mints[lo].ev->first_seq == first_seq; lo++)
		if (!a->mints[lo].matched)
			return &a->mints[lo];
	return NULL;
}

/* ------------------------------------------------------------------ batches */

static void cur_free(struct cur *c)
{
	ssp_export_batch_clear(&c->b);
	free(c->leaves);
	free(c->seen);
	free(c->pays);
	free(c->offline_signers);
	memset(c, 0, sizeof *c);
}

/* Checks the batch's header-level facts (signatures, its mint) and makes it current. */
static int begin_batch(struct audit *a, ssp_export_batch *b)
{
	struct cur *c = &a->cur;
	const ssp_batch *h;
	char s1[67], s2[67], a1[SSP_ADDR_STRLEN], a2[SSP_ADDR_STRLEN];
	uint8_t digest[32], signer[SSP_ADDR_LEN];
	size_t accepted = 0;
	struct mint *m = NULL;
	int minted_after = 0;

	/* The batch moves into c (b is left empty). */
	memset(c, 0, sizeof *c);
	c->b = *b;
	memset(b, 0, sizeof *b);
	b = &c->b;
	h = &b->header;
	c->n = h->last_seq - h->first_seq + 1;
	c->active = 1;
	a->r->batches++;
	if (c->n > SSP_EXPORT_MAX_BATCH_CLAIMS) {
		issue(a, SSP_AK_BATCH_MALFORMED, b->id, h->first_seq,
		      "batch %lld covers %llu claims, more than %u", (long long)b->id,
		      (unsigned long long)c->n, SSP_EXPORT_MAX_BATCH_CLAIMS);
		c->n = 0; /* its claims will be reported as not covered */
		return 0;
	}
	c->leaves = malloc((size_t)c->n * sizeof *c->leaves);
	c->seen = calloc((size_t)c->n, 1);
	c->pays = malloc((size_t)c->n * sizeof *c->pays);
	if (c->leaves == NULL || c->seen == NULL || c->pays == NULL)
		return SSP_ERR_NOMEM;

	/* Its mint. */
	if (a->chain != NULL) {
		m = find_mint(a, h->first_seq);
		if (m != NULL) {
			const ssp_chain_event *ev = m->ev;

			m->matched = 1;
			c->mint = m;
			a->r->batches_minted++;
			a->r->credit_minted += h->total_credit;
			if (ev->last_seq != h->last_seq || memcmp(ev->claims_root, h->claims_root, 32) != 0 ||
			    ev->total_credit != h->total_credit)
				issue(a, SSP_AK_MINT_MISMATCH, b->id, h->first_seq,
				      "batch %lld: BatchMinted in block %llu says seqs %llu..%llu, claimsRoot %s, totalCredit %llu; the export says seqs %llu..%llu, claimsRoot %.18s…, totalCredit %llu",
				      (long long)b->id, (unsigned long long)ev->block_number,
				      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
				      hex32(ev->claims_root, s1), (unsigned long long)ev->total_credit,
				      (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
				      hex32(h->claims_root, s2), (unsigned long long)h->total_credit);
			if (b->has_tx && (memcmp(b->tx_hash, ev->tx_hash, 32) != 0 ||
					  b->block_number != ev->block_number))
				issue(a, SSP_AK_BATCH_TX, b->id, h->first_seq,
				      "batch %lld: exported as minted by tx %.18s… in block %llu, the event is in tx %.18s… block %llu",
				      (long long)b->id, hex32(b->tx_hash, s1), (unsigned long long)b->block_number,
				      hex32(ev->tx_hash, s2), (unsigned long long)ev->block_number);
		} else {
			minted_after = b->has_tx && b->block_number > a->chain->to_block;
			if ((b->state == SSP_EXPORT_MINTED || b->state == SSP_EXPORT_FINAL) && !minted_after)
				issue(a, SSP_AK_BATCH_NOT_MINTED, b->id, h->first_seq,
				      "batch %lld (seqs %llu..%llu) is %s in the export, but no BatchMinted event has it in blocks %llu..%llu",
				      (long long)b->id, (unsigned long long)h->first_seq,
				      (unsigned long long)h->last_seq, ssp_export_state_name(b->state),
				      (unsigned long long)a->chain->from_block,
				      (unsigned long long)a->chain->to_block);
		}
		c->accept = &a->versions[m != NULL ? m->version : a->head];
	}
	if (m == NULL && a->chain == NULL &&
	    (b->state == SSP_EXPORT_MINTED || b->state == SSP_EXPORT_FINAL)) {
		/* Offline: as the export says. */
		a->r->batches_minted++;
		a->r->credit_minted += h->total_credit;
	} else if (m == NULL) {
		if (b->state == SSP_EXPORT_FAILED)
			a->r->batches_failed++;
		else
			a->r->batches_pending++;
	}

	/* Its signatures. */
	ssp_eip712_batch_digest(&a->domain, h, digest);
	if (a->chain == NULL && b->nsigs > 0) {
		c->offline_signers = calloc(b->nsigs, SSP_ADDR_LEN);
		if (c->offline_signers == NULL)
			return SSP_ERR_NOMEM;
	}
	for (size_t i = 0; i < b->nsigs; i++) {
		int dup = 0;

		for (size_t k = 0; k < i; k++)
			if (memcmp(b->sigs[k].signer, b->sigs[i].signer, SSP_ADDR_LEN) == 0)
				dup = 1;
		if (dup) {
			issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: signer %s signs twice", (long long)b->id,
			      addr_s(b->sigs[i].signer, a1));
			continue;
		}
		if (ssp_recover(digest, b->sigs[i].sig, signer) != 0) {
			issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: the signature of %s is not a valid signature", (long long)b->id,
			      addr_s(b->sigs[i].signer, a1));
			continue;
		}
		if (memcmp(signer, b->sigs[i].signer, SSP_ADDR_LEN) != 0) {
			issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: the signature said to be by %s recovers to %s (forged, or made over other data)",
			      (long long)b->id, addr_s(b->sigs[i].signer, a1), addr_s(signer, a2));
			continue;
		}
		if (c->accept != NULL) {
			if (!set_has(c->accept, signer)) {
				issue(a, SSP_AK_BATCH_SIGNER, b->id, h->first_seq,
				      "batch %lld: signed by %s, not a signer of the minter %s",
				      (long long)b->id, addr_s(signer, a1),
				      m != NULL ? "when it was minted" : "at the audited block");
				continue;
			}
		} else if (c->offline_signers != NULL) {
			memcpy(c->offline_signers[c->noffline++], signer, SSP_ADDR_LEN);
		}
		accepted++;
	}
	if (m != NULL && accepted < c->accept->threshold)
		issue(a, SSP_AK_BATCH_THRESHOLD, b->id, h->first_seq,
		      "batch %lld: %zu accepted signatures, the minter required %llu when it was minted",
		      (long long)b->id, accepted, (unsigned long long)c->accept->threshold);
	return 0;
}

static int cmp_pay(const void *x, const void *y)
{
	return memcmp(((const struct pay *)x)->ben, ((const struct pay *)y)->ben, SSP_ADDR_LEN);
}

/* Recomputes root, payouts and total of the current batch from its claims. */
static int end_batch(struct audit *a)
{
	struct cur *c = &a->cur;
	const ssp_export_batch *b = &c->b;
	const ssp_batch *h = &b->header;
	char s1[67], s2[67];
	uint8_t root[32], phash[32];
	ssp_payout *po = NULL;
	size_t np = 0;
	uint64_t total = 0;
	int overflow = 0, rc = 0;

	if (!c->active)
		return 0;
	if (c->n == 0)
		goto out;
	if (c->nseen < c->n) {
		uint64_t first_missing = 0;

		while (first_missing < c->n && c->seen[first_missing])
			first_missing++;
		issue(a, SSP_AK_BATCH_INCOMPLETE, b->id, h->first_seq + first_missing,
		      "batch %lld (seqs %llu..%llu): %llu of its %llu claims are not in the export (first missing: seq %llu)",
		      (long long)b->id, (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
		      (unsigned long long)(c->n - c->nseen), (unsigned long long)c->n,
		      (unsigned long long)(h->first_seq + first_missing));
		goto out;
	}
	rc = ssp_merkle_root((const uint8_t (*)[32])c->leaves, (size_t)c->n, root);
	if (rc != 0)
		goto out;
	if (memcmp(root, h->claims_root, 32) != 0)
		issue(a, SSP_AK_CLAIMS_ROOT, b->id, h->first_seq,
		      "batch %lld (seqs %llu..%llu): its claims hash to %s, the batch says %s",
		      (long long)b->id, (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
		      hex32(root, s1), hex32(h->claims_root, s2));
	/* Payouts: the claims summed per beneficiary, sorted. */
	qsort(c->pays, (size_t)c->n, sizeof *c->pays, cmp_pay);
	po = malloc((size_t)c->n * sizeof *po);
	if (po == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (uint64_t i = 0; i < c->n; i++) {
		if (np > 0 && memcmp(po[np - 1].beneficiary, c->pays[i].ben, SSP_ADDR_LEN) == 0) {
			if (po[np - 1].credit > UINT64_MAX - c->pays[i].credit)
				overflow = 1;
			po[np - 1].credit += c->pays[i].credit;
		} else {
			memcpy(po[np].beneficiary, c->pays[i].ben, SSP_ADDR_LEN);
			po[np].credit = c->pays[i].credit;
			np++;
		}
		if (total > UINT64_MAX - c->pays[i].credit)
			overflow = 1;
		total += c->pays[i].credit;
	}
	if (overflow) {
		issue(a, SSP_AK_TOTAL_CREDIT, b->id, h->first_seq,
		      "batch %lld: its claims' credit overflows 64 bits", (long long)b->id);
		goto out;
	}
	if (np != b->npayouts) {
		issue(a, SSP_AK_PAYOUTS, b->id, h->first_seq,
		      "batch %lld: %zu payouts exported, its claims pay %zu beneficiaries",
		      (long long)b->id, b->npayouts, np);
	} else {
		for (size_t i = 0; i < np; i++)
			if (memcmp(po[i].beneficiary, b->payouts[i].beneficiary, SSP_ADDR_LEN) != 0 ||
			    po[i].credit != b->payouts[i].credit) {
				char a1[SSP_ADDR_STRLEN];

				issue(a, SSP_AK_PAYOUTS, b->id, h->first_seq,
				      "batch %lld: exported payout %zu is %s %llu, its claims pay %s %llu",
				      (long long)b->id, i, addr_s(b->payouts[i].beneficiary, a1),
				      (unsigned long long)b->payouts[i].credit,
				      addr_s(po[i].beneficiary, s1), (unsigned long long)po[i].credit);
				break;
			}
	}
	rc = ssp_payouts_hash(po, np, phash);
	if (rc != 0)
		goto out;
	if (memcmp(phash, h->payouts_hash, 32) != 0)
		issue(a, SSP_AK_PAYOUTS_HASH, b->id, h->first_seq,
		      "batch %lld: the signed payoutsHash %s is not the hash of its claims' payouts %s",
		      (long long)b->id, hex32(h->payouts_hash, s1), hex32(phash, s2));
	if (total != h->total_credit)
		issue(a, SSP_AK_TOTAL_CREDIT, b->id, h->first_seq,
		      "batch %lld: totalCredit %llu, its claims sum to %llu", (long long)b->id,
		      (unsigned long long)h->total_credit, (unsigned long long)total);
out:
	free(po);
	cur_free(c);
	return rc;
}

/* Reads the next batch line into *b: 1 when one was read, 0 at the end. Malformed lines and
 * batches out of order are reported and skipped. */
static int next_batch(struct audit *a, ssp_export_batch *b)
{
	const char *line;
	size_t len;
	ssp_errmsg em;
	int rc;

	if (a->only != NULL) {
		if (a->br_eof)
			return 0;
		a->br_eof = 1;
		*b = *a->only;
		memset(a->only, 0, sizeof *a->only);
		return 1;
	}
	for (;;) {
		if (a->br_eof)
			return 0;
		memset(&em, 0, sizeof em);
		rc = ssp_ndjson_read_line(a->br, &line, &len, &em);
		if (rc == 0) {
			a->br_eof = 1;
			return 0;
		}
		if (rc < 0) {
			issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: %s", SSP_EXPORT_BATCHES_FILE, em.msg);
			a->br_eof = 1;
			return 0;
		}
		rc = ssp_export_batch_parse(line, len, b, &em);
		if (rc == SSP_ERR_NOMEM)
			return rc;
		if (rc != 0) {
			issue(a, SSP_AK_BATCH_MALFORMED, 0, 0, "%s line %llu: %s", SSP_EXPORT_BATCHES_FILE,
			      (unsigned long long)ssp_ndjson_reader_lines(a->br), em.msg);
			continue;
		}
		if (memcmp(b->header.project, a->project, 32) != 0) {
			issue(a, SSP_AK_BATCH_MALFORMED, b->id, b->header.first_seq,
			      "batch %lld is of another project", (long long)b->id);
			ssp_export_batch_clear(b);
			continue;
		}
		if (a->have_prev && b->header.first_seq <= a->prev_last) {
			issue(a, SSP_AK_BATCH_ORDER, b->id, b->header.first_seq,
			      "batch %lld (seqs %llu..%llu) overlaps or precedes the batch before it (up to seq %llu)",
			      (long long)b->id, (unsigned long long)b->header.first_seq,
			      (unsigned long long)b->header.last_seq, (unsigned long long)a->prev_last);
			ssp_export_batch_clear(b);
			continue;
		}
		if (b->header.first_seq != a->prev_last + 1)
			issue(a, SSP_AK_BATCH_ORDER, b->id, b->header.first_seq,
			      "batch %lld starts at seq %llu: seqs %llu..%llu are in no batch, but later ones are",
			      (long long)b->id, (unsigned long long)b->header.first_seq,
			      (unsigned long long)(a->prev_last + 1),
			      (unsigned long long)(b->header.first_seq - 1));
		a->have_prev = 1;
		a->prev_last = b->header.last_seq;
		return 1;
	}
}

/* Makes the batch covering seq current (finishing the ones before it). */
static int advance_batches(struct audit *a, uint64_t seq)
{
	ssp_export_batch b;
	int rc;

	while (!a->cur.active || a->cur.b.header.last_seq < seq) {
		if (a->cur.active) {
			rc = end_batch(a);
			if (rc != 0)
				return rc;
		}
		memset(&b, 0, sizeof b);
		rc = next_batch(a, &b);
		if (rc <= 0)
			return rc;
		rc = begin_batch(a, &b);
		ssp_export_batch_clear(&b);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ claims */

static int consume(struct audit *a, const struct chunk *ch, const struct item *it)
{
	const ssp_export_claim *ec = &it->ec;
	const ssp_claim *c = &ec->claim;
	struct cur *cb = &a->cur;
	char a1[SSP_ADDR_STRLEN];
	int in_batch = 0, rc;

	(void)ch;
	if (it->parse_rc != 0) {
		issue(a, SSP_AK_CLAIM_MALFORMED, 0, 0, "%s line %llu: %s", SSP_EXPORT_CLAIMS_FILE,
		      (unsigned long long)it->lineno, it->em.msg);
		return 0;
	}
	if (memcmp(c->project, a->project, 32) != 0) {
		issue(a, SSP_AK_CLAIM_PROJECT, 0, c->seq, "claim seq %llu (line %llu) is of another project",
		      (unsigned long long)c->seq, (unsigned long long)it->lineno);
		return 0;
	}
	a->r->claims++;
	{
		/* a zero resultDigest: the signer found the outputs gone (docs/signer.md) */
		static const uint8_t zero[32];

		if (!memcmp(c->result_digest, zero, 32))
			a->r->claims_no_digest++;
	}
	if (c->seq != a->expect) {
		if (c->seq > a->expect) {
			if (c->seq - a->expect == 1)
				issue(a, SSP_AK_SEQ_GAP, 0, a->expect,
				      "claim seq %llu is missing (the export goes from seq %llu to %llu)",
				      (unsigned long long)a->expect, (unsigned long long)a->expect - 1,
				      (unsigned long long)c->seq);
			else
				issue(a, SSP_AK_SEQ_GAP, 0, a->expect,
				      "claims seq %llu..%llu are missing (the export goes from seq %llu to %llu)",
				      (unsigned long long)a->expect, (unsigned long long)c->seq - 1,
				      (unsigned long long)a->expect - 1, (unsigned long long)c->seq);
			a->expect = c->seq + 1;
		} else {
			issue(a, SSP_AK_SEQ_DUPLICATE, 0, c->seq,
			      "claim seq %llu (line %llu) comes again or out of order (expected seq %llu)",
			      (unsigned long long)c->seq, (unsigned long long)it->lineno,
			      (unsigned long long)a->expect);
		}
	} else {
		a->expect++;
	}
	rc = u64set_add(&a->results, c->result_id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		issue(a, SSP_AK_RESULT_TWICE, ec->batch_id, c->seq,
		      "result %llu is claimed again by seq %llu", (unsigned long long)c->result_id,
		      (unsigned long long)c->seq);
	a->r->credit_claimed += c->credit;

	/* Its batch. */
	rc = advance_batches(a, c->seq);
	if (rc != 0)
		return rc;
	if (cb->active && cb->n > 0 && cb->b.header.first_seq <= c->seq && c->seq <= cb->b.header.last_seq) {
		uint64_t idx = c->seq - cb->b.header.first_seq;

		in_batch = 1;
		if (ec->batch_id != cb->b.id)
			issue(a, SSP_AK_CLAIM_BATCH, ec->batch_id, c->seq,
			      "claim seq %llu says batch %lld, but batch %lld covers it", (unsigned long long)c->seq,
			      (long long)ec->batch_id, (long long)cb->b.id);
		if (!cb->seen[idx]) {
			cb->seen[idx] = 1;
			cb->nseen++;
			memcpy(cb->leaves[idx], it->leaf, 32);
			memcpy(cb->pays[idx].ben, c->beneficiary, SSP_ADDR_LEN);
			cb->pays[idx].credit = c->credit;
			a->r->claims_batched++;
			a->r->credit_batched += c->credit;
		}
	} else {
		a->r->claims_unbatched++;
		if (ec->batch_id != 0)
			issue(a, SSP_AK_CLAIM_BATCH, ec->batch_id, c->seq,
			      "claim seq %llu says batch %lld, but no exported batch covers it",
			      (unsigned long long)c->seq, (long long)ec->batch_id);
	}

	/* Its signature. */
	if (it->sig_rc != 0) {
		issue(a, SSP_AK_CLAIM_SIG_INVALID, ec->batch_id, c->seq,
		      "claim seq %llu (result %llu): the signature does not recover to any address",
		      (unsigned long long)c->seq, (unsigned long long)c->result_id);
	} else if (a->chain != NULL) {
		const struct version *v = in_batch && cb->accept ? cb->accept : &a->versions[a->head];

		if (!set_has(v, it->signer))
			issue(a, SSP_AK_CLAIM_SIGNER, ec->batch_id, c->seq,
			      "claim seq %llu (result %llu): the signature recovers to %s, not a signer of the minter %s (the claim was altered after signing, or signed by another key)",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      addr_s(it->signer, a1),
			      in_batch && cb->mint ? "when its batch was minted" : "at the audited block");
	} else if (in_batch) {
		int ok = 0;

		for (size_t k = 0; k < cb->noffline && !ok; k++)
			ok = memcmp(cb->offline_signers[k], it->signer, SSP_ADDR_LEN) == 0;
		if (!ok)
			issue(a, SSP_AK_CLAIM_SIGNER, ec->batch_id, c->seq,
			      "claim seq %llu (result %llu): the signature recovers to %s, none of its batch's signers (the claim was altered after signing, or signed by another key)",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      addr_s(it->signer, a1));
	}

	/* Per user, for BOINC's stats. */
	if (a->o->stats != NULL) {
		struct user *u = usermap_get(&a->users, c->user_id);

		if (u == NULL)
			return SSP_ERR_NOMEM;
		if (u->credit > UINT64_MAX - c->credit)
			u->overflow = 1;
		u->credit += c->credit;
		u->claims++;
	}
	return 0;
}

/* Fills ch with up to CHUNK_LINES claim lines (none at the end; a stream error is reported as
 * a discrepancy and ends the stream). Returns 0 or SSP_ERR_NOMEM. */
static int fill_chunk(struct audit *a, ssp_ndjson_reader *r, struct chunk *ch, int *eof)
{
	const char *line;
	size_t len;
	ssp_errmsg em;
	int rc;

	ch->n = 0;
	ch->used = 0;
	while (ch->n < CHUNK_LINES && !*eof) {
		memset(&em, 0, sizeof em);
		rc = ssp_ndjson_read_line(r, &line, &len, &em);
		if (rc == 0) {
			*eof = 1;
			break;
		}
		if (rc < 0) {
			issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: %s", SSP_EXPORT_CLAIMS_FILE, em.msg);
			*eof = 1;
			break;
		}
		if (a->filtered) {
			uint64_t seq;

			if (ssp_export_line_peek_u64(line, len, "seq", &seq) == 0 &&
			    (seq < a->filter_first || seq > a->filter_last)) {
				if (seq > a->filter_last)
					*eof = 1; /* lines are in seq order: the batch is behind us */
				continue;
			}
		}
		if (ch->used + len + 1 > ch->cap) {
			size_t nc = (ch->used + len + 1) * 2;
			char *nt = realloc(ch->text, nc);

			if (nt == NULL)
				return SSP_ERR_NOMEM;
			ch->text = nt;
			ch->cap = nc;
		}
		memcpy(ch->text + ch->used, line, len);
		ch->text[ch->used + len] = '\0';
		ch->items[ch->n].off = ch->used;
		ch->items[ch->n].len = len;
		ch->items[ch->n].lineno = ssp_ndjson_reader_lines(r);
		ch->used += len + 1;
		ch->n++;
	}
	return 0;
}

static int run_claims(struct audit *a, ssp_ndjson_reader *r, unsigned nthreads)
{
	struct pool *p = NULL;
	struct chunk ch[2];
	int eof = 0, rc = 0, k = 0, pending = 0;
	uint64_t done = 0, total = a->r->manifest.nclaims;

	memset(ch, 0, sizeof ch);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return SSP_ERR_NOMEM;
	memcpy(p->domsep, a->domsep, 32);
	for (int i = 0; i < 2; i++) {
		ch[i].items = calloc(CHUNK_LINES, sizeof *ch[i].items);
		if (ch[i].items == NULL) {
			free(ch[0].items);
			free(p);
			return SSP_ERR_NOMEM;
		}
	}
	rc = pool_start(p, nthreads);
	if (rc != 0)
		goto out;
	/* Double buffering: the workers process ch[k] while this thread reads ch[1 - k]. */
	rc = fill_chunk(a, r, &ch[0], &eof);
	if (rc != 0)
		goto out;
	if (ch[0].n > 0) {
		pool_submit(p, &ch[0]);
		pending = 1;
	}
	while (pending) {
		struct chunk *cur = &ch[k], *nxt = &ch[1 - k];

		rc = fill_chunk(a, r, nxt, &eof);
		pool_wait(p, cur);
		pending = 0;
		if (rc != 0)
			goto out;
		for (size_t i = 0; i < cur->n && rc == 0; i++)
			rc = consume(a, cur, &cur->items[i]);
		if (rc != 0)
			goto out;
		done += cur->n;
		if (a->o->progress != NULL)
			a->o->progress(a->o->progress_ctx, done, total);
		if (nxt->n > 0) {
			pool_submit(p, nxt);
			pending = 1;
			k = 1 - k;
		}
	}
out:
	if (pending)
		pool_wait(p, &ch[k]);
	pool_stop(p);
	for (int i = 0; i < 2; i++) {
		free(ch[i].items);
		free(ch[i].text);
	}
	free(p);
	return rc;
}

/* ------------------------------------------------------------------ the whole */

static void check_digest(struct audit *a, ssp_ndjson_reader *r, const char *name,
			 const ssp_export_file *f)
{
	uint8_t sha[32];
	uint64_t bytes = 0;
	char s1[65], s2[65];

	if (ssp_ndjson_reader_digest(r, sha, &bytes) != 0) {
		issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: read error while hashing", name);
		return;
	}
	if (memcmp(sha, f->sha256, 32) != 0 || bytes != f->bytes)
		issue(a, SSP_AK_EXPORT_FILE, 0, 0,
		      "%s: SHA-256 %s (%llu bytes), the manifest says %s (%llu bytes): the file was changed",
		      name, ssp_hex_encode(sha, 32, s1, 0), (unsigned long long)bytes,
		      ssp_hex_encode(f->sha256, 32, s2, 0), (unsigned long long)f->bytes);
}

static void check_stats(struct audit *a)
{
	const ssp_stats *s = a->o->stats;

	for (size_t i = 0; i < a->users.cap; i++) {
		const struct user *u = &a->users.slot[i];
		uint64_t id, total = 0, allow;

		if (u->id1 == 0)
			continue;
		id = u->id1 - 1;
		a->r->stats_users++;
		if (ssp_stats_credit(s, id, &total) != 0) {
			issue(a, SSP_AK_STATS_MISSING, 0, 0,
			      "user %llu has %llu claims (%llu micro-credits) but is not in BOINC's stats",
			      (unsigned long long)id, (unsigned long long)u->claims,
			      (unsigned long long)u->credit);
			continue;
		}
		/* Each claim's credit is llround(granted × 1e6): half a micro each, plus the stats'
		 * own 6-decimal printing. */
		allow = total + u->claims / 2 + 1;
		if (allow < total)
			allow = UINT64_MAX;
		if (u->overflow || u->credit > allow)
			issue(a, SSP_AK_STATS_EXCEEDED, 0, 0,
			      "user %llu: %llu claims for %llu.%06llu cobblestones, BOINC's total_credit is %llu.%06llu",
			      (unsigned long long)id, (unsigned long long)u->claims,
			      (unsigned long long)(u->credit / 1000000), (unsigned long long)(u->credit % 1000000),
			      (unsigned long long)(total / 1000000), (unsigned long long)(total % 1000000));
	}
}

static void audit_free(struct audit *a)
{
	cur_free(&a->cur);
	if (a->versions != NULL)
		for (size_t i = 0; i < a->nversions; i++)
			free(a->versions[i].a);
	free(a->versions);
	free(a->mints);
	free(a->results.slot);
	free(a->users.slot);
	if (a->only != NULL) {
		ssp_export_batch_clear(a->only);
		free(a->only);
	}
	ssp_ndjson_reader_close(a->br);
}

/* only_batch mode: reads that batch beforehand. */
static int load_only(struct audit *a, ssp_errmsg *em)
{
	ssp_ndjson_reader *r = NULL;
	const char *line;
	size_t len;
	int rc, found = 0;

	a->only = calloc(1, sizeof *a->only);
	if (a->only == NULL)
		return SSP_ERR_NOMEM;
	rc = ssp_ndjson_reader_open(a->bpath, SSP_EXPORT_MAX_BATCH_LINE, &r);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "%s: %s", a->bpath, ssp_strerror(rc));
	while ((rc = ssp_ndjson_read_line(r, &line, &len, em)) == 1) {
		uint64_t id;

		if (ssp_export_line_peek_u64(line, len, "id", &id) == 0 && id != (uint64_t)a->o->only_batch)
			continue;
		if (ssp_export_batch_parse(line, len, a->only, NULL) != 0)
			continue;
		if (a->only->id == a->o->only_batch) {
			found = 1;
			break;
		}
		ssp_export_batch_clear(a->only);
	}
	ssp_ndjson_reader_close(r);
	if (!found && rc < 0) {
		char inner[200];

		snprintf(inner, sizeof inner, "%.150s", em ? em->msg : "");
		return ssp_errmsg_set(em, rc, "%s: %s", a->bpath, inner);
	}
	if (!found)
		return ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "no batch %lld in %s",
				      (long long)a->o->only_batch, a->bpath);
	a->filtered = 1;
	a->filter_first = a->only->header.first_seq;
	a->filter_last = a->only->header.last_seq;
	a->expect = a->filter_first;
	a->prev_last = a->filter_first - 1;
	return 0;
}

int ssp_audit_run(const ssp_audit_opts *o, ssp_audit_report **out, ssp_errmsg *em)
{
	struct audit a;
	ssp_audit_report *r = NULL;
	ssp_ndjson_reader *cr = NULL;
	struct timespec t0, t1;
	unsigned nthreads;
	int rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (o == NULL || o->export_dir == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no export directory");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&a, 0, sizeof a);
	a.o = o;
	a.em = em;
	a.chain = o->chain;
	a.max_issues = o->max_issues ? o->max_issues : 1000;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	a.r = r;
	r->only_batch = o->only_batch > 0 ? o->only_batch : 0;
	rc = ssp_export_manifest_read(o->export_dir, &r->manifest, em);
	if (rc != 0)
		goto out;
	a.project = r->manifest.project;
	a.domain.chain_id = r->manifest.chain_id;
	memcpy(a.domain.contract, r->manifest.minter, SSP_ADDR_LEN);
	ssp_eip712_domain_separator(&a.domain, a.domsep);
	a.expect = r->manifest.first_seq;
	a.prev_last = r->manifest.first_seq - 1;
	if (o->stats != NULL && o->stats_master_url != NULL &&
	    strcmp(o->stats_master_url, r->manifest.master_url) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_INVAL,
				    "the BOINC stats are of %.100s, the export of %.100s",
				    o->stats_master_url, r->manifest.master_url);
		goto out;
	}
	if (ssp_export_path(o->export_dir, SSP_EXPORT_BATCHES_FILE, a.bpath, sizeof a.bpath) != 0 ||
	    ssp_export_path(o->export_dir, SSP_EXPORT_CLAIMS_FILE, a.cpath, sizeof a.cpath) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "export directory name too long");
		goto out;
	}
	if (a.chain != NULL) {
		char a1[SSP_ADDR_STRLEN], a2[SSP_ADDR_STRLEN];

		r->chain_checked = 1;
		r->from_block = a.chain->from_block;
		r->to_block = a.chain->to_block;
		if (a.chain->chain_id != r->manifest.chain_id ||
		    memcmp(a.chain->contract, r->manifest.minter, SSP_ADDR_LEN) != 0)
			issue(&a, SSP_AK_EXPORT_CHAIN, 0, 0,
			      "the export is for chain %llu minter %s, the audited chain is %llu minter %s",
			      (unsigned long long)r->manifest.chain_id, addr_s(r->manifest.minter, a1),
			      (unsigned long long)a.chain->chain_id, addr_s(a.chain->contract, a2));
		rc = replay_chain(&a);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "replaying the chain's events");
			goto out;
		}
	}
	if (o->only_batch > 0) {
		rc = load_only(&a, em);
		if (rc != 0)
			goto out;
	} else {
		rc = ssp_ndjson_reader_open(a.bpath, SSP_EXPORT_MAX_BATCH_LINE, &a.br);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "%s: %s", a.bpath, ssp_strerror(rc));
			goto out;
		}
	}
	rc = ssp_ndjson_reader_open(a.cpath, SSP_EXPORT_MAX_CLAIM_LINE, &cr);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: %s", a.cpath, ssp_strerror(rc));
		goto out;
	}
	nthreads = o->threads;
	if (nthreads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = n > 0 ? (unsigned)n : 1;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	rc = run_claims(&a, cr, nthreads);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "auditing the claims: %s", ssp_strerror(rc));
		goto out;
	}
	/* The batches after the last claim (their claims are missing). */
	rc = advance_batches(&a, UINT64_MAX);
	if (rc == 0)
		rc = end_batch(&a);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "auditing the batches: %s", ssp_strerror(rc));
		goto out;
	}
	if (a.expect <= r->manifest.last_seq && !a.filtered)
		issue(&a, SSP_AK_SEQ_GAP, 0, a.expect,
		      "claims seq %llu..%llu are missing (the manifest lists claims up to seq %llu)",
		      (unsigned long long)a.expect, (unsigned long long)r->manifest.last_seq,
		      (unsigned long long)r->manifest.last_seq);
	if (a.filtered && a.expect <= a.filter_last)
		issue(&a, SSP_AK_SEQ_GAP, 0, a.expect, "claims seq %llu..%llu are missing",
		      (unsigned long long)a.expect, (unsigned long long)a.filter_last);
	check_digest(&a, cr, SSP_EXPORT_CLAIMS_FILE, &r->manifest.claims);
	if (a.br != NULL)
		check_digest(&a, a.br, SSP_EXPORT_BATCHES_FILE, &r->manifest.batches);
	if (!a.filtered) {
		if (ssp_ndjson_reader_lines(cr) != r->manifest.claims.lines)
			issue(&a, SSP_AK_EXPORT_FILE, 0, 0, "%s has %llu lines, the manifest says %llu",
			      SSP_EXPORT_CLAIMS_FILE, (unsigned long long)ssp_ndjson_reader_lines(cr),
			      (unsigned long long)r->manifest.claims.lines);
		if (ssp_ndjson_reader_lines(a.br) != r->manifest.batches.lines)
			issue(&a, SSP_AK_EXPORT_FILE, 0, 0, "%s has %llu lines, the manifest says %llu",
			      SSP_EXPORT_BATCHES_FILE, (unsigned long long)ssp_ndjson_reader_lines(a.br),
			      (unsigned long long)r->manifest.batches.lines);
		for (size_t i = 0; i < a.nmints; i++) {
			const ssp_chain_event *ev = a.mints[i].ev;
			char s1[67];

			if (a.mints[i].matched)
				continue;
			issue(&a, SSP_AK_MINT_WITHOUT_BATCH, 0, ev->first_seq,
			      "BatchMinted in block %llu (tx %.18s…) minted seqs %llu..%llu, totalCredit %llu: no exported batch %s",
			      (unsigned long long)ev->block_number, hex32(ev->tx_hash, s1),
			      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
			      (unsigned long long)ev->total_credit,
			      ev->first_seq > r->manifest.last_seq ? "(it is beyond the export's last claim: is the export older than the audited blocks?)"
								   : "explains it");
		}
		if (o->stats != NULL) {
			r->stats_checked = 1;
			check_stats(&a);
		}
	}
	rc = 0;
out:
	ssp_ndjson_reader_close(cr);
	audit_free(&a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc != 0) {
		ssp_audit_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
