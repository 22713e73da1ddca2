/* Hex and byte helpers. */
#ifndef SSP_HEX_H
#define SSP_HEX_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

/* Writes 2*len lowercase hex digits (prefixed by "0x" when prefix) and a NUL to out,
 * which must hold 2*len + 3 bytes. Returns out. */
char *ssp_hex_encode(const uint8_t *data, size_t len, char *out, int prefix);

/* The value 0..15 of one hex digit (either case), or -1 when c is not one. */
SSP_MUST_CHECK int ssp_hex_digit(char c);

/* Decodes hex text (optional "0x"/"0X", even digit count, either case) into out.
 * Returns 0 and sets *outlen; SSP_ERR_PARSE on a non-hex digit or odd length;
 * SSP_ERR_TOO_BIG when the decoded length exceeds cap. */
SSP_MUST_CHECK int ssp_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *outlen);

/* Like ssp_hex_decode but requires exactly n decoded bytes (SSP_ERR_PARSE otherwise). */
SSP_MUST_CHECK int ssp_hex_decode_exact(const char *hex, uint8_t *out, size_t n);

/* Big-endian store and load of 64-bit integers. */
void ssp_be64_put(uint8_t out[8], uint64_t v);
uint64_t ssp_be64_get(const uint8_t in[8]);

/* Constant-time comparison; returns 0 when equal. */
SSP_MUST_CHECK int ssp_memeq_ct(const void *a, const void *b, size_t len);

/* Zeroes memory in a way the compiler cannot remove. */
void ssp_wipe(void *p, size_t len);

#endif
