/* ssp_bridge_status: the state of the ledger, the batches, the bridge account and the chain,
 * as one JSON document (see ssp_bridge.h; `ssp status` prints it). */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_eip712.h"
#include "ledger/ssp_ledger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Gas assumed per mint for the balance estimate (a mintBatch of a few dozen payouts). */
#define STATUS_MINT_GAS 200000

static json_t *u256_json(const ssp_u256 *v)
{
	char dec[SSP_U256_DEC_MAX];

	return json_string(ssp_u256_to_dec(v, dec));
}

static json_t *addr_json(const uint8_t a[SSP_ADDR_LEN])
{
	char s[SSP_ADDR_STRLEN];

	return json_string(ssp_address_format(a, s));
}

/* An age in seconds since t, or null when t is 0. */
static json_t *age_json(uint64_t t, uint64_t now)
{
	return t == 0 ? json_null() : json_integer(now > t ? (json_int_t)(now - t) : 0);
}

static void problem(json_t *problems, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(json_t *problems, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_string(buf));
}

/* A view call to the minter returning one word. */
static int view_word(ssp_rpc *rpc, const uint8_t minter[SSP_ADDR_LEN], const char *sig,
		     const uint8_t *arg32, uint8_t word[32], ssp_errmsg *em)
{
	uint8_t call[36], *ret = NULL;
	size_t len;
	int rc;

	ssp_abi_selector(sig, call);
	if (arg32 != NULL)
		memcpy(call + 4, arg32, 32);
	rc = ssp_rpc_eth_call(rpc, NULL, minter, call, arg32 ? 36 : 4, "latest", &ret, &len, em);
	if (rc == 0 && (rc = ssp_abi_read_word(ret, len, 0, word)) != 0)
		ssp_errmsg_set(em, rc, "%s returned %zu bytes: is chain.minter right?", sig, len);
	free(ret);
	return rc;
}

static int ledger_part(const ssp_bridge_cfg *cfg, json_t *doc, json_t *problems, uint64_t now,
		       uint64_t *last_final_seq, uint64_t *last_seq, ssp_errmsg *em)
{
	ssp_ledger *l = NULL;
	ssp_ledger_counts c;
	json_t *led, *batches, *failed;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	/* Opening would create a missing ledger: status changes nothing. */
	if (access(cfg->ledger, F_OK) != 0)
		return ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "no ledger at %s ([project] ledger)",
				      cfg->ledger);
	if ((rc = ssp_ledger_open(cfg->ledger, &l)) != 0)
		return ssp_errmsg_set(em, rc, "cannot open the ledger %s: %s", cfg->ledger,
				      ssp_strerror(rc));
	if ((rc = ssp_ledger_summary(l, cfg->project, &c)) != 0) {
		ssp_errmsg_set(em, rc, "reading the ledger %s: %s (%s)", cfg->ledger,
			       ssp_strerror(rc), ssp_ledger_errmsg(l));
		goto out;
	}
	*last_final_seq = c.last_final_seq;
	*last_seq = c.last_seq;
	batches = json_object();
	for (int s = SSP_BATCH_SEALED; s <= SSP_BATCH_FAILED; s++)
		json_object_set_new(batches, ssp_ledger_batch_state_name(s), json_integer((json_int_t)c.batches[s]));
	failed = json_array();
	if ((rc = ssp_ledger_batches_in_state(l, cfg->project, SSP_BATCH_FAILED, &ids, &n)) != 0) {
		ssp_errmsg_set(em, rc, "reading FAILED batches: %s", ssp_strerror(rc));
		json_decref(batches);
		json_decref(failed);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ssp_ledger_batch bt;

		if (ssp_ledger_batch_get(l, ids[i], &bt) != 0)
			continue;
		json_array_append_new(failed, json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)bt.id,
							"first_seq", (json_int_t)bt.header.first_seq,
							"last_seq", (json_int_t)bt.header.last_seq,
							"reason", bt.reason));
		ssp_ledger_batch_clear(&bt);
	}
	if (n > 0)
		problem(problems, "%zu FAILED batch%s: see ledger.failed; fix the cause, then "
			"`ssp requeue ID`", n, n == 1 ? "" : "es");
	led = json_pack("{s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:I,s:I}",
			"path", cfg->ledger, "schema_version", c.schema_version,
			"credits", (json_int_t)c.credits, "credit_total", (json_int_t)c.credit_total,
			"credits_unclaimed", (json_int_t)c.credits_unclaimed,
			"credit_unclaimed", (json_int_t)c.credit_unclaimed,
			"claims", (json_int_t)c.claims, "last_seq", (json_int_t)c.last_seq,
			"claims_unbatched", (json_int_t)c.claims_unbatched,
			"oldest_unbatched_age", age_json(c.oldest_unbatched_at, now),
			"batches", batches, "failed", failed,
			"oldest_pending_batch_age", age_json(c.oldest_pending_sealed_at, now),
			"credit_final", (json_int_t)c.credit_final,
			"last_final_seq", (json_int_t)c.last_final_seq);
	json_object_set_new(doc, "ledger", led);
	if (c.schema_version < ssp_ledger_schema_latest())
		problem(problems, "ledger schema %d, this program's is %d", c.schema_version,
			ssp_ledger_schema_latest());
