/* Suite for lib/ssp_eip712: every expected value comes from tests/data/eip712_vectors.txt,
 * produced by foundry's `cast` (tests/data/eip712_gen.sh, README-eip712.md): type hashes,
 * domain separators, struct hashes, EIP-712 digests proven by cast's own typed-data signer,
 * signatures, Merkle roots and proofs, payouts and their abi.encode. */
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_key.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the vector file: "<key> <value>" lines ---- */

struct kv {
	char *key;
	char *val;
};

static struct kv *kvs;
static size_t nkvs;
static char *vtext;

static void load_vectors(void)
{
	char *line, *save = NULL;
	size_t cap = 0;

	vtext = ssp_cu_slurp("eip712_vectors.txt", NULL);
	for (line = strtok_r(vtext, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		sp = strchr(line, ' ');
		if (sp == NULL) {
			fprintf(stderr, "bad vector line: %s\n", line);
			exit(2);
		}
		*sp = '\0';
		if (nkvs == cap) {
			cap = cap ? 2 * cap : 256;
			kvs = realloc(kvs, cap * sizeof *kvs);
			if (kvs == NULL)
				abort();
		}
		kvs[nkvs].key = line;
		kvs[nkvs++].val = sp + 1;
	}
}

/* The value of key; a missing key is broken test data and stops the program. */
static const char *vget(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *vget(const char *fmt, ...)
{
	char key[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < nkvs; i++)
		if (strcmp(kvs[i].key, key) == 0)
			return kvs[i].val;
	fprintf(stderr, "missing vector %s\n", key);
	exit(2);
}

static void hexv(const char *val, uint8_t *out, size_t n)
{
	if (ssp_hex_decode_exact(val, out, n) != 0) {
		fprintf(stderr, "bad hex vector %s\n", val);
		exit(2);
	}
}

static uint64_t u64v(const char *val)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno != 0 || *end != '\0' || val[0] == '-') {
		fprintf(stderr, "bad number vector %s\n", val);
		exit(2);
	}
	return v;
}

static void load_claim(const char *name, ssp_claim *c)
{
	memset(c, 0, sizeof *c);
	hexv(vget("claim.%s.project", name), c->project, 32);
	c->seq = u64v(vget("claim.%s.seq", name));
	c->result_id = u64v(vget("claim.%s.result_id", name));
	c->workunit_id = u64v(vget("claim.%s.workunit_id", name));
	c->user_id = u64v(vget("claim.%s.user_id", name));
	c->host_id = u64v(vget("claim.%s.host_id", name));
	hexv(vget("claim.%s.beneficiary", name), c->beneficiary, SSP_ADDR_LEN);
	c->credit = u64v(vget("claim.%s.credit", name));
	hexv(vget("claim.%s.result_digest", name), c->result_digest, 32);
	c->granted_at = u64v(vget("claim.%s.granted_at", name));
}

static void load_domain(const char *name, ssp_domain *d)
{
	d->chain_id = u64v(vget("domain.%s.chain_id", name));
	hexv(vget("domain.%s.contract", name), d->contract, SSP_ADDR_LEN);
}

/* Claims 1..8 of the vector file, in seq order (index 0 is seq 1). */
static ssp_claim claims8[8];
static uint8_t leaves8[8][32];

static void load_claims8(void)
{
	for (int i = 0; i < 8; i++) {
		char name[4];

		snprintf(name, sizeof name, "%d", i + 1);
		load_claim(name, &claims8[i]);
		hexv(vget("claim.%d.struct_hash", i + 1), leaves8[i], 32);
	}
}

static const char *const claim_names[] = { "1", "2", "3", "4", "5", "6", "7", "8", "max", "zero" };
#define NCLAIMS (sizeof claim_names / sizeof claim_names[0])

/* ---- type strings, project id, domain ---- */

