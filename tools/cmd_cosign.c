/* ssp cosign: an auditor re-checks one sealed batch of an export and signs it, so the
 * contract's threshold can require an independent auditor (m-of-n); the project adds the
 * co-signature to its ledger with --add. */
#include "export/ssp_audit.h"
#include "ssp_cmd.h"
#include "core/ssp_cfg.h"
#include "export/ssp_export.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "ledger/ssp_ledger.h"
#include "eth/ssp_rpc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char cosign_help[] =
	"Usage: ssp cosign --export DIR --batch N --keystore K --password-file P [options]\n"
	"       ssp cosign --add FILE (--conf ssp.conf | --ledger PATH --chain-id N --minter ADDR)\n\n"
	"The auditor's side: re-checks batch N of the export DIR on its own (every claim of\n"
	"the batch present, each claim signature by one of the batch's signers, the claims root,\n"
	"payouts and total recomputed, the batch signatures valid; with --rpc also against the\n"
	"minter's current signer set) and, when it holds, signs the batch's EIP-712 digest with\n"
	"the keystore's key. Prints the co-signature as JSON (or writes it to --out) for the\n"
	"project. Exit status: 0 signed, 1 the batch did not check out (report printed, nothing\n"
	"signed), 2 error. Batches already MINTED or FINAL are not signed.\n\n"
	"The project's side (--add): verifies a co-signature FILE against the batch in the\n"
	"ledger (same header, same chain and minter, the signature recovers to its signer) and\n"
	"records it; the bridge submits it with the batch (signatures sorted by signer).\n\n"
	"  --export DIR          the export\n"
	"  --batch N             the batch id (as in batches.ndjson.gz)\n"
	"  --keystore K, --password-file P   the auditor's key\n"
	"  --rpc URL, --contract ADDR        also check against the chain (optional)\n"
	"  --out FILE            write the co-signature there (mode 0644) instead of stdout\n"
	"  --add FILE            record a co-signature in the ledger\n"
	"  --conf FILE           ssp.conf ([project] ledger, [chain] chain_id, minter)\n"
	"  --ledger PATH, --chain-id N, --minter ADDR   instead of --conf\n"
	"  -h, --help            this help\n";

static int add_cosig(const char *file, const char *conf_path, const char *ledger, const char *chain,
		     const char *minter)
{
	ssp_cfg *conf = NULL;
	ssp_ledger *l = NULL;
	ssp_ledger_batch b;
	ssp_cosig cs;
	ssp_errmsg em = { { 0 } };
	uint8_t maddr[SSP_ADDR_LEN];
	uint64_t chain_id = 0;
	char *text = NULL, a1[SSP_ADDR_STRLEN];
	size_t len = 0;
	int rc, status = SSP_EXIT_ERROR;

	memset(&b, 0, sizeof b);
	if (conf_path != NULL) {
		rc = ssp_cfg_load(conf_path, &conf, &em);
		if (rc != 0)
			return ssp_cmd_fail(conf_path, rc, em.msg);
		if (ledger == NULL)
			ledger = ssp_cfg_str(conf, SSP_CFG_PROJECT_LEDGER);
		if (chain == NULL)
			chain = ssp_cfg_str(conf, SSP_CFG_CHAIN_CHAIN_ID);
		if (minter == NULL)
			minter = ssp_cfg_str(conf, SSP_CFG_CHAIN_MINTER);
	}
	if (ledger == NULL || chain == NULL || minter == NULL) {
		ssp_cmd_usage_error("cosign", "cosign --add: need the ledger, chain id and minter "
					      "(--conf or --ledger/--chain-id/--minter)");
		goto out;
	}
	if (ssp_cmd_parse_u64(chain, &chain_id) != 0 || chain_id == 0) {
		ssp_cmd_usage_error("cosign", "cosign: the chain id must be a positive decimal number");
		goto out;
	}
	rc = ssp_address_parse(minter, maddr);
	if (rc != 0) {
		ssp_cmd_fail("minter", rc, minter);
		goto out;
	}
	rc = ssp_export_read_file(file, SSP_COSIG_MAX_JSON, &text, &len, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign --add", rc, em.msg);
		goto out;
	}
	rc = ssp_cosig_parse(text, len, &cs, &em);
	if (rc != 0) {
		ssp_cmd_fail(file, rc, em.msg);
		goto out;
	}
	if (cs.chain_id != chain_id || memcmp(cs.minter, maddr, SSP_ADDR_LEN) != 0) {
		fprintf(stderr, "ssp: %s: signed for chain %llu minter %s, not this project's\n", file,
			(unsigned long long)cs.chain_id, ssp_address_format(cs.minter, a1));
		status = SSP_EXIT_FALSE;
		goto out;
	}
	if (ssp_cosig_verify(&cs) != 0) {
		fprintf(stderr, "ssp: %s: the signature does not recover to %s\n", file,
			ssp_address_format(cs.signer, a1));
		status = SSP_EXIT_FALSE;
		goto out;
	}
	rc = ssp_ledger_open(ledger, &l);
	if (rc != 0) {
		ssp_cmd_fail(ledger, rc, NULL);
		goto out;
	}
	rc = ssp_ledger_batch_get(l, cs.batch_id, &b);
	if (rc != 0) {
		ssp_cmd_fail("batch", rc, rc == SSP_ERR_NOT_FOUND ? "not in the ledger" : ssp_ledger_errmsg(l));
		goto out;
	}
	if (memcmp(b.header.project, cs.header.project, 32) != 0 ||
	    b.header.first_seq != cs.header.first_seq || b.header.last_seq != cs.header.last_seq ||
	    memcmp(b.header.claims_root, cs.header.claims_root, 32) != 0 ||
	    memcmp(b.header.payouts_hash, cs.header.payouts_hash, 32) != 0 ||
	    b.header.total_credit != cs.header.total_credit) {
		fprintf(stderr, "ssp: %s: the co-signed batch is not batch %lld of the ledger\n", file,
			(long long)cs.batch_id);
		status = SSP_EXIT_FALSE;
		goto out;
	}
	rc = ssp_ledger_batch_add_signature(l, cs.batch_id, cs.signer, cs.sig);
	if (rc == SSP_ERR_EXISTS) {
		ssp_cmd_fail("cosign --add", rc, "this signer already gave another signature for the batch");
		goto out;
	}
	if (rc != 0) {
		ssp_cmd_fail("cosign --add", rc, ssp_ledger_errmsg(l));
		goto out;
	}
	printf("batch %lld: co-signature of %s recorded (state %s)\n", (long long)cs.batch_id,
	       ssp_address_format(cs.signer, a1), ssp_ledger_batch_state_name(b.state));
	status = SSP_EXIT_OK;
out:
	ssp_ledger_batch_clear(&b);
	ssp_ledger_close(l);
	ssp_cfg_free(conf);
	free(text);
	return status;
}

