/* Fee estimation and revert decoding shared by the bridge and `ssp deploy`. */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ssp_bridge_fees(ssp_rpc *rpc, const ssp_u256 *fee_cap, const ssp_u256 *tip_cap,
		    ssp_u256 *base, ssp_u256 *tip, ssp_u256 *max_fee, ssp_errmsg *em)
{
	ssp_u256 min_tip, two_base;
	int rc;

	rc = ssp_rpc_fee_history(rpc, SSP_BRIDGE_FEE_BLOCKS, SSP_BRIDGE_FEE_PERCENTILE, base, tip, em);
	if (rc != 0)
		return rc;
	ssp_u256_from_u64(&min_tip, SSP_BRIDGE_MIN_TIP);
	if (ssp_u256_cmp(tip, &min_tip) < 0)
		*tip = min_tip;
	if (tip_cap != NULL && ssp_u256_cmp(tip, tip_cap) > 0)
		*tip = *tip_cap;
	if (ssp_u256_add(&two_base, base, base) != 0 || ssp_u256_add(max_fee, &two_base, tip) != 0)
		return ssp_errmsg_set(em, SSP_ERR_RANGE, "base fee out of range");
	if (fee_cap != NULL && ssp_u256_cmp(max_fee, fee_cap) > 0)
		*max_fee = *fee_cap;
	if (ssp_u256_cmp(tip, max_fee) > 0)
		*tip = *max_fee;
	return 0;
}

void ssp_bridge_bump(const ssp_u256 *v, ssp_u256 *out)
{
	ssp_u256 q;
	uint64_t rem;

	/* by 8: cannot fail; q + 1 <= v / 8 + 1 cannot overflow */
	(void)!ssp_u256_divmod_u64(&q, v, 8, &rem);
	if (rem != 0) {
		ssp_u256 one;

		ssp_u256_from_u64(&one, 1);
		(void)!ssp_u256_add(&q, &q, &one);
	}
	if (ssp_u256_add(out, v, &q) != 0)
		memset(out, 0xff, sizeof *out);
}

void ssp_bridge_revert_reason(ssp_rpc *rpc, char *out, size_t cap)
{
	const ssp_rpc_error *e = ssp_rpc_last_error(rpc);
	uint8_t *data = NULL;
	size_t len = 0;

	if (ssp_rpc_error_data(rpc, &data, &len) == 0) {
		if (ssp_abi_describe_revert(data, len, ssp_bridge_error_sigs, ssp_bridge_nerror_sigs, out, cap) != 0)
			snprintf(out, cap, "revert data that cannot be described (%zu bytes)", len);
		free(data);
		return;
	}
	snprintf(out, cap, "%s", e ? e->message : "execution reverted");
}

uint64_t ssp_bridge_headroom(uint64_t gas, uint64_t pct)
{
	unsigned __int128 g = (unsigned __int128)gas * (100 + pct) / 100;

	return g > UINT64_MAX ? UINT64_MAX : (uint64_t)g;
}

int ssp_bridge_revert_is_final(const char *reason)
{
	/* The errors a signed batch can never get past: what was signed is wrong for the
	 * contract (signatures, seq, payouts, totals) or larger than it will ever allow. */
	static const char *const final[] = {
		"InsufficientSignatures(", "InvalidSignatureLength(", "SignatureHighS(",
		"InvalidSignature(", "NotSigner(", "SignersNotAscending(", "SeqGap(",
		"SeqReplayed(", "InvalidSeqRange(", "PayoutsHashMismatch(", "PayoutsNotSorted(",
		"TotalCreditMismatch(", "BatchCreditTooLarge(", "MiningCapExceeded(",
		"ERC20ExceededCap(", "InvalidPayout(", "ERC20InvalidReceiver(",
		"ECDSAInvalidSignature(", "ECDSAInvalidSignatureLength(", "ECDSAInvalidSignatureS(",
	};

	if (reason == NULL)
		return 0;
	for (size_t i = 0; i < sizeof final / sizeof final[0]; i++)
		if (strncmp(reason, final[i], strlen(final[i])) == 0)
			return 1;
	return 0;
}

int ssp_bridge_error_is_transient(int rc)
{
	return rc == SSP_ERR_NET || rc == SSP_ERR_TIMEOUT || rc == SSP_ERR_PARSE ||
	       rc == SSP_ERR_RPC || rc == SSP_ERR_TOO_BIG || rc == SSP_ERR_BUSY;
}

int ssp_bridge_balance(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], ssp_u256 *wei,
		       ssp_errmsg *em)
{
	json_t *params, *res = NULL;
	int rc;

	params = json_pack("[o,s]", ssp_rpc_data_json(addr, SSP_ADDR_LEN), "pending");
	if (params == NULL)
		return SSP_ERR_NOMEM;
	if ((rc = ssp_rpc_call(rpc, "eth_getBalance", params, &res, em)) != 0)
		return rc;
	if ((rc = ssp_rpc_quantity_u256(res, wei)) != 0)
		ssp_errmsg_set(em, rc, "eth_getBalance: not a quantity");
	json_decref(res);
	return rc;
}
