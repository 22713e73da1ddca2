#include "eth/ssp_rpc.h"
#include "core/ssp_hex.h"
#include "core/ssp_log.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_RET (1u << 20)
#define MAX_LOGS 10000

struct ssp_rpc {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	ssp_rpc_opts opts;
	unsigned long long next_id;
	/* response body being received */
	char *body;
	size_t body_len, body_cap;
	int body_overflow;
	ssp_rpc_error err;
	int have_err;
};

static int curl_ready;

static void clear_err(ssp_rpc *rpc)
{
	if (rpc->err.data != NULL)
		json_decref(rpc->err.data);
	memset(&rpc->err, 0, sizeof rpc->err);
	rpc->have_err = 0;
}

int ssp_rpc_new(const char *url, const ssp_rpc_opts *opts, ssp_rpc **out)
{
	ssp_rpc *rpc;

	*out = NULL;
	if (url == NULL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return SSP_ERR_INVAL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return SSP_ERR_NET;
		curl_ready = 1;
	}
	rpc = calloc(1, sizeof *rpc);
	if (rpc == NULL)
		return SSP_ERR_NOMEM;
	if (opts != NULL)
		rpc->opts = *opts;
	if (rpc->opts.connect_timeout_ms <= 0)
		rpc->opts.connect_timeout_ms = SSP_RPC_DEFAULT_CONNECT_MS;
	if (rpc->opts.timeout_ms <= 0)
		rpc->opts.timeout_ms = SSP_RPC_DEFAULT_TIMEOUT_MS;
	if (rpc->opts.max_body == 0)
		rpc->opts.max_body = SSP_RPC_DEFAULT_MAX_BODY;
	if (rpc->opts.retries < 0)
		rpc->opts.retries = 0;
	rpc->next_id = 1;
	rpc->url = strdup(url);
	rpc->curl = curl_easy_init();
	rpc->headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (rpc->url == NULL || rpc->curl == NULL || rpc->headers == NULL) {
		ssp_rpc_free(rpc);
		return SSP_ERR_NOMEM;
	}
	*out = rpc;
	return 0;
}

void ssp_rpc_free(ssp_rpc *rpc)
{
	if (rpc == NULL)
		return;
	clear_err(rpc);
	if (rpc->curl != NULL)
		curl_easy_cleanup(rpc->curl);
	curl_slist_free_all(rpc->headers);
	free(rpc->url);
	free(rpc->body);
	free(rpc);
}

const ssp_rpc_error *ssp_rpc_last_error(const ssp_rpc *rpc)
{
	return rpc->have_err ? &rpc->err : NULL;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	ssp_rpc *rpc = ud;
	size_t n = size * nmemb;

	if (n > rpc->opts.max_body || rpc->body_len > rpc->opts.max_body - n) {
		rpc->body_overflow = 1;
		return 0; /* aborts the transfer */
	}
	if (rpc->body_len + n + 1 > rpc->body_cap) {
		size_t ncap = rpc->body_cap ? rpc->body_cap : 4096;
		char *p;

		while (ncap < rpc->body_len + n + 1)
			ncap *= 2;
		p = realloc(rpc->body, ncap);
		if (p == NULL)
			return 0;
		rpc->body = p;
		rpc->body_cap = ncap;
	}
	memcpy(rpc->body + rpc->body_len, ptr, n);
	rpc->body_len += n;
	rpc->body[rpc->body_len] = '\0';
	return n;
}

