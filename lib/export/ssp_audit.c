/* The audit engine: streams the export's batches and claims side by side (both in seq order),
 * parses, hashes and recovers claims on worker threads, and checks everything ssp_audit.h
 * lists against the chain's events. */
#include "export/ssp_audit_int.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "boinc/ssp_receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ claims */

/* Reads the next receipts line into a->rec_*: 1, or 0 at the end (errors are discrepancies). */
static int next_receipt(struct audit *a)
{
	const char *line;
	size_t len;
	ssp_errmsg em;
	int rc;

	while (!a->rr_eof) {
		free(a->rec_text);
		a->rec_text = NULL;
		memset(&em, 0, sizeof em);
		rc = ssp_ndjson_read_line(a->rr, &line, &len, &em);
		if (rc == 0) {
			a->rr_eof = 1;
			break;
		}
		if (rc < 0) {
			ssp_aud_issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: %s", SSP_EXPORT_RECEIPTS_FILE, em.msg);
			a->rr_eof = 1;
			break;
		}
		rc = ssp_export_receipt_parse(line, len, &a->rec_seq, &a->rec_result, &a->rec_text,
					      &a->rec_len, &em);
		if (rc == SSP_ERR_NOMEM)
			return rc;
		if (rc != 0) {
			ssp_aud_issue(a, SSP_AK_RECEIPT_MALFORMED, 0, 0, "%s line %llu: %s",
				      SSP_EXPORT_RECEIPTS_FILE,
				      (unsigned long long)ssp_ndjson_reader_lines(a->rr), em.msg);
			continue;
		}
		if (a->rec_seq <= a->rec_prev) {
			ssp_aud_issue(a, SSP_AK_RECEIPT_MALFORMED, 0, a->rec_seq,
				      "%s line %llu: seq %llu comes again or out of order",
				      SSP_EXPORT_RECEIPTS_FILE,
				      (unsigned long long)ssp_ndjson_reader_lines(a->rr),
				      (unsigned long long)a->rec_seq);
			continue;
		}
		a->rec_prev = a->rec_seq;
		a->have_rec = 1;
		return 1;
	}
	a->have_rec = 0;
	return 0;
}

/* Re-derives claim c's resultDigest from its archived receipt, when the export has one. */
static int check_receipt(struct audit *a, const ssp_claim *c, int64_t batch_id)
{
	ssp_receipt *r = NULL;
	ssp_errmsg em = { { 0 } };
	uint8_t digest[32];
	char s1[67], s2[67];
	int rc;

	while (!a->rr_eof && (!a->have_rec || a->rec_seq < c->seq)) {
		if (a->have_rec)
			ssp_aud_issue(a, SSP_AK_RECEIPT_MALFORMED, 0, a->rec_seq,
				      "%s: a receipt for seq %llu, which is no claim of the export",
				      SSP_EXPORT_RECEIPTS_FILE, (unsigned long long)a->rec_seq);
		rc = next_receipt(a);
		if (rc < 0)
			return rc;
	}
	if (!a->have_rec || a->rec_seq != c->seq) {
		a->r->receipts_missing++;
		return 0;
	}
	a->have_rec = 0;
	a->r->receipts_checked++;
	if (ssp_receipt_parse(a->rec_text, a->rec_len, &r, &em) != 0) {
		ssp_aud_issue(a, SSP_AK_RECEIPT_MALFORMED, batch_id, c->seq,
			      "the archived receipt of claim seq %llu (result %llu) does not parse: %s",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id, em.msg);
		return 0;
	}
	rc = ssp_receipt_digest(r, digest);
	if (rc != 0)
		goto out;
	if (memcmp(digest, c->result_digest, 32) != 0)
		ssp_aud_issue(a, SSP_AK_RECEIPT_MISMATCH, batch_id, c->seq,
			      "claim seq %llu (result %llu): its archived receipt's outputs hash to %s, the claim's resultDigest is %s (the receipt was altered, or is not this result's)",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      ssp_aud_hex32(digest, s1), ssp_aud_hex32(c->result_digest, s2));
	else if (a->rec_result != c->result_id || ssp_receipt_userid(r) != c->user_id ||
		 ssp_receipt_hostid(r) != c->host_id)
		ssp_aud_issue(a, SSP_AK_RECEIPT_MISMATCH, batch_id, c->seq,
			      "claim seq %llu (result %llu, user %llu, host %llu): its archived receipt is of result %llu, user %llu, host %llu",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      (unsigned long long)c->user_id, (unsigned long long)c->host_id,
			      (unsigned long long)a->rec_result,
			      (unsigned long long)ssp_receipt_userid(r),
			      (unsigned long long)ssp_receipt_hostid(r));
out:
	ssp_receipt_free(r);
	return rc;
}

