/* Kill safety of lib/ssp_ledger*: a child runs a long series of credit/claim/seal/state/tx
 * operations and is SIGKILLed at random instants; after each kill the ledger is reopened
 * and its invariants are checked. */
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "ledger/ssp_ledger.h"
#include "ledger/ssp_ledger_int.h"

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KILLS 25
#define NPROJECTS 2

static uint8_t projects[NPROJECTS][32];

static void fake_claim_sig(const ssp_claim *c, uint8_t sig[65])
{
	for (int i = 0; i < 65; i++)
		sig[i] = (uint8_t)(c->seq * 31 + c->result_id * 7 + c->credit + c->user_id * 3 +
				   c->beneficiary[i % 20] + c->project[i % 32] + (uint64_t)i * 13);
}

static int claim_signer(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	(void)ctx;
	fake_claim_sig(c, sig);
	return 0;
}

static int batch_signer(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	(void)ctx;
	for (int i = 0; i < 65; i++)
		sig[i] = (uint8_t)(b->first_seq + b->last_seq + b->claims_root[i % 32]);
	return 0;
}

static void beneficiary_of(uint64_t user, uint8_t out[20])
{
	memset(out, 0, 20);
	out[0] = (uint8_t)(0x10 * (user % 3)); /* several users share an address */
	out[19] = (uint8_t)(user % 3);
}

static int64_t query_i64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The child: never returns. Works until killed. */
static void worker(const char *path, unsigned seed)
{
	ssp_ledger *l = NULL;
	uint64_t result;
	uint8_t ben[20];
	int r;

	srand(seed);
	memset(ben, 0x77, sizeof(ben)); /* the sealer's address until a claim sets it */
	if (ssp_ledger_open(path, &l) != 0)
		_exit(3);
	/* result ids, tx nonces and hashes come from one counter, continued across kills. */
	result = (uint64_t)query_i64(l->db, "SELECT max(coalesce((SELECT max(result_id) FROM credits), 0),"
				     " coalesce((SELECT max(nonce) FROM txs), 0))") + 1;
	for (;;) {
		int op = rand() % 100;
		const uint8_t *p = projects[rand() % NPROJECTS];
		uint64_t user = 1 + (uint64_t)(rand() % 6);

		if (op < 40) {
			/* A work unit's results, sometimes repeating one already added. */
			ssp_credit c[3];
			int n = 1 + rand() % 3;

			for (int i = 0; i < n; i++) {
				memset(&c[i], 0, sizeof(c[i]));
				memcpy(c[i].project, p, 32);
				c[i].result_id = result++;
				c[i].workunit_id = c[i].result_id / 3;
				c[i].user_id = 1 + (uint64_t)(rand() % 6);
				c[i].host_id = 100 + c[i].user_id;
				c[i].credit = 1 + (uint64_t)(rand() % 1000000);
				memset(c[i].result_digest, (int)(c[i].result_id & 0xff), 32);
				c[i].granted_at = 1700000000 + c[i].result_id;
			}
			r = ssp_ledger_add_credits(l, c, (size_t)n, NULL);
			if (r == 0)
				r = ssp_ledger_add_credits(l, c, 1, NULL); /* idempotent repeat */
		} else if (op < 70) {
			beneficiary_of(user, ben);
			r = ssp_ledger_claim_credits(l, p, user, ben, claim_signer, NULL, NULL);
		} else if (op < 85) {
			int64_t id = 0;

			r = ssp_ledger_seal_batch(l, p, 1 + (size_t)(rand() % 8), ben, batch_signer, NULL, &id);
		} else {
			/* Move the next batch along, with a transaction. */
			ssp_ledger_batch b;
			ssp_ledger_tx t;
			uint8_t raw[64];

			r = ssp_ledger_batch_next_to_submit(l, p, &b);
			if (r == 0) {
				memset(&t, 0, sizeof(t));
				t.batch_id = b.id;
				memset(t.from, 0xee, 20);
				t.nonce = result;
				t.gas = 100000;
				memset(raw, 0x02, sizeof(raw));
				t.raw = raw;
				t.raw_len = sizeof(raw);
				memset(t.hash, 0, 32);
				memcpy(t.hash, &result, sizeof(result));
				memcpy(t.hash + 8, p, 8);
				result++;
				r = ssp_ledger_tx_insert(l, &t, NULL);
				if (r == 0)
					r = ssp_ledger_batch_set_state(l, b.id, SSP_BATCH_SUBMITTED, NULL);
				if (r == 0 && rand() % 2)
					r = ssp_ledger_batch_set_state(l, b.id, SSP_BATCH_MINTED, NULL);
				ssp_ledger_batch_clear(&b);
			} else if (r == SSP_ERR_NOT_FOUND) {
				r = 0;
			}
		}
		if (r != 0 && r != SSP_ERR_BUSY)
			_exit(4);
	}
}

