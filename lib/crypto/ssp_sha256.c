#include "crypto/ssp_sha256.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* nettle rather than OpenSSL: the wrapper hashes its outputs with this module, and mapping
 * libcrypto would cost the volunteer's machine several MB of resident memory for the whole
 * run (docs/wrapper.md). nettle is already the project's keccak provider. */
struct ssp_sha256_ctx {
	struct sha256_ctx c;
};

int ssp_sha256_new(ssp_sha256_ctx **out)
{
	ssp_sha256_ctx *c;

	*out = NULL;
	c = malloc(sizeof(*c));
	if (c == NULL)
		return SSP_ERR_NOMEM;
	sha256_init(&c->c);
	*out = c;
	return 0;
}

int ssp_sha256_update(ssp_sha256_ctx *ctx, const void *data, size_t len)
{
	if (len > 0)
		sha256_update(&ctx->c, len, data);
	return 0;
}

int ssp_sha256_final(ssp_sha256_ctx *ctx, uint8_t out[SSP_SHA256_LEN])
{
	/* sha256_digest also resets the context for a new message. */
	sha256_digest(&ctx->c, SSP_SHA256_LEN, out);
	return 0;
}

void ssp_sha256_free(ssp_sha256_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ssp_wipe(ctx, sizeof(*ctx));
	free(ctx);
}

int ssp_sha256(const void *data, size_t len, uint8_t out[SSP_SHA256_LEN])
{
	struct sha256_ctx c;

	sha256_init(&c);
	if (len > 0)
		sha256_update(&c, len, data);
	sha256_digest(&c, SSP_SHA256_LEN, out);
	ssp_wipe(&c, sizeof(c));
	return 0;
}

int ssp_sha256_file(const char *path, uint8_t out[SSP_SHA256_LEN], uint64_t *nbytes)
{
	ssp_sha256_ctx *c = NULL;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	struct stat st;
	int fd, rc;

	if (nbytes)
		*nbytes = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
	rc = SSP_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	buf = malloc(65536);
	if (buf == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	rc = ssp_sha256_new(&c);
	if (rc != 0)
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf, 65536);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = SSP_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		rc = ssp_sha256_update(c, buf, (size_t)n);
		if (rc != 0)
			goto out;
		total += (uint64_t)n;
	}
	rc = ssp_sha256_final(c, out);
	if (rc == 0 && nbytes)
		*nbytes = total;
out:
	ssp_sha256_free(c);
	free(buf);
	close(fd);
	return rc;
}
