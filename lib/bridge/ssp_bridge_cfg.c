/* ssp_bridge configuration from ssp.conf, gwei amounts, and the revert-error table. */
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_conf.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keystore.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every custom error ShareMinter and SSPToken declare, and the OpenZeppelin errors a mint can
 * raise (Pausable, AccessControl, ERC20, ERC20Capped). tests/integration/47-bridge-revert.sh
 * checks that the contracts' ABI declares nothing missing from this table. */
const char *const ssp_bridge_error_sigs[] = {
	/* ShareMinter */
	"InsufficientSignatures(uint256,uint256)",
	"InvalidSignatureLength(uint256,uint256)",
	"SignatureHighS(uint256,bytes32)",
	"InvalidSignature(uint256)",
	"NotSigner(uint256,address)",
	"SignersNotAscending(uint256,address)",
	"SeqReplayed(bytes32,uint64,uint64)",
	"SeqGap(bytes32,uint64,uint64)",
	"InvalidSeqRange(uint64,uint64)",
	"PayoutsHashMismatch(bytes32,bytes32)",
	"PayoutsNotSorted(uint256)",
	"TotalCreditMismatch(uint64,uint256)",
	"BatchCreditTooLarge(uint64,uint64)",
	"MiningCapExceeded(uint256,uint256)",
	"InvalidToken(address)",
	"ZeroAddress()",
	"InvalidSigner(address)",
	"UnknownSigner(address)",
	"TooManySigners()",
	"InvalidThreshold(uint256,uint256)",
	"InvalidRate(uint256)",
	"InvalidMaxBatchCredit(uint64)",
	/* SSPToken */
	"InvalidAdmin()",
	"InvalidUnit(uint256)",
	"InvalidPayout(uint256)",
	/* OpenZeppelin */
	"EnforcedPause()",
	"ExpectedPause()",
	"AccessControlUnauthorizedAccount(address,bytes32)",
	"AccessControlBadConfirmation()",
	"ERC20ExceededCap(uint256,uint256)",
	"ERC20InvalidCap(uint256)",
	"ERC20InvalidReceiver(address)",
	"ERC20InvalidSender(address)",
	"ERC20InsufficientBalance(address,uint256,uint256)",
	"ERC20InsufficientAllowance(address,uint256,uint256)",
	"ERC20InvalidApprover(address)",
	"ERC20InvalidSpender(address)",
	"ECDSAInvalidSignature()",
	"ECDSAInvalidSignatureLength(uint256)",
	"ECDSAInvalidSignatureS(bytes32)",
	"InvalidShortString()",
	"StringTooLong(string)",
};
const size_t ssp_bridge_nerror_sigs = sizeof ssp_bridge_error_sigs / sizeof ssp_bridge_error_sigs[0];

void ssp_bridge_cfg_defaults(ssp_bridge_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->confirmations = 3;
	cfg->gas_headroom_percent = 25;
	cfg->rpc_timeout_ms = 10000;
	cfg->rpc_retries = 2;
	cfg->poll_interval = 5.0;
	cfg->stuck_after = 180;
	cfg->max_chain_failures = 3;
	cfg->retry_delay = 60.0;
	cfg->low_balance_batches = 20;
	/* 100 gwei and 2 gwei unless ssp.conf says otherwise. */
	ssp_u256_from_u64(&cfg->max_fee_cap, 100000000000ULL);
	ssp_u256_from_u64(&cfg->max_tip_cap, 2000000000ULL);
}

int ssp_bridge_parse_gwei(const char *text, ssp_u256 *wei)
{
	ssp_u256 whole, frac;
	char ip[80], fp[10] = "000000000";
	const char *dot;
	size_t il, fl;
	int rc;

	if (text == NULL || text[0] == '\0')
		return SSP_ERR_PARSE;
	dot = strchr(text, '.');
	il = dot ? (size_t)(dot - text) : strlen(text);
	fl = dot ? strlen(dot + 1) : 0;
	if (il == 0 || il >= sizeof ip || (dot && (fl == 0 || fl > 9)))
		return il >= sizeof ip ? SSP_ERR_RANGE : SSP_ERR_PARSE;
	memcpy(ip, text, il);
	ip[il] = '\0';
	for (size_t i = 0; i < fl; i++) {
		if (dot[1 + i] < '0' || dot[1 + i] > '9')
			return SSP_ERR_PARSE;
		fp[i] = dot[1 + i];
	}
	if ((rc = ssp_u256_from_dec(&whole, ip)) != 0)
		return rc;
	if ((rc = ssp_u256_mul_u64(&whole, &whole, 1000000000ULL)) != 0)
		return rc;
	ssp_u256_from_u64(&frac, strtoull(fp, NULL, 10));
	return ssp_u256_add(wei, &whole, &frac);
}

static int copy_str(char *dst, const char *src, const char *key, ssp_errmsg *em)
{
	if (strlen(src) >= SSP_BRIDGE_PATH_MAX)
		return ssp_errmsg_set(em, SSP_ERR_CONFIG, "%s is too long", key);
	strcpy(dst, src);
	return 0;
}

