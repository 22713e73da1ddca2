/* `ssp deploy`: SSPToken and ShareMinter deployed with our own EIP-1559 transactions. */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "core/ssp_log.h"
#include "eth/ssp_tx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BIN_FILE (1u << 20)

/* See ssp_bridge_int.h. */
int ssp_bridge_read_bin(const char *dir, const char *name, uint8_t **out, size_t *len, ssp_errmsg *em)
{
	char path[SSP_BRIDGE_PATH_MAX + 64], *text = NULL, *s, *e;
	size_t tl;
	int rc;

	*out = NULL;
	*len = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((rc = ssp_file_read(path, MAX_BIN_FILE, &text, &tl)) != 0)
		return ssp_errmsg_set(em, rc, "cannot read %s: %s", path, ssp_strerror(rc));
	s = text;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (strncmp(s, "0x", 2) == 0)
		s += 2;
	*out = malloc(strlen(s) / 2 + 1);
	if (*out == NULL) {
		rc = SSP_ERR_NOMEM;
	} else if (s[0] == '\0' || (rc = ssp_hex_decode(s, *out, strlen(s) / 2 + 1, len)) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s is not hex bytecode", path);
		free(*out);
		*out = NULL;
	}
	free(text);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct sender {
	ssp_rpc *rpc;
	const uint8_t *seckey;
	uint8_t from[SSP_ADDR_LEN];
	uint64_t chain_id;
	uint64_t nonce;
	uint64_t headroom;
	const ssp_u256 *fee_cap;
	long timeout_s;
};

/* Estimates, signs with the next nonce, sends and waits for a successful receipt. */
static int send_and_wait(struct sender *s, const uint8_t *to, const uint8_t *data, size_t len,
			 const char *what, ssp_rpc_receipt *rcpt, uint8_t hash[32], ssp_errmsg *em)
{
	ssp_tx tx;
	uint8_t *raw = NULL;
	size_t rawlen;
	ssp_u256 base;
	uint64_t gas;
	time_t start;
	int rc;

	memset(&tx, 0, sizeof tx);
	rc = ssp_rpc_estimate_gas(s->rpc, s->from, to, NULL, data, len, &gas, em);
	if (rc == SSP_ERR_REVERTED) {
		char reason[256];

		ssp_bridge_revert_reason(s->rpc, reason, sizeof reason);
		return ssp_errmsg_set(em, rc, "%s would revert: %s", what, reason);
	}
	if (rc != 0)
		return rc;
	if ((rc = ssp_bridge_fees(s->rpc, s->fee_cap, NULL, &base, &tx.max_priority_fee,
				  &tx.max_fee, em)) != 0)
		return rc;
	tx.chain_id = s->chain_id;
	tx.nonce = s->nonce;
	tx.gas = ssp_bridge_headroom(gas, s->headroom);
	tx.create = to == NULL;
	if (to != NULL)
		memcpy(tx.to, to, SSP_ADDR_LEN);
	tx.data = data;
	tx.data_len = len;
	if ((rc = ssp_tx_sign(&tx, s->seckey, &raw, &rawlen, hash)) != 0)
		return ssp_errmsg_set(em, rc, "%s: cannot sign", what);
	rc = ssp_rpc_send_raw(s->rpc, raw, rawlen, NULL, em);
	if (rc == SSP_ERR_RPC && ssp_rpc_classify_send_error(ssp_rpc_last_error(s->rpc)->message) ==
				     SSP_SEND_ALREADY_KNOWN)
		rc = 0;
	free(raw);
	if (rc != 0)
		return rc;
	s->nonce++;
	start = time(NULL);
	for (;;) {
		rc = ssp_rpc_get_receipt(s->rpc, hash, rcpt, em);
		if (rc == 0)
			break;
		if (rc != SSP_ERR_NOT_FOUND && rc != SSP_ERR_NET && rc != SSP_ERR_TIMEOUT)
			return rc;
		if (time(NULL) - start > s->timeout_s)
			return ssp_errmsg_set(em, SSP_ERR_TIMEOUT, "%s: no receipt after %ld s", what,
					      s->timeout_s);
		sleep_ms(250);
	}
	if (rcpt->status != 1)
		return ssp_errmsg_set(em, SSP_ERR_REVERTED, "%s reverted in block %llu", what,
				      (unsigned long long)rcpt->block_number);
	ssp_log_info("deploy: %s mined in block %llu", what, (unsigned long long)rcpt->block_number);
	return 0;
}

/* init code ‖ abi.encode(args); the encoded arguments are kept in *enc (owned by caller). */
static int init_code(const uint8_t *bin, size_t blen, const ssp_abi_val *args, size_t nargs,
		     uint8_t **out, size_t *len, uint8_t **enc, size_t *elen)
{
	ssp_abi_val top;
	int rc;

	*out = NULL;
	*enc = NULL;
	ssp_abi_tuple(&top, args, nargs);
	if ((rc = ssp_abi_encode(&top, NULL, enc, elen)) != 0)
		return rc;
	*out = malloc(blen + *elen);
	if (*out == NULL)
		return SSP_ERR_NOMEM;
	memcpy(*out, bin, blen);
	memcpy(*out + blen, *enc, *elen);
	*len = blen + *elen;
	return 0;
}

void ssp_deploy_result_clear(ssp_deploy_result *r)
{
	if (r == NULL)
		return;
	free(r->token_args);
	free(r->minter_args);
	memset(r, 0, sizeof *r);
}

int ssp_bridge_deploy(const ssp_deploy_params *p, const uint8_t seckey[32],
		      ssp_deploy_result *out, ssp_errmsg *em)
{
	ssp_rpc_opts ro = { 5000, 30000, 0, 2 };
	struct sender s;
	ssp_rpc *rpc = NULL;
	ssp_rpc_receipt rc_token, rc_minter, rc_grant;
	uint8_t *tbin = NULL, *mbin = NULL, *code = NULL, *call = NULL, expect[SSP_ADDR_LEN];
	uint8_t role[32], sel[4];
	size_t tlen, mlen, clen, calllen;
	ssp_abi_val targs[1], margs[7], *sv = NULL, gargs[2], gtop;
	ssp_u256 max64;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	ssp_u256_from_u64(&max64, UINT64_MAX);
	if (p == NULL || p->rpc_url == NULL || p->contracts_dir == NULL || p->nsigners == 0 ||
	    p->nsigners > 255 || p->threshold < 1 || p->threshold > p->nsigners ||
	    ssp_u256_is_zero(&p->rate) || ssp_u256_cmp(&p->rate, &max64) > 0 ||
	    p->max_batch_credit == 0)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "deploy: invalid parameters (signers 1..255, "
				      "threshold 1..signers, rate 1..2^64-1, max batch credit >= 1)");
	sv = calloc(p->nsigners, sizeof *sv);
	if (sv == NULL)
		return SSP_ERR_NOMEM;
	if ((rc = ssp_bridge_read_bin(p->contracts_dir, "SSPToken.bin", &tbin, &tlen, em)) != 0 ||
	    (rc = ssp_bridge_read_bin(p->contracts_dir, "ShareMinter.bin", &mbin, &mlen, em)) != 0)
		goto out;
	if ((rc = ssp_key_address(seckey, out->deployer)) != 0) {
		ssp_errmsg_set(em, rc, "deploy: invalid key");
		goto out;
	}
	if ((rc = ssp_rpc_new(p->rpc_url, &ro, &rpc)) != 0) {
		ssp_errmsg_set(em, rc, "deploy: bad RPC URL");
		goto out;
	}
	if ((rc = ssp_rpc_chain_id(rpc, &out->chain_id, em)) != 0)
		goto out;
	s.rpc = rpc;
	s.seckey = seckey;
	memcpy(s.from, out->deployer, SSP_ADDR_LEN);
	s.chain_id = out->chain_id;
	s.headroom = p->gas_headroom_percent ? p->gas_headroom_percent : 25;
	s.fee_cap = p->max_fee_cap;
	s.timeout_s = p->timeout_s > 0 ? p->timeout_s : 300;
	if ((rc = ssp_rpc_tx_count(rpc, s.from, "pending", &s.nonce, em)) != 0)
		goto out;

	/* SSPToken(admin) */
	ssp_abi_address(&targs[0], out->deployer);
	if ((rc = init_code(tbin, tlen, targs, 1, &code, &clen, &out->token_args,
			     &out->token_args_len)) != 0)
		goto out;
	if ((rc = ssp_tx_create_address(s.from, s.nonce, expect)) != 0 ||
	    (rc = send_and_wait(&s, NULL, code, clen, "SSPToken deployment", &rc_token,
				out->token_tx, em)) != 0)
		goto out;
	if (!rc_token.has_contract || memcmp(rc_token.contract, expect, SSP_ADDR_LEN) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH, "deploy: SSPToken address not as expected");
		goto out;
	}
	memcpy(out->token, rc_token.contract, SSP_ADDR_LEN);
	out->token_block = rc_token.block_number;
	memcpy(out->token_block_hash, rc_token.block_hash, 32);
	free(code);
	code = NULL;

	/* ShareMinter(token, admin, guardian, signers, threshold, rate, maxBatchCredit) */
	ssp_abi_address(&margs[0], out->token);
	ssp_abi_address(&margs[1], out->deployer);
	ssp_abi_address(&margs[2], p->guardian);
	for (size_t i = 0; i < p->nsigners; i++)
		ssp_abi_address(&sv[i], p->signers[i]);
	ssp_abi_array(&margs[3], sv, p->nsigners);
	ssp_abi_u64(&margs[4], p->threshold);
	ssp_abi_u256(&margs[5], &p->rate);
	ssp_abi_u64(&margs[6], p->max_batch_credit);
	if ((rc = init_code(mbin, mlen, margs, 7, &code, &clen, &out->minter_args,
			     &out->minter_args_len)) != 0)
		goto out;
	if ((rc = ssp_tx_create_address(s.from, s.nonce, expect)) != 0 ||
	    (rc = send_and_wait(&s, NULL, code, clen, "ShareMinter deployment", &rc_minter,
				out->minter_tx, em)) != 0)
		goto out;
	if (!rc_minter.has_contract || memcmp(rc_minter.contract, expect, SSP_ADDR_LEN) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH, "deploy: ShareMinter address not as expected");
		goto out;
	}
	memcpy(out->minter, rc_minter.contract, SSP_ADDR_LEN);
	out->minter_block = rc_minter.block_number;
	memcpy(out->minter_block_hash, rc_minter.block_hash, 32);

	/* token.grantRole(MINTER_ROLE, minter) */
	ssp_keccak256("MINTER_ROLE", 11, role);
	ssp_abi_bytes32(&gargs[0], role);
	ssp_abi_address(&gargs[1], out->minter);
	ssp_abi_tuple(&gtop, gargs, 2);
	ssp_abi_selector("grantRole(bytes32,address)", sel);
	if ((rc = ssp_abi_encode(&gtop, sel, &call, &calllen)) != 0)
		goto out;
	rc = send_and_wait(&s, out->token, call, calllen, "MINTER_ROLE grant", &rc_grant,
			   out->grant_tx, em);
	if (rc == 0) {
		out->grant_block = rc_grant.block_number;
		memcpy(out->grant_block_hash, rc_grant.block_hash, 32);
	}
out:
	ssp_rpc_free(rpc);
	free(tbin);
	free(mbin);
	free(code);
	free(call);
	free(sv);
	return rc;
}
