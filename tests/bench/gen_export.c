/* gen_export: writes a synthetic public export of N signed claims for the audit benchmark,
 * and the mintBatch calldata of its batches (one hex line each) so a script can mint them.
 *
 *   gen_export --out DIR --claims N --batch-size B --users U --key HEX --chain-id C
 *              --minter ADDR [--master-url URL] [--rate WEI] [--calldata FILE] [--threads T]
 *
 * Claims are those a validator would sign: seq 1..N, result 10^6 + seq, users 1..U round
 * robin with beneficiary 0x66..<user>, credits of 0.5..2.5 cobblestones; batches of B claims
 * (the last one may be shorter) sealed with ssp_batch_seal and signed by KEY, exported as
 * MINTED (no tx: the script mints them afterwards). Signatures are made on T threads. */
#include "eth/ssp_abi.h"
#include "crypto/ssp_eip712.h"
#include "export/ssp_export.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *opt(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	if (def == NULL) {
		fprintf(stderr, "gen_export: %s is required\n", name);
		exit(2);
	}
	return def;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "gen_export: %s: %s\n", what, ssp_strerror(rc));
	exit(1);
}

struct job {
	ssp_export_claim *claims;
	size_t from, to;
	const ssp_domain *dom;
	const uint8_t *key;
	int rc;
};

