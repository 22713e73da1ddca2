/* Static ssp_wrapper: the part of nettle's <nettle/sha2.h> that lib/crypto/ssp_sha256.c uses,
 * with nettle's contracts, implemented in client/compat/sha256.c (FIPS 180-4). The functions
 * carry their own names (ssp_compat_sha256_*), so that a test can link them beside nettle and
 * compare the two. */
#ifndef SSP_COMPAT_NETTLE_SHA2_H
#define SSP_COMPAT_NETTLE_SHA2_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct ssp_compat_sha256_ctx {
	uint32_t state[8];
	uint64_t count;               /* bytes hashed */
	unsigned index;               /* bytes waiting in block */
	uint8_t block[SHA256_BLOCK_SIZE];
};

#define sha256_ctx ssp_compat_sha256_ctx
#define sha256_init ssp_compat_sha256_init
#define sha256_update ssp_compat_sha256_update
#define sha256_digest ssp_compat_sha256_digest

/* Starts a new message. */
void ssp_compat_sha256_init(struct ssp_compat_sha256_ctx *ctx);
/* Adds length bytes of data. */
void ssp_compat_sha256_update(struct ssp_compat_sha256_ctx *ctx, size_t length, const uint8_t *data);
/* Writes the first length (<= 32) bytes of the digest and starts a new message. */
void ssp_compat_sha256_digest(struct ssp_compat_sha256_ctx *ctx, size_t length, uint8_t *digest);

#endif
