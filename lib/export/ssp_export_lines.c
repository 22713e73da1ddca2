/* The export's claims and batches lines: formatting and strict parsing (a fast path for the
 * claims lines this project writes, jansson for everything else). */
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

#define U64_MAX_JSON 9223372036854775807ULL

static json_t *load_line(const char *text, size_t len, const char *what, ssp_errmsg *em)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (j == NULL)
		ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: JSON error at column %d: %s", what, err.column,
			       err.text);
	return j;
}

/* ------------------------------------------------------------------ claims lines */

int ssp_export_claim_format(const ssp_export_claim *ec, char **out, size_t *len)
{
	char *cj = NULL, *line = NULL, sig[2 * SSP_SIG_LEN + 3];
	size_t cap;
	int n, rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (ec == NULL || len == NULL || ec->batch_id < 0)
		return SSP_ERR_INVAL;
	rc = ssp_claim_to_json(&ec->claim, &cj);
	if (rc != 0)
		return rc;
	cap = strlen(cj) + sizeof sig + 64;
	line = malloc(cap);
	if (line == NULL) {
		free(cj);
		return SSP_ERR_NOMEM;
	}
	ssp_hex_encode(ec->sig, SSP_SIG_LEN, sig, 1);
	if (ec->batch_id == 0)
		n = snprintf(line, cap, "{\"claim\":%s,\"signature\":\"%s\",\"batch\":null}", cj, sig);
	else
		n = snprintf(line, cap, "{\"claim\":%s,\"signature\":\"%s\",\"batch\":%lld}", cj, sig,
			     (long long)ec->batch_id);
	free(cj);
	if (n < 0 || (size_t)n >= cap) {
		free(line);
		return SSP_ERR_INTERNAL;
	}
	*out = line;
	*len = (size_t)n;
	return 0;
}

/* The fast path of ssp_export_claim_parse: the exact compact layout ssp_export_claim_format
 * writes (members in that order, no spaces, no escapes). It accepts only lines the JSON path
 * accepts, with the same result; anything else (other layouts included) returns -1 and goes
 * to the JSON path, which also names what is wrong. */
struct cursor {
	const char *p, *end;
};

