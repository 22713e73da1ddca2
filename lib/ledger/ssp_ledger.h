/* The ledger (docs/architecture.md): credits → signed ShareClaims → sealed ShareBatches → transactions,
 * in one SQLite database (WAL) shared by ssp_validator, ssp_bridge and the ssp tools.
 *
 * Every function that changes state does it in ONE SQL transaction (BEGIN IMMEDIATE …
 * COMMIT): a process killed at any instant leaves the previous or the next consistent state.
 * Every function returns 0 or a negative SSP_ERR_*: SSP_ERR_BUSY when another process held
 * the database locked past the busy timeout (retry later), SSP_ERR_DB for other SQLite
 * failures (ssp_ledger_errmsg says which), SSP_ERR_RANGE for a uint64 value above
 * INT64_MAX (SQLite integers are signed), SSP_ERR_INVAL for NULL or malformed arguments.
 * A handle is used by one thread at a time. Nothing here prints. */
#ifndef SSP_LEDGER_H
#define SSP_LEDGER_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#include "crypto/ssp_eip712.h"
#include "core/ssp_u256.h"

typedef struct ssp_ledger ssp_ledger;

#define SSP_LEDGER_BUSY_TIMEOUT_MS 5000
/* Most claims one batch may hold (ssp_ledger_seal_batch's max_claims is capped here). */
#define SSP_LEDGER_MAX_BATCH_CLAIMS 1000000
/* Largest raw transaction stored (geth's txpool refuses larger ones). */
#define SSP_LEDGER_MAX_RAW_TX (128 * 1024)
/* Reasons (batch and tx states) are stored truncated to fit this buffer, NUL included. */
#define SSP_LEDGER_REASON_MAX 256

/* ---- opening ---- */

/* Opens (creating when missing) the ledger at path, with WAL, synchronous=FULL,
 * foreign_keys=ON and a 5 s busy timeout, and applies pending migrations. *out = NULL first;
 * on success *out is caller-owned (ssp_ledger_close). SSP_ERR_SCHEMA when the database is
 * newer than this program, is not a ledger, or is damaged. */
SSP_MUST_CHECK int ssp_ledger_open(const char *path, ssp_ledger **out);
/* Closes l (NULL ok). */
void ssp_ledger_close(ssp_ledger *l);
/* The database's schema version (PRAGMA user_version) into *version. */
SSP_MUST_CHECK int ssp_ledger_schema_version(ssp_ledger *l, int *version);
/* The newest schema version this program knows (the number of the last sql/ migration). */
SSP_MUST_CHECK int ssp_ledger_schema_latest(void);
/* SQLite's message for the last failure on l (static or owned by l; never NULL). */
const char *ssp_ledger_errmsg(ssp_ledger *l);

/* ---- credits: every credited result, bound to an address or not ---- */

typedef struct ssp_credit {
	uint8_t project[32];
	uint64_t result_id, workunit_id, user_id, host_id;
	uint64_t credit;           /* micro-cobblestones */
	uint8_t result_digest[32];
	uint64_t granted_at;       /* unix seconds */
} ssp_credit;

/* Records one credit, idempotent on (project, result_id): a second add with the same values
 * is a no-op (*inserted = 0, inserted may be NULL); with different values SSP_ERR_EXISTS. */
SSP_MUST_CHECK int ssp_ledger_add_credit(ssp_ledger *l, const ssp_credit *c, int *inserted);
/* The same for n credits (e.g. all results of a work unit) in one transaction: all or none.
 * *ninserted (may be NULL) counts the new rows; SSP_ERR_EXISTS rolls back every one. */
SSP_MUST_CHECK int ssp_ledger_add_credits(ssp_ledger *l, const ssp_credit *c, size_t n, size_t *ninserted);
/* The credit of (project, result_id) into *out; *claimed (may be NULL) = 1 when it has a claim.
 * SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_ledger_get_credit(ssp_ledger *l, const uint8_t project[32], uint64_t result_id,
			  ssp_credit *out, int *claimed);
/* The users of project having unclaimed credits, ascending, into *user_ids (caller frees;
 * NULL when *n = 0). */
SSP_MUST_CHECK int ssp_ledger_unclaimed_users(ssp_ledger *l, const uint8_t project[32], uint64_t **user_ids,
			       size_t *n);

/* ---- claims: signed ShareClaims, seq gap-free per project from 1 ---- */

/* Signs claim c (its EIP-712 digest) into sig: r‖s‖v. Returns 0, or a negative SSP_ERR_*
 * which aborts the whole operation. It runs inside the ledger's write transaction: it must
 * not use the ledger, and while it runs other writers wait. */
