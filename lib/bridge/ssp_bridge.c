/* ssp_bridge: sealed batches → mintBatch transactions → FINAL (see ssp_bridge.h). */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "ledger/ssp_ledger.h"
#include "core/ssp_log.h"
#include "eth/ssp_tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MINTED_SIG "BatchMinted(bytes32,uint64,uint64,bytes32,uint64,uint256)"
/* eth_getLogs is asked for at most this many blocks at once, and for this many windows. */
#define LOG_WINDOW 10000
#define LOG_WINDOWS 100

void ssp_bridge_set_hook(ssp_bridge *b, ssp_bridge_hook fn, void *ctx)
{
	b->hook = fn;
	b->hook_ctx = ctx;
}

static void point(ssp_bridge *b, const char *name)
{
	if (b->hook != NULL)
		b->hook(b->hook_ctx, name);
}

static int stopping(const ssp_bridge *b)
{
	return b->stop != NULL && *b->stop;
}

static const char *hex32(const uint8_t h[32], char buf[67])
{
	return ssp_hex_encode(h, 32, buf, 1);
}

/* At start: the account's nonce as the ledger and the chain see it. The ledger's is only a
 * record; a new transaction always takes the chain's pending count (see submit_next), and
 * stored transactions keep theirs. */
static void report_nonces(ssp_bridge *b)
{
	uint64_t latest, pending, mine;
	ssp_errmsg em = { { 0 } };

	if (ssp_rpc_tx_count(b->rpc, b->addr, "latest", &latest, &em) != 0 ||
	    ssp_rpc_tx_count(b->rpc, b->addr, "pending", &pending, &em) != 0)
		return;
	if (ssp_ledger_nonce_get(b->ledger, b->addr, &mine) != 0) {
		ssp_log_info("account nonce: chain latest %llu, pending %llu; none in the ledger yet",
			     (unsigned long long)latest, (unsigned long long)pending);
		return;
	}
	if (mine != pending || latest != pending)
		ssp_log_info("account nonce: ledger %llu, chain latest %llu, pending %llu; stored "
			     "transactions are checked against the chain before anything new is sent",
			     (unsigned long long)mine, (unsigned long long)latest,
			     (unsigned long long)pending);
	else
		ssp_log_debug("account nonce %llu (ledger and chain agree)", (unsigned long long)mine);
}

int ssp_bridge_new(const ssp_bridge_cfg *cfg, const uint8_t seckey[32], ssp_bridge **out,
		   ssp_errmsg *em)
{
	ssp_rpc_opts ro;
	ssp_bridge *b;
	uint64_t chain;
	int rc;

	*out = NULL;
	b = calloc(1, sizeof *b);
	if (b == NULL)
		return SSP_ERR_NOMEM;
	b->cfg = *cfg;
	if (seckey != NULL) {
		memcpy(b->seckey, seckey, 32);
		b->has_key = 1;
		if ((rc = ssp_key_address(seckey, b->addr)) != 0) {
			ssp_errmsg_set(em, rc, "the bridge key is not a valid secp256k1 key");
			goto fail;
		}
	}
	ssp_address_format(b->addr, b->addr_text);
	if (b->has_key && cfg->has_validator_signer &&
	    memcmp(cfg->validator_signer, b->addr, SSP_ADDR_LEN) == 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG,
				    "the bridge key %s is the validator's claim-signing key: use a "
				    "separate key for paying gas", b->addr_text);
		goto fail;
	}
	if ((rc = ssp_ledger_open(cfg->ledger, &b->ledger)) != 0) {
		ssp_errmsg_set(em, rc, "cannot open the ledger %s: %s", cfg->ledger, ssp_strerror(rc));
		goto fail;
	}
	memset(&ro, 0, sizeof ro);
	ro.connect_timeout_ms = cfg->rpc_timeout_ms < 5000 ? cfg->rpc_timeout_ms : 5000;
	ro.timeout_ms = cfg->rpc_timeout_ms;
	ro.retries = cfg->rpc_retries;
	if ((rc = ssp_rpc_new(cfg->rpc_url, &ro, &b->rpc)) != 0) {
		ssp_errmsg_set(em, SSP_ERR_CONFIG, "chain.rpc_url must be an http:// or https:// URL");
		goto fail;
	}
	if ((rc = ssp_rpc_chain_id(b->rpc, &chain, em)) != 0)
		goto fail;
	if (chain != cfg->chain_id) {
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH, "the node's chain id is %llu, ssp.conf says %llu",
				    (unsigned long long)chain, (unsigned long long)cfg->chain_id);
		goto fail;
	}
	if (b->has_key)
		report_nonces(b);
	*out = b;
	return 0;
fail:
	ssp_bridge_free(b);
	return rc;
}

void ssp_bridge_free(ssp_bridge *b)
{
	if (b == NULL)
		return;
	ssp_wipe(b->seckey, sizeof b->seckey);
	ssp_ledger_close(b->ledger);
	ssp_rpc_free(b->rpc);
	free(b);
}

