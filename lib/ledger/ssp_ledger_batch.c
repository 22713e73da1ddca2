/* Ledger: sealed, signed ShareBatches, their payouts, signatures and states. */
#include "ledger/ssp_ledger_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/ssp_err.h"

static const char SQL_LAST_BATCHED_SEQ[] =
	"SELECT coalesce(max(last_seq), 0) FROM batches WHERE project_id = ?1";

/* INDEXED BY: the partial index holds only unbatched claims; the primary key would walk
 * every claim ever batched first. */
static const char SQL_UNBATCHED_LIST[] =
	"SELECT " SSP_LEDGER_CLAIM_COLS
	" FROM claims c INDEXED BY claims_unbatched"
	" JOIN credits r ON r.project_id = c.project_id AND r.result_id = c.result_id"
	" WHERE c.project_id = ?1 AND c.batch_id IS NULL ORDER BY c.seq LIMIT ?2";

static const char SQL_BATCH_INSERT[] =
	"INSERT INTO batches (project_id, first_seq, last_seq, nclaims, claims_root, payouts_hash,"
	" total_credit, state, reason, sealed_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'SEALED', NULL, ?8, ?8)";

static const char SQL_PAYOUT_INSERT[] =
	"INSERT INTO batch_payouts (batch_id, beneficiary, credit) VALUES (?1, ?2, ?3)";

static const char SQL_SIG_INSERT[] =
	"INSERT INTO batch_signatures (batch_id, signer, sig, added_at) VALUES (?1, ?2, ?3, ?4)";

static const char SQL_SIG_GET[] =
	"SELECT sig FROM batch_signatures WHERE batch_id = ?1 AND signer = ?2";

static const char SQL_CLAIMS_SET_BATCH[] =
	"UPDATE claims SET batch_id = ?1"
	" WHERE project_id = ?2 AND seq BETWEEN ?3 AND ?4 AND batch_id IS NULL";

static const char SQL_BATCH_GET[] =
	"SELECT p.project, b.first_seq, b.last_seq, b.nclaims, b.claims_root, b.payouts_hash,"
	" b.total_credit, b.state, b.reason, b.sealed_at, b.updated_at"
	" FROM batches b JOIN projects p ON p.id = b.project_id WHERE b.id = ?1";

static const char SQL_BATCH_PAYOUTS[] =
	"SELECT beneficiary, credit FROM batch_payouts WHERE batch_id = ?1 ORDER BY beneficiary";

static const char SQL_BATCH_SIGS[] =
	"SELECT signer, sig FROM batch_signatures WHERE batch_id = ?1 ORDER BY signer";

static const char SQL_BATCH_NEXT[] =
	"SELECT id FROM batches WHERE project_id = ?1 AND state = 'SEALED' ORDER BY first_seq LIMIT 1";

static const char SQL_BATCH_STATE_GET[] = "SELECT state FROM batches WHERE id = ?1";

static const char SQL_BATCH_STATE_SET[] =
	"UPDATE batches SET state = ?2, reason = ?3, updated_at = ?4 WHERE id = ?1";

static const char SQL_BATCHES_IN_STATE[] =
	"SELECT id FROM batches WHERE project_id = ?1 AND state = ?2 ORDER BY first_seq";

static const char *const batch_state_names[] = {
	[SSP_BATCH_SEALED] = "SEALED",
	[SSP_BATCH_SUBMITTED] = "SUBMITTED",
	[SSP_BATCH_MINTED] = "MINTED",
	[SSP_BATCH_FINAL] = "FINAL",
	[SSP_BATCH_FAILED] = "FAILED",
};

#define NSTATES (sizeof(batch_state_names) / sizeof(batch_state_names[0]))

const char *ssp_ledger_batch_state_name(int state)
{
	return ssp_ledger_state_name(batch_state_names, NSTATES, state);
}

static int batch_state_parse(const unsigned char *t)
{
	return ssp_ledger_state_parse(batch_state_names, NSTATES, t);
}

