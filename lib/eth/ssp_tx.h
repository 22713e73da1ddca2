/* EIP-1559 (type 2) transactions: build, sign, raw encoding, hash, decoding back,
 * and CREATE contract addresses. The access list is always empty. */
#ifndef SSP_TX_H
#define SSP_TX_H

#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "core/ssp_u256.h"

/* Largest raw transaction we build or decode (geth's pool takes 128 KiB). */
#define SSP_TX_MAX_RAW (1u << 20)

typedef struct ssp_tx {
	uint64_t chain_id;
	uint64_t nonce;
	ssp_u256 max_priority_fee;      /* wei per gas */
	ssp_u256 max_fee;               /* wei per gas */
	uint64_t gas;
	int create;                     /* 1: contract creation (empty `to`) */
	uint8_t to[SSP_ADDR_LEN];       /* ignored when create */
	ssp_u256 value;
	const uint8_t *data;            /* calldata or init code; borrowed */
	size_t data_len;
} ssp_tx;

/* keccak256(0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value, data, []])):
 * the digest the sender signs. */
SSP_MUST_CHECK int ssp_tx_signing_hash(const ssp_tx *tx, uint8_t out[32]);

/* Signs tx with seckey: *raw (caller frees) = 0x02 ‖ rlp(all 12 fields) with r and s
 * minimal big-endian; hash = keccak256(raw), the transaction hash. hash may be NULL.
 * Returns 0, SSP_ERR_INVAL (bad key or tx), SSP_ERR_CRYPTO, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_tx_sign(const ssp_tx *tx, const uint8_t seckey[32], uint8_t **raw, size_t *rawlen,
		uint8_t hash[32]);

/* A decoded signed transaction. data points into the raw bytes passed to ssp_tx_decode. */
typedef struct ssp_tx_signed {
	ssp_tx tx;
	int y_parity;
	uint8_t r[32], s[32];
	uint8_t from[SSP_ADDR_LEN];     /* recovered sender */
	uint8_t hash[32];               /* keccak256(raw) */
} ssp_tx_signed;

/* Parses a raw type-2 transaction strictly (canonical RLP, exactly 12 fields, an empty
 * access list, 20-byte or empty `to`, yParity 0/1, r and s ≤ 32 bytes without leading
 * zeros) and recovers the sender. SSP_ERR_PARSE (em names the field), SSP_ERR_UNSUPPORTED
 * for another type or a non-empty access list, SSP_ERR_BAD_SIG when recovery fails. */
SSP_MUST_CHECK int ssp_tx_decode(const uint8_t *raw, size_t len, ssp_tx_signed *out, ssp_errmsg *em);

/* Address of the contract created by sender's transaction with nonce:
 * keccak256(rlp([sender, nonce]))[12:]. */
SSP_MUST_CHECK int ssp_tx_create_address(const uint8_t sender[SSP_ADDR_LEN], uint64_t nonce,
			  uint8_t out[SSP_ADDR_LEN]);

#endif
