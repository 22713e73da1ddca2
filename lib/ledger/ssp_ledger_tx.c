/* Ledger: Ethereum transactions submitting batches, and account nonces. */
#include "ledger/ssp_ledger_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/ssp_err.h"
#include "core/ssp_hex.h"

static const char SQL_TX_INSERT[] =
	"INSERT INTO txs (batch_id, from_addr, nonce, max_fee, max_priority_fee, gas, raw, hash,"
	" state, created_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'SIGNED', ?9, ?9)";

static const char SQL_TX_REPLACE_OTHERS[] =
	"UPDATE txs SET state = 'REPLACED', updated_at = ?3"
	" WHERE from_addr = ?1 AND nonce = ?2 AND state IN ('SIGNED', 'SENT', 'DROPPED')";

#define TX_COLS \
	"SELECT id, batch_id, from_addr, nonce, max_fee, max_priority_fee, gas, raw, hash, state," \
	" block_number, block_hash, reason, created_at, updated_at FROM txs "

static const char SQL_TX_GET[] = TX_COLS "WHERE id = ?1";
static const char SQL_TX_GET_BY_HASH[] = TX_COLS "WHERE hash = ?1";
static const char SQL_TX_OF_BATCH[] = TX_COLS "WHERE batch_id = ?1 ORDER BY id";
static const char SQL_TX_LATEST_OF_BATCH[] = TX_COLS "WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1";
static const char SQL_TX_IN_STATE[] = TX_COLS "WHERE state = ?1 ORDER BY id";

static const char SQL_TX_STATE_GET[] =
	"SELECT state, block_number, block_hash FROM txs WHERE id = ?1";

static const char SQL_TX_STATE_SET[] =
	"UPDATE txs SET state = ?2, block_number = ?3, block_hash = ?4, reason = ?5,"
	" updated_at = ?6 WHERE id = ?1";

static const char SQL_NONCE_GET[] = "SELECT nonce FROM accounts WHERE address = ?1";

static const char SQL_NONCE_SET[] =
	"INSERT INTO accounts (address, nonce) VALUES (?1, ?2)"
	" ON CONFLICT (address) DO UPDATE SET nonce = excluded.nonce";

static const char SQL_NONCE_RAISE[] =
	"INSERT INTO accounts (address, nonce) VALUES (?1, ?2)"
	" ON CONFLICT (address) DO UPDATE SET nonce = max(nonce, excluded.nonce)";

static const char SQL_BATCH_EXISTS[] = "SELECT state FROM batches WHERE id = ?1";

static const char *const tx_state_names[] = {
	[SSP_TX_SIGNED] = "SIGNED",
	[SSP_TX_SENT] = "SENT",
	[SSP_TX_MINED] = "MINED",
	[SSP_TX_FINAL] = "FINAL",
	[SSP_TX_REPLACED] = "REPLACED",
	[SSP_TX_DROPPED] = "DROPPED",
	[SSP_TX_FAILED] = "FAILED",
};

#define NSTATES (sizeof(tx_state_names) / sizeof(tx_state_names[0]))

const char *ssp_ledger_tx_state_name(int state)
{
	return ssp_ledger_state_name(tx_state_names, NSTATES, state);
}

static int tx_state_parse(const unsigned char *t)
{
	return ssp_ledger_state_parse(tx_state_names, NSTATES, t);
}

/* May a tx go from `from` to `to`? The chain is the judge: what it says wins. */
static int tx_transition_ok(int from, int to)
{
	if (from == SSP_TX_FINAL)
		return to == SSP_TX_FINAL;
	switch (to) {
	case SSP_TX_SIGNED:
		return from == SSP_TX_SIGNED;
	case SSP_TX_SENT:
		return 1;
	case SSP_TX_MINED:
	case SSP_TX_FAILED:
		return 1;
	case SSP_TX_FINAL:
		return from == SSP_TX_MINED;
	case SSP_TX_REPLACED:
	case SSP_TX_DROPPED:
		return from == SSP_TX_SIGNED || from == SSP_TX_SENT || from == SSP_TX_REPLACED ||
		       from == SSP_TX_DROPPED;
	default:
		return 0;
	}
}

/* Wei amounts are stored as 32-byte big-endian BLOBs. */
static void u256_to_be(const ssp_u256 *x, uint8_t out[32])
{
	for (int i = 0; i < 4; i++)
		ssp_be64_put(out + 8 * i, x->w[3 - i]);
}