int ssp_cmd_cosign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "export", required_argument, NULL, 'e' },
		{ "batch", required_argument, NULL, 'b' },
		{ "keystore", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "rpc", required_argument, NULL, 'r' },
		{ "contract", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "add", required_argument, NULL, 'a' },
		{ "conf", required_argument, NULL, 'C' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "chain-id", required_argument, NULL, 'i' },
		{ "minter", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *batch = NULL, *keystore = NULL, *pwfile = NULL, *url = NULL;
	const char *contract = NULL, *outfile = NULL, *add = NULL, *conf = NULL, *ledger = NULL;
	const char *chain_s = NULL, *minter_s = NULL;
	ssp_audit_chain_opts co;
	ssp_audit_opts ao;
	ssp_audit_chain *chain = NULL;
	ssp_audit_report *report = NULL;
	ssp_export_manifest m;
	ssp_export_batch b;
	ssp_rpc *rpc = NULL;
	ssp_cosig cs;
	ssp_errmsg em = { { 0 } };
	uint8_t sk[32], digest[32], addr[SSP_ADDR_LEN];
	uint64_t id = 0;
	char *text = NULL, a1[SSP_ADDR_STRLEN];
	int c, rc, status = SSP_EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': dir = optarg; break;
		case 'b': batch = optarg; break;
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'r': url = optarg; break;
		case 'c': contract = optarg; break;
		case 'o': outfile = optarg; break;
		case 'a': add = optarg; break;
		case 'C': conf = optarg; break;
		case 'l': ledger = optarg; break;
		case 'i': chain_s = optarg; break;
		case 'm': minter_s = optarg; break;
		case 'h': fputs(cosign_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("cosign", "cosign: bad option");
		}
	}
	if (optind != argc)
		return ssp_cmd_usage_error("cosign", "cosign: unexpected argument");
	if (add != NULL) {
		if (dir != NULL || batch != NULL || keystore != NULL)
			return ssp_cmd_usage_error("cosign", "cosign --add takes no --export, --batch or --keystore");
		return add_cosig(add, conf, ledger, chain_s, minter_s);
	}
	if (dir == NULL || batch == NULL || keystore == NULL || pwfile == NULL)
		return ssp_cmd_usage_error("cosign", "cosign: --export, --batch, --keystore and "
						     "--password-file are required");
	if (ssp_cmd_parse_u64(batch, &id) != 0 || id == 0 || id > INT64_MAX)
		return ssp_cmd_usage_error("cosign", "cosign: --batch must be a positive batch id");
	if ((url == NULL) != (contract == NULL))
		return ssp_cmd_usage_error("cosign", "cosign: --rpc and --contract go together");
	memset(&b, 0, sizeof b);
	memset(sk, 0, sizeof sk);

	rc = ssp_export_manifest_read(dir, &m, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign", rc, em.msg);
		goto out;
	}
	if (url != NULL) {
		rc = ssp_address_parse(contract, addr);
		if (rc != 0) {
			ssp_cmd_fail("--contract", rc, contract);
			goto out;
		}
		if (memcmp(addr, m.minter, SSP_ADDR_LEN) != 0) {
			fprintf(stderr, "ssp: cosign: the export is for minter %s, not %s\n",
				ssp_address_format(m.minter, a1), contract);
			status = SSP_EXIT_FALSE;
			goto out;
		}
		rc = ssp_rpc_new(url, NULL, &rpc);
		if (rc != 0) {
			ssp_cmd_fail("--rpc", rc, url);
			goto out;
		}
		memset(&co, 0, sizeof co);
		rc = ssp_audit_chain_fetch(rpc, addr, &co, &chain, &em);
		if (rc != 0) {
			ssp_cmd_fail("reading the chain", rc, em.msg);
			goto out;
		}
	}
	rc = ssp_export_find_batch(dir, (int64_t)id, &b, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign", rc, em.msg);
		goto out;
	}
	if (b.state == SSP_EXPORT_MINTED || b.state == SSP_EXPORT_FINAL) {
		fprintf(stderr, "ssp: cosign: batch %lld is %s already: nothing to co-sign\n",
			(long long)b.id, ssp_export_state_name(b.state));
		goto out;
	}
	memset(&ao, 0, sizeof ao);
	ao.export_dir = dir;
	ao.chain = chain;
	ao.only_batch = (int64_t)id;
	rc = ssp_audit_run(&ao, &report, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign: checking the batch", rc, em.msg);
		goto out;
	}
	/* Online, a batch not minted yet is judged against the current set; its own mint is
	 * naturally absent, which is not a discrepancy for a batch waiting for signatures. */
	if (report->nissues != 0) {
		if (ssp_audit_report_format(report, 0, &text) == 0)
			fputs(text, stdout);
		fprintf(stderr, "ssp: cosign: batch %lld does not check out: not signed\n", (long long)id);
		status = SSP_EXIT_FALSE;
		goto out;
	}
	if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
		goto out;
	memset(&cs, 0, sizeof cs);
	cs.chain_id = m.chain_id;
	memcpy(cs.minter, m.minter, SSP_ADDR_LEN);
	cs.batch_id = b.id;
	cs.header = b.header;
	{
		ssp_domain d;

		d.chain_id = m.chain_id;
		memcpy(d.contract, m.minter, SSP_ADDR_LEN);
		ssp_eip712_batch_digest(&d, &b.header, digest);
	}
	rc = ssp_sign(sk, digest, cs.sig);
	if (rc == 0)
		rc = ssp_key_address(sk, cs.signer);
	if (rc != 0) {
		ssp_cmd_fail("cosign: signing", rc, NULL);
		goto out;
	}
	for (size_t i = 0; i < b.nsigs; i++)
		if (memcmp(b.sigs[i].signer, cs.signer, SSP_ADDR_LEN) == 0)
			fprintf(stderr, "ssp: cosign: note: %s already signs batch %lld in the export\n",
				ssp_address_format(cs.signer, a1), (long long)b.id);
	free(text);
	text = NULL;
	rc = ssp_cosig_format(&cs, &text);
	if (rc != 0) {
		ssp_cmd_fail("cosign", rc, NULL);
		goto out;
	}
	if (outfile != NULL) {
		rc = ssp_file_write_atomic(outfile, text, strlen(text), 0644);
		if (rc != 0) {
			ssp_cmd_fail(outfile, rc, NULL);
			goto out;
		}
		fprintf(stderr, "batch %lld (seqs %llu..%llu) checked and co-signed by %s: %s\n",
			(long long)b.id, (unsigned long long)b.header.first_seq,
			(unsigned long long)b.header.last_seq, ssp_address_format(cs.signer, a1), outfile);
	} else {
		fputs(text, stdout);
	}
	status = SSP_EXIT_OK;
out:
	ssp_wipe(sk, sizeof sk);
	free(text);
	ssp_export_batch_clear(&b);
	ssp_audit_report_free(report);
	ssp_audit_chain_free(chain);
	ssp_rpc_free(rpc);
	return status;
}
