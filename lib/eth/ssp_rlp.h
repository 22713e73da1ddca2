/* Recursive Length Prefix (RLP), Ethereum's serialisation: an encoder into a growable
 * buffer and a strict (canonical-only) decoder for reading transactions back. */
#ifndef SSP_RLP_H
#define SSP_RLP_H

#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"
#include "core/ssp_u256.h"

/* Encoded output never grows past this (a transaction is far smaller). */
#define SSP_RLP_MAX (16u << 20)

/* A growable output buffer with a sticky error: after the first failure every
 * put is a no-op returning that error, so a sequence of puts can be checked once. */
typedef struct ssp_rlp_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int err;
} ssp_rlp_buf;

void ssp_rlp_buf_init(ssp_rlp_buf *b);
/* Frees the buffer (wiping it) and re-initialises b. */
void ssp_rlp_buf_clear(ssp_rlp_buf *b);
/* Hands the bytes over: *out (caller frees) and *len; b is re-initialised.
 * Returns b's sticky error (and *out = NULL) when a put failed. */
SSP_MUST_CHECK int ssp_rlp_buf_take(ssp_rlp_buf *b, uint8_t **out, size_t *len);

/* Appends raw bytes without any RLP header (e.g. a typed transaction's type byte). */
int ssp_rlp_put_raw(ssp_rlp_buf *b, const void *p, size_t n);
/* Appends the RLP string item of n bytes. */
int ssp_rlp_put_bytes(ssp_rlp_buf *b, const void *p, size_t n);
/* Appends an unsigned integer: minimal big-endian bytes (0 is the empty string). */
int ssp_rlp_put_u64(ssp_rlp_buf *b, uint64_t v);
int ssp_rlp_put_u256(ssp_rlp_buf *b, const ssp_u256 *v);
/* Appends a big-endian integer of n bytes with its leading zero bytes stripped. */
int ssp_rlp_put_uint_be(ssp_rlp_buf *b, const uint8_t *be, size_t n);
/* Starts a list: *mark records where; every item put until ssp_rlp_list_end(b, mark)
 * becomes the list's payload. Lists nest. */
int ssp_rlp_list_begin(ssp_rlp_buf *b, size_t *mark);
int ssp_rlp_list_end(ssp_rlp_buf *b, size_t mark);

/* One decoded item: a string (list == 0) or a list whose payload is data[0..len). */
typedef struct ssp_rlp_item {
	int list;
	const uint8_t *data;
	size_t len;
} ssp_rlp_item;

/* Decodes the item starting at *p (before end) and advances *p past it.
 * Returns 0, SSP_ERR_NOT_FOUND when *p == end, SSP_ERR_PARSE for truncated or
 * non-canonical input (single byte < 0x80 in long form, long form for ≤ 55 bytes,
 * a length with leading zeros), naming the fault in em. */
SSP_MUST_CHECK int ssp_rlp_next(const uint8_t **p, const uint8_t *end, ssp_rlp_item *it, ssp_errmsg *em);
/* Decodes exactly one item spanning in[0..len) (SSP_ERR_PARSE on trailing bytes). */
SSP_MUST_CHECK int ssp_rlp_decode_one(const uint8_t *in, size_t len, ssp_rlp_item *it, ssp_errmsg *em);
/* Reads a string item as a canonical unsigned integer (no leading zero byte).
 * SSP_ERR_PARSE for a list or a leading zero, SSP_ERR_RANGE when too large. */
SSP_MUST_CHECK int ssp_rlp_item_u64(const ssp_rlp_item *it, uint64_t *v);
SSP_MUST_CHECK int ssp_rlp_item_u256(const ssp_rlp_item *it, ssp_u256 *v);

#endif