static void test_type_hashes(void)
{
	uint8_t h[32], want[32];

	ssp_keccak256(SSP_EIP712_DOMAIN_TYPE, strlen(SSP_EIP712_DOMAIN_TYPE), h);
	hexv(vget("type.domain"), want, 32);
	CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	ssp_keccak256(SSP_SHARECLAIM_TYPE, strlen(SSP_SHARECLAIM_TYPE), h);
	hexv(vget("type.claim"), want, 32);
	CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	ssp_keccak256(SSP_SHAREBATCH_TYPE, strlen(SSP_SHAREBATCH_TYPE), h);
	hexv(vget("type.batch"), want, 32);
	CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	CU_ASSERT_STRING_EQUAL(SSP_EIP712_NAME, "SmartShare");
	CU_ASSERT_STRING_EQUAL(SSP_EIP712_VERSION, "1");
}

static void test_project_id(void)
{
	uint8_t h[32], want[32];

	ssp_project_id(vget("project.url"), h);
	hexv(vget("project.id"), want, 32);
	CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	/* The trailing slash is part of the id. */
	ssp_project_id("https://boinc.example.org/smartshare", h);
	CU_ASSERT_NOT_EQUAL(memcmp(h, want, 32), 0);
}

static void test_domain_separator(void)
{
	static const char *const names[] = { "local", "max" };

	for (size_t i = 0; i < 2; i++) {
		ssp_domain d;
		uint8_t h[32], want[32];

		load_domain(names[i], &d);
		ssp_eip712_domain_separator(&d, h);
		hexv(vget("domain.%s.separator", names[i]), want, 32);
		CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
		d.chain_id ^= 1;
		ssp_eip712_domain_separator(&d, h);
		CU_ASSERT_NOT_EQUAL(memcmp(h, want, 32), 0);
		d.chain_id ^= 1;
		d.contract[19] ^= 1;
		ssp_eip712_domain_separator(&d, h);
		CU_ASSERT_NOT_EQUAL(memcmp(h, want, 32), 0);
	}
}

/* ---- claims ---- */

static void test_claim_hash_and_digest(void)
{
	for (size_t i = 0; i < NCLAIMS; i++) {
		const char *n = claim_names[i];
		ssp_claim c;
		ssp_domain d;
		uint8_t h[32], want[32], ds[32];

		load_claim(n, &c);
		load_domain(vget("claim.%s.domain", n), &d);
		ssp_eip712_claim_hash(&c, h);
		hexv(vget("claim.%s.struct_hash", n), want, 32);
		CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
		if (memcmp(h, want, 32) != 0)
			fprintf(stderr, "claim %s: struct hash differs\n", n);

		hexv(vget("claim.%s.digest", n), want, 32);
		ssp_eip712_claim_digest(&d, &c, h);
		CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
		/* The same through the separate steps, from cast's separator and struct hash. */
		hexv(vget("domain.%s.separator", vget("claim.%s.domain", n)), ds, 32);
		hexv(vget("claim.%s.struct_hash", n), h, 32);
		ssp_eip712_digest(ds, h, h);
		CU_ASSERT_EQUAL(memcmp(h, want, 32), 0);
	}
}

/* Every field is hashed: changing any one changes the struct hash. */
static void test_claim_every_field(void)
{
	ssp_claim base, c;
	uint8_t h0[32], h[32];

	load_claim("1", &base);
	ssp_eip712_claim_hash(&base, h0);
	for (int f = 0; f < 10; f++) {
		c = base;
		switch (f) {
		case 0: c.project[31] ^= 1; break;
		case 1: c.seq++; break;
		case 2: c.result_id++; break;
		case 3: c.workunit_id++; break;
		case 4: c.user_id++; break;
		case 5: c.host_id++; break;
		case 6: c.beneficiary[0] ^= 0x80; break;
		case 7: c.credit++; break;
		case 8: c.result_digest[0] ^= 1; break;
		case 9: c.granted_at++; break;
		}
		ssp_eip712_claim_hash(&c, h);
		CU_ASSERT_NOT_EQUAL(memcmp(h, h0, 32), 0);
	}
}

/* Our RFC 6979 signature over our digest equals cast's typed-data signature byte for byte,
 * and cast's signature recovers to the key's address under our digest. */