/* Counts claim c for its user (BOINC's stats, the report) and its day. */
static int add_user(struct audit *a, const ssp_claim *c)
{
	struct user *u, *d;

	if ((a->users == NULL && ssp_u64map_new(sizeof(struct user), &a->users) != 0) ||
	    (a->days == NULL && ssp_u64map_new(sizeof(struct user), &a->days) != 0))
		return SSP_ERR_NOMEM;
	if ((u = ssp_u64map_upsert(a->users, c->user_id, NULL)) == NULL)
		return SSP_ERR_NOMEM;
	if (u->credit > UINT64_MAX - c->credit)
		u->overflow = 1;
	u->credit += c->credit;
	u->claims++;
	d = ssp_u64map_upsert(a->days, c->granted_at / 86400, NULL);
	if (d == NULL)
		return SSP_ERR_NOMEM;
	d->credit += c->credit;
	d->claims++;
	return 0;
}

static int consume(struct audit *a, const struct chunk *ch, const struct item *it)
{
	const ssp_export_claim *ec = &it->ec;
	const ssp_claim *c = &ec->claim;
	struct cur *cb = &a->cur;
	char a1[SSP_ADDR_STRLEN];
	int in_batch = 0, created, rc;

	(void)ch;
	if (it->parse_rc != 0) {
		ssp_aud_issue(a, SSP_AK_CLAIM_MALFORMED, 0, 0, "%s line %llu: %s", SSP_EXPORT_CLAIMS_FILE,
		      (unsigned long long)it->lineno, it->em.msg);
		return 0;
	}
	if (memcmp(c->project, a->project, 32) != 0) {
		ssp_aud_issue(a, SSP_AK_CLAIM_PROJECT, 0, c->seq, "claim seq %llu (line %llu) is of another project",
		      (unsigned long long)c->seq, (unsigned long long)it->lineno);
		return 0;
	}
	if (a->filtered && c->seq < a->filter_first)
		return a->o->stats != NULL ? add_user(a, c) : 0; /* before the batch: stats only */
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
				ssp_aud_issue(a, SSP_AK_SEQ_GAP, 0, a->expect,
				      "claim seq %llu is missing (the export goes from seq %llu to %llu)",
				      (unsigned long long)a->expect, (unsigned long long)a->expect - 1,
				      (unsigned long long)c->seq);
			else
				ssp_aud_issue(a, SSP_AK_SEQ_GAP, 0, a->expect,
				      "claims seq %llu..%llu are missing (the export goes from seq %llu to %llu)",
				      (unsigned long long)a->expect, (unsigned long long)c->seq - 1,
				      (unsigned long long)a->expect - 1, (unsigned long long)c->seq);
			a->expect = c->seq + 1;
		} else {
			ssp_aud_issue(a, SSP_AK_SEQ_DUPLICATE, 0, c->seq,
			      "claim seq %llu (line %llu) comes again or out of order (expected seq %llu)",
			      (unsigned long long)c->seq, (unsigned long long)it->lineno,
			      (unsigned long long)a->expect);
		}
	} else {
		a->expect++;
	}
	if (a->results == NULL && ssp_u64map_new(0, &a->results) != 0)
		return SSP_ERR_NOMEM;
	if (ssp_u64map_upsert(a->results, c->result_id, &created) == NULL)
		return SSP_ERR_NOMEM;
	if (!created)
		ssp_aud_issue(a, SSP_AK_RESULT_TWICE, ec->batch_id, c->seq,
		      "result %llu is claimed again by seq %llu", (unsigned long long)c->result_id,
		      (unsigned long long)c->seq);
	a->r->credit_claimed += c->credit;

	/* Its batch. */
	rc = ssp_aud_advance_batches(a, c->seq);
	if (rc != 0)
		return rc;
	if (cb->active && cb->n > 0 && cb->b.header.first_seq <= c->seq && c->seq <= cb->b.header.last_seq) {
		uint64_t idx = c->seq - cb->b.header.first_seq;

		in_batch = 1;
		if (ec->batch_id != cb->b.id)
			ssp_aud_issue(a, SSP_AK_CLAIM_BATCH, ec->batch_id, c->seq,
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
			ssp_aud_issue(a, SSP_AK_CLAIM_BATCH, ec->batch_id, c->seq,
			      "claim seq %llu says batch %lld, but no exported batch covers it",
			      (unsigned long long)c->seq, (long long)ec->batch_id);
	}

	/* Its signature. */
	if (it->sig_rc != 0) {
		ssp_aud_issue(a, SSP_AK_CLAIM_SIG_INVALID, ec->batch_id, c->seq,
		      "claim seq %llu (result %llu): the signature does not recover to any address",
		      (unsigned long long)c->seq, (unsigned long long)c->result_id);
	} else if (a->chain != NULL) {
		const struct version *v = in_batch && cb->accept ? cb->accept : &a->versions[a->head];

		if (!ssp_aud_set_has(v, it->signer))
			ssp_aud_issue(a, SSP_AK_CLAIM_SIGNER, ec->batch_id, c->seq,
			      "claim seq %llu (result %llu): the signature recovers to %s, not a signer of the minter %s (the claim was altered after signing, or signed by another key)",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      ssp_aud_addr(it->signer, a1),
			      in_batch && cb->mint ? "when its batch was minted" : "at the audited block");
	} else if (in_batch) {
		int ok = 0;

		for (size_t k = 0; k < cb->noffline && !ok; k++)
			ok = memcmp(cb->offline_signers[k], it->signer, SSP_ADDR_LEN) == 0;
		if (!ok)
			ssp_aud_issue(a, SSP_AK_CLAIM_SIGNER, ec->batch_id, c->seq,
			      "claim seq %llu (result %llu): the signature recovers to %s, none of its batch's signers (the claim was altered after signing, or signed by another key)",
			      (unsigned long long)c->seq, (unsigned long long)c->result_id,
			      ssp_aud_addr(it->signer, a1));
	}

	if (a->rr != NULL) {
		rc = check_receipt(a, c, ec->batch_id);
		if (rc != 0)
			return rc;
	}
	return add_user(a, c);
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
			ssp_aud_issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: %s", SSP_EXPORT_CLAIMS_FILE, em.msg);
			*eof = 1;
			break;
		}
		if (a->filtered) {
			uint64_t seq;

			if (ssp_export_line_peek_u64(line, len, "seq", &seq) == 0 &&
			    ((seq < a->filter_first && a->o->stats == NULL) || seq > a->filter_last)) {
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
	rc = ssp_aud_pool_start(p, nthreads);
	if (rc != 0)
		goto out;
	/* Double buffering: the workers process ch[k] while this thread reads ch[1 - k]. */
	rc = fill_chunk(a, r, &ch[0], &eof);
	if (rc != 0)
		goto out;
	if (ch[0].n > 0) {
		ssp_aud_pool_submit(p, &ch[0]);
		pending = 1;
	}
	while (pending) {
		struct chunk *cur = &ch[k], *nxt = &ch[1 - k];

		rc = fill_chunk(a, r, nxt, &eof);
		ssp_aud_pool_wait(p, cur);
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
			ssp_aud_pool_submit(p, nxt);
			pending = 1;
			k = 1 - k;
		}
	}
out:
	if (pending)
		ssp_aud_pool_wait(p, &ch[k]);
	ssp_aud_pool_stop(p);
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
		ssp_aud_issue(a, SSP_AK_EXPORT_FILE, 0, 0, "%s: read error while hashing", name);
		return;
	}
	if (memcmp(sha, f->sha256, 32) != 0 || bytes != f->bytes)
		ssp_aud_issue(a, SSP_AK_EXPORT_FILE, 0, 0,
		      "%s: SHA-256 %s (%llu bytes), the manifest says %s (%llu bytes): the file was changed",
		      name, ssp_hex_encode(sha, 32, s1, 0), (unsigned long long)bytes,
		      ssp_hex_encode(f->sha256, 32, s2, 0), (unsigned long long)f->bytes);
}

