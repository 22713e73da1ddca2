/* Exchange formats built on the export: a volunteer's Merkle proof that their claim is in a
 * batch, and an auditor's co-signature of a batch. */
#include "crypto/ssp_claim_json.h"
#include "core/ssp_json.h"
#include "export/ssp_export.h"
#include "export/ssp_export_int.h"
#include "core/ssp_hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opens DIR/name for reading with the line cap, at most the bytes the manifest states for it,
 * em naming the file on failure. */
static int open_stream(const char *dir, const char *name, size_t cap, ssp_ndjson_reader **r,
		       char *path, size_t pathcap, ssp_errmsg *em)
{
	ssp_export_manifest m;
	int rc = ssp_export_path(dir, name, path, pathcap);

	if (rc != 0)
		return ssp_errmsg_set(em, rc, "export directory name too long");
	rc = ssp_export_manifest_read(dir, &m, em);
	if (rc != 0)
		return rc;
	return ssp_ndjson_reader_open(path, cap,
				      strcmp(name, SSP_EXPORT_CLAIMS_FILE) == 0 ? m.claims.bytes
										: m.batches.bytes,
				      r, em);
}

/* Prefixes em with "path: line N: ". */
static int at_line(ssp_errmsg *em, int rc, const char *path, uint64_t line)
{
	char inner[sizeof em->msg];

	if (em == NULL)
		return rc;
	memcpy(inner, em->msg, sizeof inner);
	inner[150] = '\0';
	return ssp_errmsg_set(em, rc, "%s: line %llu: %s", path, (unsigned long long)line, inner);
}

/* Pass 1: the claim of result_id. */
static int find_claim(const char *dir, uint64_t result_id, ssp_export_claim *out, ssp_errmsg *em)
{
	ssp_ndjson_reader *r = NULL;
	char path[4096];
	const char *line;
	size_t len;
	int rc;

	rc = open_stream(dir, SSP_EXPORT_CLAIMS_FILE, SSP_EXPORT_MAX_CLAIM_LINE, &r, path,
			 sizeof path, em);
	if (rc != 0)
		return rc;
	while ((rc = ssp_ndjson_read_line(r, &line, &len, em)) == 1) {
		uint64_t v;
		ssp_export_claim ec;

		if (ssp_export_line_peek_u64(line, len, "resultId", &v) == 0 && v != result_id)
			continue;
		rc = ssp_export_claim_parse(line, len, &ec, em);
		if (rc != 0) {
			rc = at_line(em, rc, path, ssp_ndjson_reader_lines(r));
			goto out;
		}
		if (ec.claim.result_id == result_id) {
			*out = ec;
			rc = 0;
			goto out;
		}
	}
	if (rc == 0)
		rc = ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "no claim for result %llu in %s",
				    (unsigned long long)result_id, path);
	else
		rc = at_line(em, rc, path, 0);
out:
	ssp_ndjson_reader_close(r);
	return rc;
}

/* The batch with id from batches.ndjson.gz. */
static int find_batch(const char *dir, int64_t id, ssp_export_batch *out, ssp_errmsg *em)
{
	ssp_ndjson_reader *r = NULL;
	char path[4096];
	const char *line;
	size_t len;
	int rc;

	rc = open_stream(dir, SSP_EXPORT_BATCHES_FILE, SSP_EXPORT_MAX_BATCH_LINE, &r, path,
			 sizeof path, em);
	if (rc != 0)
		return rc;
	while ((rc = ssp_ndjson_read_line(r, &line, &len, em)) == 1) {
		uint64_t v;

		if (ssp_export_line_peek_u64(line, len, "id", &v) == 0 && v != (uint64_t)id)
			continue;
		rc = ssp_export_batch_parse(line, len, out, em);
		if (rc != 0) {
			rc = at_line(em, rc, path, ssp_ndjson_reader_lines(r));
			goto out;
		}
		if (out->id == id) {
			rc = 0;
			goto out;
		}
		ssp_export_batch_clear(out);
	}
	if (rc == 0)
		rc = ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "%s: no batch %lld", path, (long long)id);
	else
		rc = at_line(em, rc, path, 0);
