/* Benchmark: ShareClaim signing and signature recovery on one core.
 * Signs N (default 50,000) EIP-712 ShareClaim digests with ssp_sign, then recovers all N
 * signatures with ssp_recover, and prints the rates. Usage: bench_sign [N]. */
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "crypto/ssp_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 50000;
	uint8_t key[32], signer[SSP_ADDR_LEN], (*digests)[32], (*sigs)[SSP_SIG_LEN];
	ssp_domain dom = { .chain_id = 31337 };
	ssp_claim c;
	double t0, t_digest, t_sign, t_recover;
	long bad = 0;
	int rc;

	if (n <= 0) {
		fprintf(stderr, "usage: bench_sign [N > 0]\n");
		return 2;
	}
	digests = malloc((size_t)n * sizeof *digests);
	sigs = malloc((size_t)n * sizeof *sigs);
	if (digests == NULL || sigs == NULL) {
		fprintf(stderr, "bench_sign: out of memory\n");
		return 1;
	}
	if ((rc = ssp_key_generate(key)) != 0 || (rc = ssp_key_address(key, signer)) != 0) {
		fprintf(stderr, "bench_sign: %s\n", ssp_strerror(rc));
		return 1;
	}
	memset(dom.contract, 0x5f, sizeof dom.contract);
	memset(&c, 0, sizeof c);
	ssp_project_id("https://boinc.example.org/ssp/", c.project);
	memset(c.beneficiary, 0xbe, sizeof c.beneficiary);
	memset(c.result_digest, 0xd1, sizeof c.result_digest);
	c.host_id = 7;
	c.user_id = 42;
	c.granted_at = 1700000000;

	/* Warm up: creates and randomizes the shared context outside the timing. */
	if (ssp_sign(key, c.project, sigs[0]) != 0) {
		fprintf(stderr, "bench_sign: signing failed\n");
		return 1;
	}

	/* A claim per result: digest, then sign it. */
	t0 = now();
	for (long i = 0; i < n; i++) {
		c.seq = (uint64_t)i + 1;
		c.result_id = 1000000 + (uint64_t)i;
		c.workunit_id = 500000 + (uint64_t)i / 2;
		c.credit = 1234567 + (uint64_t)i;
		ssp_eip712_claim_digest(&dom, &c, digests[i]);
	}
	t_digest = now() - t0;
	t0 = now();
	for (long i = 0; i < n; i++) {
		if (ssp_sign(key, digests[i], sigs[i]) != 0)
			bad++;
	}
	t_sign = now() - t0;
	t0 = now();
	for (long i = 0; i < n; i++) {
		uint8_t addr[SSP_ADDR_LEN];

		if (ssp_recover(digests[i], sigs[i], addr) != 0 || memcmp(addr, signer, sizeof addr) != 0)
			bad++;
	}
	t_recover = now() - t0;

	printf("claims: %ld on one core\n", n);
	printf("claim digests/s (EIP-712 only): %.0f\n", (double)n / t_digest);
	printf("claims signed/s: %.0f\n", (double)n / (t_digest + t_sign));
	printf("signatures recovered/s: %.0f\n", (double)n / t_recover);
	printf("digest share of signing time: %.1f%%\n", 100.0 * t_digest / (t_digest + t_sign));
	printf("recover/sign time ratio: %.2f\n", t_recover / (t_digest + t_sign));
	free(digests);
	free(sigs);
	if (bad != 0) {
		fprintf(stderr, "bench_sign: %ld signatures failed to sign or recover\n", bad);
		return 1;
	}
	return 0;
}
