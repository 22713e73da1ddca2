/* bridge_testutil: helpers for the bridge's integration tests (tests/integration/4*.sh).
 * Not installed.
 *
 *   seal   --ledger L --master-url U --chain-id N --minter ADDR --key HEX --claims N
 *          [--users U] [--batch-size S] [--first-result R]
 *       adds N credits (results R.., users 1..U round-robin), claims them for each user
 *       (beneficiary 0x5500..00<user>) signed by KEY, and seals batches of S claims signed
 *       by KEY. Prints "batches B", "credit C" and "payout ADDR CREDIT" per beneficiary.
 *   status --ledger L --master-url U
 *       prints "SEALED n", …, "FAILED n", "credit_final C", "txs N", "reason <id> <text>".
 *   calldata --ledger L --batch ID   prints the mintBatch calldata of batch ID
 *   txs    --ledger L           prints "tx BATCH HASH NONCE MAX_FEE TIP STATE" for every tx
 *   rpc URL ADDR                 prints chain_id, block_number, block, nonces, fees
 *   send URL KEYHEX TO WEI       signs and sends a value transfer; prints hash, waits, prints
 *                                status and block
 *   call URL TO DATAHEX          eth_call; prints the return data or the decoded revert
 *   keystore FILE PWFILE KEYHEX  writes KEYHEX as a keystore v3 with a light scrypt cost
 *   errors                       prints the revert-error signatures the bridge decodes
 */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_hex.h"
#include "core/ssp_file.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_keystore.h"
#include "ledger/ssp_ledger.h"
#include "eth/ssp_rpc.h"
#include "eth/ssp_tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


struct signer {
	ssp_domain dom;
	uint8_t key[32];
};

static int sign_claim(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	struct signer *s = ctx;
	uint8_t d[32];

	ssp_eip712_claim_digest(&s->dom, c, d);
	return ssp_sign(s->key, d, sig);
}

static int sign_batch(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	struct signer *s = ctx;
	uint8_t d[32];

	ssp_eip712_batch_digest(&s->dom, b, d);
	return ssp_sign(s->key, d, sig);
}

static const char *opt(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	if (def == NULL) {
		fprintf(stderr, "testutil: missing %s\n", name);
		exit(2);
	}
	return def;
}

static void die(const char *what, int rc, const char *detail)
{
	fprintf(stderr, "testutil: %s: %s %s\n", what, ssp_strerror(rc), detail ? detail : "");
	exit(1);
}

