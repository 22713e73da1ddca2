/* Internals shared by the lib/ssp_ledger*.c files and the generated migration table.
 * Not part of the public API (tests may use it to exercise migrations). */
#ifndef SSP_LEDGER_INT_H
#define SSP_LEDGER_INT_H

#include "core/ssp_err.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ssp_ledger.h"

/* One migration: sql/NNN-name.sql, embedded by scripts/embed-sql.sh. */
typedef struct ssp_sql_migration {
	int version;      /* NNN: PRAGMA user_version once applied */
	const char *name; /* file name */
	const char *sql;  /* its text */
} ssp_sql_migration;

/* lib/ledger/ssp_sql_embed.c (generated): the migrations in version order 1..n. */
extern const ssp_sql_migration ssp_sql_migrations[];
extern const size_t ssp_sql_nmigrations;

/* Cached prepared statements, one slot each. */
enum ssp_ledger_stmt_id {
	SSP_ST_PROJECT_GET,
	SSP_ST_PROJECT_INSERT,
	SSP_ST_CREDIT_INSERT,
	SSP_ST_CREDIT_GET,
	SSP_ST_UNCLAIMED_USERS,
	SSP_ST_UNCLAIMED_OF_USER,
	SSP_ST_NEXT_SEQ,
	SSP_ST_CLAIM_INSERT,
	SSP_ST_CLAIM_BY_SEQ,
	SSP_ST_CLAIM_BY_RESULT,
	SSP_ST_CLAIM_RANGE,
	SSP_ST_UNBATCHED_STATS,
	SSP_ST_UNBATCHED_LIST,
	SSP_ST_LAST_BATCHED_SEQ,
	SSP_ST_BATCH_INSERT,
	SSP_ST_PAYOUT_INSERT,
	SSP_ST_SIG_INSERT,
	SSP_ST_SIG_GET,
	SSP_ST_CLAIMS_SET_BATCH,
	SSP_ST_BATCH_GET,
	SSP_ST_BATCH_PAYOUTS,
	SSP_ST_BATCH_SIGS,
	SSP_ST_BATCH_NEXT,
	SSP_ST_BATCH_STATE_GET,
	SSP_ST_BATCH_STATE_SET,
	SSP_ST_BATCHES_IN_STATE,
	SSP_ST_TX_BATCH_EXISTS,
	SSP_ST_TX_INSERT,
	SSP_ST_TX_REPLACE_OTHERS,
	SSP_ST_TX_GET,
	SSP_ST_TX_GET_BY_HASH,
	SSP_ST_TX_OF_BATCH,
	SSP_ST_TX_LATEST_OF_BATCH,
	SSP_ST_TX_IN_STATE,
	SSP_ST_TX_STATE_GET,
	SSP_ST_TX_STATE_SET,
	SSP_ST_NONCE_GET,
	SSP_ST_NONCE_SET,
	SSP_ST_NONCE_RAISE,
	SSP_ST_BINDING_GET,
	SSP_ST_BINDING_PUT,
	SSP_ST_COUNT
};

struct ssp_ledger {
	sqlite3 *db;
	int version; /* user_version after open */
	sqlite3_stmt *st[SSP_ST_COUNT];
};

/* Maps an SQLite result code: BUSY/LOCKED → SSP_ERR_BUSY, NOMEM → SSP_ERR_NOMEM,
 * NOTADB/CORRUPT → SSP_ERR_SCHEMA, anything else → SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_ledger_sqlerr(int rc);

/* The cached statement of slot id, prepared from sql on first use, reset and unbound.
 * Returns 0 or an SSP_ERR_*; the statement stays owned by l. */
SSP_MUST_CHECK int ssp_ledger_stmt(ssp_ledger *l, int id, const char *sql, sqlite3_stmt **st);
/* Resets st and clears its bindings (NULL ok). */
void ssp_ledger_stmt_done(sqlite3_stmt *st);

/* BEGIN IMMEDIATE (a write transaction: the write lock is taken now, waiting up to the
 * busy timeout) and BEGIN (a read snapshot). COMMIT. ROLLBACK, which cannot fail usefully. */
SSP_MUST_CHECK int ssp_ledger_begin_write(ssp_ledger *l);
SSP_MUST_CHECK int ssp_ledger_begin_read(ssp_ledger *l);
SSP_MUST_CHECK int ssp_ledger_commit(ssp_ledger *l);
void ssp_ledger_rollback(ssp_ledger *l);