static void *sign_range(void *arg)
{
	struct job *j = arg;
	uint8_t d[32];

	for (size_t i = j->from; i < j->to && j->rc == 0; i++) {
		ssp_eip712_claim_digest(j->dom, &j->claims[i].claim, d);
		j->rc = ssp_sign(j->key, d, j->claims[i].sig);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dir = opt(argc, argv, "--out", NULL);
	uint64_t n = strtoull(opt(argc, argv, "--claims", NULL), NULL, 10);
	uint64_t bs = strtoull(opt(argc, argv, "--batch-size", "1000"), NULL, 10);
	uint64_t users = strtoull(opt(argc, argv, "--users", "100"), NULL, 10);
	unsigned nt = (unsigned)strtoul(opt(argc, argv, "--threads", "2"), NULL, 10);
	const char *url = opt(argc, argv, "--master-url", "https://boinc.example.org/ssp/");
	const char *calldata = opt(argc, argv, "--calldata", "");
	ssp_export_manifest m;
	ssp_domain dom;
	ssp_ndjson_writer *cw = NULL, *bw = NULL;
	ssp_export_claim *claims;
	ssp_claim *plain;
	uint8_t key[32], signer[20];
	char path[4096];
	FILE *cd = NULL;
	int rc;

	if (n == 0 || bs == 0 || users == 0 || nt == 0 || nt > 64 || bs > SSP_EXPORT_MAX_BATCH_CLAIMS) {
		fprintf(stderr, "gen_export: bad --claims, --batch-size, --users or --threads\n");
		return 2;
	}
	memset(&m, 0, sizeof m);
	snprintf(m.master_url, sizeof m.master_url, "%s", url);
	ssp_project_id(url, m.project);
	m.chain_id = strtoull(opt(argc, argv, "--chain-id", NULL), NULL, 10);
	if (ssp_address_parse(opt(argc, argv, "--minter", NULL), m.minter) != 0 ||
	    ssp_hex_decode_exact(opt(argc, argv, "--key", NULL), key, 32) != 0 ||
	    ssp_key_address(key, signer) != 0 ||
	    ssp_u256_from_dec(&m.rate, opt(argc, argv, "--rate", "1000000000000")) != 0) {
		fprintf(stderr, "gen_export: bad --minter, --key or --rate\n");
		return 2;
	}
	m.has_rate = 1;
	m.created_at = (uint64_t)time(NULL);
	dom.chain_id = m.chain_id;
	memcpy(dom.contract, m.minter, 20);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof path, "%s/%s", dir, SSP_EXPORT_CLAIMS_FILE);
	if ((rc = ssp_ndjson_writer_open(path, 1, SSP_EXPORT_MAX_CLAIM_LINE, &cw)) != 0)
		die(path, rc);
	snprintf(path, sizeof path, "%s/%s", dir, SSP_EXPORT_BATCHES_FILE);
	if ((rc = ssp_ndjson_writer_open(path, 1, SSP_EXPORT_MAX_BATCH_LINE, &bw)) != 0)
		die(path, rc);
	if (calldata[0] != '\0' && (cd = fopen(calldata, "w")) == NULL) {
		perror(calldata);
		return 1;
	}
	claims = calloc((size_t)bs, sizeof *claims);
	plain = calloc((size_t)bs, sizeof *plain);
	if (claims == NULL || plain == NULL)
		die("memory", SSP_ERR_NOMEM);

	for (uint64_t first = 1, id = 1; first <= n; first += bs, id++) {
		uint64_t cnt = n - first + 1 < bs ? n - first + 1 : bs;
		pthread_t th[64];
		struct job jobs[64];
		ssp_export_batch b;
		uint8_t d[32], *data = NULL;
		size_t len;
		char *line;

		for (uint64_t i = 0; i < cnt; i++) {
			ssp_claim *c = &claims[i].claim;
			uint64_t seq = first + i, user = 1 + seq % users;

			memset(c, 0, sizeof *c);
			memcpy(c->project, m.project, 32);
			c->seq = seq;
			c->result_id = 1000000 + seq;
			c->workunit_id = 500000 + seq / 2;
			c->user_id = user;
			c->host_id = 100000 + user;
			c->beneficiary[0] = 0x66;
			ssp_be64_put(c->beneficiary + 12, user);
			c->credit = 500000 + (seq * 7919) % 2000000;
			ssp_be64_put(c->result_digest, seq);
			memset(c->result_digest + 8, 0x5e, 24);
			c->granted_at = 1700000000 + seq;
			claims[i].batch_id = (int64_t)id;
			plain[i] = *c;
		}
		for (unsigned t = 0; t < nt; t++) {
			jobs[t].claims = claims;
			jobs[t].from = (size_t)(cnt * t / nt);
			jobs[t].to = (size_t)(cnt * (t + 1) / nt);
			jobs[t].dom = &dom;
			jobs[t].key = key;
			jobs[t].rc = 0;
			if (pthread_create(&th[t], NULL, sign_range, &jobs[t]) != 0)
				die("thread", SSP_ERR_NOMEM);
		}
		for (unsigned t = 0; t < nt; t++) {
			pthread_join(th[t], NULL);
			if (jobs[t].rc != 0)
				die("signing", jobs[t].rc);
		}
		for (uint64_t i = 0; i < cnt; i++) {
			if ((rc = ssp_export_claim_format(&claims[i], &line, &len)) != 0 ||
			    (rc = ssp_ndjson_write_line(cw, line, len)) != 0)
				die("claims", rc);
			free(line);
		}
		memset(&b, 0, sizeof b);
		b.id = (int64_t)id;
		if ((rc = ssp_batch_seal(plain, (size_t)cnt, &b.header, &b.payouts, &b.npayouts)) != 0)
			die("seal", rc);
		b.state = SSP_EXPORT_MINTED;
		b.sealed_at = 1700000000 + first;
		b.sigs = calloc(1, sizeof *b.sigs);
		b.nsigs = 1;
		memcpy(b.sigs[0].signer, signer, 20);
		ssp_eip712_batch_digest(&dom, &b.header, d);
		if ((rc = ssp_sign(key, d, b.sigs[0].sig)) != 0)
			die("batch signature", rc);
		if ((rc = ssp_export_batch_format(&b, &line, &len)) != 0 ||
		    (rc = ssp_ndjson_write_line(bw, line, len)) != 0)
			die("batches", rc);
		free(line);
		if (cd != NULL) {
			const uint8_t (*sigs)[SSP_SIG_LEN] = (const uint8_t (*)[SSP_SIG_LEN])b.sigs[0].sig;
			char *hex;

			if ((rc = ssp_abi_mint_batch_calldata(&b.header, b.payouts, b.npayouts, sigs, 1,
							      &data, &len)) != 0)
				die("calldata", rc);
			hex = malloc(2 * len + 3);
			if (hex == NULL)
				die("memory", SSP_ERR_NOMEM);
			fprintf(cd, "%s\n", ssp_hex_encode(data, len, hex, 1));
			free(hex);
			free(data);
		}
		ssp_export_batch_clear(&b);
		if (id % 100 == 0) {
			fprintf(stderr, "\rgen_export: %llu/%llu claims", (unsigned long long)(first + cnt - 1),
				(unsigned long long)n);
			fflush(stderr);
		}
	}
	fputc('\n', stderr);
	if ((rc = ssp_ndjson_writer_close(cw, m.claims.sha256, &m.claims.bytes, &m.claims.lines)) != 0 ||
	    (rc = ssp_ndjson_writer_close(bw, m.batches.sha256, &m.batches.bytes, &m.batches.lines)) != 0)
		die("closing", rc);
	if (cd != NULL && fclose(cd) != 0)
		die("calldata", SSP_ERR_IO);
	m.nclaims = n;
	m.first_seq = 1;
	m.last_seq = n;
	m.nbatches = m.batches.lines;
	{
		char *text = NULL;
		FILE *f;

		if ((rc = ssp_export_manifest_format(&m, &text)) != 0)
			die("manifest", rc);
		snprintf(path, sizeof path, "%s/%s", dir, SSP_EXPORT_MANIFEST_FILE);
		f = fopen(path, "w");
		if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
			die(path, SSP_ERR_IO);
		free(text);
	}
	printf("claims %llu\nbatches %llu\nbytes %llu\n", (unsigned long long)n,
	       (unsigned long long)m.nbatches, (unsigned long long)(m.claims.bytes + m.batches.bytes));
	free(claims);
	free(plain);
	ssp_wipe(key, sizeof key);
	return 0;
}
