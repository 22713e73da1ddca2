/* Ledger: signed ShareClaims, seq gap-free per project from 1, in signing order. */
#include "ledger/ssp_ledger_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/ssp_err.h"

/* Credits read per round while claiming: bounds memory whatever a user's backlog. */
#define CLAIM_CHUNK 256

static const char SQL_NEXT_SEQ[] =
	"SELECT coalesce(max(seq), 0) + 1 FROM claims WHERE project_id = ?1";

/* INDEXED BY: without statistics the planner would walk the primary key (every credit of
 * the project) for the ORDER BY; the partial index holds only this user's unclaimed ones. */
static const char SQL_UNCLAIMED_OF_USER[] =
	"SELECT result_id, workunit_id, host_id, credit, result_digest, granted_at"
	" FROM credits INDEXED BY credits_unclaimed"
	" WHERE project_id = ?1 AND user_id = ?2 AND claimed = 0 AND result_id > ?3"
	" ORDER BY result_id LIMIT ?4";

static const char SQL_CLAIM_INSERT[] =
	"INSERT INTO claims (project_id, seq, result_id, beneficiary, signature, signed_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static const char SQL_CLAIM_BY_SEQ[] =
	"SELECT " SSP_LEDGER_CLAIM_COLS SSP_LEDGER_CLAIM_FROM
	" WHERE c.project_id = ?1 AND c.seq = ?2";

static const char SQL_CLAIM_BY_RESULT[] =
	"SELECT " SSP_LEDGER_CLAIM_COLS SSP_LEDGER_CLAIM_FROM
	" WHERE c.project_id = ?1 AND c.result_id = ?2";

static const char SQL_CLAIM_RANGE[] =
	"SELECT " SSP_LEDGER_CLAIM_COLS SSP_LEDGER_CLAIM_FROM
	" WHERE c.project_id = ?1 AND c.seq BETWEEN ?2 AND ?3 ORDER BY c.seq";

static const char SQL_UNBATCHED_STATS[] =
	"SELECT count(*), coalesce(min(signed_at), 0) FROM claims INDEXED BY claims_unbatched"
	" WHERE project_id = ?1 AND batch_id IS NULL";

int ssp_ledger_claim_row(sqlite3_stmt *st, const uint8_t project[32], ssp_claim *c,
			 uint8_t sig[65], int64_t *batch_id)
{
	uint8_t s[65];
	int r;

	memset(c, 0, sizeof(*c));
	memcpy(c->project, project, 32);
	if ((r = ssp_ledger_col_u64(st, 0, &c->seq)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 1, &c->result_id)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 2, &c->workunit_id)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 3, &c->user_id)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 4, &c->host_id)) != 0 ||
	    (r = ssp_ledger_col_blob(st, 5, c->beneficiary, 20)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 6, &c->credit)) != 0 ||
	    (r = ssp_ledger_col_blob(st, 7, c->result_digest, 32)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 8, &c->granted_at)) != 0 ||
	    (r = ssp_ledger_col_blob(st, 9, s, 65)) != 0)
		return r;
	if (sig != NULL)
		memcpy(sig, s, 65);
	if (batch_id != NULL)
		*batch_id = sqlite3_column_type(st, 10) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 10);
	return 0;
}

/* The next seq of project pid, inside or outside a transaction. */
static int next_seq(ssp_ledger *l, int64_t pid, uint64_t *seq)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = ssp_ledger_row_by_id(l, SSP_ST_NEXT_SEQ, SQL_NEXT_SEQ, pid, SSP_ERR_INTERNAL, &st);
	if (r != 0)
		goto out;
	r = ssp_ledger_col_u64(st, 0, seq);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_next_seq(ssp_ledger *l, const uint8_t project[32], uint64_t *seq)
{
	int64_t pid = 0;
	int r;

	if (l == NULL || project == NULL || seq == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r == SSP_ERR_NOT_FOUND) {
		*seq = 1; /* a project without credits yet */
		return 0;
	}
	if (r != 0)
		return r;
	return next_seq(l, pid, seq);
}

/* Up to CLAIM_CHUNK unclaimed credits of user with result_id > after, as claims without
 * seq and beneficiary. */
