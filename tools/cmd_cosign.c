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
#include "boinc/ssp_stats.h"
#include "crypto/ssp_key.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char cosign_help[] =
	"Usage: ssp cosign --export DIR --batch N CHAIN STATS (--keystore K --password-file P |\n"
	"                  --typed-data FILE) [--out FILE]\n"
	"         CHAIN: --rpc URL --contract ADDR [--from-block N] | --skip-chain-check\n"
	"         STATS: --boinc-stats user.gz [--project URL] | --skip-stats-check\n"
	"       ssp cosign --add FILE [--typed-data FILE [--signer ADDR]]\n"
	"                  (--conf ssp.conf | --ledger PATH --chain-id N --minter ADDR)\n\n"
	"The auditor's side: an independent check of batch N of the export DIR, then a\n"
	"signature. It refuses to sign unless it has checked the batch\n"
	"  - against the chain (--rpc, --contract: the minter as you know it, not from the\n"
	"    export): the chain id is read from the node and the minter is yours, the export\n"
	"    must be for them; every claim of the batch and the batch itself must be signed by\n"
	"    the minter's current signer set (replayed from its events);\n"
	"  - against BOINC's published statistics (--boinc-stats, downloaded after the export):\n"
	"    each user's credit claimed up to the batch within BOINC's total_credit;\n"
	"and the batch's claims root, payouts and total recompute from its claims. Only an\n"
	"explicit --skip-chain-check or --skip-stats-check drops a check (it is printed).\n"
	"Before signing it prints what it signs: project, seqs, credit, SSP, minter, chain.\n"
	"With --keystore it signs the batch's EIP-712 digest and prints the co-signature as\n"
	"JSON (or writes it to --out). With --typed-data FILE it signs nothing: it writes the\n"
	"batch as EIP-712 typed data (eth_signTypedData_v4 JSON) for a hardware wallet, a Safe\n"
	"or `cast wallet sign --data --from-file FILE`; the signature goes back with --add.\n"
	"Exit status: 0 signed (or typed data written), 1 refused (the reasons printed, nothing\n"
	"signed), 2 error. Batches already MINTED or FINAL are not signed.\n\n"
	"The project's side (--add): verifies a co-signature FILE (the JSON above; or, with\n"
	"--typed-data, FILE holds the 0x signature a wallet made over that typed data) against\n"
	"the batch in the ledger (same header, same chain and minter, the signature recovers\n"
	"to its signer, --signer when given) and records it; the bridge submits it with the\n"
	"batch (signatures sorted by signer).\n\n"
	"  --export DIR          the export\n"
	"  --batch N             the batch id (as in batches.ndjson.gz)\n"
	"  --rpc URL, --contract ADDR        the chain and the minter\n"
	"  --from-block N        first block of the minter's events (default: the manifest's\n"
	"                        chain.deployBlock; 0 when it has none)\n"
	"  --skip-chain-check    sign without the chain (chain id and minter as the export says)\n"
	"  --boinc-stats FILE    BOINC's statistics export user.gz (or user.xml)\n"
	"  --project URL         the master URL the stats are of (default: the export's)\n"
	"  --skip-stats-check    sign without comparing credit with BOINC's statistics\n"
	"  --keystore K, --password-file P   the auditor's key\n"
	"  --typed-data FILE     write the typed data there (auditor); read it (with --add)\n"
	"  --out FILE            write the co-signature there (mode 0644) instead of stdout\n"
	"  --add FILE            record a co-signature (or a wallet's signature) in the ledger\n"
	"  --signer ADDR         with --add --typed-data: the signer the signature must be by\n"
	"  --conf FILE           ssp.conf ([project] ledger, [chain] chain_id, minter)\n"
	"  --ledger PATH, --chain-id N, --minter ADDR   instead of --conf\n"
	"  -h, --help            this help\n";

/* A wallet's signature over typed data (file typed) into cs: the header and domain from the
 * typed data, the signature from file ("0x" + 130 hex digits, whitespace around it allowed),
 * the signer recovered from it (it must be want_signer when given). cs->batch_id is left 0. */
