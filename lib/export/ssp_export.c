/* The public export: the strict JSON helpers the export formats share, and the manifest. */
#include "export/ssp_export.h"
#include "core/ssp_json.h"
#include "export/ssp_export_int.h"
#include "crypto/ssp_claim_json.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ------------------------------------------------------------------ JSON helpers */

int ssp_exj_addr(const json_t *obj, const char *where, const char *name,
		    uint8_t out[SSP_ADDR_LEN], ssp_errmsg *em)
{
	const json_t *v = json_object_get(obj, name);
	int rc;

	if (!json_is_string(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected a string, got %s", where,
				      name, v ? ssp_json_type(v) : "nothing");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: NUL in string", where, name);
	rc = ssp_address_parse(json_string_value(v), out);
	if (rc == SSP_ERR_CHECKSUM)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: bad EIP-55 checksum", where, name);
	if (rc != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected \"0x\" and 40 hex digits",
				      where, name);
	return 0;
}

json_t *ssp_exj_hex_new(const uint8_t *p, size_t n)
{
	char buf[2 * SSP_SIG_LEN + 3];

	if (n > SSP_SIG_LEN)
		return NULL;
	return json_string(ssp_hex_encode(p, n, buf, 1));
}

json_t *ssp_exj_addr_new(const uint8_t a[SSP_ADDR_LEN])
{
	char buf[SSP_ADDR_STRLEN];

	return json_string(ssp_address_format(a, buf));
}

#define U64_MAX_JSON 9223372036854775807ULL

json_t *ssp_exj_u64_new(uint64_t v)
{
	return v > U64_MAX_JSON ? NULL : json_integer((json_int_t)v);
}

/* json_object_set_new that remembers a failure (a NULL value) in *bad. */
void ssp_exj_set(json_t *obj, const char *name, json_t *v, int *bad)
{
	if (v == NULL || obj == NULL || json_object_set_new(obj, name, v) != 0)
		*bad = 1;
}

int ssp_exj_dump_doc(json_t *o, int bad, char **out)
{
	char *s, *t;
	size_t n;

	s = bad ? NULL : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return bad ? SSP_ERR_RANGE : SSP_ERR_NOMEM;
	n = strlen(s);
	t = malloc(n + 2);
	if (t != NULL) {
		memcpy(t, s, n);
		t[n] = '\n';
		t[n + 1] = '\0';
	}
	free(s);
	if (t == NULL)
		return SSP_ERR_NOMEM;
	*out = t;
	return 0;
}

/* ------------------------------------------------------------------ manifest */

static json_t *file_json(const ssp_export_file *f, int *bad)
{
	json_t *o = json_object();
	char hex[65];

	ssp_exj_set(o, "sha256", json_string(ssp_hex_encode(f->sha256, 32, hex, 0)), bad);
	ssp_exj_set(o, "bytes", ssp_exj_u64_new(f->bytes), bad);
	ssp_exj_set(o, "lines", ssp_exj_u64_new(f->lines), bad);
	return o;
}

int ssp_export_manifest_format(const ssp_export_manifest *m, char **out)
{
	json_t *o = NULL, *sub;
	char dec[SSP_U256_DEC_MAX];
	int bad = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (m == NULL || strlen(m->master_url) == 0)
		return SSP_ERR_INVAL;
	o = json_object();
	ssp_exj_set(o, "format", json_string(SSP_EXPORT_FORMAT), &bad);
	ssp_exj_set(o, "version", json_integer(SSP_EXPORT_VERSION), &bad);
	ssp_exj_set(o, "createdAt", ssp_exj_u64_new(m->created_at), &bad);
	sub = json_object();
	ssp_exj_set(sub, "masterUrl", json_string(m->master_url), &bad);
	ssp_exj_set(sub, "id", ssp_exj_hex_new(m->project, 32), &bad);
	ssp_exj_set(o, "project", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "chainId", ssp_exj_u64_new(m->chain_id), &bad);
	ssp_exj_set(sub, "minter", ssp_exj_addr_new(m->minter), &bad);
	ssp_exj_set(sub, "weiPerMicroCredit",
		m->has_rate ? json_string(ssp_u256_to_dec(&m->rate, dec)) : json_null(), &bad);
	ssp_exj_set(sub, "deployBlock",
		m->has_deploy_block ? ssp_exj_u64_new(m->deploy_block) : json_null(), &bad);
	ssp_exj_set(o, "chain", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "count", ssp_exj_u64_new(m->nclaims), &bad);
	ssp_exj_set(sub, "firstSeq", ssp_exj_u64_new(m->first_seq), &bad);
	ssp_exj_set(sub, "lastSeq", ssp_exj_u64_new(m->last_seq), &bad);
	ssp_exj_set(o, "claims", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "count", ssp_exj_u64_new(m->nbatches), &bad);
	ssp_exj_set(o, "batches", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, SSP_EXPORT_CLAIMS_FILE, file_json(&m->claims, &bad), &bad);
	ssp_exj_set(sub, SSP_EXPORT_BATCHES_FILE, file_json(&m->batches, &bad), &bad);
	if (m->has_receipts)
		ssp_exj_set(sub, SSP_EXPORT_RECEIPTS_FILE, file_json(&m->receipts, &bad), &bad);
	ssp_exj_set(o, "files", sub, &bad);
	return ssp_exj_dump_doc(o, bad, out);
}

static int parse_file_entry(const json_t *files, const char *name, ssp_export_file *f,
			    ssp_errmsg *em)
{
	static const char *const names[] = { "sha256", "bytes", "lines" };
	const json_t *o = json_object_get(files, name);
	const json_t *v;
	char where[64];
	int rc;

	snprintf(where, sizeof where, "files.%s", name);
	rc = ssp_json_members(o, where, names, 3, em);
	if (rc != 0)
		return rc;
	v = json_object_get(o, "sha256");
	if (!json_is_string(v) || json_string_length(v) != 64 ||
	    ssp_hex_decode_exact(json_string_value(v), f->sha256, 32) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.sha256: expected 64 hex digits", where);
	rc = ssp_json_u64(o, where, "bytes", 0, UINT64_MAX, &f->bytes, em);
	if (rc == 0)
		rc = ssp_json_u64(o, where, "lines", 0, UINT64_MAX, &f->lines, em);
	return rc;
}

int ssp_export_manifest_parse(const char *text, size_t len, ssp_export_manifest *m,
			      ssp_errmsg *em)
{
	static const char *const top[] = { "format", "version", "createdAt", "project", "chain",
					   "claims", "batches", "files" };
	static const char *const pnames[] = { "masterUrl", "id" };
	static const char *const cnames[] = { "chainId", "minter", "weiPerMicroCredit",
					      "deployBlock" };
	static const char *const clnames[] = { "count", "firstSeq", "lastSeq" };
	static const char *const bnames[] = { "count" };
	static const char *const fnames[] = { SSP_EXPORT_CLAIMS_FILE, SSP_EXPORT_BATCHES_FILE,
					      SSP_EXPORT_RECEIPTS_FILE };
	ssp_export_manifest tmp;
	json_error_t err;
	const json_t *v, *sub;
	json_t *j;
	uint8_t id[32];
	int rc;

	if (text == NULL || m == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no manifest");
	if (len > SSP_EXPORT_MAX_MANIFEST)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "manifest larger than %u bytes",
				      SSP_EXPORT_MAX_MANIFEST);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "manifest: JSON error at line %d column %d: %s",
				      err.line, err.column, err.text);
	memset(&tmp, 0, sizeof tmp);
	v = json_object_get(j, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), SSP_EXPORT_FORMAT) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "manifest: format is not \"%s\"",
				    SSP_EXPORT_FORMAT);
		goto out;
	}
	v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != SSP_EXPORT_VERSION) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "manifest: version is not %d",
				    SSP_EXPORT_VERSION);
		goto out;
	}
	rc = ssp_json_members(j, "manifest", top, 8, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "manifest", "createdAt", 0, UINT64_MAX, &tmp.created_at, em);
	sub = json_object_get(j, "project");
	if (rc == 0)
		rc = ssp_json_members(sub, "project", pnames, 2, em);
	if (rc == 0) {
		v = json_object_get(sub, "masterUrl");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > SSP_EXPORT_MAX_URL ||
		    strlen(json_string_value(v)) != json_string_length(v))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "project.masterUrl: expected a string of 1..%u bytes",
					    SSP_EXPORT_MAX_URL);
		else
			memcpy(tmp.master_url, json_string_value(v), json_string_length(v) + 1);
	}
	if (rc == 0)
		rc = ssp_json_hex(sub, "project", "id", 1, tmp.project, 32, em);
	if (rc == 0) {
		ssp_project_id(tmp.master_url, id);
		if (memcmp(id, tmp.project, 32) != 0)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "project.id: is not keccak256(masterUrl)");
	}
	sub = json_object_get(j, "chain");
	if (rc == 0)
		rc = ssp_json_members(sub, "chain", cnames, 4, em);
	if (rc == 0)
		rc = ssp_json_u64(sub, "chain", "chainId", 0, UINT64_MAX, &tmp.chain_id, em);
	if (rc == 0)
		rc = ssp_exj_addr(sub, "chain", "minter", tmp.minter, em);
	if (rc == 0) {
		v = json_object_get(sub, "weiPerMicroCredit");
		if (json_is_null(v))
			tmp.has_rate = 0;
		else if (json_is_string(v) && ssp_u256_from_dec(&tmp.rate, json_string_value(v)) == 0)
			tmp.has_rate = 1;
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "chain.weiPerMicroCredit: expected a decimal string or null");
	}
	if (rc == 0 && !json_is_null(json_object_get(sub, "deployBlock"))) {
		rc = ssp_json_u64(sub, "chain", "deployBlock", 0, UINT64_MAX, &tmp.deploy_block, em);
		tmp.has_deploy_block = rc == 0;
	}
	sub = json_object_get(j, "claims");
	if (rc == 0)
		rc = ssp_json_members(sub, "claims", clnames, 3, em);
	if (rc == 0)
		rc = ssp_json_u64(sub, "claims", "count", 0, UINT64_MAX, &tmp.nclaims, em);
	if (rc == 0)
		rc = ssp_json_u64(sub, "claims", "firstSeq", 0, UINT64_MAX, &tmp.first_seq, em);
	if (rc == 0)
		rc = ssp_json_u64(sub, "claims", "lastSeq", 0, UINT64_MAX, &tmp.last_seq, em);
	if (rc == 0 && (tmp.first_seq == 0 || tmp.last_seq + 1 < tmp.first_seq ||
			tmp.last_seq - (tmp.first_seq - 1) != tmp.nclaims))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "claims: count must be lastSeq - firstSeq + 1, firstSeq >= 1");
	sub = json_object_get(j, "batches");
	if (rc == 0)
		rc = ssp_json_members(sub, "batches", bnames, 1, em);
	if (rc == 0)
		rc = ssp_json_u64(sub, "batches", "count", 0, UINT64_MAX, &tmp.nbatches, em);
	sub = json_object_get(j, "files");
	/* receipts.ndjson.gz is optional (published when the project archives receipts). */
	tmp.has_receipts = json_is_object(sub) &&
			   json_object_get(sub, SSP_EXPORT_RECEIPTS_FILE) != NULL;
	if (rc == 0)
		rc = ssp_json_members(sub, "files", fnames, tmp.has_receipts ? 3 : 2, em);
	if (rc == 0 && tmp.has_receipts)
		rc = parse_file_entry(sub, SSP_EXPORT_RECEIPTS_FILE, &tmp.receipts, em);
	if (rc == 0)
		rc = parse_file_entry(sub, SSP_EXPORT_CLAIMS_FILE, &tmp.claims, em);
	if (rc == 0)
		rc = parse_file_entry(sub, SSP_EXPORT_BATCHES_FILE, &tmp.batches, em);
	if (rc == 0 && (tmp.claims.lines != tmp.nclaims || tmp.batches.lines != tmp.nbatches))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "files: line counts differ from the counts");
out:
	json_decref(j);
	if (rc == 0)
		*m = tmp;
	return rc;
}

int ssp_export_path(const char *dir, const char *name, char *buf, size_t cap)
{
	int n;

	if (dir == NULL || name == NULL || buf == NULL)
		return SSP_ERR_INVAL;
	n = snprintf(buf, cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= cap)
		return SSP_ERR_TOO_BIG;
	return 0;
}

int ssp_export_manifest_read(const char *dir, ssp_export_manifest *m, ssp_errmsg *em)
{
	char path[4096], *text = NULL;
	size_t len = 0;
	int rc;

	rc = ssp_export_path(dir, SSP_EXPORT_MANIFEST_FILE, path, sizeof path);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "export directory name too long");
	rc = ssp_export_read_file(path, SSP_EXPORT_MAX_MANIFEST, &text, &len, em);
	if (rc != 0)
		return rc;
	rc = ssp_export_manifest_parse(text, len, m, em);
	if (rc != 0 && em != NULL) {
		char inner[sizeof em->msg];

		memcpy(inner, em->msg, sizeof inner);
		inner[160] = '\0';
		ssp_errmsg_set(em, rc, "%s: %s", path, inner);
	}
	free(text);
	return rc;
}
