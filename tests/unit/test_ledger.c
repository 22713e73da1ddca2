/* Suite for lib/ssp_ledger*: migrations, credits, claims, batches, transactions, nonces. */
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "ledger/ssp_ledger.h"
#include "ledger/ssp_ledger_int.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint8_t P1[32], P2[32];
static const uint8_t ALICE[20] = { 0xa1, 0xa1, 0xa1 }, BOB[20] = { 0xb0, 0xb0 };

static const char *db_path(const char *name)
{
	static char path[PATH_MAX];
	char side[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/%s.db", ssp_cu_tmpdir(), name);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	return path;
}

static ssp_ledger *open_fresh(const char *name)
{
	ssp_ledger *l = NULL;

	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(db_path(name), &l), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	return l;
}

static ssp_credit mkcredit(const uint8_t project[32], uint64_t result_id, uint64_t user,
			   uint64_t credit)
{
	ssp_credit c;

	memset(&c, 0, sizeof(c));
	memcpy(c.project, project, 32);
	c.result_id = result_id;
	c.workunit_id = 1000 + result_id / 2;
	c.user_id = user;
	c.host_id = 500 + user;
	c.credit = credit;
	for (int i = 0; i < 32; i++)
		c.result_digest[i] = (uint8_t)(result_id * 7 + (uint64_t)i);
	c.granted_at = 1700000000 + result_id;
	return c;
}

static void add(ssp_ledger *l, const uint8_t project[32], uint64_t result_id, uint64_t user,
		uint64_t credit)
{
	ssp_credit c = mkcredit(project, result_id, user, credit);
	int ins = -1;

	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, &ins), 0);
	CU_ASSERT_EQUAL(ins, 1);
}

/* A stand-in signature that is a function of every field of the claim, so a test can
 * tell which claim a stored signature was made over. */
static void fake_claim_sig(const ssp_claim *c, uint8_t sig[65])
{
	for (int i = 0; i < 65; i++)
		sig[i] = (uint8_t)(c->seq * 31 + c->result_id * 7 + c->credit + c->user_id * 3 +
				   c->host_id + c->workunit_id * 5 + c->granted_at +
				   c->beneficiary[i % 20] + c->result_digest[i % 32] +
				   c->project[i % 32] + (uint64_t)i * 13);
}

struct claim_signer_ctx {
	int calls;
	int fail_at;  /* fail on this call (1-based); 0: never */
	int fail_rc;
	uint64_t seqs[1024];
};

static int claim_signer(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	struct claim_signer_ctx *s = ctx;

	s->calls++;
	if (s->fail_at != 0 && s->calls == s->fail_at)
		return s->fail_rc;
	if (s->calls <= 1024)
		s->seqs[s->calls - 1] = c->seq;
	fake_claim_sig(c, sig);
	return 0;
}

static int collect_claims_any(void *ctx, const ssp_claim *c, const uint8_t sig[65],
			      int64_t batch_id)
{
	size_t *n = ctx;

	(void)c;
	(void)sig;
	(void)batch_id;
	(*n)++;
	return 0;
}

static void fake_batch_sig(const ssp_batch *b, uint8_t sig[65])
{
	for (int i = 0; i < 65; i++)
		sig[i] = (uint8_t)(b->first_seq * 17 + b->last_seq * 5 + b->total_credit +
				   b->claims_root[i % 32] + b->payouts_hash[(i + 7) % 32] +
				   (uint64_t)i);
}

struct batch_signer_ctx {
	int calls;
	int fail;
	ssp_batch last;
};

static int batch_signer(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	struct batch_signer_ctx *s = ctx;

	s->calls++;
	if (s->fail)
		return SSP_ERR_CRYPTO;
	s->last = *b;
	fake_batch_sig(b, sig);
	return 0;
}

static int64_t pragma_int(ssp_ledger *l, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- opening and migrations ---- */

static void test_open_fresh(void)
{
	ssp_ledger *l = open_fresh("fresh");
	sqlite3_stmt *st = NULL;
	int v = -1;

	CU_ASSERT_EQUAL(ssp_ledger_schema_version(l, &v), 0);
	CU_ASSERT_EQUAL(v, 2); /* sql/001-init.sql, sql/002-bindings.sql */
	CU_ASSERT_EQUAL(ssp_ledger_schema_latest(), (int)ssp_sql_nmigrations);
	CU_ASSERT_EQUAL(v, ssp_ledger_schema_latest());
	CU_ASSERT_EQUAL(pragma_int(l, "PRAGMA foreign_keys"), 1);
	CU_ASSERT_EQUAL(pragma_int(l, "PRAGMA synchronous"), 2); /* FULL */
	CU_ASSERT_EQUAL(pragma_int(l, "PRAGMA busy_timeout"), 5000);
	CU_ASSERT_EQUAL(pragma_int(l, "PRAGMA application_id"), 0x53535031);
	CU_ASSERT_EQUAL(sqlite3_prepare_v2(l->db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
				   " name IN ('projects', 'credits', 'claims', 'batches', 'batch_payouts',"
				   " 'batch_signatures', 'txs', 'accounts')"), 8);
	ssp_ledger_close(l);
	ssp_ledger_close(NULL);
}

static void test_embedded_migrations(void)
{
	CU_ASSERT_TRUE(ssp_sql_nmigrations >= 1);
	CU_ASSERT_EQUAL(ssp_sql_migrations[0].version, 1);
	CU_ASSERT_STRING_EQUAL(ssp_sql_migrations[0].name, "001-init.sql");
	CU_ASSERT_PTR_NOT_NULL(strstr(ssp_sql_migrations[0].sql, "CREATE TABLE credits"));
	for (size_t i = 0; i < ssp_sql_nmigrations; i++)
		CU_ASSERT_EQUAL(ssp_sql_migrations[i].version, (int)i + 1);
}

static void test_reopen(void)
{
	const char *path = db_path("reopen");
	char copy[PATH_MAX];
	ssp_ledger *l = NULL;
	ssp_credit c;
	int v = 0, claimed = -1;

	snprintf(copy, sizeof(copy), "%s", path);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(copy, &l), 0);
	add(l, P1, 42, 7, 1234);
	ssp_ledger_close(l);
	l = NULL;
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(copy, &l), 0);
	CU_ASSERT_EQUAL(ssp_ledger_schema_version(l, &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 42, &c, &claimed), 0);
	CU_ASSERT_EQUAL(c.credit, 1234);
	CU_ASSERT_EQUAL(c.user_id, 7);
	CU_ASSERT_EQUAL(claimed, 0);
	ssp_ledger_close(l);
}

