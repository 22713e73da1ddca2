/* The public export: gzip'd ndjson streams, claims and batches lines, the manifest. */
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

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return SSP_ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

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
			if (write_all(w->fd, w->out, have) != 0)
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
	unsigned char in[IOBUF];
};

int ssp_ndjson_reader_open(const char *path, size_t max_line, ssp_ndjson_reader **out)
{
	ssp_ndjson_reader *r;
	int rc = SSP_ERR_NOMEM;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (path == NULL || max_line == 0 || max_line > (1u << 30))
		return SSP_ERR_INVAL;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return SSP_ERR_NOMEM;
	r->fd = -1;
	r->max_line = max_line;
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
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
		goto fail;
	}
	*out = r;
	return 0;
fail:
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

/* Reads more compressed input when none is pending. 0, or SSP_ERR_IO. */
static int reader_fill(ssp_ndjson_reader *r)
{
	ssize_t n;

	if (r->zs.avail_in > 0 || r->in_eof)
		return 0;
	do
		n = read(r->fd, r->in, sizeof r->in);
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

/* ------------------------------------------------------------------ JSON helpers */

const char *ssp_exj_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* obj must be an object whose members are exactly names[0..n). */
int ssp_exj_members(const json_t *obj, const char *where, const char *const *names, size_t n,
			 ssp_errmsg *em)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: expected an object, got %s", where,
				      obj ? ssp_exj_type(obj) : "nothing");
	json_object_foreach((json_t *)obj, key, v) {
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (i == n) {
			char buf[41];
			size_t k;

			for (k = 0; key[k] != '\0' && k < 40; k++)
				buf[k] = (key[k] < 0x20 || key[k] >= 0x7f || key[k] == '"') ? '?' : key[k];
			buf[k] = '\0';
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: unknown member \"%s\"", where, buf);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (json_object_get(obj, names[i]) == NULL)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: member \"%s\" missing", where,
					      names[i]);
	return 0;
}

