#include "eth/ssp_abi.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ssp_abi_u64(ssp_abi_val *v, uint64_t x)
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_WORD;
	ssp_be64_put(v->word + 24, x);
}

void ssp_abi_u256(ssp_abi_val *v, const ssp_u256 *x)
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_WORD;
	for (int i = 0; i < 4; i++)
		ssp_be64_put(v->word + 8 * (3 - i), x->w[i]);
}

void ssp_abi_address(ssp_abi_val *v, const uint8_t addr[SSP_ADDR_LEN])
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_WORD;
	memcpy(v->word + 12, addr, SSP_ADDR_LEN);
}

void ssp_abi_bytes32(ssp_abi_val *v, const uint8_t b[32])
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_WORD;
	memcpy(v->word, b, 32);
}

void ssp_abi_bytes(ssp_abi_val *v, const uint8_t *p, size_t n)
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_BYTES;
	v->bytes = p;
	v->nbytes = n;
}

void ssp_abi_tuple(ssp_abi_val *v, const ssp_abi_val *items, size_t n)
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_TUPLE;
	v->items = items;
	v->nitems = n;
}

void ssp_abi_array(ssp_abi_val *v, const ssp_abi_val *items, size_t n)
{
	memset(v, 0, sizeof *v);
	v->kind = SSP_ABI_ARRAY;
	v->items = items;
	v->nitems = n;
}

static int is_dynamic(const ssp_abi_val *v)
{
	if (v->kind == SSP_ABI_BYTES || v->kind == SSP_ABI_ARRAY)
		return 1;
	if (v->kind == SSP_ABI_TUPLE)
		for (size_t i = 0; i < v->nitems; i++)
			if (is_dynamic(&v->items[i]))
				return 1;
	return 0;
}

/* Adds b to *a within the cap. */
static int add_len(size_t *a, size_t b)
{
	if (b > SSP_ABI_MAX_LEN || *a > SSP_ABI_MAX_LEN - b)
		return SSP_ERR_TOO_BIG;
	*a += b;
	return 0;
}

static int enc_size(const ssp_abi_val *v, int depth, size_t *size);

/* Size of the members of a tuple (heads and tails). */
static int members_size(const ssp_abi_val *items, size_t n, int depth, size_t *size)
{
	int rc;

	*size = 0;
	if (n > 0 && items == NULL)
		return SSP_ERR_INVAL;
	for (size_t i = 0; i < n; i++) {
		size_t s;

		if ((rc = enc_size(&items[i], depth + 1, &s)) != 0)
			return rc;
		if (is_dynamic(&items[i]) && (rc = add_len(size, 32)) != 0)
			return rc;
		if ((rc = add_len(size, s)) != 0)
			return rc;
	}
	return 0;
}

static int enc_size(const ssp_abi_val *v, int depth, size_t *size)
{
	size_t s;
	int rc;

	if (depth > SSP_ABI_MAX_DEPTH)
		return SSP_ERR_INVAL;
	switch (v->kind) {
	case SSP_ABI_WORD:
		*size = 32;
		return 0;
	case SSP_ABI_BYTES:
		if (v->nbytes > 0 && v->bytes == NULL)
			return SSP_ERR_INVAL;
		if (v->nbytes > SSP_ABI_MAX_LEN)
			return SSP_ERR_TOO_BIG;
		*size = 32 + (v->nbytes + 31) / 32 * 32;
		return 0;
	case SSP_ABI_TUPLE:
		return members_size(v->items, v->nitems, depth, size);
	case SSP_ABI_ARRAY:
		if ((rc = members_size(v->items, v->nitems, depth, &s)) != 0)
			return rc;
		if ((rc = add_len(&s, 32)) != 0)
			return rc;
		*size = s;
		return 0;
	}
	return SSP_ERR_INVAL;
}

static void put_len(uint8_t *out, size_t n)
{
	memset(out, 0, 24);
	ssp_be64_put(out + 24, (uint64_t)n);
}

static size_t enc(const ssp_abi_val *v, uint8_t *out);