/* One HTTP POST; the body lands in rpc->body. *status gets the HTTP status. */
static int post(ssp_rpc *rpc, const char *req, long *status, ssp_errmsg *em)
{
	CURL *c = rpc->curl;
	CURLcode cc;

	rpc->body_len = 0;
	rpc->body_overflow = 0;
	if (rpc->body != NULL)
		rpc->body[0] = '\0';
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, rpc->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, rpc->headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(req));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, rpc->opts.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rpc->opts.timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, rpc);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		if (rpc->body_overflow)
			return ssp_errmsg_set(em, SSP_ERR_TOO_BIG,
					      "rpc: response body exceeds %zu bytes", rpc->opts.max_body);
		if (cc == CURLE_OPERATION_TIMEDOUT)
			return ssp_errmsg_set(em, SSP_ERR_TIMEOUT, "rpc: %s", curl_easy_strerror(cc));
		if (cc == CURLE_WRITE_ERROR)
			return ssp_errmsg_set(em, SSP_ERR_NOMEM, "rpc: out of memory for the body");
		return ssp_errmsg_set(em, SSP_ERR_NET, "rpc: %s", curl_easy_strerror(cc));
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* Validates the response envelope in rpc->body for request id. */
static int parse_response(ssp_rpc *rpc, unsigned long long id, long status, json_t **result,
			  ssp_errmsg *em)
{
	json_error_t jerr;
	json_t *root, *v, *res, *err;
	int rc = SSP_ERR_PARSE;

	root = json_loadb(rpc->body ? rpc->body : "", rpc->body_len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (status != 200)
			return ssp_errmsg_set(em, SSP_ERR_NET, "rpc: HTTP status %ld", status);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: response is not JSON (%s)", jerr.text);
	}
	if (!json_is_object(root)) {
		ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: response is not a JSON object");
		goto out;
	}
	v = json_object_get(root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: response lacks \"jsonrpc\": \"2.0\"");
		goto out;
	}
	v = json_object_get(root, "id");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) != id) {
		ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: response id does not match the request");
		goto out;
	}
	res = json_object_get(root, "result");
	err = json_object_get(root, "error");
	if ((res == NULL) == (err == NULL)) {
		ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: response must hold exactly one of result, error");
		goto out;
	}
	if (err != NULL) {
		json_t *code = json_object_get(err, "code"), *msg = json_object_get(err, "message");

		if (!json_is_object(err) || !json_is_integer(code) || !json_is_string(msg)) {
			ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: malformed error object");
			goto out;
		}
		clear_err(rpc);
		rpc->have_err = 1;
		rpc->err.code = (long long)json_integer_value(code);
		snprintf(rpc->err.message, sizeof rpc->err.message, "%s", json_string_value(msg));
		rpc->err.data = json_incref(json_object_get(err, "data"));
		rc = ssp_errmsg_set(em, SSP_ERR_RPC, "rpc error %lld: %s", rpc->err.code,
				    rpc->err.message);
		goto out;
	}
	if (status != 200) {
		rc = ssp_errmsg_set(em, SSP_ERR_NET, "rpc: HTTP status %ld", status);
		goto out;
	}
	*result = json_incref(res);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int transient(int rc)
{
	return rc == SSP_ERR_NET || rc == SSP_ERR_TIMEOUT || rc == SSP_ERR_PARSE ||
	       rc == SSP_ERR_TOO_BIG;
}

int ssp_rpc_call(ssp_rpc *rpc, const char *method, json_t *params, json_t **result,
		 ssp_errmsg *em)
{
	json_t *req = NULL;
	char *text = NULL;
	int rc = SSP_ERR_NOMEM;

	*result = NULL;
	if (rpc == NULL || method == NULL) {
		json_decref(params);
		return SSP_ERR_INVAL;
	}
	clear_err(rpc);
	if (params == NULL)
		params = json_array();
	if (params == NULL || !json_is_array(params)) {
		rc = params ? SSP_ERR_INVAL : SSP_ERR_NOMEM;
		json_decref(params);
		return rc;
	}
	for (int attempt = 0; attempt <= rpc->opts.retries; attempt++) {
		unsigned long long id = rpc->next_id++;
		long status = 0;

		json_decref(req);
		free(text);
		text = NULL;
		req = json_pack("{s:s, s:I, s:s, s:O}", "jsonrpc", "2.0", "id", (json_int_t)id,
				"method", method, "params", params);
		if (req == NULL || (text = json_dumps(req, JSON_COMPACT)) == NULL) {
			rc = SSP_ERR_NOMEM;
			break;
		}
		if (attempt > 0) {
			struct timespec ts = { 0, 0 };
			long ms = 200L << (attempt - 1 < 5 ? attempt - 1 : 5);

			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000L;
			nanosleep(&ts, NULL);
			ssp_log_debug("rpc: retrying %s (attempt %d)", method, attempt + 1);
		}
		ssp_log_detail("rpc: -> %s", text);
		rc = post(rpc, text, &status, em);
		if (rc == 0) {
			ssp_log_detail("rpc: <- %.400s", rpc->body ? rpc->body : "");
			rc = parse_response(rpc, id, status, result, em);
		}
		if (rc == 0 || !transient(rc))
			break;
	}
	json_decref(req);
	json_decref(params);
	free(text);
	return rc;
}