typedef int (*ssp_claim_signer)(void *ctx, const ssp_claim *c, uint8_t sig[65]);

/* In one transaction: every unclaimed credit of user_id (result_id ascending) gets the next
 * seq and becomes a ShareClaim to beneficiary (grantedAt from the credit), signed by sign
 * and stored. *nclaimed (may be NULL) = how many. If sign fails, nothing is kept (no seq is
 * consumed) and its error is returned (SSP_ERR_CRYPTO when it returned a positive value). */
SSP_MUST_CHECK int ssp_ledger_claim_credits(ssp_ledger *l, const uint8_t project[32], uint64_t user_id,
			     const uint8_t beneficiary[20], ssp_claim_signer sign, void *ctx,
			     size_t *nclaimed);
/* The seq the next claim of project will get (1 for a new project). */
SSP_MUST_CHECK int ssp_ledger_next_seq(ssp_ledger *l, const uint8_t project[32], uint64_t *seq);
/* The claim of (project, result_id) and its signature (sig may be NULL).
 * SSP_ERR_NOT_FOUND when the result has no claim (yet). */
SSP_MUST_CHECK int ssp_ledger_get_claim_by_result(ssp_ledger *l, const uint8_t project[32], uint64_t result_id,
				   ssp_claim *c, uint8_t sig[65]);
/* The claim of (project, seq), its signature and its batch id (0 when unbatched);
 * sig and batch_id may be NULL. SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_ledger_get_claim(ssp_ledger *l, const uint8_t project[32], uint64_t seq, ssp_claim *c,
			 uint8_t sig[65], int64_t *batch_id);

/* Visits one claim; batch_id is 0 when unbatched. A non-zero return stops the iteration. */
typedef int (*ssp_claim_visitor)(void *ctx, const ssp_claim *c, const uint8_t sig[65],
				 int64_t batch_id);
/* Calls fn for every claim of project with first_seq ≤ seq ≤ last_seq, in seq order, from
 * one consistent snapshot. Returns 0, fn's non-zero value, or an SSP_ERR_*. fn must not
 * use l (the snapshot is open on it). */
SSP_MUST_CHECK int ssp_ledger_claims_foreach(ssp_ledger *l, const uint8_t project[32], uint64_t first_seq,
			      uint64_t last_seq, ssp_claim_visitor fn, void *ctx);
/* How many claims of project are not in a batch yet, and the oldest signing time (unix
 * seconds) among them (0 when none), for --batch_size / --batch_window. Either may be NULL. */
SSP_MUST_CHECK int ssp_ledger_unbatched_stats(ssp_ledger *l, const uint8_t project[32], uint64_t *count,
			       uint64_t *oldest_signed_at);

/* ---- batches: sealed, signed ShareBatches with their payouts ---- */

/* Batch states. SEALED → SUBMITTED → MINTED (in a block) → FINAL (confirmations deep);
 * SEALED/SUBMITTED/MINTED → FAILED (reason: a revert); SUBMITTED → SEALED (its txs were
 * dropped); MINTED → SEALED or SUBMITTED (reorg); FAILED → SEALED (retry). FINAL is final. */
enum ssp_batch_state {
	SSP_BATCH_SEALED = 1,
	SSP_BATCH_SUBMITTED = 2,
	SSP_BATCH_MINTED = 3,
	SSP_BATCH_FINAL = 4,
	SSP_BATCH_FAILED = 5,
};
/* "SEALED", … (as stored); "?" for an unknown state. */
const char *ssp_ledger_batch_state_name(int state);

typedef struct ssp_ledger_sig {
	uint8_t signer[20];
	uint8_t sig[65];
} ssp_ledger_sig;

/* A batch as stored. Filled by the getters; release with ssp_ledger_batch_clear. */
typedef struct ssp_ledger_batch {
	int64_t id;
	ssp_batch header;           /* what is signed and minted */
	uint64_t nclaims;           /* last_seq - first_seq + 1 */
	int state;                  /* enum ssp_batch_state */
	char reason[SSP_LEDGER_REASON_MAX]; /* "" when none */
	uint64_t sealed_at, updated_at;
	ssp_payout *payouts;        /* sorted by beneficiary ascending (the ABI order) */
	size_t npayouts;
	ssp_ledger_sig *sigs;       /* the sealer's and co-signers', sorted by signer ascending */
	size_t nsigs;
} ssp_ledger_batch;

/* Frees b's arrays and zeroes it (NULL ok). */
void ssp_ledger_batch_clear(ssp_ledger_batch *b);

/* Signs batch b (its EIP-712 digest) into sig. 0 or a negative SSP_ERR_* aborting the seal.
 * Runs inside the write transaction, like ssp_claim_signer. */
