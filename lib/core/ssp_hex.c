#include "core/ssp_hex.h"
#include "core/ssp_err.h"

#include <openssl/crypto.h>
#include <string.h>

char *ssp_hex_encode(const uint8_t *data, size_t len, char *out, int prefix)
{
	static const char digits[] = "0123456789abcdef";
	char *p = out;

	if (prefix) {
		*p++ = '0';
		*p++ = 'x';
	}
	for (size_t i = 0; i < len; i++) {
		*p++ = digits[data[i] >> 4];
		*p++ = digits[data[i] & 15];
	}
	*p = '\0';
	return out;
}

int ssp_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ssp_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t n, i;

	if (hex == NULL || outlen == NULL)
		return SSP_ERR_INVAL;
	*outlen = 0;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strlen(hex);
	if (n % 2 != 0)
		return SSP_ERR_PARSE;
	if (n / 2 > cap)
		return SSP_ERR_TOO_BIG;
	for (i = 0; i < n / 2; i++) {
		int hi = ssp_hex_digit(hex[2 * i]), lo = ssp_hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return SSP_ERR_PARSE;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return 0;
}

int ssp_hex_decode_exact(const char *hex, uint8_t *out, size_t n)
{
	size_t got;
	int rc = ssp_hex_decode(hex, out, n, &got);

	if (rc == SSP_ERR_TOO_BIG)
		return SSP_ERR_PARSE;
	if (rc != 0)
		return rc;
	return got == n ? 0 : SSP_ERR_PARSE;
}

void ssp_be64_put(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t ssp_be64_get(const uint8_t in[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | in[i];
	return v;
}

int ssp_memeq_ct(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0 ? 0 : 1;
}

void ssp_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
