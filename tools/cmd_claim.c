/* ssp claim digest | sign | proof | verify-proof: the EIP-712 ShareClaim of docs/formats.md. */
#include "export/ssp_audit.h"
#include "crypto/ssp_claim_json.h"
#include "ssp_cmd.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "export/ssp_export.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIM_FILE_CAP (64 * 1024)

static const char claim_help[] =
	"Usage: ssp claim digest --chain-id N --contract ADDR CLAIM.json\n"
	"       ssp claim sign --keystore K --password-file P --chain-id N --contract ADDR CLAIM.json\n"
	"       ssp claim proof --export DIR --result ID\n"
	"       ssp claim verify-proof PROOF.json [--rpc URL [--contract ADDR]]\n\n"
	"digest  prints the EIP-712 digest of the ShareClaim in CLAIM.json as 0x-hex.\n"
	"sign    prints {\"digest\":…,\"signature\":…,\"signer\":…}: the digest, the 65-byte\n"
	"        r‖s‖v signature (low s, v 27/28, RFC 6979) and the signer's address.\n\n"
	"CLAIM.json (use - for standard input) is a JSON object with exactly the ShareClaim\n"
	"fields by their EIP-712 names: project, resultDigest (0x + 64 hex), beneficiary\n"
	"(0x address), seq, resultId, workunitId, userId, hostId, credit, grantedAt (JSON\n"
	"numbers). Missing, extra or malformed fields are errors that name the field.\n\n"
	"  --chain-id N          the chain id of the EIP-712 domain\n"
	"  --contract ADDR       the ShareMinter address (verifyingContract)\n"
	"  --keystore K, --password-file P   the signing key (sign only)\n"
	"  -h, --help            this help\n\n"
	"proof         prints the Merkle proof (JSON) that the claim of BOINC result ID is in\n"
	"              its batch, from a project's public export DIR (see ssp export).\n"
	"verify-proof  checks a proof on its own (leaf = the claim's EIP-712 struct hash,\n"
	"              proof up to the batch's claimsRoot), prints the batch, the signer and\n"
	"              the mint transaction; exit 0 valid, 1 invalid, 2 error. With --rpc URL\n"
	"              it also finds the minter's BatchMinted event of the batch and checks its\n"
	"              claimsRoot (the minter of the proof, or --contract ADDR).\n";

static int read_claim(const char *path, ssp_claim *claim)
{
	ssp_errmsg em = { { 0 } };
	char *text = NULL;
	size_t len;
	int rc;

	rc = ssp_file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path, CLAIM_FILE_CAP, &text, &len);
	if (rc != 0)
		return ssp_cmd_fail(path, rc, rc == SSP_ERR_TOO_BIG ? "a claim file is at most 64 KiB" : NULL);
	rc = ssp_claim_from_json(text, len, claim, &em);
	free(text);
	if (rc != 0)
		return ssp_cmd_fail(path, rc, em.msg);
	return 0;
}

/* ssp claim proof | verify-proof: a volunteer's Merkle proof from a public export (the work is
 * in lib/ssp_export_proof.c). */
static int claim_proof(int argc, char **argv)
{
	const char *dir = NULL, *result = NULL;
	ssp_claim_proof p;
	ssp_errmsg em = { { 0 } };
	uint64_t id;
	char *text = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--export") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--result") == 0 && i + 1 < argc)
			result = argv[++i];
		else
			return ssp_cmd_usage_error("claim", "claim proof: expected --export DIR --result ID");
	}
	if (dir == NULL || result == NULL || ssp_cmd_parse_u64(result, &id) != 0)
		return ssp_cmd_usage_error("claim", "claim proof: expected --export DIR --result ID");
	rc = ssp_claim_proof_build(dir, id, &p, &em);
	if (rc == 0)
		rc = ssp_claim_proof_format(&p, &text);
	if (rc != 0)
		return ssp_cmd_fail("claim proof", rc, em.msg);
	fputs(text, stdout);
	free(text);
	return SSP_EXIT_OK;
}