const uint8_t *ssp_bridge_address(const ssp_bridge *b)
{
	return b->addr;
}

/* ------------------------------------------------------------------ chain reads */

/* See ssp_bridge_int.h. */
int ssp_bridge_next_seq(ssp_bridge *b, uint64_t *seq)
{
	uint8_t call[36], *ret = NULL;
	size_t len;
	ssp_errmsg em = { { 0 } };
	int rc;

	ssp_abi_selector("nextSeq(bytes32)", call);
	memcpy(call + 4, b->cfg.project, 32);
	rc = ssp_rpc_eth_call(b->rpc, NULL, b->cfg.minter, call, sizeof call, "latest", &ret, &len, &em);
	if (rc == 0 && (rc = ssp_abi_read_u64(ret, len, 0, seq)) != 0)
		snprintf(em.msg, sizeof em.msg, "nextSeq returned %zu bytes: is chain.minter right?", len);
	if (rc != 0)
		ssp_log_crit("cannot read nextSeq from the minter: %s", em.msg);
	free(ret);
	return rc;
}

/* The BatchMinted event of bt (project, firstSeq, lastSeq), searching back from the head.
 * SSP_ERR_NOT_FOUND when the chain has none. */
static int find_mint_event(ssp_bridge *b, const ssp_ledger_batch *bt, ssp_rpc_log *found)
{
	uint8_t topics[2][32];
	uint64_t to = b->head;
	ssp_errmsg em = { { 0 } };

	ssp_keccak256(BATCH_MINTED_SIG, strlen(BATCH_MINTED_SIG), topics[0]);
	memcpy(topics[1], bt->header.project, 32);
	for (int w = 0; w < LOG_WINDOWS; w++) {
		uint64_t from = to >= LOG_WINDOW ? to - LOG_WINDOW + 1 : 0;
		ssp_rpc_log *logs = NULL;
		size_t n = 0;
		int rc = ssp_rpc_get_logs(b->rpc, b->cfg.minter, (const uint8_t(*)[32])topics, 2, from, to,
					  &logs, &n, &em);

		if (rc != 0) {
			ssp_log_crit("eth_getLogs failed: %s", em.msg);
			return rc;
		}
		for (size_t i = n; i-- > 0;) {
			uint64_t first, last;

			if (logs[i].removed ||
			    ssp_abi_read_u64(logs[i].data, logs[i].data_len, 0, &first) != 0 ||
			    ssp_abi_read_u64(logs[i].data, logs[i].data_len, 1, &last) != 0)
				continue;
			if (first == bt->header.first_seq && last == bt->header.last_seq) {
				*found = logs[i];
				found->data = NULL;
				found->data_len = 0;
				ssp_rpc_logs_free(logs, n);
				return 0;
			}
		}
		ssp_rpc_logs_free(logs, n);
		if (from == 0)
			break;
		to = from - 1;
	}
	return SSP_ERR_NOT_FOUND;
}

/* ------------------------------------------------------------------ ledger helpers */

static int set_batch(ssp_bridge *b, const ssp_ledger_batch *bt, int state, const char *reason)
{
	int rc;

	if (bt->state == state && reason == NULL)
		return 0;
	/* SEALED reaches MINTED through SUBMITTED. */
	if (bt->state == SSP_BATCH_SEALED && state == SSP_BATCH_MINTED &&
	    (rc = ssp_ledger_batch_set_state(b->ledger, bt->id, SSP_BATCH_SUBMITTED, NULL)) != 0)
		return rc;
	rc = ssp_ledger_batch_set_state(b->ledger, bt->id, state, reason);
	if (rc != 0)
		ssp_log_crit("batch %lld: cannot move %s -> %s: %s (%s)", (long long)bt->id,
			     ssp_ledger_batch_state_name(bt->state), ssp_ledger_batch_state_name(state),
			     ssp_strerror(rc), ssp_ledger_errmsg(b->ledger));
	else if (bt->state != state)
		ssp_log_info("batch %lld (seq %llu..%llu): %s -> %s%s%s", (long long)bt->id,
			     (unsigned long long)bt->header.first_seq,
			     (unsigned long long)bt->header.last_seq,
			     ssp_ledger_batch_state_name(bt->state), ssp_ledger_batch_state_name(state),
			     reason ? ": " : "", reason ? reason : "");
	return rc;
}

static int set_tx(ssp_bridge *b, const ssp_ledger_tx *tx, int state, uint64_t block,
		  const uint8_t *block_hash, const char *reason)
{
	char h[67];
	int rc = ssp_ledger_tx_set_state(b->ledger, tx->id, state, block, block_hash, reason);

	if (rc != 0)
		ssp_log_crit("tx %s: cannot move %s -> %s: %s", hex32(tx->hash, h),
			     ssp_ledger_tx_state_name(tx->state), ssp_ledger_tx_state_name(state),
			     ssp_strerror(rc));
	else if (tx->state != state)
		ssp_log_debug("tx %s (nonce %llu): %s -> %s", hex32(tx->hash, h),
			      (unsigned long long)tx->nonce, ssp_ledger_tx_state_name(tx->state),
			      ssp_ledger_tx_state_name(state));
	return rc;
}