/* The plain "address" member of a keystore file, without decrypting it. */
int ssp_bridge_keystore_address(const char *path, uint8_t addr[SSP_ADDR_LEN])
{
	char *text = NULL, hex[64];
	json_t *root = NULL, *a;
	size_t len;
	int rc;

	if ((rc = ssp_file_read(path, SSP_KEYSTORE_MAX_FILE, &text, &len)) != 0)
		return rc;
	root = json_loadb(text, len, 0, NULL);
	a = json_object_get(root, "address");
	rc = SSP_ERR_NOT_FOUND;
	if (json_is_string(a) && json_string_length(a) < 50) {
		const char *s = json_string_value(a);

		snprintf(hex, sizeof hex, "%s%s", strncmp(s, "0x", 2) == 0 ? "" : "0x", s);
		rc = ssp_hex_decode_exact(hex, addr, SSP_ADDR_LEN);
	}
	json_decref(root);
	free(text);
	return rc;
}

int ssp_bridge_cfg_load(const char *path, ssp_bridge_cfg *cfg, ssp_errmsg *em)
{
	ssp_conf *c = NULL;
	const char *s;
	double d;
	int rc;

	ssp_bridge_cfg_defaults(cfg);
	if ((rc = ssp_conf_load(path, &c, em)) != 0)
		return rc;
#define STR(sec, key, dst)                                                        \
	if ((rc = ssp_conf_get_str(c, sec, key, NULL, &s, em)) != 0 ||            \
	    (rc = copy_str(dst, s, sec "." key, em)) != 0)                        \
		goto out;
	STR("project", "master_url", cfg->master_url);
	STR("project", "ledger", cfg->ledger);
	STR("chain", "rpc_url", cfg->rpc_url);
	STR("bridge", "keystore", cfg->keystore);
	STR("bridge", "password_file", cfg->password_file);
#undef STR
	ssp_project_id(cfg->master_url, cfg->project);
	if ((rc = ssp_conf_get_u64(c, "chain", "chain_id", 0, &cfg->chain_id, em)) != 0)
		goto out;
	if (cfg->chain_id == 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "missing or zero chain.chain_id in %s", path);
		goto out;
	}
	if ((rc = ssp_conf_get_str(c, "chain", "minter", NULL, &s, em)) != 0)
		goto out;
	if (ssp_address_parse(s, cfg->minter) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "chain.minter in %s is not an address", path);
		goto out;
	}
	if ((rc = ssp_conf_get_u64(c, "bridge", "confirmations", cfg->confirmations,
				   &cfg->confirmations, em)) != 0)
		goto out;
	if (cfg->confirmations == 0)
		cfg->confirmations = 1;
	if ((rc = ssp_conf_get_u64(c, "bridge", "gas_headroom_percent", cfg->gas_headroom_percent,
				   &cfg->gas_headroom_percent, em)) != 0)
		goto out;
	if (cfg->gas_headroom_percent > 1000) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.gas_headroom_percent above 1000");
		goto out;
	}
	s = ssp_conf_get(c, "bridge", "max_fee_per_gas_gwei");
	if (s != NULL && ssp_bridge_parse_gwei(s, &cfg->max_fee_cap) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.max_fee_per_gas_gwei in %s: not a gwei amount", path);
		goto out;
	}
	s = ssp_conf_get(c, "bridge", "max_priority_fee_per_gas_gwei");
	if (s != NULL && ssp_bridge_parse_gwei(s, &cfg->max_tip_cap) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG,
				    "bridge.max_priority_fee_per_gas_gwei in %s: not a gwei amount", path);
		goto out;
	}
	if (ssp_u256_cmp(&cfg->max_tip_cap, &cfg->max_fee_cap) > 0)
		cfg->max_tip_cap = cfg->max_fee_cap;
	if ((rc = ssp_conf_get_double(c, "bridge", "rpc_timeout", 10.0, &d, em)) != 0)
		goto out;
	if (d < 0.1 || d > 3600) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.rpc_timeout must be 0.1..3600 seconds");
		goto out;
	}
	cfg->rpc_timeout_ms = (long)(d * 1000);
	if ((rc = ssp_conf_get_double(c, "bridge", "poll_interval", 5.0, &d, em)) != 0)
		goto out;
	if (d < 0 || d > 86400) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.poll_interval must be 0..86400 seconds");
		goto out;
	}
	cfg->poll_interval = d;
	if ((rc = ssp_conf_get_double(c, "bridge", "retry_delay", cfg->retry_delay, &d, em)) != 0)
		goto out;
	if (d < 0 || d > 86400) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.retry_delay must be 0..86400 seconds");
		goto out;
	}
	cfg->retry_delay = d;
	if ((rc = ssp_conf_get_u64(c, "bridge", "low_balance_batches", cfg->low_balance_batches,
				   &cfg->low_balance_batches, em)) != 0)
		goto out;
	if (cfg->low_balance_batches > 1000000) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "bridge.low_balance_batches above 1000000");
		goto out;
	}
	s = ssp_conf_get(c, "validator", "keystore");
	if (s != NULL && ssp_bridge_keystore_address(s, cfg->validator_signer) == 0)
		cfg->has_validator_signer = 1;
	rc = 0;
out:
	ssp_conf_free(c);
	return rc;
}
