/* Internals shared by lib/ssp_bridge*.c (not an API). */
#ifndef SSP_BRIDGE_INT_H
#define SSP_BRIDGE_INT_H

#include "core/ssp_err.h"

#include "bridge/ssp_bridge.h"
#include "eth/ssp_rpc.h"
#include "ledger/ssp_ledger.h"

#include <time.h>

/* Tips below this are raised to it (1 gwei), within the tip cap. */
#define SSP_BRIDGE_MIN_TIP 1000000000ULL
/* Blocks of eth_feeHistory and the reward percentile used for the tip. */
#define SSP_BRIDGE_FEE_BLOCKS 10
#define SSP_BRIDGE_FEE_PERCENTILE 50.0

/* Fees for a new transaction: *base = the next block's base fee, *tip = the median recent
 * tip (at least SSP_BRIDGE_MIN_TIP) capped by tip_cap, *max_fee = 2 * base + tip capped by
 * fee_cap (caps may be NULL), and tip ≤ max_fee. */
SSP_MUST_CHECK int ssp_bridge_fees(ssp_rpc *rpc, const ssp_u256 *fee_cap, const ssp_u256 *tip_cap,
		    ssp_u256 *base, ssp_u256 *tip, ssp_u256 *max_fee, ssp_errmsg *em);

/* v + ceil(v / 8): the smallest fee a replacement must offer (12.5 % more). */
void ssp_bridge_bump(const ssp_u256 *v, ssp_u256 *out);

/* After ssp_rpc returned SSP_ERR_REVERTED: the decoded revert ("SeqGap(0x.., 3, 5)") in out. */
void ssp_bridge_revert_reason(ssp_rpc *rpc, char *out, size_t cap);

/* The balance of addr (wei, "pending" tag) into *wei. ssp_rpc_call's errors. */
SSP_MUST_CHECK int ssp_bridge_balance(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], ssp_u256 *wei,
		       ssp_errmsg *em);

/* The plain "address" member of keystore file path (no password needed) into addr.
 * SSP_ERR_NOT_FOUND when it has none, or the errors of reading the file. */
SSP_MUST_CHECK int ssp_bridge_keystore_address(const char *path, uint8_t addr[SSP_ADDR_LEN]);

/* Reads dir/name (hex bytecode text, optional 0x, surrounding whitespace; at most 1 MiB)
 * into new bytes *out. SSP_ERR_NOT_FOUND/IO/TOO_BIG/PARSE, em names the file. */
SSP_MUST_CHECK int ssp_bridge_read_bin(const char *dir, const char *name, uint8_t **out, size_t *len,
			ssp_errmsg *em);

/* gas * (100 + pct) / 100, saturating. */
uint64_t ssp_bridge_headroom(uint64_t gas, uint64_t pct);

/* The bridge handle (ssp_bridge.c, ssp_bridge_guard.c). */
struct ssp_bridge {
	ssp_bridge_cfg cfg;
	uint8_t seckey[32];
	uint8_t addr[SSP_ADDR_LEN];
	char addr_text[SSP_ADDR_STRLEN];
	ssp_ledger *ledger;
	ssp_rpc *rpc;
	const volatile sig_atomic_t *stop;
	ssp_bridge_stats *stats;
	uint64_t head;            /* latest block number, read at the start of a pass */
	/* The batch held back by a revert that can succeed later, until when, and why. */
	int64_t hold_id;
	time_t hold_until;
	char hold_reason[SSP_LEDGER_REASON_MAX];
	int warned_balance;       /* the low-balance warning was logged (once per low spell) */
	int has_key;              /* 0: an admin's handle (requeue), no passes */
	ssp_bridge_hook hook;
	void *hook_ctx;
};

/* nextSeq(project) from the minter at the latest block (logged when it fails). */
SSP_MUST_CHECK int ssp_bridge_next_seq(ssp_bridge *b, uint64_t *seq);
/* Holds batch bt back for cfg.retry_delay after a revert (reason) that can succeed later,
 * logging it once per cause; counts it in stats.waiting. */
void ssp_bridge_hold(ssp_bridge *b, const ssp_ledger_batch *bt, const char *reason);
/* Whether the account's balance pays gas × max_fee for the next tx (*ok = 1); below it logs,
 * sets stats.unpaid and *ok = 0; below cfg.low_balance_batches such txs it warns once per
 * low spell. Fills stats.balance. The RPC errors of the balance read. */
SSP_MUST_CHECK int ssp_bridge_check_balance(ssp_bridge *b, uint64_t gas, const ssp_u256 *max_fee, int *ok);

#endif