/* Records that the chain shows bt minted by a transaction we did not send (or do not have). */
static int record_foreign_mint(ssp_bridge *b, const ssp_ledger_batch *bt, const ssp_rpc_log *ev)
{
	char reason[200], h[67];

	snprintf(reason, sizeof reason, "minted by transaction %s in block %llu", hex32(ev->tx_hash, h),
		 (unsigned long long)ev->block_number);
	return set_batch(b, bt, SSP_BATCH_MINTED, reason);
}

/* The chain says nextSeq passed bt: find and record the mint. */
static int already_minted(ssp_bridge *b, const ssp_ledger_batch *bt)
{
	ssp_rpc_log ev;
	int rc = find_mint_event(b, bt, &ev);

	if (rc == SSP_ERR_NOT_FOUND) {
		ssp_log_crit("batch %lld (seq %llu..%llu): nextSeq is past it but no BatchMinted "
			     "event for exactly this range was found; another batch covered these "
			     "claims?", (long long)bt->id, (unsigned long long)bt->header.first_seq,
			     (unsigned long long)bt->header.last_seq);
		return set_batch(b, bt, SSP_BATCH_FAILED,
				 "claims already minted by a different batch (no matching BatchMinted)");
	}
	if (rc != 0)
		return rc;
	return record_foreign_mint(b, bt, &ev);
}

static int calldata(const ssp_ledger_batch *bt, uint8_t **out, size_t *len)
{
	uint8_t (*sigs)[SSP_SIG_LEN] = calloc(bt->nsigs ? bt->nsigs : 1, SSP_SIG_LEN);
	int rc;

	if (sigs == NULL)
		return SSP_ERR_NOMEM;
	for (size_t i = 0; i < bt->nsigs; i++)
		memcpy(sigs[i], bt->sigs[i].sig, SSP_SIG_LEN);
	rc = ssp_abi_mint_batch_calldata(&bt->header, bt->payouts, bt->npayouts,
					 (const uint8_t(*)[SSP_SIG_LEN])sigs, bt->nsigs, out, len);
	free(sigs);
	return rc;
}

/* ------------------------------------------------------------------ sending */

static int bump_tx(ssp_bridge *b, const ssp_ledger_batch *bt, const ssp_ledger_tx *old);

/* Broadcasts a stored tx and records the outcome. */
static int broadcast(ssp_bridge *b, const ssp_ledger_batch *bt, const ssp_ledger_tx *tx, int may_bump)
{
	ssp_errmsg em = { { 0 } };
	char h[67];
	int rc;

	if (stopping(b))
		return 0;
	rc = ssp_rpc_send_raw(b->rpc, tx->raw, tx->raw_len, NULL, &em);
	if (rc == 0) {
		point(b, "tx-broadcast");
		b->stats->sent++;
		ssp_log_info("batch %lld: sent tx %s (nonce %llu, gas %llu)", (long long)bt->id,
			     hex32(tx->hash, h), (unsigned long long)tx->nonce, (unsigned long long)tx->gas);
		return tx->state == SSP_TX_SENT ? 0 : set_tx(b, tx, SSP_TX_SENT, 0, NULL, NULL);
	}
	if (rc != SSP_ERR_RPC) {
		ssp_log_info("batch %lld: sending tx %s failed (%s); will retry", (long long)bt->id,
			     hex32(tx->hash, h), em.msg);
		return rc;
	}
	switch (ssp_rpc_classify_send_error(ssp_rpc_last_error(b->rpc)->message)) {
	case SSP_SEND_ALREADY_KNOWN:
		ssp_log_debug("tx %s already known to the node", hex32(tx->hash, h));
		return tx->state == SSP_TX_SENT ? 0 : set_tx(b, tx, SSP_TX_SENT, 0, NULL, NULL);
	case SSP_SEND_NONCE_TOO_LOW:
		ssp_log_info("batch %lld: nonce %llu already used on chain; checking receipts next pass",
			     (long long)bt->id, (unsigned long long)tx->nonce);
		return 0;
	case SSP_SEND_UNDERPRICED:
	case SSP_SEND_FEE_TOO_LOW:
		ssp_log_info("batch %lld: tx %s refused (%s); raising fees", (long long)bt->id,
			     hex32(tx->hash, h), em.msg);
		return may_bump ? bump_tx(b, bt, tx) : 0;
	case SSP_SEND_NO_FUNDS:
		ssp_log_crit("the bridge account %s cannot pay for gas: %s (fund it)", b->addr_text, em.msg);
		b->stats->unpaid = 1;
		return 0;
	default:
		ssp_log_crit("batch %lld: the node refused tx %s: %s", (long long)bt->id, hex32(tx->hash, h),
			     em.msg);
		return 0;
	}
}