static int typed_cosig(const char *file, const char *typed, const char *want_signer, ssp_cosig *cs,
		       int *status)
{
	ssp_errmsg em = { { 0 } };
	char *text = NULL, *sigtext = NULL, a1[SSP_ADDR_STRLEN];
	size_t len = 0, n;
	uint8_t digest[32], want[SSP_ADDR_LEN];
	ssp_domain d;
	int rc;

	memset(cs, 0, sizeof *cs);
	rc = ssp_export_read_file(typed, SSP_COSIG_MAX_JSON, &text, &len, &em);
	if (rc == 0)
		rc = ssp_batch_typed_data_parse(text, len, &cs->chain_id, cs->minter, &cs->header, &em);
	if (rc != 0) {
		ssp_cmd_fail(typed, rc, em.msg);
		goto out;
	}
	rc = ssp_export_read_file(file, 1024, &sigtext, &len, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign --add", rc, em.msg);
		goto out;
	}
	{
		char *s = sigtext;

		while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			s++;
		n = strcspn(s, " \r\n\t");
		s[n] = '\0';
		rc = ssp_hex_decode_exact(s, cs->sig, SSP_SIG_LEN);
	}
	if (rc != 0) {
		ssp_cmd_fail(file, rc, "not a 65-byte 0x-hex signature");
		goto out;
	}
	if (cs->sig[64] < 27)
		cs->sig[64] += 27; /* wallets that give v as 0/1: the contract takes 27/28 */
	d.chain_id = cs->chain_id;
	memcpy(d.contract, cs->minter, SSP_ADDR_LEN);
	ssp_eip712_batch_digest(&d, &cs->header, digest);
	if (ssp_recover(digest, cs->sig, cs->signer) != 0) {
		fprintf(stderr, "ssp: %s: not a valid signature of the typed data in %s\n", file, typed);
		*status = SSP_EXIT_FALSE;
		rc = SSP_ERR_BAD_SIG;
		goto out;
	}
	if (want_signer != NULL) {
		rc = ssp_address_parse(want_signer, want);
		if (rc != 0) {
			ssp_cmd_fail("--signer", rc, want_signer);
			goto out;
		}
		if (memcmp(want, cs->signer, SSP_ADDR_LEN) != 0) {
			fprintf(stderr, "ssp: %s: the signature is by %s, not %s\n", file,
				ssp_address_format(cs->signer, a1), want_signer);
			*status = SSP_EXIT_FALSE;
			rc = SSP_ERR_BAD_SIG;
			goto out;
		}
	}
	rc = 0;
out:
	free(text);
	free(sigtext);
	return rc;
}

static int same_header(const ssp_batch *a, const ssp_batch *b)
{
	return memcmp(a->project, b->project, 32) == 0 && a->first_seq == b->first_seq &&
	       a->last_seq == b->last_seq && memcmp(a->claims_root, b->claims_root, 32) == 0 &&
	       memcmp(a->payouts_hash, b->payouts_hash, 32) == 0 && a->total_credit == b->total_credit;
}

/* The id of the ledger's batch with header h waiting for signatures (SEALED or SUBMITTED),
 * 0 when there is none. */
static int64_t find_waiting(ssp_ledger *l, const ssp_batch *h)
{
	static const int states[] = { SSP_BATCH_SEALED, SSP_BATCH_SUBMITTED };
	int64_t found = 0;

	for (size_t s = 0; s < 2 && found == 0; s++) {
		int64_t *ids = NULL;
		size_t n = 0;

		if (ssp_ledger_batches_in_state(l, h->project, states[s], &ids, &n) != 0)
			continue;
		for (size_t i = 0; i < n && found == 0; i++) {
			ssp_ledger_batch b;

			if (ssp_ledger_batch_get(l, ids[i], &b) == 0 && same_header(&b.header, h))
				found = ids[i];
			ssp_ledger_batch_clear(&b);
		}
		free(ids);
	}
	return found;
}