int ssp_rpc_error_data(const ssp_rpc *rpc, uint8_t **out, size_t *len)
{
	const json_t *d;

	*out = NULL;
	*len = 0;
	if (!rpc->have_err || rpc->err.data == NULL)
		return SSP_ERR_NOT_FOUND;
	d = rpc->err.data;
	if (json_is_object(d))
		d = json_object_get(d, "data");
	if (!json_is_string(d))
		return SSP_ERR_NOT_FOUND;
	return ssp_rpc_data_alloc(d, MAX_RET, out, len);
}

/* --- quantities and data --- */

int ssp_rpc_quantity_u256(const json_t *v, ssp_u256 *out)
{
	const char *s;

	if (!json_is_string(v))
		return SSP_ERR_PARSE;
	s = json_string_value(v);
	if (s[0] != '0' || s[1] != 'x' || s[2] == '\0')
		return SSP_ERR_PARSE;
	/* leading zeros are allowed here (not in ssp_u256_from_hex's 64-digit limit) */
	for (s += 2; s[0] == '0' && s[1] != '\0'; s++)
		;
	return ssp_u256_from_hex(out, s);
}

int ssp_rpc_quantity_u64(const json_t *v, uint64_t *out)
{
	ssp_u256 u;
	int rc = ssp_rpc_quantity_u256(v, &u);

	if (rc != 0)
		return rc;
	if (u.w[1] || u.w[2] || u.w[3])
		return SSP_ERR_RANGE;
	*out = u.w[0];
	return 0;
}

json_t *ssp_rpc_u64_json(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

json_t *ssp_rpc_u256_json(const ssp_u256 *v)
{
	char buf[SSP_U256_HEX_MAX];

	return json_string(ssp_u256_to_hex(v, buf));
}

json_t *ssp_rpc_data_json(const uint8_t *data, size_t len)
{
	char *buf;
	json_t *j;

	if (len > (SIZE_MAX - 3) / 2)
		return NULL;
	buf = malloc(2 * len + 3);
	if (buf == NULL)
		return NULL;
	ssp_hex_encode(data, len, buf, 1);
	j = json_string(buf);
	free(buf);
	return j;
}

int ssp_rpc_data_fixed(const json_t *v, uint8_t *out, size_t n)
{
	const char *s;

	if (!json_is_string(v))
		return SSP_ERR_PARSE;
	s = json_string_value(v);
	if (s[0] != '0' || s[1] != 'x')
		return SSP_ERR_PARSE;
	return ssp_hex_decode_exact(s, out, n);
}

int ssp_rpc_data_alloc(const json_t *v, size_t cap, uint8_t **out, size_t *len)
{
	const char *s;
	size_t n;
	int rc;

	*out = NULL;
	*len = 0;
	if (!json_is_string(v))
		return SSP_ERR_PARSE;
	s = json_string_value(v);
	if (s[0] != '0' || s[1] != 'x')
		return SSP_ERR_PARSE;
	n = (json_string_length(v) - 2) / 2;
	if (n > cap)
		return SSP_ERR_TOO_BIG;
	*out = malloc(n ? n : 1);
	if (*out == NULL)
		return SSP_ERR_NOMEM;
	rc = ssp_hex_decode(s, *out, n, len);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}

/* --- typed calls --- */

/* Calls and returns the result; a JSON null result is SSP_ERR_NOT_FOUND when !null_ok. */
static int call(ssp_rpc *rpc, const char *method, json_t *params, json_t **res, int null_ok,
		ssp_errmsg *em)
{
	int rc;

	*res = NULL;
	if (params == NULL) /* a json_pack of the parameters failed */
		return SSP_ERR_NOMEM;
	rc = ssp_rpc_call(rpc, method, params, res, em);

	if (rc == SSP_ERR_RPC && rpc->have_err &&
	    (rpc->err.code == 3 || strncmp(rpc->err.message, "execution reverted", 18) == 0))
		rc = SSP_ERR_REVERTED;
	if (rc == 0 && !null_ok && json_is_null(*res)) {
		json_decref(*res);
		*res = NULL;
		return ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "rpc: %s returned null", method);
	}
	return rc;
}