static int lit(struct cursor *c, const char *s, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

#define LIT(c, s) lit(c, s, sizeof(s) - 1)

/* A JSON integer 0..INT64_MAX: "0" or a non-zero digit first; then ',' or '}' must follow. */
static int num(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;
	const char *q = c->p;

	if (q >= c->end || *q < '0' || *q > '9')
		return -1;
	if (*q == '0') {
		q++;
	} else {
		for (; q < c->end && *q >= '0' && *q <= '9'; q++) {
			if (x > (9223372036854775807ULL - (uint64_t)(*q - '0')) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*q - '0');
		}
	}
	if (q >= c->end || (*q != ',' && *q != '}'))
		return -1;
	c->p = q;
	*v = x;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0x" + 2n hex digits + '"' */
static int hexstr(struct cursor *c, uint8_t *out, size_t n)
{
	const char *q = c->p;

	if ((size_t)(c->end - q) < 2 + 2 * n + 1 || q[0] != '0' || q[1] != 'x' || q[2 + 2 * n] != '"')
		return -1;
	q += 2;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(q[2 * i]), lo = hexval(q[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	c->p = q + 2 * n + 1;
	return 0;
}

static int claim_fast(const char *text, size_t len, ssp_export_claim *out)
{
	struct cursor c = { text, text + len };
	ssp_export_claim t;
	ssp_claim *k = &t.claim;
	char addr[43];
	uint64_t b;

	memset(&t, 0, sizeof t);
	if (LIT(&c, "{\"claim\":{\"project\":\"") || hexstr(&c, k->project, 32) ||
	    LIT(&c, ",\"seq\":") || num(&c, &k->seq) ||
	    LIT(&c, ",\"resultId\":") || num(&c, &k->result_id) ||
	    LIT(&c, ",\"workunitId\":") || num(&c, &k->workunit_id) ||
	    LIT(&c, ",\"userId\":") || num(&c, &k->user_id) ||
	    LIT(&c, ",\"hostId\":") || num(&c, &k->host_id) ||
	    LIT(&c, ",\"beneficiary\":\"") || c.end - c.p < 43 || c.p[42] != '"')
		return -1;
	memcpy(addr, c.p, 42);
	addr[42] = '\0';
	if (addr[0] != '0' || addr[1] != 'x' || ssp_address_parse(addr, k->beneficiary) != 0)
		return -1;
	c.p += 43;
	if (LIT(&c, ",\"credit\":") || num(&c, &k->credit) ||
	    LIT(&c, ",\"resultDigest\":\"") || hexstr(&c, k->result_digest, 32) ||
	    LIT(&c, ",\"grantedAt\":") || num(&c, &k->granted_at) ||
	    LIT(&c, "},\"signature\":\"") || hexstr(&c, t.sig, SSP_SIG_LEN) || LIT(&c, ",\"batch\":"))
		return -1;
	if (LIT(&c, "null") == 0) {
		t.batch_id = 0;
	} else {
		if (num(&c, &b) != 0 || b == 0)
			return -1;
		t.batch_id = (int64_t)b;
	}
	if (LIT(&c, "}") || c.p != c.end)
		return -1;
	*out = t;
	return 0;
}

int ssp_export_claim_parse(const char *text, size_t len, ssp_export_claim *ec, ssp_errmsg *em)
{
	if (text == NULL || ec == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len <= SSP_EXPORT_MAX_CLAIM_LINE && claim_fast(text, len, ec) == 0)
		return 0;
	return ssp_export_claim_parse_json(text, len, ec, em);
}

int ssp_export_claim_parse_json(const char *text, size_t len, ssp_export_claim *ec,
				ssp_errmsg *em)
{
	static const char *const names[] = { "claim", "signature", "batch" };
	ssp_export_claim tmp;
	const json_t *b;
	json_t *j;
	int rc;

	if (text == NULL || ec == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len > SSP_EXPORT_MAX_CLAIM_LINE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "claim line longer than %u bytes",
				      SSP_EXPORT_MAX_CLAIM_LINE);
	j = load_line(text, len, "claim line", em);
	if (j == NULL)
		return SSP_ERR_PARSE;
	memset(&tmp, 0, sizeof tmp);
	rc = ssp_json_members(j, "claim line", names, 3, em);
	if (rc == 0) {
		rc = ssp_claim_from_json_obj(json_object_get(j, "claim"), &tmp.claim, em);
		if (rc != 0) {
			char inner[sizeof em->msg];

			if (em != NULL) {
				memcpy(inner, em->msg, sizeof inner);
				inner[sizeof inner - 8] = '\0';
				ssp_errmsg_set(em, rc, "claim: %s", inner);
			}
		}
	}
	if (rc == 0)
		rc = ssp_json_hex(j, "claim line", "signature", 1, tmp.sig, SSP_SIG_LEN, em);
	if (rc == 0) {
		b = json_object_get(j, "batch");
		if (json_is_null(b))
			tmp.batch_id = 0;
		else if (json_is_integer(b) && json_integer_value(b) > 0)
			tmp.batch_id = (int64_t)json_integer_value(b);
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "claim line.batch: expected a positive integer or null");
	}
	json_decref(j);
	if (rc == 0)
		*ec = tmp;
	return rc;
}

int ssp_export_line_peek_u64(const char *line, size_t len, const char *name, uint64_t *v)
{
	size_t nlen;
	const char *p, *end;

	if (line == NULL || name == NULL || v == NULL)
		return SSP_ERR_INVAL;
	nlen = strlen(name);
	end = line + len;
	for (p = line; p + nlen + 2 < end; p++) {
		const char *q;
		uint64_t x = 0;
		int digits = 0;

		p = memchr(p, '"', (size_t)(end - p));
		if (p == NULL || p + nlen + 2 > end)
			break;
		if (memcmp(p + 1, name, nlen) != 0 || p[nlen + 1] != '"')
			continue;
		q = p + nlen + 2;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q != ':')
			continue;
		q++;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		while (q < end && *q >= '0' && *q <= '9' && digits < 20) {
			uint64_t d = (uint64_t)(*q - '0');

			if (x > (UINT64_MAX - d) / 10)
				return SSP_ERR_NOT_FOUND;
			x = x * 10 + d;
			q++;
			digits++;
		}
		if (digits == 0)
			continue;
		*v = x;
		return 0;
	}
	return SSP_ERR_NOT_FOUND;
}

/* ------------------------------------------------------------------ batches lines */

static const char *const state_names[] = { "?", "SEALED", "SUBMITTED", "MINTED", "FINAL", "FAILED" };

const char *ssp_export_state_name(int state)
{
	if (state < SSP_EXPORT_SEALED || state > SSP_EXPORT_FAILED)
		return "?";
	return state_names[state];
}

void ssp_export_batch_clear(ssp_export_batch *b)
{
	if (b == NULL)
		return;
	free(b->payouts);
	free(b->sigs);
	memset(b, 0, sizeof *b);
}

json_t *ssp_exj_header_new(const ssp_batch *h, int *bad)
{
	json_t *o = json_object();

	ssp_exj_set(o, "project", ssp_exj_hex_new(h->project, 32), bad);
	ssp_exj_set(o, "firstSeq", ssp_exj_u64_new(h->first_seq), bad);
	ssp_exj_set(o, "lastSeq", ssp_exj_u64_new(h->last_seq), bad);
	ssp_exj_set(o, "claimsRoot", ssp_exj_hex_new(h->claims_root, 32), bad);
	ssp_exj_set(o, "payoutsHash", ssp_exj_hex_new(h->payouts_hash, 32), bad);
	ssp_exj_set(o, "totalCredit", ssp_exj_u64_new(h->total_credit), bad);
	return o;
}

json_t *ssp_exj_tx_new(int has_tx, const uint8_t hash[32], uint64_t block,
		       const uint8_t block_hash[32], int *bad)
{
	json_t *o;

	if (!has_tx)
		return json_null();
	o = json_object();
	ssp_exj_set(o, "hash", ssp_exj_hex_new(hash, 32), bad);
	ssp_exj_set(o, "blockNumber", ssp_exj_u64_new(block), bad);
	ssp_exj_set(o, "blockHash", ssp_exj_hex_new(block_hash, 32), bad);
	return o;
}

int ssp_export_batch_format(const ssp_export_batch *b, char **out, size_t *len)
{
	json_t *o = NULL, *arr;
	char *s = NULL;
	int bad = 0, rc = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (b == NULL || len == NULL || b->id <= 0 || (b->npayouts > 0 && b->payouts == NULL) ||
	    (b->nsigs > 0 && b->sigs == NULL) || b->npayouts > SSP_EXPORT_MAX_BATCH_CLAIMS ||
	    b->nsigs > SSP_EXPORT_MAX_SIGS || strlen(b->reason) > SSP_EXPORT_MAX_REASON ||
	    strcmp(ssp_export_state_name(b->state), "?") == 0)
		return SSP_ERR_INVAL;
	if (b->header.first_seq > U64_MAX_JSON || b->header.last_seq > U64_MAX_JSON ||
	    b->header.total_credit > U64_MAX_JSON || b->sealed_at > U64_MAX_JSON ||
	    b->block_number > U64_MAX_JSON)
		return SSP_ERR_RANGE;
	o = json_object();
	ssp_exj_set(o, "id", json_integer(b->id), &bad);
	ssp_exj_set(o, "batch", ssp_exj_header_new(&b->header, &bad), &bad);
	ssp_exj_set(o, "state", json_string(ssp_export_state_name(b->state)), &bad);
	ssp_exj_set(o, "reason", json_string(b->reason), &bad);
	ssp_exj_set(o, "sealedAt", ssp_exj_u64_new(b->sealed_at), &bad);
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < b->npayouts; i++) {
		json_t *p = json_object();

		if (b->payouts[i].credit > U64_MAX_JSON) {
			json_decref(p);
			rc = SSP_ERR_RANGE;
			break;
		}
		ssp_exj_set(p, "beneficiary", ssp_exj_addr_new(b->payouts[i].beneficiary), &bad);
		ssp_exj_set(p, "credit", ssp_exj_u64_new(b->payouts[i].credit), &bad);
		if (p == NULL || json_array_append_new(arr, p) != 0)
			bad = 1;
	}
	ssp_exj_set(o, "payouts", arr, &bad);
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < b->nsigs; i++) {
		json_t *p = json_object();

		ssp_exj_set(p, "signer", ssp_exj_addr_new(b->sigs[i].signer), &bad);
		ssp_exj_set(p, "signature", ssp_exj_hex_new(b->sigs[i].sig, SSP_SIG_LEN), &bad);
		if (p == NULL || json_array_append_new(arr, p) != 0)
			bad = 1;
	}
	ssp_exj_set(o, "signatures", arr, &bad);
	ssp_exj_set(o, "tx", ssp_exj_tx_new(b->has_tx, b->tx_hash, b->block_number, b->block_hash, &bad), &bad);
	if (rc == 0 && bad)
		rc = SSP_ERR_NOMEM;
	if (rc == 0) {
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s == NULL)
			rc = SSP_ERR_NOMEM;
	}
	json_decref(o);
	if (rc != 0)
		return rc;
	*len = strlen(s);
	if (*len > SSP_EXPORT_MAX_BATCH_LINE) {
		free(s);
		return SSP_ERR_TOO_BIG;
	}
	*out = s;
	return 0;
}