out:
	ssp_ndjson_reader_close(r);
	return rc;
}

int ssp_export_find_batch(const char *dir, int64_t id, ssp_export_batch *b, ssp_errmsg *em)
{
	if (b == NULL)
		return SSP_ERR_INVAL;
	memset(b, 0, sizeof *b);
	if (dir == NULL || id <= 0)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no export or batch id");
	return find_batch(dir, id, b, em);
}

/* Pass 2: the leaves of seqs first..last (n of them) into leaves. */
static int collect_leaves(const char *dir, const ssp_batch *h, uint8_t (*leaves)[32],
			  ssp_errmsg *em)
{
	uint64_t n = h->last_seq - h->first_seq + 1, have = 0;
	ssp_ndjson_reader *r = NULL;
	uint8_t *seen = NULL;
	char path[4096];
	const char *line;
	size_t len;
	int rc;

	seen = calloc((size_t)n, 1);
	if (seen == NULL)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	rc = open_stream(dir, SSP_EXPORT_CLAIMS_FILE, SSP_EXPORT_MAX_CLAIM_LINE, &r, path,
			 sizeof path, em);
	if (rc != 0)
		goto out;
	while (have < n && (rc = ssp_ndjson_read_line(r, &line, &len, em)) == 1) {
		uint64_t v;
		ssp_export_claim ec;

		if (ssp_export_line_peek_u64(line, len, "seq", &v) == 0 &&
		    (v < h->first_seq || v > h->last_seq))
			continue;
		rc = ssp_export_claim_parse(line, len, &ec, em);
		if (rc != 0) {
			rc = at_line(em, rc, path, ssp_ndjson_reader_lines(r));
			goto out;
		}
		if (ec.claim.seq < h->first_seq || ec.claim.seq > h->last_seq ||
		    memcmp(ec.claim.project, h->project, 32) != 0)
			continue;
		if (seen[ec.claim.seq - h->first_seq]) {
			rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH, "%s: seq %llu appears twice", path,
					    (unsigned long long)ec.claim.seq);
			goto out;
		}
		seen[ec.claim.seq - h->first_seq] = 1;
		ssp_eip712_claim_hash(&ec.claim, leaves[ec.claim.seq - h->first_seq]);
		have++;
	}
	if (rc < 0) {
		rc = at_line(em, rc, path, 0);
		goto out;
	}
	rc = 0;
	if (have < n) {
		uint64_t miss = 0;

		while (seen[miss])
			miss++;
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH, "%s: claim seq %llu of the batch is missing",
				    path, (unsigned long long)(h->first_seq + miss));
	}
out:
	ssp_ndjson_reader_close(r);
	free(seen);
	return rc;
}