/* May a batch go from state `from` to `to`? (The same state is allowed: a retry.) */
static int batch_transition_ok(int from, int to)
{
	if (from == to)
		return 1;
	switch (from) {
	case SSP_BATCH_SEALED:
		return to == SSP_BATCH_SUBMITTED || to == SSP_BATCH_FAILED;
	case SSP_BATCH_SUBMITTED:
		return to == SSP_BATCH_MINTED || to == SSP_BATCH_FAILED || to == SSP_BATCH_SEALED;
	case SSP_BATCH_MINTED:
		return to == SSP_BATCH_FINAL || to == SSP_BATCH_SEALED ||
		       to == SSP_BATCH_SUBMITTED || to == SSP_BATCH_FAILED;
	case SSP_BATCH_FAILED:
		return to == SSP_BATCH_SEALED;
	default: /* FINAL */
		return 0;
	}
}

void ssp_ledger_batch_clear(ssp_ledger_batch *b)
{
	if (b == NULL)
		return;
	free(b->payouts);
	free(b->sigs);
	memset(b, 0, sizeof(*b));
}

/* Steps st for a single value (the first column as int64); *found = 0 when no row. */
static int step_i64(sqlite3_stmt *st, int64_t *v, int *found)
{
	int rc = sqlite3_step(st);

	*found = 0;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ssp_ledger_sqlerr(rc);
	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
		return SSP_ERR_SCHEMA;
	*v = sqlite3_column_int64(st, 0);
	*found = 1;
	return 0;
}

/* Reads up to max unbatched claims of project in seq order, stopping before the total
 * credit would pass INT64_MAX. *claims is caller-freed. */
static int unbatched_claims(ssp_ledger *l, const uint8_t project[32], int64_t pid, size_t max,
			    ssp_claim **claims, size_t *n)
{
	sqlite3_stmt *st = NULL;
	ssp_claim *v = NULL, *nv, c;
	size_t len = 0, cap = 0;
	uint64_t total = 0;
	int r, rc;

	*claims = NULL;
	*n = 0;
	r = ssp_ledger_stmt(l, SSP_ST_UNBATCHED_LIST, SQL_UNBATCHED_LIST, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_i64(st, 2, (int64_t)max)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = ssp_ledger_claim_row(st, project, &c, NULL, NULL);
		if (r != 0)
			goto out;
		if (c.credit > (uint64_t)INT64_MAX - total)
			break; /* the next batch starts with this claim */
		total += c.credit;
		if (len == cap) {
			cap = cap ? 2 * cap : (max < 256 ? max : 256);
			if (cap > max)
				cap = max;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				r = SSP_ERR_NOMEM;
				goto out;
			}
			v = nv;
		}
		v[len++] = c;
		if (len == max)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*claims = v;
	*n = len;
	v = NULL;
out:
	ssp_ledger_stmt_done(st);
	free(v);
	return r;
}

static int last_batched_seq(ssp_ledger *l, int64_t pid, int64_t *seq)
{
	sqlite3_stmt *st = NULL;
	int r, found;

	r = ssp_ledger_stmt(l, SSP_ST_LAST_BATCHED_SEQ, SQL_LAST_BATCHED_SEQ, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0)
		goto out;
	r = step_i64(st, seq, &found);
	if (r == 0 && !found)
		r = SSP_ERR_INTERNAL;
out:
	ssp_ledger_stmt_done(st);
	return r;
}

/* Runs a prepared write statement to completion; *changes = rows changed. */
static int step_done(ssp_ledger *l, sqlite3_stmt *st, int *changes)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return ssp_ledger_sqlerr(rc);
	if (changes != NULL)
		*changes = sqlite3_changes(l->db);
	return 0;
}

static int sig_insert(ssp_ledger *l, int64_t id, const uint8_t signer[20], const uint8_t sig[65])
{
	sqlite3_stmt *st = NULL;
	int r;

	r = ssp_ledger_stmt(l, SSP_ST_SIG_INSERT, SQL_SIG_INSERT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 2, signer, 20)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 3, sig, 65)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 4, ssp_ledger_now())) != 0)
		goto out;
	r = step_done(l, st, NULL);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

