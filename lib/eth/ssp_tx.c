#include "eth/ssp_tx.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "eth/ssp_rlp.h"

#include <stdlib.h>
#include <string.h>

#define TX_TYPE_1559 0x02

/* Appends the nine unsigned fields (the payload of the signing list). */
static int put_fields(ssp_rlp_buf *b, const ssp_tx *tx)
{
	size_t al;

	ssp_rlp_put_u64(b, tx->chain_id);
	ssp_rlp_put_u64(b, tx->nonce);
	ssp_rlp_put_u256(b, &tx->max_priority_fee);
	ssp_rlp_put_u256(b, &tx->max_fee);
	ssp_rlp_put_u64(b, tx->gas);
	if (tx->create)
		ssp_rlp_put_bytes(b, NULL, 0);
	else
		ssp_rlp_put_bytes(b, tx->to, SSP_ADDR_LEN);
	ssp_rlp_put_u256(b, &tx->value);
	ssp_rlp_put_bytes(b, tx->data, tx->data_len);
	ssp_rlp_list_begin(b, &al);
	return ssp_rlp_list_end(b, al);
}

static int check_tx(const ssp_tx *tx)
{
	if (tx == NULL || (tx->data_len > 0 && tx->data == NULL))
		return SSP_ERR_INVAL;
	if (tx->data_len > SSP_TX_MAX_RAW)
		return SSP_ERR_TOO_BIG;
	return 0;
}

int ssp_tx_signing_hash(const ssp_tx *tx, uint8_t out[32])
{
	ssp_rlp_buf b;
	uint8_t type = TX_TYPE_1559;
	size_t mark;
	int rc;

	if ((rc = check_tx(tx)) != 0)
		return rc;
	ssp_rlp_buf_init(&b);
	ssp_rlp_put_raw(&b, &type, 1);
	ssp_rlp_list_begin(&b, &mark);
	put_fields(&b, tx);
	rc = ssp_rlp_list_end(&b, mark);
	if (rc == 0)
		ssp_keccak256(b.data, b.len, out);
	ssp_rlp_buf_clear(&b);
	return rc;
}

int ssp_tx_sign(const ssp_tx *tx, const uint8_t seckey[32], uint8_t **raw, size_t *rawlen,
		uint8_t hash[32])
{
	uint8_t digest[32], sig[SSP_SIG_LEN], type = TX_TYPE_1559;
	ssp_rlp_buf b;
	size_t mark;
	int rc;

	*raw = NULL;
	*rawlen = 0;
	ssp_rlp_buf_init(&b);
	if ((rc = ssp_tx_signing_hash(tx, digest)) != 0)
		goto out;
	if ((rc = ssp_sign(seckey, digest, sig)) != 0)
		goto out;
	if (sig[64] != 27 && sig[64] != 28) {
		rc = SSP_ERR_INTERNAL;
		goto out;
	}
	ssp_rlp_put_raw(&b, &type, 1);
	ssp_rlp_list_begin(&b, &mark);
	put_fields(&b, tx);
	ssp_rlp_put_u64(&b, (uint64_t)(sig[64] - 27));
	ssp_rlp_put_uint_be(&b, sig, 32);
	ssp_rlp_put_uint_be(&b, sig + 32, 32);
	ssp_rlp_list_end(&b, mark);
	if ((rc = ssp_rlp_buf_take(&b, raw, rawlen)) != 0)
		goto out;
	if (hash != NULL)
		ssp_keccak256(*raw, *rawlen, hash);
out:
	ssp_rlp_buf_clear(&b);
	ssp_wipe(sig, sizeof sig);
	return rc;
}

static const char *const field_names[12] = {
	"chainId", "nonce", "maxPriorityFeePerGas", "maxFeePerGas", "gas", "to", "value",
	"data", "accessList", "yParity", "r", "s",
};