static int cmd_seal(int argc, char **argv)
{
	struct signer s;
	ssp_ledger *l = NULL;
	uint8_t project[32], addr[20];
	uint64_t nclaims = strtoull(opt(argc, argv, "--claims", NULL), NULL, 10);
	uint64_t users = strtoull(opt(argc, argv, "--users", "3"), NULL, 10);
	uint64_t bsize = strtoull(opt(argc, argv, "--batch-size", "10"), NULL, 10);
	uint64_t first = strtoull(opt(argc, argv, "--first-result", "1"), NULL, 10);
	uint64_t total = 0, nb = 0;
	int rc;

	memset(&s, 0, sizeof s);
	s.dom.chain_id = strtoull(opt(argc, argv, "--chain-id", NULL), NULL, 10);
	if (ssp_address_parse(opt(argc, argv, "--minter", NULL), s.dom.contract) != 0 ||
	    ssp_hex_decode_exact(opt(argc, argv, "--key", NULL), s.key, 32) != 0 ||
	    ssp_key_address(s.key, addr) != 0 || users == 0 || bsize == 0)
		die("seal", SSP_ERR_INVAL, "bad --minter, --key, --users or --batch-size");
	ssp_project_id(opt(argc, argv, "--master-url", NULL), project);
	if ((rc = ssp_ledger_open(opt(argc, argv, "--ledger", NULL), &l)) != 0)
		die("ledger", rc, NULL);
	for (uint64_t i = 0; i < nclaims; i++) {
		ssp_credit c;
		uint64_t r = first + i;
		char text[32];

		memset(&c, 0, sizeof c);
		memcpy(c.project, project, 32);
		c.result_id = r;
		c.workunit_id = 1000000 + r;
		c.user_id = 1 + r % users;
		c.host_id = 500 + c.user_id;
		c.credit = 1000000 + (r % 97) * 12345;
		snprintf(text, sizeof text, "result %llu", (unsigned long long)r);
		ssp_keccak256(text, strlen(text), c.result_digest);
		c.granted_at = 1700000000 + r;
		if ((rc = ssp_ledger_add_credit(l, &c, NULL)) != 0)
			die("add_credit", rc, ssp_ledger_errmsg(l));
		total += c.credit;
	}
	for (uint64_t u = 1; u <= users; u++) {
		uint8_t ben[20] = { 0x55 };

		ssp_be64_put(ben + 12, u);
		if ((rc = ssp_ledger_claim_credits(l, project, u, ben, sign_claim, &s, NULL)) != 0)
			die("claim_credits", rc, ssp_ledger_errmsg(l));
	}
	for (;;) {
		int64_t id = 0;

		if ((rc = ssp_ledger_seal_batch(l, project, (size_t)bsize, addr, sign_batch, &s, &id)) != 0)
			die("seal_batch", rc, ssp_ledger_errmsg(l));
		if (id == 0)
			break;
		nb++;
	}
	printf("batches %llu\ncredit %llu\n", (unsigned long long)nb, (unsigned long long)total);
	ssp_ledger_close(l);
	ssp_wipe(s.key, 32);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	ssp_ledger *l = NULL;
	uint8_t project[32];
	uint64_t final_credit = 0, ntx = 0;
	int rc;

	ssp_project_id(opt(argc, argv, "--master-url", NULL), project);
	if ((rc = ssp_ledger_open(opt(argc, argv, "--ledger", NULL), &l)) != 0)
		die("ledger", rc, NULL);
	for (int st = SSP_BATCH_SEALED; st <= SSP_BATCH_FAILED; st++) {
		int64_t *ids = NULL;
		size_t n = 0;

		if ((rc = ssp_ledger_batches_in_state(l, project, st, &ids, &n)) != 0)
			die("batches", rc, NULL);
		printf("%s %zu\n", ssp_ledger_batch_state_name(st), n);
		for (size_t i = 0; i < n; i++) {
			ssp_ledger_batch b;
			ssp_ledger_tx *txs = NULL;
			size_t nt = 0;

			if (ssp_ledger_batch_get(l, ids[i], &b) != 0)
				continue;
			if (st == SSP_BATCH_FINAL)
				final_credit += b.header.total_credit;
			if (b.reason[0])
				printf("reason %lld %s %s\n", (long long)b.id, ssp_ledger_batch_state_name(st),
				       b.reason);
			if (ssp_ledger_batch_txs(l, b.id, &txs, &nt) == 0)
				ntx += nt;
			ssp_ledger_txs_free(txs, nt);
			ssp_ledger_batch_clear(&b);
		}
		free(ids);
	}
	printf("credit_final %llu\ntxs %llu\n", (unsigned long long)final_credit, (unsigned long long)ntx);
	ssp_ledger_close(l);
	return 0;
}

static int cmd_calldata(int argc, char **argv)
{
	ssp_ledger *l = NULL;
	ssp_ledger_batch b;
	uint8_t (*sigs)[SSP_SIG_LEN], *data = NULL;
	size_t len;
	char *hex;
	int rc;

	if ((rc = ssp_ledger_open(opt(argc, argv, "--ledger", NULL), &l)) != 0)
		die("ledger", rc, NULL);
	if ((rc = ssp_ledger_batch_get(l, strtoll(opt(argc, argv, "--batch", NULL), NULL, 10), &b)) != 0)
		die("batch", rc, NULL);
	sigs = calloc(b.nsigs + 1, SSP_SIG_LEN);
	for (size_t i = 0; i < b.nsigs; i++)
		memcpy(sigs[i], b.sigs[i].sig, SSP_SIG_LEN);
	if ((rc = ssp_abi_mint_batch_calldata(&b.header, b.payouts, b.npayouts,
					      (const uint8_t(*)[SSP_SIG_LEN])sigs, b.nsigs, &data, &len)) != 0)
		die("calldata", rc, NULL);
	hex = malloc(2 * len + 3);
	printf("%s\n", ssp_hex_encode(data, len, hex, 1));
	free(hex);
	free(data);
	free(sigs);
	ssp_ledger_batch_clear(&b);
	ssp_ledger_close(l);
	return 0;
}