typedef int (*ssp_batch_signer)(void *ctx, const ssp_batch *b, uint8_t sig[65]);

/* In one transaction: takes up to max_claims (1..SSP_LEDGER_MAX_BATCH_CLAIMS) unbatched
 * claims of project in seq order (fewer if their total credit would pass INT64_MAX), seals
 * them (ssp_batch_seal), signs the batch with sign (as signer, the signing key's address),
 * stores batch, payouts and signature in state SEALED and marks the claims.
 * *batch_id = the new id, or 0 when there was nothing to seal. If sign fails nothing is kept. */
SSP_MUST_CHECK int ssp_ledger_seal_batch(ssp_ledger *l, const uint8_t project[32], size_t max_claims,
			  const uint8_t signer[20], ssp_batch_signer sign, void *ctx,
			  int64_t *batch_id);
/* Batch id into *out (header, payouts, signatures). *out is zeroed first.
 * SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_ledger_batch_get(ssp_ledger *l, int64_t id, ssp_ledger_batch *out);
/* The SEALED batch of project with the lowest first_seq into *out.
 * SSP_ERR_NOT_FOUND when none is waiting. */
SSP_MUST_CHECK int ssp_ledger_batch_next_to_submit(ssp_ledger *l, const uint8_t project[32],
				    ssp_ledger_batch *out);
/* The ids of project's batches in state, by first_seq ascending (caller frees *ids;
 * NULL when *n = 0). */
SSP_MUST_CHECK int ssp_ledger_batches_in_state(ssp_ledger *l, const uint8_t project[32], int state,
				int64_t **ids, size_t *n);
/* Moves batch id to state (transitions above; the same state again just updates reason),
 * recording reason (NULL clears it). SSP_ERR_STATE for a transition not allowed,
 * SSP_ERR_NOT_FOUND for an unknown id. */
SSP_MUST_CHECK int ssp_ledger_batch_set_state(ssp_ledger *l, int64_t id, int state, const char *reason);
/* Adds signer's signature over batch id (a co-signature; the caller has verified it).
 * Idempotent for the same sig; SSP_ERR_EXISTS when signer already gave a different one. */
SSP_MUST_CHECK int ssp_ledger_batch_add_signature(ssp_ledger *l, int64_t id, const uint8_t signer[20],
				   const uint8_t sig[65]);

/* ---- summary (monitoring) ---- */

/* What `ssp status` shows of one project, from one read snapshot. Credits in micro-cobblestones;
 * times in unix seconds (0: none). */
typedef struct ssp_ledger_counts {
	int schema_version;
	uint64_t credits, credit_total;                /* every credited result */
	uint64_t credits_unclaimed, credit_unclaimed;  /* no claim yet (unbound users, …) */
	uint64_t claims, last_seq;                     /* signed claims; the highest seq */
	uint64_t claims_unbatched, oldest_unbatched_at;
	uint64_t batches[6];                           /* by enum ssp_batch_state (1..5) */
	uint64_t oldest_pending_sealed_at;             /* oldest SEALED/SUBMITTED/MINTED batch */
	uint64_t credit_final, last_final_at, last_final_seq; /* FINAL batches */
} ssp_ledger_counts;

/* Fills *out for project (all zero but schema_version for a project the ledger has never
 * seen). The usual ledger errors. */
SSP_MUST_CHECK int ssp_ledger_summary(ssp_ledger *l, const uint8_t project[32], ssp_ledger_counts *out);

/* ---- transactions (EIP-1559) submitting batches ---- */

/* Tx states. SIGNED (stored before broadcast) → SENT → MINED (block) → FINAL.
 * REPLACED: another tx with the same (from, nonce) superseded it. DROPPED: gone from the
 * mempool. FAILED: mined and reverted, or refused for good. The chain is the judge: any
 * non-FINAL tx may become MINED or FAILED; MINED/FAILED go back to SENT on a reorg;
 * REPLACED/DROPPED may be SENT again. FINAL is final. */
enum ssp_tx_state {
	SSP_TX_SIGNED = 1,
	SSP_TX_SENT = 2,
	SSP_TX_MINED = 3,
	SSP_TX_FINAL = 4,
	SSP_TX_REPLACED = 5,
	SSP_TX_DROPPED = 6,
	SSP_TX_FAILED = 7,
};
/* "SIGNED", … (as stored); "?" for an unknown state. */
const char *ssp_ledger_tx_state_name(int state);