/* Runs sql on a plain SQLite connection to path. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void test_refuse_newer(void)
{
	const char *path = db_path("newer");
	char copy[PATH_MAX];
	ssp_ledger *l = NULL;
	char sql[64];

	snprintf(copy, sizeof(copy), "%s", path);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(copy, &l), 0);
	ssp_ledger_close(l);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", ssp_ledger_schema_latest() + 1);
	CU_ASSERT_EQUAL_FATAL(raw_exec(copy, sql), SQLITE_OK);
	l = (ssp_ledger *)&l; /* must be reset to NULL */
	CU_ASSERT_EQUAL(ssp_ledger_open(copy, &l), SSP_ERR_SCHEMA);
	CU_ASSERT_PTR_NULL(l);
	/* Back to the known version: accepted again, nothing was damaged. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", ssp_ledger_schema_latest());
	CU_ASSERT_EQUAL_FATAL(raw_exec(copy, sql), SQLITE_OK);
	CU_ASSERT_EQUAL(ssp_ledger_open(copy, &l), 0);
	ssp_ledger_close(l);
}

static void test_refuse_foreign(void)
{
	char path[PATH_MAX];
	ssp_ledger *l = NULL;
	FILE *f;

	/* Another program's database (version 0 but not empty). */
	snprintf(path, sizeof(path), "%s", db_path("foreign"));
	CU_ASSERT_EQUAL_FATAL(raw_exec(path, "CREATE TABLE notes (x TEXT)"), SQLITE_OK);
	CU_ASSERT_EQUAL(ssp_ledger_open(path, &l), SSP_ERR_SCHEMA);
	CU_ASSERT_PTR_NULL(l);
	/* The refused file was not converted to WAL. */
	CU_ASSERT_NOT_EQUAL(access(strcat(path, "-wal"), F_OK), 0);

	/* A version we know, but not our application id. */
	snprintf(path, sizeof(path), "%s", db_path("foreign2"));
	CU_ASSERT_EQUAL_FATAL(raw_exec(path, "CREATE TABLE t (x); PRAGMA user_version = 1"),
			      SQLITE_OK);
	CU_ASSERT_EQUAL(ssp_ledger_open(path, &l), SSP_ERR_SCHEMA);

	/* Not a database at all. */
	snprintf(path, sizeof(path), "%s", db_path("garbage"));
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 4096; i++)
		fputc((i * 37) & 0xff, f);
	fclose(f);
	CU_ASSERT_EQUAL(ssp_ledger_open(path, &l), SSP_ERR_SCHEMA);
	CU_ASSERT_PTR_NULL(l);

	CU_ASSERT_EQUAL(ssp_ledger_open(NULL, &l), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_open("", &l), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_open(path, NULL), SSP_ERR_INVAL);
	CU_ASSERT_NOT_EQUAL(ssp_ledger_open("/nonexistent-dir/x/ledger.db", &l), 0);
	CU_ASSERT_PTR_NULL(l);
}

static int table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The runner on a private list: step by step, and a failing migration changes nothing. */
static void test_migrate_steps(void)
{
	static const ssp_sql_migration m[] = {
		{ 1, "001-a.sql", "PRAGMA application_id = 1397968945; CREATE TABLE a (x);" },
		{ 2, "002-b.sql", "CREATE TABLE b (y); INSERT INTO a VALUES (1);" },
		{ 3, "003-bad.sql", "CREATE TABLE c (z); INSERT INTO nowhere VALUES (1);" },
	};
	static const ssp_sql_migration gap[] = {
		{ 1, "001-a.sql", "CREATE TABLE a (x);" },
		{ 3, "003-b.sql", "CREATE TABLE b (y);" },
	};
	sqlite3 *db = NULL;
	int v = -1;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path("migrate"), &db), SQLITE_OK);
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, gap, 2, &v), SSP_ERR_INTERNAL);
	CU_ASSERT_EQUAL(user_version(db), 0);
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, m, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(user_version(db), 1);
	CU_ASSERT_TRUE(table_exists(db, "a"));
	CU_ASSERT_FALSE(table_exists(db, "b"));
	/* Re-running with the same list is a no-op. */
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, m, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, m, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_TRUE(table_exists(db, "b"));
	/* Migration 3 fails half-way: its table is rolled back and the version stays 2. */
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, m, 3, &v), SSP_ERR_DB);
	CU_ASSERT_EQUAL(user_version(db), 2);
	CU_ASSERT_FALSE(table_exists(db, "c"));
	CU_ASSERT_TRUE(sqlite3_get_autocommit(db));
	/* A program knowing only migration 1 refuses this version-2 database. */
	CU_ASSERT_EQUAL(ssp_ledger_migrate(db, m, 1, &v), SSP_ERR_SCHEMA);
	sqlite3_close(db);
}

/* Processes opening a new ledger at once all succeed (none sees a half-created one as
 * foreign), and it is migrated once. Repeated on fresh files to catch the race. */
static void test_concurrent_create(void)
{
	enum { ROUNDS = 15, KIDS = 6 };
	char path[PATH_MAX];
	ssp_ledger *l = NULL;
	int ok = 0;

	for (int round = 0; round < ROUNDS; round++) {
		pid_t kids[KIDS];
		char name[32];

		snprintf(name, sizeof(name), "concurrent%d", round);
		snprintf(path, sizeof(path), "%s", db_path(name));
		for (int i = 0; i < KIDS; i++) {
			kids[i] = fork();
			if (kids[i] == 0) {
				ssp_ledger *cl = NULL;
				ssp_credit c = mkcredit(P1, 100 + (uint64_t)i, 1, 10);
				int r = ssp_ledger_open(path, &cl);

				if (r == 0)
					r = ssp_ledger_add_credit(cl, &c, NULL);
				ssp_ledger_close(cl);
				_exit(r == 0 ? 0 : 100 - r);
			}
		}
		for (int i = 0; i < KIDS; i++) {
			int status = 0;

			if (kids[i] > 0 && waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status)) {
				if (WEXITSTATUS(status) == 0)
					ok++;
				else
					fprintf(stderr, "open/add failed: %s\n",
						ssp_strerror(100 - WEXITSTATUS(status)));
			}
		}
		CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(path, &l), 0);
		CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM credits"), KIDS);
		CU_ASSERT_EQUAL(pragma_int(l, "PRAGMA user_version"), ssp_ledger_schema_latest());
		ssp_ledger_close(l);
		l = NULL;
	}
	CU_ASSERT_EQUAL(ok, ROUNDS * KIDS);
}

/* ---- credits ---- */

static void test_credit_idempotent(void)
{
	ssp_ledger *l = open_fresh("credit");
	ssp_credit c = mkcredit(P1, 77, 3, 5000000), d, got;
	ssp_credit many[3];
	size_t n = 99;
	int ins = -1, claimed = -1;

	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, &ins), 0);
	CU_ASSERT_EQUAL(ins, 1);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, &ins), 0);
	CU_ASSERT_EQUAL(ins, 0);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 77, &got, &claimed), 0);
	CU_ASSERT_EQUAL(memcmp(&got, &c, sizeof(c)), 0);
	CU_ASSERT_EQUAL(claimed, 0);

	/* Any differing field is a conflict, and nothing changes. */
	d = c; d.credit++;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(ins, 0);
	d = c; d.user_id++;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	d = c; d.workunit_id++;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	d = c; d.host_id++;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	d = c; d.result_digest[31] ^= 1;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	d = c; d.granted_at++;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 77, &got, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(&got, &c, sizeof(c)), 0);

	/* The project is part of the key. */
	d = c; memcpy(d.project, P2, 32); d.credit = 1;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), 0);
	CU_ASSERT_EQUAL(ins, 1);

	/* A batch is all or nothing. */
	many[0] = mkcredit(P1, 1, 3, 10);
	many[1] = mkcredit(P1, 2, 3, 10);
	many[2] = c; many[2].credit = 1; /* conflicts */
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, many, 3, &n), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 1, &got, NULL), SSP_ERR_NOT_FOUND);
	many[2] = c; /* an identical repeat is fine */
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, many, 3, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, many, 0, &n), 0);
	CU_ASSERT_EQUAL(n, 0);

	/* SQLite integers are signed: values above INT64_MAX are refused. */
	d = mkcredit(P1, 500, 3, 1);
	d.credit = (uint64_t)INT64_MAX + 1;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_RANGE);
	d.credit = (uint64_t)INT64_MAX;
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), 0);
	d = mkcredit(P1, UINT64_MAX, 3, 1);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &d, &ins), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, UINT64_MAX, &got, NULL), SSP_ERR_RANGE);

	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, NULL, &ins), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(NULL, &c, &ins), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, NULL, 2, &n), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 12345, &got, NULL), SSP_ERR_NOT_FOUND);
	ssp_ledger_close(l);
}