static int cmd_txs(int argc, char **argv)
{
	static const int states[] = { SSP_TX_SIGNED, SSP_TX_SENT, SSP_TX_MINED, SSP_TX_FINAL,
				      SSP_TX_REPLACED, SSP_TX_DROPPED, SSP_TX_FAILED };
	ssp_ledger *l = NULL;
	int rc;

	if ((rc = ssp_ledger_open(opt(argc, argv, "--ledger", NULL), &l)) != 0)
		die("ledger", rc, NULL);
	for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
		ssp_ledger_tx *txs = NULL;
		size_t n = 0;

		if ((rc = ssp_ledger_txs_in_state(l, states[s], &txs, &n)) != 0)
			die("txs", rc, NULL);
		for (size_t i = 0; i < n; i++) {
			char h[67], f[SSP_U256_DEC_MAX], t[SSP_U256_DEC_MAX];

			printf("tx %lld %s %llu %s %s %s\n", (long long)txs[i].batch_id,
			       ssp_hex_encode(txs[i].hash, 32, h, 1), (unsigned long long)txs[i].nonce,
			       ssp_u256_to_dec(&txs[i].max_fee, f), ssp_u256_to_dec(&txs[i].max_priority_fee, t),
			       ssp_ledger_tx_state_name(txs[i].state));
		}
		ssp_ledger_txs_free(txs, n);
	}
	ssp_ledger_close(l);
	return 0;
}

static ssp_rpc *client(const char *url)
{
	ssp_rpc *rpc = NULL;
	int rc = ssp_rpc_new(url, NULL, &rpc);

	if (rc != 0)
		die("rpc", rc, url);
	return rpc;
}