/* Stores the sealed batch of project pid (inside the caller's transaction); *id = its rowid. */
static int batch_store(ssp_ledger *l, int64_t pid, const ssp_batch *b, uint64_t nclaims,
		       const ssp_payout *p, size_t np, const uint8_t signer[20],
		       const uint8_t sig[65], int64_t *id)
{
	sqlite3_stmt *st = NULL;
	uint64_t now = ssp_ledger_now();
	int r, changes = 0;

	r = ssp_ledger_stmt(l, SSP_ST_BATCH_INSERT, SQL_BATCH_INSERT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, b->first_seq)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, b->last_seq)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 4, nclaims)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 5, b->claims_root, 32)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 6, b->payouts_hash, 32)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 7, b->total_credit)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 8, now)) != 0)
		goto out;
	if ((r = step_done(l, st, NULL)) != 0)
		goto out;
	*id = sqlite3_last_insert_rowid(l->db);
	ssp_ledger_stmt_done(st);

	r = ssp_ledger_stmt(l, SSP_ST_PAYOUT_INSERT, SQL_PAYOUT_INSERT, &st);
	if (r != 0)
		goto out;
	for (size_t i = 0; i < np; i++) {
		if ((r = ssp_ledger_bind_i64(st, 1, *id)) != 0 ||
		    (r = ssp_ledger_bind_blob(st, 2, p[i].beneficiary, 20)) != 0 ||
		    (r = ssp_ledger_bind_u64(st, 3, p[i].credit)) != 0)
			goto out;
		if ((r = step_done(l, st, NULL)) != 0)
			goto out;
		ssp_ledger_stmt_done(st);
	}
	st = NULL;

	if ((r = sig_insert(l, *id, signer, sig)) != 0)
		goto out;

	r = ssp_ledger_stmt(l, SSP_ST_CLAIMS_SET_BATCH, SQL_CLAIMS_SET_BATCH, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, *id)) != 0 ||
	    (r = ssp_ledger_bind_i64(st, 2, pid)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, b->first_seq)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 4, b->last_seq)) != 0)
		goto out;
	if ((r = step_done(l, st, &changes)) != 0)
		goto out;
	if ((uint64_t)changes != nclaims)
		r = SSP_ERR_INTERNAL;
out:
	ssp_ledger_stmt_done(st);
	return r;
}

/* What ssp_batch_seal returned must describe exactly these claims. */
static int seal_check(const ssp_claim *c, size_t n, const ssp_batch *b, const ssp_payout *p,
		      size_t np)
{
	uint64_t sum = 0, psum = 0;

	for (size_t i = 0; i < n; i++)
		sum += c[i].credit; /* cannot overflow: capped at INT64_MAX when read */
	for (size_t i = 0; i < np; i++) {
		if (p[i].credit > UINT64_MAX - psum)
			return SSP_ERR_INTERNAL;
		psum += p[i].credit;
		if (i > 0 && memcmp(p[i - 1].beneficiary, p[i].beneficiary, 20) >= 0)
			return SSP_ERR_INTERNAL;
	}
	if (memcmp(b->project, c[0].project, 32) != 0 || b->first_seq != c[0].seq ||
	    b->last_seq != c[n - 1].seq || b->total_credit != sum || psum != sum || np == 0)
		return SSP_ERR_INTERNAL;
	return 0;
}

int ssp_ledger_seal_batch(ssp_ledger *l, const uint8_t project[32], size_t max_claims,
			  const uint8_t signer[20], ssp_batch_signer sign, void *ctx,
			  int64_t *batch_id)
{
	ssp_claim *claims = NULL;
	ssp_payout *payouts = NULL;
	ssp_batch b;
	uint8_t sig[65];
	size_t n = 0, np = 0;
	int64_t last = 0, id = 0, pid = 0;
	int r;

	if (batch_id != NULL)
		*batch_id = 0;
	if (l == NULL || project == NULL || signer == NULL || sign == NULL || batch_id == NULL ||
	    max_claims == 0 || max_claims > SSP_LEDGER_MAX_BATCH_CLAIMS)
		return SSP_ERR_INVAL;
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		return r;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r == SSP_ERR_NOT_FOUND) {
		r = ssp_ledger_commit(l); /* no claims at all */
		goto out;
	}
	if (r != 0)
		goto out;
	if ((r = last_batched_seq(l, pid, &last)) != 0 ||
	    (r = unbatched_claims(l, project, pid, max_claims, &claims, &n)) != 0)
		goto out;
	if (n == 0) {
		r = ssp_ledger_commit(l);
		goto out;
	}
	/* Batches tile the seq line: this one starts right after the previous one. */
	for (size_t i = 0; i < n; i++)
		if (claims[i].seq != (uint64_t)last + 1 + i) {
			r = SSP_ERR_INTERNAL;
			goto out;
		}
	memset(&b, 0, sizeof(b));
	if ((r = ssp_batch_seal(claims, n, &b, &payouts, &np)) != 0 ||
	    (r = seal_check(claims, n, &b, payouts, np)) != 0)
		goto out;
	r = sign(ctx, &b, sig);
	if (r != 0) {
		if (r > 0)
			r = SSP_ERR_CRYPTO;
		goto out;
	}
	if ((r = batch_store(l, pid, &b, n, payouts, np, signer, sig, &id)) != 0)
		goto out;
	r = ssp_ledger_commit(l);
	if (r == 0)
		*batch_id = id;