static int cmp_user_row(const void *x, const void *y)
{
	const ssp_audit_user_row *a = x, *b = y;

	return a->user_id < b->user_id ? -1 : a->user_id > b->user_id;
}

static int cmp_day_row(const void *x, const void *y)
{
	const ssp_audit_day_row *a = x, *b = y;

	return a->day < b->day ? -1 : a->day > b->day;
}

/* The per-user and per-day rows of the report, and, with stats, each user's claimed credit
 * against BOINC's total_credit. Users the stats leave out are counted apart. */
static int check_users(struct audit *a)
{
	const ssp_stats *s = a->o->stats;
	ssp_audit_report *r = a->r;
	size_t n = 0;

	size_t nusers = a->users ? ssp_u64map_count(a->users) : 0, pos = 0;
	uint64_t id;
	void *v;

	r->user_rows = calloc(nusers ? nusers : 1, sizeof *r->user_rows);
	r->day_rows = calloc(a->days && ssp_u64map_count(a->days) ? ssp_u64map_count(a->days) : 1,
			     sizeof *r->day_rows);
	if (r->user_rows == NULL || r->day_rows == NULL)
		return SSP_ERR_NOMEM;
	while (a->days && ssp_u64map_next(a->days, &pos, &id, &v)) {
		const struct user *dv = v;
		ssp_audit_day_row *d = &r->day_rows[n++];

		d->day = id;
		d->claims = dv->claims;
		d->credit = dv->credit;
	}
	r->nday_rows = n;
	qsort(r->day_rows, n, sizeof *r->day_rows, cmp_day_row);
	for (pos = 0; a->users && ssp_u64map_next(a->users, &pos, &id, &v);) {
		const struct user *u = v;
		ssp_audit_user_row *row;
		uint64_t total = 0, allow;

		row = &r->user_rows[r->nuser_rows++];
		row->user_id = id;
		row->claims = u->claims;
		row->credit = u->credit;
		if (s == NULL)
			continue;
		r->stats_users++;
		if (ssp_stats_credit(s, id, &total) != 0) {
			/* Not a discrepancy: BOINC leaves such users out of its statistics. */
			r->stats_unlisted_users++;
			r->stats_unlisted_claims += u->claims;
			r->stats_unlisted_credit += u->credit;
			continue;
		}
		row->in_stats = 1;
		row->stats_credit = total;
		/* Each claim's credit is llround(granted × 1e6): half a micro each, plus the stats'
		 * own 6-decimal printing. */
		allow = total + u->claims / 2 + 1;
		if (allow < total)
			allow = UINT64_MAX;
		if (u->overflow || u->credit > allow)
			ssp_aud_issue(a, SSP_AK_STATS_EXCEEDED, 0, 0,
			      "user %llu: %llu claims for %llu.%06llu cobblestones, BOINC's total_credit is %llu.%06llu",
			      (unsigned long long)id, (unsigned long long)u->claims,
			      (unsigned long long)(u->credit / 1000000), (unsigned long long)(u->credit % 1000000),
			      (unsigned long long)(total / 1000000), (unsigned long long)(total % 1000000));
	}
	qsort(r->user_rows, r->nuser_rows, sizeof *r->user_rows, cmp_user_row);
	return 0;
}

