/* Unsigned 256-bit arithmetic on four 64-bit limbs (w[0] least significant). */
#include "core/ssp_u256.h"
#include "core/ssp_hex.h"
#include "core/ssp_err.h"

#include <string.h>

typedef unsigned __int128 u128;

#define DEC_CHUNK 10000000000000000000ull /* 10^19, the largest power of ten in 64 bits */

void ssp_u256_from_u64(ssp_u256 *r, uint64_t v)
{
	r->w[0] = v;
	r->w[1] = r->w[2] = r->w[3] = 0;
}

int ssp_u256_to_u64(const ssp_u256 *x, uint64_t *v)
{
	if (x->w[1] | x->w[2] | x->w[3])
		return SSP_ERR_RANGE;
	*v = x->w[0];
	return 0;
}

int ssp_u256_is_zero(const ssp_u256 *x)
{
	return (x->w[0] | x->w[1] | x->w[2] | x->w[3]) == 0;
}

int ssp_u256_cmp(const ssp_u256 *a, const ssp_u256 *b)
{
	for (int i = 3; i >= 0; i--) {
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	}
	return 0;
}

int ssp_u256_add(ssp_u256 *r, const ssp_u256 *a, const ssp_u256 *b)
{
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 s = (u128)a->w[i] + b->w[i] + carry;

		r->w[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	return carry ? SSP_ERR_RANGE : 0;
}

int ssp_u256_sub(ssp_u256 *r, const ssp_u256 *a, const ssp_u256 *b)
{
	ssp_u256 t;
	uint64_t borrow = 0;

	if (ssp_u256_cmp(a, b) < 0)
		return SSP_ERR_RANGE;
	for (int i = 0; i < 4; i++) {
		uint64_t d = a->w[i] - b->w[i] - borrow;

		borrow = (a->w[i] < b->w[i]) || (a->w[i] == b->w[i] && borrow);
		t.w[i] = d;
	}
	*r = t;
	return 0;
}

int ssp_u256_mul_u64(ssp_u256 *r, const ssp_u256 *a, uint64_t m)
{
	ssp_u256 t;
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 p = (u128)a->w[i] * m + carry;

		t.w[i] = (uint64_t)p;
		carry = (uint64_t)(p >> 64);
	}
	*r = t;
	return carry ? SSP_ERR_RANGE : 0;
}

int ssp_u256_divmod_u64(ssp_u256 *q, const ssp_u256 *a, uint64_t d, uint64_t *rem)
{
	ssp_u256 t;
	u128 r = 0;

	if (d == 0)
		return SSP_ERR_INVAL;
	for (int i = 3; i >= 0; i--) {
		u128 cur = r << 64 | a->w[i];

		t.w[i] = (uint64_t)(cur / d);
		r = cur % d;
	}
	*q = t;
	if (rem != NULL)
		*rem = (uint64_t)r;
	return 0;
}

int ssp_u256_from_dec(ssp_u256 *r, const char *s)
{
	ssp_u256 t;
	size_t n;

	if (s == NULL || s[0] == '\0')
		return SSP_ERR_PARSE;
	for (n = 0; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9')
			return SSP_ERR_PARSE;
	}
	if (n > SSP_U256_DEC_MAX - 1)
		return SSP_ERR_RANGE;
	ssp_u256_from_u64(&t, 0);
	for (size_t i = 0; i < n; i++) {
		ssp_u256 digit;

		ssp_u256_from_u64(&digit, (uint64_t)(s[i] - '0'));
		if (ssp_u256_mul_u64(&t, &t, 10) != 0 || ssp_u256_add(&t, &t, &digit) != 0)
			return SSP_ERR_RANGE;
	}
	*r = t;
	return 0;
}

int ssp_u256_from_hex(ssp_u256 *r, const char *s)
{
	ssp_u256 t;
	size_t n;

	if (s == NULL)
		return SSP_ERR_PARSE;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (s[0] == '\0')
		return SSP_ERR_PARSE;
	for (n = 0; s[n] != '\0'; n++) {
		if (ssp_hex_digit(s[n]) < 0)
			return SSP_ERR_PARSE;
	}
	if (n > 64)
		return SSP_ERR_RANGE;
	ssp_u256_from_u64(&t, 0);
	for (size_t i = 0; i < n; i++) {
		size_t bit = 4 * (n - 1 - i);

		t.w[bit / 64] |= (uint64_t)ssp_hex_digit(s[i]) << (bit % 64);
	}
	*r = t;
	return 0;
}

char *ssp_u256_to_dec(const ssp_u256 *x, char *out)
{
	char buf[SSP_U256_DEC_MAX];
	size_t pos = sizeof buf - 1;
	ssp_u256 t = *x;

	buf[pos] = '\0';
	do {
		uint64_t chunk;

		(void)!ssp_u256_divmod_u64(&t, &t, DEC_CHUNK, &chunk); /* a non-zero divisor: cannot fail */
		/* Full 19-digit chunks except the most significant one. */
		for (int i = 0; i < 19; i++) {
			buf[--pos] = (char)('0' + chunk % 10);
			chunk /= 10;
			if (chunk == 0 && ssp_u256_is_zero(&t))
				break;
		}
	} while (!ssp_u256_is_zero(&t));
	memcpy(out, buf + pos, sizeof buf - pos);
	return out;
}

char *ssp_u256_to_hex(const ssp_u256 *x, char *out)
{
	static const char digits[] = "0123456789abcdef";
	char *p = out;
	int started = 0;

	*p++ = '0';
	*p++ = 'x';
	for (int i = 63; i >= 0; i--) {
		int nib = (int)(x->w[i / 16] >> (4 * (i % 16))) & 15;

		if (nib == 0 && !started && i > 0)
			continue;
		started = 1;
		*p++ = digits[nib];
	}
	*p = '\0';
	return out;
}

void ssp_u256_to_be(const ssp_u256 *x, uint8_t out[32])
{
	for (int i = 0; i < 32; i++)
		out[31 - i] = (uint8_t)(x->w[i / 8] >> (8 * (i % 8)));
}

void ssp_u256_from_be(ssp_u256 *r, const uint8_t in[32])
{
	ssp_u256_from_u64(r, 0);
	for (int i = 0; i < 32; i++)
		r->w[i / 8] |= (uint64_t)in[31 - i] << (8 * (i % 8));
}