out:
	if (r != 0)
		ssp_ledger_rollback(l);
	free(claims);
	free(payouts);
	return r;
}

/* Loads batch id into *out inside the caller's (read or write) transaction. */
static int batch_load(ssp_ledger *l, int64_t id, ssp_ledger_batch *out)
{
	sqlite3_stmt *st = NULL;
	ssp_ledger_batch b;
	size_t cap;
	int r, rc;

	memset(&b, 0, sizeof(b));
	b.id = id;
	r = ssp_ledger_row_by_id(l, SSP_ST_BATCH_GET, SQL_BATCH_GET, id, SSP_ERR_NOT_FOUND, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_col_blob(st, 0, b.header.project, 32)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 1, &b.header.first_seq)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 2, &b.header.last_seq)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 3, &b.nclaims)) != 0 ||
	    (r = ssp_ledger_col_blob(st, 4, b.header.claims_root, 32)) != 0 ||
	    (r = ssp_ledger_col_blob(st, 5, b.header.payouts_hash, 32)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 6, &b.header.total_credit)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 9, &b.sealed_at)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 10, &b.updated_at)) != 0)
		goto out;
	b.state = batch_state_parse(sqlite3_column_text(st, 7));
	if (b.state == 0) {
		r = SSP_ERR_SCHEMA;
		goto out;
	}
	ssp_ledger_col_reason(st, 8, b.reason);
	ssp_ledger_stmt_done(st);

	/* Payouts: one per distinct beneficiary, so at most nclaims of them. */
	r = ssp_ledger_stmt(l, SSP_ST_BATCH_PAYOUTS, SQL_BATCH_PAYOUTS, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0)
		goto out;
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = ssp_ledger_grow(&b.payouts, &cap, b.npayouts, 8, sizeof(*b.payouts));
		if (r != 0)
			goto out;
		if ((r = ssp_ledger_col_blob(st, 0, b.payouts[b.npayouts].beneficiary, 20)) != 0 ||
		    (r = ssp_ledger_col_u64(st, 1, &b.payouts[b.npayouts].credit)) != 0)
			goto out;
		b.npayouts++;
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);

	r = ssp_ledger_stmt(l, SSP_ST_BATCH_SIGS, SQL_BATCH_SIGS, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0)
		goto out;
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = ssp_ledger_grow(&b.sigs, &cap, b.nsigs, 4, sizeof(*b.sigs));
		if (r != 0)
			goto out;
		if ((r = ssp_ledger_col_blob(st, 0, b.sigs[b.nsigs].signer, 20)) != 0 ||
		    (r = ssp_ledger_col_blob(st, 1, b.sigs[b.nsigs].sig, 65)) != 0)
			goto out;
		b.nsigs++;
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*out = b;
	memset(&b, 0, sizeof(b));
out:
	ssp_ledger_stmt_done(st);
	ssp_ledger_batch_clear(&b);
	return r;
}

int ssp_ledger_batch_get(ssp_ledger *l, int64_t id, ssp_ledger_batch *out)
{
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (l == NULL || out == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_begin_read(l);
	if (r != 0)
		return r;
	r = batch_load(l, id, out);
	ssp_ledger_rollback(l);
	return r;
}

int ssp_ledger_batch_next_to_submit(ssp_ledger *l, const uint8_t project[32],
				    ssp_ledger_batch *out)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0, pid = 0;
	int r, found = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (l == NULL || project == NULL || out == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_begin_read(l);
	if (r != 0)
		return r;
	if ((r = ssp_ledger_project_id(l, project, 0, &pid)) != 0)
		goto out; /* SSP_ERR_NOT_FOUND: no batch at all */
	r = ssp_ledger_stmt(l, SSP_ST_BATCH_NEXT, SQL_BATCH_NEXT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = step_i64(st, &id, &found)) != 0)
		goto out;
	ssp_ledger_stmt_done(st);
	st = NULL;
	r = found ? batch_load(l, id, out) : SSP_ERR_NOT_FOUND;
out:
	ssp_ledger_stmt_done(st);
	ssp_ledger_rollback(l);
	return r;
}