int ssp_exj_u64(const json_t *obj, const char *where, const char *name, uint64_t *out,
		   ssp_errmsg *em)
{
	const json_t *v = json_object_get(obj, name);

	if (!json_is_integer(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected an integer, got %s", where,
				      name, v ? ssp_exj_type(v) : "nothing");
	if (json_integer_value(v) < 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: negative", where, name);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A string member holding "0x" + 2n hex digits, decoded into out[0..n). */
int ssp_exj_hex(const json_t *obj, const char *where, const char *name, uint8_t *out, size_t n,
		   ssp_errmsg *em)
{
	const json_t *v = json_object_get(obj, name);
	const char *s;

	if (!json_is_string(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected a string, got %s", where,
				      name, v ? ssp_exj_type(v) : "nothing");
	s = json_string_value(v);
	if (json_string_length(v) != 2 + 2 * n || s[0] != '0' || s[1] != 'x' ||
	    ssp_hex_decode_exact(s, out, n) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected \"0x\" and %zu hex digits",
				      where, name, 2 * n);
	return 0;
}

int ssp_exj_addr(const json_t *obj, const char *where, const char *name,
		    uint8_t out[SSP_ADDR_LEN], ssp_errmsg *em)
{
	const json_t *v = json_object_get(obj, name);
	int rc;

	if (!json_is_string(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected a string, got %s", where,
				      name, v ? ssp_exj_type(v) : "nothing");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: NUL in string", where, name);
	rc = ssp_address_parse(json_string_value(v), out);
	if (rc == SSP_ERR_CHECKSUM)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: bad EIP-55 checksum", where, name);
	if (rc != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: expected \"0x\" and 40 hex digits",
				      where, name);
	return 0;
}

json_t *ssp_exj_hex_new(const uint8_t *p, size_t n)
{
	char buf[2 * SSP_SIG_LEN + 3];

	if (n > SSP_SIG_LEN)
		return NULL;
	return json_string(ssp_hex_encode(p, n, buf, 1));
}

json_t *ssp_exj_addr_new(const uint8_t a[SSP_ADDR_LEN])
{
	char buf[SSP_ADDR_STRLEN];

	return json_string(ssp_address_format(a, buf));
}

#define U64_MAX_JSON 9223372036854775807ULL

json_t *ssp_exj_u64_new(uint64_t v)
{
	return v > U64_MAX_JSON ? NULL : json_integer((json_int_t)v);
}

/* json_object_set_new that remembers a failure (a NULL value) in *bad. */
void ssp_exj_set(json_t *obj, const char *name, json_t *v, int *bad)
{
	if (v == NULL || obj == NULL || json_object_set_new(obj, name, v) != 0)
		*bad = 1;
}

int ssp_exj_dump_doc(json_t *o, int bad, char **out)
{
	char *s, *t;
	size_t n;

	s = bad ? NULL : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return bad ? SSP_ERR_RANGE : SSP_ERR_NOMEM;
	n = strlen(s);
	t = malloc(n + 2);
	if (t != NULL) {
		memcpy(t, s, n);
		t[n] = '\n';
		t[n + 1] = '\0';
	}
	free(s);
	if (t == NULL)
		return SSP_ERR_NOMEM;
	*out = t;
	return 0;
}

static json_t *load_line(const char *text, size_t len, const char *what, ssp_errmsg *em)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (j == NULL)
		ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: JSON error at column %d: %s", what, err.column,
			       err.text);
	return j;
}

/* ------------------------------------------------------------------ claims lines */

int ssp_export_claim_format(const ssp_export_claim *ec, char **out, size_t *len)
{
	char *cj = NULL, *line = NULL, sig[2 * SSP_SIG_LEN + 3];
	size_t cap;
	int n, rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (ec == NULL || len == NULL || ec->batch_id < 0)
		return SSP_ERR_INVAL;
	rc = ssp_claim_to_json(&ec->claim, &cj);
	if (rc != 0)
		return rc;
	cap = strlen(cj) + sizeof sig + 64;
	line = malloc(cap);
	if (line == NULL) {
		free(cj);
		return SSP_ERR_NOMEM;
	}
	ssp_hex_encode(ec->sig, SSP_SIG_LEN, sig, 1);
	if (ec->batch_id == 0)
		n = snprintf(line, cap, "{\"claim\":%s,\"signature\":\"%s\",\"batch\":null}", cj, sig);
	else
		n = snprintf(line, cap, "{\"claim\":%s,\"signature\":\"%s\",\"batch\":%lld}", cj, sig,
			     (long long)ec->batch_id);
	free(cj);
	if (n < 0 || (size_t)n >= cap) {
		free(line);
		return SSP_ERR_INTERNAL;
	}
	*out = line;
	*len = (size_t)n;
	return 0;
}

/* The fast path of ssp_export_claim_parse: the exact compact layout ssp_export_claim_format
 * writes (members in that order, no spaces, no escapes). It accepts only lines the JSON path
 * accepts, with the same result; anything else (other layouts included) returns -1 and goes
 * to the JSON path, which also names what is wrong. */
struct cursor {
	const char *p, *end;
};

static int lit(struct cursor *c, const char *s, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

#define LIT(c, s) lit(c, s, sizeof(s) - 1)

/* A JSON integer 0..INT64_MAX: "0" or a non-zero digit first; then ',' or '}' must follow. */
static int num(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;
	const char *q = c->p;

	if (q >= c->end || *q < '0' || *q > '9')
		return -1;
	if (*q == '0') {
		q++;
	} else {
		for (; q < c->end && *q >= '0' && *q <= '9'; q++) {
			if (x > (9223372036854775807ULL - (uint64_t)(*q - '0')) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*q - '0');
		}
	}
	if (q >= c->end || (*q != ',' && *q != '}'))
		return -1;
	c->p = q;
	*v = x;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0x" + 2n hex digits + '"' */
static int hexstr(struct cursor *c, uint8_t *out, size_t n)
{
	const char *q = c->p;

	if ((size_t)(c->end - q) < 2 + 2 * n + 1 || q[0] != '0' || q[1] != 'x' || q[2 + 2 * n] != '"')
		return -1;
	q += 2;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(q[2 * i]), lo = hexval(q[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	c->p = q + 2 * n + 1;
	return 0;
}

static int claim_fast(const char *text, size_t len, ssp_export_claim *out)
{
	struct cursor c = { text, text + len };
	ssp_export_claim t;
	ssp_claim *k = &t.claim;
	char addr[43];
	uint64_t b;

	memset(&t, 0, sizeof t);
	if (LIT(&c, "{\"claim\":{\"project\":\"") || hexstr(&c, k->project, 32) ||
	    LIT(&c, ",\"seq\":") || num(&c, &k->seq) ||
	    LIT(&c, ",\"resultId\":") || num(&c, &k->result_id) ||
	    LIT(&c, ",\"workunitId\":") || num(&c, &k->workunit_id) ||
	    LIT(&c, ",\"userId\":") || num(&c, &k->user_id) ||
	    LIT(&c, ",\"hostId\":") || num(&c, &k->host_id) ||
	    LIT(&c, ",\"beneficiary\":\"") || c.end - c.p < 43 || c.p[42] != '"')
		return -1;
	memcpy(addr, c.p, 42);
	addr[42] = '\0';
	if (addr[0] != '0' || addr[1] != 'x' || ssp_address_parse(addr, k->beneficiary) != 0)
		return -1;
	c.p += 43;
	if (LIT(&c, ",\"credit\":") || num(&c, &k->credit) ||
	    LIT(&c, ",\"resultDigest\":\"") || hexstr(&c, k->result_digest, 32) ||
	    LIT(&c, ",\"grantedAt\":") || num(&c, &k->granted_at) ||
	    LIT(&c, "},\"signature\":\"") || hexstr(&c, t.sig, SSP_SIG_LEN) || LIT(&c, ",\"batch\":"))
		return -1;
	if (LIT(&c, "null") == 0) {
		t.batch_id = 0;
	} else {
		if (num(&c, &b) != 0 || b == 0)
			return -1;
		t.batch_id = (int64_t)b;
	}
	if (LIT(&c, "}") || c.p != c.end)
		return -1;
	*out = t;
	return 0;
}

int ssp_export_claim_parse(const char *text, size_t len, ssp_export_claim *ec, ssp_errmsg *em)
{
	if (text == NULL || ec == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len <= SSP_EXPORT_MAX_CLAIM_LINE && claim_fast(text, len, ec) == 0)
		return 0;
	return ssp_export_claim_parse_json(text, len, ec, em);
}

int ssp_export_claim_parse_json(const char *text, size_t len, ssp_export_claim *ec,
				ssp_errmsg *em)
{
	static const char *const names[] = { "claim", "signature", "batch" };
	ssp_export_claim tmp;
	const json_t *b;
	json_t *j;
	int rc;

	if (text == NULL || ec == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len > SSP_EXPORT_MAX_CLAIM_LINE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "claim line longer than %u bytes",
				      SSP_EXPORT_MAX_CLAIM_LINE);
	j = load_line(text, len, "claim line", em);
	if (j == NULL)
		return SSP_ERR_PARSE;
	memset(&tmp, 0, sizeof tmp);
	rc = ssp_exj_members(j, "claim line", names, 3, em);
	if (rc == 0) {
		rc = ssp_claim_from_json_obj(json_object_get(j, "claim"), &tmp.claim, em);
		if (rc != 0) {
			char inner[sizeof em->msg];

			if (em != NULL) {
				memcpy(inner, em->msg, sizeof inner);
				inner[sizeof inner - 8] = '\0';
				ssp_errmsg_set(em, rc, "claim: %s", inner);
			}
		}
	}
	if (rc == 0)
		rc = ssp_exj_hex(j, "claim line", "signature", tmp.sig, SSP_SIG_LEN, em);
	if (rc == 0) {
		b = json_object_get(j, "batch");
		if (json_is_null(b))
			tmp.batch_id = 0;
		else if (json_is_integer(b) && json_integer_value(b) > 0)
			tmp.batch_id = (int64_t)json_integer_value(b);
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "claim line.batch: expected a positive integer or null");
	}
	json_decref(j);
	if (rc == 0)
		*ec = tmp;
	return rc;
}

int ssp_export_line_peek_u64(const char *line, size_t len, const char *name, uint64_t *v)
{
	size_t nlen;
	const char *p, *end;

	if (line == NULL || name == NULL || v == NULL)
		return SSP_ERR_INVAL;
	nlen = strlen(name);
	end = line + len;
	for (p = line; p + nlen + 2 < end; p++) {
		const char *q;
		uint64_t x = 0;
		int digits = 0;

		p = memchr(p, '"', (size_t)(end - p));
		if (p == NULL || p + nlen + 2 > end)
			break;
		if (memcmp(p + 1, name, nlen) != 0 || p[nlen + 1] != '"')
			continue;
		q = p + nlen + 2;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q != ':')
			continue;
		q++;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		while (q < end && *q >= '0' && *q <= '9' && digits < 20) {
			uint64_t d = (uint64_t)(*q - '0');

			if (x > (UINT64_MAX - d) / 10)
				return SSP_ERR_NOT_FOUND;
			x = x * 10 + d;
			q++;
			digits++;
		}
		if (digits == 0)
			continue;
		*v = x;
		return 0;
	}
	return SSP_ERR_NOT_FOUND;
}

/* ------------------------------------------------------------------ batches lines */

static const char *const state_names[] = { "?", "SEALED", "SUBMITTED", "MINTED", "FINAL", "FAILED" };

const char *ssp_export_state_name(int state)
{
	if (state < SSP_EXPORT_SEALED || state > SSP_EXPORT_FAILED)
		return "?";
	return state_names[state];
}

void ssp_export_batch_clear(ssp_export_batch *b)
{
	if (b == NULL)
		return;
	free(b->payouts);
	free(b->sigs);
	memset(b, 0, sizeof *b);
}

json_t *ssp_exj_header_new(const ssp_batch *h, int *bad)
{
	json_t *o = json_object();

	ssp_exj_set(o, "project", ssp_exj_hex_new(h->project, 32), bad);
	ssp_exj_set(o, "firstSeq", ssp_exj_u64_new(h->first_seq), bad);
	ssp_exj_set(o, "lastSeq", ssp_exj_u64_new(h->last_seq), bad);
	ssp_exj_set(o, "claimsRoot", ssp_exj_hex_new(h->claims_root, 32), bad);
	ssp_exj_set(o, "payoutsHash", ssp_exj_hex_new(h->payouts_hash, 32), bad);
	ssp_exj_set(o, "totalCredit", ssp_exj_u64_new(h->total_credit), bad);
	return o;
}

json_t *ssp_exj_tx_new(int has_tx, const uint8_t hash[32], uint64_t block,
		       const uint8_t block_hash[32], int *bad)
{
	json_t *o;

	if (!has_tx)
		return json_null();
	o = json_object();
	ssp_exj_set(o, "hash", ssp_exj_hex_new(hash, 32), bad);
	ssp_exj_set(o, "blockNumber", ssp_exj_u64_new(block), bad);
	ssp_exj_set(o, "blockHash", ssp_exj_hex_new(block_hash, 32), bad);
	return o;
}

int ssp_export_batch_format(const ssp_export_batch *b, char **out, size_t *len)
{
	json_t *o = NULL, *arr;
	char *s = NULL;
	int bad = 0, rc = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (b == NULL || len == NULL || b->id <= 0 || (b->npayouts > 0 && b->payouts == NULL) ||
	    (b->nsigs > 0 && b->sigs == NULL) || b->npayouts > SSP_EXPORT_MAX_BATCH_CLAIMS ||
	    b->nsigs > SSP_EXPORT_MAX_SIGS || strlen(b->reason) > SSP_EXPORT_MAX_REASON ||
	    strcmp(ssp_export_state_name(b->state), "?") == 0)
		return SSP_ERR_INVAL;
	if (b->header.first_seq > U64_MAX_JSON || b->header.last_seq > U64_MAX_JSON ||
	    b->header.total_credit > U64_MAX_JSON || b->sealed_at > U64_MAX_JSON ||
	    b->block_number > U64_MAX_JSON)
		return SSP_ERR_RANGE;
	o = json_object();
	ssp_exj_set(o, "id", json_integer(b->id), &bad);
	ssp_exj_set(o, "batch", ssp_exj_header_new(&b->header, &bad), &bad);
	ssp_exj_set(o, "state", json_string(ssp_export_state_name(b->state)), &bad);
	ssp_exj_set(o, "reason", json_string(b->reason), &bad);
	ssp_exj_set(o, "sealedAt", ssp_exj_u64_new(b->sealed_at), &bad);
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < b->npayouts; i++) {
		json_t *p = json_object();

		if (b->payouts[i].credit > U64_MAX_JSON) {
			json_decref(p);
			rc = SSP_ERR_RANGE;
			break;
		}
		ssp_exj_set(p, "beneficiary", ssp_exj_addr_new(b->payouts[i].beneficiary), &bad);
		ssp_exj_set(p, "credit", ssp_exj_u64_new(b->payouts[i].credit), &bad);
		if (p == NULL || json_array_append_new(arr, p) != 0)
			bad = 1;
	}
	ssp_exj_set(o, "payouts", arr, &bad);
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < b->nsigs; i++) {
		json_t *p = json_object();

		ssp_exj_set(p, "signer", ssp_exj_addr_new(b->sigs[i].signer), &bad);
		ssp_exj_set(p, "signature", ssp_exj_hex_new(b->sigs[i].sig, SSP_SIG_LEN), &bad);
		if (p == NULL || json_array_append_new(arr, p) != 0)
			bad = 1;
	}
	ssp_exj_set(o, "signatures", arr, &bad);
	ssp_exj_set(o, "tx", ssp_exj_tx_new(b->has_tx, b->tx_hash, b->block_number, b->block_hash, &bad), &bad);
	if (rc == 0 && bad)
		rc = SSP_ERR_NOMEM;
	if (rc == 0) {
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s == NULL)
			rc = SSP_ERR_NOMEM;
	}
	json_decref(o);
	if (rc != 0)
		return rc;
	*len = strlen(s);
	if (*len > SSP_EXPORT_MAX_BATCH_LINE) {
		free(s);
		return SSP_ERR_TOO_BIG;
	}
	*out = s;
	return 0;
}

int ssp_exj_header(const json_t *h, ssp_batch *out, ssp_errmsg *em)
{
	static const char *const names[] = { "project", "firstSeq", "lastSeq", "claimsRoot",
					     "payoutsHash", "totalCredit" };
	const char *w = "batch";
	int rc;

	rc = ssp_exj_members(h, w, names, 6, em);
	if (rc == 0)
		rc = ssp_exj_hex(h, w, "project", out->project, 32, em);
	if (rc == 0)
		rc = ssp_exj_u64(h, w, "firstSeq", &out->first_seq, em);
	if (rc == 0)
		rc = ssp_exj_u64(h, w, "lastSeq", &out->last_seq, em);
	if (rc == 0)
		rc = ssp_exj_hex(h, w, "claimsRoot", out->claims_root, 32, em);
	if (rc == 0)
		rc = ssp_exj_hex(h, w, "payoutsHash", out->payouts_hash, 32, em);
	if (rc == 0)
		rc = ssp_exj_u64(h, w, "totalCredit", &out->total_credit, em);
	if (rc == 0 && (out->first_seq == 0 || out->last_seq < out->first_seq))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "batch: need 1 <= firstSeq <= lastSeq");
	return rc;
}

int ssp_exj_tx(const json_t *t, int *has_tx, uint8_t hash[32], uint64_t *block,
		    uint8_t block_hash[32], ssp_errmsg *em)
{
	static const char *const names[] = { "hash", "blockNumber", "blockHash" };
	int rc;

	if (json_is_null(t)) {
		*has_tx = 0;
		return 0;
	}
	rc = ssp_exj_members(t, "tx", names, 3, em);
	if (rc == 0)
		rc = ssp_exj_hex(t, "tx", "hash", hash, 32, em);
	if (rc == 0)
		rc = ssp_exj_u64(t, "tx", "blockNumber", block, em);
	if (rc == 0)
		rc = ssp_exj_hex(t, "tx", "blockHash", block_hash, 32, em);
	if (rc == 0)
		*has_tx = 1;
	return rc;
}

int ssp_exj_state(const json_t *v, int *state, ssp_errmsg *em)
{
	if (json_is_string(v))
		for (int s = SSP_EXPORT_SEALED; s <= SSP_EXPORT_FAILED; s++)
			if (strcmp(json_string_value(v), state_names[s]) == 0) {
				*state = s;
				return 0;
			}
	return ssp_errmsg_set(em, SSP_ERR_PARSE,
			      "state: expected SEALED, SUBMITTED, MINTED, FINAL or FAILED");
}

int ssp_export_batch_parse(const char *text, size_t len, ssp_export_batch *b, ssp_errmsg *em)
{
	static const char *const names[] = { "id", "batch", "state", "reason", "sealedAt",
					     "payouts", "signatures", "tx" };
	static const char *const pnames[] = { "beneficiary", "credit" };
	static const char *const snames[] = { "signer", "signature" };
	const json_t *v, *arr;
	json_t *j = NULL;
	uint64_t id = 0;
	char where[64];
	int rc;

	if (b == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no batch");
	memset(b, 0, sizeof *b);
	if (text == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	if (len > SSP_EXPORT_MAX_BATCH_LINE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "batch line longer than %u bytes",
				      SSP_EXPORT_MAX_BATCH_LINE);
	j = load_line(text, len, "batch line", em);
	if (j == NULL)
		return SSP_ERR_PARSE;
	rc = ssp_exj_members(j, "batch line", names, 8, em);
	if (rc == 0)
		rc = ssp_exj_u64(j, "batch line", "id", &id, em);
	if (rc == 0 && id == 0)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "batch line.id: must be positive");
	b->id = (int64_t)id;
	if (rc == 0)
		rc = ssp_exj_header(json_object_get(j, "batch"), &b->header, em);
	if (rc == 0)
		rc = ssp_exj_state(json_object_get(j, "state"), &b->state, em);
	if (rc == 0) {
		v = json_object_get(j, "reason");
		if (!json_is_string(v) || json_string_length(v) > SSP_EXPORT_MAX_REASON ||
		    strlen(json_string_value(v)) != json_string_length(v))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "reason: expected a string of at most %u bytes",
					    SSP_EXPORT_MAX_REASON);
		else
			memcpy(b->reason, json_string_value(v), json_string_length(v) + 1);
	}
	if (rc == 0)
		rc = ssp_exj_u64(j, "batch line", "sealedAt", &b->sealed_at, em);
	if (rc == 0) {
		arr = json_object_get(j, "payouts");
		if (!json_is_array(arr))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "payouts: expected an array");
		else if (json_array_size(arr) > SSP_EXPORT_MAX_BATCH_CLAIMS)
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "payouts: more than %u entries",
					    SSP_EXPORT_MAX_BATCH_CLAIMS);
		else if (json_array_size(arr) > 0) {
			b->payouts = calloc(json_array_size(arr), sizeof *b->payouts);
			if (b->payouts == NULL)
				rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "payouts: out of memory");
		}
		for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
			v = json_array_get(arr, i);
			snprintf(where, sizeof where, "payouts[%zu]", i);
			rc = ssp_exj_members(v, where, pnames, 2, em);
			if (rc == 0)
				rc = ssp_exj_addr(v, where, "beneficiary", b->payouts[i].beneficiary, em);
			if (rc == 0)
				rc = ssp_exj_u64(v, where, "credit", &b->payouts[i].credit, em);
			b->npayouts = i + 1;
		}
	}
	if (rc == 0) {
		arr = json_object_get(j, "signatures");
		if (!json_is_array(arr))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "signatures: expected an array");
		else if (json_array_size(arr) > SSP_EXPORT_MAX_SIGS)
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "signatures: more than %u entries",
					    SSP_EXPORT_MAX_SIGS);
		else if (json_array_size(arr) > 0) {
			b->sigs = calloc(json_array_size(arr), sizeof *b->sigs);
			if (b->sigs == NULL)
				rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "signatures: out of memory");
		}
		for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
			v = json_array_get(arr, i);
			snprintf(where, sizeof where, "signatures[%zu]", i);
			rc = ssp_exj_members(v, where, snames, 2, em);
			if (rc == 0)
				rc = ssp_exj_addr(v, where, "signer", b->sigs[i].signer, em);
			if (rc == 0)
				rc = ssp_exj_hex(v, where, "signature", b->sigs[i].sig, SSP_SIG_LEN, em);
			b->nsigs = i + 1;
		}
	}
	if (rc == 0)
		rc = ssp_exj_tx(json_object_get(j, "tx"), &b->has_tx, b->tx_hash, &b->block_number,
			      b->block_hash, em);
	json_decref(j);
	if (rc != 0)
		ssp_export_batch_clear(b);
	return rc;
}

