/* EIP-712 typed data of docs/formats.md: domain separator, ShareClaim and ShareBatch struct hashes,
 * the claims Merkle tree (OpenZeppelin MerkleProof compatible), payouts and abi.encode. */
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char SSP_EIP712_DOMAIN_TYPE[] =
	"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
const char SSP_SHARECLAIM_TYPE[] =
	"ShareClaim(bytes32 project,uint64 seq,uint64 resultId,uint64 workunitId,uint64 userId,"
	"uint64 hostId,address beneficiary,uint64 credit,bytes32 resultDigest,uint64 grantedAt)";
const char SSP_SHAREBATCH_TYPE[] =
	"ShareBatch(bytes32 project,uint64 firstSeq,uint64 lastSeq,bytes32 claimsRoot,"
	"bytes32 payoutsHash,uint64 totalCredit)";

/* ---- ABI words: every field is one 32-byte word fed to the hash ---- */

static void word_bytes32(ssp_keccak *k, const uint8_t v[32])
{
	ssp_keccak_update(k, v, 32);
}

/* uintN (N ≤ 64): big-endian, left-padded with zeros. */
static void word_u64(ssp_keccak *k, uint64_t v)
{
	uint8_t w[32] = { 0 };

	ssp_be64_put(w + 24, v);
	ssp_keccak_update(k, w, 32);
}

/* address: 20 bytes, left-padded with zeros. */
static void word_addr(ssp_keccak *k, const uint8_t a[SSP_ADDR_LEN])
{
	uint8_t w[32] = { 0 };

	memcpy(w + 32 - SSP_ADDR_LEN, a, SSP_ADDR_LEN);
	ssp_keccak_update(k, w, 32);
}

/* The constant hashes of the domain and the types, computed once per process. */
static struct {
	uint8_t domain_type[32], claim_type[32], batch_type[32], name[32], version[32];
} consts;
static pthread_once_t consts_once = PTHREAD_ONCE_INIT;

static void consts_init(void)
{
	ssp_keccak256(SSP_EIP712_DOMAIN_TYPE, strlen(SSP_EIP712_DOMAIN_TYPE), consts.domain_type);
	ssp_keccak256(SSP_SHARECLAIM_TYPE, strlen(SSP_SHARECLAIM_TYPE), consts.claim_type);
	ssp_keccak256(SSP_SHAREBATCH_TYPE, strlen(SSP_SHAREBATCH_TYPE), consts.batch_type);
	ssp_keccak256(SSP_EIP712_NAME, strlen(SSP_EIP712_NAME), consts.name);
	ssp_keccak256(SSP_EIP712_VERSION, strlen(SSP_EIP712_VERSION), consts.version);
}

static void consts_get(void)
{
	pthread_once(&consts_once, consts_init);
}

void ssp_project_id(const char *master_url, uint8_t out[32])
{
	ssp_keccak256(master_url, strlen(master_url), out);
}

void ssp_eip712_domain_separator(const ssp_domain *d, uint8_t out[32])
{
	ssp_keccak k;

	consts_get();
	ssp_keccak_init(&k);
	word_bytes32(&k, consts.domain_type);
	word_bytes32(&k, consts.name);
	word_bytes32(&k, consts.version);
	word_u64(&k, d->chain_id);
	word_addr(&k, d->contract);
	ssp_keccak_final(&k, out);
}

/* The claim struct hash given the ShareClaim typeHash (computed once per batch when sealing). */
static void claim_hash_th(const uint8_t type_hash[32], const ssp_claim *c, uint8_t out[32])
{
	ssp_keccak k;

	ssp_keccak_init(&k);
	word_bytes32(&k, type_hash);
	word_bytes32(&k, c->project);
	word_u64(&k, c->seq);
	word_u64(&k, c->result_id);
	word_u64(&k, c->workunit_id);
	word_u64(&k, c->user_id);
	word_u64(&k, c->host_id);
	word_addr(&k, c->beneficiary);
	word_u64(&k, c->credit);
	word_bytes32(&k, c->result_digest);
	word_u64(&k, c->granted_at);
	ssp_keccak_final(&k, out);
}

void ssp_eip712_claim_hash(const ssp_claim *c, uint8_t out[32])
{
	consts_get();
	claim_hash_th(consts.claim_type, c, out);
}

void ssp_eip712_batch_hash(const ssp_batch *b, uint8_t out[32])
{
	ssp_keccak k;

	consts_get();
	ssp_keccak_init(&k);
	word_bytes32(&k, consts.batch_type);
	word_bytes32(&k, b->project);
	word_u64(&k, b->first_seq);
	word_u64(&k, b->last_seq);
	word_bytes32(&k, b->claims_root);
	word_bytes32(&k, b->payouts_hash);
	word_u64(&k, b->total_credit);
	ssp_keccak_final(&k, out);
}

void ssp_eip712_digest(const uint8_t domain_separator[32], const uint8_t struct_hash[32], uint8_t out[32])
{
	static const uint8_t prefix[2] = { 0x19, 0x01 };
	ssp_keccak k;

	ssp_keccak_init(&k);
	ssp_keccak_update(&k, prefix, 2);
	ssp_keccak_update(&k, domain_separator, 32);
	ssp_keccak_update(&k, struct_hash, 32);
	ssp_keccak_final(&k, out);
}

