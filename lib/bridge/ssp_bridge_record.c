/* The deployment record of `ssp deploy` (see ssp_deploy_record_write in ssp_bridge.h). */
#include "bridge/ssp_bridge_int.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Build outputs read back: combined.json and the standard-JSON inputs (sources inlined). */
#define MAX_BUILD_FILE (32u << 20)

static json_t *hex_json(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 3);
	json_t *j;

	if (s == NULL)
		return NULL;
	ssp_hex_encode(b, n, s, 1);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *addr_json(const uint8_t a[SSP_ADDR_LEN])
{
	char s[SSP_ADDR_STRLEN];

	return json_string(ssp_address_format(a, s));
}

static json_t *u64_dec(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof s, "%llu", (unsigned long long)v);
	return json_string(s);
}

/* One contract's entry; copies NAME.input.json into dir. */
static int contract_entry(const char *dir, const char *cdir, const char *name, const char *source,
			  const uint8_t addr[SSP_ADDR_LEN], const uint8_t tx[32], uint64_t block,
			  const uint8_t bhash[32], const uint8_t *args, size_t args_len,
			  json_t *named_args, json_t **out, ssp_errmsg *em)
{
	char path[SSP_BRIDGE_PATH_MAX + 64], file[64], full[128];
	char *input = NULL;
	uint8_t sha[SSP_SHA256_LEN], kec[32], *bin = NULL;
	size_t ilen, blen;
	int rc;

	*out = NULL;
	snprintf(file, sizeof file, "%s.input.json", name);
	snprintf(path, sizeof path, "%s/%s", cdir, file);
	if ((rc = ssp_file_read(path, MAX_BUILD_FILE, &input, &ilen)) != 0) {
		json_decref(named_args);
		return ssp_errmsg_set(em, rc, "cannot read %s: %s (a build older than the deployment "
				      "record? rebuild the contracts)", path, ssp_strerror(rc));
	}
	snprintf(file, sizeof file, "%s.bin", name);
	if ((rc = ssp_bridge_read_bin(cdir, file, &bin, &blen, em)) != 0) {
		json_decref(named_args);
		goto out;
	}
	ssp_keccak256(bin, blen, kec);
	if ((rc = ssp_sha256(input, ilen, sha)) != 0) {
		json_decref(named_args);
		goto out;
	}
	snprintf(file, sizeof file, "%s.input.json", name);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((rc = ssp_file_write_new(path, input, ilen, 0644)) != 0) {
		json_decref(named_args);
		ssp_errmsg_set(em, rc, "cannot write %s: %s", path, ssp_strerror(rc));
		goto out;
	}
	snprintf(full, sizeof full, "%s:%s", source, name);
	*out = json_pack("{s:s,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:s,s:o}", "contractName", full,
			 "address", addr_json(addr), "transactionHash", hex_json(tx, 32),
			 "blockNumber", (json_int_t)block, "blockHash", hex_json(bhash, 32),
			 "constructorArguments", hex_json(args, args_len),
			 "constructorArgs", named_args,
			 "creationBytecodeKeccak256", hex_json(kec, 32),
			 "standardJsonInput", file,
			 "standardJsonInputSha256", hex_json(sha, SSP_SHA256_LEN));
	if (*out == NULL)
		rc = SSP_ERR_NOMEM;
out:
	free(input);
	free(bin);
	return rc;
}

int ssp_deploy_record_write(const char *dir, const ssp_deploy_params *p,
			    const ssp_deploy_result *r, ssp_errmsg *em)
{
	char path[SSP_BRIDGE_PATH_MAX + 64], *text = NULL, *doc_text = NULL, rate[SSP_U256_DEC_MAX];
	json_t *combined = NULL, *compiler, *signers, *token = NULL, *minter = NULL, *doc = NULL;
	json_error_t jerr;
	size_t len;
	int rc;

	if (dir == NULL || p == NULL || r == NULL || p->contracts_dir == NULL)
		return SSP_ERR_INVAL;
	snprintf(path, sizeof path, "%s/combined.json", p->contracts_dir);
	if ((rc = ssp_file_read(path, MAX_BUILD_FILE, &text, &len)) != 0)
		return ssp_errmsg_set(em, rc, "cannot read %s: %s", path, ssp_strerror(rc));
	combined = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!json_is_string(json_object_get(combined, "version")) ||
	    !json_is_object(json_object_get(combined, "settings"))) {
		json_decref(combined);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s has no compiler version and settings", path);
	}
	if (mkdir(dir, 0755) != 0) {
		json_decref(combined);
		if (errno == EEXIST)
			return ssp_errmsg_set(em, SSP_ERR_EXISTS, "%s exists: a deployment record is "
					      "never overwritten; give another --record", dir);
		return ssp_errmsg_set(em, SSP_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
	}
	signers = json_array();
	for (size_t i = 0; i < p->nsigners; i++)
		json_array_append_new(signers, addr_json(p->signers[i]));
	if ((rc = contract_entry(dir, p->contracts_dir, "SSPToken", "contracts/SSPToken.sol", r->token,
				 r->token_tx, r->token_block, r->token_block_hash, r->token_args,
				 r->token_args_len,
				 json_pack("{s:o}", "admin", addr_json(r->deployer)), &token, em)) != 0) {
		json_decref(signers);
		goto out;
	}
	if ((rc = contract_entry(dir, p->contracts_dir, "ShareMinter", "contracts/ShareMinter.sol",
				 r->minter, r->minter_tx, r->minter_block, r->minter_block_hash,
				 r->minter_args, r->minter_args_len,
				 json_pack("{s:o,s:o,s:o,s:o,s:i,s:s,s:o}", "token", addr_json(r->token),
					   "admin", addr_json(r->deployer), "guardian",
					   addr_json(p->guardian), "signers", signers, "threshold",
					   (int)p->threshold, "weiPerMicroCredit",
					   ssp_u256_to_dec(&p->rate, rate), "maxBatchCredit",
					   u64_dec(p->max_batch_credit)), &minter, em)) != 0)
		goto out;
	compiler = json_pack("{s:O,s:O}", "version", json_object_get(combined, "version"),
			     "settings", json_object_get(combined, "settings"));
	doc = json_pack("{s:i,s:I,s:o,s:I,s:I,s:o,s:{s:o,s:o},s:{s:o,s:I,s:o}}", "version", 1,
			"chainId", (json_int_t)r->chain_id, "deployer", addr_json(r->deployer),
			"deployedAt", (json_int_t)time(NULL), "deployBlock",
			(json_int_t)r->minter_block, "compiler", compiler, "contracts",
			"SSPToken", token, "ShareMinter", minter, "minterRoleGrant",
			"transactionHash", hex_json(r->grant_tx, 32), "blockNumber",
			(json_int_t)r->grant_block, "blockHash", hex_json(r->grant_block_hash, 32));
	token = minter = NULL;
	if (doc == NULL || (doc_text = json_dumps(doc, JSON_INDENT(1))) == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	len = strlen(doc_text);
	doc_text[len] = '\0';
	snprintf(path, sizeof path, "%s/deployment.json", dir);
	{
		char *withnl = malloc(len + 2);

		if (withnl == NULL) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
		memcpy(withnl, doc_text, len);
		withnl[len] = '\n';
		rc = ssp_file_write_new(path, withnl, len + 1, 0644);
		free(withnl);
	}
	if (rc != 0)
		ssp_errmsg_set(em, rc, "cannot write %s: %s", path, ssp_strerror(rc));
out:
	json_decref(token);
	json_decref(minter);
	json_decref(doc);
	json_decref(combined);
	free(doc_text);
	return rc;
}
