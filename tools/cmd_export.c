/* ssp export: the public record of a project (claims, batches, manifest), for auditors. */
#include "eth/ssp_abi.h"
#include "ssp_cmd.h"
#include "core/ssp_cfg.h"
#include "export/ssp_export.h"
#include "core/ssp_hex.h"
#include "ledger/ssp_ledger.h"
#include "eth/ssp_rpc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char export_help[] =
	"Usage: ssp export --out DIR [--conf ssp.conf] [--receipts ARCHIVE [--upload-dir DIR]]\n"
	"                  [options]\n"
	"       ssp export --archive-receipts --upload-dir DIR --receipts ARCHIVE [--every S]\n\n"
	"Writes the public record of the project into DIR (created when missing):\n"
	"  claims.ndjson.gz   every signed claim (all EIP-712 fields, signature, batch id)\n"
	"  batches.ndjson.gz  every sealed batch (header, payouts, signatures, state, mint tx)\n"
	"  manifest.json      project, chain, counts and each file's SHA-256\n"
	"Files are written under temporary names and renamed into place, the manifest last.\n"
	"Memory does not grow with the number of claims. Publish DIR as it is; auditors run\n"
	"'ssp audit' on it.\n\n"
	"Receipts as public evidence: BOINC's file deleter removes each result's files, the\n"
	"share receipt included, once it is assimilated. --archive-receipts copies every share\n"
	"receipt of the project's upload tree into ARCHIVE (ARCHIVE/<hostid>-<resultDigest>.json,\n"
	"exact bytes, never replaced); run it more often than the file deleter deletes (--every S\n"
	"repeats it every S seconds, as a daemon; or from cron). With --receipts ARCHIVE the\n"
	"export also writes receipts.ndjson.gz, the archived receipt of each claim (the one whose\n"
	"host, user and outputs' digests are the claim's), and --upload-dir archives first.\n\n"
	"  --out DIR           the export directory\n"
	"  --conf FILE         ssp.conf: [project] master_url, ledger; [chain] chain_id, minter,\n"
	"                      rpc_url, deploy_block (options below override it)\n"
	"  --ledger PATH       the SQLite ledger\n"
	"  --master-url URL    the BOINC master URL (project id = keccak256 of it)\n"
	"  --chain-id N        the chain id of the EIP-712 domain\n"
	"  --minter ADDR       the ShareMinter address\n"
	"  --rate WEI          weiPerMicroCredit to record (default: read from the minter over\n"
	"                      --rpc / [chain] rpc_url; null when no endpoint is configured)\n"
	"  --rpc URL           Ethereum JSON-RPC endpoint for reading the rate\n"
	"  --deploy-block N    the minter's deployment block, recorded as the manifest's\n"
	"                      chain.deployBlock where audits start (default [chain]\n"
	"                      deploy_block, written by 'ssp deploy --conf'; null when unknown)\n"
	"  --level N           gzip level 1..9 (default 6)\n"
	"  --receipts ARCHIVE  the receipt archive (published with the export)\n"
	"  --upload-dir DIR    BOINC's upload tree (config.xml <upload_dir>) to archive from\n"
	"  --archive-receipts  only archive receipts (no export)\n"
	"  --every S           with --archive-receipts: again every S seconds, until killed\n"
	"  -q, --quiet         no progress on a terminal\n"
	"  -h, --help          this help\n";

static void progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	fprintf(stderr, "\rexport: %llu/%llu claims (%llu%%)", (unsigned long long)done,
		(unsigned long long)total,
		(unsigned long long)(total ? done * 100 / total : 100));
	fflush(stderr);
}

/* weiPerMicroCredit() of the minter, over JSON-RPC. */
static int read_rate(const char *url, const uint8_t minter[SSP_ADDR_LEN], ssp_u256 *rate)
{
	ssp_rpc *rpc = NULL;
	ssp_errmsg em = { { 0 } };
	uint8_t sel[4], *ret = NULL;
	size_t retlen = 0;
	int rc;

	rc = ssp_rpc_new(url, NULL, &rpc);
	if (rc != 0)
		return ssp_cmd_fail(url, rc, NULL);
	ssp_abi_selector("weiPerMicroCredit()", sel);
	rc = ssp_rpc_eth_call(rpc, NULL, minter, sel, sizeof sel, "latest", &ret, &retlen, &em);
	if (rc == 0)
		rc = ssp_abi_read_u256(ret, retlen, 0, rate);
	free(ret);
	ssp_rpc_free(rpc);
	if (rc != 0) {
		ssp_cmd_fail("reading weiPerMicroCredit() from the minter", rc, em.msg);
		fprintf(stderr, "ssp: give the rate with --rate WEI, or check --rpc and --minter\n");
		return SSP_EXIT_ERROR;
	}
	return 0;
}

