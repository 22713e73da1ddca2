/* A result's files in the upload tree and its share receipt (see ssp_validate.h). */
#include "boinc/ssp_validate.h"

#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_CAP 4096

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
	rc = ssp_receipt_read(path, &rc_doc, &em);
	if (rc == SSP_ERR_NOMEM)
		goto out;
	if (rc) {
		rc = outcome(r, SSP_CHECK_INVALID, "receipt %s: %s%s%s", refs[receipt_ix].physical,
			     ssp_strerror(rc), em.msg[0] ? ": " : "", em.msg);
		goto out;
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
		if (ssp_upload_path(o->upload_dir, o->fanout, out->name, path, sizeof(path))) {
			rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: path too long", out->name);
			goto out;
		}
		if (stat(path, &st) != 0) {
			rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: missing from the upload tree (%s)",
				     out->name, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: not a regular file", out->name);
			goto out;
		}
		if ((uint64_t)st.st_size > o->max_output_bytes) {
			rc = outcome(r, SSP_CHECK_INVALID, "output %.80s: %llu bytes, over the %llu-byte cap",
				     out->name, (unsigned long long)st.st_size,
				     (unsigned long long)o->max_output_bytes);
			goto out;
		}
		rc = ssp_receipt_check_file(out, path, &em);
		if (rc == SSP_ERR_NOMEM)
			goto out;
		if (rc) {
			rc = outcome(r, SSP_CHECK_INVALID, "%s", em.msg);
			goto out;
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
			    stat(path, &st) != 0 && errno == ENOENT)
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