static int add_cosig(const char *file, const char *typed, const char *want_signer,
		     const char *conf_path, const char *ledger, const char *chain, const char *minter)
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
	if (typed != NULL) {
		rc = typed_cosig(file, typed, want_signer, &cs, &status);
		if (rc != 0)
			goto out;
	} else {
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
	if (typed != NULL) {
		cs.batch_id = find_waiting(l, &cs.header);
		if (cs.batch_id == 0) {
			fprintf(stderr, "ssp: %s: no batch of the ledger waiting for signatures has this header (seqs %llu..%llu)\n",
				typed, (unsigned long long)cs.header.first_seq,
				(unsigned long long)cs.header.last_seq);
			status = SSP_EXIT_FALSE;
			goto out;
		}
	}
	rc = ssp_ledger_batch_get(l, cs.batch_id, &b);
	if (rc != 0) {
		ssp_cmd_fail("batch", rc, rc == SSP_ERR_NOT_FOUND ? "not in the ledger" : ssp_ledger_errmsg(l));
		goto out;
	}
	if (!same_header(&b.header, &cs.header)) {
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

/* micro-cobblestones as "cobblestones.micro". */
static const char *cobbles(uint64_t micro, char buf[32])
{
	snprintf(buf, 32, "%llu.%06llu", (unsigned long long)(micro / 1000000),
		 (unsigned long long)(micro % 1000000));
	return buf;
}

/* What is about to be signed, and what was checked, on standard error. */
static void print_intent(const ssp_export_manifest *m, const ssp_export_batch *b,
			 uint64_t chain_id, const uint8_t minter[SSP_ADDR_LEN],
			 const ssp_audit_report *r, int chain_checked, int stats_checked)
{
	char h[67], a1[SSP_ADDR_STRLEN], c1[32], c2[32], s1[SSP_U256_DEC_MAX + 4];
	char rate[SSP_U256_DEC_MAX];
	ssp_u256 wei;
	const ssp_u256 *rp = chain_checked && r->has_head_rate ? &r->head_rate :
			     m->has_rate ? &m->rate : NULL;

	fprintf(stderr, "about to sign batch %lld of %s\n", (long long)b->id, m->master_url);
	fprintf(stderr, "  project   %s\n", ssp_hex_encode(b->header.project, 32, h, 1));
	fprintf(stderr, "  seqs      %llu..%llu (%llu claims)\n",
		(unsigned long long)b->header.first_seq, (unsigned long long)b->header.last_seq,
		(unsigned long long)(b->header.last_seq - b->header.first_seq + 1));
	fprintf(stderr, "  credit    %s cobblestones to %zu beneficiaries\n",
		cobbles(b->header.total_credit, c1), b->npayouts);
	if (rp != NULL && ssp_u256_mul_u64(&wei, rp, b->header.total_credit) == 0)
		fprintf(stderr, "  SSP       %s (rate %s wei per micro-cobblestone, %s)\n",
			ssp_audit_ssp_string(&wei, s1), ssp_u256_to_dec(rp, rate),
			chain_checked && r->has_head_rate ? "the minter's weiPerMicroCredit()"
							   : "as the export says: NOT CHECKED");
	else
		fprintf(stderr, "  SSP       unknown (no rate)\n");
	fprintf(stderr, "  minter    %s%s\n", ssp_address_format(minter, a1),
		chain_checked ? " (given by you)" : " (as the export says: NOT CHECKED)");
	fprintf(stderr, "  chain     %llu%s\n", (unsigned long long)chain_id,
		chain_checked ? " (read from the node)" : " (as the export says: NOT CHECKED)");
	if (chain_checked)
		fprintf(stderr, "  checked   chain: the batch and its claims signed by the minter's signers (%llu, threshold %llu) at block %llu\n",
			(unsigned long long)r->head_signers, (unsigned long long)r->head_threshold,
			(unsigned long long)r->to_block);
	else
		fprintf(stderr, "  SKIPPED   chain check (--skip-chain-check): signer set, minter and chain id not checked\n");
	if (stats_checked) {
		fprintf(stderr, "  checked   BOINC stats: %llu users' credit claimed up to seq %llu within BOINC's total_credit\n",
			(unsigned long long)(r->stats_users - r->stats_unlisted_users),
			(unsigned long long)b->header.last_seq);
		if (r->stats_unlisted_users > 0)
			fprintf(stderr, "  unlisted  %llu users (%s cobblestones) not in BOINC's stats, so not checked (%s)\n",
				(unsigned long long)r->stats_unlisted_users,
				cobbles(r->stats_unlisted_credit, c2), SSP_AUDIT_UNLISTED_REASON);
	} else {
		fprintf(stderr, "  SKIPPED   BOINC stats check (--skip-stats-check): credit not compared with BOINC's\n");
	}
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
		{ "from-block", required_argument, NULL, 'F' },
		{ "skip-chain-check", no_argument, NULL, 'X' },
		{ "boinc-stats", required_argument, NULL, 's' },
		{ "project", required_argument, NULL, 'P' },
		{ "skip-stats-check", no_argument, NULL, 'S' },
		{ "typed-data", required_argument, NULL, 't' },
		{ "signer", required_argument, NULL, 'g' },
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
	const char *chain_s = NULL, *minter_s = NULL, *stats_path = NULL, *project = NULL;
	const char *typed = NULL, *signer_s = NULL, *from_s = NULL;
	ssp_audit_chain_opts co;
	ssp_audit_opts ao;
	ssp_audit_chain *chain = NULL;
	ssp_audit_report *report = NULL;
	ssp_export_manifest m;
	ssp_export_batch b;
	ssp_stats *stats = NULL;
	ssp_rpc *rpc = NULL;
	ssp_cosig cs;
	ssp_domain d;
	ssp_errmsg em = { { 0 } };
	uint8_t sk[32], digest[32], addr[SSP_ADDR_LEN];
	uint64_t id = 0, from_block = 0;
	char *text = NULL, a1[SSP_ADDR_STRLEN];
	int c, rc, skip_chain = 0, skip_stats = 0, status = SSP_EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': dir = optarg; break;
		case 'b': batch = optarg; break;
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'r': url = optarg; break;
		case 'c': contract = optarg; break;
		case 'F': from_s = optarg; break;
		case 'X': skip_chain = 1; break;
		case 's': stats_path = optarg; break;
		case 'P': project = optarg; break;
		case 'S': skip_stats = 1; break;
		case 't': typed = optarg; break;
		case 'g': signer_s = optarg; break;
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
		if (dir != NULL || batch != NULL || keystore != NULL || url != NULL ||
		    stats_path != NULL || skip_chain || skip_stats)
			return ssp_cmd_usage_error("cosign", "cosign --add takes no --export, --batch, "
							     "--keystore or check options");
		if (signer_s != NULL && typed == NULL)
			return ssp_cmd_usage_error("cosign", "cosign: --signer goes with --add and --typed-data");
		return add_cosig(add, typed, signer_s, conf, ledger, chain_s, minter_s);
	}
	if (dir == NULL || batch == NULL)
		return ssp_cmd_usage_error("cosign", "cosign: --export and --batch are required");
	if ((keystore == NULL) == (typed == NULL) || (keystore == NULL) != (pwfile == NULL))
		return ssp_cmd_usage_error("cosign", "cosign: either --keystore and --password-file "
						     "(sign) or --typed-data FILE (for another wallet)");
	if (typed != NULL && outfile != NULL)
		return ssp_cmd_usage_error("cosign", "cosign: --typed-data writes its own file: no --out");
	if (signer_s != NULL)
		return ssp_cmd_usage_error("cosign", "cosign: --signer goes with --add");
	if (ssp_cmd_parse_u64(batch, &id) != 0 || id == 0 || id > INT64_MAX)
		return ssp_cmd_usage_error("cosign", "cosign: --batch must be a positive batch id");
	if ((url == NULL) != (contract == NULL))
		return ssp_cmd_usage_error("cosign", "cosign: --rpc and --contract go together");
	if (url == NULL && !skip_chain)
		return ssp_cmd_usage_error("cosign", "cosign: refusing to sign without checking the chain: "
						     "give --rpc URL --contract ADDR (or --skip-chain-check)");
	if (url != NULL && skip_chain)
		return ssp_cmd_usage_error("cosign", "cosign: --skip-chain-check with --rpc: which one?");
	if (stats_path == NULL && !skip_stats)
		return ssp_cmd_usage_error("cosign", "cosign: refusing to sign without checking credit against "
						     "BOINC's statistics: give --boinc-stats user.gz (or --skip-stats-check)");
	if (stats_path != NULL && skip_stats)
		return ssp_cmd_usage_error("cosign", "cosign: --skip-stats-check with --boinc-stats: which one?");
	if (project != NULL && stats_path == NULL)
		return ssp_cmd_usage_error("cosign", "cosign: --project goes with --boinc-stats");
	if (from_s != NULL && (url == NULL || ssp_cmd_parse_u64(from_s, &from_block) != 0))
		return ssp_cmd_usage_error("cosign", "cosign: --from-block N goes with --rpc");
	memset(&b, 0, sizeof b);
	memset(sk, 0, sizeof sk);

	rc = ssp_export_manifest_read(dir, &m, &em);
	if (rc != 0) {
		ssp_cmd_fail("cosign", rc, em.msg);
		goto out;
	}
	d.chain_id = m.chain_id;
	memcpy(d.contract, m.minter, SSP_ADDR_LEN);
	if (url != NULL) {
		rc = ssp_address_parse(contract, addr);
		if (rc != 0) {
			ssp_cmd_fail("--contract", rc, contract);
			goto out;
		}
		rc = ssp_rpc_new(url, NULL, &rpc);
		if (rc != 0) {
			ssp_cmd_fail("--rpc", rc, url);
			goto out;
		}
		memset(&co, 0, sizeof co);
		/* Default: the minter's deployment block as the export records it. The state before
		 * it (signers, threshold, rate) is read from the chain, not taken from the export. */
		co.from_block = from_s != NULL ? from_block : m.has_deploy_block ? m.deploy_block : 0;
		rc = ssp_audit_chain_fetch(rpc, addr, &co, &chain, &em);
		if (rc != 0) {
			ssp_cmd_fail("reading the chain", rc, em.msg);
			goto out;
		}
		/* What is signed is for the chain as read and the minter as given, never the
		 * export's (the audit below reports an export made for others). */
		d.chain_id = chain->chain_id;
		memcpy(d.contract, addr, SSP_ADDR_LEN);
	}
	if (stats_path != NULL) {
		rc = ssp_audit_stats_read(stats_path, &stats, &em);
		if (rc != 0) {
			ssp_cmd_fail("--boinc-stats", rc, em.msg);
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
	ao.stats = stats;
	ao.stats_master_url = project;
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
		for (int k = 0; k < SSP_AK_COUNT; k++)
			if (report->by_kind[k] > 0)
				fprintf(stderr, "ssp: cosign: refused: %s (%llu): %s\n", ssp_audit_kind_name(k),
					(unsigned long long)report->by_kind[k], ssp_audit_kind_help(k));
		fprintf(stderr, "ssp: cosign: batch %lld does not check out: not signed\n", (long long)id);
		status = SSP_EXIT_FALSE;
		goto out;
	}
	print_intent(&m, &b, d.chain_id, d.contract, report, chain != NULL, stats != NULL);
	if (typed != NULL) {
		rc = ssp_batch_typed_data_format(d.chain_id, d.contract, &b.header, &text);
		if (rc == 0)
			rc = ssp_file_write_atomic(typed, text, strlen(text), 0644);
		if (rc != 0) {
			ssp_cmd_fail(typed, rc, NULL);
			goto out;
		}
		fprintf(stderr, "typed data written to %s: sign it (eth_signTypedData_v4), then the project runs\n"
				"  ssp cosign --add SIGNATURE-FILE --typed-data %s --conf ssp.conf\n",
			typed, typed);
		status = SSP_EXIT_OK;
		goto out;
	}
	if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
		goto out;
	memset(&cs, 0, sizeof cs);
	cs.chain_id = d.chain_id;
	memcpy(cs.minter, d.contract, SSP_ADDR_LEN);
	cs.batch_id = b.id;
	cs.header = b.header;
	ssp_eip712_batch_digest(&d, &b.header, digest);
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
	ssp_stats_free(stats);
	ssp_rpc_free(rpc);
	return status;
}