int ssp_exj_header(const json_t *h, ssp_batch *out, ssp_errmsg *em)
{
	static const char *const names[] = { "project", "firstSeq", "lastSeq", "claimsRoot",
					     "payoutsHash", "totalCredit" };
	const char *w = "batch";
	int rc;

	rc = ssp_json_members(h, w, names, 6, em);
	if (rc == 0)
		rc = ssp_json_hex(h, w, "project", 1, out->project, 32, em);
	if (rc == 0)
		rc = ssp_json_u64(h, w, "firstSeq", 0, UINT64_MAX, &out->first_seq, em);
	if (rc == 0)
		rc = ssp_json_u64(h, w, "lastSeq", 0, UINT64_MAX, &out->last_seq, em);
	if (rc == 0)
		rc = ssp_json_hex(h, w, "claimsRoot", 1, out->claims_root, 32, em);
	if (rc == 0)
		rc = ssp_json_hex(h, w, "payoutsHash", 1, out->payouts_hash, 32, em);
	if (rc == 0)
		rc = ssp_json_u64(h, w, "totalCredit", 0, UINT64_MAX, &out->total_credit, em);
	if (rc == 0 && (out->first_seq == 0 || out->last_seq < out->first_seq))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "batch: need 1 <= firstSeq <= lastSeq");
	return rc;
}