/* Signs tx, stores it (before any broadcast), marks the batch SUBMITTED, broadcasts. */
static int store_and_send(ssp_bridge *b, const ssp_ledger_batch *bt, const ssp_tx *tx)
{
	ssp_ledger_tx row;
	uint8_t *raw = NULL;
	size_t rawlen;
	int64_t id;
	int rc;

	memset(&row, 0, sizeof row);
	if ((rc = ssp_tx_sign(tx, b->seckey, &raw, &rawlen, row.hash)) != 0) {
		ssp_log_crit("cannot sign a transaction: %s", ssp_strerror(rc));
		return rc;
	}
	row.batch_id = bt->id;
	memcpy(row.from, b->addr, SSP_ADDR_LEN);
	row.nonce = tx->nonce;
	row.max_fee = tx->max_fee;
	row.max_priority_fee = tx->max_priority_fee;
	row.gas = tx->gas;
	row.raw = raw;
	row.raw_len = rawlen;
	row.state = SSP_TX_SIGNED;
	rc = ssp_ledger_tx_insert(b->ledger, &row, &id);
	if (rc == SSP_ERR_EXISTS) {
		/* The very same tx was stored before (same nonce, fees, data): send that one. */
		ssp_ledger_tx old;

		free(raw);
		if ((rc = ssp_ledger_tx_get_by_hash(b->ledger, row.hash, &old)) != 0)
			return rc;
		if (bt->state != SSP_BATCH_SUBMITTED)
			rc = set_batch(b, bt, SSP_BATCH_SUBMITTED, NULL);
		if (rc == 0)
			rc = broadcast(b, bt, &old, 0);
		ssp_ledger_tx_clear(&old);
		return rc;
	}
	if (rc != 0) {
		ssp_log_crit("cannot store the signed tx: %s (%s)", ssp_strerror(rc),
			     ssp_ledger_errmsg(b->ledger));
		free(raw);
		return rc;
	}
	row.id = id;
	point(b, "tx-stored");
	if (bt->state != SSP_BATCH_SUBMITTED && (rc = set_batch(b, bt, SSP_BATCH_SUBMITTED, NULL)) != 0) {
		free(raw);
		return rc;
	}
	point(b, "batch-submitted");
	rc = broadcast(b, bt, &row, 0);
	free(raw);
	return rc;
}

/* max(a, b) into r. */
static void umax(ssp_u256 *r, const ssp_u256 *a, const ssp_u256 *c)
{
	*r = ssp_u256_cmp(a, c) >= 0 ? *a : *c;
}

/* Replaces old (same nonce, gas and data) with both fees raised by at least 12.5 %. */
static int bump_tx(ssp_bridge *b, const ssp_ledger_batch *bt, const ssp_ledger_tx *old)
{
	ssp_u256 base, tip, fee, min_tip, min_fee, two_base, want_fee;
	ssp_tx_signed dec;
	ssp_errmsg em = { { 0 } };
	char t1[SSP_U256_DEC_MAX], t2[SSP_U256_DEC_MAX];
	int rc;

	if (stopping(b))
		return 0;
	if ((rc = ssp_tx_decode(old->raw, old->raw_len, &dec, &em)) != 0) {
		ssp_log_crit("stored tx %lld does not decode: %s", (long long)old->id, em.msg);
		return SSP_ERR_INTERNAL;
	}
	if ((rc = ssp_bridge_fees(b->rpc, NULL, NULL, &base, &tip, &fee, &em)) != 0) {
		ssp_log_info("fee history unavailable: %s", em.msg);
		return rc;
	}
	ssp_bridge_bump(&old->max_priority_fee, &min_tip);
	ssp_bridge_bump(&old->max_fee, &min_fee);
	umax(&tip, &tip, &min_tip);
	if (ssp_u256_add(&two_base, &base, &base) != 0 || ssp_u256_add(&want_fee, &two_base, &tip) != 0)
		return SSP_ERR_RANGE; /* a base fee near 2^255 wei: no bid can follow it */
	umax(&fee, &want_fee, &min_fee);
	if (ssp_u256_cmp(&min_tip, &b->cfg.max_tip_cap) > 0 || ssp_u256_cmp(&min_fee, &b->cfg.max_fee_cap) > 0) {
		ssp_log_crit("batch %lld: tx nonce %llu is stuck (base fee %s wei) and its fees cannot "
			     "rise 12.5%% within the caps (max fee %s wei); waiting", (long long)bt->id,
			     (unsigned long long)old->nonce, ssp_u256_to_dec(&base, t1),
			     ssp_u256_to_dec(&b->cfg.max_fee_cap, t2));
		return 0;
	}
	if (ssp_u256_cmp(&tip, &b->cfg.max_tip_cap) > 0)
		tip = b->cfg.max_tip_cap;
	if (ssp_u256_cmp(&fee, &b->cfg.max_fee_cap) > 0)
		fee = b->cfg.max_fee_cap;
	if (ssp_u256_cmp(&tip, &fee) > 0)
		tip = fee;
	dec.tx.max_priority_fee = tip;
	dec.tx.max_fee = fee;
	ssp_log_info("batch %lld: replacing tx nonce %llu: max fee %s wei, tip %s wei",
		     (long long)bt->id, (unsigned long long)old->nonce, ssp_u256_to_dec(&fee, t1),
		     ssp_u256_to_dec(&tip, t2));
	b->stats->replaced++;
	return store_and_send(b, bt, &dec.tx);
}

