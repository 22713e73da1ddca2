/* Ledger: opening, pragmas, migrations, and the helpers the other ssp_ledger*.c share. */
#include "ledger/ssp_ledger_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ssp_err.h"

/* 'SSP1': PRAGMA application_id of a ledger (set by sql/001-init.sql). */
#define SSP_LEDGER_APP_ID 0x53535031

int ssp_ledger_sqlerr(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SSP_ERR_INTERNAL; /* not a failure: the caller mixed up codes */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SSP_ERR_BUSY;
	case SQLITE_NOMEM:
		return SSP_ERR_NOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return SSP_ERR_SCHEMA;
	default:
		return SSP_ERR_DB;
	}
}

int ssp_ledger_stmt(ssp_ledger *l, int id, const char *sql, sqlite3_stmt **st)
{
	int rc;

	*st = NULL;
	if (id < 0 || id >= SSP_ST_COUNT)
		return SSP_ERR_INTERNAL;
	if (l->st[id] == NULL) {
		rc = sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->st[id], NULL);
		if (rc != SQLITE_OK) {
			l->st[id] = NULL;
			return ssp_ledger_sqlerr(rc);
		}
	}
	*st = l->st[id];
	return 0;
}

void ssp_ledger_stmt_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int exec_simple(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : ssp_ledger_sqlerr(rc);
}

int ssp_ledger_begin_write(ssp_ledger *l)
{
	return exec_simple(l->db, "BEGIN IMMEDIATE");
}

int ssp_ledger_begin_read(ssp_ledger *l)
{
	return exec_simple(l->db, "BEGIN");
}

int ssp_ledger_commit(ssp_ledger *l)
{
	int r = exec_simple(l->db, "COMMIT");

	/* A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY): end it. */
	if (r != 0 && !sqlite3_get_autocommit(l->db))
		ssp_ledger_rollback(l);
	return r;
}

void ssp_ledger_rollback(ssp_ledger *l)
{
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

int ssp_ledger_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (n > INT32_MAX)
		return SSP_ERR_TOO_BIG;
	return sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC) == SQLITE_OK ? 0 : SSP_ERR_DB;
}

int ssp_ledger_bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	if (v > INT64_MAX)
		return SSP_ERR_RANGE;
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v) == SQLITE_OK ? 0 : SSP_ERR_DB;
}

int ssp_ledger_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v) == SQLITE_OK ? 0 : SSP_ERR_DB;
}

int ssp_ledger_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	int rc;

	if (s == NULL)
		rc = sqlite3_bind_null(st, i);
	else
		rc = sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : SSP_ERR_DB;
}

/* Length of s cut to fit SSP_LEDGER_REASON_MAX with its NUL, on a UTF-8 boundary. */
static size_t reason_len(const char *s, size_t n)
{
	if (n < SSP_LEDGER_REASON_MAX)
		return n;
	n = SSP_LEDGER_REASON_MAX - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

int ssp_ledger_bind_reason(sqlite3_stmt *st, int i, const char *reason,
			   char buf[SSP_LEDGER_REASON_MAX])
{
	size_t n;

	if (reason == NULL)
		return sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : SSP_ERR_DB;
	n = reason_len(reason, strlen(reason));
	memcpy(buf, reason, n);
	buf[n] = '\0';
	return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_STATIC) == SQLITE_OK ? 0 : SSP_ERR_DB;
}

void ssp_ledger_col_reason(sqlite3_stmt *st, int i, char out[SSP_LEDGER_REASON_MAX])
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n;

	out[0] = '\0';
	if (t == NULL)
		return;
	n = reason_len((const char *)t, (size_t)sqlite3_column_bytes(st, i));
	memcpy(out, t, n);
	out[n] = '\0';
}

int ssp_ledger_col_blob(sqlite3_stmt *st, int i, void *out, size_t n)
{
	const void *p;

	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return SSP_ERR_SCHEMA;
	p = sqlite3_column_blob(st, i);
	if (p == NULL || (size_t)sqlite3_column_bytes(st, i) != n)
		return SSP_ERR_SCHEMA;
	memcpy(out, p, n);
	return 0;
}

int ssp_ledger_col_u64(sqlite3_stmt *st, int i, uint64_t *v)
{
	sqlite3_int64 x;

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return SSP_ERR_SCHEMA;
	x = sqlite3_column_int64(st, i);
	if (x < 0)
		return SSP_ERR_SCHEMA;
	*v = (uint64_t)x;
	return 0;
}

uint64_t ssp_ledger_now(void)
{
	time_t t = time(NULL);

	return t < 0 ? 0 : (uint64_t)t;
}

const char *ssp_ledger_state_name(const char *const *names, size_t n, int state)
{
	if (state <= 0 || (size_t)state >= n || names[state] == NULL)
		return "?";
	return names[state];
}

int ssp_ledger_state_parse(const char *const *names, size_t n, const unsigned char *t)
{
	if (t == NULL)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (names[i] != NULL && strcmp((const char *)t, names[i]) == 0)
			return (int)i;
	return 0;
}