static void test_claim_signatures(void)
{
	uint8_t key[32], addr[SSP_ADDR_LEN], got[SSP_ADDR_LEN];

	hexv(vget("key.secret"), key, 32);
	hexv(vget("key.address"), addr, SSP_ADDR_LEN);
	for (size_t i = 0; i < NCLAIMS; i++) {
		const char *n = claim_names[i];
		ssp_claim c;
		ssp_domain d;
		uint8_t dg[32], sig[SSP_SIG_LEN], want[SSP_SIG_LEN];

		load_claim(n, &c);
		load_domain(vget("claim.%s.domain", n), &d);
		ssp_eip712_claim_digest(&d, &c, dg);
		hexv(vget("claim.%s.sig", n), want, SSP_SIG_LEN);
		CU_ASSERT_EQUAL_FATAL(ssp_sign(key, dg, sig), 0);
		CU_ASSERT_EQUAL(memcmp(sig, want, SSP_SIG_LEN), 0);
		CU_ASSERT_EQUAL(ssp_recover(dg, want, got), 0);
		CU_ASSERT_EQUAL(memcmp(got, addr, SSP_ADDR_LEN), 0);
		CU_ASSERT_EQUAL(ssp_verify(dg, want, addr), 0);
		/* The signature does not verify for another claim. */
		c.credit ^= 1;
		ssp_eip712_claim_digest(&d, &c, dg);
		CU_ASSERT_EQUAL(ssp_verify(dg, want, addr), SSP_ERR_BAD_SIG);
	}
}

/* ---- Merkle ---- */

static size_t parse_proof(const char *val, uint8_t (*out)[32], size_t cap)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0;

	if (strcmp(val, "-") == 0)
		return 0;
	snprintf(buf, sizeof buf, "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == cap)
			exit(2);
		hexv(tok, out[n++], 32);
	}
	return n;
}

static void test_merkle_roots(void)
{
	uint8_t root[32], want[32];

	for (size_t n = 1; n <= 8; n++) {
		CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])leaves8, n, root), 0);
		hexv(vget("merkle.%zu.root", n), want, 32);
		CU_ASSERT_EQUAL(memcmp(root, want, 32), 0);
		if (memcmp(root, want, 32) != 0)
			fprintf(stderr, "merkle root of %zu leaves differs\n", n);
	}
	/* One leaf: the root is the leaf. */
	CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])leaves8, 1, root), 0);
	CU_ASSERT_EQUAL(memcmp(root, leaves8[0], 32), 0);
	CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])leaves8, 0, root), SSP_ERR_INVAL);
}

static void test_merkle_proofs(void)
{
	for (size_t n = 1; n <= 8; n++) {
		uint8_t root[32];

		hexv(vget("merkle.%zu.root", n), root, 32);
		for (size_t i = 0; i < n; i++) {
			uint8_t want[8][32], got[8][32], bad[8][32], leaf[32];
			size_t wlen = parse_proof(vget("merkle.%zu.proof.%zu", n, i), want, 8), len = 99;

			CU_ASSERT_EQUAL(ssp_merkle_proof((const uint8_t (*)[32])leaves8, n, i, got, 8, &len), 0);
			CU_ASSERT_EQUAL(len, wlen);
			CU_ASSERT_EQUAL(memcmp(got, want, 32 * wlen), 0);
			CU_ASSERT_EQUAL(ssp_merkle_verify(leaves8[i], (const uint8_t (*)[32])want, wlen, root), 0);
			/* A wrong leaf fails. */
			memcpy(leaf, leaves8[i], 32);
			leaf[5] ^= 0x10;
			CU_ASSERT_EQUAL(ssp_merkle_verify(leaf, (const uint8_t (*)[32])want, wlen, root),
					SSP_ERR_MISMATCH);
			/* Another claim's leaf with this proof fails. */
			if (n > 1)
				CU_ASSERT_EQUAL(ssp_merkle_verify(leaves8[(i + 1) % n], (const uint8_t (*)[32])want,
								  wlen, root), SSP_ERR_MISMATCH);
			/* Any damaged proof entry fails, and so does a truncated proof. */
			for (size_t j = 0; j < wlen; j++) {
				memcpy(bad, want, sizeof want);
				bad[j][31] ^= 1;
				CU_ASSERT_EQUAL(ssp_merkle_verify(leaves8[i], (const uint8_t (*)[32])bad, wlen, root),
						SSP_ERR_MISMATCH);
			}
			if (wlen > 0)
				CU_ASSERT_EQUAL(ssp_merkle_verify(leaves8[i], (const uint8_t (*)[32])want, wlen - 1,
								  root), SSP_ERR_MISMATCH);
			/* A proof for a root of another size fails. */
			if (n < 8) {
				uint8_t other[32];

				hexv(vget("merkle.%zu.root", n + 1), other, 32);
				CU_ASSERT_EQUAL(ssp_merkle_verify(leaves8[i], (const uint8_t (*)[32])want, wlen,
								  other), SSP_ERR_MISMATCH);
			}
			/* cap exactly the proof length is enough; one less is too small */
			len = 99;
			CU_ASSERT_EQUAL(ssp_merkle_proof((const uint8_t (*)[32])leaves8, n, i, got, wlen, &len), 0);
			CU_ASSERT_EQUAL(len, wlen);
			if (wlen > 0) {
				len = 99;
				CU_ASSERT_EQUAL(ssp_merkle_proof((const uint8_t (*)[32])leaves8, n, i, got, wlen - 1,
								 &len), SSP_ERR_TOO_BIG);
				CU_ASSERT_EQUAL(len, 0);
			}
		}
		{
			uint8_t got[8][32];
			size_t len = 99;

			CU_ASSERT_EQUAL(ssp_merkle_proof((const uint8_t (*)[32])leaves8, n, n, got, 8, &len),
					SSP_ERR_RANGE);
			CU_ASSERT_EQUAL(len, 0);
		}
	}
}