/* Binding helpers: return 0 or an SSP_ERR_*. u64 values above INT64_MAX are SSP_ERR_RANGE. */
SSP_MUST_CHECK int ssp_ledger_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n);
SSP_MUST_CHECK int ssp_ledger_bind_u64(sqlite3_stmt *st, int i, uint64_t v);
SSP_MUST_CHECK int ssp_ledger_bind_i64(sqlite3_stmt *st, int i, int64_t v);
SSP_MUST_CHECK int ssp_ledger_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds reason (NULL → SQL NULL), truncated to SSP_LEDGER_REASON_MAX - 1 bytes without
 * splitting a UTF-8 sequence; buf holds the copy and must live until the step. */
SSP_MUST_CHECK int ssp_ledger_bind_reason(sqlite3_stmt *st, int i, const char *reason,
			   char buf[SSP_LEDGER_REASON_MAX]);
/* Copies text column i (NULL → "") into out, truncated like ssp_ledger_bind_reason. */
void ssp_ledger_col_reason(sqlite3_stmt *st, int i, char out[SSP_LEDGER_REASON_MAX]);
/* Copies column i, which must be a BLOB of exactly n bytes (SSP_ERR_SCHEMA otherwise). */
SSP_MUST_CHECK int ssp_ledger_col_blob(sqlite3_stmt *st, int i, void *out, size_t n);
/* Column i as a non-negative integer (SSP_ERR_SCHEMA otherwise). */
SSP_MUST_CHECK int ssp_ledger_col_u64(sqlite3_stmt *st, int i, uint64_t *v);

/* The integer key of project (table projects) into *pid. With create (inside a write
 * transaction) an unknown project is added; otherwise SSP_ERR_NOT_FOUND when unknown.
 * Ids are not cached across calls: a rolled-back insert must not leave a stale one. */
SSP_MUST_CHECK int ssp_ledger_project_id(ssp_ledger *l, const uint8_t project[32], int create, int64_t *pid);

/* The columns ssp_ledger_claim_row reads, from claims c JOIN credits r. */
#define SSP_LEDGER_CLAIM_COLS \
	"c.seq, c.result_id, r.workunit_id, r.user_id, r.host_id, c.beneficiary, r.credit," \
	" r.result_digest, r.granted_at, c.signature, c.batch_id"
#define SSP_LEDGER_CLAIM_FROM \
	" FROM claims c JOIN credits r ON r.project_id = c.project_id AND r.result_id = c.result_id"
/* Reads a row of SSP_LEDGER_CLAIM_COLS into *c (project from the argument), sig and
 * *batch_id (0 when NULL); sig and batch_id may be NULL. */
SSP_MUST_CHECK int ssp_ledger_claim_row(sqlite3_stmt *st, const uint8_t project[32], ssp_claim *c,
			 uint8_t sig[65], int64_t *batch_id);

/* The cached statement of slot id (sql) with ?1 bound to key, stepped to its first row, in
 * *st (which the caller resets with ssp_ledger_stmt_done, also on error). Returns 0 at a row,
 * none when there is no row, or another SSP_ERR_*. */
SSP_MUST_CHECK int ssp_ledger_row_by_id(ssp_ledger *l, int id, const char *sql, int64_t key, int none,
			 sqlite3_stmt **st);

/* Unix seconds now. */
uint64_t ssp_ledger_now(void);

/* State names: names[1..n) (NULL entries unused) indexed by state. The name of state, or
 * "?" when it has none; and the state named t (0 when t is NULL or no state's name). */
const char *ssp_ledger_state_name(const char *const *names, size_t n, int state);
SSP_MUST_CHECK int ssp_ledger_state_parse(const char *const *names, size_t n, const unsigned char *t);

/* Makes room for one more element in the array whose pointer is at arrp (a T **: elements
 * of size bytes, *cap allocated, len used): when len == *cap it doubles *cap (first when 0)
 * with realloc. SSP_ERR_NOMEM leaves the array and *cap as they were. */
SSP_MUST_CHECK int ssp_ledger_grow(void *arrp, size_t *cap, size_t len, size_t first, size_t size);

/* Runs migrations m[0..n) (versions 1..n in order) on db from its current user_version:
 * each in one transaction that also sets user_version. *version is set to the result.
 * SSP_ERR_SCHEMA when db is newer than n, is not a ledger, or a migration fails on it. */
SSP_MUST_CHECK int ssp_ledger_migrate(sqlite3 *db, const ssp_sql_migration *m, size_t n, int *version);

#endif