int ssp_ledger_batches_in_state(ssp_ledger *l, const uint8_t project[32], int state,
				int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int64_t *v = NULL, pid = 0;
	size_t len = 0, cap = 0;
	int r, rc;

	if (ids != NULL)
		*ids = NULL;
	if (n != NULL)
		*n = 0;
	if (l == NULL || project == NULL || ids == NULL || n == NULL ||
	    strcmp(ssp_ledger_batch_state_name(state), "?") == 0)
		return SSP_ERR_INVAL;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r != 0)
		return r == SSP_ERR_NOT_FOUND ? 0 : r;
	r = ssp_ledger_stmt(l, SSP_ST_BATCHES_IN_STATE, SQL_BATCHES_IN_STATE, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 ||
	    (r = ssp_ledger_bind_text(st, 2, ssp_ledger_batch_state_name(state))) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = ssp_ledger_grow(&v, &cap, len, 16, sizeof(*v))) != 0)
			goto out;
		v[len++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*ids = len ? v : NULL;
	*n = len;
	if (len)
		v = NULL;
out:
	ssp_ledger_stmt_done(st);
	free(v);
	return r;
}

int ssp_ledger_batch_set_state(ssp_ledger *l, int64_t id, int state, const char *reason)
{
	sqlite3_stmt *st = NULL;
	char buf[SSP_LEDGER_REASON_MAX];
	int r, from;

	if (l == NULL || strcmp(ssp_ledger_batch_state_name(state), "?") == 0)
		return SSP_ERR_INVAL;
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		return r;
	r = ssp_ledger_row_by_id(l, SSP_ST_BATCH_STATE_GET, SQL_BATCH_STATE_GET, id,
				 SSP_ERR_NOT_FOUND, &st);
	if (r != 0)
		goto out;
	from = batch_state_parse(sqlite3_column_text(st, 0));
	if (from == 0) {
		r = SSP_ERR_SCHEMA;
		goto out;
	}
	ssp_ledger_stmt_done(st);
	st = NULL;
	if (!batch_transition_ok(from, state)) {
		r = SSP_ERR_STATE;
		goto out;
	}
	r = ssp_ledger_stmt(l, SSP_ST_BATCH_STATE_SET, SQL_BATCH_STATE_SET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0 ||
	    (r = ssp_ledger_bind_text(st, 2, ssp_ledger_batch_state_name(state))) != 0 ||
	    (r = ssp_ledger_bind_reason(st, 3, reason, buf)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 4, ssp_ledger_now())) != 0)
		goto out;
	if ((r = step_done(l, st, NULL)) != 0)
		goto out;
	ssp_ledger_stmt_done(st);
	st = NULL;
	r = ssp_ledger_commit(l);
out:
	ssp_ledger_stmt_done(st);
	if (r != 0)
		ssp_ledger_rollback(l);
	return r;
}

int ssp_ledger_batch_add_signature(ssp_ledger *l, int64_t id, const uint8_t signer[20],
				   const uint8_t sig[65])
{
	sqlite3_stmt *st = NULL;
	uint8_t old[65];
	int r, rc;

	if (l == NULL || signer == NULL || sig == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		return r;
	r = ssp_ledger_row_by_id(l, SSP_ST_BATCH_STATE_GET, SQL_BATCH_STATE_GET, id,
				 SSP_ERR_NOT_FOUND, &st);
	if (r != 0)
		goto out;
	ssp_ledger_stmt_done(st);
	r = ssp_ledger_stmt(l, SSP_ST_SIG_GET, SQL_SIG_GET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 2, signer, 20)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r = ssp_ledger_col_blob(st, 0, old, 65);
		if (r == 0)
			r = memcmp(old, sig, 65) == 0 ? 0 : SSP_ERR_EXISTS;
		goto out; /* nothing to write: r decides between commit-free success and error */
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);
	st = NULL;
	if ((r = sig_insert(l, id, signer, sig)) != 0)
		goto out;
	r = ssp_ledger_commit(l);
out:
	ssp_ledger_stmt_done(st);
	ssp_ledger_rollback(l); /* no-op after a commit */
	return r;
}
