/* Suite for lib/ssp_tx: signed EIP-1559 transactions byte for byte equal to `cast mktx`
 * (tests/data/eth/tx_vectors.txt), decoding back, CREATE addresses (`cast compute-address`),
 * malformed and non-canonical raw transactions. */
#include "ssp_cu.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_key.h"
#include "eth/ssp_rlp.h"
#include "eth/ssp_tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct txvec {
	uint8_t key[32];
	ssp_tx tx;
	uint8_t *data;
	uint8_t *raw;
	size_t rawlen;
};

static struct txvec vecs[32];
static size_t nvecs;

static void load(void)
{
	char *text, *line, *save = NULL;

	if (nvecs > 0)
		return;
	text = ssp_cu_slurp("eth/tx_vectors.txt", NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[10], *s2 = NULL, *tok;
		struct txvec *v;
		size_t n = 0, dl;

		if (line[0] == '#')
			continue;
		for (tok = strtok_r(line, " ", &s2); tok && n < 10; tok = strtok_r(NULL, " ", &s2))
			f[n++] = tok;
		if (n != 10 || nvecs == 32)
			goto bad;
		v = &vecs[nvecs++];
		memset(v, 0, sizeof *v);
		if (ssp_hex_decode_exact(f[0], v->key, 32) != 0)
			goto bad;
		v->tx.chain_id = strtoull(f[1], NULL, 10);
		v->tx.nonce = strtoull(f[2], NULL, 10);
		if (ssp_u256_from_dec(&v->tx.max_priority_fee, f[3]) != 0 ||
		    ssp_u256_from_dec(&v->tx.max_fee, f[4]) != 0 ||
		    ssp_u256_from_dec(&v->tx.value, f[7]) != 0)
			goto bad;
		v->tx.gas = strtoull(f[5], NULL, 10);
		if (strcmp(f[6], "create") == 0)
			v->tx.create = 1;
		else if (ssp_address_parse(f[6], v->tx.to) != 0)
			goto bad;
		v->data = malloc(strlen(f[8]) / 2 + 1);
		if (ssp_hex_decode(f[8], v->data, strlen(f[8]), &dl) != 0)
			goto bad;
		v->tx.data = v->data;
		v->tx.data_len = dl;
		v->raw = malloc(strlen(f[9]) / 2);
		if (ssp_hex_decode(f[9], v->raw, strlen(f[9]), &v->rawlen) != 0)
			goto bad;
	}
	free(text);
	return;
bad:
	fprintf(stderr, "bad tx vector line\n");
	exit(2);
}

static void test_sign_vs_cast(void)
{
	load();
	CU_ASSERT_TRUE_FATAL(nvecs >= 16);
	for (size_t i = 0; i < nvecs; i++) {
		uint8_t *raw, hash[32], want[32];
		size_t len;

		CU_ASSERT_EQUAL_FATAL(ssp_tx_sign(&vecs[i].tx, vecs[i].key, &raw, &len, hash), 0);
		CU_ASSERT_EQUAL(len, vecs[i].rawlen);
		CU_ASSERT_TRUE(len == vecs[i].rawlen && memcmp(raw, vecs[i].raw, len) == 0);
		if (len != vecs[i].rawlen || memcmp(raw, vecs[i].raw, len) != 0)
			fprintf(stderr, "tx vector %zu differs from cast\n", i);
		ssp_keccak256(vecs[i].raw, vecs[i].rawlen, want);
		CU_ASSERT_EQUAL(memcmp(hash, want, 32), 0);
		free(raw);
	}
}

/* Vectors whose r or s is shorter than 32 bytes: the stripped form is what cast produced. */
static void test_short_rs(void)
{
	int short_r = 0, short_s = 0;

	load();
	for (size_t i = 0; i < nvecs; i++) {
		ssp_tx_signed d;

		CU_ASSERT_EQUAL_FATAL(ssp_tx_decode(vecs[i].raw, vecs[i].rawlen, &d, NULL), 0);
		short_r += d.r[0] == 0;
		short_s += d.s[0] == 0;
	}
	CU_ASSERT_TRUE(short_r >= 1);
	CU_ASSERT_TRUE(short_s >= 1);
}