int ssp_exj_tx(const json_t *t, int *has_tx, uint8_t hash[32], uint64_t *block,
		    uint8_t block_hash[32], ssp_errmsg *em)
{
	static const char *const names[] = { "hash", "blockNumber", "blockHash" };
	int rc;

	if (json_is_null(t)) {
		*has_tx = 0;
		return 0;
	}
	rc = ssp_json_members(t, "tx", names, 3, em);
	if (rc == 0)
		rc = ssp_json_hex(t, "tx", "hash", 1, hash, 32, em);
	if (rc == 0)
		rc = ssp_json_u64(t, "tx", "blockNumber", 0, UINT64_MAX, block, em);
	if (rc == 0)
		rc = ssp_json_hex(t, "tx", "blockHash", 1, block_hash, 32, em);
	if (rc == 0)
		*has_tx = 1;
	return rc;
}

int ssp_exj_state(const json_t *v, int *state, ssp_errmsg *em)
{
	if (json_is_string(v))
		for (int s = SSP_EXPORT_SEALED; s <= SSP_EXPORT_FAILED; s++)
			if (strcmp(json_string_value(v), state_names[s]) == 0) {
				*state = s;
				return 0;
			}
	return ssp_errmsg_set(em, SSP_ERR_PARSE,
			      "state: expected SEALED, SUBMITTED, MINTED, FINAL or FAILED");
}

