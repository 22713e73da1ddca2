/* The bridge's guards: holding a batch after a revert that can succeed later, the balance
 * check before a mint, and the admin's safe requeue of a FAILED batch (see ssp_bridge.h). */
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_hex.h"
#include "ledger/ssp_ledger.h"
#include "core/ssp_log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* See ssp_bridge_int.h. */
void ssp_bridge_hold(ssp_bridge *b, const ssp_ledger_batch *bt, const char *reason)
{
	const char *why = "";

	if (strncmp(reason, "EnforcedPause", 13) == 0)
		why = "the minter is paused; ";
	else if (strncmp(reason, "AccessControlUnauthorizedAccount", 32) == 0)
		why = "the minter lacks a role it needs (the token's MINTER_ROLE?); ";
	if (b->hold_id != bt->id || strcmp(b->hold_reason, reason) != 0)
		ssp_log_info("batch %lld: would revert with %s: %sthis can succeed later; waiting "
			     "(retry every %.0f s)", (long long)bt->id, reason, why, b->cfg.retry_delay);
	else
		ssp_log_debug("batch %lld: still %s; waiting", (long long)bt->id, reason);
	b->hold_id = bt->id;
	b->hold_until = time(NULL) + (time_t)b->cfg.retry_delay;
	snprintf(b->hold_reason, sizeof b->hold_reason, "%s", reason);
	b->stats->waiting++;
}

/* See ssp_bridge_int.h. */
int ssp_bridge_check_balance(ssp_bridge *b, uint64_t gas, const ssp_u256 *max_fee, int *ok)
{
	ssp_u256 cost, need;
	ssp_errmsg em = { { 0 } };
	char t1[SSP_U256_DEC_MAX], t2[SSP_U256_DEC_MAX];
	int rc;

	*ok = 0;
	if ((rc = ssp_bridge_balance(b->rpc, b->addr, &b->stats->balance, &em)) != 0) {
		ssp_log_info("cannot read the bridge account's balance: %s", em.msg);
		return rc;
	}
	b->stats->have_balance = 1;
	if (ssp_u256_mul_u64(&cost, max_fee, gas) != 0)
		memset(&cost, 0xff, sizeof cost);
	if (ssp_u256_cmp(&b->stats->balance, &cost) < 0) {
		ssp_log_crit("the bridge account %s holds %s wei; the next mint may cost up to %s wei "
			     "(gas %llu x max fee): fund it; nothing is sent until then", b->addr_text,
			     ssp_u256_to_dec(&b->stats->balance, t1), ssp_u256_to_dec(&cost, t2),
			     (unsigned long long)gas);
		b->stats->unpaid = 1;
		b->stats->low_balance = 1;
		b->warned_balance = 1;
		return 0;
	}
	*ok = 1;
	if (ssp_u256_mul_u64(&need, &cost, b->cfg.low_balance_batches) != 0)
		memset(&need, 0xff, sizeof need);
	if (ssp_u256_cmp(&b->stats->balance, &need) < 0) {
		ssp_u256 n;
		uint64_t left = 0, c64;

		b->stats->low_balance = 1;
		/* cost fits in 64 bits at any realistic fee; otherwise "about 0" is right. */
		if (ssp_u256_to_u64(&cost, &c64) == 0 && c64 != 0 &&
		    ssp_u256_divmod_u64(&n, &b->stats->balance, c64, NULL) == 0 &&
		    ssp_u256_to_u64(&n, &left) != 0)
			left = UINT64_MAX;
		if (!b->warned_balance)
			ssp_log_crit("the bridge account %s is running low: %s wei pays for about %llu "
				     "more mints at the current fees (warning below %llu): fund it",
				     b->addr_text, ssp_u256_to_dec(&b->stats->balance, t1),
				     (unsigned long long)left, (unsigned long long)b->cfg.low_balance_batches);
		b->warned_balance = 1;
	} else {
		b->warned_balance = 0;
	}
	return 0;
}

int ssp_bridge_requeue(ssp_bridge *b, int64_t id, ssp_errmsg *em)
{
	ssp_ledger_batch bt;
	ssp_ledger_tx *txs = NULL;
	char reason[SSP_LEDGER_REASON_MAX], h[67];
	uint64_t next;
	size_t n = 0;
	int rc;

	if ((rc = ssp_ledger_batch_get(b->ledger, id, &bt)) != 0) {
		if (rc == SSP_ERR_NOT_FOUND)
			return ssp_errmsg_set(em, rc, "no batch %lld in the ledger", (long long)id);
		return ssp_errmsg_set(em, rc, "reading batch %lld: %s (%s)", (long long)id,
				      ssp_strerror(rc), ssp_ledger_errmsg(b->ledger));
	}
	if (memcmp(bt.header.project, b->cfg.project, 32) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "batch %lld belongs to another project "
				    "than %s", (long long)id, b->cfg.master_url);
		goto out;
	}
	if (bt.state != SSP_BATCH_FAILED) {
		rc = ssp_errmsg_set(em, SSP_ERR_STATE, "batch %lld is %s, not FAILED: nothing to "
				    "requeue", (long long)id, ssp_ledger_batch_state_name(bt.state));
		goto out;
	}
	if ((rc = ssp_ledger_batch_txs(b->ledger, id, &txs, &n)) != 0) {
		ssp_errmsg_set(em, rc, "reading the transactions of batch %lld: %s", (long long)id,
			       ssp_strerror(rc));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (txs[i].state == SSP_TX_MINED || txs[i].state == SSP_TX_FINAL) {
			rc = ssp_errmsg_set(em, SSP_ERR_STATE, "batch %lld was minted by its "
					    "transaction %s (block %llu): refusing to requeue it",
					    (long long)id, ssp_hex_encode(txs[i].hash, 32, h, 1),
					    (unsigned long long)txs[i].block_number);
			goto out;
		}
	if ((rc = ssp_bridge_next_seq(b, &next)) != 0) {
		ssp_errmsg_set(em, rc, "cannot read nextSeq from the minter %s: the chain must be "
			       "reachable to requeue", b->cfg.rpc_url);
		goto out;
	}
	if (next > bt.header.first_seq) {
		rc = ssp_errmsg_set(em, SSP_ERR_STATE, "the minter's nextSeq is %llu: seq %llu..%llu "
				    "of batch %lld %s already minted; refusing to requeue it",
				    (unsigned long long)next, (unsigned long long)bt.header.first_seq,
				    (unsigned long long)bt.header.last_seq, (long long)id,
				    next > bt.header.last_seq ? "were" : "were partly");
		goto out;
	}
	snprintf(reason, sizeof reason, "requeued by the admin (was FAILED: %.200s)", bt.reason);
	if ((rc = ssp_ledger_batch_set_state(b->ledger, id, SSP_BATCH_SEALED, reason)) != 0) {
		ssp_errmsg_set(em, rc, "batch %lld: FAILED -> SEALED: %s (%s)", (long long)id,
			       ssp_strerror(rc), ssp_ledger_errmsg(b->ledger));
		goto out;
	}
	ssp_log_info("batch %lld (seq %llu..%llu): FAILED -> SEALED: %s", (long long)id,
		     (unsigned long long)bt.header.first_seq, (unsigned long long)bt.header.last_seq,
		     reason);
out:
	ssp_ledger_txs_free(txs, n);
	ssp_ledger_batch_clear(&bt);
	return rc;
}