static void test_decode(void)
{
	load();
	for (size_t i = 0; i < nvecs; i++) {
		const ssp_tx *t = &vecs[i].tx;
		ssp_tx_signed d;
		uint8_t from[20], want[32];
		ssp_errmsg em = { { 0 } };

		CU_ASSERT_EQUAL_FATAL(ssp_tx_decode(vecs[i].raw, vecs[i].rawlen, &d, &em), 0);
		CU_ASSERT_EQUAL(d.tx.chain_id, t->chain_id);
		CU_ASSERT_EQUAL(d.tx.nonce, t->nonce);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&d.tx.max_priority_fee, &t->max_priority_fee), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&d.tx.max_fee, &t->max_fee), 0);
		CU_ASSERT_EQUAL(d.tx.gas, t->gas);
		CU_ASSERT_EQUAL(d.tx.create, t->create);
		if (!t->create)
			CU_ASSERT_EQUAL(memcmp(d.tx.to, t->to, 20), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&d.tx.value, &t->value), 0);
		CU_ASSERT_EQUAL(d.tx.data_len, t->data_len);
		CU_ASSERT_TRUE(t->data_len == 0 || memcmp(d.tx.data, t->data, t->data_len) == 0);
		CU_ASSERT_EQUAL_FATAL(ssp_key_address(vecs[i].key, from), 0);
		CU_ASSERT_EQUAL(memcmp(d.from, from, 20), 0);
		ssp_keccak256(vecs[i].raw, vecs[i].rawlen, want);
		CU_ASSERT_EQUAL(memcmp(d.hash, want, 32), 0);
	}
}

static void test_truncated_and_corrupt(void)
{
	load();
	for (size_t i = 0; i < nvecs; i++) {
		ssp_tx_signed d;
		uint8_t *copy = malloc(vecs[i].rawlen);

		for (size_t cut = 0; cut < vecs[i].rawlen; cut++)
			CU_ASSERT_NOT_EQUAL(ssp_tx_decode(vecs[i].raw, cut, &d, NULL), 0);
		/* Flipping a bit anywhere never yields the same sender and hash. */
		for (size_t pos = 0; pos < vecs[i].rawlen; pos += 7) {
			uint8_t from[20];

			memcpy(copy, vecs[i].raw, vecs[i].rawlen);
			copy[pos] ^= 0x04;
			CU_ASSERT_EQUAL_FATAL(ssp_key_address(vecs[i].key, from), 0);
			if (ssp_tx_decode(copy, vecs[i].rawlen, &d, NULL) == 0)
				CU_ASSERT_NOT_EQUAL(memcmp(d.from, from, 20), 0);
		}
		free(copy);
	}
}

/* Re-encodes a vector's fields with one field replaced, as raw type-2 bytes. */
static uint8_t *forge(const struct txvec *v, int field, const uint8_t *rep, size_t replen,
		      int rep_list, size_t *len)
{
	ssp_tx_signed d;
	ssp_rlp_buf b;
	uint8_t type = 2, *out;
	size_t m, lm;

	CU_ASSERT_EQUAL_FATAL(ssp_tx_decode(v->raw, v->rawlen, &d, NULL), 0);
	ssp_rlp_buf_init(&b);
	ssp_rlp_put_raw(&b, &type, 1);
	ssp_rlp_list_begin(&b, &m);
	for (int i = 0; i < 12; i++) {
		if (i == field) {
			if (rep_list) {
				ssp_rlp_list_begin(&b, &lm);
				ssp_rlp_put_bytes(&b, rep, replen);
				ssp_rlp_list_end(&b, lm);
			} else {
				ssp_rlp_put_bytes(&b, rep, replen);
			}
			continue;
		}
		switch (i) {
		case 0: ssp_rlp_put_u64(&b, d.tx.chain_id); break;
		case 1: ssp_rlp_put_u64(&b, d.tx.nonce); break;
		case 2: ssp_rlp_put_u256(&b, &d.tx.max_priority_fee); break;
		case 3: ssp_rlp_put_u256(&b, &d.tx.max_fee); break;
		case 4: ssp_rlp_put_u64(&b, d.tx.gas); break;
		case 5: ssp_rlp_put_bytes(&b, d.tx.to, d.tx.create ? 0 : 20); break;
		case 6: ssp_rlp_put_u256(&b, &d.tx.value); break;
		case 7: ssp_rlp_put_bytes(&b, d.tx.data, d.tx.data_len); break;
		case 8: ssp_rlp_list_begin(&b, &lm); ssp_rlp_list_end(&b, lm); break;
		case 9: ssp_rlp_put_u64(&b, (uint64_t)d.y_parity); break;
		case 10: ssp_rlp_put_uint_be(&b, d.r, 32); break;
		case 11: ssp_rlp_put_uint_be(&b, d.s, 32); break;
		}
	}
	ssp_rlp_list_end(&b, m);
	CU_ASSERT_EQUAL_FATAL(ssp_rlp_buf_take(&b, &out, len), 0);
	return out;
}

