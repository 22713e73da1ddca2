/* Benchmark: the ledger's write paths on a real file (WAL, synchronous=FULL), on one project
 * grown to N credit rows (default 1,000,000) from 10,000 users:
 *  1. N credit rows in transactions of 10,000 (ssp_ledger_add_credits);
 *  2. 2,000 more rows, one transaction per row (the validator's pattern: one per work unit);
 *  3. listing the users with unclaimed credits (the validator asks at every pass);
 *  4. claims signed (secp256k1, EIP-712) and stored: ssp_ledger_claim_credits for 50 users;
 *  5. the same for 200 more users with a no-op signer (the ledger's own cost);
 *  6. all those claims sealed (Merkle root, payouts, signature) in batches of 1,000.
 * Usage: bench_ledger [N]. The database lives in a private temp dir ($TMPDIR or /tmp),
 * removed at the end. Prints figures, never pass/fail. */
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "ledger/ssp_ledger.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_ROWS 10000
#define SINGLE_ROWS 2000
#define USERS 10000
#define SIGNED_USERS 50
#define NOP_USERS 200
#define SEAL_SIZE 1000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Row i (from 0) of the ledger: users scattered as a validator sees them. */
static void mkcredit(ssp_credit *c, const uint8_t project[32], uint64_t i)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->project, project, 32);
	c->result_id = i + 1;
	c->workunit_id = c->result_id / 2;
	c->user_id = 1 + i * 7919 % USERS;
	c->host_id = 10000 + c->user_id;
	c->credit = 1000000 + c->result_id % 997;
	memset(c->result_digest, (int)(c->result_id & 0xff), 32);
	c->result_digest[0] = (uint8_t)(c->result_id >> 8);
	c->granted_at = 1700000000 + c->result_id / 100;
}

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

static int nop_claim_signer(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	(void)ctx;
	memset(sig, 0, 65);
	memcpy(sig, &c->seq, sizeof(c->seq));
	return 0;
}

static int die(const char *what, int rc)
{
	fprintf(stderr, "bench_ledger: %s: %s\n", what, ssp_strerror(rc));
	return 1;
}