/* A project the ledger has never seen reads as empty everywhere. */
static void test_unknown_project(void)
{
	ssp_ledger *l = open_fresh("unknown");
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	ssp_ledger_batch b;
	ssp_credit c, many[2];
	ssp_claim cl;
	uint64_t seq = 0, count = 9, oldest = 9, *users = NULL;
	int64_t id = 9, *ids = NULL;
	size_t n = 9;
	uint8_t P3[32];

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	memset(P3, 0x33, 32);
	add(l, P1, 1, 1, 10);
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, P3, &seq), 0);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P3, 1, &c, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_unclaimed_users(l, P3, &users, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P3, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(s.calls, 0);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim(l, P3, 1, &cl, NULL, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim_by_result(l, P3, 1, &cl, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_claims_foreach(l, P3, 1, 10, collect_claims_any, &n), 0);
	CU_ASSERT_EQUAL(ssp_ledger_unbatched_stats(l, P3, &count, &oldest), 0);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(oldest, 0);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P3, 5, BOB, batch_signer, &bs, &id), 0);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_next_to_submit(l, P3, &b), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_batches_in_state(l, P3, SSP_BATCH_SEALED, &ids, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	/* None of these created the project. */
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM projects"), 1);

	/* A new project whose first add is rolled back leaves nothing behind. */
	many[0] = mkcredit(P3, 5, 1, 10);
	many[1] = mkcredit(P1, 1, 1, 11); /* conflicts with the stored one */
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, many, 2, &n), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM projects"), 1);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P3, 5, &c, NULL), SSP_ERR_NOT_FOUND);
	add(l, P3, 5, 1, 10);
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P3, 5, &c, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(c.project, P3, 32), 0);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM projects"), 2);
	ssp_ledger_close(l);
}

/* ---- claims ---- */

struct collect {
	uint64_t seqs[64];
	uint64_t results[64];
	int64_t batches[64];
	int n;
	int stop_after;
};

static int collect_claims(void *ctx, const ssp_claim *c, const uint8_t sig[65], int64_t batch_id)
{
	struct collect *k = ctx;
	uint8_t want[65];

	fake_claim_sig(c, want);
	if (memcmp(want, sig, 65) != 0)
		return -1000;
	if (k->n < 64) {
		k->seqs[k->n] = c->seq;
		k->results[k->n] = c->result_id;
		k->batches[k->n] = batch_id;
	}
	k->n++;
	if (k->stop_after != 0 && k->n == k->stop_after)
		return 7;
	return 0;
}

static void check_claim_matches(ssp_ledger *l, const uint8_t project[32], uint64_t result_id,
				uint64_t seq, const uint8_t beneficiary[20])
{
	ssp_claim c, c2;
	ssp_credit cr;
	uint8_t sig[65], want[65];
	int64_t batch = -1;
	int claimed = 0;

	CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_claim_by_result(l, project, result_id, &c, sig), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_credit(l, project, result_id, &cr, &claimed), 0);
	CU_ASSERT_EQUAL(claimed, 1);
	CU_ASSERT_EQUAL(c.seq, seq);
	CU_ASSERT_EQUAL(memcmp(c.project, project, 32), 0);
	CU_ASSERT_EQUAL(c.result_id, cr.result_id);
	CU_ASSERT_EQUAL(c.workunit_id, cr.workunit_id);
	CU_ASSERT_EQUAL(c.user_id, cr.user_id);
	CU_ASSERT_EQUAL(c.host_id, cr.host_id);
	CU_ASSERT_EQUAL(c.credit, cr.credit);
	CU_ASSERT_EQUAL(c.granted_at, cr.granted_at);
	CU_ASSERT_EQUAL(memcmp(c.result_digest, cr.result_digest, 32), 0);
	CU_ASSERT_EQUAL(memcmp(c.beneficiary, beneficiary, 20), 0);
	fake_claim_sig(&c, want);
	CU_ASSERT_EQUAL(memcmp(sig, want, 65), 0);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim(l, project, seq, &c2, NULL, &batch), 0);
	CU_ASSERT_EQUAL(memcmp(&c, &c2, sizeof(c)), 0);
	CU_ASSERT_EQUAL(batch, 0);
}

static void test_claims_gapfree(void)
{
	ssp_ledger *l = open_fresh("claims");
	struct claim_signer_ctx s;
	struct collect k;
	uint64_t *users = NULL, seq = 0;
	size_t n = 0, nu = 0;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, P1, &seq), 0);
	CU_ASSERT_EQUAL(seq, 1);
	/* user 1 (alice): results 9, 3, 5; user 2 (bob): 4, 1; another project: 3. */
	add(l, P1, 9, 1, 900);
	add(l, P1, 3, 1, 300);
	add(l, P1, 5, 1, 500);
	add(l, P1, 4, 2, 400);
	add(l, P1, 1, 2, 100);
	add(l, P2, 3, 1, 333);
	CU_ASSERT_EQUAL(ssp_ledger_unclaimed_users(l, P1, &users, &nu), 0);
	CU_ASSERT_EQUAL_FATAL(nu, 2);
	CU_ASSERT_EQUAL(users[0], 1);
	CU_ASSERT_EQUAL(users[1], 2);
	free(users);

	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 3);
	check_claim_matches(l, P1, 3, 1, ALICE);
	check_claim_matches(l, P1, 5, 2, ALICE);
	check_claim_matches(l, P1, 9, 3, ALICE);
	CU_ASSERT_EQUAL(ssp_ledger_unclaimed_users(l, P1, &users, &nu), 0);
	CU_ASSERT_EQUAL_FATAL(nu, 1);
	CU_ASSERT_EQUAL(users[0], 2);
	free(users);
	/* Nothing more for alice. */
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 0);

	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 2, BOB, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	check_claim_matches(l, P1, 1, 4, BOB);
	check_claim_matches(l, P1, 4, 5, BOB);
	CU_ASSERT_EQUAL(ssp_ledger_unclaimed_users(l, P1, &users, &nu), 0);
	CU_ASSERT_EQUAL(nu, 0);
	CU_ASSERT_PTR_NULL(users);

	/* New credit for alice continues the sequence; the other project has its own. */
	add(l, P1, 2, 1, 200);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, BOB, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	check_claim_matches(l, P1, 2, 6, BOB);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P2, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	check_claim_matches(l, P2, 3, 1, ALICE);
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, P1, &seq), 0);
	CU_ASSERT_EQUAL(seq, 7);
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, P2, &seq), 0);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT_EQUAL(s.calls, 7);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(s.seqs[i], (uint64_t)i + 1);

	/* Export iteration: ranges, order, early stop. */
	memset(&k, 0, sizeof(k));
	CU_ASSERT_EQUAL(ssp_ledger_claims_foreach(l, P1, 1, UINT64_MAX, collect_claims, &k), 0);
	CU_ASSERT_EQUAL(k.n, 6);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(k.seqs[i], (uint64_t)i + 1);
	CU_ASSERT_EQUAL(k.results[0], 3);
	CU_ASSERT_EQUAL(k.results[3], 1);
	CU_ASSERT_EQUAL(k.results[5], 2);
	memset(&k, 0, sizeof(k));
	CU_ASSERT_EQUAL(ssp_ledger_claims_foreach(l, P1, 2, 4, collect_claims, &k), 0);
	CU_ASSERT_EQUAL(k.n, 3);
	CU_ASSERT_EQUAL(k.seqs[0], 2);
	CU_ASSERT_EQUAL(k.seqs[2], 4);
	memset(&k, 0, sizeof(k));
	k.stop_after = 2;
	CU_ASSERT_EQUAL(ssp_ledger_claims_foreach(l, P1, 1, 100, collect_claims, &k), 7);
	CU_ASSERT_EQUAL(k.n, 2);
	memset(&k, 0, sizeof(k));
	CU_ASSERT_EQUAL(ssp_ledger_claims_foreach(l, P1, 5, 4, collect_claims, &k), 0);
	CU_ASSERT_EQUAL(k.n, 0);
	/* The snapshot was closed: writes work again. */
	add(l, P1, 10, 1, 1);

	CU_ASSERT_EQUAL(ssp_ledger_get_claim_by_result(l, P1, 10, &(ssp_claim){ 0 }, NULL),
			SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim(l, P1, 99, &(ssp_claim){ 0 }, NULL, NULL),
			SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, NULL, &s, &n), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, (uint64_t)INT64_MAX + 1, ALICE,
						 claim_signer, &s, &n), SSP_ERR_RANGE);
	ssp_ledger_close(l);
}