static void test_noncanonical(void)
{
	const struct txvec *v;
	ssp_tx_signed d;
	ssp_errmsg em;
	uint8_t *raw, buf[33], two = 2;
	size_t len;

	load();
	v = &vecs[0];
	/* The forge helper itself reproduces the original bytes. */
	CU_ASSERT_EQUAL_FATAL(ssp_tx_decode(v->raw, v->rawlen, &d, NULL), 0);
	raw = forge(v, 10, d.r, 32, 0, &len);
	CU_ASSERT_TRUE(len == v->rawlen && memcmp(raw, v->raw, len) == 0);
	free(raw);

	/* r with a leading zero byte. */
	buf[0] = 0;
	memcpy(buf + 1, d.r, 31);
	raw = forge(v, 10, buf, 32, 0, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "r"));
	free(raw);
	/* s of 33 bytes. */
	CU_ASSERT_EQUAL_FATAL(ssp_tx_decode(v->raw, v->rawlen, &d, NULL), 0);
	buf[0] = 1;
	memcpy(buf + 1, d.s, 32);
	raw = forge(v, 11, buf, 33, 0, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	free(raw);
	/* yParity 2. */
	raw = forge(v, 9, &two, 1, 0, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	free(raw);
	/* A non-empty access list. */
	raw = forge(v, 8, two == 2 ? buf : NULL, 20, 1, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_UNSUPPORTED);
	free(raw);
	/* A 19-byte `to`. */
	raw = forge(v, 5, buf, 19, 0, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	free(raw);
	/* A nonce with a leading zero. */
	buf[0] = 0;
	buf[1] = 5;
	raw = forge(v, 1, buf, 2, 0, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	free(raw);
	/* A list where a string belongs. */
	raw = forge(v, 7, buf, 2, 1, &len);
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, len, &d, &em), SSP_ERR_PARSE);
	free(raw);
	/* Another transaction type, trailing bytes. */
	raw = malloc(v->rawlen + 1);
	memcpy(raw, v->raw, v->rawlen);
	raw[0] = 0x01;
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, v->rawlen, &d, &em), SSP_ERR_UNSUPPORTED);
	raw[0] = 0x02;
	raw[v->rawlen] = 0x80;
	CU_ASSERT_EQUAL(ssp_tx_decode(raw, v->rawlen + 1, &d, &em), SSP_ERR_PARSE);
	free(raw);
}

static void test_bad_key(void)
{
	uint8_t zero[32] = { 0 }, *raw = (uint8_t *)"x";
	size_t len = 9;

	load();
	CU_ASSERT_NOT_EQUAL(ssp_tx_sign(&vecs[0].tx, zero, &raw, &len, NULL), 0);
	CU_ASSERT_PTR_NULL(raw);
	CU_ASSERT_EQUAL(len, 0);
}

static void test_create_address(void)
{
	char *text = ssp_cu_slurp("eth/create_vectors.txt", NULL), *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char sender[64], want[64];
		unsigned long long nonce;
		uint8_t s[20], w[20], got[20];

		if (line[0] == '#')
			continue;
		CU_ASSERT_EQUAL_FATAL(sscanf(line, "%63s %llu %63s", sender, &nonce, want), 3);
		CU_ASSERT_EQUAL_FATAL(ssp_address_parse(sender, s), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_address_parse(want, w), 0);
		CU_ASSERT_EQUAL(ssp_tx_create_address(s, nonce, got), 0);
		CU_ASSERT_EQUAL(memcmp(got, w, 20), 0);
		n++;
	}
	CU_ASSERT_EQUAL(n, 18);
	free(text);
}

static void cleanup(void)
{
	for (size_t i = 0; i < nvecs; i++) {
		free(vecs[i].data);
		free(vecs[i].raw);
	}
	nvecs = 0;
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "sign: raw bytes equal cast mktx", test_sign_vs_cast },
		{ "r and s with leading zeros stripped", test_short_rs },
		{ "decode back and recover sender", test_decode },
		{ "truncated and corrupted raw", test_truncated_and_corrupt },
		{ "non-canonical fields rejected", test_noncanonical },
		{ "invalid key", test_bad_key },
		{ "CREATE addresses vs cast", test_create_address },
		CU_TEST_INFO_NULL,
	};
	int rc = ssp_cu_run("tx", tests);

	cleanup();
	return rc;
}
