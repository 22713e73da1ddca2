/* ssp deploy: deploys SSPToken and ShareMinter, grants the minter MINTER_ROLE. */
#include "config.h"
#include "bridge/ssp_bridge.h"
#include "ssp_cmd.h"
#include "core/ssp_conf.h"
#include "core/ssp_hex.h"
#include "core/ssp_log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ssp_cmd_deploy(int argc, char **argv);


#define MAX_SIGNERS 255

static const char deploy_help[] =
	"Usage: ssp deploy --rpc URL --keystore FILE --password-file P --signer ADDR...\n"
	"                  --threshold M --rate WEI [options]\n\n"
	"Deploys SSPToken and ShareMinter with EIP-1559 transactions from the keystore's\n"
	"account (which becomes the admin of both), grants the minter the token's MINTER_ROLE,\n"
	"and prints chain_id, deployer, token, minter, their transaction hashes and blocks, one\n"
	"\"name value\" line each. It writes a deployment record (docs/operations.md): a directory\n"
	"with deployment.json (chain id, addresses, transactions, blocks, constructor arguments,\n"
	"compiler version and settings) and, per contract, the standard-JSON compiler input that\n"
	"Etherscan and Sourcify accept for source verification.\n\n"
	"  --rpc URL               Ethereum JSON-RPC endpoint (http:// or https://)\n"
	"  --keystore FILE         keystore v3 of the deploying account (pays the gas)\n"
	"  --password-file P       its password file (mode 0600)\n"
	"  --signer ADDR           a batch signer; repeat for each (1..255)\n"
	"  --threshold M           signatures needed per batch (1..number of signers)\n"
	"  --rate WEI              wei of SSP per micro-cobblestone (1..2^64-1)\n"
	"  --guardian ADDR         the account allowed to pause minting (default: none)\n"
	"  --max-batch-credit N    per-batch credit ceiling, micro-cobblestones\n"
	"                          (default 18446744073709551615: no ceiling)\n"
	"  --conf FILE             also write [chain] rpc_url, chain_id, minter, token and\n"
	"                          deploy_block into FILE\n"
	"  --record DIR            the deployment record's directory, which must not exist\n"
	"                          (default: deployment-<chain id>-<minter address>)\n"
	"  --contracts DIR         directory holding SSPToken.bin and ShareMinter.bin\n"
	"                          (default: $SSP_CONTRACTS_DIR, else <prefix>/share/" PACKAGE "/contracts\n"
	"                          next to the installed program, else the build tree's\n"
	"                          contracts/build)\n"
	"  --max-fee-gwei G        refuse to bid more than G gwei per gas\n"
	"  --timeout S             seconds to wait for each receipt (default 300)\n"
	"  -v, --verbose           log progress on stderr\n"
	"  -h, --help              this help\n";

/* The installed bytecode directory, found from the program's own path (<prefix>/bin/ssp →
 * <prefix>/share/PACKAGE/contracts), or the build tree's contracts/build. 0 or -1. */
static int default_contracts(char *out, size_t cap)
{
	static const char *const rel[] = { "/../share/" PACKAGE "/contracts", "/../contracts/build" };
	char exe[4096], probe[4300];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		int a = snprintf(out, cap, "%s%s", exe, rel[i]);

		if (a < 0 || (size_t)a >= cap)
			continue;
		snprintf(probe, sizeof probe, "%.4150s/ShareMinter.bin", out);
		if (access(probe, R_OK) == 0)
			return 0;
	}
	return -1;
}

static int set_conf(const char *conf, const char *key, const char *value)
{
	int rc = ssp_conf_set(conf, "chain", key, value);

	if (rc != 0)
		return ssp_cmd_fail(conf, rc, key);
	return 0;
}

