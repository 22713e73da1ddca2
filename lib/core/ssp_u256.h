/* Unsigned 256-bit integers: token amounts, wei, uint256 ABI words. */
#ifndef SSP_U256_H
#define SSP_U256_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ssp_u256 {
	uint64_t w[4]; /* w[0] least significant */
} ssp_u256;

#define SSP_U256_DEC_MAX 79 /* 78 digits + NUL */
#define SSP_U256_HEX_MAX 67 /* "0x" + 64 digits + NUL */

void ssp_u256_from_u64(ssp_u256 *r, uint64_t v);
/* Returns 0 and sets *v when x fits in 64 bits, SSP_ERR_RANGE otherwise. */
SSP_MUST_CHECK int ssp_u256_to_u64(const ssp_u256 *x, uint64_t *v);
SSP_MUST_CHECK int ssp_u256_is_zero(const ssp_u256 *x);
/* -1, 0 or 1. */
SSP_MUST_CHECK int ssp_u256_cmp(const ssp_u256 *a, const ssp_u256 *b);
/* r = a + b; SSP_ERR_RANGE on overflow (r then holds the wrapped value). r may alias. */
SSP_MUST_CHECK int ssp_u256_add(ssp_u256 *r, const ssp_u256 *a, const ssp_u256 *b);
/* r = a - b; SSP_ERR_RANGE when b > a. */
SSP_MUST_CHECK int ssp_u256_sub(ssp_u256 *r, const ssp_u256 *a, const ssp_u256 *b);
/* r = a * m; SSP_ERR_RANGE on overflow. */
SSP_MUST_CHECK int ssp_u256_mul_u64(ssp_u256 *r, const ssp_u256 *a, uint64_t m);
/* q = a / d, *rem = a % d (rem may be NULL); SSP_ERR_INVAL when d is 0. */
SSP_MUST_CHECK int ssp_u256_divmod_u64(ssp_u256 *q, const ssp_u256 *a, uint64_t d, uint64_t *rem);

/* Decimal digits only, no sign, no leading '+', at most 78 digits, value < 2^256.
 * SSP_ERR_PARSE when malformed, SSP_ERR_RANGE when too large. */
SSP_MUST_CHECK int ssp_u256_from_dec(ssp_u256 *r, const char *s);
/* "0x"-prefixed (optional) hex, 1..64 digits. SSP_ERR_PARSE / SSP_ERR_RANGE. */
SSP_MUST_CHECK int ssp_u256_from_hex(ssp_u256 *r, const char *s);
/* out must hold SSP_U256_DEC_MAX bytes. Returns out. */
char *ssp_u256_to_dec(const ssp_u256 *x, char *out);
/* Minimal "0x…" form ("0x0" for zero), as JSON-RPC quantities. out: SSP_U256_HEX_MAX bytes. */
char *ssp_u256_to_hex(const ssp_u256 *x, char *out);
/* 32-byte big-endian. */
void ssp_u256_to_be(const ssp_u256 *x, uint8_t out[32]);
void ssp_u256_from_be(ssp_u256 *r, const uint8_t in[32]);

#endif
