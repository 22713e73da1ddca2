/* Ethereum JSON-RPC 2.0 client over HTTP(S) (libcurl): one POST per call, connect and total
 * time-outs, a capped response body, strict validation of the response envelope, the
 * server's error object kept for the caller; quantity/data helpers; typed eth_* calls. */
#ifndef SSP_RPC_H
#define SSP_RPC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "core/ssp_u256.h"

#define SSP_RPC_DEFAULT_CONNECT_MS 5000
#define SSP_RPC_DEFAULT_TIMEOUT_MS 30000
#define SSP_RPC_DEFAULT_MAX_BODY (8u << 20)

typedef struct ssp_rpc_opts {
	long connect_timeout_ms; /* 0: SSP_RPC_DEFAULT_CONNECT_MS */
	long timeout_ms;         /* whole call; 0: SSP_RPC_DEFAULT_TIMEOUT_MS */
	size_t max_body;         /* response body cap; 0: SSP_RPC_DEFAULT_MAX_BODY */
	int retries;             /* extra attempts after a transport failure (not after an
				  * error object); 0: none. Waits 200 ms, 400 ms, ... between. */
} ssp_rpc_opts;

typedef struct ssp_rpc ssp_rpc;

/* The JSON-RPC error object of the last call that returned SSP_ERR_RPC or SSP_ERR_REVERTED. */
typedef struct ssp_rpc_error {
	long long code;
	char message[512];       /* truncated when longer */
	json_t *data;            /* the "data" member or NULL; owned by the client */
} ssp_rpc_error;

/* Creates a client for url (http:// or https:// only). opts may be NULL.
 * SSP_ERR_INVAL for another scheme, SSP_ERR_NOMEM. *out freed with ssp_rpc_free. */
SSP_MUST_CHECK int ssp_rpc_new(const char *url, const ssp_rpc_opts *opts, ssp_rpc **out);
void ssp_rpc_free(ssp_rpc *rpc);

/* Calls method with params (a JSON array, or NULL for []; the reference is stolen even on
 * failure). On success *result is a new reference (possibly JSON null).
 * Returns SSP_ERR_NET (connection, HTTP status without a JSON-RPC error), SSP_ERR_TIMEOUT,
 * SSP_ERR_TOO_BIG (body over the cap), SSP_ERR_PARSE (not JSON, or the envelope is wrong:
 * jsonrpc, id, result/error), SSP_ERR_RPC (an error object: see ssp_rpc_last_error).
 * em receives a one-line description. */
SSP_MUST_CHECK int ssp_rpc_call(ssp_rpc *rpc, const char *method, json_t *params, json_t **result,
		 ssp_errmsg *em);
/* The error object of the last SSP_ERR_RPC / SSP_ERR_REVERTED, or NULL after a success. */
const ssp_rpc_error *ssp_rpc_last_error(const ssp_rpc *rpc);
/* Revert data of the last error: the "data" member as hex bytes (or, for nodes that nest it,
 * data.data). *out caller-freed. SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_rpc_error_data(const ssp_rpc *rpc, uint8_t **out, size_t *len);

/* Quantities ("0x" + 1..64 hex digits; leading zeros tolerated). SSP_ERR_PARSE / SSP_ERR_RANGE. */
SSP_MUST_CHECK int ssp_rpc_quantity_u64(const json_t *v, uint64_t *out);
SSP_MUST_CHECK int ssp_rpc_quantity_u256(const json_t *v, ssp_u256 *out);
/* New JSON string "0x…" (minimal) for v; NULL when out of memory. */
json_t *ssp_rpc_u64_json(uint64_t v);
json_t *ssp_rpc_u256_json(const ssp_u256 *v);
/* New JSON string "0x" + hex of data. */
json_t *ssp_rpc_data_json(const uint8_t *data, size_t len);
/* Data ("0x" + even hex digits): exactly n bytes, or up to cap bytes into a new buffer. */
SSP_MUST_CHECK int ssp_rpc_data_fixed(const json_t *v, uint8_t *out, size_t n);
SSP_MUST_CHECK int ssp_rpc_data_alloc(const json_t *v, size_t cap, uint8_t **out, size_t *len);

/* --- typed calls (em: optional) --- */
SSP_MUST_CHECK int ssp_rpc_chain_id(ssp_rpc *rpc, uint64_t *id, ssp_errmsg *em);
SSP_MUST_CHECK int ssp_rpc_block_number(ssp_rpc *rpc, uint64_t *n, ssp_errmsg *em);

typedef struct ssp_rpc_block {
	uint64_t number;
	uint8_t hash[32];
	uint8_t parent_hash[32];
	uint64_t timestamp;
	int has_base_fee;
	ssp_u256 base_fee;
} ssp_rpc_block;
/* eth_getBlockByNumber(tag or number, false). tag NULL means `number`. SSP_ERR_NOT_FOUND for null. */
SSP_MUST_CHECK int ssp_rpc_get_block(ssp_rpc *rpc, const char *tag, uint64_t number, ssp_rpc_block *out,
		      ssp_errmsg *em);