static int bad(ssp_errmsg *em, const char *method, const char *field)
{
	return ssp_errmsg_set(em, SSP_ERR_PARSE, "rpc: %s: bad or missing %s", method, field);
}

static int simple_u64(ssp_rpc *rpc, const char *method, json_t *params, uint64_t *out,
		      ssp_errmsg *em)
{
	json_t *res;
	int rc = call(rpc, method, params, &res, 0, em);

	if (rc != 0)
		return rc;
	if (ssp_rpc_quantity_u64(res, out) != 0)
		rc = bad(em, method, "quantity");
	json_decref(res);
	return rc;
}

int ssp_rpc_chain_id(ssp_rpc *rpc, uint64_t *id, ssp_errmsg *em)
{
	return simple_u64(rpc, "eth_chainId", json_array(), id, em);
}

int ssp_rpc_block_number(ssp_rpc *rpc, uint64_t *n, ssp_errmsg *em)
{
	return simple_u64(rpc, "eth_blockNumber", json_array(), n, em);
}

static json_t *addr_json(const uint8_t a[SSP_ADDR_LEN])
{
	return ssp_rpc_data_json(a, SSP_ADDR_LEN);
}

int ssp_rpc_tx_count(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], const char *tag,
		     uint64_t *n, ssp_errmsg *em)
{
	return simple_u64(rpc, "eth_getTransactionCount",
			  json_pack("[o,s]", addr_json(addr), tag ? tag : "latest"), n, em);
}

int ssp_rpc_get_block(ssp_rpc *rpc, const char *tag, uint64_t number, ssp_rpc_block *out,
		      ssp_errmsg *em)
{
	static const char m[] = "eth_getBlockByNumber";
	json_t *res, *bf;
	int rc;

	memset(out, 0, sizeof *out);
	rc = call(rpc, m, json_pack("[o,b]", tag ? json_string(tag) : ssp_rpc_u64_json(number), 0),
		  &res, 0, em);
	if (rc != 0)
		return rc;
	if (!json_is_object(res))
		rc = bad(em, m, "block object");
	else if (ssp_rpc_quantity_u64(json_object_get(res, "number"), &out->number) != 0)
		rc = bad(em, m, "number");
	else if (ssp_rpc_data_fixed(json_object_get(res, "hash"), out->hash, 32) != 0)
		rc = bad(em, m, "hash");
	else if (ssp_rpc_data_fixed(json_object_get(res, "parentHash"), out->parent_hash, 32) != 0)
		rc = bad(em, m, "parentHash");
	else if (ssp_rpc_quantity_u64(json_object_get(res, "timestamp"), &out->timestamp) != 0)
		rc = bad(em, m, "timestamp");
	else if ((bf = json_object_get(res, "baseFeePerGas")) != NULL && !json_is_null(bf)) {
		if (ssp_rpc_quantity_u256(bf, &out->base_fee) != 0)
			rc = bad(em, m, "baseFeePerGas");
		else
			out->has_base_fee = 1;
	}
	json_decref(res);
	return rc;
}