int ssp_claim_proof_build(const char *dir, uint64_t result_id, ssp_claim_proof *p,
			  ssp_errmsg *em)
{
	ssp_export_manifest m;
	ssp_export_batch b;
	uint8_t (*leaves)[32] = NULL, root[32];
	uint64_t n;
	int rc;

	if (dir == NULL || p == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no export or proof");
	memset(p, 0, sizeof *p);
	memset(&b, 0, sizeof b);
	rc = ssp_export_manifest_read(dir, &m, em);
	if (rc != 0)
		return rc;
	p->chain_id = m.chain_id;
	memcpy(p->minter, m.minter, SSP_ADDR_LEN);
	rc = find_claim(dir, result_id, &p->claim, em);
	if (rc != 0)
		goto out;
	if (p->claim.batch_id == 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_STATE,
				    "the claim of result %llu (seq %llu) is in no batch yet",
				    (unsigned long long)result_id,
				    (unsigned long long)p->claim.claim.seq);
		goto out;
	}
	rc = find_batch(dir, p->claim.batch_id, &b, em);
	if (rc == SSP_ERR_NOT_FOUND)
		rc = SSP_ERR_MISMATCH; /* the claim names a batch the export lacks */
	if (rc != 0)
		goto out;
	if (memcmp(b.header.project, p->claim.claim.project, 32) != 0 ||
	    p->claim.claim.seq < b.header.first_seq || p->claim.claim.seq > b.header.last_seq) {
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH,
				    "claim seq %llu is not within batch %lld (seqs %llu..%llu)",
				    (unsigned long long)p->claim.claim.seq, (long long)b.id,
				    (unsigned long long)b.header.first_seq,
				    (unsigned long long)b.header.last_seq);
		goto out;
	}
	n = b.header.last_seq - b.header.first_seq + 1;
	if (n > SSP_EXPORT_MAX_BATCH_CLAIMS) {
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "batch %lld holds more than %u claims",
				    (long long)b.id, SSP_EXPORT_MAX_BATCH_CLAIMS);
		goto out;
	}
	leaves = malloc((size_t)n * sizeof *leaves);
	if (leaves == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = collect_leaves(dir, &b.header, leaves, em);
	if (rc != 0)
		goto out;
	rc = ssp_merkle_root((const uint8_t (*)[32])leaves, (size_t)n, root);
	if (rc == 0 && memcmp(root, b.header.claims_root, 32) != 0)
		rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH,
				    "batch %lld: its claims do not hash to its claimsRoot (audit the export)",
				    (long long)b.id);
	if (rc != 0)
		goto out;
	p->header = b.header;
	p->state = b.state;
	p->has_tx = b.has_tx;
	memcpy(p->tx_hash, b.tx_hash, 32);
	p->block_number = b.block_number;
	memcpy(p->block_hash, b.block_hash, 32);
	p->index = p->claim.claim.seq - b.header.first_seq;
	memcpy(p->leaf, leaves[p->index], 32);
	rc = ssp_merkle_proof((const uint8_t (*)[32])leaves, (size_t)n, (size_t)p->index, p->proof,
			      SSP_PROOF_MAX_DEPTH, &p->nproof);
	if (rc != 0)
		ssp_errmsg_set(em, rc, "building the proof");
out:
	free(leaves);
	ssp_export_batch_clear(&b);
	return rc;
}

int ssp_claim_proof_format(const ssp_claim_proof *p, char **out)
{
	json_t *o, *arr, *cj = NULL;
	int bad = 0, rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (p == NULL || p->nproof > SSP_PROOF_MAX_DEPTH || p->claim.batch_id <= 0)
		return SSP_ERR_INVAL;
	rc = ssp_claim_to_json_obj(&p->claim.claim, &cj);
	if (rc != 0)
		return rc;
	o = json_object();
	ssp_exj_set(o, "chainId", ssp_exj_u64_new(p->chain_id), &bad);
	ssp_exj_set(o, "minter", ssp_exj_addr_new(p->minter), &bad);
	ssp_exj_set(o, "claim", cj, &bad);
	ssp_exj_set(o, "signature", ssp_exj_hex_new(p->claim.sig, SSP_SIG_LEN), &bad);
	ssp_exj_set(o, "batchId", json_integer(p->claim.batch_id), &bad);
	ssp_exj_set(o, "batch", ssp_exj_header_new(&p->header, &bad), &bad);
	ssp_exj_set(o, "state", json_string(ssp_export_state_name(p->state)), &bad);
	ssp_exj_set(o, "tx", ssp_exj_tx_new(p->has_tx, p->tx_hash, p->block_number, p->block_hash, &bad),
		    &bad);
	ssp_exj_set(o, "index", ssp_exj_u64_new(p->index), &bad);
	ssp_exj_set(o, "leaf", ssp_exj_hex_new(p->leaf, 32), &bad);
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < p->nproof; i++)
		if (json_array_append_new(arr, ssp_exj_hex_new(p->proof[i], 32)) != 0)
			bad = 1;
	ssp_exj_set(o, "proof", arr, &bad);
	return ssp_exj_dump_doc(o, bad, out);
}