/* Encodes tuple members at out; returns the bytes written. Sizes were checked. */
static size_t enc_members(const ssp_abi_val *items, size_t n, uint8_t *out)
{
	size_t head = 0, tail;

	for (size_t i = 0; i < n; i++) {
		size_t s = 0;

		if (is_dynamic(&items[i]))
			head += 32;
		else
			enc_size(&items[i], 0, &s), head += s;
	}
	tail = head;
	head = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_dynamic(&items[i])) {
			put_len(out + head, tail);
			head += 32;
			tail += enc(&items[i], out + tail);
		} else {
			head += enc(&items[i], out + head);
		}
	}
	return tail;
}

static size_t enc(const ssp_abi_val *v, uint8_t *out)
{
	size_t padded;

	switch (v->kind) {
	case SSP_ABI_WORD:
		memcpy(out, v->word, 32);
		return 32;
	case SSP_ABI_BYTES:
		put_len(out, v->nbytes);
		padded = (v->nbytes + 31) / 32 * 32;
		memset(out + 32, 0, padded);
		if (v->nbytes > 0)
			memcpy(out + 32, v->bytes, v->nbytes);
		return 32 + padded;
	case SSP_ABI_TUPLE:
		return enc_members(v->items, v->nitems, out);
	case SSP_ABI_ARRAY:
		put_len(out, v->nitems);
		return 32 + enc_members(v->items, v->nitems, out + 32);
	}
	return 0;
}

int ssp_abi_encode(const ssp_abi_val *args, const uint8_t sel[4], uint8_t **out, size_t *len)
{
	size_t size, off = sel ? 4 : 0;
	uint8_t *buf;
	int rc;

	*out = NULL;
	*len = 0;
	if (args == NULL || args->kind != SSP_ABI_TUPLE)
		return SSP_ERR_INVAL;
	if ((rc = enc_size(args, 0, &size)) != 0)
		return rc;
	if ((rc = add_len(&size, off)) != 0)
		return rc;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return SSP_ERR_NOMEM;
	if (sel)
		memcpy(buf, sel, 4);
	if (enc(args, buf + off) + off != size) {
		free(buf);
		return SSP_ERR_INTERNAL;
	}
	*out = buf;
	*len = size;
	return 0;
}

void ssp_abi_selector(const char *signature, uint8_t sel[4])
{
	uint8_t h[32];

	ssp_keccak256(signature, strlen(signature), h);
	memcpy(sel, h, 4);
}

int ssp_abi_mint_batch_calldata(const ssp_batch *b, const ssp_payout *payouts, size_t npayouts,
				const uint8_t (*sigs)[SSP_SIG_LEN], size_t nsigs,
				uint8_t **out, size_t *len)
{
	ssp_abi_val hdr[6], args[3], *pv = NULL, *pt = NULL, *sv = NULL, top;
	uint8_t sel[4];
	int rc = SSP_ERR_NOMEM;

	*out = NULL;
	*len = 0;
	if (b == NULL || (npayouts > 0 && payouts == NULL) || (nsigs > 0 && sigs == NULL))
		return SSP_ERR_INVAL;
	if (npayouts > SSP_ABI_MAX_LEN / 64 || nsigs > SSP_ABI_MAX_LEN / 128)
		return SSP_ERR_TOO_BIG;
	ssp_abi_bytes32(&hdr[0], b->project);
	ssp_abi_u64(&hdr[1], b->first_seq);
	ssp_abi_u64(&hdr[2], b->last_seq);
	ssp_abi_bytes32(&hdr[3], b->claims_root);
	ssp_abi_bytes32(&hdr[4], b->payouts_hash);
	ssp_abi_u64(&hdr[5], b->total_credit);
	pv = calloc(npayouts ? 2 * npayouts : 1, sizeof *pv);
	pt = calloc(npayouts ? npayouts : 1, sizeof *pt);
	sv = calloc(nsigs ? nsigs : 1, sizeof *sv);
	if (pv == NULL || pt == NULL || sv == NULL)
		goto out;
	for (size_t i = 0; i < npayouts; i++) {
		ssp_abi_address(&pv[2 * i], payouts[i].beneficiary);
		ssp_abi_u64(&pv[2 * i + 1], payouts[i].credit);
		ssp_abi_tuple(&pt[i], &pv[2 * i], 2);
	}
	for (size_t i = 0; i < nsigs; i++)
		ssp_abi_bytes(&sv[i], sigs[i], SSP_SIG_LEN);
	ssp_abi_tuple(&args[0], hdr, 6);
	ssp_abi_array(&args[1], pt, npayouts);
	ssp_abi_array(&args[2], sv, nsigs);
	ssp_abi_tuple(&top, args, 3);
	ssp_abi_selector(SSP_MINTBATCH_SIG, sel);
	rc = ssp_abi_encode(&top, sel, out, len);
out:
	free(pv);
	free(pt);
	free(sv);
	return rc;
}