static void u256_from_be(ssp_u256 *x, const uint8_t in[32])
{
	for (int i = 0; i < 4; i++)
		x->w[3 - i] = ssp_be64_get(in + 8 * i);
}

void ssp_ledger_tx_clear(ssp_ledger_tx *tx)
{
	if (tx == NULL)
		return;
	free(tx->raw);
	memset(tx, 0, sizeof(*tx));
}

void ssp_ledger_txs_free(ssp_ledger_tx *txs, size_t n)
{
	if (txs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		ssp_ledger_tx_clear(&txs[i]);
	free(txs);
}

/* Reads a TX_COLS row into *out (which owns a fresh copy of raw). */
static int tx_row(sqlite3_stmt *st, ssp_ledger_tx *out)
{
	ssp_ledger_tx t;
	uint8_t fee[32];
	const void *raw;
	int n, r;

	memset(&t, 0, sizeof(t));
	t.id = sqlite3_column_int64(st, 0);
	t.batch_id = sqlite3_column_int64(st, 1);
	if ((r = ssp_ledger_col_blob(st, 2, t.from, 20)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 3, &t.nonce)) != 0)
		goto out;
	if ((r = ssp_ledger_col_blob(st, 4, fee, 32)) != 0)
		goto out;
	u256_from_be(&t.max_fee, fee);
	if ((r = ssp_ledger_col_blob(st, 5, fee, 32)) != 0)
		goto out;
	u256_from_be(&t.max_priority_fee, fee);
	if ((r = ssp_ledger_col_u64(st, 6, &t.gas)) != 0)
		goto out;
	raw = sqlite3_column_blob(st, 7);
	n = sqlite3_column_bytes(st, 7);
	if (sqlite3_column_type(st, 7) != SQLITE_BLOB || raw == NULL || n <= 0 ||
	    n > SSP_LEDGER_MAX_RAW_TX) {
		r = SSP_ERR_SCHEMA;
		goto out;
	}
	t.raw = malloc((size_t)n);
	if (t.raw == NULL) {
		r = SSP_ERR_NOMEM;
		goto out;
	}
	memcpy(t.raw, raw, (size_t)n);
	t.raw_len = (size_t)n;
	if ((r = ssp_ledger_col_blob(st, 8, t.hash, 32)) != 0)
		goto out;
	t.state = tx_state_parse(sqlite3_column_text(st, 9));
	if (t.state == 0) {
		r = SSP_ERR_SCHEMA;
		goto out;
	}
	if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
		if ((r = ssp_ledger_col_u64(st, 10, &t.block_number)) != 0 ||
		    (r = ssp_ledger_col_blob(st, 11, t.block_hash, 32)) != 0)
			goto out;
		t.has_block = 1;
	}
	ssp_ledger_col_reason(st, 12, t.reason);
	if ((r = ssp_ledger_col_u64(st, 13, &t.created_at)) != 0 ||
	    (r = ssp_ledger_col_u64(st, 14, &t.updated_at)) != 0)
		goto out;
	*out = t;
	memset(&t, 0, sizeof(t));
out:
	ssp_ledger_tx_clear(&t);
	return r;
}