static int cmd_rpc(int argc, char **argv)
{
	ssp_rpc *rpc;
	ssp_rpc_block blk;
	ssp_errmsg em = { { 0 } };
	uint8_t addr[20];
	uint64_t v, latest, pending;
	ssp_u256 base, tip;
	char h[67], d[SSP_U256_DEC_MAX];
	int rc;

	if (argc < 3 || ssp_address_parse(argv[2], addr) != 0)
		die("rpc", SSP_ERR_INVAL, "usage: rpc URL ADDR");
	rpc = client(argv[1]);
	if ((rc = ssp_rpc_chain_id(rpc, &v, &em)) != 0)
		die("eth_chainId", rc, em.msg);
	printf("chain_id %llu\n", (unsigned long long)v);
	if ((rc = ssp_rpc_block_number(rpc, &v, &em)) != 0)
		die("eth_blockNumber", rc, em.msg);
	printf("block_number %llu\n", (unsigned long long)v);
	if ((rc = ssp_rpc_get_block(rpc, NULL, v, &blk, &em)) != 0)
		die("eth_getBlockByNumber", rc, em.msg);
	printf("block_hash %s\n", ssp_hex_encode(blk.hash, 32, h, 1));
	printf("base_fee %s\n", blk.has_base_fee ? ssp_u256_to_dec(&blk.base_fee, d) : "none");
	rc = ssp_rpc_get_block(rpc, NULL, v + 1000, &blk, &em);
	printf("future_block %s\n", rc == SSP_ERR_NOT_FOUND ? "null" : ssp_strerror(rc));
	if ((rc = ssp_rpc_tx_count(rpc, addr, "latest", &latest, &em)) != 0 ||
	    (rc = ssp_rpc_tx_count(rpc, addr, "pending", &pending, &em)) != 0)
		die("eth_getTransactionCount", rc, em.msg);
	printf("nonce_latest %llu\nnonce_pending %llu\n", (unsigned long long)latest,
	       (unsigned long long)pending);
	if ((rc = ssp_rpc_fee_history(rpc, 5, 50.0, &base, &tip, &em)) != 0)
		die("eth_feeHistory", rc, em.msg);
	printf("next_base_fee %s\n", ssp_u256_to_dec(&base, d));
	printf("tip %s\n", ssp_u256_to_dec(&tip, d));
	rc = ssp_rpc_call(rpc, "no_such_method", NULL, &(json_t *){ NULL }, &em);
	printf("unknown_method %s %lld\n", ssp_strerror(rc),
	       ssp_rpc_last_error(rpc) ? ssp_rpc_last_error(rpc)->code : 0LL);
	ssp_rpc_free(rpc);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	ssp_rpc *rpc;
	ssp_errmsg em = { { 0 } };
	ssp_tx tx;
	ssp_rpc_receipt r;
	uint8_t key[32], from[20], *raw = NULL, hash[32], got[32];
	size_t rawlen;
	ssp_u256 base;
	uint64_t gas;
	char h[67];
	int rc;

	memset(&tx, 0, sizeof tx);
	if (argc < 5 || ssp_hex_decode_exact(argv[2], key, 32) != 0 ||
	    ssp_address_parse(argv[3], tx.to) != 0 || ssp_u256_from_dec(&tx.value, argv[4]) != 0 ||
	    ssp_key_address(key, from) != 0)
		die("send", SSP_ERR_INVAL, "usage: send URL KEYHEX TO WEI");
	rpc = client(argv[1]);
	if ((rc = ssp_rpc_chain_id(rpc, &tx.chain_id, &em)) != 0 ||
	    (rc = ssp_rpc_tx_count(rpc, from, "pending", &tx.nonce, &em)) != 0 ||
	    (rc = ssp_rpc_estimate_gas(rpc, from, tx.to, &tx.value, NULL, 0, &gas, &em)) != 0)
		die("send", rc, em.msg);
	tx.gas = gas;
	if ((rc = ssp_rpc_fee_history(rpc, 5, 50.0, &base, &tx.max_priority_fee, &em)) != 0)
		die("eth_feeHistory", rc, em.msg);
	ssp_u256_from_u64(&tx.max_priority_fee, 1000000000);
	if (ssp_u256_add(&tx.max_fee, &base, &base) != 0 ||
	    ssp_u256_add(&tx.max_fee, &tx.max_fee, &tx.max_priority_fee) != 0)
		die("fees", SSP_ERR_RANGE, "base fee overflows");
	if ((rc = ssp_tx_sign(&tx, key, &raw, &rawlen, hash)) != 0)
		die("sign", rc, NULL);
	if ((rc = ssp_rpc_send_raw(rpc, raw, rawlen, got, &em)) != 0)
		die("eth_sendRawTransaction", rc, em.msg);
	printf("hash %s\n", ssp_hex_encode(hash, 32, h, 1));
	printf("node_hash_matches %d\n", memcmp(hash, got, 32) == 0);
	rc = ssp_rpc_send_raw(rpc, raw, rawlen, NULL, &em);
	printf("resend %s %d\n", ssp_strerror(rc),
	       rc == SSP_ERR_RPC ? (int)ssp_rpc_classify_send_error(ssp_rpc_last_error(rpc)->message) : -1);
	for (int i = 0; i < 100; i++) {
		rc = ssp_rpc_get_receipt(rpc, hash, &r, &em);
		if (rc != SSP_ERR_NOT_FOUND)
			break;
		usleep(100000);
	}
	if (rc != 0)
		die("eth_getTransactionReceipt", rc, em.msg);
	printf("status %d\nblock %llu\ngas_used %llu\n", r.status, (unsigned long long)r.block_number,
	       (unsigned long long)r.gas_used);
	rc = ssp_rpc_tx_known(rpc, hash, &(int){ 0 }, &em);
	printf("known %s\n", ssp_strerror(rc));
	/* The same raw again, now mined: nonce too low (or already known). */
	rc = ssp_rpc_send_raw(rpc, raw, rawlen, NULL, &em);
	printf("resend_mined %s %d\n", ssp_strerror(rc),
	       rc == SSP_ERR_RPC ? (int)ssp_rpc_classify_send_error(ssp_rpc_last_error(rpc)->message) : -1);
	free(raw);
	ssp_wipe(key, 32);
	ssp_rpc_free(rpc);
	return 0;
}