int ssp_abi_read_word(const uint8_t *data, size_t len, size_t i, uint8_t word[32])
{
	if (data == NULL || i >= len / 32)
		return SSP_ERR_PARSE;
	memcpy(word, data + 32 * i, 32);
	return 0;
}

static int zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

int ssp_abi_read_u64(const uint8_t *data, size_t len, size_t i, uint64_t *v)
{
	uint8_t w[32];
	int rc = ssp_abi_read_word(data, len, i, w);

	if (rc != 0)
		return rc;
	if (!zero(w, 24))
		return SSP_ERR_RANGE;
	*v = ssp_be64_get(w + 24);
	return 0;
}

int ssp_abi_read_u256(const uint8_t *data, size_t len, size_t i, ssp_u256 *v)
{
	uint8_t w[32];
	int rc = ssp_abi_read_word(data, len, i, w);

	if (rc != 0)
		return rc;
	for (int k = 0; k < 4; k++)
		v->w[k] = ssp_be64_get(w + 8 * (3 - k));
	return 0;
}

int ssp_abi_read_address(const uint8_t *data, size_t len, size_t i, uint8_t addr[SSP_ADDR_LEN])
{
	uint8_t w[32];
	int rc = ssp_abi_read_word(data, len, i, w);

	if (rc != 0)
		return rc;
	if (!zero(w, 12))
		return SSP_ERR_RANGE;
	memcpy(addr, w + 12, SSP_ADDR_LEN);
	return 0;
}

/* A bounded string builder: appends while room is left, always NUL-terminated. */
struct sb {
	char *p;
	size_t cap, len;
};

