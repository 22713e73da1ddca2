/* Static ssp_wrapper: the two libcrypto functions the wrapper's lib modules call, with
 * libcrypto's contracts; implemented in client/crypto_min.c (no libcrypto is linked). */
#ifndef SSP_COMPAT_OPENSSL_CRYPTO_H
#define SSP_COMPAT_OPENSSL_CRYPTO_H

#include <stddef.h>

/* Zeroes len bytes at ptr in a way the compiler keeps. */
void OPENSSL_cleanse(void *ptr, size_t len);
/* Compares len bytes in constant time: 0 when equal. */
int CRYPTO_memcmp(const void *a, const void *b, size_t len);

#endif
