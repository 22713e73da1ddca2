/* The audit's batch side: the chain's events replayed (signer sets, rates, mints), discrepancy
 * records, and each exported batch checked (its signatures, its mint, and its claims root,
 * payouts and total recomputed from its claims). */
#include "export/ssp_audit_int.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, SSP_ADDR_LEN);
}

int ssp_aud_set_has(const struct version *v, const uint8_t a[SSP_ADDR_LEN])
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

__attribute__((format(printf, 5, 6)))
void ssp_aud_issue(struct audit *a, int kind, int64_t batch, uint64_t seq, const char *fmt, ...)
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

const char *ssp_aud_addr(const uint8_t a[SSP_ADDR_LEN], char buf[SSP_ADDR_STRLEN])
{
	return ssp_address_format(a, buf);
}

const char *ssp_aud_hex32(const uint8_t h[32], char buf[67])
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
int ssp_aud_replay_chain(struct audit *a)
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
				ssp_aud_issue(a, SSP_AK_MINT_AMOUNT, 0, ev->first_seq,
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
	a->r->head_signers = nset;
	a->r->head_threshold = threshold;
	a->r->has_head_rate = has_rate;
	a->r->head_rate = rate;
	free(set);
	if (rc != 0)
		return rc;
	if (sum_overflow)
		ssp_aud_issue(a, SSP_AK_TOTAL_MINTED, 0, 0, "the BatchMinted amounts overflow 256 bits");
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
				ssp_aud_issue(a, SSP_AK_SEQ_MINTED_TWICE, 0, ev->first_seq,
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

		ssp_aud_issue(a, SSP_AK_TOTAL_MINTED, 0, 0,
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

void ssp_aud_cur_free(struct cur *c)
{
	ssp_export_batch_clear(&c->b);
	free(c->leaves);
	free(c->seen);
	free(c->pays);
	free(c->offline_signers);
	memset(c, 0, sizeof *c);
}

/* Appends the batch's row to the report (its mint m, NULL when none matched). */
static int add_row(struct audit *a, const ssp_export_batch *b, const struct mint *m)
{
	ssp_audit_report *r = a->r;
	ssp_audit_batch_row *row;

	if (r->nbatch_rows == a->cap_batch_rows) {
		size_t nc = a->cap_batch_rows ? a->cap_batch_rows * 2 : 64;
		ssp_audit_batch_row *nr = realloc(r->batch_rows, nc * sizeof *nr);

		if (nr == NULL)
			return SSP_ERR_NOMEM;
		r->batch_rows = nr;
		a->cap_batch_rows = nc;
	}
	row = &r->batch_rows[r->nbatch_rows++];
	memset(row, 0, sizeof *row);
	row->id = b->id;
	row->first_seq = b->header.first_seq;
	row->last_seq = b->header.last_seq;
	row->total_credit = b->header.total_credit;
	row->sealed_at = b->sealed_at;
	row->state = b->state;
	row->nsigs = b->nsigs;
	if (m != NULL) {
		row->minted = 1;
		row->block = m->ev->block_number;
		row->amount = m->ev->amount;
	} else if (a->chain == NULL &&
		   (b->state == SSP_EXPORT_MINTED || b->state == SSP_EXPORT_FINAL)) {
		row->minted = 1;
		row->block = b->has_tx ? b->block_number : 0;
		if (r->manifest.has_rate &&
		    ssp_u256_mul_u64(&row->amount, &r->manifest.rate, b->header.total_credit) != 0)
			ssp_u256_from_u64(&row->amount, 0);
	}
	return 0;
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
	int minted_after = 0, rc;

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
		ssp_aud_issue(a, SSP_AK_BATCH_MALFORMED, b->id, h->first_seq,
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
				ssp_aud_issue(a, SSP_AK_MINT_MISMATCH, b->id, h->first_seq,
				      "batch %lld: BatchMinted in block %llu says seqs %llu..%llu, claimsRoot %s, totalCredit %llu; the export says seqs %llu..%llu, claimsRoot %.18s…, totalCredit %llu",
				      (long long)b->id, (unsigned long long)ev->block_number,
				      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
				      ssp_aud_hex32(ev->claims_root, s1), (unsigned long long)ev->total_credit,
				      (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
				      ssp_aud_hex32(h->claims_root, s2), (unsigned long long)h->total_credit);
			if (b->has_tx && (memcmp(b->tx_hash, ev->tx_hash, 32) != 0 ||
					  b->block_number != ev->block_number))
				ssp_aud_issue(a, SSP_AK_BATCH_TX, b->id, h->first_seq,
				      "batch %lld: exported as minted by tx %.18s… in block %llu, the event is in tx %.18s… block %llu",
				      (long long)b->id, ssp_aud_hex32(b->tx_hash, s1), (unsigned long long)b->block_number,
				      ssp_aud_hex32(ev->tx_hash, s2), (unsigned long long)ev->block_number);
		} else {
			minted_after = b->has_tx && b->block_number > a->chain->to_block;
			if ((b->state == SSP_EXPORT_MINTED || b->state == SSP_EXPORT_FINAL) && !minted_after)
				ssp_aud_issue(a, SSP_AK_BATCH_NOT_MINTED, b->id, h->first_seq,
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
	rc = add_row(a, b, m);
	if (rc != 0)
		return rc;

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
			ssp_aud_issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: signer %s signs twice", (long long)b->id,
			      ssp_aud_addr(b->sigs[i].signer, a1));
			continue;
		}
		if (ssp_recover(digest, b->sigs[i].sig, signer) != 0) {
			ssp_aud_issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: the signature of %s is not a valid signature", (long long)b->id,
			      ssp_aud_addr(b->sigs[i].signer, a1));
			continue;
		}
		if (memcmp(signer, b->sigs[i].signer, SSP_ADDR_LEN) != 0) {
			ssp_aud_issue(a, SSP_AK_BATCH_SIG_INVALID, b->id, h->first_seq,
			      "batch %lld: the signature said to be by %s recovers to %s (forged, or made over other data)",
			      (long long)b->id, ssp_aud_addr(b->sigs[i].signer, a1), ssp_aud_addr(signer, a2));
			continue;
		}
		if (c->accept != NULL) {
			if (!ssp_aud_set_has(c->accept, signer)) {
				ssp_aud_issue(a, SSP_AK_BATCH_SIGNER, b->id, h->first_seq,
				      "batch %lld: signed by %s, not a signer of the minter %s",
				      (long long)b->id, ssp_aud_addr(signer, a1),
				      m != NULL ? "when it was minted" : "at the audited block");
				continue;
			}
		} else if (c->offline_signers != NULL) {
			memcpy(c->offline_signers[c->noffline++], signer, SSP_ADDR_LEN);
		}
		accepted++;
	}
	if (m != NULL && accepted < c->accept->threshold)
		ssp_aud_issue(a, SSP_AK_BATCH_THRESHOLD, b->id, h->first_seq,
		      "batch %lld: %zu accepted signatures, the minter required %llu when it was minted",
		      (long long)b->id, accepted, (unsigned long long)c->accept->threshold);
	return 0;
}

static int cmp_pay(const void *x, const void *y)
{
	return memcmp(((const struct pay *)x)->ben, ((const struct pay *)y)->ben, SSP_ADDR_LEN);
}

/* Recomputes root, payouts and total of the current batch from its claims. */
int ssp_aud_end_batch(struct audit *a)
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
		ssp_aud_issue(a, SSP_AK_BATCH_INCOMPLETE, b->id, h->first_seq + first_missing,
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
		ssp_aud_issue(a, SSP_AK_CLAIMS_ROOT, b->id, h->first_seq,
		      "batch %lld (seqs %llu..%llu): its claims hash to %s, the batch says %s",
		      (long long)b->id, (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
		      ssp_aud_hex32(root, s1), ssp_aud_hex32(h->claims_root, s2));
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
		ssp_aud_issue(a, SSP_AK_TOTAL_CREDIT, b->id, h->first_seq,
		      "batch %lld: its claims' credit overflows 64 bits", (long long)b->id);
		goto out;
	}
	if (np != b->npayouts) {
		ssp_aud_issue(a, SSP_AK_PAYOUTS, b->id, h->first_seq,
		      "batch %lld: %zu payouts exported, its claims pay %zu beneficiaries",
		      (long long)b->id, b->npayouts, np);
	} else {
		for (size_t i = 0; i < np; i++)
			if (memcmp(po[i].beneficiary, b->payouts[i].beneficiary, SSP_ADDR_LEN) != 0 ||
			    po[i].credit != b->payouts[i].credit) {
				char a1[SSP_ADDR_STRLEN];

				ssp_aud_issue(a, SSP_AK_PAYOUTS, b->id, h->first_seq,
				      "batch %lld: exported payout %zu is %s %llu, its claims pay %s %llu",
				      (long long)b->id, i, ssp_aud_addr(b->payouts[i].beneficiary, a1),
				      (unsigned long long)b->payouts[i].credit,
				      ssp_aud_addr(po[i].beneficiary, s1), (unsigned long long)po[i].credit);
				break;
			}
	}
	rc = ssp_payouts_hash(po, np, phash);
	if (rc != 0)
		goto out;
	if (memcmp(phash, h->payouts_hash, 32) != 0)
		ssp_aud_issue(a, SSP_AK_PAYOUTS_HASH, b->id, h->first_seq,
		      "batch %lld: the signed payoutsHash %s is not the hash of its claims' payouts %s",
		      (long long)b->id, ssp_aud_hex32(h->payouts_hash, s1), ssp_aud_hex32(phash, s2));
	if (total != h->total_credit)
		ssp_aud_issue(a, SSP_AK_TOTAL_CREDIT, b->id, h->first_seq,
		      "batch %lld: totalCredit %llu, its claims sum to %llu", (long long)b->id,
		      (unsigned long long)h->total_credit, (unsigned long long)total);
out:
	free(po);
	ssp_aud_cur_free(c);
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
			ssp_aud_issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: %s", SSP_EXPORT_BATCHES_FILE, em.msg);
			a->br_eof = 1;
			return 0;
		}
		rc = ssp_export_batch_parse(line, len, b, &em);
		if (rc == SSP_ERR_NOMEM)
			return rc;
		if (rc != 0) {
			ssp_aud_issue(a, SSP_AK_BATCH_MALFORMED, 0, 0, "%s line %llu: %s", SSP_EXPORT_BATCHES_FILE,
			      (unsigned long long)ssp_ndjson_reader_lines(a->br), em.msg);
			continue;
		}
		if (memcmp(b->header.project, a->project, 32) != 0) {
			ssp_aud_issue(a, SSP_AK_BATCH_MALFORMED, b->id, b->header.first_seq,
			      "batch %lld is of another project", (long long)b->id);
			ssp_export_batch_clear(b);
			continue;
		}
		if (a->have_prev && b->header.first_seq <= a->prev_last) {
			ssp_aud_issue(a, SSP_AK_BATCH_ORDER, b->id, b->header.first_seq,
			      "batch %lld (seqs %llu..%llu) overlaps or precedes the batch before it (up to seq %llu)",
			      (long long)b->id, (unsigned long long)b->header.first_seq,
			      (unsigned long long)b->header.last_seq, (unsigned long long)a->prev_last);
			ssp_export_batch_clear(b);
			continue;
		}
		if (b->header.first_seq != a->prev_last + 1)
			ssp_aud_issue(a, SSP_AK_BATCH_ORDER, b->id, b->header.first_seq,
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
int ssp_aud_advance_batches(struct audit *a, uint64_t seq)
{
	ssp_export_batch b;
	int rc;

	while (!a->cur.active || a->cur.b.header.last_seq < seq) {
		if (a->cur.active) {
			rc = ssp_aud_end_batch(a);
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