static int unclaimed_chunk(ssp_ledger *l, const uint8_t project[32], int64_t pid,
			   uint64_t user_id, int64_t after, ssp_claim *out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int r, rc = SQLITE_DONE;

	*n = 0;
	r = ssp_ledger_stmt(l, SSP_ST_UNCLAIMED_OF_USER, SQL_UNCLAIMED_OF_USER, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, user_id)) != 0 ||
	    (r = ssp_ledger_bind_i64(st, 3, after)) != 0 ||
	    (r = ssp_ledger_bind_i64(st, 4, CLAIM_CHUNK)) != 0)
		goto out;
	while (len < CLAIM_CHUNK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ssp_claim *c = &out[len];

		memset(c, 0, sizeof(*c));
		memcpy(c->project, project, 32);
		c->user_id = user_id;
		if ((r = ssp_ledger_col_u64(st, 0, &c->result_id)) != 0 ||
		    (r = ssp_ledger_col_u64(st, 1, &c->workunit_id)) != 0 ||
		    (r = ssp_ledger_col_u64(st, 2, &c->host_id)) != 0 ||
		    (r = ssp_ledger_col_u64(st, 3, &c->credit)) != 0 ||
		    (r = ssp_ledger_col_blob(st, 4, c->result_digest, 32)) != 0 ||
		    (r = ssp_ledger_col_u64(st, 5, &c->granted_at)) != 0)
			goto out;
		len++;
	}
	if (len < CLAIM_CHUNK && rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*n = len;
out:
	ssp_ledger_stmt_done(st);
	return r;
}

static int claim_insert(ssp_ledger *l, int64_t pid, const ssp_claim *c, const uint8_t sig[65],
			uint64_t now)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	r = ssp_ledger_stmt(l, SSP_ST_CLAIM_INSERT, SQL_CLAIM_INSERT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, c->seq)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, c->result_id)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 4, c->beneficiary, 20)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 5, sig, 65)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 6, now)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		r = ssp_ledger_sqlerr(rc);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_claim_credits(ssp_ledger *l, const uint8_t project[32], uint64_t user_id,
			     const uint8_t beneficiary[20], ssp_claim_signer sign, void *ctx,
			     size_t *nclaimed)
{
	ssp_claim *chunk = NULL;
	uint8_t sig[65];
	uint64_t seq = 0, now = ssp_ledger_now();
	int64_t after = -1, pid = 0;
	size_t n, count = 0;
	int r;

	if (nclaimed != NULL)
		*nclaimed = 0;
	if (l == NULL || project == NULL || beneficiary == NULL || sign == NULL)
		return SSP_ERR_INVAL;
	if (user_id > INT64_MAX)
		return SSP_ERR_RANGE;
	chunk = malloc(CLAIM_CHUNK * sizeof(*chunk));
	if (chunk == NULL)
		return SSP_ERR_NOMEM;
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		goto out_free;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r == SSP_ERR_NOT_FOUND) {
		r = ssp_ledger_commit(l); /* no credit at all for this project */
		goto out;
	}
	if (r != 0)
		goto out;
	r = next_seq(l, pid, &seq);
	if (r != 0)
		goto out;
	do {
		r = unclaimed_chunk(l, project, pid, user_id, after, chunk, &n);
		if (r != 0)
			goto out;
		for (size_t i = 0; i < n; i++) {
			ssp_claim *c = &chunk[i];

			if (seq > INT64_MAX) {
				r = SSP_ERR_RANGE;
				goto out;
			}
			c->seq = seq;
			memcpy(c->beneficiary, beneficiary, 20);
			r = sign(ctx, c, sig);
			if (r != 0) {
				if (r > 0)
					r = SSP_ERR_CRYPTO;
				goto out;
			}
			r = claim_insert(l, pid, c, sig, now);
			if (r != 0)
				goto out;
			seq++;
			count++;
			after = (int64_t)c->result_id;
		}
	} while (n == CLAIM_CHUNK);
	r = ssp_ledger_commit(l);
out:
	if (r != 0)
		ssp_ledger_rollback(l);
	else if (nclaimed != NULL)
		*nclaimed = count;
out_free:
	free(chunk);
	return r;
}