static int failures;

static void fail(const char *what, int64_t got)
{
	fprintf(stderr, "invariant broken: %s (%lld)\n", what, (long long)got);
	failures++;
}

/* Every query must return 0 (no offending rows). */
static const struct {
	const char *what, *sql;
} zero_checks[] = {
	{ "seq starts at 1 and is gap-free",
	  "SELECT count(*) FROM (SELECT project_id, count(*) n, min(seq) lo, max(seq) hi FROM claims"
	  " GROUP BY project_id) WHERE lo != 1 OR hi != n" },
	{ "claimed flag equals having a claim",
	  "SELECT count(*) FROM credits r WHERE r.claimed !="
	  " EXISTS (SELECT 1 FROM claims c WHERE c.project_id = r.project_id AND c.result_id = r.result_id)" },
	{ "one claim per credit",
	  "SELECT count(*) FROM (SELECT 1 FROM claims GROUP BY project_id, result_id HAVING count(*) > 1)" },
	{ "claims refer to credits",
	  "SELECT count(*) FROM claims c LEFT JOIN credits r ON r.project_id = c.project_id"
	  " AND r.result_id = c.result_id WHERE r.result_id IS NULL" },
	{ "claims of one user are in result order",
	  "SELECT count(*) FROM claims a JOIN credits ra ON ra.project_id = a.project_id AND ra.result_id = a.result_id"
	  " JOIN claims b ON b.project_id = a.project_id AND b.seq > a.seq"
	  " JOIN credits rb ON rb.project_id = b.project_id AND rb.result_id = b.result_id"
	  " WHERE ra.user_id = rb.user_id AND ra.result_id > rb.result_id AND b.seq - a.seq < 50" },
	{ "batch claim counts and seq ranges",
	  "SELECT count(*) FROM batches b WHERE b.nclaims != (SELECT count(*) FROM claims c WHERE c.batch_id = b.id)"
	  " OR b.first_seq != (SELECT min(seq) FROM claims c WHERE c.batch_id = b.id)"
	  " OR b.last_seq != (SELECT max(seq) FROM claims c WHERE c.batch_id = b.id)" },
	{ "claims lie in their batch's range and project",
	  "SELECT count(*) FROM claims c JOIN batches b ON b.id = c.batch_id"
	  " WHERE c.project_id != b.project_id OR c.seq < b.first_seq OR c.seq > b.last_seq" },
	{ "batch total = sum of its claims",
	  "SELECT count(*) FROM batches b WHERE b.total_credit != (SELECT sum(r.credit) FROM claims c"
	  " JOIN credits r ON r.project_id = c.project_id AND r.result_id = c.result_id WHERE c.batch_id = b.id)" },
	{ "batch total = sum of its payouts",
	  "SELECT count(*) FROM batches b WHERE b.total_credit !="
	  " (SELECT coalesce(sum(credit), -1) FROM batch_payouts p WHERE p.batch_id = b.id)" },
	{ "payouts = claims summed per beneficiary",
	  "SELECT count(*) FROM (SELECT c.batch_id, c.beneficiary, sum(r.credit) s FROM claims c"
	  " JOIN credits r ON r.project_id = c.project_id AND r.result_id = c.result_id"
	  " WHERE c.batch_id IS NOT NULL GROUP BY c.batch_id, c.beneficiary) x"
	  " LEFT JOIN batch_payouts p ON p.batch_id = x.batch_id AND p.beneficiary = x.beneficiary"
	  " WHERE p.credit IS NOT x.s" },
	{ "no payout without claims",
	  "SELECT count(*) FROM batch_payouts p WHERE NOT EXISTS (SELECT 1 FROM claims c"
	  " WHERE c.batch_id = p.batch_id AND c.beneficiary = p.beneficiary)" },
	{ "batches tile the seq line from 1",
	  "SELECT count(*) FROM batches b WHERE b.first_seq != 1 + coalesce((SELECT max(last_seq)"
	  " FROM batches a WHERE a.project_id = b.project_id AND a.first_seq < b.first_seq), 0)" },
	{ "no unbatched claim below a batched one",
	  "SELECT count(*) FROM claims c WHERE c.batch_id IS NULL AND c.seq <"
	  " (SELECT max(last_seq) FROM batches b WHERE b.project_id = c.project_id)" },
	{ "every batch has its sealer's signature",
	  "SELECT count(*) FROM batches b WHERE NOT EXISTS (SELECT 1 FROM batch_signatures s"
	  " WHERE s.batch_id = b.id)" },
	{ "every SUBMITTED or MINTED batch has a tx",
	  "SELECT count(*) FROM batches b WHERE b.state IN ('SUBMITTED', 'MINTED') AND NOT EXISTS"
	  " (SELECT 1 FROM txs t WHERE t.batch_id = b.id)" },
	{ "account nonce above every tx nonce",
	  "SELECT count(*) FROM txs t LEFT JOIN accounts a ON a.address = t.from_addr"
	  " WHERE a.nonce IS NULL OR a.nonce <= t.nonce" },
};

