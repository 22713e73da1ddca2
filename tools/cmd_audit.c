/* ssp audit: checks a project's public export against the chain (and BOINC's stats). */
#include "export/ssp_audit.h"
#include "export/ssp_export.h"
#include "ssp_cmd.h"
#include "eth/ssp_rpc.h"
#include "boinc/ssp_stats.h"
#include "core/ssp_file.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char audit_help[] =
	"Usage: ssp audit --export DIR --rpc URL --contract ADDR [options]\n"
	"       ssp audit --export DIR --offline [options]\n\n"
	"Checks, independently of the project's ledger, that every token minted maps to credit\n"
	"BOINC granted, at the published rate, exactly once:\n"
	"  - the export's files are those of its manifest (SHA-256);\n"
	"  - every claim's signature recovers to a signer the contract accepted at the time\n"
	"    (the signer set in force at its batch's BatchMinted event; the current set for\n"
	"    claims not minted yet); seqs are gap-free; no result is claimed twice;\n"
	"  - each batch's claims root, payouts and total recompute from its claims, its\n"
	"    signatures come from accepted signers, at least the threshold of them;\n"
	"  - every BatchMinted event matches exactly one exported batch, with amount =\n"
	"    totalCredit x the rate in force; nothing was minted that no claims explain; no\n"
	"    seq was minted twice; the minter's totalMinted() is the sum of its mints;\n"
	"  - with --boinc-stats: no user's claimed credit exceeds the total_credit BOINC\n"
	"    publishes for them (stats taken after the export); users BOINC leaves out of its\n"
	"    stats (no consent to statistics export, deleted) are counted apart, unchecked.\n"
	"Events are read with eth_getLogs in block-range chunks. Prints a summary and every\n"
	"discrepancy (or JSON). Exit status: 0 clean, 1 discrepancies, 2 error.\n\n"
	"  --export DIR          the export (manifest.json, claims.ndjson.gz, batches.ndjson.gz)\n"
	"  --rpc URL             Ethereum JSON-RPC endpoint of the chain the minter is on\n"
	"  --contract ADDR       the ShareMinter address (as you know it, not from the export)\n"
	"  --offline             no chain: only the export's own consistency and signatures\n"
	"  --from-block N        first block to scan (default: the manifest's chain.deployBlock,\n"
	"                        the minter's deployment block; 0 when it has none)\n"
	"  --to-block N          last block to scan (default: the head minus --confirmations)\n"
	"  --confirmations N     blocks kept back from the head (default 0)\n"
	"  --block-chunk N       blocks per eth_getLogs request (default 2000; halved when the\n"
	"                        node refuses a range)\n"
	"  --boinc-stats FILE    BOINC's stats export user.gz (or user.xml)\n"
	"  --project URL         the master URL the stats are of (default: the export's)\n"
	"  --threads N           worker threads (default: the online CPUs)\n"
	"  --max-issues N        discrepancies listed in detail (default 1000; all are counted)\n"
	"  --json                the report as JSON\n"
	"  --html FILE           also write the report as one self-contained HTML page\n"
	"                        (summary, charts, batch and volunteer tables; loads nothing)\n"
	"  -q, --quiet           no progress on a terminal\n"
	"  -h, --help            this help\n";

static void chain_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	fprintf(stderr, "\raudit: chain blocks %llu/%llu", (unsigned long long)done,
		(unsigned long long)total);
	fflush(stderr);
}

static void claims_progress(void *ctx, uint64_t done, uint64_t total)
{
	int *dirty = ctx;

	*dirty = 1;
	fprintf(stderr, "\raudit: claims %llu/%llu (%llu%%)   ", (unsigned long long)done,
		(unsigned long long)total, (unsigned long long)(total ? done * 100 / total : 100));
	fflush(stderr);
}

static int parse_count(const char *opt, const char *v, uint64_t *out)
{
	if (ssp_cmd_parse_u64(v, out) != 0) {
		char msg[128];

		snprintf(msg, sizeof msg, "audit: %s expects a decimal number", opt);
		return ssp_cmd_usage_error("audit", msg);
	}
	return 0;
}