/* More unclaimed credits than one read round (256): all claimed, in result order. */
static void test_claims_large_backlog(void)
{
	ssp_ledger *l = open_fresh("backlog");
	struct claim_signer_ctx s;
	ssp_credit *v = calloc(700, sizeof(*v));
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	/* Result ids out of order, interleaved with another user's. */
	for (int i = 0; i < 700; i++)
		v[i] = mkcredit(P1, (uint64_t)((i * 389) % 700) * 2 + 10, (i % 5) == 0 ? 9 : 4, 1);
	CU_ASSERT_EQUAL(ssp_ledger_add_credits(l, v, 700, &n), 0);
	CU_ASSERT_EQUAL(n, 700);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 4, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 560);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM claims"), 560);
	/* seq order is result_id order. */
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM claims a JOIN claims b ON"
				   " a.project_id = b.project_id AND a.seq < b.seq AND a.result_id > b.result_id"), 0);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT max(seq) FROM claims"), 560);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM credits WHERE user_id = 9 AND claimed = 1"), 0);
	free(v);
	ssp_ledger_close(l);
}

static void test_claim_signer_fails(void)
{
	ssp_ledger *l = open_fresh("signfail");
	struct claim_signer_ctx s;
	uint64_t seq = 0, *users = NULL;
	size_t n = 99, nu = 0;
	ssp_claim c;

	add(l, P1, 1, 5, 10);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 5, ALICE, claim_signer, &s, &n), 0);
	for (uint64_t r = 100; r < 110; r++)
		add(l, P1, r, 5, r);

	memset(&s, 0, sizeof(s));
	s.fail_at = 5;
	s.fail_rc = SSP_ERR_NOMEM;
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 5, ALICE, claim_signer, &s, &n), SSP_ERR_NOMEM);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(s.calls, 5);
	/* Nothing of the four signed before the failure survived. */
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, P1, &seq), 0);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim_by_result(l, P1, 100, &c, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM claims"), 1);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM credits WHERE claimed = 1"), 1);
	CU_ASSERT_EQUAL(ssp_ledger_unclaimed_users(l, P1, &users, &nu), 0);
	CU_ASSERT_EQUAL(nu, 1);
	free(users);

	/* A positive return is a failure too. */
	memset(&s, 0, sizeof(s));
	s.fail_at = 1;
	s.fail_rc = 1;
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 5, ALICE, claim_signer, &s, &n), SSP_ERR_CRYPTO);

	/* The next successful run takes the same seqs. */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 5, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(n, 10);
	check_claim_matches(l, P1, 100, 2, ALICE);
	check_claim_matches(l, P1, 109, 11, ALICE);
	ssp_ledger_close(l);
}

/* With a real key: the stored signature recovers to the signer over the stored claim. */
struct key_ctx {
	uint8_t seckey[32];
	ssp_domain dom;
};

static int key_claim_signer(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	struct key_ctx *k = ctx;
	uint8_t digest[32];

	ssp_eip712_claim_digest(&k->dom, c, digest);
	return ssp_sign(k->seckey, digest, sig);
}

static int key_batch_signer(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	struct key_ctx *k = ctx;
	uint8_t digest[32];

	ssp_eip712_batch_digest(&k->dom, b, digest);
	return ssp_sign(k->seckey, digest, sig);
}

static void test_claim_real_signature(void)
{
	ssp_ledger *l = open_fresh("realsig");
	struct key_ctx k;
	ssp_claim c;
	ssp_ledger_batch b;
	uint8_t addr[20], sig[65], digest[32], rec[20];
	int64_t id = 0;
	size_t n = 0;

	memset(&k, 0, sizeof(k));
	k.seckey[31] = 1; /* the key 1: its address is well known */
	k.dom.chain_id = 31337;
	memset(k.dom.contract, 0x5f, 20);
	CU_ASSERT_EQUAL_FATAL(ssp_key_address(k.seckey, addr), 0);
	add(l, P1, 11, 8, 111);
	add(l, P1, 12, 8, 222);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 8, BOB, key_claim_signer, &k, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(ssp_ledger_get_claim_by_result(l, P1, 12, &c, sig), 0);
	ssp_eip712_claim_digest(&k.dom, &c, digest);
	CU_ASSERT_EQUAL(ssp_recover(digest, sig, rec), 0);
	CU_ASSERT_EQUAL(memcmp(rec, addr, 20), 0);

	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, 10, addr, key_batch_signer, &k, &id), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id, &b), 0);
	CU_ASSERT_EQUAL_FATAL(b.nsigs, 1);
	CU_ASSERT_EQUAL(memcmp(b.sigs[0].signer, addr, 20), 0);
	ssp_eip712_batch_digest(&k.dom, &b.header, digest);
	CU_ASSERT_EQUAL(ssp_verify(digest, b.sigs[0].sig, addr), 0);
	ssp_ledger_batch_clear(&b);
	ssp_ledger_close(l);
}

/* The schema itself keeps signed data immutable and seqs gap-free. */
static void test_schema_guards(void)
{
	ssp_ledger *l = open_fresh("guards");
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	int64_t id = 0;
	size_t n;

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	add(l, P1, 1, 1, 10);
	add(l, P1, 2, 1, 20);
	add(l, P1, 3, 1, 30);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, 2, BOB, batch_signer, &bs, &id), 0);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE credits SET credit = 1", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE credits SET claimed = 0", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "DELETE FROM credits", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE claims SET beneficiary = zeroblob(20)", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE claims SET batch_id = NULL WHERE seq = 1", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "DELETE FROM claims", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE batches SET total_credit = 0", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "DELETE FROM batches", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "UPDATE batch_payouts SET credit = 0", NULL, NULL, NULL), SQLITE_OK);
	/* A seq out of order, or a second claim for one result, is refused. */
	add(l, P1, 4, 1, 40);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "INSERT INTO claims (project_id, seq, result_id,"
					 " beneficiary, signature, signed_at) SELECT project_id, 5, 4,"
					 " zeroblob(20), zeroblob(65), 0 FROM credits WHERE result_id = 4",
					 NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_NOT_EQUAL(sqlite3_exec(l->db, "INSERT INTO claims (project_id, seq, result_id,"
					 " beneficiary, signature, signed_at) SELECT project_id, 4, 3,"
					 " zeroblob(20), zeroblob(65), 0 FROM credits WHERE result_id = 3",
					 NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(l->db, "INSERT INTO claims (project_id, seq, result_id,"
				     " beneficiary, signature, signed_at) SELECT project_id, 4, 4,"
				     " zeroblob(20), zeroblob(65), 0 FROM credits WHERE result_id = 4",
				     NULL, NULL, NULL), SQLITE_OK);
	/* ...which marked the credit claimed. */
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT claimed FROM credits WHERE result_id = 4"), 1);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM claims"), 4);
	ssp_ledger_close(l);
}