/* Claims the credits of users first..last with sign; returns seconds, or < 0. */
static double claim_users(ssp_ledger *l, const uint8_t project[32], uint64_t first,
			  uint64_t last, ssp_claim_signer sign, void *ctx, size_t *total)
{
	uint8_t ben[20];
	size_t n = 0;
	double t0 = now();
	int rc;

	*total = 0;
	for (uint64_t u = first; u <= last; u++) {
		memset(ben, (int)(u & 0xff), sizeof(ben));
		ben[0] = (uint8_t)(u >> 8);
		rc = ssp_ledger_claim_credits(l, project, u, ben, sign, ctx, &n);
		if (rc != 0) {
			die("claim", rc);
			return -1;
		}
		*total += n;
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	long nrows = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	char dir[PATH_MAX], path[PATH_MAX + 16], side[PATH_MAX + 32];
	const char *tmp = getenv("TMPDIR");
	ssp_ledger *l = NULL;
	ssp_credit *v = NULL;
	struct key_ctx k;
	uint8_t project[32], signer[20];
	double t0, t_bulk, t_single, t_users, t_sign, t_nop, t_seal;
	uint64_t *users = NULL, count = 0;
	size_t nusers = 0, nsigned = 0, nnop = 0, nbatches = 0;
	int rc, ret = 1;

	if (nrows < BATCH_ROWS) {
		fprintf(stderr, "usage: bench_ledger [N >= %d]\n", BATCH_ROWS);
		return 2;
	}
	nrows -= nrows % BATCH_ROWS;
	snprintf(dir, sizeof(dir), "%s/ssp-bench-ledger-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("bench_ledger: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ledger.db", dir);
	ssp_project_id("https://boinc.example.org/ssp/", project);
	memset(&k, 0, sizeof(k));
	k.dom.chain_id = 31337;
	memset(k.dom.contract, 0x5f, 20);
	if ((rc = ssp_key_generate(k.seckey)) != 0 || (rc = ssp_key_address(k.seckey, signer)) != 0) {
		die("key", rc);
		goto out;
	}
	if ((rc = ssp_ledger_open(path, &l)) != 0) {
		die("open", rc);
		goto out;
	}
	v = malloc(BATCH_ROWS * sizeof(*v));
	if (v == NULL)
		goto out;

	/* 1. Bulk: transactions of BATCH_ROWS rows. */
	t0 = now();
	for (long done = 0; done < nrows; done += BATCH_ROWS) {
		for (long i = 0; i < BATCH_ROWS; i++)
			mkcredit(&v[i], project, (uint64_t)(done + i));
		if ((rc = ssp_ledger_add_credits(l, v, BATCH_ROWS, NULL)) != 0) {
			die("add credits", rc);
			goto out;
		}
	}
	t_bulk = now() - t0;

	/* 2. One transaction (and one WAL fsync) per row. */
	t0 = now();
	for (long i = 0; i < SINGLE_ROWS; i++) {
		mkcredit(&v[0], project, (uint64_t)(nrows + i));
		if ((rc = ssp_ledger_add_credit(l, &v[0], NULL)) != 0) {
			die("add credit", rc);
			goto out;
		}
	}
	t_single = now() - t0;

	/* 3. Whose credits are unclaimed? */
	t0 = now();
	if ((rc = ssp_ledger_unclaimed_users(l, project, &users, &nusers)) != 0) {
		die("unclaimed users", rc);
		goto out;
	}
	t_users = now() - t0;
	free(users);

	/* 4. and 5. Claims, amid the N unclaimed rows. */
	t_sign = claim_users(l, project, 1, SIGNED_USERS, key_claim_signer, &k, &nsigned);
	if (t_sign < 0)
		goto out;
	t_nop = claim_users(l, project, SIGNED_USERS + 1, SIGNED_USERS + NOP_USERS,
			    nop_claim_signer, NULL, &nnop);
	if (t_nop < 0)
		goto out;

	/* 6. Seal every claim. */
	t0 = now();
	for (;;) {
		int64_t id = 0;

		rc = ssp_ledger_seal_batch(l, project, SEAL_SIZE, signer, key_batch_signer, &k, &id);
		if (rc != 0) {
			die("seal", rc);
			goto out;
		}
		if (id == 0)
			break;
		nbatches++;
	}
	t_seal = now() - t0;
	if ((rc = ssp_ledger_unbatched_stats(l, project, &count, NULL)) != 0 || count != 0) {
		die("unbatched claims left", rc);
		goto out;
	}

	printf("ledger credit rows inserted/s: %.0f (%ld rows, transactions of %d, %.2f s)\n",
	       (double)nrows / t_bulk, nrows, BATCH_ROWS, t_bulk);
	printf("ledger credit rows inserted/s, one transaction per row: %.0f (%d rows, %.2f s,"
	       " %.2f ms per commit)\n", SINGLE_ROWS / t_single, SINGLE_ROWS, t_single,
	       1000.0 * t_single / SINGLE_ROWS);
	printf("ledger unclaimed users listed: %zu users in %.1f ms\n", nusers, 1000.0 * t_users);
	printf("ledger claims signed+stored/s: %.0f (%zu claims of %d users, secp256k1 EIP-712,"
	       " %.1f ms per user)\n", (double)nsigned / t_sign, nsigned, SIGNED_USERS,
	       1000.0 * t_sign / SIGNED_USERS);
	printf("ledger claims stored/s, no-op signer: %.0f (%zu claims of %d users)\n",
	       (double)nnop / t_nop, nnop, NOP_USERS);
	printf("ledger claims sealed/s: %.0f (%zu batches of up to %d, %.3f s)\n",
	       (double)(nsigned + nnop) / t_seal, nbatches, SEAL_SIZE, t_seal);
	printf("ratio bulk / per-row insert rate: %.1f\n",
	       ((double)nrows / t_bulk) / (SINGLE_ROWS / t_single));
	ret = 0;
out:
	free(v);
	ssp_ledger_close(l);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	rmdir(dir);
	return ret;
}