static void audit_free(struct audit *a)
{
	ssp_aud_cur_free(&a->cur);
	if (a->versions != NULL)
		for (size_t i = 0; i < a->nversions; i++)
			free(a->versions[i].a);
	free(a->versions);
	free(a->mints);
	ssp_u64map_free(a->results);
	ssp_u64map_free(a->users);
	ssp_u64map_free(a->days);
	free(a->rec_text);
	ssp_ndjson_reader_close(a->rr);
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
	rc = ssp_ndjson_reader_open(a->bpath, SSP_EXPORT_MAX_BATCH_LINE, a->r->manifest.batches.bytes,
				    &r, em);
	if (rc != 0)
		return rc;
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

int ssp_audit_stats_read(const char *path, ssp_stats **out, ssp_errmsg *em)
{
	char fdpath[64];
	int fd = -1, rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	rc = ssp_export_open_file(path, &fd, NULL, em);
	if (rc != 0)
		return rc;
	/* The descriptor just checked, not the name again (which could be swapped meanwhile). */
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	rc = ssp_stats_read(fdpath, out, em);
	close(fd);
	return rc;
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
			ssp_aud_issue(&a, SSP_AK_EXPORT_CHAIN, 0, 0,
			      "the export is for chain %llu minter %s, the audited chain is %llu minter %s",
			      (unsigned long long)r->manifest.chain_id, ssp_aud_addr(r->manifest.minter, a1),
			      (unsigned long long)a.chain->chain_id, ssp_aud_addr(a.chain->contract, a2));
		rc = ssp_aud_replay_chain(&a);
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
		rc = ssp_ndjson_reader_open(a.bpath, SSP_EXPORT_MAX_BATCH_LINE,
					    r->manifest.batches.bytes, &a.br, em);
		if (rc != 0)
			goto out;
	}
	rc = ssp_ndjson_reader_open(a.cpath, SSP_EXPORT_MAX_CLAIM_LINE, r->manifest.claims.bytes, &cr,
				    em);
	if (rc != 0)
		goto out;
	if (r->manifest.has_receipts) {
		char rpath[4200];

		r->receipts_published = 1;
		if (ssp_export_path(o->export_dir, SSP_EXPORT_RECEIPTS_FILE, rpath, sizeof rpath) != 0) {
			rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "export directory name too long");
			goto out;
		}
		rc = ssp_ndjson_reader_open(rpath, SSP_EXPORT_MAX_RECEIPT_LINE,
					    r->manifest.receipts.bytes, &a.rr, em);
		if (rc != 0)
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
	rc = ssp_aud_advance_batches(&a, UINT64_MAX);
	if (rc == 0)
		rc = ssp_aud_end_batch(&a);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "auditing the batches: %s", ssp_strerror(rc));
		goto out;
	}
	if (a.expect <= r->manifest.last_seq && !a.filtered)
		ssp_aud_issue(&a, SSP_AK_SEQ_GAP, 0, a.expect,
		      "claims seq %llu..%llu are missing (the manifest lists claims up to seq %llu)",
		      (unsigned long long)a.expect, (unsigned long long)r->manifest.last_seq,
		      (unsigned long long)r->manifest.last_seq);
	if (a.filtered && a.expect <= a.filter_last)
		ssp_aud_issue(&a, SSP_AK_SEQ_GAP, 0, a.expect, "claims seq %llu..%llu are missing",
		      (unsigned long long)a.expect, (unsigned long long)a.filter_last);
	if (a.rr != NULL && !a.filtered) {
		/* Receipts past the last claim. */
		while (a.have_rec || next_receipt(&a) == 1) {
			ssp_aud_issue(&a, SSP_AK_RECEIPT_MALFORMED, 0, a.rec_seq,
				      "%s: a receipt for seq %llu, which is no claim of the export",
				      SSP_EXPORT_RECEIPTS_FILE, (unsigned long long)a.rec_seq);
			a.have_rec = 0;
		}
		check_digest(&a, a.rr, SSP_EXPORT_RECEIPTS_FILE, &r->manifest.receipts);
		if (ssp_ndjson_reader_lines(a.rr) != r->manifest.receipts.lines)
			ssp_aud_issue(&a, SSP_AK_EXPORT_FILE, 0, 0, "%s has %llu lines, the manifest says %llu",
				      SSP_EXPORT_RECEIPTS_FILE, (unsigned long long)ssp_ndjson_reader_lines(a.rr),
				      (unsigned long long)r->manifest.receipts.lines);
	}
	check_digest(&a, cr, SSP_EXPORT_CLAIMS_FILE, &r->manifest.claims);
	if (a.br != NULL)
		check_digest(&a, a.br, SSP_EXPORT_BATCHES_FILE, &r->manifest.batches);
	if (!a.filtered) {
		if (ssp_ndjson_reader_lines(cr) != r->manifest.claims.lines)
			ssp_aud_issue(&a, SSP_AK_EXPORT_FILE, 0, 0, "%s has %llu lines, the manifest says %llu",
			      SSP_EXPORT_CLAIMS_FILE, (unsigned long long)ssp_ndjson_reader_lines(cr),
			      (unsigned long long)r->manifest.claims.lines);
		if (ssp_ndjson_reader_lines(a.br) != r->manifest.batches.lines)
			ssp_aud_issue(&a, SSP_AK_EXPORT_FILE, 0, 0, "%s has %llu lines, the manifest says %llu",
			      SSP_EXPORT_BATCHES_FILE, (unsigned long long)ssp_ndjson_reader_lines(a.br),
			      (unsigned long long)r->manifest.batches.lines);
		for (size_t i = 0; i < a.nmints; i++) {
			const ssp_chain_event *ev = a.mints[i].ev;
			char s1[67];

			if (a.mints[i].matched)
				continue;
			ssp_aud_issue(&a, SSP_AK_MINT_WITHOUT_BATCH, 0, ev->first_seq,
			      "BatchMinted in block %llu (tx %.18s…) minted seqs %llu..%llu, totalCredit %llu: no exported batch %s",
			      (unsigned long long)ev->block_number, ssp_aud_hex32(ev->tx_hash, s1),
			      (unsigned long long)ev->first_seq, (unsigned long long)ev->last_seq,
			      (unsigned long long)ev->total_credit,
			      ev->first_seq > r->manifest.last_seq ? "(it is beyond the export's last claim: is the export older than the audited blocks?)"
								   : "explains it");
		}
	}
	r->stats_checked = o->stats != NULL;
	rc = check_users(&a);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "out of memory");
		goto out;
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
