/* The bridge: sealed batches from the ledger → ShareMinter.mintBatch transactions (EIP-1559,
 * signed by the bridge's own key) → receipts → FINAL after `confirmations` blocks; and the
 * contract deployment of `ssp deploy`. Used by bridge/main.c (ssp_bridge) and tools/.
 *
 * A pass (ssp_bridge_pass) is a sequence of steps, each of which either changes nothing or
 * makes one ledger transaction, so a process killed at any instant resumes correctly:
 *   1. MINTED batches: re-read the receipt and the canonical block hash; a reorg that removed
 *      the mint puts the batch back to SUBMITTED (its raw tx is sent again); `confirmations`
 *      blocks deep → FINAL.
 *   2. The batch in flight (SUBMITTED, or SEALED with a live tx after a crash): any receipt of
 *      any of its txs (replacements included) wins; after a revert the batch goes back to
 *      SEALED unless the chain shows it minted (step 3 then decides with eth_estimateGas);
 *      a nonce taken by another tx is checked against nextSeq(project); an unknown tx is
 *      sent again; a tx under a base fee
 *      above its max fee (or pending too long) is replaced with both fees raised by ≥ 12.5%,
 *      within the caps.
 *   3. When nothing is in flight, the next SEALED batch: nextSeq(project) is read first (a
 *      batch already minted is recorded from its BatchMinted event, not sent again);
 *      eth_estimateGas plus headroom (a revert that can never succeed fails the batch with
 *      the decoded error; one that can succeed later, e.g. a paused minter or a missing
 *      MINTER_ROLE, holds the batch SEALED for cfg.retry_delay); fees from the base fee and
 *      eth_feeHistory within the caps; the account's balance must cover gas × max fee (else
 *      nothing is sent and stats.unpaid is set; a warning when it covers fewer than
 *      cfg.low_balance_batches such mints); the nonce from the pending count; the signed tx
 *      is stored BEFORE eth_sendRawTransaction.
 * One batch is in flight at a time (batches must be minted in seq order anyway). */
#ifndef SSP_BRIDGE_H
#define SSP_BRIDGE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "core/ssp_u256.h"

#include <jansson.h>

#define SSP_BRIDGE_PATH_MAX 1024

typedef struct ssp_bridge_cfg {
	char rpc_url[SSP_BRIDGE_PATH_MAX];
	uint64_t chain_id;
	uint8_t minter[SSP_ADDR_LEN];
	char master_url[SSP_BRIDGE_PATH_MAX];
	uint8_t project[32];                 /* keccak256(master_url) */
	char ledger[SSP_BRIDGE_PATH_MAX];
	char keystore[SSP_BRIDGE_PATH_MAX];
	char password_file[SSP_BRIDGE_PATH_MAX];
	int has_validator_signer;            /* [validator] keystore names an address */
	uint8_t validator_signer[SSP_ADDR_LEN];
	uint64_t confirmations;              /* ≥ 1; default 3 */
	ssp_u256 max_fee_cap;                /* wei per gas */
	ssp_u256 max_tip_cap;                /* wei per gas */
	uint64_t gas_headroom_percent;       /* default 25 */
	long rpc_timeout_ms;                 /* default 10 s */
	int rpc_retries;                     /* transport retries per call; default 2 */
	double poll_interval;                /* seconds; default 5 */
	uint64_t stuck_after;                /* seconds pending before a fee bump; default 180 */
	uint64_t max_chain_failures;         /* reverted mined txs before the batch is retried
					      * only every retry_delay; default 3 */
	double retry_delay;                  /* seconds a batch held back by a revert that can
					      * succeed later waits before it is tried again;
					      * default 60 */
	uint64_t low_balance_batches;        /* warn when the balance pays for fewer mints than
					      * this at the current fees; default 20 */
} ssp_bridge_cfg;

/* Fills cfg with the defaults above (no paths, no caps). */
void ssp_bridge_cfg_defaults(ssp_bridge_cfg *cfg);
/* Reads [project] master_url, ledger; [chain] rpc_url, chain_id, minter; [bridge] keystore,
 * password_file, confirmations, max_fee_per_gas_gwei, max_priority_fee_per_gas_gwei,
 * gas_headroom_percent, rpc_timeout, poll_interval, retry_delay, low_balance_batches; and the address of [validator] keystore
 * (read from the keystore's plain "address" member, no password needed) when it is readable.
 * Relative paths are taken from the current directory. SSP_ERR_CONFIG (em names the key) or
 * the errors of ssp_conf_load. */
SSP_MUST_CHECK int ssp_bridge_cfg_load(const char *path, ssp_bridge_cfg *cfg, ssp_errmsg *em);

/* Parses a decimal gwei amount ("50", "0.5", "1.000000001"; at most 9 fraction digits) into
 * wei. SSP_ERR_PARSE when malformed, SSP_ERR_RANGE when too large. */
SSP_MUST_CHECK int ssp_bridge_parse_gwei(const char *text, ssp_u256 *wei);