struct sigcheck {
	int bad;
	uint64_t n;
};

static int check_sig(void *ctx, const ssp_claim *c, const uint8_t sig[65], int64_t batch_id)
{
	struct sigcheck *k = ctx;
	uint8_t want[65];

	(void)batch_id;
	fake_claim_sig(c, want);
	if (memcmp(want, sig, 65) != 0)
		k->bad++;
	k->n++;
	return 0;
}

/* Returns the number of claims; records failures. */
static int64_t check_invariants(const char *path)
{
	ssp_ledger *l = NULL;
	sqlite3_stmt *st = NULL;
	int64_t claims;
	int r;

	r = ssp_ledger_open(path, &l);
	if (r != 0) {
		fail("reopen", r);
		return -1;
	}
	if (sqlite3_prepare_v2(l->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		fail("integrity_check", 0);
	sqlite3_finalize(st);
	if (query_i64(l->db, "SELECT count(*) FROM pragma_foreign_key_check") != 0)
		fail("foreign_key_check", 0);
	for (size_t i = 0; i < sizeof(zero_checks) / sizeof(zero_checks[0]); i++) {
		int64_t v = query_i64(l->db, zero_checks[i].sql);

		if (v != 0)
			fail(zero_checks[i].what, v);
	}
	/* Each stored signature is the one made over the stored claim. */
	for (int p = 0; p < NPROJECTS; p++) {
		struct sigcheck k = { 0, 0 };
		uint64_t next = 0;

		if (ssp_ledger_claims_foreach(l, projects[p], 1, UINT64_MAX, check_sig, &k) != 0)
			fail("claims_foreach", 0);
		if (k.bad != 0)
			fail("claim signatures", k.bad);
		if (ssp_ledger_next_seq(l, projects[p], &next) != 0 || next != k.n + 1)
			fail("next_seq", (int64_t)next);
	}
	claims = query_i64(l->db, "SELECT count(*) FROM claims");
	ssp_ledger_close(l);
	return claims;
}

static void test_kill_safety(void)
{
	char path[PATH_MAX];
	int64_t claims = 0, prev = 0, batches = 0;
	int grew = 0, killed = 0;

	snprintf(path, sizeof(path), "%s/kill.db", ssp_cu_tmpdir());
	unlink(path);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (int i = 0; i < KILLS; i++) {
		int status = 0;
		pid_t pid = fork();

		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0)
			worker(path, (unsigned)rand());
		/* The first kill may land in the middle of creating the schema. */
		usleep(i == 0 ? (useconds_t)(rand() % 3000) : (useconds_t)(10000 + rand() % 150000));
		kill(pid, SIGKILL);
		CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
		else
			fprintf(stderr, "worker ended by itself: status %d\n", status);
		claims = check_invariants(path);
		if (claims > prev)
			grew++;
		if (claims > prev)
			prev = claims;
	}
	CU_ASSERT_EQUAL(failures, 0);
	CU_ASSERT_EQUAL(killed, KILLS);
	/* The workers made progress (the test is not vacuous). */
	CU_ASSERT_TRUE(grew >= KILLS / 2);
	{
		ssp_ledger *l = NULL;

		CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(path, &l), 0);
		batches = query_i64(l->db, "SELECT count(*) FROM batches");
		fprintf(stderr, "\n  after %d kills: %lld claims, %lld batches, %lld txs\n", killed,
			(long long)prev, (long long)batches,
			(long long)query_i64(l->db, "SELECT count(*) FROM txs"));
		ssp_ledger_close(l);
	}
	CU_ASSERT_TRUE(batches > 0);
}

static CU_TestInfo tests[] = {
	{ "SIGKILL at random instants keeps the ledger consistent", test_kill_safety },
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

	memset(projects[0], 0x11, 32);
	memset(projects[1], 0x22, 32);
	rc = ssp_cu_run("ledger_kill", tests);

	cleanup_tmpdir();
	return rc;
}