int ssp_ledger_row_by_id(ssp_ledger *l, int id, const char *sql, int64_t key, int none,
			 sqlite3_stmt **st)
{
	int r, rc;

	r = ssp_ledger_stmt(l, id, sql, st);
	if (r != 0)
		return r;
	if ((r = ssp_ledger_bind_i64(*st, 1, key)) != 0)
		return r;
	rc = sqlite3_step(*st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? none : ssp_ledger_sqlerr(rc);
	return 0;
}

int ssp_ledger_grow(void *arrp, size_t *cap, size_t len, size_t first, size_t size)
{
	size_t ncap;
	void *v, *nv;

	if (len < *cap)
		return 0;
	memcpy(&v, arrp, sizeof(v)); /* arrp is a T **: no aliasing through void ** */
	ncap = *cap ? 2 * *cap : first;
	nv = realloc(v, ncap * size);
	if (nv == NULL)
		return SSP_ERR_NOMEM;
	memcpy(arrp, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}

static const char SQL_PROJECT_GET[] = "SELECT id FROM projects WHERE project = ?1";
static const char SQL_PROJECT_INSERT[] = "INSERT INTO projects (project) VALUES (?1)";

int ssp_ledger_project_id(ssp_ledger *l, const uint8_t project[32], int create, int64_t *pid)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	r = ssp_ledger_stmt(l, SSP_ST_PROJECT_GET, SQL_PROJECT_GET, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, project, 32)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pid = sqlite3_column_int64(st, 0);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	if (!create) {
		r = SSP_ERR_NOT_FOUND;
		goto out;
	}
	ssp_ledger_stmt_done(st);
	r = ssp_ledger_stmt(l, SSP_ST_PROJECT_INSERT, SQL_PROJECT_INSERT, &st);
	if (r != 0)
		goto out;
	if ((r = ssp_ledger_bind_blob(st, 1, project, 32)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	*pid = sqlite3_last_insert_rowid(l->db);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

/* One integer from a single-row query (a PRAGMA). */
static int query_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (rc == SQLITE_DONE) {
		r = SSP_ERR_DB; /* no row: e.g. a PRAGMA this SQLite does not know */
	} else {
		r = ssp_ledger_sqlerr(rc);
	}
out:
	sqlite3_finalize(st);
	return r;
}

/* Called inside the write transaction: checks db is a ledger at version v ≤ n. */
static int check_identity(sqlite3 *db, int64_t v, size_t n)
{
	int64_t app = 0, objects = 0;
	int r;

	if (v < 0 || (uint64_t)v > n)
		return SSP_ERR_SCHEMA;
	if (v == 0) {
		/* Version 0 is a brand-new file only: anything in it means another program's DB. */
		r = query_int(db, "SELECT count(*) FROM sqlite_master", &objects);
		if (r != 0)
			return r;
		return objects == 0 ? 0 : SSP_ERR_SCHEMA;
	}
	r = query_int(db, "PRAGMA application_id", &app);
	if (r != 0)
		return r;
	return app == SSP_LEDGER_APP_ID ? 0 : SSP_ERR_SCHEMA;
}

/* Reads user_version and checks the identity from ONE snapshot: read separately, another
 * process committing its first migration in between would make a new ledger look like
 * someone else's database (version 0 but not empty). *v is set. */
static int identity_snapshot(sqlite3 *db, size_t n, int64_t *v)
{
	int r;

	r = exec_simple(db, "BEGIN");
	if (r != 0)
		return r;
	r = query_int(db, "PRAGMA user_version", v);
	if (r == 0)
		r = check_identity(db, *v, n);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int ssp_ledger_migrate(sqlite3 *db, const ssp_sql_migration *m, size_t n, int *version)
{
	int64_t v = 0;
	char pragma[64];
	int r, rc;

	if (n > INT32_MAX)
		return SSP_ERR_INTERNAL;
	for (size_t i = 0; i < n; i++)
		if (m[i].version != (int)i + 1 || m[i].sql == NULL)
			return SSP_ERR_INTERNAL;

	/* Fast path: already current (no write lock taken). */
	r = identity_snapshot(db, n, &v);
	if (r != 0)
		return r;
	if ((uint64_t)v == n && n > 0) {
		*version = (int)v;
		return 0;
	}

	/* One transaction per migration. The version is re-read under the write lock, so two
	 * processes opening a new ledger at once apply each migration once. */
	for (;;) {
		r = exec_simple(db, "BEGIN IMMEDIATE");
		if (r != 0)
			return r;
		r = query_int(db, "PRAGMA user_version", &v);
		if (r != 0)
			goto fail;
		r = check_identity(db, v, n);
		if (r != 0)
			goto fail;
		if ((uint64_t)v == n) {
			r = exec_simple(db, "COMMIT");
			if (r != 0)
				goto fail;
			*version = (int)v;
			return 0;
		}
		rc = sqlite3_exec(db, m[v].sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			r = ssp_ledger_sqlerr(rc);
			goto fail;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m[v].version);
		r = exec_simple(db, pragma);
		if (r != 0)
			goto fail;
		r = exec_simple(db, "COMMIT");
		if (r != 0)
			goto fail;
	}
fail:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

/* Sets a PRAGMA and reads back its value as text, to check it took effect. */
static int pragma_check(sqlite3 *db, const char *set, const char *get, const char *want)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int r, rc;

	if (set != NULL) {
		r = exec_simple(db, set);
		if (r != 0)
			return r;
	}
	rc = sqlite3_prepare_v2(db, get, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? SSP_ERR_DB : ssp_ledger_sqlerr(rc);
		goto out;
	}
	t = sqlite3_column_text(st, 0);
	r = (t != NULL && sqlite3_stricmp((const char *)t, want) == 0) ? 0 : SSP_ERR_DB;
out:
	sqlite3_finalize(st);
	return r;
}

int ssp_ledger_open(const char *path, ssp_ledger **out)
{
	ssp_ledger *l = NULL;
	int64_t v = 0;
	int r, rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return SSP_ERR_INVAL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return SSP_ERR_NOMEM;
	/* NOMUTEX: a handle is used by one thread at a time (ssp_ledger.h), so SQLite's
	 * per-connection mutex is pure overhead. */
	rc = sqlite3_open_v2(path, &l->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = l->db == NULL ? SSP_ERR_NOMEM : ssp_ledger_sqlerr(rc);
		goto out;
	}
	sqlite3_extended_result_codes(l->db, 1);
	rc = sqlite3_busy_timeout(l->db, SSP_LEDGER_BUSY_TIMEOUT_MS);
	if (rc != SQLITE_OK) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	/* Refuse another program's database (or garbage: SQLITE_NOTADB → SSP_ERR_SCHEMA) before
	 * touching it; ssp_ledger_migrate checks again under the write lock. */
	r = identity_snapshot(l->db, ssp_sql_nmigrations, &v);
	if (r != 0)
		goto out;
	/* WAL: readers (the bridge, exports) never block the validator's writes, and a commit
	 * is one sequential append to the log. Switching a new file to WAL needs an exclusive
	 * lock and SQLite does not call the busy handler for it: when processes create the
	 * ledger together, wait here as the busy timeout would. */
	for (int waited = 0;; waited += 10) {
		r = pragma_check(l->db, "PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "wal");
		if (r != SSP_ERR_BUSY || waited >= SSP_LEDGER_BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(10);
	}
	if (r != 0)
		goto out;
	/* synchronous=FULL: in WAL mode, NORMAL skips the fsync of the log at each commit, so a
	 * power loss can undo the last commits (the DB stays consistent, but older). A claim is
	 * reported and exported once committed, and its seq must never be signed twice for two
	 * different claims: losing a committed claim would let the validator re-sign that seq
	 * over other data, a conflict auditors would rightly flag. FULL costs one fsync of the
	 * WAL per transaction, which the validator (one transaction per work unit) affords. */
	r = pragma_check(l->db, "PRAGMA synchronous = FULL", "PRAGMA synchronous", "2");
	if (r != 0)
		goto out;
	/* A 32 MiB page cache (allocated as used; SQLite's default is 2 MiB): the claimer's index
	 * of unclaimed credits is updated at random places (one spot per user), and keeping
	 * it in memory doubles the bulk insert rate once it passes a few MiB. */
	r = exec_simple(l->db, "PRAGMA cache_size = -32768");
	if (r != 0)
		goto out;
	/* Checkpoint when the WAL passes 10,000 pages (~40 MiB) instead of 1,000: successive
	 * transactions rewrite the same index pages, which a later checkpoint then copies into
	 * the database once instead of each time (bulk inserts ~30% faster). Durability is the
	 * WAL's fsync at commit, not the checkpoint. */
	r = exec_simple(l->db, "PRAGMA wal_autocheckpoint = 10000");
	if (r != 0)
		goto out;
	r = pragma_check(l->db, "PRAGMA foreign_keys = ON", "PRAGMA foreign_keys", "1");
	if (r != 0)
		goto out;
	r = ssp_ledger_migrate(l->db, ssp_sql_migrations, ssp_sql_nmigrations, &l->version);
	if (r != 0)
		goto out;
	*out = l;
	l = NULL;
out:
	ssp_ledger_close(l);
	return r;
}

void ssp_ledger_close(ssp_ledger *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < SSP_ST_COUNT; i++)
		sqlite3_finalize(l->st[i]);
	sqlite3_close(l->db);
	free(l);
}

int ssp_ledger_schema_version(ssp_ledger *l, int *version)
{
	int64_t v = 0;
	int r;

	if (l == NULL || version == NULL)
		return SSP_ERR_INVAL;
	r = query_int(l->db, "PRAGMA user_version", &v);
	if (r != 0)
		return r;
	if (v < 0 || v > INT32_MAX)
		return SSP_ERR_SCHEMA;
	*version = (int)v;
	return 0;
}

int ssp_ledger_schema_latest(void)
{
	return (int)ssp_sql_nmigrations;
}

const char *ssp_ledger_errmsg(ssp_ledger *l)
{
	if (l == NULL || l->db == NULL)
		return "no ledger";
	return sqlite3_errmsg(l->db);
}