out:
	free(ids);
	ssp_ledger_close(l);
	return rc;
}

static void chain_part(const ssp_bridge_cfg *cfg, json_t *doc, json_t *problems, uint64_t now,
		       uint64_t last_final_seq, uint64_t last_seq)
{
	ssp_rpc_opts ro;
	ssp_rpc *rpc = NULL;
	ssp_errmsg em = { { 0 } };
	json_t *ch = json_object(), *br = json_object();
	uint8_t acct[SSP_ADDR_LEN], word[32];
	uint64_t chain, head, next, latest, pending;
	ssp_rpc_block blk;
	ssp_u256 bal, base, tip, fee, cost;
	int have_acct;

	json_object_set_new(doc, "chain", ch);
	json_object_set_new(doc, "bridge", br);
	json_object_set_new(ch, "rpc_url", json_string(cfg->rpc_url));
	json_object_set_new(ch, "chain_id_expected", json_integer((json_int_t)cfg->chain_id));
	json_object_set_new(ch, "minter", addr_json(cfg->minter));
	have_acct = ssp_bridge_keystore_address(cfg->keystore, acct) == 0;
	json_object_set_new(br, "address", have_acct ? addr_json(acct) : json_null());
	if (!have_acct)
		problem(problems, "no address in the bridge keystore %s", cfg->keystore);
	memset(&ro, 0, sizeof ro);
	ro.connect_timeout_ms = cfg->rpc_timeout_ms < 5000 ? cfg->rpc_timeout_ms : 5000;
	ro.timeout_ms = cfg->rpc_timeout_ms;
	ro.retries = 1;
	if (ssp_rpc_new(cfg->rpc_url, &ro, &rpc) != 0 || ssp_rpc_chain_id(rpc, &chain, &em) != 0) {
		json_object_set_new(ch, "reachable", json_false());
		problem(problems, "the node at %s does not answer: %s", cfg->rpc_url,
			em.msg[0] ? em.msg : "bad URL");
		goto out;
	}
	json_object_set_new(ch, "reachable", json_true());
	json_object_set_new(ch, "chain_id", json_integer((json_int_t)chain));
	if (chain != cfg->chain_id) {
		problem(problems, "the node is on chain %llu, ssp.conf says %llu",
			(unsigned long long)chain, (unsigned long long)cfg->chain_id);
		goto out;
	}
	if (ssp_rpc_block_number(rpc, &head, &em) == 0 &&
	    ssp_rpc_get_block(rpc, NULL, head, &blk, &em) == 0) {
		json_object_set_new(ch, "head", json_integer((json_int_t)head));
		json_object_set_new(ch, "head_age", age_json(blk.timestamp, now));
	}
	if (view_word(rpc, cfg->minter, "nextSeq(bytes32)", cfg->project, word, &em) == 0 &&
	    ssp_abi_read_u64(word, 32, 0, &next) == 0) {
		json_object_set_new(ch, "next_seq", json_integer((json_int_t)next));
		if (next < last_final_seq + 1)
			problem(problems, "the minter's nextSeq is %llu but the ledger has seq %llu "
				"FINAL: wrong chain.minter, or a reorg deeper than the confirmations",
				(unsigned long long)next, (unsigned long long)last_final_seq);
		if (next > last_seq + 1)
			problem(problems, "the minter's nextSeq is %llu but the ledger's last claim is "
				"seq %llu: the chain minted claims this ledger does not hold (a restored "
				"ledger, or the wrong one): keep the validator stopped "
				"(docs/operations.md, backup and restore)",
				(unsigned long long)next, (unsigned long long)last_seq);
	} else {
		problem(problems, "cannot read nextSeq from the minter: %s", em.msg);
	}
	if (view_word(rpc, cfg->minter, "paused()", NULL, word, &em) == 0) {
		json_object_set_new(ch, "paused", json_boolean(word[31] != 0));
		if (word[31] != 0)
			problem(problems, "minting is paused on the minter");
	}
	if (view_word(rpc, cfg->minter, "totalMinted()", NULL, word, &em) == 0) {
		ssp_u256 t;

		ssp_u256_from_be(&t, word);
		json_object_set_new(ch, "total_minted", u256_json(&t));
	}
	if (cfg->has_validator_signer) {
		uint8_t arg[32] = { 0 };

		memcpy(arg + 12, cfg->validator_signer, SSP_ADDR_LEN);
		json_object_set_new(ch, "validator_signer", addr_json(cfg->validator_signer));
		if (view_word(rpc, cfg->minter, "isSigner(address)", arg, word, &em) == 0) {
			json_object_set_new(ch, "validator_signer_in_set", json_boolean(word[31] != 0));
			if (word[31] == 0)
				problem(problems, "the validator's key is not in the minter's signer set: "
					"its batches cannot be minted");
		}
	}
	if (!have_acct)
		goto out;
	if (ssp_bridge_balance(rpc, acct, &bal, &em) == 0) {
		json_object_set_new(br, "balance_wei", u256_json(&bal));
		if (ssp_bridge_fees(rpc, &cfg->max_fee_cap, &cfg->max_tip_cap, &base, &tip, &fee, &em) == 0 &&
		    ssp_u256_mul_u64(&cost, &fee, STATUS_MINT_GAS) == 0) {
			uint64_t c64, left = UINT64_MAX;
			ssp_u256 q;

			if (ssp_u256_to_u64(&cost, &c64) == 0 && c64 != 0 &&
			    ssp_u256_divmod_u64(&q, &bal, c64, NULL) == 0 && ssp_u256_to_u64(&q, &left) != 0)
				left = UINT64_MAX;
			json_object_set_new(br, "max_fee_per_gas_wei", u256_json(&fee));
			json_object_set_new(br, "mints_affordable_estimate", json_integer(
				left > INT64_MAX ? INT64_MAX : (json_int_t)left));
			if (left < cfg->low_balance_batches)
				problem(problems, "the bridge account pays for about %llu more mints "
					"(%d gas each at the current max fee): fund it",
					(unsigned long long)left, STATUS_MINT_GAS);
		}
	}
	if (ssp_rpc_tx_count(rpc, acct, "latest", &latest, &em) == 0 &&
	    ssp_rpc_tx_count(rpc, acct, "pending", &pending, &em) == 0) {
		json_object_set_new(br, "nonce_latest", json_integer((json_int_t)latest));
		json_object_set_new(br, "nonce_pending", json_integer((json_int_t)pending));
	}
out:
	ssp_rpc_free(rpc);
}

int ssp_bridge_status(const ssp_bridge_cfg *cfg, json_t **out, ssp_errmsg *em)
{
	json_t *doc, *problems;
	uint64_t now = (uint64_t)time(NULL), last_final_seq = 0, last_seq = 0;
	char pid[67];
	int rc;

	*out = NULL;
	doc = json_object();
	problems = json_array();
	if (doc == NULL || problems == NULL) {
		json_decref(doc);
		json_decref(problems);
		return SSP_ERR_NOMEM;
	}
	json_object_set_new(doc, "time", json_integer((json_int_t)now));
	json_object_set_new(doc, "project", json_pack("{s:s,s:s}", "master_url", cfg->master_url,
						      "id", ssp_hex_encode(cfg->project, 32, pid, 1)));
	if ((rc = ledger_part(cfg, doc, problems, now, &last_final_seq, &last_seq, em)) != 0) {
		json_decref(doc);
		json_decref(problems);
		return rc;
	}
	chain_part(cfg, doc, problems, now, last_final_seq, last_seq);
	json_object_set_new(doc, "problems", problems);
	*out = doc;
	return 0;
}