static void sb_add(struct sb *s, const char *text, size_t n)
{
	for (size_t i = 0; i < n && s->len + 1 < s->cap; i++) {
		unsigned char c = (unsigned char)text[i];

		s->p[s->len++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	s->p[s->len] = '\0';
}

static void sb_str(struct sb *s, const char *text)
{
	sb_add(s, text, strlen(text));
}

/* Decimal text of a 32-byte big-endian word, without the u256 module's help. */
static void word_dec(const uint8_t w[32], char out[80])
{
	uint8_t n[32];
	char tmp[80];
	size_t k = 0;

	memcpy(n, w, 32);
	do {
		unsigned rem = 0;

		for (int i = 0; i < 32; i++) {
			unsigned cur = rem << 8 | n[i];

			n[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
		}
		tmp[k++] = (char)('0' + rem);
	} while (!zero(n, 32));
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = '\0';
}

/* Appends the text of one static argument of type `type` (length tn). */
static void describe_arg(struct sb *s, const char *type, size_t tn, const uint8_t w[32])
{
	char buf[80], hex[67];

	if ((tn >= 4 && strncmp(type, "uint", 4) == 0)) {
		word_dec(w, buf);
		sb_str(s, buf);
	} else if (tn == 7 && strncmp(type, "address", 7) == 0) {
		ssp_hex_encode(w + 12, 20, hex, 1);
		sb_str(s, hex);
	} else if (tn == 4 && strncmp(type, "bool", 4) == 0) {
		sb_str(s, zero(w, 32) ? "false" : "true");
	} else {
		ssp_hex_encode(w, 32, hex, 1);
		sb_str(s, hex);
	}
}

/* True for a type we print from its single head word. */
static int simple_static(const char *t, size_t n)
{
	if (n == 0 || memchr(t, '[', n) || memchr(t, '(', n))
		return 0;
	if (n == 6 && strncmp(t, "string", 6) == 0)
		return 0;
	if (n == 5 && strncmp(t, "bytes", 5) == 0)
		return 0;
	return 1;
}

static void describe_custom(struct sb *s, const char *sig, const uint8_t *args, size_t alen)
{
	const char *open = strchr(sig, '('), *t;
	size_t i = 0;

	if (open == NULL) {
		sb_str(s, sig);
		return;
	}
	sb_add(s, sig, (size_t)(open - sig));
	sb_str(s, "(");
	t = open + 1;
	while (*t && *t != ')') {
		const char *e = t;
		int depth = 0;
		uint8_t w[32];

		while (*e && (depth > 0 || (*e != ',' && *e != ')'))) {
			if (*e == '(')
				depth++;
			else if (*e == ')')
				depth--;
			e++;
		}
		if (i > 0)
			sb_str(s, ", ");
		if (!simple_static(t, (size_t)(e - t))) {
			sb_str(s, "...");
			break;
		}
		if (ssp_abi_read_word(args, alen, i, w) != 0) {
			sb_str(s, "?");
			break;
		}
		describe_arg(s, t, (size_t)(e - t), w);
		i++;
		t = (*e == ',') ? e + 1 : e;
	}
	sb_str(s, ")");
}

int ssp_abi_describe_revert(const uint8_t *data, size_t len, const char *const *sigs, size_t n,
			    char *out, size_t cap)
{
	struct sb s = { out, cap, 0 };
	uint8_t sel[4], esel[4], psel[4];
	char hex[11];

	if (out == NULL || cap == 0)
		return SSP_ERR_INVAL;
	out[0] = '\0';
	if (data == NULL || len == 0) {
		sb_str(&s, "empty revert");
		return SSP_ERR_NOT_FOUND;
	}
	if (len < 4) {
		sb_str(&s, "malformed revert data");
		return SSP_ERR_NOT_FOUND;
	}
	ssp_abi_selector("Error(string)", esel);
	ssp_abi_selector("Panic(uint256)", psel);
	if (memcmp(data, esel, 4) == 0) {
		uint64_t off, slen;
		const uint8_t *a = data + 4;
		size_t alen = len - 4;

		if (ssp_abi_read_u64(a, alen, 0, &off) == 0 && off % 32 == 0 && off / 32 < alen / 32 &&
		    ssp_abi_read_u64(a, alen, off / 32, &slen) == 0 && slen <= alen - off - 32) {
			sb_add(&s, (const char *)a + off + 32, (size_t)slen);
			return 0;
		}
		sb_str(&s, "Error(malformed)");
		return SSP_ERR_NOT_FOUND;
	}
	if (memcmp(data, psel, 4) == 0) {
		uint8_t w[32];
		char buf[80];

		if (ssp_abi_read_word(data + 4, len - 4, 0, w) == 0) {
			uint64_t code = ssp_be64_get(w + 24);

			snprintf(buf, sizeof buf, zero(w, 24) ? "Panic(0x%llx)" : "Panic(large)",
				 (unsigned long long)code);
			sb_str(&s, buf);
			return 0;
		}
		sb_str(&s, "Panic(malformed)");
		return SSP_ERR_NOT_FOUND;
	}
	for (size_t i = 0; i < n; i++) {
		ssp_abi_selector(sigs[i], sel);
		if (memcmp(data, sel, 4) == 0) {
			describe_custom(&s, sigs[i], data + 4, len - 4);
			return 0;
		}
	}
	sb_str(&s, "unknown error ");
	sb_str(&s, ssp_hex_encode(data, 4, hex, 1));
	return SSP_ERR_NOT_FOUND;
}