/* 1 when a decoded revert reason (as ssp_abi_describe_revert writes it, "Name(args)")
 * names an error that no later state of the chain can lift for the same signed batch: bad or
 * missing signatures, a seq gap or replay, payouts that do not match, a credit ceiling or the
 * mining cap. 0 for the rest, which can succeed later and are retried: EnforcedPause (the
 * guardian paused minting), AccessControlUnauthorizedAccount (the token's MINTER_ROLE not
 * granted yet, or removed by a reorg), and any revert that could not be decoded. */
SSP_MUST_CHECK int ssp_bridge_revert_is_final(const char *reason);

/* The custom errors of ShareMinter and SSPToken (and the OpenZeppelin errors they can raise)
 * as Solidity signatures, for ssp_abi_describe_revert. */
extern const char *const ssp_bridge_error_sigs[];
extern const size_t ssp_bridge_nerror_sigs;

typedef struct ssp_bridge ssp_bridge;

/* Opens the ledger and the RPC client, derives the bridge's address from seckey (copied and
 * wiped on free), refuses (SSP_ERR_CONFIG) a key whose address is the validator's signer,
 * and checks eth_chainId against cfg->chain_id (SSP_ERR_MISMATCH). seckey NULL makes an
 * admin's handle for ssp_bridge_requeue (no passes: they return SSP_ERR_INVAL). An
 * unreachable node gives the errors ssp_bridge_error_is_transient accepts. *out freed with
 * ssp_bridge_free. */
SSP_MUST_CHECK int ssp_bridge_new(const ssp_bridge_cfg *cfg, const uint8_t seckey[32], ssp_bridge **out,
		   ssp_errmsg *em);
void ssp_bridge_free(ssp_bridge *b);
/* The bridge's account address. */
const uint8_t *ssp_bridge_address(const ssp_bridge *b);

/* Batch counts by state after a pass (index = enum ssp_batch_state, 1..5). */
typedef struct ssp_bridge_stats {
	uint64_t batches[6];
	uint64_t sent;        /* transactions broadcast in this pass (new, resent, replacements) */
	uint64_t replaced;    /* fee bumps in this pass */
	uint64_t waiting;     /* batches held back by a revert that can succeed later */
	int unpaid;           /* 1: a transaction could not be paid for (balance too low) */
	int low_balance;      /* 1: the balance pays for fewer than cfg.low_balance_batches mints */
	int have_balance;     /* 1: balance below was read in this pass */
	ssp_u256 balance;     /* the account's balance (wei) when have_balance */
} ssp_bridge_stats;

/* One pass (see above). Checks *stop (may be NULL) between steps and returns early when it
 * is set. Returns 0 when the pass ran (problems with single batches are logged and retried
 * next pass), or an error that stopped it: SSP_ERR_NET/TIMEOUT/PARSE/RPC (the node),
 * SSP_ERR_BUSY/DB (the ledger). stats may be NULL. */
SSP_MUST_CHECK int ssp_bridge_pass(ssp_bridge *b, const volatile sig_atomic_t *stop, ssp_bridge_stats *stats);

/* 1 when an error of ssp_bridge_new (or of a pass) can go away by itself: the node
 * unreachable, slow or answering garbage (SSP_ERR_NET, TIMEOUT, PARSE, RPC, TOO_BIG), or the
 * ledger locked (SSP_ERR_BUSY). 0 for configuration errors (wrong chain, bad key, …). */
SSP_MUST_CHECK int ssp_bridge_error_is_transient(int rc);

/* Requeues FAILED batch id of the bridge's project (the admin's `ssp requeue`): refused
 * (SSP_ERR_STATE, em says why) unless the batch is FAILED, none of its transactions is MINED
 * or FINAL, and the chain's nextSeq(project) is at most its first seq (nothing of it was
 * minted); then FAILED -> SEALED through the ledger, with a reason recording the old one.
 * SSP_ERR_NOT_FOUND for an unknown batch (or one of another project), or the node's errors. */
SSP_MUST_CHECK int ssp_bridge_requeue(ssp_bridge *b, int64_t id, ssp_errmsg *em);

/* ---- status (`ssp status`) ---- */

/* The state of cfg's project as a new JSON object (*out, caller json_decref's it):
 *   project {master_url, id}; ledger {path, schema_version, credits, credit_total,
 *   credits_unclaimed, credit_unclaimed, claims, last_seq, claims_unbatched,
 *   oldest_unbatched_age, batches {SEALED…FAILED}, failed [{id, first_seq, last_seq, reason}],
 *   oldest_pending_batch_age, credit_final, last_final_seq}; chain {rpc_url,
 *   chain_id_expected, minter, reachable, chain_id, head, head_age, next_seq, paused,
 *   total_minted, validator_signer, validator_signer_in_set}; bridge {address, balance_wei,
 *   max_fee_per_gas_wei, mints_affordable_estimate, nonce_latest, nonce_pending};
 *   problems [one line each]; time.
 * Ages in seconds (null: none); wei amounts as decimal strings; members the node could not
 * give are absent and the reason is in problems. Needs no password. Returns 0 (node problems
 * are in problems), or the ledger's errors (em says which). */