/* The BatchMinted event of the proof's batch, over JSON-RPC (lib/ssp_audit_chain.c). */
static int claim_proof_on_chain(const ssp_claim_proof *p, const char *url, const char *contract)
{
	ssp_rpc *rpc = NULL;
	ssp_chain_event ev;
	ssp_errmsg em = { { 0 } };
	uint8_t minter[SSP_ADDR_LEN];
	uint64_t chain_id = 0;
	char hex[67];
	int rc;

	memcpy(minter, p->minter, SSP_ADDR_LEN);
	if (contract != NULL && (rc = ssp_address_parse(contract, minter)) != 0)
		return ssp_cmd_fail("--contract", rc, contract);
	rc = ssp_rpc_new(url, NULL, &rpc);
	if (rc != 0)
		return ssp_cmd_fail("--rpc", rc, url);
	rc = ssp_rpc_chain_id(rpc, &chain_id, &em);
	if (rc == 0 && chain_id != p->chain_id) {
		ssp_rpc_free(rpc);
		printf("NOT ON THIS CHAIN: the proof is for chain %llu, the node is on chain %llu\n",
		       (unsigned long long)p->chain_id, (unsigned long long)chain_id);
		return SSP_EXIT_FALSE;
	}
	if (rc == 0)
		rc = ssp_audit_find_mint(rpc, minter, p->header.project, p->header.first_seq,
					 p->has_tx ? p->block_number : 0,
					 p->has_tx ? p->block_number : UINT64_MAX, 0, &ev, &em);
	if (rc == SSP_ERR_NOT_FOUND && p->has_tx) /* reorganised into another block? */
		rc = ssp_audit_find_mint(rpc, minter, p->header.project, p->header.first_seq, 0,
					 UINT64_MAX, 0, &ev, &em);
	ssp_rpc_free(rpc);
	if (rc == SSP_ERR_NOT_FOUND) {
		printf("NOT MINTED: no BatchMinted event of the project starts at seq %llu\n",
		       (unsigned long long)p->header.first_seq);
		return SSP_EXIT_FALSE;
	}
	if (rc != 0)
		return ssp_cmd_fail("reading the chain", rc, em.msg);
	if (ev.last_seq != p->header.last_seq || memcmp(ev.claims_root, p->header.claims_root, 32) != 0 ||
	    ev.total_credit != p->header.total_credit) {
		printf("MISMATCH: the BatchMinted event in block %llu minted seqs %llu..%llu with claimsRoot %s\n",
		       (unsigned long long)ev.block_number, (unsigned long long)ev.first_seq,
		       (unsigned long long)ev.last_seq, ssp_hex_encode(ev.claims_root, 32, hex, 1));
		return SSP_EXIT_FALSE;
	}
	printf("on chain: BatchMinted in block %llu, tx %s, with this claimsRoot\n",
	       (unsigned long long)ev.block_number, ssp_hex_encode(ev.tx_hash, 32, hex, 1));
	return SSP_EXIT_OK;
}

static int claim_verify_proof(int argc, char **argv)
{
	ssp_claim_proof p;
	ssp_errmsg em = { { 0 } };
	uint8_t signer[SSP_ADDR_LEN], zero[SSP_ADDR_LEN] = { 0 };
	char *text = NULL, addr[SSP_ADDR_STRLEN], hex[67];
	const char *file = NULL, *url = NULL, *contract = NULL;
	size_t len;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rpc") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "--contract") == 0 && i + 1 < argc)
			contract = argv[++i];
		else if (file == NULL && (argv[i][0] != '-' || argv[i][1] == '\0'))
			file = argv[i];
		else
			file = NULL, i = argc;
	}
	if (file == NULL || (contract != NULL && url == NULL))
		return ssp_cmd_usage_error("claim", "claim verify-proof: expected PROOF.json (- for stdin) "
						    "[--rpc URL [--contract ADDR]]");
	rc = ssp_file_read(strcmp(file, "-") == 0 ? "/dev/stdin" : file, SSP_PROOF_MAX_JSON, &text,
			   &len);
	if (rc != 0)
		return ssp_cmd_fail(file, rc, NULL);
	rc = ssp_claim_proof_parse(text, len, &p, &em);
	free(text);
	if (rc != 0)
		return ssp_cmd_fail(file, rc, em.msg);
	rc = ssp_claim_proof_verify(&p, signer, &em);
	if (rc == SSP_ERR_MISMATCH) {
		printf("INVALID: %s\n", em.msg);
		return SSP_EXIT_FALSE;
	}
	if (rc != 0)
		return ssp_cmd_fail("claim verify-proof", rc, em.msg);
	printf("valid: result %llu (seq %llu, credit %llu) is leaf %llu of batch %lld, seqs %llu..%llu\n",
	       (unsigned long long)p.claim.claim.result_id, (unsigned long long)p.claim.claim.seq,
	       (unsigned long long)p.claim.claim.credit, (unsigned long long)p.index,
	       (long long)p.claim.batch_id, (unsigned long long)p.header.first_seq,
	       (unsigned long long)p.header.last_seq);
	printf("claimsRoot %s\n", ssp_hex_encode(p.header.claims_root, 32, hex, 1));
	printf("beneficiary %s\n", ssp_address_format(p.claim.claim.beneficiary, addr));
	if (memcmp(signer, zero, sizeof zero) == 0)
		printf("claim signature: does not recover (invalid)\n");
	else
		printf("claim signed by %s\n", ssp_address_format(signer, addr));
	printf("batch state in the export: %s\n", ssp_export_state_name(p.state));
	if (p.has_tx)
		printf("minted by tx %s in block %llu\n", ssp_hex_encode(p.tx_hash, 32, hex, 1),
		       (unsigned long long)p.block_number);
	if (url == NULL) {
		printf("To check the mint on chain: --rpc URL, or the minter's BatchMinted event with "
		       "this claimsRoot.\n");
		return SSP_EXIT_OK;
	}
	return claim_proof_on_chain(&p, url, contract);
}