int ssp_claim_proof_parse(const char *text, size_t len, ssp_claim_proof *p, ssp_errmsg *em)
{
	static const char *const names[] = { "chainId", "minter", "claim", "signature", "batchId",
					     "batch", "state", "tx", "index", "leaf", "proof" };
	ssp_claim_proof tmp;
	json_error_t err;
	const json_t *v;
	json_t *j;
	uint64_t id = 0;
	int rc;

	if (text == NULL || p == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no proof");
	if (len > SSP_PROOF_MAX_JSON)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "proof larger than %u bytes",
				      SSP_PROOF_MAX_JSON);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "proof: JSON error at line %d column %d: %s",
				      err.line, err.column, err.text);
	memset(&tmp, 0, sizeof tmp);
	rc = ssp_json_members(j, "proof", names, sizeof names / sizeof names[0], em);
	if (rc == 0)
		rc = ssp_json_u64(j, "proof", "chainId", 0, UINT64_MAX, &tmp.chain_id, em);
	if (rc == 0)
		rc = ssp_exj_addr(j, "proof", "minter", tmp.minter, em);
	if (rc == 0)
		rc = ssp_claim_from_json_obj(json_object_get(j, "claim"), &tmp.claim.claim, em);
	if (rc == 0)
		rc = ssp_json_hex(j, "proof", "signature", 1, tmp.claim.sig, SSP_SIG_LEN, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "proof", "batchId", 0, UINT64_MAX, &id, em);
	if (rc == 0 && (id == 0 || id > INT64_MAX))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "proof.batchId: must be positive");
	tmp.claim.batch_id = (int64_t)id;
	if (rc == 0)
		rc = ssp_exj_header(json_object_get(j, "batch"), &tmp.header, em);
	if (rc == 0)
		rc = ssp_exj_state(json_object_get(j, "state"), &tmp.state, em);
	if (rc == 0)
		rc = ssp_exj_tx(json_object_get(j, "tx"), &tmp.has_tx, tmp.tx_hash, &tmp.block_number,
				tmp.block_hash, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "proof", "index", 0, UINT64_MAX, &tmp.index, em);
	if (rc == 0)
		rc = ssp_json_hex(j, "proof", "leaf", 1, tmp.leaf, 32, em);
	if (rc == 0) {
		v = json_object_get(j, "proof");
		if (!json_is_array(v) || json_array_size(v) > SSP_PROOF_MAX_DEPTH)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "proof.proof: expected an array of at most %u hashes",
					    SSP_PROOF_MAX_DEPTH);
		for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
			const json_t *h = json_array_get(v, i);

			if (!json_is_string(h) || json_string_length(h) != 66 ||
			    json_string_value(h)[0] != '0' || json_string_value(h)[1] != 'x' ||
			    ssp_hex_decode_exact(json_string_value(h), tmp.proof[i], 32) != 0)
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
						    "proof.proof[%zu]: expected \"0x\" and 64 hex digits", i);
			tmp.nproof = i + 1;
		}
	}
	json_decref(j);
	if (rc == 0)
		*p = tmp;
	return rc;
}

int ssp_claim_proof_verify(const ssp_claim_proof *p, uint8_t signer[SSP_ADDR_LEN], ssp_errmsg *em)
{
	const ssp_claim *c;
	ssp_domain d;
	uint8_t leaf[32], digest[32];

	if (p == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no proof");
	c = &p->claim.claim;
	if (signer != NULL) {
		d.chain_id = p->chain_id;
		memcpy(d.contract, p->minter, SSP_ADDR_LEN);
		ssp_eip712_claim_digest(&d, c, digest);
		if (ssp_recover(digest, p->claim.sig, signer) != 0)
			memset(signer, 0, SSP_ADDR_LEN);
	}
	ssp_eip712_claim_hash(c, leaf);
	if (memcmp(leaf, p->leaf, 32) != 0)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH,
				      "the leaf is not the claim's EIP-712 struct hash");
	if (memcmp(c->project, p->header.project, 32) != 0)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH, "the claim is for another project than the batch");
	if (c->seq < p->header.first_seq || c->seq > p->header.last_seq)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH,
				      "claim seq %llu is outside the batch's seqs %llu..%llu",
				      (unsigned long long)c->seq,
				      (unsigned long long)p->header.first_seq,
				      (unsigned long long)p->header.last_seq);
	if (p->index != c->seq - p->header.first_seq)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH, "index is not seq - firstSeq");
	if (ssp_merkle_verify(p->leaf, (const uint8_t (*)[32])p->proof, p->nproof,
			      p->header.claims_root) != 0)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH,
				      "the proof does not lead to the batch's claimsRoot");
	return 0;
}