int ssp_cmd_deploy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rpc", required_argument, NULL, 'r' },
		{ "keystore", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "signer", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'R' },
		{ "guardian", required_argument, NULL, 'g' },
		{ "max-batch-credit", required_argument, NULL, 'm' },
		{ "conf", required_argument, NULL, 'c' },
		{ "contracts", required_argument, NULL, 'C' },
		{ "max-fee-gwei", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "record", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rpc = NULL, *keystore = NULL, *pwfile = NULL, *conf = NULL, *contracts = NULL;
	const char *record = NULL;
	char defrecord[128], h[67];
	static uint8_t signers[MAX_SIGNERS][SSP_ADDR_LEN];
	char defdir[4200], a1[SSP_ADDR_STRLEN], num[32];
	ssp_deploy_params p;
	ssp_deploy_result res;
	ssp_u256 fee_cap;
	ssp_errmsg em = { { 0 } };
	uint8_t sk[32];
	uint64_t v;
	int c, rc, status = SSP_EXIT_ERROR, have_rate = 0, have_threshold = 0;

	memset(&p, 0, sizeof p);
	memset(&res, 0, sizeof res);
	p.max_batch_credit = UINT64_MAX;
	ssp_log_set_ident("ssp deploy");
	ssp_log_set_level(SSP_LOG_CRITICAL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rpc = optarg; break;
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'c': conf = optarg; break;
		case 'C': contracts = optarg; break;
		case 'D': record = optarg; break;
		case 's':
			if (p.nsigners == MAX_SIGNERS)
				return ssp_cmd_usage_error("deploy", "at most 255 --signer");
			if (ssp_address_parse(optarg, signers[p.nsigners]) != 0)
				return ssp_cmd_usage_error("deploy", "--signer: not an address (or bad EIP-55 checksum)");
			for (size_t i = 0; i < p.nsigners; i++)
				if (memcmp(signers[i], signers[p.nsigners], SSP_ADDR_LEN) == 0)
					return ssp_cmd_usage_error("deploy", "--signer given twice");
			p.nsigners++;
			break;
		case 't':
			if (ssp_cmd_parse_u64(optarg, &v) != 0 || v < 1 || v > MAX_SIGNERS)
				return ssp_cmd_usage_error("deploy", "--threshold must be 1..255");
			p.threshold = (unsigned)v;
			have_threshold = 1;
			break;
		case 'R':
			if (ssp_u256_from_dec(&p.rate, optarg) != 0 || ssp_u256_is_zero(&p.rate) ||
			    ssp_u256_to_u64(&p.rate, &v) != 0)
				return ssp_cmd_usage_error("deploy", "--rate must be a decimal 1..18446744073709551615");
			have_rate = 1;
			break;
		case 'g':
			if (ssp_address_parse(optarg, p.guardian) != 0)
				return ssp_cmd_usage_error("deploy", "--guardian: not an address");
			break;
		case 'm':
			if (ssp_cmd_parse_u64(optarg, &p.max_batch_credit) != 0 || p.max_batch_credit == 0)
				return ssp_cmd_usage_error("deploy", "--max-batch-credit must be a decimal >= 1");
			break;
		case 'f':
			if (ssp_bridge_parse_gwei(optarg, &fee_cap) != 0)
				return ssp_cmd_usage_error("deploy", "--max-fee-gwei: not a gwei amount");
			p.max_fee_cap = &fee_cap;
			break;
		case 'T':
			if (ssp_cmd_parse_u64(optarg, &v) != 0 || v < 1 || v > 86400)
				return ssp_cmd_usage_error("deploy", "--timeout must be 1..86400 seconds");
			p.timeout_s = (long)v;
			break;
		case 'v': ssp_log_set_level(SSP_LOG_NORMAL); break;
		case 'h': fputs(deploy_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("deploy", "deploy: bad option");
		}
	}
	if (optind < argc)
		return ssp_cmd_usage_error("deploy", "deploy: unexpected argument");
	if (rpc == NULL || keystore == NULL || pwfile == NULL || p.nsigners == 0 || !have_rate ||
	    !have_threshold)
		return ssp_cmd_usage_error("deploy", "deploy: --rpc, --keystore, --password-file, "
				           "--signer, --threshold and --rate are required");
	if (p.threshold > p.nsigners)
		return ssp_cmd_usage_error("deploy", "--threshold is larger than the number of signers");
	if (contracts == NULL)
		contracts = getenv("SSP_CONTRACTS_DIR");
	if (contracts == NULL) {
		if (default_contracts(defdir, sizeof defdir) != 0)
			return ssp_cmd_usage_error("deploy", "deploy: cannot find SSPToken.bin and "
						   "ShareMinter.bin: use --contracts DIR");
		contracts = defdir;
	}
	p.rpc_url = rpc;
	p.contracts_dir = contracts;
	p.signers = (const uint8_t(*)[SSP_ADDR_LEN])signers;
	if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
		return SSP_EXIT_ERROR;
	rc = ssp_bridge_deploy(&p, sk, &res, &em);
	ssp_wipe(sk, sizeof sk);
	if (rc != 0) {
		ssp_cmd_fail("deploy", rc, em.msg);
		goto out;
	}
	memset(&em, 0, sizeof em);
	printf("chain_id %llu\n", (unsigned long long)res.chain_id);
	printf("deployer %s\n", ssp_address_format(res.deployer, a1));
	printf("token %s\n", ssp_address_format(res.token, a1));
	printf("minter %s\n", ssp_address_format(res.minter, a1));
	printf("token_tx %s\n", ssp_hex_encode(res.token_tx, 32, h, 1));
	printf("token_block %llu\n", (unsigned long long)res.token_block);
	printf("minter_tx %s\n", ssp_hex_encode(res.minter_tx, 32, h, 1));
	printf("minter_block %llu\n", (unsigned long long)res.minter_block);
	printf("grant_tx %s\n", ssp_hex_encode(res.grant_tx, 32, h, 1));
	printf("grant_block %llu\n", (unsigned long long)res.grant_block);
	printf("deploy_block %llu\n", (unsigned long long)res.minter_block);
	fflush(stdout);
	if (record == NULL) {
		char hexaddr[43];

		snprintf(defrecord, sizeof defrecord, "deployment-%llu-%s",
			 (unsigned long long)res.chain_id, ssp_hex_encode(res.minter, SSP_ADDR_LEN, hexaddr, 1));
		record = defrecord;
	}
	rc = ssp_deploy_record_write(record, &p, &res, &em);
	if (rc != 0) {
		ssp_cmd_fail("deployment record", rc, em.msg);
		fprintf(stderr, "ssp: the contracts ARE deployed (above); keep this output\n");
	} else {
		printf("record %s\n", record);
	}
	fflush(stdout);
	if (conf != NULL) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)res.chain_id);
		if (set_conf(conf, "rpc_url", rpc) != 0 || set_conf(conf, "chain_id", num) != 0 ||
		    set_conf(conf, "minter", ssp_address_format(res.minter, a1)) != 0 ||
		    set_conf(conf, "token", ssp_address_format(res.token, a1)) != 0)
			goto out;
		snprintf(num, sizeof num, "%llu", (unsigned long long)res.minter_block);
		if (set_conf(conf, "deploy_block", num) != 0)
			goto out;
	}
	if (rc == 0)
		status = SSP_EXIT_OK;
out:
	ssp_deploy_result_clear(&res);
	return status;
}
