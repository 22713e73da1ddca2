/* A result's files in the upload tree and its share receipt (see ssp_validate.h). */
#include "boinc/ssp_validate.h"
#include "core/ssp_file.h"

#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096
#define READ_CHUNK 65536

/* Opens the upload-tree file of name for reading: the fan-out directory and the file are
 * opened without following a symbolic link, the file without blocking (a FIFO does not
 * hang), and only a regular file is accepted. 0 and *fd (caller closes) and *st, or
 * SSP_ERR_NOT_FOUND (missing), or SSP_ERR_INVAL with why naming the problem. path gets
 * the file's path. */
static int upload_open(const ssp_vcheck_opts *o, const char *name, char *path, size_t cap,
		       int *fd, struct stat *st, char *why, size_t whycap)
{
	char *slash;
	int dfd = -1, f = -1, rc = SSP_ERR_INVAL;

	*fd = -1;
	why[0] = '\0';
	if (ssp_upload_path(o->upload_dir, o->fanout, name, path, cap)) {
		snprintf(why, whycap, "path too long");
		return SSP_ERR_INVAL;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	/* the upload directory is the admin's; below it, nothing is followed */
	if (o->fanout) {
		char *dslash = strrchr(path, '/');

		*dslash = '\0';
		dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		*dslash = '/';
		if (dfd >= 0) {
			int sub = openat(dfd, dslash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			close(dfd);
			dfd = sub;
		}
	} else {
		dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	*slash = '/';
	if (dfd < 0) {
		if (errno == ENOENT) {
			rc = SSP_ERR_NOT_FOUND;
			snprintf(why, whycap, "not found: missing from the upload tree");
		} else {
			snprintf(why, whycap, "its upload directory is %s",
				 errno == ELOOP || errno == ENOTDIR ? "a symbolic link or not a directory"
								    : strerror(errno));
		}
		return rc;
	}
	/* lib/core/ssp_file.h: no symbolic link followed, no wait on a FIFO, regular files only */
	rc = ssp_file_openat_regular(dfd, slash + 1, UINT64_MAX, &f, NULL);
	if (rc == SSP_ERR_NOT_FOUND) {
		snprintf(why, whycap, "not found: missing from the upload tree");
		goto out;
	}
	if (rc == SSP_ERR_FILE_TYPE) {
		const char *type = ssp_file_type_name_at(dfd, slash + 1);

		if (strcmp(type, "symbolic link") == 0)
			snprintf(why, whycap, "a symbolic link, not followed");
		else
			snprintf(why, whycap, "not a regular file (a %s)", type);
		rc = SSP_ERR_INVAL;
		goto out;
	}
	if (rc != 0 || fstat(f, st) != 0) {
		snprintf(why, whycap, "cannot be opened: %s", rc ? ssp_strerror(rc) : strerror(errno));
		rc = SSP_ERR_INVAL;
		goto out;
	}
	rc = SSP_ERR_INVAL;
	*fd = f;
	f = -1;
	rc = 0;
out:
	if (f >= 0)
		close(f);
	close(dfd);
	return rc;
}

/* SHA-256 and size of fd's content, reading at most cap + 1 bytes. */
static int hash_fd(int fd, uint64_t cap, uint8_t digest[32], uint64_t *bytes)
{
	ssp_sha256_ctx *c = NULL;
	char *buf = malloc(READ_CHUNK);
	uint64_t total = 0;
	int rc = SSP_ERR_NOMEM;

	if (!buf || ssp_sha256_new(&c))
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf, READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = SSP_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > cap) {
			rc = SSP_ERR_TOO_BIG;
			goto out;
		}
		if (ssp_sha256_update(c, buf, (size_t)n))
			goto out;
	}
	if (ssp_sha256_final(c, digest))
		goto out;
	*bytes = total;
	rc = 0;
out:
	ssp_sha256_free(c);
	free(buf);
	return rc;
}

int ssp_vfile_read(const ssp_vfile *f, uint64_t cap, char **out, size_t *len)
{
	int rc = ssp_file_read_regular(f->path, cap > SIZE_MAX - 2 ? SIZE_MAX - 2 : (size_t)cap, out, len);

	return rc == SSP_ERR_FILE_TYPE ? SSP_ERR_IO : rc;
}

static int outcome(ssp_vres *r, int check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int outcome(ssp_vres *r, int check, const char *fmt, ...)
{
	va_list ap;

	r->check = check;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return 0;
}

int ssp_vres_check(ssp_vres *r, const char *wu_name, const char *xml_doc_in, size_t len,
		   const ssp_vcheck_opts *o)
{
	const char *rname = o && o->receipt_name ? o->receipt_name : SSP_RECEIPT_FILE;
	ssp_outref *refs = NULL;
	size_t nrefs = 0, receipt_ix = SIZE_MAX;
	ssp_receipt *rc_doc = NULL;
	ssp_sha256_ctx *sha = NULL;
	unsigned char *listed = NULL;
	char path[PATH_CAP];
	ssp_errmsg em = { { 0 } };
	struct stat st;
	int rc;

	if (!r || !wu_name || !o || !o->upload_dir || (!xml_doc_in && len))
		return SSP_ERR_INVAL;
	ssp_vres_clear(r);
	if (stat(o->upload_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = outcome(r, SSP_CHECK_RETRY, "upload directory %s unreachable: %s", o->upload_dir,
			     strerror(errno ? errno : ENOTDIR));
		goto out;
	}
	rc = ssp_xmldoc_outrefs(xml_doc_in, len, &refs, &nrefs, &em);
	if (rc == SSP_ERR_NOMEM)
		goto out;
	if (rc) {
		rc = outcome(r, SSP_CHECK_INVALID, "xml_doc_in: %s", em.msg);
		goto out;
	}
	for (size_t i = 0; i < nrefs; i++) {
		if (strcmp(refs[i].logical, rname))
			continue;
		if (receipt_ix != SIZE_MAX) {
			rc = outcome(r, SSP_CHECK_INVALID, "two outputs are named %s", rname);
			goto out;
		}
		receipt_ix = i;
	}
	if (receipt_ix == SIZE_MAX) {
		rc = outcome(r, SSP_CHECK_INVALID, "no output named %s", rname);
		goto out;
	}
	/* the receipt */
	if (ssp_upload_path(o->upload_dir, o->fanout, refs[receipt_ix].physical, path, sizeof(path))) {
		rc = outcome(r, SSP_CHECK_INVALID, "receipt %s: path too long", refs[receipt_ix].physical);
		goto out;
	}
	{
		char why[96], *text = NULL;
		size_t tlen = 0;
		int fd;

		rc = upload_open(o, refs[receipt_ix].physical, path, sizeof(path), &fd, &st, why,
				 sizeof(why));
		if (rc) {
			rc = outcome(r, SSP_CHECK_INVALID, "receipt %.80s: %s", refs[receipt_ix].physical,
				     why);
			goto out;
		}
		rc = (uint64_t)st.st_size > SSP_RECEIPT_MAX_BYTES
			     ? SSP_ERR_TOO_BIG : ssp_file_read_fd(fd, SSP_RECEIPT_MAX_BYTES, &text, &tlen);
		close(fd);
		if (rc == SSP_ERR_NOMEM)
			goto out;
		if (rc) {
			rc = outcome(r, SSP_CHECK_INVALID, "receipt %.80s: %s", refs[receipt_ix].physical,
				     rc == SSP_ERR_TOO_BIG ? "over its size limit" : "unreadable");
			goto out;
		}
		rc = ssp_receipt_parse(text, tlen, &rc_doc, &em);
		free(text);
		if (rc == SSP_ERR_NOMEM)
			goto out;
		if (rc) {
			rc = outcome(r, SSP_CHECK_INVALID, "receipt %s: %s%s%s", refs[receipt_ix].physical,
				     ssp_strerror(rc), em.msg[0] ? ": " : "", em.msg);
			goto out;
		}
	}
	if (strcmp(ssp_receipt_result_name(rc_doc), r->name ? r->name : "")) {
		rc = outcome(r, SSP_CHECK_INVALID, "receipt is for result %.60s",
			     ssp_receipt_result_name(rc_doc));
		goto out;
	}
	if (strcmp(ssp_receipt_wu_name(rc_doc), wu_name)) {
		rc = outcome(r, SSP_CHECK_INVALID, "receipt is for work unit %.60s",
			     ssp_receipt_wu_name(rc_doc));
		goto out;
	}
	if (ssp_receipt_userid(rc_doc) != r->userid || ssp_receipt_hostid(rc_doc) != r->hostid) {
		rc = outcome(r, SSP_CHECK_INVALID, "receipt is for user %llu host %llu",
			     (unsigned long long)ssp_receipt_userid(rc_doc),
			     (unsigned long long)ssp_receipt_hostid(rc_doc));
		goto out;
	}
	/* every output the receipt lists is one of the result's other files, intact */
	listed = calloc(nrefs ? nrefs : 1, 1);
	r->files = calloc(nrefs ? nrefs : 1, sizeof(*r->files));
	if (!listed || !r->files || ssp_sha256_new(&sha)) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < ssp_receipt_noutputs(rc_doc); k++) {
		const ssp_receipt_output *out = ssp_receipt_output_at(rc_doc, k);
		size_t i;

		for (i = 0; i < nrefs; i++)
			if (i != receipt_ix && !strcmp(refs[i].physical, out->name))
				break;
		if (i == nrefs) {
			rc = outcome(r, SSP_CHECK_INVALID, "receipt lists %.80s, not an output of the result",
				     out->name);
			goto out;
		}
		{
			char why[96];
			uint8_t d[32];
			uint64_t nbytes = 0;
			int fd;

			rc = upload_open(o, out->name, path, sizeof(path), &fd, &st, why, sizeof(why));
			if (rc) {
				rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: %s", out->name, why);
				goto out;
			}
			if ((uint64_t)st.st_size > o->max_output_bytes) {
				close(fd);
				rc = outcome(r, SSP_CHECK_INVALID,
					     "output %.80s: %llu bytes, over the %llu-byte cap", out->name,
					     (unsigned long long)st.st_size,
					     (unsigned long long)o->max_output_bytes);
				goto out;
			}
			rc = hash_fd(fd, o->max_output_bytes, d, &nbytes);
			close(fd);
			if (rc == SSP_ERR_NOMEM)
				goto out;
			if (rc) {
				rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: %s", out->name,
					     rc == SSP_ERR_TOO_BIG ? "grew over its cap" : "unreadable");
				goto out;
			}
			if (nbytes != out->bytes) {
				rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: %llu bytes, receipt says %llu",
					     out->name, (unsigned long long)nbytes,
					     (unsigned long long)out->bytes);
				goto out;
			}
			if (memcmp(d, out->sha256, 32)) {
				rc = outcome(r, SSP_CHECK_INVALID,
					     "output %.80s: SHA-256 differs from the receipt", out->name);
				goto out;
			}
		}
		listed[i] = 1;
		if (ssp_sha256_update(sha, out->sha256, SSP_SHA256_LEN)) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
	}
	/* and every output of the result is in the receipt */
	for (size_t i = 0; i < nrefs; i++) {
		const ssp_receipt_output *out;

		if (i == receipt_ix)
			continue;
		if (!listed[i]) {
			if (refs[i].optional &&
			    !ssp_upload_path(o->upload_dir, o->fanout, refs[i].physical, path, sizeof(path)) &&
			    lstat(path, &st) != 0 && errno == ENOENT)
				continue;
			rc = outcome(r, SSP_CHECK_INVALID, "output %.80s is not in the receipt",
				     refs[i].physical);
			goto out;
		}
		out = ssp_receipt_find_output(rc_doc, refs[i].physical);
		if (ssp_upload_path(o->upload_dir, o->fanout, refs[i].physical, path, sizeof(path))) {
			rc = SSP_ERR_INVAL;
			goto out;
		}
		r->files[r->nfiles].logical = strdup(refs[i].logical);
		r->files[r->nfiles].path = strdup(path);
		if (!r->files[r->nfiles].logical || !r->files[r->nfiles].path) {
			free(r->files[r->nfiles].logical);
			free(r->files[r->nfiles].path);
			rc = SSP_ERR_NOMEM;
			goto out;
		}
		r->files[r->nfiles].bytes = out->bytes;
		memcpy(r->files[r->nfiles].sha256, out->sha256, 32);
		r->files[r->nfiles].no_validate = refs[i].no_validate;
		r->nfiles++;
	}
	if (ssp_sha256_final(sha, r->result_digest)) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	r->cpu_time = ssp_receipt_cpu_time(rc_doc);
	rc = outcome(r, SSP_CHECK_OK, "ok");
out:
	if (rc || r->check != SSP_CHECK_OK) {
		int check = r->check;
		char reason[sizeof(r->reason)];

		memcpy(reason, r->reason, sizeof(reason));
		ssp_vres_clear(r);
		r->check = rc ? SSP_CHECK_NONE : check;
		memcpy(r->reason, reason, sizeof(reason));
	}
	ssp_sha256_free(sha);
	free(listed);
	ssp_receipt_free(rc_doc);
	ssp_outrefs_free(refs, nrefs);
	return rc;
}

int ssp_upload_sha256(const ssp_vcheck_opts *o, const char *name, uint64_t cap,
		      uint8_t digest[32], uint64_t *bytes)
{
	char path[PATH_CAP], why[160];
	struct stat st;
	int fd = -1, rc;

	rc = upload_open(o, name, path, sizeof(path), &fd, &st, why, sizeof(why));
	if (rc)
		return rc;
	rc = hash_fd(fd, cap, digest, bytes);
	close(fd);
	return rc;
}