/* A plain level-by-level model of docs/formats.md (separate from the library's allocation-free
 * stack construction), checked against the cast roots above and then compared with the
 * library for sizes the vectors do not reach. */
static void model_pair(const uint8_t *a, const uint8_t *b, uint8_t *out)
{
	uint8_t buf[64];

	if (memcmp(a, b, 32) < 0) {
		memcpy(buf, a, 32);
		memcpy(buf + 32, b, 32);
	} else {
		memcpy(buf, b, 32);
		memcpy(buf + 32, a, 32);
	}
	ssp_keccak256(buf, 64, out);
}

static void model_root(const uint8_t (*leaves)[32], size_t n, uint8_t root[32])
{
	uint8_t (*lvl)[32] = malloc(n * 32);
	size_t w = n;

	memcpy(lvl, leaves, n * 32);
	while (w > 1) {
		size_t k = 0;

		for (size_t i = 0; i < w; i += 2) {
			if (i + 1 < w)
				model_pair(lvl[i], lvl[i + 1], lvl[k++]);
			else
				memcpy(lvl[k++], lvl[i], 32);
		}
		w = k;
	}
	memcpy(root, lvl[0], 32);
	free(lvl);
}

static void test_merkle_larger_trees(void)
{
	enum { N = 70 };
	uint8_t (*leaves)[32] = malloc(N * 32);
	uint8_t root[32], mroot[32], proof[16][32], want[32];
	int bad = 0, badproof = 0;

	for (size_t n = 1; n <= 8; n++) {
		model_root((const uint8_t (*)[32])leaves8, n, mroot);
		hexv(vget("merkle.%zu.root", n), want, 32);
		CU_ASSERT_EQUAL(memcmp(mroot, want, 32), 0);
	}
	for (size_t i = 0; i < N; i++) {
		uint8_t b = (uint8_t)i;

		ssp_keccak256(&b, 1, leaves[i]);
	}
	for (size_t n = 1; n <= N; n++) {
		CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])leaves, n, root), 0);
		model_root((const uint8_t (*)[32])leaves, n, mroot);
		bad += memcmp(root, mroot, 32) != 0;
		for (size_t i = 0; i < n; i++) {
			size_t len;

			if (ssp_merkle_proof((const uint8_t (*)[32])leaves, n, i, proof, 16, &len) != 0 ||
			    ssp_merkle_verify(leaves[i], (const uint8_t (*)[32])proof, len, root) != 0)
				badproof++;
			if (n > 1 && ssp_merkle_verify(leaves[(i + 1) % n], (const uint8_t (*)[32])proof, len,
						       root) == 0)
				badproof++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(badproof, 0);
	free(leaves);
}

/* ---- payouts and abi.encode ---- */

