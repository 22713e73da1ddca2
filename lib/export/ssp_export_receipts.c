/* Receipts as public evidence: the archive that keeps each credited result's share receipt
 * before BOINC's file deleter removes it, and the export's receipts.ndjson.gz lines. */
#include "export/ssp_export.h"
#include "core/ssp_json.h"
#include "export/ssp_export_int.h"
#include "boinc/ssp_receipt.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_sha256.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ssp_receipt_digest(const ssp_receipt *r, uint8_t out[32])
{
	ssp_sha256_ctx *ctx = NULL;
	int rc;

	if (r == NULL || out == NULL)
		return SSP_ERR_INVAL;
	rc = ssp_sha256_new(&ctx);
	if (rc != 0)
		return rc;
	/* The validator's resultDigest (lib/boinc/ssp_validate.h): SHA-256 of the outputs'
	 * SHA-256 digests concatenated in the receipt's order. */
	for (size_t i = 0; i < ssp_receipt_noutputs(r) && rc == 0; i++)
		rc = ssp_sha256_update(ctx, ssp_receipt_output_at(r, i)->sha256, SSP_SHA256_LEN);
	if (rc == 0)
		rc = ssp_sha256_final(ctx, out);
	ssp_sha256_free(ctx);
	return rc;
}

int ssp_export_receipt_format(uint64_t seq, uint64_t result_id, const char *text, size_t len,
			      char **out, size_t *outlen)
{
	json_t *o;
	char *s;
	int bad = 0;

	if (out == NULL || outlen == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	*outlen = 0;
	if (text == NULL || len > SSP_RECEIPT_MAX_BYTES)
		return SSP_ERR_INVAL;
	o = json_object();
	ssp_exj_set(o, "seq", ssp_exj_u64_new(seq), &bad);
	ssp_exj_set(o, "resultId", ssp_exj_u64_new(result_id), &bad);
	ssp_exj_set(o, "receipt", json_stringn(text, len), &bad);
	if (bad) {
		json_decref(o);
		return SSP_ERR_RANGE;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return SSP_ERR_NOMEM;
	*out = s;
	*outlen = strlen(s);
	return 0;
}

int ssp_export_receipt_parse(const char *line, size_t len, uint64_t *seq, uint64_t *result_id,
			     char **text, size_t *tlen, ssp_errmsg *em)
{
	static const char *const names[] = { "seq", "resultId", "receipt" };
	json_error_t err;
	json_t *j;
	const json_t *r;
	int rc;

	if (line == NULL || seq == NULL || result_id == NULL || text == NULL || tlen == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no line");
	*text = NULL;
	*tlen = 0;
	if (len > SSP_EXPORT_MAX_RECEIPT_LINE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "receipt line longer than %u bytes",
				      SSP_EXPORT_MAX_RECEIPT_LINE);
	j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt line: JSON error at column %d",
				      err.column);
	rc = ssp_json_members(j, "receipt line", names, 3, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "receipt line", "seq", 0, UINT64_MAX, seq, em);
	if (rc == 0)
		rc = ssp_json_u64(j, "receipt line", "resultId", 0, UINT64_MAX, result_id, em);
	r = json_object_get(j, "receipt");
	if (rc == 0 && !json_is_string(r))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt line.receipt: a string expected");
	if (rc == 0 && json_string_length(r) > SSP_RECEIPT_MAX_BYTES)
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "receipt line.receipt: over %d bytes",
				    SSP_RECEIPT_MAX_BYTES);
	if (rc == 0) {
		*tlen = json_string_length(r);
		*text = malloc(*tlen + 1);
		if (*text == NULL)
			rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		else {
			memcpy(*text, json_string_value(r), *tlen);
			(*text)[*tlen] = '\0';
		}
	}
	json_decref(j);
	return rc;
}

/* ------------------------------------------------------------------ the archive */

int ssp_receipt_archive_path(const char *archive, uint64_t host_id, const uint8_t digest[32],
			     char *buf, size_t cap)
{
	char hex[65];
	int n = snprintf(buf, cap, "%s/%llu-%s.json", archive, (unsigned long long)host_id,
			 ssp_hex_encode(digest, 32, hex, 0));

	return n < 0 || (size_t)n >= cap ? SSP_ERR_TOO_BIG : 0;
}

struct ssp_receipt_archiver {
	char *upload, *archive;
	uint64_t *prev, *cur;        /* keys of the files looked at: last pass (sorted), this one */
	size_t nprev, ncur, capcur;
};

struct arch {
	ssp_receipt_archiver *ar;
	const char *archive;
	ssp_receipt_archive_stats *st;
	ssp_errmsg *em;
};

static uint64_t mix64(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

/* The file as it is now (device, inode, size, modification time). */
static uint64_t file_key(const struct stat *st)
{
	uint64_t h = mix64(0, (uint64_t)st->st_dev);

	h = mix64(h, (uint64_t)st->st_ino);
	h = mix64(h, (uint64_t)st->st_size);
	h = mix64(h, (uint64_t)st->st_mtim.tv_sec);
	return mix64(h, (uint64_t)st->st_mtim.tv_nsec);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* 1 when the file was looked at, unchanged, in the previous pass; records it for the next. */
static int seen_before(ssp_receipt_archiver *ar, const struct stat *st, int *nomem)
{
	uint64_t k = file_key(st);

	if (ar->ncur == ar->capcur) {
		size_t nc = ar->capcur ? ar->capcur * 2 : 1024;
		uint64_t *n = realloc(ar->cur, nc * sizeof *n);

		if (n == NULL) {
			*nomem = 1;
			return 0;
		}
		ar->cur = n;
		ar->capcur = nc;
	}
	ar->cur[ar->ncur++] = k;
	return ar->nprev > 0 && bsearch(&k, ar->prev, ar->nprev, sizeof k, cmp_u64) != NULL;
}

/* One file of the upload tree: archived when it is a share receipt. */
static int visit_file(struct arch *a, const char *path)
{
	ssp_receipt *r = NULL;
	ssp_errmsg em = { { 0 } };
	char *text = NULL, dst[4200];
	size_t len = 0;
	uint8_t digest[32];
	int rc;

	/* The upload tree is written by volunteers' clients: a file of theirs is read as a file
	 * from outside (no symlink, no FIFO, capped). Anything that is not a receipt is skipped. */
	rc = ssp_export_read_file(path, SSP_RECEIPT_MAX_BYTES, &text, &len, &em);
	if (rc != 0 || len == 0 || text[0] != '{' || strstr(text, "\"result_name\"") == NULL) {
		rc = 0;
		goto out;
	}
	a->st->seen++;
	if (ssp_receipt_parse(text, len, &r, &em) != 0) {
		a->st->malformed++;
		goto out;
	}
	rc = ssp_receipt_digest(r, digest);
	if (rc == 0)
		rc = ssp_receipt_archive_path(a->archive, ssp_receipt_hostid(r), digest, dst, sizeof dst);
	if (rc != 0) {
		ssp_errmsg_set(a->em, rc, "archive path too long");
		goto out;
	}
	/* The exact bytes, never replaced: an archived receipt is evidence. */
	rc = ssp_file_write_new(dst, text, len, 0644);
	if (rc == SSP_ERR_EXISTS) {
		a->st->already++;
		rc = 0;
	} else if (rc != 0) {
		ssp_errmsg_set(a->em, rc, "%s: %s", dst, ssp_strerror(rc));
	} else {
		a->st->archived++;
	}
out:
	ssp_receipt_free(r);
	free(text);
	return rc;
}

/* Walks dir and its subdirectories (BOINC's fan-out directories), depth at most 2. */
static int walk(struct arch *a, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char path[4200];
	int rc = 0;

	d = opendir(dir);
	if (d == NULL)
		return ssp_errmsg_set(a->em, errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO,
				      "%s: %s", dir, strerror(errno));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 2)
			rc = walk(a, path, depth + 1);
		else if (S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= SSP_RECEIPT_MAX_BYTES) {
			int nomem = 0;

			if (seen_before(a->ar, &st, &nomem))
				a->st->unchanged++;
			else if (nomem)
				rc = ssp_errmsg_set(a->em, SSP_ERR_NOMEM, "out of memory");
			else
				rc = visit_file(a, path);
		}
	}
	closedir(d);
	return rc;
}

int ssp_receipt_archiver_new(const char *upload_dir, const char *archive,
			     ssp_receipt_archiver **out)
{
	ssp_receipt_archiver *ar;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (upload_dir == NULL || archive == NULL)
		return SSP_ERR_INVAL;
	ar = calloc(1, sizeof *ar);
	if (ar == NULL)
		return SSP_ERR_NOMEM;
	ar->upload = strdup(upload_dir);
	ar->archive = strdup(archive);
	if (ar->upload == NULL || ar->archive == NULL) {
		ssp_receipt_archiver_free(ar);
		return SSP_ERR_NOMEM;
	}
	*out = ar;
	return 0;
}

void ssp_receipt_archiver_free(ssp_receipt_archiver *ar)
{
	if (ar == NULL)
		return;
	free(ar->upload);
	free(ar->archive);
	free(ar->prev);
	free(ar->cur);
	free(ar);
}

int ssp_receipt_archiver_run(ssp_receipt_archiver *ar, ssp_receipt_archive_stats *st,
			     ssp_errmsg *em)
{
	struct arch a;
	int rc;

	if (ar == NULL || st == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no archiver");
	memset(st, 0, sizeof *st);
	if (mkdir(ar->archive, 0755) != 0 && errno != EEXIST)
		return ssp_errmsg_set(em, SSP_ERR_IO, "%s: %s", ar->archive, strerror(errno));
	a.ar = ar;
	a.archive = ar->archive;
	a.st = st;
	a.em = em;
	ar->ncur = 0;
	rc = walk(&a, ar->upload, 0);
	if (rc != 0)
		return rc; /* the next pass looks at everything again */
	/* This pass's files are what the next one may skip. */
	qsort(ar->cur, ar->ncur, sizeof *ar->cur, cmp_u64);
	free(ar->prev);
	ar->prev = ar->cur;
	ar->nprev = ar->ncur;
	ar->cur = NULL;
	ar->ncur = ar->capcur = 0;
	return 0;
}