/* One pass of the receipt archiver; prints what it did. */
static int archive_receipts(ssp_receipt_archiver *ar, const char *upload)
{
	ssp_receipt_archive_stats st;
	ssp_errmsg em = { { 0 } };
	int rc = ssp_receipt_archiver_run(ar, &st, &em);

	if (rc != 0)
		return ssp_cmd_fail("archiving receipts", rc, em.msg);
	printf("receipts: %llu found in %s, %llu archived now, %llu already, %llu malformed, %llu files unchanged\n",
	       (unsigned long long)st.seen, upload, (unsigned long long)st.archived,
	       (unsigned long long)st.already, (unsigned long long)st.malformed,
	       (unsigned long long)st.unchanged);
	fflush(stdout);
	return SSP_EXIT_OK;
}

int ssp_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "conf", required_argument, NULL, 'c' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "master-url", required_argument, NULL, 'u' },
		{ "chain-id", required_argument, NULL, 'i' },
		{ "minter", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "rpc", required_argument, NULL, 'R' },
		{ "level", required_argument, NULL, 'L' },
		{ "receipts", required_argument, NULL, 'A' },
		{ "upload-dir", required_argument, NULL, 'U' },
		{ "archive-receipts", no_argument, NULL, 'Z' },
		{ "every", required_argument, NULL, 'E' },
		{ "deploy-block", required_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *conf_path = NULL, *ledger = NULL, *url = NULL, *chain = NULL;
	const char *minter = NULL, *rate = NULL, *rpc = NULL, *level = NULL, *dblock = NULL;
	ssp_cfg *conf = NULL;
	const char *archive = NULL, *upload = NULL, *every_s = NULL;
	int archive_only = 0;
	uint64_t every = 0;
	ssp_receipt_archiver *ar = NULL;
	ssp_ledger *l = NULL;
	ssp_export_opts o;
	ssp_export_manifest m;
	ssp_errmsg em = { { 0 } };
	uint64_t lv = 6;
	int c, rc, quiet = 0, status = SSP_EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'c': conf_path = optarg; break;
		case 'l': ledger = optarg; break;
		case 'u': url = optarg; break;
		case 'i': chain = optarg; break;
		case 'm': minter = optarg; break;
		case 'r': rate = optarg; break;
		case 'R': rpc = optarg; break;
		case 'L': level = optarg; break;
		case 'A': archive = optarg; break;
		case 'U': upload = optarg; break;
		case 'Z': archive_only = 1; break;
		case 'E': every_s = optarg; break;
		case 'B': dblock = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': fputs(export_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("export", "export: bad option");
		}
	}
	if (optind != argc)
		return ssp_cmd_usage_error("export", "export: unexpected argument");
	if (upload != NULL && archive == NULL)
		return ssp_cmd_usage_error("export", "export: --upload-dir goes with --receipts ARCHIVE");
	if (every_s != NULL && (!archive_only || ssp_cmd_parse_u64(every_s, &every) != 0 || every == 0))
		return ssp_cmd_usage_error("export", "export: --every S (seconds) goes with --archive-receipts");
	if (archive_only) {
		if (upload == NULL || archive == NULL || out != NULL)
			return ssp_cmd_usage_error("export", "export: --archive-receipts needs --upload-dir "
							     "and --receipts, and no --out");
		rc = ssp_receipt_archiver_new(upload, archive, &ar);
		if (rc != 0)
			return ssp_cmd_fail("archiving receipts", rc, NULL);
		for (;;) {
			/* A failed pass is reported and, with --every, tried again. */
			rc = archive_receipts(ar, upload);
			if (every == 0)
				break;
			sleep((unsigned)(every > 86400 ? 86400 : every));
		}
		ssp_receipt_archiver_free(ar);
		return rc;
	}
	if (out == NULL)
		return ssp_cmd_usage_error("export", "export: --out DIR is required");
	if (conf_path != NULL) {
		rc = ssp_cfg_load(conf_path, &conf, &em);
		if (rc != 0)
			return ssp_cmd_fail(conf_path, rc, em.msg);
		if (ledger == NULL)
			ledger = ssp_cfg_str(conf, SSP_CFG_PROJECT_LEDGER);
		if (url == NULL)
			url = ssp_cfg_str(conf, SSP_CFG_PROJECT_MASTER_URL);
		if (chain == NULL)
			chain = ssp_cfg_str(conf, SSP_CFG_CHAIN_CHAIN_ID);
		if (minter == NULL)
			minter = ssp_cfg_str(conf, SSP_CFG_CHAIN_MINTER);
		if (rpc == NULL)
			rpc = ssp_cfg_str(conf, SSP_CFG_CHAIN_RPC_URL);
		if (dblock == NULL)
			dblock = ssp_cfg_str(conf, SSP_CFG_CHAIN_DEPLOY_BLOCK);
	}
	memset(&o, 0, sizeof o);
	if (ledger == NULL || url == NULL || chain == NULL || minter == NULL) {
		ssp_cmd_usage_error("export", "export: need the ledger, master URL, chain id and minter "
					      "(--conf or --ledger/--master-url/--chain-id/--minter)");
		goto out;
	}
	o.master_url = url;
	if (ssp_cmd_parse_u64(chain, &o.chain_id) != 0 || o.chain_id == 0) {
		ssp_cmd_usage_error("export", "export: the chain id must be a positive decimal number");
		goto out;
	}
	rc = ssp_address_parse(minter, o.minter);
	if (rc != 0) {
		ssp_cmd_fail("minter", rc, minter);
		goto out;
	}
	if (level != NULL && (ssp_cmd_parse_u64(level, &lv) != 0 || lv < 1 || lv > 9)) {
		ssp_cmd_usage_error("export", "export: --level must be 1..9");
		goto out;
	}
	o.level = (int)lv;
	if (dblock != NULL) {
		if (ssp_cmd_parse_u64(dblock, &o.deploy_block) != 0) {
			ssp_cmd_usage_error("export", "export: the deploy block must be a decimal number");
			goto out;
		}
		/* 0 is "unknown" in ssp.conf.example: a minter is never in the genesis block. */
		o.has_deploy_block = o.deploy_block > 0;
	}
	if (rate != NULL) {
		if (ssp_u256_from_dec(&o.rate, rate) != 0) {
			ssp_cmd_usage_error("export", "export: --rate must be a decimal number of wei");
			goto out;
		}
		o.has_rate = 1;
	} else if (rpc != NULL) {
		if (read_rate(rpc, o.minter, &o.rate) != 0)
			goto out;
		o.has_rate = 1;
	} else {
		fprintf(stderr, "ssp: export: no --rate and no JSON-RPC endpoint: the manifest's "
				"weiPerMicroCredit is null\n");
	}
	if (!quiet && isatty(STDERR_FILENO))
		o.progress = progress;
	rc = ssp_ledger_open(ledger, &l);
	if (rc != 0) {
		ssp_cmd_fail(ledger, rc, NULL);
		goto out;
	}
	if (upload != NULL) {
		rc = ssp_receipt_archiver_new(upload, archive, &ar);
		if (rc != 0) {
			ssp_cmd_fail("archiving receipts", rc, NULL);
			goto out;
		}
		if (archive_receipts(ar, upload) != SSP_EXIT_OK)
			goto out;
	}
	o.receipts_dir = archive;
	rc = ssp_export_from_ledger(l, out, &o, &m, &em);
	if (o.progress != NULL)
		fputc('\n', stderr);
	if (rc != 0) {
		ssp_cmd_fail("export", rc, em.msg);
		goto out;
	}
	printf("exported %llu claims (seq %llu..%llu) and %llu batches to %s\n",
	       (unsigned long long)m.nclaims, (unsigned long long)m.first_seq,
	       (unsigned long long)m.last_seq, (unsigned long long)m.nbatches, out);
	if (m.has_receipts)
		printf("published %llu archived receipts\n", (unsigned long long)m.receipts.lines);
	status = SSP_EXIT_OK;
out:
	ssp_receipt_archiver_free(ar);
	ssp_ledger_close(l);
	ssp_cfg_free(conf);
	return status;
}