static void check_payouts(size_t n, const ssp_payout *p, size_t np)
{
	size_t want_n = (size_t)u64v(vget("payouts.%zu.count", n));

	CU_ASSERT_EQUAL_FATAL(np, want_n);
	for (size_t k = 0; k < np; k++) {
		char buf[128], *sp;
		uint8_t addr[SSP_ADDR_LEN];

		snprintf(buf, sizeof buf, "%s", vget("payouts.%zu.%zu", n, k));
		sp = strchr(buf, ' ');
		CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
		*sp = '\0';
		hexv(buf, addr, SSP_ADDR_LEN);
		CU_ASSERT_EQUAL(memcmp(p[k].beneficiary, addr, SSP_ADDR_LEN), 0);
		CU_ASSERT_EQUAL(p[k].credit, u64v(sp + 1));
	}
}

static void test_payouts_aggregate(void)
{
	static const size_t sizes[] = { 1, 5, 8 };

	for (size_t s = 0; s < 3; s++) {
		size_t n = sizes[s], np = 99;
		ssp_payout *p = NULL;
		uint8_t *enc = NULL, want[1024], h[32], wh[32];
		size_t len = 0, wlen;

		CU_ASSERT_EQUAL_FATAL(ssp_payouts_from_claims(claims8, n, &p, &np), 0);
		check_payouts(n, p, np);
		/* Duplicates summed: fewer payouts than claims when an address repeats. */
		if (n == 8)
			CU_ASSERT_TRUE(np < n);
		for (size_t k = 1; k < np; k++)
			CU_ASSERT_TRUE(memcmp(p[k - 1].beneficiary, p[k].beneficiary, SSP_ADDR_LEN) < 0);

		CU_ASSERT_EQUAL_FATAL(ssp_payouts_abi_encode(p, np, &enc, &len), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_hex_decode(vget("payouts.%zu.abi", n), want, sizeof want, &wlen), 0);
		CU_ASSERT_EQUAL(len, wlen);
		CU_ASSERT_EQUAL(len, 64 + 64 * np);
		CU_ASSERT_EQUAL(memcmp(enc, want, wlen), 0);
		CU_ASSERT_EQUAL(ssp_payouts_hash(p, np, h), 0);
		hexv(vget("payouts.%zu.hash", n), wh, 32);
		CU_ASSERT_EQUAL(memcmp(h, wh, 32), 0);
		free(enc);
		free(p);
	}
}

/* The order of the claims does not matter to the payouts. */
static void test_payouts_order_independent(void)
{
	ssp_claim rev[8];
	ssp_payout *p = NULL;
	size_t np = 0;

	for (int i = 0; i < 8; i++)
		rev[i] = claims8[7 - i];
	CU_ASSERT_EQUAL_FATAL(ssp_payouts_from_claims(rev, 8, &p, &np), 0);
	check_payouts(8, p, np);
	free(p);
}

static void test_payouts_edges(void)
{
	ssp_payout *p = (ssp_payout *)1;
	size_t np = 99;
	ssp_claim two[2];

	CU_ASSERT_EQUAL(ssp_payouts_from_claims(claims8, 0, &p, &np), 0);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(np, 0);

	/* Same beneficiary, sum overflows uint64. */
	two[0] = claims8[0];
	two[1] = claims8[2];
	CU_ASSERT_EQUAL(memcmp(two[0].beneficiary, two[1].beneficiary, SSP_ADDR_LEN), 0);
	two[0].credit = UINT64_MAX;
	two[1].credit = 1;
	p = (ssp_payout *)1;
	CU_ASSERT_EQUAL(ssp_payouts_from_claims(two, 2, &p, &np), SSP_ERR_RANGE);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(np, 0);
	/* The largest sum that fits. */
	two[0].credit = UINT64_MAX - 1;
	CU_ASSERT_EQUAL(ssp_payouts_from_claims(two, 2, &p, &np), 0);
	CU_ASSERT_EQUAL(np, 1);
	if (np == 1)
		CU_ASSERT_EQUAL(p[0].credit, UINT64_MAX);
	free(p);
}

