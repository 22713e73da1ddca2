#include "eth/ssp_rlp.h"
#include "core/ssp_hex.h"

#include <stdlib.h>
#include <string.h>

void ssp_rlp_buf_init(ssp_rlp_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = 0;
}

void ssp_rlp_buf_clear(ssp_rlp_buf *b)
{
	if (b->data != NULL) {
		ssp_wipe(b->data, b->cap);
		free(b->data);
	}
	ssp_rlp_buf_init(b);
}

int ssp_rlp_buf_take(ssp_rlp_buf *b, uint8_t **out, size_t *len)
{
	int rc = b->err;

	*out = NULL;
	*len = 0;
	if (rc != 0) {
		ssp_rlp_buf_clear(b);
		return rc;
	}
	if (b->data == NULL) {
		/* An empty result still gets a valid pointer. */
		*out = malloc(1);
		if (*out == NULL)
			return SSP_ERR_NOMEM;
		return 0;
	}
	*out = b->data;
	*len = b->len;
	ssp_rlp_buf_init(b);
	return 0;
}

/* Makes room for n more bytes; sets the sticky error on failure. */
static int reserve(ssp_rlp_buf *b, size_t n)
{
	size_t want, ncap;
	uint8_t *p;

	if (b->err != 0)
		return b->err;
	if (n > SSP_RLP_MAX || b->len > SSP_RLP_MAX - n)
		return b->err = SSP_ERR_TOO_BIG;
	want = b->len + n;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap *= 2;
	p = malloc(ncap);
	if (p == NULL)
		return b->err = SSP_ERR_NOMEM;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		ssp_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int ssp_rlp_put_raw(ssp_rlp_buf *b, const void *p, size_t n)
{
	int rc = reserve(b, n);

	if (rc != 0)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Writes the header for a payload of len bytes (base 0x80 strings, 0xc0 lists) into hdr. */
static size_t header(uint8_t hdr[9], uint8_t base, size_t len)
{
	uint8_t be[8];
	size_t i = 0;

	if (len <= 55) {
		hdr[0] = (uint8_t)(base + len);
		return 1;
	}
	ssp_be64_put(be, (uint64_t)len);
	while (i < 7 && be[i] == 0)
		i++;
	hdr[0] = (uint8_t)(base + 55 + (8 - i));
	memcpy(hdr + 1, be + i, 8 - i);
	return 1 + (8 - i);
}

int ssp_rlp_put_bytes(ssp_rlp_buf *b, const void *p, size_t n)
{
	uint8_t hdr[9];
	size_t h;
	int rc;

	if (n == 1 && ((const uint8_t *)p)[0] < 0x80)
		return ssp_rlp_put_raw(b, p, 1);
	h = header(hdr, 0x80, n);
	if ((rc = reserve(b, h + n)) != 0)
		return rc;
	ssp_rlp_put_raw(b, hdr, h);
	return ssp_rlp_put_raw(b, p, n);
}

int ssp_rlp_put_uint_be(ssp_rlp_buf *b, const uint8_t *be, size_t n)
{
	while (n > 0 && be[0] == 0) {
		be++;
		n--;
	}
	return ssp_rlp_put_bytes(b, be, n);
}

int ssp_rlp_put_u64(ssp_rlp_buf *b, uint64_t v)
{
	uint8_t be[8];

	ssp_be64_put(be, v);
	return ssp_rlp_put_uint_be(b, be, 8);
}

int ssp_rlp_put_u256(ssp_rlp_buf *b, const ssp_u256 *v)
{
	uint8_t be[32];

	for (int i = 0; i < 4; i++)
		ssp_be64_put(be + 8 * (3 - i), v->w[i]);
	return ssp_rlp_put_uint_be(b, be, 32);
}

int ssp_rlp_list_begin(ssp_rlp_buf *b, size_t *mark)
{
	*mark = b->len;
	return b->err;
}

int ssp_rlp_list_end(ssp_rlp_buf *b, size_t mark)
{
	uint8_t hdr[9];
	size_t h, plen;
	int rc;

	if (b->err != 0)
		return b->err;
	if (mark > b->len)
		return b->err = SSP_ERR_INVAL;
	plen = b->len - mark;
	h = header(hdr, 0xc0, plen);
	if ((rc = reserve(b, h)) != 0)
		return rc;
	if (plen > 0)
		memmove(b->data + mark + h, b->data + mark, plen);
	memcpy(b->data + mark, hdr, h);
	b->len += h;
	return 0;
}

int ssp_rlp_next(const uint8_t **p, const uint8_t *end, ssp_rlp_item *it, ssp_errmsg *em)
{
	const uint8_t *s = *p;
	size_t avail, len, lenlen;
	uint8_t b0;

	if (s == NULL || end == NULL || s > end)
		return SSP_ERR_INVAL;
	if (s == end)
		return SSP_ERR_NOT_FOUND;
	avail = (size_t)(end - s);
	b0 = s[0];
	if (b0 < 0x80) {
		it->list = 0;
		it->data = s;
		it->len = 1;
		*p = s + 1;
		return 0;
	}
	it->list = b0 >= 0xc0;
	if (b0 <= 0xb7 || (b0 >= 0xc0 && b0 <= 0xf7)) {
		len = b0 - (it->list ? 0xc0 : 0x80);
		if (len > avail - 1)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: item of %zu bytes truncated", len);
		if (!it->list && len == 1 && s[1] < 0x80)
			return ssp_errmsg_set(em, SSP_ERR_PARSE,
					      "rlp: non-canonical single byte 0x%02x", s[1]);
		it->data = s + 1;
		it->len = len;
		*p = s + 1 + len;
		return 0;
	}
	lenlen = b0 - (it->list ? 0xf7 : 0xb7);
	if (lenlen > avail - 1)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: length of length truncated");
	if (s[1] == 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: length with leading zero");
	if (lenlen > 4)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: length of %zu bytes too large", lenlen);
	len = 0;
	for (size_t i = 0; i < lenlen; i++)
		len = len << 8 | s[1 + i];
	if (len <= 55)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: long form for %zu bytes", len);
	if (len > avail - 1 - lenlen)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: item of %zu bytes truncated", len);
	it->data = s + 1 + lenlen;
	it->len = len;
	*p = s + 1 + lenlen + len;
	return 0;
}

int ssp_rlp_decode_one(const uint8_t *in, size_t len, ssp_rlp_item *it, ssp_errmsg *em)
{
	const uint8_t *p = in, *end = in + len;
	int rc;

	if (in == NULL)
		return SSP_ERR_INVAL;
	rc = ssp_rlp_next(&p, end, it, em);
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: empty input");
	if (rc != 0)
		return rc;
	if (p != end)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "rlp: %zu trailing bytes", (size_t)(end - p));
	return 0;
}

static int check_uint(const ssp_rlp_item *it, size_t max)
{
	if (it->list)
		return SSP_ERR_PARSE;
	if (it->len > 0 && it->data[0] == 0)
		return SSP_ERR_PARSE;
	if (it->len > max)
		return SSP_ERR_RANGE;
	return 0;
}

int ssp_rlp_item_u64(const ssp_rlp_item *it, uint64_t *v)
{
	int rc = check_uint(it, 8);

	if (rc != 0)
		return rc;
	*v = 0;
	for (size_t i = 0; i < it->len; i++)
		*v = *v << 8 | it->data[i];
	return 0;
}

int ssp_rlp_item_u256(const ssp_rlp_item *it, ssp_u256 *v)
{
	uint8_t be[32] = { 0 };
	int rc = check_uint(it, 32);

	if (rc != 0)
		return rc;
	if (it->len > 0)
		memcpy(be + 32 - it->len, it->data, it->len);
	for (int i = 0; i < 4; i++)
		v->w[i] = ssp_be64_get(be + 8 * (3 - i));
	return 0;
}
