/* SHA-256 (nettle) of memory and of files, for receipts and result digests. */
#ifndef SSP_SHA256_H
#define SSP_SHA256_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_SHA256_LEN 32

/* Streaming state; opaque. */
typedef struct ssp_sha256_ctx ssp_sha256_ctx;

/* A new context ready for updates (*out, freed with ssp_sha256_free).
 * Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_sha256_new(ssp_sha256_ctx **out);
/* Feeds len bytes. Returns 0. */
SSP_MUST_CHECK int ssp_sha256_update(ssp_sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and makes ctx ready for a new message. Returns 0. */
SSP_MUST_CHECK int ssp_sha256_final(ssp_sha256_ctx *ctx, uint8_t out[SSP_SHA256_LEN]);
/* Frees ctx (NULL allowed). */
void ssp_sha256_free(ssp_sha256_ctx *ctx);

/* One-shot digest of len bytes. Returns 0. */
SSP_MUST_CHECK int ssp_sha256(const void *data, size_t len, uint8_t out[SSP_SHA256_LEN]);

/* Digest of the regular file at path, read in blocks; *nbytes (optional) gets its size.
 * Returns 0, SSP_ERR_NOT_FOUND when it does not exist, SSP_ERR_IO when it cannot be read
 * or is not a regular file, or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_sha256_file(const char *path, uint8_t out[SSP_SHA256_LEN], uint64_t *nbytes);

#endif