/* ------------------------------------------------------------------ the steps */

/* Step 1: a MINTED batch: reorg check and confirmations. */
static int check_minted(ssp_bridge *b, ssp_ledger_batch *bt)
{
	ssp_ledger_tx *txs = NULL, *mined = NULL;
	ssp_rpc_receipt r;
	ssp_rpc_block blk;
	ssp_errmsg em = { { 0 } };
	uint64_t block;
	const uint8_t *bhash;
	size_t n = 0;
	int rc;

	if ((rc = ssp_ledger_batch_txs(b->ledger, bt->id, &txs, &n)) != 0)
		return rc;
	for (size_t i = n; i-- > 0;)
		if (txs[i].state == SSP_TX_MINED || txs[i].state == SSP_TX_FINAL) {
			mined = &txs[i];
			break;
		}
	if (mined == NULL) {
		/* Minted by a transaction that is not ours: follow its event. */
		ssp_rpc_log ev;

		rc = find_mint_event(b, bt, &ev);
		if (rc == SSP_ERR_NOT_FOUND) {
			rc = set_batch(b, bt, SSP_BATCH_SEALED, "its BatchMinted event is gone (reorg)");
			goto out;
		}
		if (rc != 0)
			goto out;
		block = ev.block_number;
		bhash = ev.block_hash;
		if (b->head + 1 >= block + b->cfg.confirmations)
			rc = set_batch(b, bt, SSP_BATCH_FINAL, bt->reason[0] ? bt->reason : NULL);
		goto out;
	}
	rc = ssp_rpc_get_receipt(b->rpc, mined->hash, &r, &em);
	if (rc == SSP_ERR_NOT_FOUND) {
		ssp_log_info("batch %lld: its mint in block %llu was removed by a reorg", (long long)bt->id,
			     (unsigned long long)mined->block_number);
		if ((rc = set_tx(b, mined, SSP_TX_SENT, 0, NULL, "removed by a reorg")) == 0)
			rc = set_batch(b, bt, SSP_BATCH_SUBMITTED, "reorg: mint removed; sending again");
		goto out;
	}
	if (rc != 0)
		goto out;
	if (r.status != 1) {
		if ((rc = set_tx(b, mined, SSP_TX_FAILED, r.block_number, r.block_hash,
				 "reverted after a reorg")) == 0)
			rc = set_batch(b, bt, SSP_BATCH_SUBMITTED, "reorg: the mint reverted");
		goto out;
	}
	block = r.block_number;
	bhash = r.block_hash;
	if (block != mined->block_number || memcmp(bhash, mined->block_hash, 32) != 0) {
		ssp_log_info("batch %lld: reorg moved its mint to block %llu", (long long)bt->id,
			     (unsigned long long)block);
		if ((rc = set_tx(b, mined, SSP_TX_MINED, block, bhash, NULL)) != 0)
			goto out;
	}
	/* The receipt's block must be the canonical one at that height. */
	if ((rc = ssp_rpc_get_block(b->rpc, NULL, block, &blk, &em)) != 0) {
		if (rc == SSP_ERR_NOT_FOUND)
			rc = 0;
		goto out;
	}
	if (memcmp(blk.hash, bhash, 32) != 0) {
		ssp_log_debug("batch %lld: block %llu changed under the receipt; rechecking next pass",
			      (long long)bt->id, (unsigned long long)block);
		goto out;
	}
	if (b->head + 1 >= block + b->cfg.confirmations) {
		if (mined->state != SSP_TX_FINAL && (rc = set_tx(b, mined, SSP_TX_FINAL, block, bhash, NULL)) != 0)
			goto out;
		point(b, "tx-final");
		rc = set_batch(b, bt, SSP_BATCH_FINAL, NULL);
	}
out:
	ssp_ledger_txs_free(txs, n);
	return rc;
}

/* After one of bt's txs reverted on chain: the batch goes back to SEALED, where
 * eth_estimateGas decides (a revert that can never succeed fails it with the decoded error).
 * After cfg.max_chain_failures reverted transactions it is also held for cfg.retry_delay, so
 * that a revert estimateGas does not foresee (e.g. out of gas) costs gas only now and then. */
static int after_revert(ssp_bridge *b, ssp_ledger_batch *bt, const ssp_ledger_tx *txs, size_t n)
{
	uint64_t next, failed = 0;
	int rc;

	if ((rc = ssp_bridge_next_seq(b, &next)) != 0)
		return rc;
	if (next > bt->header.last_seq)
		return already_minted(b, bt);
	for (size_t i = 0; i < n; i++)
		failed += txs[i].state == SSP_TX_FAILED;
	if (failed >= b->cfg.max_chain_failures) {
		ssp_log_crit("batch %lld: %llu of its transactions reverted on chain although "
			     "eth_estimateGas accepted them; retrying every %.0f s", (long long)bt->id,
			     (unsigned long long)failed, b->cfg.retry_delay);
		b->hold_id = bt->id;
		b->hold_until = time(NULL) + (time_t)b->cfg.retry_delay;
		snprintf(b->hold_reason, sizeof b->hold_reason, "reverted on chain %llu times",
			 (unsigned long long)failed);
	}
	/* Send it again from scratch: estimateGas will say why if it would revert. */
	return set_batch(b, bt, SSP_BATCH_SEALED, "its transaction reverted on chain; resubmitting");
}