/* ------------------------------------------------------------------ manifest */

static json_t *file_json(const ssp_export_file *f, int *bad)
{
	json_t *o = json_object();
	char hex[65];

	ssp_exj_set(o, "sha256", json_string(ssp_hex_encode(f->sha256, 32, hex, 0)), bad);
	ssp_exj_set(o, "bytes", ssp_exj_u64_new(f->bytes), bad);
	ssp_exj_set(o, "lines", ssp_exj_u64_new(f->lines), bad);
	return o;
}

int ssp_export_manifest_format(const ssp_export_manifest *m, char **out)
{
	json_t *o = NULL, *sub;
	char dec[SSP_U256_DEC_MAX];
	int bad = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (m == NULL || strlen(m->master_url) == 0)
		return SSP_ERR_INVAL;
	o = json_object();
	ssp_exj_set(o, "format", json_string(SSP_EXPORT_FORMAT), &bad);
	ssp_exj_set(o, "version", json_integer(SSP_EXPORT_VERSION), &bad);
	ssp_exj_set(o, "createdAt", ssp_exj_u64_new(m->created_at), &bad);
	sub = json_object();
	ssp_exj_set(sub, "masterUrl", json_string(m->master_url), &bad);
	ssp_exj_set(sub, "id", ssp_exj_hex_new(m->project, 32), &bad);
	ssp_exj_set(o, "project", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "chainId", ssp_exj_u64_new(m->chain_id), &bad);
	ssp_exj_set(sub, "minter", ssp_exj_addr_new(m->minter), &bad);
	ssp_exj_set(sub, "weiPerMicroCredit",
		m->has_rate ? json_string(ssp_u256_to_dec(&m->rate, dec)) : json_null(), &bad);
	ssp_exj_set(sub, "deployBlock",
		m->has_deploy_block ? ssp_exj_u64_new(m->deploy_block) : json_null(), &bad);
	ssp_exj_set(o, "chain", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "count", ssp_exj_u64_new(m->nclaims), &bad);
	ssp_exj_set(sub, "firstSeq", ssp_exj_u64_new(m->first_seq), &bad);
	ssp_exj_set(sub, "lastSeq", ssp_exj_u64_new(m->last_seq), &bad);
	ssp_exj_set(o, "claims", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, "count", ssp_exj_u64_new(m->nbatches), &bad);
	ssp_exj_set(o, "batches", sub, &bad);
	sub = json_object();
	ssp_exj_set(sub, SSP_EXPORT_CLAIMS_FILE, file_json(&m->claims, &bad), &bad);
	ssp_exj_set(sub, SSP_EXPORT_BATCHES_FILE, file_json(&m->batches, &bad), &bad);
	ssp_exj_set(o, "files", sub, &bad);
	return ssp_exj_dump_doc(o, bad, out);
}