static void check_abi(const char *key, const ssp_payout *p, size_t n)
{
	uint8_t *enc = NULL, want[512], h[32], wh[32];
	size_t len = 0, wlen;

	CU_ASSERT_EQUAL_FATAL(ssp_payouts_abi_encode(p, n, &enc, &len), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_hex_decode(vget("%s", key), want, sizeof want, &wlen), 0);
	CU_ASSERT_EQUAL(len, wlen);
	CU_ASSERT_EQUAL(memcmp(enc, want, wlen), 0);
	/* payoutsHash is keccak256 of exactly those bytes. */
	ssp_keccak256(want, wlen, wh);
	CU_ASSERT_EQUAL(ssp_payouts_hash(p, n, h), 0);
	CU_ASSERT_EQUAL(memcmp(h, wh, 32), 0);
	free(enc);
}

static void test_abi_encode(void)
{
	ssp_payout p[2];

	memset(p, 0, sizeof p);
	check_abi("abi.empty", NULL, 0);
	p[0].beneficiary[19] = 1;
	p[0].credit = 5;
	memset(p[1].beneficiary, 0xff, SSP_ADDR_LEN);
	p[1].credit = 7;
	check_abi("abi.two", p, 2);
	p[1].credit = UINT64_MAX;
	check_abi("abi.max", p + 1, 1);
}

/* ---- batches ---- */

static void test_batch_seal_vectors(void)
{
	static const size_t sizes[] = { 1, 5, 8 };
	uint8_t key[32], addr[SSP_ADDR_LEN], got[SSP_ADDR_LEN];
	ssp_domain d;

	hexv(vget("key.secret"), key, 32);
	hexv(vget("key.address"), addr, SSP_ADDR_LEN);
	load_domain("local", &d);
	for (size_t s = 0; s < 3; s++) {
		size_t n = sizes[s], np = 0;
		ssp_batch b, want;
		ssp_payout *p = NULL;
		uint8_t h[32], wh[32], sig[SSP_SIG_LEN], wsig[SSP_SIG_LEN];

		memset(&want, 0, sizeof want);
		hexv(vget("batch.%zu.project", n), want.project, 32);
		want.first_seq = u64v(vget("batch.%zu.first_seq", n));
		want.last_seq = u64v(vget("batch.%zu.last_seq", n));
		hexv(vget("batch.%zu.claims_root", n), want.claims_root, 32);
		hexv(vget("batch.%zu.payouts_hash", n), want.payouts_hash, 32);
		want.total_credit = u64v(vget("batch.%zu.total_credit", n));

		memset(&b, 0, sizeof b);
		CU_ASSERT_EQUAL_FATAL(ssp_batch_seal(claims8, n, &b, &p, &np), 0);
		CU_ASSERT_EQUAL(memcmp(b.project, want.project, 32), 0);
		CU_ASSERT_EQUAL(b.first_seq, want.first_seq);
		CU_ASSERT_EQUAL(b.last_seq, want.last_seq);
		CU_ASSERT_EQUAL(memcmp(b.claims_root, want.claims_root, 32), 0);
		CU_ASSERT_EQUAL(memcmp(b.payouts_hash, want.payouts_hash, 32), 0);
		CU_ASSERT_EQUAL(b.total_credit, want.total_credit);
		check_payouts(n, p, np);
		free(p);

		ssp_eip712_batch_hash(&want, h);
		hexv(vget("batch.%zu.struct_hash", n), wh, 32);
		CU_ASSERT_EQUAL(memcmp(h, wh, 32), 0);
		ssp_eip712_batch_digest(&d, &b, h);
		hexv(vget("batch.%zu.digest", n), wh, 32);
		CU_ASSERT_EQUAL(memcmp(h, wh, 32), 0);
		hexv(vget("batch.%zu.sig", n), wsig, SSP_SIG_LEN);
		CU_ASSERT_EQUAL_FATAL(ssp_sign(key, h, sig), 0);
		CU_ASSERT_EQUAL(memcmp(sig, wsig, SSP_SIG_LEN), 0);
		CU_ASSERT_EQUAL(ssp_recover(h, wsig, got), 0);
		CU_ASSERT_EQUAL(memcmp(got, addr, SSP_ADDR_LEN), 0);
	}
}