/* ------------------------------------------------------------------ co-signatures */

static void cosig_digest(const ssp_cosig *c, uint8_t digest[32])
{
	ssp_domain d;

	d.chain_id = c->chain_id;
	memcpy(d.contract, c->minter, SSP_ADDR_LEN);
	ssp_eip712_batch_digest(&d, &c->header, digest);
}

int ssp_cosig_format(const ssp_cosig *c, char **out)
{
	json_t *o;
	uint8_t digest[32];
	int bad = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (c == NULL || c->batch_id <= 0)
		return SSP_ERR_INVAL;
	cosig_digest(c, digest);
	o = json_object();
	ssp_exj_set(o, "chainId", ssp_exj_u64_new(c->chain_id), &bad);
	ssp_exj_set(o, "minter", ssp_exj_addr_new(c->minter), &bad);
	ssp_exj_set(o, "batchId", json_integer(c->batch_id), &bad);
	ssp_exj_set(o, "batch", ssp_exj_header_new(&c->header, &bad), &bad);
	ssp_exj_set(o, "digest", ssp_exj_hex_new(digest, 32), &bad);
	ssp_exj_set(o, "signer", ssp_exj_addr_new(c->signer), &bad);
	ssp_exj_set(o, "signature", ssp_exj_hex_new(c->sig, SSP_SIG_LEN), &bad);
	return ssp_exj_dump_doc(o, bad, out);
}

int ssp_cosig_parse(const char *text, size_t len, ssp_cosig *c, ssp_errmsg *em)
{
	static const char *const names[] = { "chainId", "minter", "batchId", "batch", "digest",
					     "signer", "signature" };
	ssp_cosig tmp;
	json_error_t err;
	json_t *j;
	uint8_t digest[32], want[32];
	uint64_t id = 0;
	int rc;

	if (text == NULL || c == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no co-signature");
	if (len > SSP_COSIG_MAX_JSON)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "co-signature larger than %u bytes",
				      SSP_COSIG_MAX_JSON);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE,
				      "co-signature: JSON error at line %d column %d: %s", err.line,
				      err.column, err.text);
	memset(&tmp, 0, sizeof tmp);
	rc = ssp_json_members(j, "co-signature", names, sizeof names / sizeof names[0], em);
	if (rc == 0)
		rc = ssp_json_u64(j, "co-signature", "chainId", 0, UINT64_MAX, &tmp.chain_id, em);
	if (rc == 0)
		rc = ssp_exj_addr(j, "co-signature", "minter", tmp.minter, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "co-signature", "batchId", 0, UINT64_MAX, &id, em);
	if (rc == 0 && (id == 0 || id > INT64_MAX))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "co-signature.batchId: must be positive");
	tmp.batch_id = (int64_t)id;
	if (rc == 0)
		rc = ssp_exj_header(json_object_get(j, "batch"), &tmp.header, em);
	if (rc == 0)
		rc = ssp_json_hex(j, "co-signature", "digest", 1, digest, 32, em);
	if (rc == 0)
		rc = ssp_exj_addr(j, "co-signature", "signer", tmp.signer, em);
	if (rc == 0)
		rc = ssp_json_hex(j, "co-signature", "signature", 1, tmp.sig, SSP_SIG_LEN, em);
	if (rc == 0) {
		cosig_digest(&tmp, want);
		if (memcmp(digest, want, 32) != 0)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "co-signature.digest: is not the batch's EIP-712 digest");
	}
	json_decref(j);
	if (rc == 0)
		*c = tmp;
	return rc;
}

int ssp_cosig_verify(const ssp_cosig *c)
{
	uint8_t digest[32];

	if (c == NULL)
		return SSP_ERR_INVAL;
	cosig_digest(c, digest);
	return ssp_verify(digest, c->sig, c->signer) == 0 ? 0 : SSP_ERR_BAD_SIG;
}