static void test_busy(void)
{
	char path[PATH_MAX];
	ssp_ledger *l = NULL;
	sqlite3 *other = NULL;
	ssp_credit c = mkcredit(P1, 1, 1, 1);
	time_t t0;

	snprintf(path, sizeof(path), "%s", db_path("busy"));
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(path, &l), 0);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &other), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(l->db, 200); /* shorter than the real 5 s, for the test */
	t0 = time(NULL);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, NULL), SSP_ERR_BUSY);
	CU_ASSERT_TRUE(time(NULL) - t0 < 4);
	/* Readers are not blocked by the writer (WAL). */
	CU_ASSERT_EQUAL(ssp_ledger_get_credit(l, P1, 1, &c, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	c = mkcredit(P1, 1, 1, 1);
	CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, NULL), 0);
	sqlite3_close(other);
	ssp_ledger_close(l);
}

/* ---- batches ---- */

static int64_t seal(ssp_ledger *l, const uint8_t project[32], size_t max, struct batch_signer_ctx *bs)
{
	int64_t id = -1;

	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, project, max, BOB, batch_signer, bs, &id), 0);
	return id;
}

static void test_seal(void)
{
	ssp_ledger *l = open_fresh("seal");
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	ssp_ledger_batch b;
	uint8_t want[65];
	uint64_t count = 99, oldest = 99, t0 = (uint64_t)time(NULL);
	int64_t id1, id2, id3, id;
	size_t n;

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	CU_ASSERT_EQUAL(ssp_ledger_unbatched_stats(l, P1, &count, &oldest), 0);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(oldest, 0);
	CU_ASSERT_EQUAL(seal(l, P1, 5, &bs), 0); /* nothing to seal */
	CU_ASSERT_EQUAL(bs.calls, 0);

	/* seq 1..4: user 1 (results 1,2,3,4: 10,20,30,40) to ALICE; seq 5..7: user 2 to BOB. */
	for (uint64_t r = 1; r <= 4; r++)
		add(l, P1, r, 1, r * 10);
	for (uint64_t r = 5; r <= 7; r++)
		add(l, P1, r, 2, r * 10);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 2, BOB, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(ssp_ledger_unbatched_stats(l, P1, &count, &oldest), 0);
	CU_ASSERT_EQUAL(count, 7);
	CU_ASSERT_TRUE(oldest >= t0 && oldest <= (uint64_t)time(NULL));

	/* A failing signer stores nothing. */
	bs.fail = 1;
	id = 5;
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, 3, BOB, batch_signer, &bs, &id), SSP_ERR_CRYPTO);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM batches"), 0);
	CU_ASSERT_EQUAL(pragma_int(l, "SELECT count(*) FROM claims WHERE batch_id IS NOT NULL"), 0);
	bs.fail = 0;

	id1 = seal(l, P1, 3, &bs);
	id2 = seal(l, P1, 3, &bs);
	CU_ASSERT_EQUAL(ssp_ledger_unbatched_stats(l, P1, &count, NULL), 0);
	CU_ASSERT_EQUAL(count, 1);
	id3 = seal(l, P1, 3, &bs);
	CU_ASSERT_TRUE(id1 > 0 && id2 > id1 && id3 > id2);
	CU_ASSERT_EQUAL(seal(l, P1, 3, &bs), 0);
	CU_ASSERT_EQUAL(ssp_ledger_unbatched_stats(l, P1, &count, &oldest), 0);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(oldest, 0);

	/* Batch 1: seq 1..3, all ALICE: 10+20+30. */
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id1, &b), 0);
	CU_ASSERT_EQUAL(b.id, id1);
	CU_ASSERT_EQUAL(memcmp(b.header.project, P1, 32), 0);
	CU_ASSERT_EQUAL(b.header.first_seq, 1);
	CU_ASSERT_EQUAL(b.header.last_seq, 3);
	CU_ASSERT_EQUAL(b.nclaims, 3);
	CU_ASSERT_EQUAL(b.header.total_credit, 60);
	CU_ASSERT_EQUAL(b.state, SSP_BATCH_SEALED);
	CU_ASSERT_STRING_EQUAL(b.reason, "");
	CU_ASSERT_EQUAL_FATAL(b.npayouts, 1);
	CU_ASSERT_EQUAL(memcmp(b.payouts[0].beneficiary, ALICE, 20), 0);
	CU_ASSERT_EQUAL(b.payouts[0].credit, 60);
	CU_ASSERT_EQUAL_FATAL(b.nsigs, 1);
	CU_ASSERT_EQUAL(memcmp(b.sigs[0].signer, BOB, 20), 0);
	fake_batch_sig(&b.header, want);
	CU_ASSERT_EQUAL(memcmp(b.sigs[0].sig, want, 65), 0);
	ssp_ledger_batch_clear(&b);
	CU_ASSERT_PTR_NULL(b.payouts);

	/* Batch 2: seq 4..6 = ALICE 40, BOB 50+60; payouts sorted by address (ALICE < BOB). */
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id2, &b), 0);
	CU_ASSERT_EQUAL(b.header.first_seq, 4);
	CU_ASSERT_EQUAL(b.header.last_seq, 6);
	CU_ASSERT_EQUAL(b.header.total_credit, 150);
	CU_ASSERT_EQUAL_FATAL(b.npayouts, 2);
	CU_ASSERT_EQUAL(memcmp(b.payouts[0].beneficiary, ALICE, 20), 0);
	CU_ASSERT_EQUAL(b.payouts[0].credit, 40);
	CU_ASSERT_EQUAL(memcmp(b.payouts[1].beneficiary, BOB, 20), 0);
	CU_ASSERT_EQUAL(b.payouts[1].credit, 110);
	ssp_ledger_batch_clear(&b);

	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id3, &b), 0);
	CU_ASSERT_EQUAL(b.header.first_seq, 7);
	CU_ASSERT_EQUAL(b.header.last_seq, 7);
	CU_ASSERT_EQUAL(b.header.total_credit, 70);
	/* The signer was handed exactly the stored header. */
	CU_ASSERT_EQUAL(memcmp(&bs.last, &b.header, sizeof(b.header)), 0);
	ssp_ledger_batch_clear(&b);

	/* Claims know their batch. */
	{
		ssp_claim c;
		int64_t bid = 0;

		CU_ASSERT_EQUAL(ssp_ledger_get_claim(l, P1, 4, &c, NULL, &bid), 0);
		CU_ASSERT_EQUAL(bid, id2);
		CU_ASSERT_EQUAL(ssp_ledger_get_claim(l, P1, 7, &c, NULL, &bid), 0);
		CU_ASSERT_EQUAL(bid, id3);
	}

	CU_ASSERT_EQUAL(ssp_ledger_batch_get(l, 999, &b), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, 0, BOB, batch_signer, &bs, &id), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, SSP_LEDGER_MAX_BATCH_CLAIMS + 1, BOB,
					      batch_signer, &bs, &id), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, P1, 1, NULL, batch_signer, &bs, &id), SSP_ERR_INVAL);
	ssp_ledger_close(l);
}

