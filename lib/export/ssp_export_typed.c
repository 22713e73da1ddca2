/* A ShareBatch as EIP-712 typed data (the JSON of eth_signTypedData_v4), so that an auditor
 * can co-sign with any wallet: a hardware wallet, a Safe, `cast wallet sign --data`. */
#include "export/ssp_export.h"
#include "core/ssp_json.h"
#include "export/ssp_export_int.h"
#include "core/ssp_hex.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* uint64 as a decimal string (wallets and JavaScript lose precision on numbers over 2^53). */
static json_t *dec_new(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

static json_t *field(const char *name, const char *type)
{
	return json_pack("{s:s,s:s}", "name", name, "type", type);
}

int ssp_batch_typed_data_format(uint64_t chain_id, const uint8_t minter[SSP_ADDR_LEN],
				const ssp_batch *h, char **out)
{
	json_t *o, *types, *dom, *msg, *td, *tb;
	int bad = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (minter == NULL || h == NULL)
		return SSP_ERR_INVAL;
	o = json_object();
	types = json_object();
	td = json_array();
	tb = json_array();
	if (td == NULL || tb == NULL ||
	    json_array_append_new(td, field("name", "string")) != 0 ||
	    json_array_append_new(td, field("version", "string")) != 0 ||
	    json_array_append_new(td, field("chainId", "uint256")) != 0 ||
	    json_array_append_new(td, field("verifyingContract", "address")) != 0 ||
	    json_array_append_new(tb, field("project", "bytes32")) != 0 ||
	    json_array_append_new(tb, field("firstSeq", "uint64")) != 0 ||
	    json_array_append_new(tb, field("lastSeq", "uint64")) != 0 ||
	    json_array_append_new(tb, field("claimsRoot", "bytes32")) != 0 ||
	    json_array_append_new(tb, field("payoutsHash", "bytes32")) != 0 ||
	    json_array_append_new(tb, field("totalCredit", "uint64")) != 0)
		bad = 1;
	ssp_exj_set(types, "EIP712Domain", td, &bad);
	ssp_exj_set(types, "ShareBatch", tb, &bad);
	ssp_exj_set(o, "types", types, &bad);
	ssp_exj_set(o, "primaryType", json_string("ShareBatch"), &bad);
	dom = json_object();
	ssp_exj_set(dom, "name", json_string(SSP_EIP712_NAME), &bad);
	ssp_exj_set(dom, "version", json_string(SSP_EIP712_VERSION), &bad);
	/* A JSON number when JavaScript holds it exactly (as wallets expect), else a string. */
	ssp_exj_set(dom, "chainId",
		    chain_id <= (1ULL << 53) ? json_integer((json_int_t)chain_id) : dec_new(chain_id),
		    &bad);
	ssp_exj_set(dom, "verifyingContract", ssp_exj_addr_new(minter), &bad);
	ssp_exj_set(o, "domain", dom, &bad);
	msg = json_object();
	ssp_exj_set(msg, "project", ssp_exj_hex_new(h->project, 32), &bad);
	ssp_exj_set(msg, "firstSeq", dec_new(h->first_seq), &bad);
	ssp_exj_set(msg, "lastSeq", dec_new(h->last_seq), &bad);
	ssp_exj_set(msg, "claimsRoot", ssp_exj_hex_new(h->claims_root, 32), &bad);
	ssp_exj_set(msg, "payoutsHash", ssp_exj_hex_new(h->payouts_hash, 32), &bad);
	ssp_exj_set(msg, "totalCredit", dec_new(h->total_credit), &bad);
	ssp_exj_set(o, "message", msg, &bad);
	return ssp_exj_dump_doc(o, bad, out);
}

/* Member name of obj as a uint64: a JSON integer or a decimal string. */
static int u64_member(const json_t *obj, const char *where, const char *name, uint64_t *out,
		      ssp_errmsg *em)
{
	const json_t *v = json_object_get(obj, name);
	const char *s;
	char *end = NULL;
	unsigned long long x;

	if (json_is_integer(v))
		return ssp_json_u64(obj, where, name, 0, UINT64_MAX, out, em);
	if (!json_is_string(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: a number or a decimal string expected",
				      where, name);
	s = json_string_value(v);
	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0') || strlen(s) > 20)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: not a decimal number", where, name);
	x = strtoull(s, &end, 10);
	if (*end != '\0' || (strlen(s) == 20 && strcmp(s, "18446744073709551615") > 0))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: not a uint64", where, name);
	*out = (uint64_t)x;
	return 0;
}

/* The types member must be exactly ours (same names, types and order). */
static int check_types(const json_t *types, ssp_errmsg *em)
{
	char *want = NULL;
	uint8_t zero[SSP_ADDR_LEN] = { 0 };
	ssp_batch h;
	json_t *mine = NULL;
	int rc = SSP_ERR_PARSE;

	memset(&h, 0, sizeof h);
	if (ssp_batch_typed_data_format(1, zero, &h, &want) != 0)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	mine = json_loads(want, 0, NULL);
	if (mine != NULL && json_equal(json_object_get(mine, "types"), types))
		rc = 0;
	free(want);
	json_decref(mine);
	if (rc != 0)
		return ssp_errmsg_set(em, rc,
				      "typed data: types are not EIP712Domain and ShareBatch as SmartShare defines them");
	return 0;
}

int ssp_batch_typed_data_parse(const char *text, size_t len, uint64_t *chain_id,
			       uint8_t minter[SSP_ADDR_LEN], ssp_batch *h, ssp_errmsg *em)
{
	static const char *const top[] = { "types", "primaryType", "domain", "message" };
	static const char *const dnames[] = { "name", "version", "chainId", "verifyingContract" };
	static const char *const mnames[] = { "project", "firstSeq", "lastSeq", "claimsRoot",
					      "payoutsHash", "totalCredit" };
	json_error_t err;
	json_t *j;
	const json_t *dom, *msg;
	ssp_batch tmp;
	uint64_t cid = 0;
	uint8_t m[SSP_ADDR_LEN];
	int rc;

	if (text == NULL || chain_id == NULL || minter == NULL || h == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no typed data");
	if (len > SSP_COSIG_MAX_JSON)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "typed data larger than %u bytes",
				      SSP_COSIG_MAX_JSON);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "typed data: JSON error at line %d column %d",
				      err.line, err.column);
	memset(&tmp, 0, sizeof tmp);
	rc = ssp_json_members(j, "typed data", top, 4, em);
	if (rc == 0)
		rc = check_types(json_object_get(j, "types"), em);
	if (rc == 0 && !json_is_string(json_object_get(j, "primaryType")))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "typed data.primaryType: a string expected");
	if (rc == 0 && strcmp(json_string_value(json_object_get(j, "primaryType")), "ShareBatch") != 0)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "typed data.primaryType: not ShareBatch");
	dom = json_object_get(j, "domain");
	msg = json_object_get(j, "message");
	if (rc == 0)
		rc = ssp_json_members(dom, "typed data.domain", dnames, 4, em);
	if (rc == 0 && (!json_is_string(json_object_get(dom, "name")) ||
			!json_is_string(json_object_get(dom, "version")) ||
			strcmp(json_string_value(json_object_get(dom, "name")), SSP_EIP712_NAME) != 0 ||
			strcmp(json_string_value(json_object_get(dom, "version")), SSP_EIP712_VERSION) != 0))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "typed data.domain: not SmartShare version 1");
	if (rc == 0)
		rc = u64_member(dom, "typed data.domain", "chainId", &cid, em);
	if (rc == 0)
		rc = ssp_exj_addr(dom, "typed data.domain", "verifyingContract", m, em);
	if (rc == 0)
		rc = ssp_json_members(msg, "typed data.message", mnames, 6, em);
	if (rc == 0)
		rc = ssp_json_hex(msg, "typed data.message", "project", 1, tmp.project, 32, em);
	if (rc == 0)
		rc = u64_member(msg, "typed data.message", "firstSeq", &tmp.first_seq, em);
	if (rc == 0)
		rc = u64_member(msg, "typed data.message", "lastSeq", &tmp.last_seq, em);
	if (rc == 0)
		rc = ssp_json_hex(msg, "typed data.message", "claimsRoot", 1, tmp.claims_root, 32, em);
	if (rc == 0)
		rc = ssp_json_hex(msg, "typed data.message", "payoutsHash", 1, tmp.payouts_hash, 32, em);
	if (rc == 0)
		rc = u64_member(msg, "typed data.message", "totalCredit", &tmp.total_credit, em);
	json_decref(j);
	if (rc != 0)
		return rc;
	*chain_id = cid;
	memcpy(minter, m, SSP_ADDR_LEN);
	*h = tmp;
	return 0;
}
