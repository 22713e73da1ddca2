/* ssp_bridge configuration from ssp.conf, gwei amounts, and the revert-error table. */
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_cfg.h"
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
	memcpy(dst, src, strlen(src) + 1);
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

/* The numeric settings of c (the file's values or the table's defaults). */
static int apply_numbers(ssp_bridge_cfg *cfg, const ssp_cfg *c)
{
	cfg->confirmations = ssp_cfg_u64(c, SSP_CFG_BRIDGE_CONFIRMATIONS);
	cfg->gas_headroom_percent = ssp_cfg_u64(c, SSP_CFG_BRIDGE_GAS_HEADROOM_PERCENT);
	if (ssp_bridge_parse_gwei(ssp_cfg_str(c, SSP_CFG_BRIDGE_MAX_FEE_PER_GAS_GWEI), &cfg->max_fee_cap) != 0 ||
	    ssp_bridge_parse_gwei(ssp_cfg_str(c, SSP_CFG_BRIDGE_MAX_PRIORITY_FEE_PER_GAS_GWEI), &cfg->max_tip_cap) != 0)
		return SSP_ERR_CONFIG;
	if (ssp_u256_cmp(&cfg->max_tip_cap, &cfg->max_fee_cap) > 0)
		cfg->max_tip_cap = cfg->max_fee_cap;
	cfg->rpc_timeout_ms = (long)(ssp_cfg_double(c, SSP_CFG_BRIDGE_RPC_TIMEOUT) * 1000);
	cfg->poll_interval = ssp_cfg_double(c, SSP_CFG_BRIDGE_POLL_INTERVAL);
	cfg->retry_delay = ssp_cfg_double(c, SSP_CFG_BRIDGE_RETRY_DELAY);
	cfg->low_balance_batches = ssp_cfg_u64(c, SSP_CFG_BRIDGE_LOW_BALANCE_BATCHES);
	return 0;
}

/* Settings ssp.conf does not have, then the table's defaults (lib/core/ssp_cfg.c). */
void ssp_bridge_cfg_defaults(ssp_bridge_cfg *cfg)
{
	ssp_cfg *c = NULL;

	memset(cfg, 0, sizeof *cfg);
	cfg->rpc_retries = 2;
	cfg->stuck_after = 180;
	cfg->max_chain_failures = 3;
	if (ssp_cfg_defaults(&c) == 0)
		(void)apply_numbers(cfg, c);
	ssp_cfg_free(c);
}

int ssp_bridge_cfg_load(const char *path, ssp_bridge_cfg *cfg, ssp_errmsg *em)
{
	static const struct {
		ssp_cfg_id id;
		size_t off;
	} strs[] = {
		{ SSP_CFG_PROJECT_MASTER_URL, offsetof(ssp_bridge_cfg, master_url) },
		{ SSP_CFG_PROJECT_LEDGER, offsetof(ssp_bridge_cfg, ledger) },
		{ SSP_CFG_CHAIN_RPC_URL, offsetof(ssp_bridge_cfg, rpc_url) },
		{ SSP_CFG_BRIDGE_KEYSTORE, offsetof(ssp_bridge_cfg, keystore) },
		{ SSP_CFG_BRIDGE_PASSWORD_FILE, offsetof(ssp_bridge_cfg, password_file) },
	};
	ssp_cfg *c = NULL;
	const char *s;
	int rc;

	ssp_bridge_cfg_defaults(cfg);
	if ((rc = ssp_cfg_load(path, &c, em)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const ssp_cfg_def *d = ssp_cfg_def_of(strs[i].id);
		char *dst = (char *)cfg + strs[i].off;

		if ((rc = ssp_cfg_require(c, strs[i].id, em)) != 0)
			goto out;
		s = ssp_cfg_str(c, strs[i].id);
		if ((rc = copy_str(dst, s, d->key, em)) != 0)
			goto out;
	}
	ssp_project_id(cfg->master_url, cfg->project);
	if ((rc = ssp_cfg_require(c, SSP_CFG_CHAIN_CHAIN_ID, em)) != 0 ||
	    (rc = ssp_cfg_require(c, SSP_CFG_CHAIN_MINTER, em)) != 0)
		goto out;
	cfg->chain_id = ssp_cfg_u64(c, SSP_CFG_CHAIN_CHAIN_ID);
	if (ssp_address_parse(ssp_cfg_str(c, SSP_CFG_CHAIN_MINTER), cfg->minter) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "[chain] minter in %s is not an address (EIP-55 checksum)", path);
		goto out;
	}
	if ((rc = apply_numbers(cfg, c)) != 0) {
		rc = ssp_errmsg_set(em, rc, "[bridge] fee ceilings in %s: not gwei amounts", path);
		goto out;
	}
	s = ssp_cfg_str(c, SSP_CFG_VALIDATOR_KEYSTORE);
	if (s != NULL && ssp_bridge_keystore_address(s, cfg->validator_signer) == 0)
		cfg->has_validator_signer = 1;
	rc = 0;
out:
	ssp_cfg_free(c);
	return rc;
}