int ssp_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "export", required_argument, NULL, 'e' },
		{ "rpc", required_argument, NULL, 'r' },
		{ "contract", required_argument, NULL, 'c' },
		{ "offline", no_argument, NULL, 'O' },
		{ "from-block", required_argument, NULL, 'f' },
		{ "to-block", required_argument, NULL, 't' },
		{ "confirmations", required_argument, NULL, 'C' },
		{ "block-chunk", required_argument, NULL, 'k' },
		{ "boinc-stats", required_argument, NULL, 's' },
		{ "project", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'T' },
		{ "max-issues", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *url = NULL, *contract = NULL, *stats_path = NULL, *project = NULL;
	const char *html = NULL;
	uint64_t threads = 0, max_issues = 0;
	ssp_audit_chain_opts co;
	ssp_audit_opts ao;
	ssp_audit_chain *chain = NULL;
	ssp_audit_report *report = NULL;
	ssp_stats *stats = NULL;
	ssp_rpc *rpc = NULL;
	ssp_errmsg em = { { 0 } };
	uint8_t addr[SSP_ADDR_LEN];
	char *text = NULL;
	int c, rc, offline = 0, json = 0, quiet = 0, tty, dirty = 0, status = SSP_EXIT_ERROR;
	int have_from = 0;

	memset(&co, 0, sizeof co);
	memset(&ao, 0, sizeof ao);
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'e': dir = optarg; break;
		case 'r': url = optarg; break;
		case 'c': contract = optarg; break;
		case 'O': offline = 1; break;
		case 'f':
			if (parse_count("--from-block", optarg, &co.from_block) != 0)
				return SSP_EXIT_ERROR;
			have_from = 1;
			break;
		case 't':
			if (parse_count("--to-block", optarg, &co.to_block) != 0)
				return SSP_EXIT_ERROR;
			break;
		case 'C':
			if (parse_count("--confirmations", optarg, &co.confirmations) != 0)
				return SSP_EXIT_ERROR;
			break;
		case 'k':
			if (parse_count("--block-chunk", optarg, &co.chunk) != 0)
				return SSP_EXIT_ERROR;
			break;
		case 's': stats_path = optarg; break;
		case 'p': project = optarg; break;
		case 'T':
			if (parse_count("--threads", optarg, &threads) != 0)
				return SSP_EXIT_ERROR;
			break;
		case 'm':
			if (parse_count("--max-issues", optarg, &max_issues) != 0)
				return SSP_EXIT_ERROR;
			break;
		case 'j': json = 1; break;
		case 'H': html = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': fputs(audit_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("audit", "audit: bad option");
		}
	}
	if (optind != argc)
		return ssp_cmd_usage_error("audit", "audit: unexpected argument");
	if (dir == NULL)
		return ssp_cmd_usage_error("audit", "audit: --export DIR is required");
	if (!offline && (url == NULL || contract == NULL))
		return ssp_cmd_usage_error("audit", "audit: --rpc URL and --contract ADDR are required "
						   "(or --offline)");
	if (offline && (url != NULL || contract != NULL))
		return ssp_cmd_usage_error("audit", "audit: --offline takes no --rpc or --contract");
	if (project != NULL && stats_path == NULL)
		return ssp_cmd_usage_error("audit", "audit: --project goes with --boinc-stats");
	if (threads > 64 || max_issues > 10000000)
		return ssp_cmd_usage_error("audit", "audit: --threads is at most 64, --max-issues 10000000");
	tty = !quiet && isatty(STDERR_FILENO);

	if (stats_path != NULL) {
		rc = ssp_audit_stats_read(stats_path, &stats, &em);
		if (rc != 0) {
			ssp_cmd_fail("--boinc-stats", rc, em.msg);
			goto out;
		}
	}
	if (!offline && !have_from) {
		ssp_export_manifest m;

		/* The scan starts where the minter was deployed, as the export records it; a
		 * manifest that cannot be read is reported by the audit itself below. */
		if (ssp_export_manifest_read(dir, &m, &em) == 0 && m.has_deploy_block)
			co.from_block = m.deploy_block;
		memset(&em, 0, sizeof em);
	}
	if (!offline) {
		ssp_rpc_opts ro;

		rc = ssp_address_parse(contract, addr);
		if (rc != 0) {
			ssp_cmd_fail("--contract", rc, contract);
			goto out;
		}
		memset(&ro, 0, sizeof ro);
		ro.timeout_ms = 120000;
		ro.max_body = 64u << 20;
		ro.retries = 2;
		rc = ssp_rpc_new(url, &ro, &rpc);
		if (rc != 0) {
			ssp_cmd_fail("--rpc", rc, url);
			goto out;
		}
		if (tty) {
			co.progress = chain_progress;
			co.progress_ctx = NULL;
		}
		rc = ssp_audit_chain_fetch(rpc, addr, &co, &chain, &em);
		if (tty)
			fputc('\n', stderr);
		if (rc != 0) {
			ssp_cmd_fail("reading the chain", rc, em.msg);
			if (rc == SSP_ERR_PARSE || rc == SSP_ERR_REVERTED)
				fprintf(stderr, "ssp: is %s the ShareMinter?\n", contract);
			goto out;
		}
	}
	ao.export_dir = dir;
	ao.chain = chain;
	ao.stats = stats;
	ao.stats_master_url = project;
	ao.threads = (unsigned)threads;
	ao.max_issues = (size_t)max_issues;
	if (tty) {
		ao.progress = claims_progress;
		ao.progress_ctx = &dirty;
	}
	rc = ssp_audit_run(&ao, &report, &em);
	if (dirty)
		fputc('\n', stderr);
	if (rc != 0) {
		ssp_cmd_fail("audit", rc, em.msg);
		goto out;
	}
	rc = ssp_audit_report_format(report, json, &text);
	if (rc != 0) {
		ssp_cmd_fail("audit report", rc, NULL);
		goto out;
	}
	fputs(text, stdout);
	if (fflush(stdout) != 0) {
		ssp_cmd_fail("audit", SSP_ERR_IO, "writing the report");
		goto out;
	}
	if (html != NULL) {
		free(text);
		text = NULL;
		rc = ssp_audit_report_html(report, &text);
		if (rc == 0)
			rc = ssp_file_write_atomic(html, text, strlen(text), 0644);
		if (rc != 0) {
			ssp_cmd_fail(html, rc, "writing the HTML report");
			goto out;
		}
	}
	status = report->nissues == 0 ? SSP_EXIT_OK : SSP_EXIT_FALSE;
out:
	free(text);
	ssp_audit_report_free(report);
	ssp_audit_chain_free(chain);
	ssp_rpc_free(rpc);
	ssp_stats_free(stats);
	return status;
}