/* The claims root and payouts hash are those of the batch's claims, in seq order. */
static void test_seal_root(void)
{
	ssp_ledger *l = open_fresh("sealroot");
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	ssp_ledger_batch b;
	ssp_claim c[5];
	uint8_t leaves[5][32], root[32], ph[32];
	ssp_payout p[2];
	int64_t id;
	size_t n;

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	add(l, P2, 50, 3, 5);
	add(l, P2, 51, 4, 6);
	add(l, P2, 52, 3, 7);
	add(l, P2, 53, 4, 8);
	add(l, P2, 54, 3, 9);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P2, 4, BOB, claim_signer, &s, &n), 0);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P2, 3, ALICE, claim_signer, &s, &n), 0);
	id = seal(l, P2, 100, &bs);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id, &b), 0);
	for (uint64_t q = 1; q <= 5; q++) {
		CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_claim(l, P2, q, &c[q - 1], NULL, NULL), 0);
		ssp_eip712_claim_hash(&c[q - 1], leaves[q - 1]);
	}
	/* seq 1,2 = BOB 6,8; seq 3..5 = ALICE 5,7,9. */
	CU_ASSERT_EQUAL(c[0].result_id, 51);
	CU_ASSERT_EQUAL(c[2].result_id, 50);
	CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])leaves, 5, root), 0);
	CU_ASSERT_EQUAL(memcmp(root, b.header.claims_root, 32), 0);
	memcpy(p[0].beneficiary, ALICE, 20);
	p[0].credit = 21;
	memcpy(p[1].beneficiary, BOB, 20);
	p[1].credit = 14;
	CU_ASSERT_EQUAL(ssp_payouts_hash(p, 2, ph), 0);
	CU_ASSERT_EQUAL(memcmp(ph, b.header.payouts_hash, 32), 0);
	CU_ASSERT_EQUAL(b.header.total_credit, 35);
	ssp_ledger_batch_clear(&b);
	ssp_ledger_close(l);
}

/* A batch stops before its total would pass INT64_MAX. */
static void test_seal_total_cap(void)
{
	ssp_ledger *l = open_fresh("sealcap");
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	ssp_ledger_batch b;
	const uint64_t half = (uint64_t)INT64_MAX / 2 + 1;
	int64_t id;
	size_t n;

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	add(l, P1, 1, 1, half);
	add(l, P1, 2, 1, half);
	add(l, P1, 3, 1, 1);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, P1, 1, ALICE, claim_signer, &s, &n), 0);
	id = seal(l, P1, 10, &bs);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id, &b), 0);
	CU_ASSERT_EQUAL(b.header.last_seq, 1);
	CU_ASSERT_EQUAL(b.header.total_credit, half);
	ssp_ledger_batch_clear(&b);
	id = seal(l, P1, 10, &bs);
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, id, &b), 0);
	CU_ASSERT_EQUAL(b.header.first_seq, 2);
	CU_ASSERT_EQUAL(b.header.last_seq, 3);
	CU_ASSERT_EQUAL(b.header.total_credit, half + 1);
	ssp_ledger_batch_clear(&b);
	ssp_ledger_close(l);
}

/* Builds n claims for project and seals them one per batch; ids into out. */
static void make_batches(ssp_ledger *l, const uint8_t project[32], int n, int64_t *out)
{
	struct claim_signer_ctx s;
	struct batch_signer_ctx bs;
	uint64_t base = 0;
	size_t k;

	memset(&s, 0, sizeof(s));
	memset(&bs, 0, sizeof(bs));
	CU_ASSERT_EQUAL(ssp_ledger_next_seq(l, project, &base), 0);
	for (int i = 0; i < n; i++)
		add(l, project, 1000 + base + (uint64_t)i, 1, 5);
	CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, project, 1, ALICE, claim_signer, &s, &k), 0);
	for (int i = 0; i < n; i++)
		out[i] = seal(l, project, 1, &bs);
}

static int batch_state(ssp_ledger *l, int64_t id, char *reason, size_t cap)
{
	ssp_ledger_batch b;
	int st;

	if (ssp_ledger_batch_get(l, id, &b) != 0)
		return -1;
	st = b.state;
	if (reason != NULL)
		snprintf(reason, cap, "%s", b.reason);
	ssp_ledger_batch_clear(&b);
	return st;
}

static void test_batch_states(void)
{
	ssp_ledger *l = open_fresh("bstates");
	ssp_ledger_batch b;
	int64_t id[3], *ids = NULL;
	size_t n = 0;
	char reason[1000], got[SSP_LEDGER_REASON_MAX];

	make_batches(l, P1, 3, id);
	CU_ASSERT_EQUAL(ssp_ledger_batch_next_to_submit(l, P1, &b), 0);
	CU_ASSERT_EQUAL(b.id, id[0]);
	CU_ASSERT_EQUAL(b.header.first_seq, 1);
	ssp_ledger_batch_clear(&b);
	CU_ASSERT_EQUAL(ssp_ledger_batch_next_to_submit(l, P2, &b), SSP_ERR_NOT_FOUND);

	/* Not allowed: SEALED → MINTED / FINAL. */
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_MINTED, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_FINAL, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(batch_state(l, id[0], NULL, 0), SSP_BATCH_SEALED);

	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_SUBMITTED, "tx 0xabc"), 0);
	CU_ASSERT_EQUAL(batch_state(l, id[0], got, sizeof(got)), SSP_BATCH_SUBMITTED);
	CU_ASSERT_STRING_EQUAL(got, "tx 0xabc");
	CU_ASSERT_EQUAL(ssp_ledger_batch_next_to_submit(l, P1, &b), 0);
	CU_ASSERT_EQUAL(b.id, id[1]);
	ssp_ledger_batch_clear(&b);

	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_MINTED, NULL), 0);
	CU_ASSERT_EQUAL(batch_state(l, id[0], got, sizeof(got)), SSP_BATCH_MINTED);
	CU_ASSERT_STRING_EQUAL(got, "");
	/* A reorg: back to SEALED, it is the next to submit again. */
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_SEALED, "reorg"), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_next_to_submit(l, P1, &b), 0);
	CU_ASSERT_EQUAL(b.id, id[0]);
	ssp_ledger_batch_clear(&b);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_SUBMITTED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_MINTED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_MINTED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_FINAL, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_SEALED, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[0], SSP_BATCH_FAILED, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(batch_state(l, id[0], NULL, 0), SSP_BATCH_FINAL);

	/* FAILED with a long reason (truncated on a UTF-8 boundary), then a retry. */
	memset(reason, 'x', sizeof(reason));
	memcpy(reason + 254, "\xc3\xa9", 2); /* é across the cut at 255 */
	reason[sizeof(reason) - 1] = '\0';
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[1], SSP_BATCH_FAILED, reason), 0);
	CU_ASSERT_EQUAL(batch_state(l, id[1], got, sizeof(got)), SSP_BATCH_FAILED);
	CU_ASSERT_EQUAL(strlen(got), 254);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[1], SSP_BATCH_SUBMITTED, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_batches_in_state(l, P1, SSP_BATCH_FAILED, &ids, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(ids[0], id[1]);
	free(ids);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[1], SSP_BATCH_SEALED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batches_in_state(l, P1, SSP_BATCH_SEALED, &ids, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(ids[0], id[1]);
	CU_ASSERT_EQUAL(ids[1], id[2]);
	free(ids);
	CU_ASSERT_EQUAL(ssp_ledger_batches_in_state(l, P1, SSP_BATCH_MINTED, &ids, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(ids);

	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, 12345, SSP_BATCH_SUBMITTED, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[2], 0, NULL), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, id[2], 99, NULL), SSP_ERR_INVAL);
	CU_ASSERT_STRING_EQUAL(ssp_ledger_batch_state_name(SSP_BATCH_MINTED), "MINTED");
	CU_ASSERT_STRING_EQUAL(ssp_ledger_batch_state_name(0), "?");
	CU_ASSERT_STRING_EQUAL(ssp_ledger_batch_state_name(6), "?");
	ssp_ledger_close(l);
}