int ssp_tx_decode(const uint8_t *raw, size_t len, ssp_tx_signed *out, ssp_errmsg *em)
{
	ssp_rlp_item top, f[12];
	const uint8_t *p, *end;
	uint8_t digest[32], sig[SSP_SIG_LEN];
	uint64_t yp;
	size_t n = 0;
	int rc;

	if (raw == NULL || out == NULL)
		return SSP_ERR_INVAL;
	memset(out, 0, sizeof *out);
	if (len > SSP_TX_MAX_RAW)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "tx: %zu bytes is too large", len);
	if (len < 1)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: empty");
	if (raw[0] != TX_TYPE_1559)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "tx: type 0x%02x is not 0x02", raw[0]);
	if ((rc = ssp_rlp_decode_one(raw + 1, len - 1, &top, em)) != 0)
		return rc;
	if (!top.list)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: payload is not a list");
	p = top.data;
	end = top.data + top.len;
	while ((rc = ssp_rlp_next(&p, end, n < 12 ? &f[n] : &f[11], em)) == 0) {
		if (++n > 12)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: more than 12 fields");
	}
	if (rc != SSP_ERR_NOT_FOUND)
		return rc;
	if (n != 12)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: %zu fields, want 12", n);
	for (size_t i = 0; i < 12; i++)
		if (f[i].list != (i == 8))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: field %s has the wrong kind",
					      field_names[i]);
	if (ssp_rlp_item_u64(&f[0], &out->tx.chain_id) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad chainId");
	if (ssp_rlp_item_u64(&f[1], &out->tx.nonce) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad nonce");
	if (ssp_rlp_item_u256(&f[2], &out->tx.max_priority_fee) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad maxPriorityFeePerGas");
	if (ssp_rlp_item_u256(&f[3], &out->tx.max_fee) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad maxFeePerGas");
	if (ssp_rlp_item_u64(&f[4], &out->tx.gas) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad gas");
	if (f[5].len == 0)
		out->tx.create = 1;
	else if (f[5].len == SSP_ADDR_LEN)
		memcpy(out->tx.to, f[5].data, SSP_ADDR_LEN);
	else
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: `to` is %zu bytes", f[5].len);
	if (ssp_rlp_item_u256(&f[6], &out->tx.value) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad value");
	out->tx.data = f[7].data;
	out->tx.data_len = f[7].len;
	if (f[8].len != 0)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "tx: non-empty access list");
	if (ssp_rlp_item_u64(&f[9], &yp) != 0 || yp > 1)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: bad yParity");
	for (int i = 10; i < 12; i++) {
		uint8_t *dst = (i == 10) ? out->r : out->s;

		if (f[i].len == 0 || f[i].len > 32 || f[i].data[0] == 0)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "tx: non-canonical %s", field_names[i]);
		memcpy(dst + 32 - f[i].len, f[i].data, f[i].len);
	}
	out->y_parity = (int)yp;
	if ((rc = ssp_tx_signing_hash(&out->tx, digest)) != 0)
		return rc;
	memcpy(sig, out->r, 32);
	memcpy(sig + 32, out->s, 32);
	sig[64] = (uint8_t)(27 + yp);
	if ((rc = ssp_recover(digest, sig, out->from)) != 0)
		return ssp_errmsg_set(em, rc, "tx: signature does not recover");
	ssp_keccak256(raw, len, out->hash);
	return 0;
}

int ssp_tx_create_address(const uint8_t sender[SSP_ADDR_LEN], uint64_t nonce,
			  uint8_t out[SSP_ADDR_LEN])
{
	ssp_rlp_buf b;
	uint8_t h[32];
	size_t mark;
	int rc;

	ssp_rlp_buf_init(&b);
	ssp_rlp_list_begin(&b, &mark);
	ssp_rlp_put_bytes(&b, sender, SSP_ADDR_LEN);
	ssp_rlp_put_u64(&b, nonce);
	rc = ssp_rlp_list_end(&b, mark);
	if (rc == 0) {
		ssp_keccak256(b.data, b.len, h);
		memcpy(out, h + 12, SSP_ADDR_LEN);
	}
	ssp_rlp_buf_clear(&b);
	return rc;
}