int ssp_cmd_claim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keystore", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "chain-id", required_argument, NULL, 'c' },
		{ "contract", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const actions[] = { "digest", "sign", "proof", "verify-proof", NULL };
	const char *keystore = NULL, *pwfile = NULL, *chain = NULL, *contract = NULL, *action;
	ssp_domain domain;
	ssp_claim claim;
	uint8_t sk[32], digest[32], sig[SSP_SIG_LEN], addr[SSP_ADDR_LEN];
	char dhex[2 * 32 + 3], shex[2 * SSP_SIG_LEN + 3], atext[SSP_ADDR_STRLEN];
	int c, rc, status = SSP_EXIT_ERROR;

	if ((rc = ssp_cmd_action(argc, argv, "claim", actions, claim_help, &action)) >= 0)
		return rc;
	if (strcmp(action, "proof") == 0)
		return claim_proof(argc - 1, argv + 1);
	if (strcmp(action, "verify-proof") == 0)
		return claim_verify_proof(argc - 1, argv + 1);
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'c': chain = optarg; break;
		case 'a': contract = optarg; break;
		case 'h': fputs(claim_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("claim", "claim: bad option");
		}
	}
	if (optind + 1 != argc - 1)
		return ssp_cmd_usage_error("claim", "claim: expected exactly one CLAIM.json argument");
	if (chain == NULL || contract == NULL)
		return ssp_cmd_usage_error("claim", "claim: --chain-id and --contract are required");
	if (ssp_cmd_parse_u64(chain, &domain.chain_id) != 0 || domain.chain_id == 0)
		return ssp_cmd_usage_error("claim", "claim: --chain-id must be a positive decimal number");
	rc = ssp_address_parse(contract, domain.contract);
	if (rc != 0)
		return ssp_cmd_fail("--contract", rc, contract);
	if (read_claim(argv[optind + 1], &claim) != 0)
		return SSP_EXIT_ERROR;
	ssp_eip712_claim_digest(&domain, &claim, digest);
	ssp_hex_encode(digest, sizeof(digest), dhex, 1);
	if (strcmp(action, "digest") == 0) {
		printf("%s\n", dhex);
		return SSP_EXIT_OK;
	}

	if (keystore == NULL || pwfile == NULL)
		return ssp_cmd_usage_error("claim", "claim sign: --keystore and --password-file are required");
	if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
		goto out;
	rc = ssp_sign(sk, digest, sig);
	if (rc == 0)
		rc = ssp_key_address(sk, addr);
	if (rc != 0) {
		ssp_cmd_fail("claim sign", rc, NULL);
		goto out;
	}
	printf("{\"digest\":\"%s\",\"signature\":\"%s\",\"signer\":\"%s\"}\n", dhex,
	       ssp_hex_encode(sig, sizeof(sig), shex, 1), ssp_address_format(addr, atext));
	status = SSP_EXIT_OK;
out:
	ssp_wipe(sk, sizeof(sk));
	return status;
}