/* eth_getTransactionCount(addr, tag), tag "latest" or "pending". */
SSP_MUST_CHECK int ssp_rpc_tx_count(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], const char *tag,
		     uint64_t *n, ssp_errmsg *em);
/* eth_estimateGas({from, to (omitted when NULL: creation), value (NULL: 0), data}).
 * A revert is SSP_ERR_REVERTED (its data via ssp_rpc_error_data). */
SSP_MUST_CHECK int ssp_rpc_estimate_gas(ssp_rpc *rpc, const uint8_t from[SSP_ADDR_LEN], const uint8_t *to,
			 const ssp_u256 *value, const uint8_t *data, size_t len, uint64_t *gas,
			 ssp_errmsg *em);
/* eth_call({from (NULL: omitted), to, data}, tag or "latest"). *ret caller-freed (≤ 1 MiB).
 * A revert is SSP_ERR_REVERTED. */
SSP_MUST_CHECK int ssp_rpc_eth_call(ssp_rpc *rpc, const uint8_t *from, const uint8_t to[SSP_ADDR_LEN],
		     const uint8_t *data, size_t len, const char *tag, uint8_t **ret,
		     size_t *retlen, ssp_errmsg *em);
/* eth_feeHistory(blocks, "latest", [percentile]): *next_base_fee = the base fee of the next
 * block, *tip = the median over the blocks of the percentile reward (0 when none). */
SSP_MUST_CHECK int ssp_rpc_fee_history(ssp_rpc *rpc, unsigned blocks, double percentile,
			ssp_u256 *next_base_fee, ssp_u256 *tip, ssp_errmsg *em);
/* eth_sendRawTransaction; hash (may be NULL) receives the returned hash. */
SSP_MUST_CHECK int ssp_rpc_send_raw(ssp_rpc *rpc, const uint8_t *raw, size_t len, uint8_t hash[32],
		     ssp_errmsg *em);

/* How the node refused a transaction (from the error message of eth_sendRawTransaction). */
enum ssp_rpc_send_err {
	SSP_SEND_OTHER = 0,
	SSP_SEND_NONCE_TOO_LOW,     /* the nonce is already used on chain */
	SSP_SEND_ALREADY_KNOWN,     /* this very transaction is already in the pool */
	SSP_SEND_UNDERPRICED,       /* a replacement that does not raise fees enough */
	SSP_SEND_FEE_TOO_LOW,       /* max fee below the base fee or the pool's minimum */
	SSP_SEND_NO_FUNDS,          /* insufficient funds for gas * price + value */
	SSP_SEND_NONCE_TOO_HIGH,    /* a gap: the pool refuses future nonces */
};
enum ssp_rpc_send_err ssp_rpc_classify_send_error(const char *message);

typedef struct ssp_rpc_receipt {
	uint8_t tx_hash[32];
	int status;                 /* 1 success, 0 reverted */
	uint64_t block_number;
	uint8_t block_hash[32];
	uint64_t gas_used;
	ssp_u256 effective_gas_price;
	int has_contract;
	uint8_t contract[SSP_ADDR_LEN];
} ssp_rpc_receipt;
/* eth_getTransactionReceipt. SSP_ERR_NOT_FOUND while the transaction is not mined. */
SSP_MUST_CHECK int ssp_rpc_get_receipt(ssp_rpc *rpc, const uint8_t hash[32], ssp_rpc_receipt *out,
			ssp_errmsg *em);
/* eth_getTransactionByHash: 0 when the node knows the transaction (pooled or mined; *mined
 * set, may be NULL), SSP_ERR_NOT_FOUND when it does not. */
SSP_MUST_CHECK int ssp_rpc_tx_known(ssp_rpc *rpc, const uint8_t hash[32], int *mined, ssp_errmsg *em);

typedef struct ssp_rpc_log {
	uint8_t address[SSP_ADDR_LEN];
	uint8_t topics[4][32];
	size_t ntopics;
	uint8_t *data;              /* owned by the array, freed by ssp_rpc_logs_free */
	size_t data_len;
	uint64_t block_number;
	uint8_t block_hash[32];
	uint8_t tx_hash[32];
	uint64_t log_index;
	int removed;
} ssp_rpc_log;
/* eth_getLogs({address, topics (ntopics ≤ 4, exact matches), fromBlock, toBlock}); to_block
 * UINT64_MAX means "latest". At most 10000 logs. *logs freed with ssp_rpc_logs_free. */
SSP_MUST_CHECK int ssp_rpc_get_logs(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], const uint8_t (*topics)[32],
		     size_t ntopics, uint64_t from_block, uint64_t to_block, ssp_rpc_log **logs,
		     size_t *n, ssp_errmsg *em);
void ssp_rpc_logs_free(ssp_rpc_log *logs, size_t n);

#endif