/* Looks for a receipt of any of bt's txs, newest first. *done = 1 when one was found and
 * handled. */
static int scan_receipts(ssp_bridge *b, ssp_ledger_batch *bt, ssp_ledger_tx *txs, size_t n, int *done)
{
	ssp_errmsg em = { { 0 } };
	char h[67];
	int rc;

	*done = 0;
	for (size_t i = n; i-- > 0;) {
		ssp_rpc_receipt r;

		if (txs[i].state == SSP_TX_FAILED || txs[i].state == SSP_TX_FINAL)
			continue;
		rc = ssp_rpc_get_receipt(b->rpc, txs[i].hash, &r, &em);
		if (rc == SSP_ERR_NOT_FOUND)
			continue;
		if (rc != 0)
			return rc;
		*done = 1;
		if (r.status == 1) {
			ssp_log_info("batch %lld: tx %s mined in block %llu", (long long)bt->id,
				     hex32(txs[i].hash, h), (unsigned long long)r.block_number);
			if ((rc = set_tx(b, &txs[i], SSP_TX_MINED, r.block_number, r.block_hash, NULL)) != 0)
				return rc;
			point(b, "tx-mined");
			return set_batch(b, bt, SSP_BATCH_MINTED, NULL);
		}
		ssp_log_info("batch %lld: tx %s reverted in block %llu", (long long)bt->id,
			     hex32(txs[i].hash, h), (unsigned long long)r.block_number);
		if ((rc = set_tx(b, &txs[i], SSP_TX_FAILED, r.block_number, r.block_hash,
				 "reverted on chain")) != 0)
			return rc;
		txs[i].state = SSP_TX_FAILED;
		return after_revert(b, bt, txs, n);
	}
	return 0;
}

/* Step 2: the batch in flight. */
static int resolve(ssp_bridge *b, ssp_ledger_batch *bt)
{
	ssp_ledger_tx *txs = NULL, *newest;
	ssp_errmsg em = { { 0 } };
	uint64_t latest, next;
	ssp_u256 base, tip, fee;
	int done, mined;
	size_t n = 0;
	int rc;

	if ((rc = ssp_ledger_batch_txs(b->ledger, bt->id, &txs, &n)) != 0)
		return rc;
	if (n == 0) {
		rc = set_batch(b, bt, SSP_BATCH_SEALED, NULL);
		goto out;
	}
	if ((rc = scan_receipts(b, bt, txs, n, &done)) != 0 || done)
		goto out;
	newest = &txs[n - 1];
	if ((rc = ssp_rpc_tx_count(b->rpc, b->addr, "latest", &latest, &em)) != 0)
		goto out;
	if (newest->nonce < latest) {
		/* The nonce is used. A tx of ours mined just now? Look once more. */
		if ((rc = scan_receipts(b, bt, txs, n, &done)) != 0 || done)
			goto out;
		ssp_log_info("batch %lld: nonce %llu was taken by a transaction not in the ledger",
			     (long long)bt->id, (unsigned long long)newest->nonce);
		for (size_t i = 0; i < n; i++)
			if ((txs[i].state == SSP_TX_SIGNED || txs[i].state == SSP_TX_SENT ||
			     txs[i].state == SSP_TX_REPLACED) &&
			    (rc = set_tx(b, &txs[i], SSP_TX_DROPPED, 0, NULL, "nonce taken by another tx")) != 0)
				goto out;
		if ((rc = ssp_bridge_next_seq(b, &next)) != 0)
			goto out;
		if (next > bt->header.last_seq)
			rc = already_minted(b, bt);
		else
			rc = set_batch(b, bt, SSP_BATCH_SEALED, "nonce taken by another transaction; resubmitting");
		goto out;
	}
	if (newest->state == SSP_TX_SIGNED || newest->state == SSP_TX_DROPPED) {
		rc = broadcast(b, bt, newest, 1);
		goto out;
	}
	rc = ssp_rpc_tx_known(b->rpc, newest->hash, &mined, &em);
	if (rc == SSP_ERR_NOT_FOUND) {
		ssp_log_info("batch %lld: the node does not know tx nonce %llu; sending it again",
			     (long long)bt->id, (unsigned long long)newest->nonce);
		rc = broadcast(b, bt, newest, 1);
		goto out;
	}
	if (rc != 0 || mined)
		goto out;
	/* Pending: stuck under the base fee, or pending too long? */
	if ((rc = ssp_bridge_fees(b->rpc, NULL, NULL, &base, &tip, &fee, &em)) != 0)
		goto out;
	if (ssp_u256_cmp(&base, &newest->max_fee) > 0 ||
	    (uint64_t)time(NULL) >= newest->created_at + b->cfg.stuck_after) {
		char t1[SSP_U256_DEC_MAX], t2[SSP_U256_DEC_MAX];

		ssp_log_info("batch %lld: tx nonce %llu pending (base fee %s wei, its max fee %s wei)",
			     (long long)bt->id, (unsigned long long)newest->nonce,
			     ssp_u256_to_dec(&base, t1), ssp_u256_to_dec(&newest->max_fee, t2));
		rc = bump_tx(b, bt, newest);
	}
out:
	ssp_ledger_txs_free(txs, n);
	return rc;
}