/* A run that does not start at seq 1 seals too. */
static void test_batch_seal_mid_run(void)
{
	ssp_batch b;
	ssp_payout *p = NULL;
	size_t np = 0;
	uint8_t root[32];

	CU_ASSERT_EQUAL_FATAL(ssp_batch_seal(claims8 + 2, 3, &b, &p, &np), 0);
	CU_ASSERT_EQUAL(b.first_seq, 3);
	CU_ASSERT_EQUAL(b.last_seq, 5);
	CU_ASSERT_EQUAL(b.total_credit, claims8[2].credit + claims8[3].credit + claims8[4].credit);
	CU_ASSERT_EQUAL(ssp_merkle_root((const uint8_t (*)[32])(leaves8 + 2), 3, root), 0);
	CU_ASSERT_EQUAL(memcmp(b.claims_root, root, 32), 0);
	CU_ASSERT_EQUAL(np, 3);
	free(p);
}

static void expect_seal_fails(const ssp_claim *c, size_t n, int code)
{
	ssp_batch b, untouched;
	ssp_payout *p = (ssp_payout *)1;
	size_t np = 99;

	memset(&b, 0xa5, sizeof b);
	untouched = b;
	CU_ASSERT_EQUAL(ssp_batch_seal(c, n, &b, &p, &np), code);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(np, 0);
	CU_ASSERT_EQUAL(memcmp(&b, &untouched, sizeof b), 0);
}

static void test_batch_seal_rejects(void)
{
	ssp_claim c[4];

	expect_seal_fails(claims8, 0, SSP_ERR_INVAL);
	/* gap: 1, 2, 4 */
	c[0] = claims8[0];
	c[1] = claims8[1];
	c[2] = claims8[3];
	expect_seal_fails(c, 3, SSP_ERR_INVAL);
	/* wrong order: 2, 1 */
	c[0] = claims8[1];
	c[1] = claims8[0];
	expect_seal_fails(c, 2, SSP_ERR_INVAL);
	/* the same seq twice */
	c[0] = claims8[0];
	c[1] = claims8[0];
	expect_seal_fails(c, 2, SSP_ERR_INVAL);
	/* two projects */
	c[0] = claims8[0];
	c[1] = claims8[1];
	c[1].project[0] ^= 1;
	expect_seal_fails(c, 2, SSP_ERR_INVAL);
	/* seq wraps past UINT64_MAX */
	c[0] = claims8[0];
	c[1] = claims8[1];
	c[0].seq = UINT64_MAX;
	c[1].seq = 0;
	expect_seal_fails(c, 2, SSP_ERR_INVAL);
	/* total credit overflows (different beneficiaries, so only the total overflows) */
	c[0] = claims8[0];
	c[1] = claims8[1];
	c[2] = claims8[2];
	c[0].credit = UINT64_MAX - 10;
	c[1].credit = 10;
	c[2].credit = 1;
	expect_seal_fails(c, 3, SSP_ERR_RANGE);
	/* ...but exactly UINT64_MAX is fine */
	{
		ssp_batch b;
		ssp_payout *p = NULL;
		size_t np = 0;

		c[2].credit = 0;
		CU_ASSERT_EQUAL(ssp_batch_seal(c, 3, &b, &p, &np), 0);
		CU_ASSERT_EQUAL(b.total_credit, UINT64_MAX);
		free(p);
	}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "type hashes", test_type_hashes },
		{ "project id", test_project_id },
		{ "domain separator", test_domain_separator },
		{ "claim struct hash and digest", test_claim_hash_and_digest },
		{ "claim: every field hashed", test_claim_every_field },
		{ "claim signatures equal cast's", test_claim_signatures },
		{ "merkle roots 1..8", test_merkle_roots },
		{ "merkle proofs 1..8", test_merkle_proofs },
		{ "merkle larger trees", test_merkle_larger_trees },
		{ "payouts aggregation", test_payouts_aggregate },
		{ "payouts order independent", test_payouts_order_independent },
		{ "payouts edges", test_payouts_edges },
		{ "abi.encode payouts", test_abi_encode },
		{ "batch seal vectors", test_batch_seal_vectors },
		{ "batch seal mid run", test_batch_seal_mid_run },
		{ "batch seal rejects", test_batch_seal_rejects },
		CU_TEST_INFO_NULL,
	};
	int rc;

	load_vectors();
	load_claims8();
	rc = ssp_cu_run("eip712", tests);
	free(kvs);
	free(vtext);
	return rc;
}
