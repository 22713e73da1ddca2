/* receipts_fixture: credited results with real share receipts, for the receipt-archive test
 * (tests/integration/54-audit-receipts.sh). Not installed.
 *
 * Usage: receipts_fixture --ledger L --master-url URL --upload DIR [--fanout N]
 *                         --first R --count N --users U
 * For each result r = R..R+N-1 (user 1 + r % U, host 500 + user, as bridge_testutil seal):
 * writes its output wu_r_0_0 and its receipt wu_r_0_1 (lib/boinc/ssp_receipt, as the wrapper
 * writes it) into the upload tree at BOINC's fan-out path, and records the credit in the
 * ledger with resultDigest = SHA-256 of the output's SHA-256 (the validator's rule) and
 * credit 1000000 + (r % 97) * 12345 micro-cobblestones. `bridge_testutil seal --claims 0`
 * then claims and seals them. */
#include "config.h"

#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_eip712.h"
#include "crypto/ssp_sha256.h"
#include "ledger/ssp_ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *opt(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	if (def == NULL) {
		fprintf(stderr, "receipts_fixture: missing %s\n", name);
		exit(2);
	}
	return def;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "receipts_fixture: %s: %s\n", what, ssp_strerror(rc));
	exit(1);
}

/* The fan-out path of name, its directory created. */
static void upath(const char *upload, int fanout, const char *name, char *out, size_t cap)
{
	char *slash;
	int rc = ssp_upload_path(upload, fanout, name, out, cap);

	if (rc != 0)
		die("upload path", rc);
	slash = strrchr(out, '/');
	*slash = '\0';
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		die(out, SSP_ERR_IO);
	*slash = '/';
}

int main(int argc, char **argv)
{
	const char *upload = opt(argc, argv, "--upload", NULL);
	int fanout = (int)strtol(opt(argc, argv, "--fanout", "1024"), NULL, 10);
	uint64_t first = strtoull(opt(argc, argv, "--first", NULL), NULL, 10);
	uint64_t count = strtoull(opt(argc, argv, "--count", NULL), NULL, 10);
	uint64_t users = strtoull(opt(argc, argv, "--users", NULL), NULL, 10);
	ssp_ledger *l = NULL;
	uint8_t project[32];
	int rc;

	if (users == 0)
		die("--users", SSP_ERR_INVAL);
	if (mkdir(upload, 0755) != 0 && errno != EEXIST)
		die(upload, SSP_ERR_IO);
	ssp_project_id(opt(argc, argv, "--master-url", NULL), project);
	if ((rc = ssp_ledger_open(opt(argc, argv, "--ledger", NULL), &l)) != 0)
		die("ledger", rc);
	for (uint64_t r = first; r < first + count; r++) {
		char wu[32], res[48], out[64], rec[64], opath[4096], rpath[4096], text[96];
		ssp_receipt *rc_doc = NULL;
		ssp_receipt_task task;
		ssp_credit c;
		uint8_t osha[32];
		FILE *f;

		memset(&c, 0, sizeof c);
		c.user_id = 1 + r % users;
		c.host_id = 500 + c.user_id;
		snprintf(wu, sizeof wu, "wu_%llu", (unsigned long long)r);
		snprintf(res, sizeof res, "%s_0", wu);
		snprintf(out, sizeof out, "%s_0", res);
		snprintf(rec, sizeof rec, "%s_1", res);
		upath(upload, fanout, out, opath, sizeof opath);
		upath(upload, fanout, rec, rpath, sizeof rpath);
		snprintf(text, sizeof text, "the science output of result %llu\n", (unsigned long long)r);
		f = fopen(opath, "w");
		if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
			die(opath, SSP_ERR_IO);
		memset(&task, 0, sizeof task);
		snprintf(task.application, sizeof task.application, "science");
		task.cpu_time = 100.25;
		task.wall_time = 110.5;
		task.peak_rss_kb = 20480;
		if ((rc = ssp_receipt_new(&rc_doc)) != 0 ||
		    (rc = ssp_receipt_set_result(rc_doc, wu, res, c.user_id, c.host_id)) != 0 ||
		    (rc = ssp_receipt_set_wrapper(rc_doc, "ssp_wrapper", "1.0")) != 0 ||
		    (rc = ssp_receipt_set_times(rc_doc, 1700000000 + (int64_t)r, 1700000111 + (int64_t)r)) != 0 ||
		    (rc = ssp_receipt_add_task(rc_doc, &task)) != 0 ||
		    (rc = ssp_receipt_add_output_file(rc_doc, out, opath)) != 0 ||
		    (rc = ssp_receipt_write(rc_doc, rpath)) != 0)
			die("receipt", rc);
		ssp_receipt_free(rc_doc);
		if ((rc = ssp_sha256_file(opath, osha, NULL)) != 0 ||
		    (rc = ssp_sha256(osha, 32, c.result_digest)) != 0)
			die("digest", rc);
		memcpy(c.project, project, 32);
		c.result_id = r;
		c.workunit_id = 1000000 + r;
		c.credit = 1000000 + (r % 97) * 12345;
		c.granted_at = 1700000000 + r;
		if ((rc = ssp_ledger_add_credit(l, &c, NULL)) != 0)
			die("add_credit", rc);
	}
	ssp_ledger_close(l);
	printf("credits %llu\n", (unsigned long long)count);
	return 0;
}