static int cmd_call(int argc, char **argv)
{
	ssp_rpc *rpc;
	ssp_errmsg em = { { 0 } };
	uint8_t to[20], data[4096], *ret = NULL;
	size_t dlen, rlen;
	char out[512];
	int rc;

	if (argc < 4 || ssp_address_parse(argv[2], to) != 0 ||
	    ssp_hex_decode(argv[3], data, sizeof data, &dlen) != 0)
		die("call", SSP_ERR_INVAL, "usage: call URL TO DATAHEX");
	rpc = client(argv[1]);
	rc = ssp_rpc_eth_call(rpc, NULL, to, data, dlen, "latest", &ret, &rlen, &em);
	if (rc == SSP_ERR_REVERTED) {
		uint8_t *rd = NULL;
		size_t rdl = 0;

		if (ssp_rpc_error_data(rpc, &rd, &rdl) != 0 ||
		    ssp_abi_describe_revert(rd, rdl, ssp_bridge_error_sigs, ssp_bridge_nerror_sigs, out, sizeof out) != 0)
			snprintf(out, sizeof out, "(no revert data)");
		printf("revert %s\n", out);
		free(rd);
	} else if (rc == 0) {
		char *hex = malloc(2 * rlen + 3);

		printf("return %s\n", ssp_hex_encode(ret, rlen, hex, 1));
		free(hex);
	} else {
		die("eth_call", rc, em.msg);
	}
	free(ret);
	ssp_rpc_free(rpc);
	return 0;
}

static int cmd_keystore(int argc, char **argv)
{
	ssp_keystore_params kp = SSP_KEYSTORE_LIGHT_PARAMS;
	uint8_t key[32];
	char *pw = NULL;
	int rc;

	if (argc < 4 || ssp_hex_decode_exact(argv[3], key, 32) != 0)
		die("keystore", SSP_ERR_INVAL, "usage: keystore FILE PWFILE KEYHEX");
	if ((rc = ssp_file_read_password(argv[2], &pw)) != 0)
		die("password file", rc, argv[2]);
	rc = ssp_keystore_write(argv[1], key, pw, &kp);
	ssp_wipe(pw, strlen(pw));
	free(pw);
	ssp_wipe(key, 32);
	if (rc != 0)
		die("keystore", rc, argv[1]);
	return 0;
}

/* Prints the error signatures the bridge decodes, one per line. */
static int cmd_errors(void)
{
	for (size_t i = 0; i < ssp_bridge_nerror_sigs; i++)
		printf("%s\n", ssp_bridge_error_sigs[i]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bridge_testutil seal|status|calldata|txs|rpc|send|call|keystore|errors ...\n");
		return 2;
	}
	if (strcmp(argv[1], "seal") == 0)
		return cmd_seal(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "calldata") == 0)
		return cmd_calldata(argc - 1, argv + 1);
	if (strcmp(argv[1], "txs") == 0)
		return cmd_txs(argc - 1, argv + 1);
	if (strcmp(argv[1], "rpc") == 0)
		return cmd_rpc(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") == 0)
		return cmd_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "call") == 0)
		return cmd_call(argc - 1, argv + 1);
	if (strcmp(argv[1], "keystore") == 0)
		return cmd_keystore(argc - 1, argv + 1);
	if (strcmp(argv[1], "errors") == 0)
		return cmd_errors();
	fprintf(stderr, "bridge_testutil: unknown command %s\n", argv[1]);
	return 2;
}