int ssp_export_batch_parse(const char *text, size_t len, ssp_export_batch *b, ssp_errmsg *em)
{
	static const char *const names[] = { "id", "batch", "state", "reason", "sealedAt",
					     "payouts", "signatures", "tx" };
	static const char *const pnames[] = { "beneficiary", "credit" };
	static const char *const snames[] = { "signer", "signature" };
	const json_t *v, *arr;
	json_t *j = NULL;
	uint64_t id = 0;
	char where[64];
	int rc;

	if (b == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no batch");
	memset(b, 0, sizeof *b);
	if (text == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len > SSP_EXPORT_MAX_BATCH_LINE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "batch line longer than %u bytes",
				      SSP_EXPORT_MAX_BATCH_LINE);
	j = load_line(text, len, "batch line", em);
	if (j == NULL)
		return SSP_ERR_PARSE;
	rc = ssp_json_members(j, "batch line", names, 8, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "batch line", "id", 0, UINT64_MAX, &id, em);
	if (rc == 0 && id == 0)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "batch line.id: must be positive");
	b->id = (int64_t)id;
	if (rc == 0)
		rc = ssp_exj_header(json_object_get(j, "batch"), &b->header, em);
	if (rc == 0)
		rc = ssp_exj_state(json_object_get(j, "state"), &b->state, em);
	if (rc == 0) {
		v = json_object_get(j, "reason");
		if (!json_is_string(v) || json_string_length(v) > SSP_EXPORT_MAX_REASON ||
		    strlen(json_string_value(v)) != json_string_length(v))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "reason: expected a string of at most %u bytes",
					    SSP_EXPORT_MAX_REASON);
		else
			memcpy(b->reason, json_string_value(v), json_string_length(v) + 1);
	}
	if (rc == 0)
		rc = ssp_json_u64(j, "batch line", "sealedAt", 0, UINT64_MAX, &b->sealed_at, em);
	if (rc == 0) {
		arr = json_object_get(j, "payouts");
		if (!json_is_array(arr))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "payouts: expected an array");
		else if (json_array_size(arr) > SSP_EXPORT_MAX_BATCH_CLAIMS)
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "payouts: more than %u entries",
					    SSP_EXPORT_MAX_BATCH_CLAIMS);
		else if (json_array_size(arr) > 0) {
			b->payouts = calloc(json_array_size(arr), sizeof *b->payouts);
			if (b->payouts == NULL)
				rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "payouts: out of memory");
		}
		for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
			v = json_array_get(arr, i);
			snprintf(where, sizeof where, "payouts[%zu]", i);
			rc = ssp_json_members(v, where, pnames, 2, em);
			if (rc == 0)
				rc = ssp_exj_addr(v, where, "beneficiary", b->payouts[i].beneficiary, em);
			if (rc == 0)
				rc = ssp_json_u64(v, where, "credit", 0, UINT64_MAX, &b->payouts[i].credit, em);
			b->npayouts = i + 1;
		}
	}
	if (rc == 0) {
		arr = json_object_get(j, "signatures");
		if (!json_is_array(arr))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "signatures: expected an array");
		else if (json_array_size(arr) > SSP_EXPORT_MAX_SIGS)
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "signatures: more than %u entries",
					    SSP_EXPORT_MAX_SIGS);
		else if (json_array_size(arr) > 0) {
			b->sigs = calloc(json_array_size(arr), sizeof *b->sigs);
			if (b->sigs == NULL)
				rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "signatures: out of memory");
		}
		for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
			v = json_array_get(arr, i);
			snprintf(where, sizeof where, "signatures[%zu]", i);
			rc = ssp_json_members(v, where, snames, 2, em);
			if (rc == 0)
				rc = ssp_exj_addr(v, where, "signer", b->sigs[i].signer, em);
			if (rc == 0)
				rc = ssp_json_hex(v, where, "signature", 1, b->sigs[i].sig, SSP_SIG_LEN, em);
			b->nsigs = i + 1;
		}
	}
	if (rc == 0)
		rc = ssp_exj_tx(json_object_get(j, "tx"), &b->has_tx, b->tx_hash, &b->block_number,
			      b->block_hash, em);
	json_decref(j);
	if (rc != 0)
		ssp_export_batch_clear(b);
	return rc;
}