/* True when bt must wait for an earlier batch of the project (not FINAL, not FAILED). */
static int earlier_pending(ssp_bridge *b, const ssp_ledger_batch *bt)
{
	static const int states[] = { SSP_BATCH_SEALED, SSP_BATCH_SUBMITTED, SSP_BATCH_MINTED };
	int found = 0;

	for (size_t s = 0; s < 3 && !found; s++) {
		int64_t *ids = NULL;
		size_t n = 0;

		if (ssp_ledger_batches_in_state(b->ledger, b->cfg.project, states[s], &ids, &n) != 0)
			return 1;
		for (size_t i = 0; i < n && !found; i++) {
			ssp_ledger_batch o;

			if (ids[i] == bt->id || ssp_ledger_batch_get(b->ledger, ids[i], &o) != 0)
				continue;
			found = o.header.last_seq < bt->header.first_seq;
			ssp_ledger_batch_clear(&o);
		}
		free(ids);
	}
	return found;
}

/* Step 3: the next SEALED batch, when nothing is in flight. *sent = 1 when one went out. */
static int submit_next(ssp_bridge *b, int *progressed)
{
	ssp_ledger_batch bt;
	ssp_ledger_tx *txs = NULL;
	ssp_errmsg em = { { 0 } };
	uint8_t *data = NULL;
	size_t len, n = 0;
	uint64_t next, gas, pending, lnonce;
	ssp_u256 base, tip, fee;
	ssp_tx tx;
	int rc, live = 0, affordable;

	memset(&tx, 0, sizeof tx);
	*progressed = 0;
	rc = ssp_ledger_batch_next_to_submit(b->ledger, b->cfg.project, &bt);
	if (rc == SSP_ERR_NOT_FOUND)
		return 0;
	if (rc != 0)
		return rc;
	*progressed = 1;
	if (b->hold_id == bt.id && time(NULL) < b->hold_until) {
		ssp_log_debug("batch %lld: held back (%s) for %.0f more s", (long long)bt.id,
			      b->hold_reason, difftime(b->hold_until, time(NULL)));
		b->stats->waiting++;
		*progressed = 0;
		goto out;
	}
	/* A crash between storing a tx and marking the batch SUBMITTED leaves a live tx. */
	if ((rc = ssp_ledger_batch_txs(b->ledger, bt.id, &txs, &n)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		live |= txs[i].state == SSP_TX_SIGNED || txs[i].state == SSP_TX_SENT ||
			txs[i].state == SSP_TX_MINED;
	if (live) {
		if ((rc = set_batch(b, &bt, SSP_BATCH_SUBMITTED, NULL)) == 0) {
			bt.state = SSP_BATCH_SUBMITTED;
			rc = resolve(b, &bt);
		}
		goto out;
	}
	if ((rc = ssp_bridge_next_seq(b, &next)) != 0)
		goto out;
	if (next > bt.header.last_seq) {
		rc = already_minted(b, &bt);
		goto out;
	}
	if ((rc = calldata(&bt, &data, &len)) != 0)
		goto out;
	rc = ssp_rpc_estimate_gas(b->rpc, b->addr, b->cfg.minter, NULL, data, len, &gas, &em);
	if (rc == SSP_ERR_REVERTED) {
		char reason[SSP_LEDGER_REASON_MAX];

		ssp_bridge_revert_reason(b->rpc, reason, sizeof reason);
		if (strncmp(reason, "SeqGap", 6) == 0 && earlier_pending(b, &bt)) {
			ssp_log_info("batch %lld: waiting for an earlier batch (%s)", (long long)bt.id, reason);
			rc = 0;
		} else if (strncmp(reason, "SeqReplayed", 11) == 0 && ssp_bridge_next_seq(b, &next) == 0 &&
			   next > bt.header.last_seq) {
			rc = already_minted(b, &bt);
		} else if (ssp_bridge_revert_is_final(reason)) {
			rc = set_batch(b, &bt, SSP_BATCH_FAILED, reason);
		} else {
			ssp_bridge_hold(b, &bt, reason);
			rc = 0;
		}
		*progressed = 0;
		goto out;
	}
	if (rc == SSP_ERR_RPC && ssp_rpc_last_error(b->rpc) != NULL &&
	    ssp_rpc_classify_send_error(ssp_rpc_last_error(b->rpc)->message) == SSP_SEND_NO_FUNDS) {
		ssp_log_crit("the bridge account %s cannot pay for gas: %s (fund it)", b->addr_text,
			     em.msg);
		b->stats->unpaid = 1;
		*progressed = 0;
		rc = 0;
		goto out;
	}
	if (rc != 0) {
		ssp_log_info("eth_estimateGas failed: %s", em.msg);
		goto out;
	}
	if ((rc = ssp_bridge_fees(b->rpc, &b->cfg.max_fee_cap, &b->cfg.max_tip_cap, &base, &tip, &fee,
				  &em)) != 0) {
		ssp_log_info("fee history unavailable: %s", em.msg);
		goto out;
	}
	if (ssp_u256_cmp(&base, &b->cfg.max_fee_cap) >= 0) {
		char t1[SSP_U256_DEC_MAX], t2[SSP_U256_DEC_MAX];

		ssp_log_info("base fee %s wei is at or above the cap %s wei; waiting",
			     ssp_u256_to_dec(&base, t1), ssp_u256_to_dec(&b->cfg.max_fee_cap, t2));
		*progressed = 0;
		goto out;
	}
	tx.gas = ssp_bridge_headroom(gas, b->cfg.gas_headroom_percent);
	if ((rc = ssp_bridge_check_balance(b, tx.gas, &fee, &affordable)) != 0)
		goto out;
	if (!affordable) {
		*progressed = 0;
		goto out;
	}
	/* The nonce: the chain's pending count (nothing of ours is in flight now). */
	if ((rc = ssp_rpc_tx_count(b->rpc, b->addr, "pending", &pending, &em)) != 0)
		goto out;
	if (ssp_ledger_nonce_get(b->ledger, b->addr, &lnonce) == 0 && lnonce != pending)
		ssp_log_debug("nonce: ledger %llu, chain pending %llu; using the chain's",
			      (unsigned long long)lnonce, (unsigned long long)pending);
	if ((rc = ssp_ledger_nonce_set(b->ledger, b->addr, pending)) != 0)
		goto out;
	if (stopping(b))
		goto out;
	tx.chain_id = b->cfg.chain_id;
	tx.nonce = pending;
	tx.max_priority_fee = tip;
	tx.max_fee = fee;
	memcpy(tx.to, b->cfg.minter, SSP_ADDR_LEN);
	tx.data = data;
	tx.data_len = len;
	rc = store_and_send(b, &bt, &tx);
out:
	free(data);
	ssp_ledger_txs_free(txs, n);
	ssp_ledger_batch_clear(&bt);
	return rc;
}

static int for_state(ssp_bridge *b, int state, int (*fn)(ssp_bridge *, ssp_ledger_batch *))
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ssp_ledger_batches_in_state(b->ledger, b->cfg.project, state, &ids, &n);

	for (size_t i = 0; rc == 0 && i < n && !stopping(b); i++) {
		ssp_ledger_batch bt;

		if ((rc = ssp_ledger_batch_get(b->ledger, ids[i], &bt)) != 0)
			break;
		if (bt.state == state)
			rc = fn(b, &bt);
		ssp_ledger_batch_clear(&bt);
	}
	free(ids);
	return rc;
}

static int count_state(ssp_bridge *b, int state, uint64_t *count)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = ssp_ledger_batches_in_state(b->ledger, b->cfg.project, state, &ids, &n);

	free(ids);
	*count = n;
	return rc;
}