int ssp_ledger_tx_insert(ssp_ledger *l, const ssp_ledger_tx *tx, int64_t *tx_id)
{
	sqlite3_stmt *st = NULL;
	uint8_t fee[32], prio[32];
	uint64_t now = ssp_ledger_now();
	int64_t id = 0;
	int r, rc;

	if (tx_id != NULL)
		*tx_id = 0;
	if (l == NULL || tx == NULL || tx->raw == NULL || tx->raw_len == 0)
		return SSP_ERR_INVAL;
	if (tx->raw_len > SSP_LEDGER_MAX_RAW_TX)
		return SSP_ERR_TOO_BIG;
	if (tx->nonce >= INT64_MAX || tx->gas > INT64_MAX)
		return SSP_ERR_RANGE;
	u256_to_be(&tx->max_fee, fee);
	u256_to_be(&tx->max_priority_fee, prio);
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		return r;

	r = ssp_ledger_row_by_id(l, SSP_ST_TX_BATCH_EXISTS, SQL_BATCH_EXISTS, tx->batch_id,
				 SSP_ERR_NOT_FOUND, &st);
	if (r != 0)
		goto out;
	ssp_ledger_stmt_done(st);

	/* A nonce is mined once: the older txs of this (from, nonce) are superseded. */
	r = ssp_ledger_stmt(l, SSP_ST_TX_REPLACE_OTHERS, SQL_TX_REPLACE_OTHERS, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, tx->from, 20)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, tx->nonce)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, now)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);

	r = ssp_ledger_stmt(l, SSP_ST_TX_INSERT, SQL_TX_INSERT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, tx->batch_id)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 2, tx->from, 20)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 3, tx->nonce)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 4, fee, 32)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 5, prio, 32)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 6, tx->gas)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 7, tx->raw, tx->raw_len)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 8, tx->hash, 32)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 9, now)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		r = rc == SQLITE_CONSTRAINT_UNIQUE ? SSP_ERR_EXISTS : ssp_ledger_sqlerr(rc);
		goto out;
	}
	id = sqlite3_last_insert_rowid(l->db);
	ssp_ledger_stmt_done(st);

	r = ssp_ledger_stmt(l, SSP_ST_NONCE_RAISE, SQL_NONCE_RAISE, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, tx->from, 20)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, tx->nonce + 1)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);
	st = NULL;
	r = ssp_ledger_commit(l);
	if (r == 0 && tx_id != NULL)
		*tx_id = id;
out:
	ssp_ledger_stmt_done(st);
	if (r != 0)
		ssp_ledger_rollback(l);
	return r;
}

int ssp_ledger_tx_set_state(ssp_ledger *l, int64_t id, int state, uint64_t block_number,
			    const uint8_t block_hash[32], const char *reason)
{
	sqlite3_stmt *st = NULL;
	char buf[SSP_LEDGER_REASON_MAX];
	uint8_t bh[32];
	int64_t bn = 0;
	int r, rc, from, has_block = 0;

	if (l == NULL || strcmp(ssp_ledger_tx_state_name(state), "?") == 0)
		return SSP_ERR_INVAL;
	if (state == SSP_TX_MINED && block_hash == NULL)
		return SSP_ERR_INVAL;
	if (block_hash != NULL && block_number > INT64_MAX)
		return SSP_ERR_RANGE;
	r = ssp_ledger_begin_write(l);
	if (r != 0)
		return r;
	r = ssp_ledger_row_by_id(l, SSP_ST_TX_STATE_GET, SQL_TX_STATE_GET, id,
				 SSP_ERR_NOT_FOUND, &st);
	if (r != 0)
		goto out;
	from = tx_state_parse(sqlite3_column_text(st, 0));
	if (from == 0) {
		r = SSP_ERR_SCHEMA;
		goto out;
	}
	if (block_hash != NULL) {
		memcpy(bh, block_hash, 32);
		bn = (int64_t)block_number;
		has_block = 1;
	} else if (state == SSP_TX_MINED || state == SSP_TX_FINAL || state == SSP_TX_FAILED) {
		/* Keep the recorded block, if any. */
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			bn = sqlite3_column_int64(st, 1);
			if ((r = ssp_ledger_col_blob(st, 2, bh, 32)) != 0)
				goto out;
			has_block = 1;
		}
	}
	ssp_ledger_stmt_done(st);
	st = NULL;
	if (!tx_transition_ok(from, state)) {
		r = SSP_ERR_STATE;
		goto out;
	}
	r = ssp_ledger_stmt(l, SSP_ST_TX_STATE_SET, SQL_TX_STATE_SET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, id)) != 0 ||
	    (r = ssp_ledger_bind_text(st, 2, ssp_ledger_tx_state_name(state))) != 0 ||
	    (r = ssp_ledger_bind_reason(st, 5, reason, buf)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 6, ssp_ledger_now())) != 0)
		goto out;
	if (has_block) {
		if ((r = ssp_ledger_bind_i64(st, 3, bn)) != 0 ||
		    (r = ssp_ledger_bind_blob(st, 4, bh, 32)) != 0)
			goto out;
	} /* else ?3 and ?4 stay NULL */
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);
	st = NULL;
	r = ssp_ledger_commit(l);
out:
	ssp_ledger_stmt_done(st);
	if (r != 0)
		ssp_ledger_rollback(l);
	return r;
}