void ssp_eip712_claim_digest(const ssp_domain *d, const ssp_claim *c, uint8_t out[32])
{
	uint8_t ds[32], sh[32];

	ssp_eip712_domain_separator(d, ds);
	ssp_eip712_claim_hash(c, sh);
	ssp_eip712_digest(ds, sh, out);
}

void ssp_eip712_batch_digest(const ssp_domain *d, const ssp_batch *b, uint8_t out[32])
{
	uint8_t ds[32], sh[32];

	ssp_eip712_domain_separator(d, ds);
	ssp_eip712_batch_hash(b, sh);
	ssp_eip712_digest(ds, sh, out);
}

/* ---- Merkle tree ----
 * Level by level, nodes are paired (0,1), (2,3), ...; an odd last node is carried up.
 * Node i of level d therefore covers leaves [i·2^d, min((i+1)·2^d, n)) and its hash is the
 * root of that range built the same way. range_root builds it with a stack of perfect
 * subtrees (as a binary counter), then folds the stack from the right: the same tree,
 * without allocating. */

/* parent = keccak256(min(a,b) ‖ max(a,b)); out may alias a or b. */
static void hash_pair(const uint8_t a[32], const uint8_t b[32], uint8_t out[32])
{
	ssp_keccak k;

	ssp_keccak_init(&k);
	if (memcmp(a, b, 32) <= 0) {
		ssp_keccak_update(&k, a, 32);
		ssp_keccak_update(&k, b, 32);
	} else {
		ssp_keccak_update(&k, b, 32);
		ssp_keccak_update(&k, a, 32);
	}
	ssp_keccak_final(&k, out);
}

/* Root of leaves[lo..hi), hi > lo. */
static void range_root(const uint8_t (*leaves)[32], size_t lo, size_t hi, uint8_t root[32])
{
	uint8_t st[66][32];
	unsigned height[66];
	size_t top = 0;

	for (size_t i = lo; i < hi; i++) {
		memcpy(st[top], leaves[i], 32);
		height[top++] = 0;
		while (top >= 2 && height[top - 1] == height[top - 2]) {
			hash_pair(st[top - 2], st[top - 1], st[top - 2]);
			height[top - 2]++;
			top--;
		}
	}
	while (top >= 2) {
		hash_pair(st[top - 2], st[top - 1], st[top - 2]);
		top--;
	}
	memcpy(root, st[0], 32);
}

int ssp_merkle_root(const uint8_t (*leaves)[32], size_t n, uint8_t root[32])
{
	if (n == 0 || leaves == NULL || root == NULL)
		return SSP_ERR_INVAL;
	range_root(leaves, 0, n, root);
	return 0;
}

int ssp_merkle_proof(const uint8_t (*leaves)[32], size_t n, size_t index,
		     uint8_t (*proof)[32], size_t cap, size_t *len)
{
	size_t count = 0, width = n; /* width: number of nodes at the current level */
	unsigned d;

	if (len == NULL)
		return SSP_ERR_INVAL;
	*len = 0;
	if (leaves == NULL || (proof == NULL && cap > 0))
		return SSP_ERR_INVAL;
	if (index >= n)
		return SSP_ERR_RANGE;
	for (d = 0; width > 1; d++, width = (width + 1) / 2) {
		size_t sib = (index >> d) ^ 1;

		if (sib < width)
			count++;
	}
	if (count > cap)
		return SSP_ERR_TOO_BIG;
	count = 0;
	for (d = 0, width = n; width > 1; d++, width = (width + 1) / 2) {
		size_t sib = (index >> d) ^ 1;

		if (sib < width) {
			size_t lo = sib << d, hi = lo + ((size_t)1 << d);

			range_root(leaves, lo, hi < n ? hi : n, proof[count++]);
		}
	}
	*len = count;
	return 0;
}

int ssp_merkle_verify(const uint8_t leaf[32], const uint8_t (*proof)[32], size_t len, const uint8_t root[32])
{
	uint8_t h[32];

	if (leaf == NULL || root == NULL || (proof == NULL && len > 0))
		return SSP_ERR_INVAL;
	memcpy(h, leaf, 32);
	for (size_t i = 0; i < len; i++)
		hash_pair(h, proof[i], h);
	return memcmp(h, root, 32) == 0 ? 0 : SSP_ERR_MISMATCH;
}

/* ---- payouts ---- */

static int cmp_payout(const void *a, const void *b)
{
	return memcmp(((const ssp_payout *)a)->beneficiary, ((const ssp_payout *)b)->beneficiary,
		      SSP_ADDR_LEN);
}