typedef struct ssp_ledger_tx {
	int64_t id;                 /* set by the ledger */
	int64_t batch_id;
	uint8_t from[20];
	uint64_t nonce;
	ssp_u256 max_fee;           /* maxFeePerGas, wei */
	ssp_u256 max_priority_fee;  /* maxPriorityFeePerGas, wei */
	uint64_t gas;
	uint8_t *raw;               /* the signed raw tx (0x02 ‖ rlp…); owned by the struct */
	size_t raw_len;
	uint8_t hash[32];           /* keccak256(raw) */
	int state;                  /* enum ssp_tx_state */
	int has_block;              /* 1 when block_number/block_hash are set */
	uint64_t block_number;
	uint8_t block_hash[32];
	char reason[SSP_LEDGER_REASON_MAX];
	uint64_t created_at, updated_at;
} ssp_ledger_tx;

/* Frees tx->raw and zeroes tx (NULL ok). */
void ssp_ledger_tx_clear(ssp_ledger_tx *tx);
/* Clears and frees an array of n txs (NULL ok). */
void ssp_ledger_txs_free(ssp_ledger_tx *txs, size_t n);

/* Stores tx (batch_id, from, nonce, fees, gas, raw, hash; other fields ignored) in state
 * SIGNED BEFORE it is broadcast, in one transaction that also marks older SIGNED/SENT/DROPPED
 * txs with the same (from, nonce) REPLACED and raises the account's next nonce to nonce + 1
 * when lower. *tx_id (may be NULL) = its id. SSP_ERR_EXISTS when the hash is known,
 * SSP_ERR_NOT_FOUND for an unknown batch, SSP_ERR_TOO_BIG above SSP_LEDGER_MAX_RAW_TX. */
SSP_MUST_CHECK int ssp_ledger_tx_insert(ssp_ledger *l, const ssp_ledger_tx *tx, int64_t *tx_id);
/* Moves tx id to state (transitions above), with reason (NULL clears it). block_hash non-NULL
 * records (block_number, block_hash), which MINED requires; moving to SIGNED, SENT, REPLACED
 * or DROPPED clears the block. The same state again updates block and reason.
 * SSP_ERR_STATE for a transition not allowed, SSP_ERR_NOT_FOUND for an unknown id. */
SSP_MUST_CHECK int ssp_ledger_tx_set_state(ssp_ledger *l, int64_t id, int state, uint64_t block_number,
			    const uint8_t block_hash[32], const char *reason);
/* Tx id (or with this hash) into *out (release with ssp_ledger_tx_clear); *out is zeroed
 * first. SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_ledger_tx_get(ssp_ledger *l, int64_t id, ssp_ledger_tx *out);
SSP_MUST_CHECK int ssp_ledger_tx_get_by_hash(ssp_ledger *l, const uint8_t hash[32], ssp_ledger_tx *out);
/* Every tx of batch_id, oldest first, into *txs (ssp_ledger_txs_free; NULL when *n = 0). */
SSP_MUST_CHECK int ssp_ledger_batch_txs(ssp_ledger *l, int64_t batch_id, ssp_ledger_tx **txs, size_t *n);
/* The newest tx of batch_id into *out. SSP_ERR_NOT_FOUND when it has none. */
SSP_MUST_CHECK int ssp_ledger_batch_latest_tx(ssp_ledger *l, int64_t batch_id, ssp_ledger_tx *out);
/* Every tx in state, oldest first (e.g. SIGNED and SENT ones to watch after a restart). */
SSP_MUST_CHECK int ssp_ledger_txs_in_state(ssp_ledger *l, int state, ssp_ledger_tx **txs, size_t *n);

/* The next nonce recorded for account addr. SSP_ERR_NOT_FOUND when none is recorded. */
SSP_MUST_CHECK int ssp_ledger_nonce_get(ssp_ledger *l, const uint8_t addr[20], uint64_t *nonce);
/* Records nonce as the next nonce of addr (e.g. from eth_getTransactionCount). */
SSP_MUST_CHECK int ssp_ledger_nonce_set(ssp_ledger *l, const uint8_t addr[20], uint64_t nonce);

/* ---- bindings: the address each user's claims go to (sql/002-bindings.sql) ---- */

/* The signer saw, at now, a valid payout binding of user_id to addr. The first address seen
 * for a user takes effect at once; the address in effect stays; a different address takes
 * effect only delay seconds after the signer first saw it (until then *ok = 0 and *wait_until
 * is when), and seeing the address in effect again drops a waiting one. Records what it saw,
 * in one write transaction. *ok = 1: claims may go to addr now. Returns 0, SSP_ERR_INVAL, or a
 * ledger error (SSP_ERR_BUSY, SSP_ERR_DB). */
SSP_MUST_CHECK int ssp_ledger_binding_seen(ssp_ledger *l, const uint8_t project[32], uint64_t user_id,
					   const uint8_t addr[20], int64_t now, uint64_t delay, int *ok,
					   int64_t *wait_until);

#endif