static void test_cosign(void)
{
	ssp_ledger *l = open_fresh("cosign");
	ssp_ledger_batch b;
	uint8_t auditor[20], sig[65];
	int64_t id;

	make_batches(l, P1, 1, &id);
	memset(auditor, 0x01, 20); /* sorts before the sealer (BOB) */
	memset(sig, 0x5a, 65);
	CU_ASSERT_EQUAL(ssp_ledger_batch_add_signature(l, id, auditor, sig), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_add_signature(l, id, auditor, sig), 0);
	sig[64] ^= 1;
	CU_ASSERT_EQUAL(ssp_ledger_batch_add_signature(l, id, auditor, sig), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(ssp_ledger_batch_add_signature(l, id + 1, auditor, sig), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_batch_get(l, id, &b), 0);
	CU_ASSERT_EQUAL_FATAL(b.nsigs, 2);
	CU_ASSERT_EQUAL(memcmp(b.sigs[0].signer, auditor, 20), 0);
	CU_ASSERT_EQUAL(b.sigs[0].sig[64], 0x5a);
	CU_ASSERT_EQUAL(memcmp(b.sigs[1].signer, BOB, 20), 0);
	ssp_ledger_batch_clear(&b);
	/* The write lock was released on each path. */
	add(l, P1, 99999, 1, 1);
	ssp_ledger_close(l);
}

/* ---- transactions and nonces ---- */

static ssp_ledger_tx mktx(int64_t batch_id, uint64_t nonce, uint8_t tag)
{
	ssp_ledger_tx t;
	static uint8_t raw[4][300];

	memset(&t, 0, sizeof(t));
	t.batch_id = batch_id;
	memset(t.from, 0xf0, 20);
	t.nonce = nonce;
	t.max_fee.w[0] = 30000000000ULL + tag;
	t.max_fee.w[3] = 0x8000000000000001ULL; /* high words survive the round trip */
	t.max_priority_fee.w[0] = 1000000000ULL;
	t.max_priority_fee.w[1] = tag;
	t.gas = 250000;
	memset(raw[tag % 4], tag, sizeof(raw[0]));
	raw[tag % 4][0] = 0x02;
	t.raw = raw[tag % 4];
	t.raw_len = 200 + tag;
	memset(t.hash, tag, 32);
	return t;
}

static void test_tx(void)
{
	ssp_ledger *l = open_fresh("tx");
	ssp_ledger_tx t1 = mktx(0, 7, 1), t2, got, *txs = NULL;
	uint8_t bh[32];
	int64_t bid, id1 = 0, id2 = 0, id;
	uint64_t nonce = 0;
	size_t n = 0;

	make_batches(l, P1, 1, &bid);
	t1.batch_id = bid;
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t1, &id1), 0);
	CU_ASSERT_TRUE(id1 > 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, id1, &got), 0);
	CU_ASSERT_EQUAL(got.id, id1);
	CU_ASSERT_EQUAL(got.batch_id, bid);
	CU_ASSERT_EQUAL(got.nonce, 7);
	CU_ASSERT_EQUAL(memcmp(got.from, t1.from, 20), 0);
	CU_ASSERT_EQUAL(memcmp(&got.max_fee, &t1.max_fee, sizeof(ssp_u256)), 0);
	CU_ASSERT_EQUAL(memcmp(&got.max_priority_fee, &t1.max_priority_fee, sizeof(ssp_u256)), 0);
	CU_ASSERT_EQUAL(got.gas, 250000);
	CU_ASSERT_EQUAL_FATAL(got.raw_len, 201);
	CU_ASSERT_EQUAL(memcmp(got.raw, t1.raw, 201), 0);
	CU_ASSERT_EQUAL(memcmp(got.hash, t1.hash, 32), 0);
	CU_ASSERT_EQUAL(got.state, SSP_TX_SIGNED);
	CU_ASSERT_EQUAL(got.has_block, 0);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_PTR_NULL(got.raw);
	/* The account's next nonce was raised past it. */
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, t1.from, &nonce), 0);
	CU_ASSERT_EQUAL(nonce, 8);

	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id1, SSP_TX_SENT, 0, NULL, NULL), 0);
	/* A replacement (same nonce, higher fee) supersedes it in the same transaction. */
	t2 = mktx(bid, 7, 2);
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id2), 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, id1, &got), 0);
	CU_ASSERT_EQUAL(got.state, SSP_TX_REPLACED);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_EQUAL(ssp_ledger_batch_txs(l, bid, &txs, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(txs[0].id, id1);
	CU_ASSERT_EQUAL(txs[1].id, id2);
	CU_ASSERT_EQUAL(txs[1].raw_len, 202);
	ssp_ledger_txs_free(txs, n);
	CU_ASSERT_EQUAL(ssp_ledger_batch_latest_tx(l, bid, &got), 0);
	CU_ASSERT_EQUAL(got.id, id2);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get_by_hash(l, t2.hash, &got), 0);
	CU_ASSERT_EQUAL(got.id, id2);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, t1.from, &nonce), 0);
	CU_ASSERT_EQUAL(nonce, 8);

	/* Mined: needs its block; a reorg sends it back to SENT without a block. */
	memset(bh, 0xbb, 32);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_MINED, 0, NULL, NULL), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_FINAL, 0, NULL, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_MINED, 1234, bh, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, id2, &got), 0);
	CU_ASSERT_EQUAL(got.state, SSP_TX_MINED);
	CU_ASSERT_EQUAL(got.has_block, 1);
	CU_ASSERT_EQUAL(got.block_number, 1234);
	CU_ASSERT_EQUAL(memcmp(got.block_hash, bh, 32), 0);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_SENT, 0, NULL, "reorg"), 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, id2, &got), 0);
	CU_ASSERT_EQUAL(got.state, SSP_TX_SENT);
	CU_ASSERT_EQUAL(got.has_block, 0);
	CU_ASSERT_STRING_EQUAL(got.reason, "reorg");
	ssp_ledger_tx_clear(&got);
	bh[0] = 0xcc;
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_MINED, 1240, bh, NULL), 0);
	/* FINAL keeps the block. */
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_FINAL, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, id2, &got), 0);
	CU_ASSERT_EQUAL(got.state, SSP_TX_FINAL);
	CU_ASSERT_EQUAL(got.block_number, 1240);
	CU_ASSERT_EQUAL(got.block_hash[0], 0xcc);
	ssp_ledger_tx_clear(&got);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_SENT, 0, NULL, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id2, SSP_TX_FAILED, 0, NULL, NULL), SSP_ERR_STATE);
	/* The replaced one cannot go back to SIGNED, can be DROPPED, can still be mined. */
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id1, SSP_TX_SIGNED, 0, NULL, NULL), SSP_ERR_STATE);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id1, SSP_TX_DROPPED, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_txs_in_state(l, SSP_TX_DROPPED, &txs, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(txs[0].id, id1);
	ssp_ledger_txs_free(txs, n);
	CU_ASSERT_EQUAL(ssp_ledger_txs_in_state(l, SSP_TX_SENT, &txs, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, 999, SSP_TX_SENT, 0, NULL, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, id1, 42, 0, NULL, NULL), SSP_ERR_INVAL);

	/* Refusals. */
	t2 = mktx(bid, 9, 2); /* same hash as before */
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id), SSP_ERR_EXISTS);
	t2 = mktx(bid + 100, 9, 3);
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id), SSP_ERR_NOT_FOUND);
	t2 = mktx(bid, 9, 3);
	t2.raw_len = SSP_LEDGER_MAX_RAW_TX + 1;
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id), SSP_ERR_TOO_BIG);
	t2.raw_len = 0;
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id), SSP_ERR_INVAL);
	t2 = mktx(bid, (uint64_t)INT64_MAX, 3);
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t2, &id), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_ledger_tx_get(l, 999, &got), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_batch_latest_tx(l, bid + 100, &got), SSP_ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(ssp_ledger_tx_state_name(SSP_TX_REPLACED), "REPLACED");
	CU_ASSERT_STRING_EQUAL(ssp_ledger_tx_state_name(8), "?");
	ssp_ledger_close(l);
}

