/* EIP-712 typed data of docs/formats.md (normative): domain, ShareClaim, ShareBatch,
 * the claims Merkle root, payouts and their ABI encoding. */
#ifndef SSP_EIP712_H
#define SSP_EIP712_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#include "crypto/ssp_key.h"

#define SSP_EIP712_NAME "SmartShare"
#define SSP_EIP712_VERSION "1"

typedef struct ssp_domain {
	uint64_t chain_id;
	uint8_t contract[SSP_ADDR_LEN]; /* ShareMinter address (verifyingContract) */
} ssp_domain;

typedef struct ssp_claim {
	uint8_t project[32];
	uint64_t seq;
	uint64_t result_id;
	uint64_t workunit_id;
	uint64_t user_id;
	uint64_t host_id;
	uint8_t beneficiary[SSP_ADDR_LEN];
	uint64_t credit;            /* micro-cobblestones */
	uint8_t result_digest[32];
	uint64_t granted_at;        /* unix seconds */
} ssp_claim;

typedef struct ssp_batch {
	uint8_t project[32];
	uint64_t first_seq;
	uint64_t last_seq;
	uint8_t claims_root[32];
	uint8_t payouts_hash[32];
	uint64_t total_credit;
} ssp_batch;

typedef struct ssp_payout {
	uint8_t beneficiary[SSP_ADDR_LEN];
	uint64_t credit;
} ssp_payout;

/* The type strings, exactly as hashed. */
extern const char SSP_EIP712_DOMAIN_TYPE[];
extern const char SSP_SHARECLAIM_TYPE[];
extern const char SSP_SHAREBATCH_TYPE[];

/* project = keccak256(bytes(master_url)). */
void ssp_project_id(const char *master_url, uint8_t out[32]);

void ssp_eip712_domain_separator(const ssp_domain *d, uint8_t out[32]);
void ssp_eip712_claim_hash(const ssp_claim *c, uint8_t out[32]);
void ssp_eip712_batch_hash(const ssp_batch *b, uint8_t out[32]);
/* keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash). */
void ssp_eip712_digest(const uint8_t domain_separator[32], const uint8_t struct_hash[32], uint8_t out[32]);
/* Convenience: the full EIP-712 digests. */
void ssp_eip712_claim_digest(const ssp_domain *d, const ssp_claim *c, uint8_t out[32]);
void ssp_eip712_batch_digest(const ssp_domain *d, const ssp_batch *b, uint8_t out[32]);

/* Merkle root over n ≥ 1 leaves: sorted-pair keccak parents, odd node carried up.
 * SSP_ERR_INVAL when n is 0. */
SSP_MUST_CHECK int ssp_merkle_root(const uint8_t (*leaves)[32], size_t n, uint8_t root[32]);
/* Proof for leaf index: the sibling hashes bottom-up into proof (cap entries);
 * *len set. SSP_ERR_RANGE when index ≥ n, SSP_ERR_TOO_BIG when cap is too small. */
SSP_MUST_CHECK int ssp_merkle_proof(const uint8_t (*leaves)[32], size_t n, size_t index,
		     uint8_t (*proof)[32], size_t cap, size_t *len);
/* 0 when leaf with proof hashes to root (OpenZeppelin MerkleProof.verify), SSP_ERR_MISMATCH otherwise. */
SSP_MUST_CHECK int ssp_merkle_verify(const uint8_t leaf[32], const uint8_t (*proof)[32], size_t len, const uint8_t root[32]);

/* Sums claims per beneficiary, sorted by address ascending. *out is caller-freed (NULL when n is 0).
 * SSP_ERR_RANGE when a sum overflows uint64. */
SSP_MUST_CHECK int ssp_payouts_from_claims(const ssp_claim *claims, size_t n, ssp_payout **out, size_t *nout);
/* abi.encode(payouts) for (address,uint64)[]: *out caller-freed. */
SSP_MUST_CHECK int ssp_payouts_abi_encode(const ssp_payout *p, size_t n, uint8_t **out, size_t *len);
SSP_MUST_CHECK int ssp_payouts_hash(const ssp_payout *p, size_t n, uint8_t out[32]);

/* Seals claims (n ≥ 1, same project, consecutive seq ascending) into a batch header and
 * its payouts (*payouts caller-freed). SSP_ERR_INVAL when the claims are not a run. */
SSP_MUST_CHECK int ssp_batch_seal(const ssp_claim *claims, size_t n, ssp_batch *b, ssp_payout **payouts, size_t *npayouts);

#endif