int ssp_bridge_pass(ssp_bridge *b, const volatile sig_atomic_t *stop, ssp_bridge_stats *stats)
{
	ssp_bridge_stats local;
	ssp_errmsg em = { { 0 } };
	uint64_t inflight;
	int rc, progressed;

	memset(&local, 0, sizeof local);
	if (!b->has_key)
		return SSP_ERR_INVAL;
	b->stats = stats ? stats : &local;
	memset(b->stats, 0, sizeof *b->stats);
	b->stop = stop;
	if ((rc = ssp_rpc_block_number(b->rpc, &b->head, &em)) != 0) {
		ssp_log_info("node unreachable: %s", em.msg);
		goto out;
	}
	if ((rc = for_state(b, SSP_BATCH_MINTED, check_minted)) != 0)
		goto out;
	if ((rc = for_state(b, SSP_BATCH_SUBMITTED, resolve)) != 0)
		goto out;
	/* Send the next batch once nothing is in flight; a batch found already minted, or failed,
	 * lets the one after it go in the same pass. */
	for (int i = 0; i < 64 && !stopping(b); i++) {
		if ((rc = count_state(b, SSP_BATCH_SUBMITTED, &inflight)) != 0 || inflight > 0)
			break;
		if ((rc = submit_next(b, &progressed)) != 0 || !progressed)
			break;
	}
out:
	for (int s = SSP_BATCH_SEALED; s <= SSP_BATCH_FAILED; s++)
		if (count_state(b, s, &b->stats->batches[s]) != 0)
			break;
	b->stats = NULL;
	return rc;
}