static void test_nonce(void)
{
	ssp_ledger *l = open_fresh("nonce");
	uint8_t a[20], b[20];
	ssp_ledger_tx t;
	uint64_t v = 77;
	int64_t bid;

	memset(a, 0xf0, 20); /* the sender of mktx */
	memset(b, 0x0b, 20);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, a, &v), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_set(l, a, 5), 0);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, a, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_set(l, a, 3), 0); /* set is authoritative */
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, a, &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, b, &v), SSP_ERR_NOT_FOUND);
	make_batches(l, P1, 1, &bid);
	t = mktx(bid, 10, 1);
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, a, &v), 0);
	CU_ASSERT_EQUAL(v, 11);
	t = mktx(bid, 2, 2); /* an old nonce does not lower it */
	CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_get(l, a, &v), 0);
	CU_ASSERT_EQUAL(v, 11);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_set(l, b, (uint64_t)INT64_MAX + 1), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_ledger_nonce_set(l, NULL, 1), SSP_ERR_INVAL);
	ssp_ledger_close(l);
}

/* ssp_ledger_summary: counts and totals as the other getters see them. */
static void test_summary(void)
{
	ssp_ledger *l = open_fresh("summary");
	ssp_ledger_counts c;
	int64_t ids[3];
	uint64_t t0 = (uint64_t)time(NULL);

	CU_ASSERT_EQUAL(ssp_ledger_summary(l, P1, &c), 0);
	CU_ASSERT_EQUAL(c.schema_version, ssp_ledger_schema_latest());
	CU_ASSERT_EQUAL(c.credits, 0);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_SEALED], 0);
	make_batches(l, P1, 3, ids);           /* 3 claims of credit 5, one batch each */
	add(l, P1, 7, 2, 11);                  /* unclaimed */
	add(l, P2, 8, 2, 13);                  /* another project: not counted */
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, ids[0], SSP_BATCH_SUBMITTED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, ids[0], SSP_BATCH_MINTED, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, ids[0], SSP_BATCH_FINAL, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, ids[1], SSP_BATCH_FAILED, "x"), 0);
	CU_ASSERT_EQUAL(ssp_ledger_summary(l, P1, &c), 0);
	CU_ASSERT_EQUAL(c.credits, 4);
	CU_ASSERT_EQUAL(c.credit_total, 26);
	CU_ASSERT_EQUAL(c.credits_unclaimed, 1);
	CU_ASSERT_EQUAL(c.credit_unclaimed, 11);
	CU_ASSERT_EQUAL(c.claims, 3);
	CU_ASSERT_EQUAL(c.last_seq, 3);
	CU_ASSERT_EQUAL(c.claims_unbatched, 0);
	CU_ASSERT_EQUAL(c.oldest_unbatched_at, 0);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_SEALED], 1);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_SUBMITTED], 0);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_MINTED], 0);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_FINAL], 1);
	CU_ASSERT_EQUAL(c.batches[SSP_BATCH_FAILED], 1);
	CU_ASSERT_EQUAL(c.credit_final, 5);
	CU_ASSERT_EQUAL(c.last_final_seq, 1);
	CU_ASSERT_TRUE(c.last_final_at >= t0);
	CU_ASSERT_TRUE(c.oldest_pending_sealed_at >= t0);
	CU_ASSERT_EQUAL(ssp_ledger_summary(l, P2, &c), 0);
	CU_ASSERT_EQUAL(c.credits, 1);
	CU_ASSERT_EQUAL(c.claims, 0);
	CU_ASSERT_EQUAL(ssp_ledger_summary(NULL, P1, &c), SSP_ERR_INVAL);
	ssp_ledger_close(l);
}

/* The signer's record of each user's payout address: first at once, a replacement after its
 * delay from when it was first seen, the address in effect again drops a waiting one. */
static void test_bindings(void)
{
	ssp_ledger *l = open_fresh("bindings");
	uint8_t proj[32], other[32], a[20], b[20], c[20];
	int ok = -1;
	int64_t until = -1;

	memset(proj, 0x11, 32);
	memset(other, 0x22, 32);
	memset(a, 0xaa, 20);
	memset(b, 0xbb, 20);
	memset(c, 0xcc, 20);
	/* first address: at once */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, a, 1000, 100, &ok, &until), 0);
	CU_ASSERT(ok == 1 && until == 0);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, a, 1001, 100, &ok, &until), 0);
	CU_ASSERT_EQUAL(ok, 1);
	/* a replacement waits from when it is first seen, however often it is seen */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, b, 1010, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1110);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, b, 1109, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1110);
	/* another user, another project: their own records */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 8, b, 1050, 100, &ok, &until), 0);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, other, 7, c, 1050, 100, &ok, &until), 0);
	CU_ASSERT_EQUAL(ok, 1);
	/* after the delay it takes effect; the old one is now a replacement */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, b, 1110, 100, &ok, &until), 0);
	CU_ASSERT(ok == 1 && until == 0);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, a, 1111, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1211);
	/* the address in effect again drops the waiting one: a later replacement starts over */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, b, 1150, 100, &ok, &until), 0);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, a, 1300, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1400);
	/* a third address replaces the waiting one, and its own wait starts */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, c, 1350, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1450);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, a, 1420, 100, &ok, &until), 0);
	CU_ASSERT(ok == 0 && until == 1520);
	/* no delay: at once */
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, 7, c, 1421, 0, &ok, &until), 0);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(NULL, proj, 7, c, 1, 0, &ok, &until), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ledger_binding_seen(l, proj, UINT64_MAX, c, 1, 0, &ok, &until), SSP_ERR_INVAL);
	ssp_ledger_close(l);
}

static CU_TestInfo tests[] = {
	{ "open a new ledger", test_open_fresh },
	{ "bindings: first at once, replacements after their delay", test_bindings },
	{ "embedded migrations", test_embedded_migrations },
	{ "reopen", test_reopen },
	{ "refuse a newer schema", test_refuse_newer },
	{ "refuse a foreign or damaged file", test_refuse_foreign },
	{ "migration runner steps and rollback", test_migrate_steps },
	{ "concurrent creation", test_concurrent_create },
	{ "credit idempotency", test_credit_idempotent },
	{ "unknown project", test_unknown_project },
	{ "claims gap-free across calls and users", test_claims_gapfree },
	{ "claims of a large backlog", test_claims_large_backlog },
	{ "failing claim signer rolls back", test_claim_signer_fails },
	{ "real signatures", test_claim_real_signature },
	{ "schema guards", test_schema_guards },
	{ "busy", test_busy },
	{ "seal: max, order, payouts", test_seal },
	{ "seal: root and payouts hash", test_seal_root },
	{ "seal: total credit cap", test_seal_total_cap },
	{ "batch states", test_batch_states },
	{ "co-signatures", test_cosign },
	{ "transactions", test_tx },
	{ "nonces", test_nonce },
	{ "summary", test_summary },
	CU_TEST_INFO_NULL,
};

/* Removes the suite's private temp dir and the databases in it. */
static void cleanup_tmpdir(void)
{
	const char *dir = ssp_cu_tmpdir();
	char path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int main(void)
{
	int rc;

	memset(P1, 0x11, 32);
	memset(P2, 0x22, 32);
	rc = ssp_cu_run("ledger", tests);

	cleanup_tmpdir();
	return rc;
}
