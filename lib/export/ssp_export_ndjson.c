/* The export's gzip'd newline-delimited streams (writer and reader), with the SHA-256 of the
 * compressed bytes. */
#include "export/ssp_export.h"
#include "export/ssp_export_int.h"
#include "crypto/ssp_claim_json.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IOBUF (128u * 1024)

/* ------------------------------------------------------------------ writer */

struct ssp_ndjson_writer {
	int fd;
	char *path;
	z_stream zs;
	int zinit;
	EVP_MD_CTX *md;
	size_t max_line;
	uint64_t bytes, lines;
	int failed;
	unsigned char out[IOBUF];
};

/* Runs deflate with flush over the pending input, writing and hashing the output. */
static int writer_deflate(ssp_ndjson_writer *w, int flush)
{
	int zrc;

	do {
		size_t have;

		w->zs.next_out = w->out;
		w->zs.avail_out = sizeof w->out;
		zrc = deflate(&w->zs, flush);
		if (zrc == Z_STREAM_ERROR)
			return SSP_ERR_INTERNAL;
		have = sizeof w->out - w->zs.avail_out;
		if (have > 0) {
			if (ssp_file_write_all(w->fd, w->out, have) != 0)
				return SSP_ERR_IO;
			if (EVP_DigestUpdate(w->md, w->out, have) != 1)
				return SSP_ERR_CRYPTO;
			w->bytes += have;
		}
	} while (w->zs.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
	return 0;
}

int ssp_ndjson_writer_open(const char *path, int level, size_t max_line, ssp_ndjson_writer **out)
{
	ssp_ndjson_writer *w = NULL;
	int rc = SSP_ERR_NOMEM;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (path == NULL || level < 0 || level > 9 || max_line == 0)
		return SSP_ERR_INVAL;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return SSP_ERR_NOMEM;
	w->fd = -1;
	w->max_line = max_line;
	w->path = strdup(path);
	w->md = EVP_MD_CTX_new();
	if (w->path == NULL || w->md == NULL)
		goto fail;
	if (EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
		rc = SSP_ERR_CRYPTO;
		goto fail;
	}
	if (deflateInit2(&w->zs, level == 0 ? 6 : level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		goto fail;
	w->zinit = 1;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		rc = SSP_ERR_IO;
		goto fail;
	}
	*out = w;
	return 0;
fail:
	if (w->zinit)
		deflateEnd(&w->zs);
	EVP_MD_CTX_free(w->md);
	free(w->path);
	free(w);
	return rc;
}

int ssp_ndjson_write_line(ssp_ndjson_writer *w, const char *line, size_t len)
{
	static const char lf = '\n';
	int rc;

	if (w == NULL || (line == NULL && len > 0) || w->failed)
		return SSP_ERR_INVAL;
	if (len > w->max_line)
		return SSP_ERR_TOO_BIG;
	if (len > 0 && (memchr(line, '\n', len) != NULL || memchr(line, '\0', len) != NULL))
		return SSP_ERR_INVAL;
	w->zs.next_in = (unsigned char *)(uintptr_t)line;
	w->zs.avail_in = (uInt)len;
	rc = writer_deflate(w, Z_NO_FLUSH);
	if (rc == 0) {
		w->zs.next_in = (unsigned char *)(uintptr_t)&lf;
		w->zs.avail_in = 1;
		rc = writer_deflate(w, Z_NO_FLUSH);
	}
	if (rc != 0) {
		w->failed = 1;
		return rc;
	}
	w->lines++;
	return 0;
}

static void writer_free(ssp_ndjson_writer *w)
{
	if (w->zinit)
		deflateEnd(&w->zs);
	if (w->fd >= 0)
		close(w->fd);
	EVP_MD_CTX_free(w->md);
	free(w->path);
	free(w);
}

int ssp_ndjson_writer_close(ssp_ndjson_writer *w, uint8_t sha256[32], uint64_t *bytes,
			    uint64_t *lines)
{
	uint8_t md[32];
	unsigned int mdlen = 0;
	int rc;

	if (w == NULL)
		return SSP_ERR_INVAL;
	if (w->failed) {
		ssp_ndjson_writer_abort(w);
		return SSP_ERR_IO;
	}
	w->zs.next_in = NULL;
	w->zs.avail_in = 0;
	rc = writer_deflate(w, Z_FINISH);
	if (rc == 0 && EVP_DigestFinal_ex(w->md, md, &mdlen) != 1)
		rc = SSP_ERR_CRYPTO;
	if (rc == 0 && fsync(w->fd) != 0)
		rc = SSP_ERR_IO;
	if (rc == 0) {
		int fd = w->fd;

		w->fd = -1;
		if (close(fd) != 0)
			rc = SSP_ERR_IO;
	}
	if (rc != 0) {
		ssp_ndjson_writer_abort(w);
		return rc;
	}
	if (sha256 != NULL)
		memcpy(sha256, md, 32);
	if (bytes != NULL)
		*bytes = w->bytes;
	if (lines != NULL)
		*lines = w->lines;
	writer_free(w);
	return 0;
}

void ssp_ndjson_writer_abort(ssp_ndjson_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	unlink(w->path);
	writer_free(w);
}

/* ------------------------------------------------------------------ reader */

struct ssp_ndjson_reader {
	int fd;
	z_stream zs;
	int zinit;
	EVP_MD_CTX *md;
	size_t max_line;
	char *buf;           /* decompressed text: [start, end) not yet returned */
	size_t alloc, start, end, scan;
	int in_eof;          /* the file is fully read */
	int z_end;           /* the last gzip member ended and no input is pending */
	int err;             /* sticky error */
	ssp_errmsg errmsg;
	uint64_t lines, offset;
	uint64_t max_bytes;  /* compressed bytes read at most */
	unsigned char in[IOBUF];
};

int ssp_ndjson_reader_open(const char *path, size_t max_line, uint64_t max_bytes,
			   ssp_ndjson_reader **out, ssp_errmsg *em)
{
	ssp_ndjson_reader *r;
	uint64_t size = 0;
	int rc = SSP_ERR_NOMEM;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (path == NULL || max_line == 0 || max_line > (1u << 30))
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no file or no line cap");
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	r->fd = -1;
	r->max_line = max_line;
	r->max_bytes = max_bytes;
	r->alloc = max_line + 1 < 256 * 1024 ? max_line + 1 : 256 * 1024;
	r->buf = malloc(r->alloc);
	r->md = EVP_MD_CTX_new();
	if (r->buf == NULL || r->md == NULL)
		goto fail;
	if (EVP_DigestInit_ex(r->md, EVP_sha256(), NULL) != 1) {
		rc = SSP_ERR_CRYPTO;
		goto fail;
	}
	if (inflateInit2(&r->zs, 15 + 16) != Z_OK)
		goto fail;
	r->zinit = 1;
	rc = ssp_export_open_file(path, &r->fd, &size, em);
	if (rc != 0)
		goto out;
	*out = r;
	return 0;
fail:
	ssp_errmsg_set(em, rc, "%s: %s", path, ssp_strerror(rc));
out:
	ssp_ndjson_reader_close(r);
	return rc;
}

void ssp_ndjson_reader_close(ssp_ndjson_reader *r)
{
	if (r == NULL)
		return;
	if (r->zinit)
		inflateEnd(&r->zs);
	if (r->fd >= 0)
		close(r->fd);
	EVP_MD_CTX_free(r->md);
	free(r->buf);
	free(r);
}

uint64_t ssp_ndjson_reader_lines(const ssp_ndjson_reader *r)
{
	return r ? r->lines : 0;
}

uint64_t ssp_ndjson_reader_offset(const ssp_ndjson_reader *r)
{
	return r ? r->offset : 0;
}

/* Reads more compressed input when none is pending, never past max_bytes. 0; SSP_ERR_TOO_BIG
 * when the file goes on past max_bytes; SSP_ERR_IO. */
static int reader_fill(ssp_ndjson_reader *r)
{
	ssize_t n;
	size_t want = sizeof r->in;

	if (r->zs.avail_in > 0 || r->in_eof)
		return 0;
	if (r->max_bytes - r->offset < want)
		want = (size_t)(r->max_bytes - r->offset);
	if (want == 0) {
		/* At the cap: the file must end here. */
		do
			n = read(r->fd, r->in, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return SSP_ERR_IO;
		if (n > 0)
			return SSP_ERR_TOO_BIG;
		r->in_eof = 1;
		return 0;
	}
	do
		n = read(r->fd, r->in, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return SSP_ERR_IO;
	if (n == 0) {
		r->in_eof = 1;
		return 0;
	}
	if (EVP_DigestUpdate(r->md, r->in, (size_t)n) != 1)
		return SSP_ERR_CRYPTO;
	r->offset += (uint64_t)n;
	r->zs.next_in = r->in;
	r->zs.avail_in = (uInt)n;
	return 0;
}

static int reader_fail(ssp_ndjson_reader *r, int code, ssp_errmsg *em, const char *what,
		       unsigned long long line)
{
	r->err = code;
	ssp_errmsg_set(&r->errmsg, code, "line %llu: %s", line, what);
	if (em != NULL)
		*em = r->errmsg;
	return code;
}

/* Decompresses more text into buf[end..). Returns 1 when text was added, 0 at the end of the
 * data, or an error. */
static int reader_inflate(ssp_ndjson_reader *r)
{
	size_t before = r->end;
	int rc, zrc;

	for (;;) {
		if (r->z_end) {
			/* Between gzip members: another member follows only if input remains. */
			rc = reader_fill(r);
			if (rc != 0)
				return rc;
			if (r->zs.avail_in == 0)
				return r->end > before;
			if (inflateReset(&r->zs) != Z_OK)
				return SSP_ERR_INTERNAL;
			r->z_end = 0;
		}
		rc = reader_fill(r);
		if (rc != 0)
			return rc;
		if (r->zs.avail_in == 0 && r->in_eof)
			return SSP_ERR_PARSE; /* truncated gzip stream */
		r->zs.next_out = (unsigned char *)r->buf + r->end;
		r->zs.avail_out = (uInt)(r->alloc - r->end);
		zrc = inflate(&r->zs, Z_NO_FLUSH);
		r->end = r->alloc - r->zs.avail_out;
		if (zrc == Z_STREAM_END)
			r->z_end = 1;
		else if (zrc == Z_BUF_ERROR && r->zs.avail_in == 0)
			; /* needs more input: loop */
		else if (zrc != Z_OK)
			return SSP_ERR_PARSE;
		if (r->end > before)
			return 1;
	}
}

int ssp_ndjson_read_line(ssp_ndjson_reader *r, const char **line, size_t *len, ssp_errmsg *em)
{
	char *nl;
	int rc;

	if (r == NULL || line == NULL || len == NULL)
		return SSP_ERR_INVAL;
	if (r->err != 0) {
		if (em != NULL)
			*em = r->errmsg;
		return r->err;
	}
	for (;;) {
		nl = r->end > r->scan ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
		if (nl != NULL) {
			size_t n = (size_t)(nl - (r->buf + r->start));

			if (n > r->max_line)
				return reader_fail(r, SSP_ERR_TOO_BIG, em, "longer than the cap",
						   (unsigned long long)r->lines + 1);
			if (memchr(r->buf + r->start, '\0', n) != NULL)
				return reader_fail(r, SSP_ERR_PARSE, em, "NUL byte",
						   (unsigned long long)r->lines + 1);
			*nl = '\0';
			*line = r->buf + r->start;
			*len = n;
			r->start += n + 1;
			r->scan = r->start;
			r->lines++;
			return 1;
		}
		r->scan = r->end;
		if (r->end - r->start > r->max_line)
			return reader_fail(r, SSP_ERR_TOO_BIG, em, "longer than the cap",
					   (unsigned long long)r->lines + 1);
		/* Make room: move the partial line to the front, grow up to max_line + 1 + slack. */
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->scan -= r->start;
			r->start = 0;
		}
		if (r->end == r->alloc) {
			size_t cap = r->max_line + 2, na = r->alloc * 2;
			char *nb;

			if (na > cap)
				na = cap;
			if (na <= r->alloc)
				return reader_fail(r, SSP_ERR_TOO_BIG, em, "longer than the cap",
						   (unsigned long long)r->lines + 1);
			nb = realloc(r->buf, na);
			if (nb == NULL)
				return reader_fail(r, SSP_ERR_NOMEM, em, "out of memory",
						   (unsigned long long)r->lines + 1);
			r->buf = nb;
			r->alloc = na;
		}
		rc = reader_inflate(r);
		if (rc == 0) {
			if (r->end > r->start)
				return reader_fail(r, SSP_ERR_PARSE, em,
						   "no line end (truncated file?)",
						   (unsigned long long)r->lines + 1);
			return 0;
		}
		if (rc == SSP_ERR_PARSE)
			return reader_fail(r, rc, em, "corrupt or truncated gzip data",
					   (unsigned long long)r->lines + 1);
		if (rc == SSP_ERR_TOO_BIG) {
			char what[96];

			snprintf(what, sizeof what, "the file goes on past %llu bytes (refused)",
				 (unsigned long long)r->max_bytes);
			return reader_fail(r, rc, em, what, (unsigned long long)r->lines + 1);
		}
		if (rc < 0)
			return reader_fail(r, rc, em, "read error",
					   (unsigned long long)r->lines + 1);
	}
}

int ssp_ndjson_reader_digest(ssp_ndjson_reader *r, uint8_t sha256[32], uint64_t *bytes)
{
	unsigned int mdlen = 0;
	int rc;

	if (r == NULL || sha256 == NULL)
		return SSP_ERR_INVAL;
	while (!r->in_eof) {
		r->zs.avail_in = 0; /* the rest is hashed, not decompressed */
		rc = reader_fill(r);
		if (rc != 0)
			return rc;
	}
	if (EVP_DigestFinal_ex(r->md, sha256, &mdlen) != 1)
		return SSP_ERR_CRYPTO;
	if (bytes != NULL)
		*bytes = r->offset;
	return 0;
}

/* ------------------------------------------------------------------ files from outside */

/* Names in em why path, from outside, was refused or could not be read (rc); returns rc. */
static int refused(const char *path, int rc, ssp_errmsg *em)
{
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, rc, "%.200s: no such file", path);
	if (rc == SSP_ERR_FILE_TYPE)
		return ssp_errmsg_set(em, rc, "%.200s: a %s (refused: export files must be regular files)",
				      path, ssp_file_type_name(path));
	return ssp_errmsg_set(em, rc, "%.200s: %s", path, ssp_strerror(rc));
}

int ssp_export_open_file(const char *path, int *fd, uint64_t *size, ssp_errmsg *em)
{
	int rc;

	if (fd == NULL)
		return SSP_ERR_INVAL;
	*fd = -1;
	if (path == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no file");
	/* no symlink followed, no wait on a FIFO, not a byte read (lib/core/ssp_file.h); the
	 * caller caps its reads */
	rc = ssp_file_open_regular(path, UINT64_MAX, fd, size);
	return rc ? refused(path, rc, em) : 0;
}

int ssp_export_read_file(const char *path, size_t cap, char **out, size_t *len, ssp_errmsg *em)
{
	int rc;

	if (out == NULL || len == NULL)
		return SSP_ERR_INVAL;
	if (path == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no file");
	rc = ssp_file_read_regular(path, cap, out, len);
	if (rc == SSP_ERR_TOO_BIG)
		return ssp_errmsg_set(em, rc, "%.200s: more than %zu bytes (refused)", path, cap);
	return rc ? refused(path, rc, em) : 0;
}