/* Steps a one-row claim query whose parameters are bound. */
static int claim_one(ssp_ledger *l, sqlite3_stmt *st, const uint8_t project[32], ssp_claim *c,
		     uint8_t sig[65], int64_t *batch_id)
{
	int rc = sqlite3_step(st);

	(void)l;
	if (rc == SQLITE_DONE)
		return SSP_ERR_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return ssp_ledger_sqlerr(rc);
	return ssp_ledger_claim_row(st, project, c, sig, batch_id);
}

/* One claim of project by the query of slot id (sql), its ?2 bound to key. */
static int claim_get(ssp_ledger *l, int id, const char *sql, const uint8_t project[32],
		     uint64_t key, ssp_claim *c, uint8_t sig[65], int64_t *batch_id)
{
	sqlite3_stmt *st = NULL;
	int64_t pid = 0;
	int r;

	if (l == NULL || project == NULL || c == NULL)
		return SSP_ERR_INVAL;
	if ((r = ssp_ledger_project_id(l, project, 0, &pid)) != 0)
		return r;
	r = ssp_ledger_stmt(l, id, sql, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, key)) != 0)
		goto out;
	r = claim_one(l, st, project, c, sig, batch_id);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_get_claim_by_result(ssp_ledger *l, const uint8_t project[32], uint64_t result_id,
				   ssp_claim *c, uint8_t sig[65])
{
	return claim_get(l, SSP_ST_CLAIM_BY_RESULT, SQL_CLAIM_BY_RESULT, project, result_id, c,
			 sig, NULL);
}

int ssp_ledger_get_claim(ssp_ledger *l, const uint8_t project[32], uint64_t seq, ssp_claim *c,
			 uint8_t sig[65], int64_t *batch_id)
{
	return claim_get(l, SSP_ST_CLAIM_BY_SEQ, SQL_CLAIM_BY_SEQ, project, seq, c, sig, batch_id);
}

int ssp_ledger_claims_foreach(ssp_ledger *l, const uint8_t project[32], uint64_t first_seq,
			      uint64_t last_seq, ssp_claim_visitor fn, void *ctx)
{
	sqlite3_stmt *st = NULL;
	ssp_claim c;
	uint8_t sig[65];
	int64_t batch_id, pid = 0;
	int r, rc, in_txn = 0;

	if (l == NULL || project == NULL || fn == NULL)
		return SSP_ERR_INVAL;
	if (first_seq > last_seq)
		return 0;
	/* Clamp to SQLite's range: seqs never exceed INT64_MAX. */
	if (first_seq > INT64_MAX)
		return 0;
	if (last_seq > INT64_MAX)
		last_seq = INT64_MAX;
	r = ssp_ledger_begin_read(l);
	if (r != 0)
		return r;
	in_txn = 1;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r != 0) {
		if (r == SSP_ERR_NOT_FOUND)
			r = 0; /* no claims at all */
		goto out;
	}
	r = ssp_ledger_stmt(l, SSP_ST_CLAIM_RANGE, SQL_CLAIM_RANGE, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, first_seq)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, last_seq)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = ssp_ledger_claim_row(st, project, &c, sig, &batch_id);
		if (r != 0)
			goto out;
		r = fn(ctx, &c, sig, batch_id);
		if (r != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = ssp_ledger_sqlerr(rc);
out:
	ssp_ledger_stmt_done(st);
	if (in_txn)
		ssp_ledger_rollback(l); /* a read snapshot: nothing to commit */
	return r;
}

int ssp_ledger_unbatched_stats(ssp_ledger *l, const uint8_t project[32], uint64_t *count,
			       uint64_t *oldest_signed_at)
{
	sqlite3_stmt *st = NULL;
	uint64_t cnt = 0, oldest = 0;
	int64_t pid = 0;
	int r;

	if (l == NULL || project == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r == SSP_ERR_NOT_FOUND) {
		r = 0; /* no claims at all */
		goto done;
	}
	if (r != 0)
		return r;
	r = ssp_ledger_row_by_id(l, SSP_ST_UNBATCHED_STATS, SQL_UNBATCHED_STATS, pid,
				 SSP_ERR_INTERNAL, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_col_u64(st, 0, &cnt)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 1, &oldest)) != 0)
		goto out;
done:
	if (count != NULL)
		*count = cnt;
	if (oldest_signed_at != NULL)
		*oldest_signed_at = oldest;
out:
	ssp_ledger_stmt_done(st);
	return r;
}