SSP_MUST_CHECK int ssp_bridge_status(const ssp_bridge_cfg *cfg, json_t **out, ssp_errmsg *em);

/* A test hook called at named points inside a step, where a crash is most delicate:
 * "tx-stored" (signed tx stored, batch not yet SUBMITTED), "batch-submitted" (not yet
 * broadcast), "tx-broadcast" (accepted by the node, not yet marked SENT), "tx-mined" (tx
 * MINED, batch not yet MINTED), "tx-final" (tx FINAL, batch not yet FINAL). fn NULL removes it.
 * ssp_bridge uses it for SSP_TEST_CRASH_AT (tests only). */
typedef void (*ssp_bridge_hook)(void *ctx, const char *point);
void ssp_bridge_set_hook(ssp_bridge *b, ssp_bridge_hook fn, void *ctx);

/* ---- deployment (`ssp deploy`) ---- */

typedef struct ssp_deploy_params {
	const char *rpc_url;
	const char *contracts_dir;           /* holds SSPToken.bin and ShareMinter.bin */
	const uint8_t (*signers)[SSP_ADDR_LEN];
	size_t nsigners;
	unsigned threshold;                  /* 1..nsigners (≤ 255) */
	ssp_u256 rate;                       /* wei per micro-cobblestone, 1..2^64-1 */
	uint8_t guardian[SSP_ADDR_LEN];      /* zero: none */
	uint64_t max_batch_credit;           /* ≥ 1 */
	uint64_t gas_headroom_percent;       /* 0: 25 */
	const ssp_u256 *max_fee_cap;         /* NULL: none */
	long timeout_s;                      /* per receipt; 0: 300 */
} ssp_deploy_params;

typedef struct ssp_deploy_result {
	uint64_t chain_id;
	uint8_t deployer[SSP_ADDR_LEN];      /* admin of both contracts */
	uint8_t token[SSP_ADDR_LEN];
	uint8_t minter[SSP_ADDR_LEN];
	uint8_t token_tx[32], minter_tx[32], grant_tx[32];
	uint64_t token_block, minter_block, grant_block;
	uint8_t token_block_hash[32], minter_block_hash[32], grant_block_hash[32];
	uint8_t *token_args, *minter_args;   /* ABI-encoded constructor arguments (owned) */
	size_t token_args_len, minter_args_len;
} ssp_deploy_result;

/* Frees the constructor arguments of r and zeroes it (NULL ok). */
void ssp_deploy_result_clear(ssp_deploy_result *r);

/* Deploys SSPToken(deployer) and ShareMinter(token, deployer, guardian, signers, threshold,
 * rate, max_batch_credit) with EIP-1559 transactions signed by seckey, then grants the
 * token's MINTER_ROLE to the minter; waits for each receipt (status 1 required). *out is
 * filled as far as the deployment got (release with ssp_deploy_result_clear, also on error).
 * Returns 0, SSP_ERR_INVAL for bad parameters, SSP_ERR_NOT_FOUND for missing bytecode,
 * SSP_ERR_REVERTED (em holds the decoded error), SSP_ERR_TIMEOUT, or the RPC errors. */
SSP_MUST_CHECK int ssp_bridge_deploy(const ssp_deploy_params *p, const uint8_t seckey[32],
		      ssp_deploy_result *out, ssp_errmsg *em);

/* Writes the deployment record of a successful ssp_bridge_deploy into directory dir, which
 * must not exist (it is created, mode 0755; nothing is ever overwritten):
 *   dir/deployment.json   {"version":1, "chainId", "deployer", "deployedAt" (unix s),
 *     "deployBlock" (the minter's block: where an audit starts), "compiler": {"version",
 *     "settings"} (from contracts_dir/combined.json), "contracts": {"SSPToken"|"ShareMinter":
 *     {"contractName" (source:name), "address", "transactionHash", "blockNumber", "blockHash",
 *     "constructorArguments" (0x ABI encoding, as explorers ask for it), "constructorArgs"
 *     (the values by name), "creationBytecodeKeccak256", "standardJsonInput" (file name),
 *     "standardJsonInputSha256"}}, "minterRoleGrant": {"transactionHash", "blockNumber",
 *     "blockHash"}}
 *   dir/SSPToken.input.json, dir/ShareMinter.input.json   the standard-JSON compiler inputs,
 *     copied from contracts_dir byte for byte.
 * SSP_ERR_EXISTS when dir exists, SSP_ERR_NOT_FOUND/PARSE for missing or malformed build
 * outputs (em names the file), SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_deploy_record_write(const char *dir, const ssp_deploy_params *p,
			    const ssp_deploy_result *r, ssp_errmsg *em);

#endif