/* {from, to, value, data} for eth_estimateGas and eth_call. */
static json_t *call_object(const uint8_t *from, const uint8_t *to, const ssp_u256 *value,
			   const uint8_t *data, size_t len)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (from != NULL)
		json_object_set_new(o, "from", addr_json(from));
	if (to != NULL)
		json_object_set_new(o, "to", addr_json(to));
	if (value != NULL && !ssp_u256_is_zero(value))
		json_object_set_new(o, "value", ssp_rpc_u256_json(value));
	json_object_set_new(o, "input", ssp_rpc_data_json(data, len));
	return o;
}

int ssp_rpc_estimate_gas(ssp_rpc *rpc, const uint8_t from[SSP_ADDR_LEN], const uint8_t *to,
			 const ssp_u256 *value, const uint8_t *data, size_t len, uint64_t *gas,
			 ssp_errmsg *em)
{
	return simple_u64(rpc, "eth_estimateGas",
			  json_pack("[o]", call_object(from, to, value, data, len)), gas, em);
}

int ssp_rpc_eth_call(ssp_rpc *rpc, const uint8_t *from, const uint8_t to[SSP_ADDR_LEN],
		     const uint8_t *data, size_t len, const char *tag, uint8_t **ret,
		     size_t *retlen, ssp_errmsg *em)
{
	json_t *res;
	int rc;

	*ret = NULL;
	*retlen = 0;
	rc = call(rpc, "eth_call",
		  json_pack("[o,s]", call_object(from, to, NULL, data, len), tag ? tag : "latest"),
		  &res, 0, em);
	if (rc != 0)
		return rc;
	rc = ssp_rpc_data_alloc(res, MAX_RET, ret, retlen);
	if (rc != 0)
		rc = bad(em, "eth_call", "return data");
	json_decref(res);
	return rc;
}

static int cmp_u256(const void *a, const void *b)
{
	return ssp_u256_cmp(a, b);
}

