#include "ssp_sha256.h"
#include "ssp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct ssp_sha256_ctx {
	EVP_MD_CTX *md;
};

int ssp_sha256_new(ssp_sha256_ctx **out)
{
	ssp_sha256_ctx *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SSP_ERR_NOMEM;
	c->md = EVP_MD_CTX_new();
	if (c->md == NULL) {
		free(c);
		return SSP_ERR_NOMEM;
	}
	if (EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
		ssp_sha256_free(c);
		return SSP_ERR_CRYPTO;
	}
	*out = c;
	return 0;
}

int ssp_sha256_update(ssp_sha256_ctx *ctx, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	return EVP_DigestUpdate(ctx->md, data, len) == 1 ? 0 : SSP_ERR_CRYPTO;
}

int ssp_sha256_final(ssp_sha256_ctx *ctx, uint8_t out[SSP_SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(ctx->md, out, &n) != 1 || n != SSP_SHA256_LEN)
		return SSP_ERR_CRYPTO;
	return EVP_DigestInit_ex(ctx->md, EVP_sha256(), NULL) == 1 ? 0 : SSP_ERR_CRYPTO;
}

void ssp_sha256_free(ssp_sha256_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}

int ssp_sha256(const void *data, size_t len, uint8_t out[SSP_SHA256_LEN])
{
	ssp_sha256_ctx *c = NULL;
	int rc;

	rc = ssp_sha256_new(&c);
	if (rc == 0)
		rc = ssp_sha256_update(c, data, len);
	if (rc == 0)
		rc = ssp_sha256_final(c, out);
	ssp_sha256_free(c);
	return rc;
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
