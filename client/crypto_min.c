/* The two libcrypto functions lib/core/ssp_hex.c uses (ssp_wipe, ssp_memeq_ct), so that the
 * wrapper does not link libcrypto: the wrapper stays resident next to the science task on the
 * volunteer's machine, and its static build has no libcrypto at all. Contracts are
 * libcrypto's own. */
#include <openssl/crypto.h>
#include <stddef.h>

/* Zeroes memory in a way the compiler keeps. */
void OPENSSL_cleanse(void *ptr, size_t len)
{
	volatile unsigned char *p = ptr;

	while (len--)
		*p++ = 0;
}

/* Compares in constant time: 0 when equal. */
int CRYPTO_memcmp(const void *in_a, const void *in_b, size_t len)
{
	const volatile unsigned char *a = in_a, *b = in_b;
	unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d;
}