int ssp_rpc_fee_history(ssp_rpc *rpc, unsigned blocks, double percentile,
			ssp_u256 *next_base_fee, ssp_u256 *tip, ssp_errmsg *em)
{
	static const char m[] = "eth_feeHistory";
	json_t *res, *bases, *rewards, *row;
	ssp_u256 *vals = NULL;
	size_t nb, nr, k = 0, i;
	int rc;

	memset(next_base_fee, 0, sizeof *next_base_fee);
	memset(tip, 0, sizeof *tip);
	if (blocks == 0 || blocks > 1024)
		return SSP_ERR_INVAL;
	rc = call(rpc, m, json_pack("[o,s,[f]]", ssp_rpc_u64_json(blocks), "latest", percentile),
		  &res, 0, em);
	if (rc != 0)
		return rc;
	bases = json_object_get(res, "baseFeePerGas");
	rewards = json_object_get(res, "reward");
	if (!json_is_array(bases) || (nb = json_array_size(bases)) == 0 || nb > 1025) {
		rc = bad(em, m, "baseFeePerGas");
		goto out;
	}
	/* The last entry is the base fee of the block after the newest one. */
	if (ssp_rpc_quantity_u256(json_array_get(bases, nb - 1), next_base_fee) != 0) {
		rc = bad(em, m, "baseFeePerGas");
		goto out;
	}
	if (rewards == NULL || json_is_null(rewards))
		goto out;
	if (!json_is_array(rewards) || (nr = json_array_size(rewards)) > 1024) {
		rc = bad(em, m, "reward");
		goto out;
	}
	vals = calloc(nr ? nr : 1, sizeof *vals);
	if (vals == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	json_array_foreach(rewards, i, row) {
		if (!json_is_array(row) || json_array_size(row) < 1 ||
		    ssp_rpc_quantity_u256(json_array_get(row, 0), &vals[k]) != 0) {
			rc = bad(em, m, "reward");
			goto out;
		}
		k++;
	}
	if (k > 0) {
		qsort(vals, k, sizeof *vals, cmp_u256);
		*tip = vals[k / 2];
	}
out:
	free(vals);
	json_decref(res);
	return rc;
}

int ssp_rpc_send_raw(ssp_rpc *rpc, const uint8_t *raw, size_t len, uint8_t hash[32],
		     ssp_errmsg *em)
{
	json_t *res;
	uint8_t h[32];
	int rc = call(rpc, "eth_sendRawTransaction", json_pack("[o]", ssp_rpc_data_json(raw, len)),
		      &res, 0, em);

	if (rc != 0)
		return rc;
	if (ssp_rpc_data_fixed(res, h, 32) != 0)
		rc = bad(em, "eth_sendRawTransaction", "hash");
	else if (hash != NULL)
		memcpy(hash, h, 32);
	json_decref(res);
	return rc;
}

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

enum ssp_rpc_send_err ssp_rpc_classify_send_error(const char *msg)
{
	if (msg == NULL)
		return SSP_SEND_OTHER;
	if (contains(msg, "nonce too low") || contains(msg, "nonce has already been used") ||
	    contains(msg, "NonceTooLow"))
		return SSP_SEND_NONCE_TOO_LOW;
	if (contains(msg, "nonce too high") || contains(msg, "NonceTooHigh"))
		return SSP_SEND_NONCE_TOO_HIGH;
	if (contains(msg, "already known") || contains(msg, "already imported") ||
	    contains(msg, "known transaction") || contains(msg, "AlreadyKnown"))
		return SSP_SEND_ALREADY_KNOWN;
	if (contains(msg, "replacement transaction underpriced") || contains(msg, "ReplacementUnderpriced") ||
	    contains(msg, "replacement underpriced"))
		return SSP_SEND_UNDERPRICED;
	if (contains(msg, "insufficient funds") || contains(msg, "InsufficientFunds"))
		return SSP_SEND_NO_FUNDS;
	if (contains(msg, "underpriced") || contains(msg, "less than block base fee") ||
	    contains(msg, "fee cap") || contains(msg, "FeeCapTooLow") || contains(msg, "max fee per gas"))
		return SSP_SEND_FEE_TOO_LOW;
	return SSP_SEND_OTHER;
}

int ssp_rpc_get_receipt(ssp_rpc *rpc, const uint8_t hash[32], ssp_rpc_receipt *out,
			ssp_errmsg *em)
{
	static const char m[] = "eth_getTransactionReceipt";
	json_t *res, *ca;
	uint64_t st;
	int rc;

	memset(out, 0, sizeof *out);
	rc = call(rpc, m, json_pack("[o]", ssp_rpc_data_json(hash, 32)), &res, 0, em);
	if (rc != 0)
		return rc;
	if (!json_is_object(res))
		rc = bad(em, m, "receipt object");
	else if (ssp_rpc_data_fixed(json_object_get(res, "transactionHash"), out->tx_hash, 32) != 0 ||
		 memcmp(out->tx_hash, hash, 32) != 0)
		rc = bad(em, m, "transactionHash");
	else if (ssp_rpc_quantity_u64(json_object_get(res, "status"), &st) != 0 || st > 1)
		rc = bad(em, m, "status");
	else if (ssp_rpc_quantity_u64(json_object_get(res, "blockNumber"), &out->block_number) != 0)
		rc = bad(em, m, "blockNumber");
	else if (ssp_rpc_data_fixed(json_object_get(res, "blockHash"), out->block_hash, 32) != 0)
		rc = bad(em, m, "blockHash");
	else if (ssp_rpc_quantity_u64(json_object_get(res, "gasUsed"), &out->gas_used) != 0)
		rc = bad(em, m, "gasUsed");
	else {
		out->status = (int)st;
		if (ssp_rpc_quantity_u256(json_object_get(res, "effectiveGasPrice"),
					  &out->effective_gas_price) != 0)
			memset(&out->effective_gas_price, 0, sizeof out->effective_gas_price);
		ca = json_object_get(res, "contractAddress");
		if (ca != NULL && !json_is_null(ca)) {
			if (ssp_rpc_data_fixed(ca, out->contract, SSP_ADDR_LEN) != 0)
				rc = bad(em, m, "contractAddress");
			else
				out->has_contract = 1;
		}
	}
	json_decref(res);
	return rc;
}

int ssp_rpc_tx_known(ssp_rpc *rpc, const uint8_t hash[32], int *mined, ssp_errmsg *em)
{
	json_t *res, *bn;
	int rc = call(rpc, "eth_getTransactionByHash", json_pack("[o]", ssp_rpc_data_json(hash, 32)),
		      &res, 0, em);

	if (rc != 0)
		return rc;
	if (!json_is_object(res)) {
		json_decref(res);
		return bad(em, "eth_getTransactionByHash", "transaction object");
	}
	bn = json_object_get(res, "blockNumber");
	if (mined != NULL)
		*mined = bn != NULL && !json_is_null(bn);
	json_decref(res);
	return 0;
}

void ssp_rpc_logs_free(ssp_rpc_log *logs, size_t n)
{
	if (logs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(logs[i].data);
	free(logs);
}

int ssp_rpc_get_logs(ssp_rpc *rpc, const uint8_t addr[SSP_ADDR_LEN], const uint8_t (*topics)[32],
		     size_t ntopics, uint64_t from_block, uint64_t to_block, ssp_rpc_log **logs,
		     size_t *n, ssp_errmsg *em)
{
	static const char m[] = "eth_getLogs";
	json_t *filter, *tj, *res, *item;
	ssp_rpc_log *out = NULL;
	size_t i, cnt = 0;
	int rc;

	*logs = NULL;
	*n = 0;
	if (ntopics > 4)
		return SSP_ERR_INVAL;
	tj = json_array();
	for (i = 0; i < ntopics; i++)
		json_array_append_new(tj, ssp_rpc_data_json(topics[i], 32));
	filter = json_pack("{s:o, s:o, s:o, s:o}", "address", addr_json(addr), "topics", tj,
			   "fromBlock", ssp_rpc_u64_json(from_block), "toBlock",
			   to_block == UINT64_MAX ? json_string("latest") : ssp_rpc_u64_json(to_block));
	rc = call(rpc, m, json_pack("[o]", filter), &res, 0, em);
	if (rc != 0)
		return rc;
	if (!json_is_array(res)) {
		rc = bad(em, m, "log array");
		goto out;
	}
	if (json_array_size(res) > MAX_LOGS) {
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "rpc: %s: more than %d logs", m, MAX_LOGS);
		goto out;
	}
	out = calloc(json_array_size(res) ? json_array_size(res) : 1, sizeof *out);
	if (out == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	json_array_foreach(res, i, item) {
		ssp_rpc_log *l = &out[cnt];
		json_t *tl = json_object_get(item, "topics"), *t, *rm;
		size_t k;

		if (!json_is_object(item) ||
		    ssp_rpc_data_fixed(json_object_get(item, "address"), l->address, SSP_ADDR_LEN) != 0 ||
		    !json_is_array(tl) || json_array_size(tl) > 4 ||
		    ssp_rpc_quantity_u64(json_object_get(item, "blockNumber"), &l->block_number) != 0 ||
		    ssp_rpc_data_fixed(json_object_get(item, "blockHash"), l->block_hash, 32) != 0 ||
		    ssp_rpc_data_fixed(json_object_get(item, "transactionHash"), l->tx_hash, 32) != 0 ||
		    ssp_rpc_quantity_u64(json_object_get(item, "logIndex"), &l->log_index) != 0) {
			rc = bad(em, m, "log fields");
			goto out;
		}
		json_array_foreach(tl, k, t) {
			if (ssp_rpc_data_fixed(t, l->topics[k], 32) != 0) {
				rc = bad(em, m, "topic");
				goto out;
			}
		}
		l->ntopics = json_array_size(tl);
		if (ssp_rpc_data_alloc(json_object_get(item, "data"), MAX_RET, &l->data,
				       &l->data_len) != 0) {
			rc = bad(em, m, "data");
			goto out;
		}
		rm = json_object_get(item, "removed");
		l->removed = json_is_true(rm);
		cnt++;
	}
	*logs = out;
	*n = cnt;
	out = NULL;
out:
	ssp_rpc_logs_free(out, cnt);
	json_decref(res);
	return rc;
}