static int parse_file_entry(const json_t *files, const char *name, ssp_export_file *f,
			    ssp_errmsg *em)
{
	static const char *const names[] = { "sha256", "bytes", "lines" };
	const json_t *o = json_object_get(files, name);
	const json_t *v;
	char where[64];
	int rc;

	snprintf(where, sizeof where, "files.%s", name);
	rc = ssp_exj_members(o, where, names, 3, em);
	if (rc != 0)
		return rc;
	v = json_object_get(o, "sha256");
	if (!json_is_string(v) || json_string_length(v) != 64 ||
	    ssp_hex_decode_exact(json_string_value(v), f->sha256, 32) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.sha256: expected 64 hex digits", where);
	rc = ssp_exj_u64(o, where, "bytes", &f->bytes, em);
	if (rc == 0)
		rc = ssp_exj_u64(o, where, "lines", &f->lines, em);
	return rc;
}

int ssp_export_manifest_parse(const char *text, size_t len, ssp_export_manifest *m,
			      ssp_errmsg *em)
{
	static const char *const top[] = { "format", "version", "createdAt", "project", "chain",
					   "claims", "batches", "files" };
	static const char *const pnames[] = { "masterUrl", "id" };
	static const char *const cnames[] = { "chainId", "minter", "weiPerMicroCredit",
					      "deployBlock" };
	static const char *const clnames[] = { "count", "firstSeq", "lastSeq" };
	static const char *const bnames[] = { "count" };
	static const char *const fnames[] = { SSP_EXPORT_CLAIMS_FILE, SSP_EXPORT_BATCHES_FILE };
	ssp_export_manifest tmp;
	json_error_t err;
	const json_t *v, *sub;
	json_t *j;
	uint8_t id[32];
	int rc;

	if (text == NULL || m == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no manifest");
	if (len > SSP_EXPORT_MAX_MANIFEST)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "manifest larger than %u bytes",
				      SSP_EXPORT_MAX_MANIFEST);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "manifest: JSON error at line %d column %d: %s",
				      err.line, err.column, err.text);
	memset(&tmp, 0, sizeof tmp);
	v = json_object_get(j, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), SSP_EXPORT_FORMAT) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "manifest: format is not \"%s\"",
				    SSP_EXPORT_FORMAT);
		goto out;
	}
	v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != SSP_EXPORT_VERSION) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "manifest: version is not %d",
				    SSP_EXPORT_VERSION);
		goto out;
	}
	rc = ssp_exj_members(j, "manifest", top, 8, em);
	if (rc == 0)
		rc = ssp_exj_u64(j, "manifest", "createdAt", &tmp.created_at, em);
	sub = json_object_get(j, "project");
	if (rc == 0)
		rc = ssp_exj_members(sub, "project", pnames, 2, em);
	if (rc == 0) {
		v = json_object_get(sub, "masterUrl");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > SSP_EXPORT_MAX_URL ||
		    strlen(json_string_value(v)) != json_string_length(v))
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "project.masterUrl: expected a string of 1..%u bytes",
					    SSP_EXPORT_MAX_URL);
		else
			memcpy(tmp.master_url, json_string_value(v), json_string_length(v) + 1);
	}
	if (rc == 0)
		rc = ssp_exj_hex(sub, "project", "id", tmp.project, 32, em);
	if (rc == 0) {
		ssp_project_id(tmp.master_url, id);
		if (memcmp(id, tmp.project, 32) != 0)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "project.id: is not keccak256(masterUrl)");
	}
	sub = json_object_get(j, "chain");
	if (rc == 0)
		rc = ssp_exj_members(sub, "chain", cnames, 4, em);
	if (rc == 0)
		rc = ssp_exj_u64(sub, "chain", "chainId", &tmp.chain_id, em);
	if (rc == 0)
		rc = ssp_exj_addr(sub, "chain", "minter", tmp.minter, em);
	if (rc == 0) {
		v = json_object_get(sub, "weiPerMicroCredit");
		if (json_is_null(v))
			tmp.has_rate = 0;
		else if (json_is_string(v) && ssp_u256_from_dec(&tmp.rate, json_string_value(v)) == 0)
			tmp.has_rate = 1;
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
					    "chain.weiPerMicroCredit: expected a decimal string or null");
	}
	if (rc == 0 && !json_is_null(json_object_get(sub, "deployBlock"))) {
		rc = ssp_exj_u64(sub, "chain", "deployBlock", &tmp.deploy_block, em);
		tmp.has_deploy_block = rc == 0;
	}
	sub = json_object_get(j, "claims");
	if (rc == 0)
		rc = ssp_exj_members(sub, "claims", clnames, 3, em);
	if (rc == 0)
		rc = ssp_exj_u64(sub, "claims", "count", &tmp.nclaims, em);
	if (rc == 0)
		rc = ssp_exj_u64(sub, "claims", "firstSeq", &tmp.first_seq, em);
	if (rc == 0)
		rc = ssp_exj_u64(sub, "claims", "lastSeq", &tmp.last_seq, em);
	if (rc == 0 && (tmp.first_seq == 0 || tmp.last_seq + 1 < tmp.first_seq ||
			tmp.last_seq - (tmp.first_seq - 1) != tmp.nclaims))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "claims: count must be lastSeq - firstSeq + 1, firstSeq >= 1");
	sub = json_object_get(j, "batches");
	if (rc == 0)
		rc = ssp_exj_members(sub, "batches", bnames, 1, em);
	if (rc == 0)
		rc = ssp_exj_u64(sub, "batches", "count", &tmp.nbatches, em);
	sub = json_object_get(j, "files");
	if (rc == 0)
		rc = ssp_exj_members(sub, "files", fnames, 2, em);
	if (rc == 0)
		rc = parse_file_entry(sub, SSP_EXPORT_CLAIMS_FILE, &tmp.claims, em);
	if (rc == 0)
		rc = parse_file_entry(sub, SSP_EXPORT_BATCHES_FILE, &tmp.batches, em);
	if (rc == 0 && (tmp.claims.lines != tmp.nclaims || tmp.batches.lines != tmp.nbatches))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "files: line counts differ from the counts");
out:
	json_decref(j);
	if (rc == 0)
		*m = tmp;
	return rc;
}

int ssp_export_path(const char *dir, const char *name, char *buf, size_t cap)
{
	int n;

	if (dir == NULL || name == NULL || buf == NULL)
		return SSP_ERR_INVAL;
	n = snprintf(buf, cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= cap)
		return SSP_ERR_TOO_BIG;
	return 0;
}

int ssp_export_manifest_read(const char *dir, ssp_export_manifest *m, ssp_errmsg *em)
{
	char path[4096], *text = NULL;
	size_t len = 0;
	int rc;

	rc = ssp_export_path(dir, SSP_EXPORT_MANIFEST_FILE, path, sizeof path);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "export directory name too long");
	rc = ssp_file_read(path, SSP_EXPORT_MAX_MANIFEST, &text, &len);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "%s: %s", path, ssp_strerror(rc));
	rc = ssp_export_manifest_parse(text, len, m, em);
	if (rc != 0 && em != NULL) {
		char inner[sizeof em->msg];

		memcpy(inner, em->msg, sizeof inner);
		inner[160] = '\0';
		ssp_errmsg_set(em, rc, "%s: %s", path, inner);
	}
	free(text);
	return rc;
}