/* Runs a TX_COLS query (parameters bound) and collects its rows into *txs. */
static int tx_collect(sqlite3_stmt *st, ssp_ledger_tx **txs, size_t *n)
{
	ssp_ledger_tx *v = NULL;
	size_t len = 0, cap = 0;
	int r = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = ssp_ledger_grow(&v, &cap, len, 4, sizeof(*v))) != 0)
			goto out;
		if ((r = tx_row(st, &v[len])) != 0)
			goto out;
		len++;
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*txs = len ? v : NULL;
	*n = len;
	if (len)
		v = NULL;
out:
	ssp_ledger_txs_free(v, len);
	return r;
}

/* One tx by a query with one parameter (an id or a hash). */
static int tx_get_one(ssp_ledger *l, int slot, const char *sql, int64_t id, const uint8_t *hash,
		      ssp_ledger_tx *out)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	r = ssp_ledger_stmt(l, slot, sql, &st);
	if (r != 0)
		goto out;
	r = hash != NULL ? ssp_ledger_bind_blob(st, 1, hash, 32) : ssp_ledger_bind_i64(st, 1, id);
	if (r != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? SSP_ERR_NOT_FOUND : ssp_ledger_sqlerr(rc);
		goto out;
	}
	r = tx_row(st, out);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_tx_get(ssp_ledger *l, int64_t id, ssp_ledger_tx *out)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (l == NULL || out == NULL)
		return SSP_ERR_INVAL;
	return tx_get_one(l, SSP_ST_TX_GET, SQL_TX_GET, id, NULL, out);
}

int ssp_ledger_tx_get_by_hash(ssp_ledger *l, const uint8_t hash[32], ssp_ledger_tx *out)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (l == NULL || hash == NULL || out == NULL)
		return SSP_ERR_INVAL;
	return tx_get_one(l, SSP_ST_TX_GET_BY_HASH, SQL_TX_GET_BY_HASH, 0, hash, out);
}

int ssp_ledger_batch_latest_tx(ssp_ledger *l, int64_t batch_id, ssp_ledger_tx *out)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (l == NULL || out == NULL)
		return SSP_ERR_INVAL;
	return tx_get_one(l, SSP_ST_TX_LATEST_OF_BATCH, SQL_TX_LATEST_OF_BATCH, batch_id, NULL, out);
}

int ssp_ledger_batch_txs(ssp_ledger *l, int64_t batch_id, ssp_ledger_tx **txs, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (txs != NULL)
		*txs = NULL;
	if (n != NULL)
		*n = 0;
	if (l == NULL || txs == NULL || n == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_stmt(l, SSP_ST_TX_OF_BATCH, SQL_TX_OF_BATCH, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, batch_id)) != 0)
		goto out;
	r = tx_collect(st, txs, n);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_txs_in_state(ssp_ledger *l, int state, ssp_ledger_tx **txs, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (txs != NULL)
		*txs = NULL;
	if (n != NULL)
		*n = 0;
	if (l == NULL || txs == NULL || n == NULL ||
	    strcmp(ssp_ledger_tx_state_name(state), "?") == 0)
		return SSP_ERR_INVAL;
	r = ssp_ledger_stmt(l, SSP_ST_TX_IN_STATE, SQL_TX_IN_STATE, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_text(st, 1, ssp_ledger_tx_state_name(state))) != 0)
		goto out;
	r = tx_collect(st, txs, n);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_nonce_get(ssp_ledger *l, const uint8_t addr[20], uint64_t *nonce)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (l == NULL || addr == NULL || nonce == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_stmt(l, SSP_ST_NONCE_GET, SQL_NONCE_GET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, addr, 20)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? SSP_ERR_NOT_FOUND : ssp_ledger_sqlerr(rc);
		goto out;
	}
	r = ssp_ledger_col_u64(st, 0, nonce);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_nonce_set(ssp_ledger *l, const uint8_t addr[20], uint64_t nonce)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (l == NULL || addr == NULL)
		return SSP_ERR_INVAL;
	r = ssp_ledger_stmt(l, SSP_ST_NONCE_SET, SQL_NONCE_SET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, addr, 20)) != 0 ||
	    (r = ssp_ledger_bind_u64(st, 2, nonce)) != 0)
		goto out;
	/* One statement in autocommit mode: its own transaction. */
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		r = ssp_ledger_sqlerr(rc);
out:
	ssp_ledger_stmt_done(st);
	return r;
}