int ssp_payouts_from_claims(const ssp_claim *claims, size_t n, ssp_payout **out, size_t *nout)
{
	ssp_payout *p = NULL, *shrunk;
	size_t m = 0;
	int rc;

	if (out == NULL || nout == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	if (claims == NULL)
		return SSP_ERR_INVAL;
	if (n > SIZE_MAX / sizeof *p)
		return SSP_ERR_TOO_BIG;
	p = malloc(n * sizeof *p);
	if (p == NULL)
		return SSP_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		memcpy(p[i].beneficiary, claims[i].beneficiary, SSP_ADDR_LEN);
		p[i].credit = claims[i].credit;
	}
	qsort(p, n, sizeof *p, cmp_payout);
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && memcmp(p[m - 1].beneficiary, p[i].beneficiary, SSP_ADDR_LEN) == 0) {
			if (p[m - 1].credit > UINT64_MAX - p[i].credit) {
				rc = SSP_ERR_RANGE;
				goto out;
			}
			p[m - 1].credit += p[i].credit;
		} else {
			p[m++] = p[i];
		}
	}
	shrunk = realloc(p, m * sizeof *p);
	if (shrunk != NULL)
		p = shrunk;
	*out = p;
	*nout = m;
	p = NULL;
	rc = 0;
out:
	free(p);
	return rc;
}

/* The words of abi.encode((address,uint64)[]): offset 0x20, length, then address and credit
 * of each element. */
static void payout_words(const ssp_payout *p, size_t n, uint8_t *buf)
{
	memset(buf, 0, 64 + 64 * n);
	buf[31] = 0x20;
	ssp_be64_put(buf + 56, (uint64_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = buf + 64 + 64 * i;

		memcpy(e + 32 - SSP_ADDR_LEN, p[i].beneficiary, SSP_ADDR_LEN);
		ssp_be64_put(e + 56, p[i].credit);
	}
}

int ssp_payouts_abi_encode(const ssp_payout *p, size_t n, uint8_t **out, size_t *len)
{
	uint8_t *buf;

	if (out == NULL || len == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	*len = 0;
	if (p == NULL && n > 0)
		return SSP_ERR_INVAL;
	if (n > (SIZE_MAX - 64) / 64)
		return SSP_ERR_TOO_BIG;
	buf = malloc(64 + 64 * n);
	if (buf == NULL)
		return SSP_ERR_NOMEM;
	payout_words(p, n, buf);
	*out = buf;
	*len = 64 + 64 * n;
	return 0;
}

int ssp_payouts_hash(const ssp_payout *p, size_t n, uint8_t out[32])
{
	ssp_keccak k;
	uint8_t head[64];

	if (out == NULL || (p == NULL && n > 0))
		return SSP_ERR_INVAL;
	/* Streamed: the same bytes as ssp_payouts_abi_encode, without the buffer. */
	memset(head, 0, sizeof head);
	head[31] = 0x20;
	ssp_be64_put(head + 56, (uint64_t)n);
	ssp_keccak_init(&k);
	ssp_keccak_update(&k, head, 64);
	for (size_t i = 0; i < n; i++) {
		word_addr(&k, p[i].beneficiary);
		word_u64(&k, p[i].credit);
	}
	ssp_keccak_final(&k, out);
	return 0;
}

/* ---- sealing ---- */

int ssp_batch_seal(const ssp_claim *claims, size_t n, ssp_batch *b, ssp_payout **payouts, size_t *npayouts)
{
	uint8_t (*leaves)[32] = NULL;
	ssp_payout *p = NULL;
	size_t np = 0;
	ssp_batch nb;
	uint64_t total = 0;
	int rc;

	if (payouts == NULL || npayouts == NULL)
		return SSP_ERR_INVAL;
	*payouts = NULL;
	*npayouts = 0;
	if (claims == NULL || b == NULL || n == 0)
		return SSP_ERR_INVAL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			if (memcmp(claims[i].project, claims[0].project, 32) != 0)
				return SSP_ERR_INVAL;
			if (claims[i - 1].seq == UINT64_MAX || claims[i].seq != claims[i - 1].seq + 1)
				return SSP_ERR_INVAL;
		}
		if (total > UINT64_MAX - claims[i].credit)
			return SSP_ERR_RANGE;
		total += claims[i].credit;
	}
	if (n > SIZE_MAX / sizeof *leaves)
		return SSP_ERR_TOO_BIG;
	leaves = malloc(n * sizeof *leaves);
	if (leaves == NULL)
		return SSP_ERR_NOMEM;
	consts_get();
	for (size_t i = 0; i < n; i++)
		claim_hash_th(consts.claim_type, &claims[i], leaves[i]);

	memset(&nb, 0, sizeof nb);
	memcpy(nb.project, claims[0].project, 32);
	nb.first_seq = claims[0].seq;
	nb.last_seq = claims[n - 1].seq;
	nb.total_credit = total;
	range_root((const uint8_t (*)[32])leaves, 0, n, nb.claims_root);
	/* Each per-beneficiary sum is at most the total, which did not overflow. */
	rc = ssp_payouts_from_claims(claims, n, &p, &np);
	if (rc != 0)
		goto out;
	rc = ssp_payouts_hash(p, np, nb.payouts_hash);
	if (rc != 0)
		goto out;
	*b = nb;
	*payouts = p;
	*npayouts = np;
	p = NULL;
out:
	free(p);
	free(leaves);
	return rc;
}
