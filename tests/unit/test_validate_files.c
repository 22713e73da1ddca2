/* Suite for lib/ssp_validate_files: a result's files in the upload tree and its receipt.
 * Digests below were computed with coreutils, e.g.
 *   printf '1 2 3\n' | sha256sum                                   (an output's SHA-256)
 *   printf '1 2 3\n' | sha256sum | xxd -r -p | sha256sum           (a one-output result digest)
 *   { printf '1 2 3\n' | sha256sum | xxd -r -p;
 *     printf 'log line\n' | sha256sum | xxd -r -p; } | sha256sum   (a two-output result digest) */
#include "config.h"

#include "ssp_cu.h"
#include "core/ssp_hex.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_SHA "1def07dbe06eeb097aafec8a40329937cd20c93a83634b8221ea2b41a894310c" /* "1 2 3\n" */
#define LOG_SHA "8e722e34af271ba626bdbdf618ebf1386eaad27b073b6421d329bf5ffca22637" /* "log line\n" */
#define DIGEST_1 "2c7a260bfd53b8bef516b7ab7c164fd846592cbab023883ec2b7ec1e831fab9a"
#define DIGEST_2 "260c49d20fe8789e6c0117daf98c078fc45cc63449d074c8b14c8549b66b8708"

static char up[512];
static int fanout = 1024;
static int serial;

#define RECEIPT_FMT \
	"{\"version\":1,\"wu_name\":\"%s\",\"result_name\":\"%s\",\"userid\":%d,\"hostid\":%d," \
	"\"wrapper\":{\"name\":\"ssp_wrapper\",\"version\":\"0.1.0\"}," \
	"\"tasks\":[{\"application\":\"sci\",\"exit_status\":0,\"cpu_time\":12.5,\"wall_time\":13," \
	"\"peak_rss_kb\":100}],\"cpu_time\":12.5,\"wall_time\":13,\"outputs\":[%s]," \
	"\"started_at\":1700000000,\"finished_at\":1700000013}\n"

static void put(const char *name, const void *data, size_t len)
{
	char path[1024], *slash;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(ssp_upload_path(up, fanout, name, path, sizeof(path)), 0);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (len)
		CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_s(const char *name, const char *text)
{
	put(name, text, strlen(text));
}

static void rm(const char *name)
{
	char path[1024];

	CU_ASSERT_EQUAL_FATAL(ssp_upload_path(up, fanout, name, path, sizeof(path)), 0);
	unlink(path);
}

/* A result with outputs out.txt (P_0) and the receipt (P_1), and optionally log (P_2). */
typedef struct fixture {
	char wu[64], name[64], p0[80], p1[80], p2[80];
	char xml[2048];
	ssp_vres r;
} fixture;

static void make(fixture *fx, int with_log, int log_optional)
{
	char outputs[1024], receipt[4096];

	serial++;
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->wu, sizeof(fx->wu), "wu_%d", serial);
	snprintf(fx->name, sizeof(fx->name), "wu_%d_0", serial);
	snprintf(fx->p0, sizeof(fx->p0), "%s_r77_0", fx->name);
	snprintf(fx->p1, sizeof(fx->p1), "%s_r77_1", fx->name);
	snprintf(fx->p2, sizeof(fx->p2), "%s_r77_2", fx->name);
	snprintf(fx->xml, sizeof(fx->xml),
		 "<file_info><name>%s</name></file_info><file_info><name>%s</name></file_info>"
		 "<result><name>%s</name>"
		 "<file_ref><file_name>%s</file_name><open_name>out.txt</open_name></file_ref>"
		 "<file_ref><file_name>%s</file_name><open_name>ssp_receipt.json</open_name></file_ref>"
		 "%s%s%s%s</result>",
		 fx->p0, fx->p1, fx->name, fx->p0, fx->p1,
		 with_log ? "<file_ref><file_name>" : "", with_log ? fx->p2 : "",
		 with_log ? "</file_name><open_name>log</open_name>" : "",
		 with_log ? (log_optional ? "<optional/></file_ref>" : "</file_ref>") : "");
	put_s(fx->p0, "1 2 3\n");
	if (with_log && !log_optional) {
		put_s(fx->p2, "log line\n");
		snprintf(outputs, sizeof(outputs),
			 "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"},"
			 "{\"name\":\"%s\",\"bytes\":9,\"sha256\":\"" LOG_SHA "\"}", fx->p0, fx->p2);
	} else {
		snprintf(outputs, sizeof(outputs),
			 "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"}", fx->p0);
	}
	snprintf(receipt, sizeof(receipt), RECEIPT_FMT, fx->wu, fx->name, 42, 7, outputs);
	put_s(fx->p1, receipt);
	fx->r.id = 1;
	fx->r.name = fx->name;
	fx->r.userid = 42;
	fx->r.hostid = 7;
}

static int check(fixture *fx, uint64_t max_bytes)
{
	ssp_vcheck_opts o = { up, fanout, max_bytes, NULL };

	CU_ASSERT_EQUAL(ssp_vres_check(&fx->r, fx->wu, fx->xml, strlen(fx->xml), &o), 0);
	return fx->r.check;
}

static void expect_invalid(fixture *fx, const char *why)
{
	CU_ASSERT_EQUAL(check(fx, 1 << 20), SSP_CHECK_INVALID);
	if (!strstr(fx->r.reason, why))
		fprintf(stderr, "\n    reason \"%s\" lacks \"%s\"\n", fx->r.reason, why);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx->r.reason, why));
	CU_ASSERT_EQUAL(fx->r.nfiles, 0);
	CU_ASSERT_PTR_NULL(fx->r.files);
	ssp_vres_clear(&fx->r);
}

static void setup(void)
{
	if (!up[0]) {
		snprintf(up, sizeof(up), "%s/upload", ssp_cu_tmpdir());
		mkdir(up, 0755);
	}
}

static void test_ok(void)
{
	fixture fx;
	char hex[65];

	setup();
	make(&fx, 0, 0);
	CU_ASSERT_EQUAL_FATAL(check(&fx, 1 << 20), SSP_CHECK_OK);
	CU_ASSERT_EQUAL_FATAL(fx.r.nfiles, 1);
	CU_ASSERT_STRING_EQUAL(fx.r.files[0].logical, "out.txt");
	CU_ASSERT_EQUAL(fx.r.files[0].bytes, 6);
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(fx.r.files[0].sha256, 32, hex, 0), OUT_SHA);
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(fx.r.result_digest, 32, hex, 0), DIGEST_1);
	CU_ASSERT_EQUAL(fx.r.cpu_time, 12.5);
	ssp_vres_clear(&fx.r);
	CU_ASSERT_PTR_NULL(fx.r.files);

	/* two outputs: the digest covers both, in the receipt's order */
	make(&fx, 1, 0);
	CU_ASSERT_EQUAL_FATAL(check(&fx, 1 << 20), SSP_CHECK_OK);
	CU_ASSERT_EQUAL_FATAL(fx.r.nfiles, 2);
	CU_ASSERT_STRING_EQUAL(fx.r.files[1].logical, "log");
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(fx.r.result_digest, 32, hex, 0), DIGEST_2);
	ssp_vres_clear(&fx.r);

	/* an optional output that was not produced need not be in the receipt */
	make(&fx, 1, 1);
	CU_ASSERT_EQUAL(check(&fx, 1 << 20), SSP_CHECK_OK);
	CU_ASSERT_EQUAL(fx.r.nfiles, 1);
	ssp_vres_clear(&fx.r);
	/* but if it is there, it must be */
	put_s(fx.p2, "log line\n");
	expect_invalid(&fx, "not in the receipt");

	/* flat upload directory */
	fanout = 0;
	make(&fx, 0, 0);
	CU_ASSERT_EQUAL(check(&fx, 1 << 20), SSP_CHECK_OK);
	ssp_vres_clear(&fx.r);
	fanout = 1024;
}

static void test_tampered_outputs(void)
{
	fixture fx;

	setup();
	make(&fx, 0, 0);
	put_s(fx.p0, "1 2 4\n"); /* same size, other content */
	expect_invalid(&fx, "SHA-256");
	make(&fx, 0, 0);
	put_s(fx.p0, "1 2 3"); /* truncated */
	expect_invalid(&fx, "bytes, receipt says 6");
	make(&fx, 0, 0);
	put(fx.p0, "", 0); /* emptied */
	expect_invalid(&fx, "receipt says 6");
	make(&fx, 0, 0);
	rm(fx.p0);
	expect_invalid(&fx, "missing from the upload tree");
	make(&fx, 0, 0);
	{
		ssp_vcheck_opts o = { up, fanout, 5, NULL }; /* output over the cap */

		CU_ASSERT_EQUAL(ssp_vres_check(&fx.r, fx.wu, fx.xml, strlen(fx.xml), &o), 0);
		CU_ASSERT_EQUAL(fx.r.check, SSP_CHECK_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(fx.r.reason, "over the 5-byte cap"));
		ssp_vres_clear(&fx.r);
	}
}

static void put_receipt(fixture *fx, const char *wu, const char *name, int user, int host,
			const char *outputs)
{
	char receipt[4096];

	snprintf(receipt, sizeof(receipt), RECEIPT_FMT, wu, name, user, host, outputs);
	put_s(fx->p1, receipt);
}

static void test_receipt_identity(void)
{
	fixture fx;
	char outs[1024];

	setup();
	make(&fx, 0, 0);
	snprintf(outs, sizeof(outs), "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"}", fx.p0);
	put_receipt(&fx, fx.wu, "wu_999_0", 42, 7, outs);
	expect_invalid(&fx, "receipt is for result wu_999_0");
	make(&fx, 0, 0);
	put_receipt(&fx, "wu_999", fx.name, 42, 7, outs);
	expect_invalid(&fx, "receipt is for work unit");
	make(&fx, 0, 0);
	put_receipt(&fx, fx.wu, fx.name, 43, 7, outs);
	expect_invalid(&fx, "receipt is for user 43 host 7");
	make(&fx, 0, 0);
	put_receipt(&fx, fx.wu, fx.name, 42, 8, outs);
	expect_invalid(&fx, "host 8");
	/* a file that is not one of the result's outputs */
	make(&fx, 0, 0);
	put_s("elsewhere_0", "1 2 3\n");
	snprintf(outs, sizeof(outs),
		 "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"},"
		 "{\"name\":\"elsewhere_0\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"}", fx.p0);
	put_receipt(&fx, fx.wu, fx.name, 42, 7, outs);
	expect_invalid(&fx, "not an output of the result");
	/* the receipt naming itself */
	make(&fx, 0, 0);
	snprintf(outs, sizeof(outs),
		 "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"},"
		 "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"}", fx.p0, fx.p1);
	put_receipt(&fx, fx.wu, fx.name, 42, 7, outs);
	expect_invalid(&fx, "not an output of the result");
	/* an output left out of the receipt */
	make(&fx, 1, 0);
	snprintf(outs, sizeof(outs), "{\"name\":\"%s\",\"bytes\":6,\"sha256\":\"" OUT_SHA "\"}", fx.p0);
	put_receipt(&fx, fx.wu, fx.name, 42, 7, outs);
	expect_invalid(&fx, "is not in the receipt");
}

static void test_bad_receipts(void)
{
	static const char binary[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\xff\xfe";
	fixture fx;
	char *big;
	size_t n;

	setup();
	make(&fx, 0, 0);
	put(fx.p1, "", 0);
	expect_invalid(&fx, "receipt");
	make(&fx, 0, 0);
	put(fx.p1, binary, sizeof(binary));
	expect_invalid(&fx, "receipt");
	make(&fx, 0, 0);
	put_s(fx.p1, "{\"version\":1,\"wu_name\":\"x\""); /* truncated */
	expect_invalid(&fx, "receipt");
	make(&fx, 0, 0);
	put_s(fx.p1, "[1,2,3]");
	expect_invalid(&fx, "receipt");
	make(&fx, 0, 0);
	n = 300 * 1024;
	big = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	put(fx.p1, big, n);
	free(big);
	expect_invalid(&fx, "size limit");
	make(&fx, 0, 0);
	rm(fx.p1);
	expect_invalid(&fx, "receipt");
}

static void test_xml_doc(void)
{
	fixture fx;

	setup();
	make(&fx, 0, 0);
	strcpy(fx.xml, "<result><file_ref><file_name>x</file_name></file_ref></result>");
	expect_invalid(&fx, "xml_doc_in");
	make(&fx, 0, 0);
	strcpy(fx.xml, "\x01\x02garbage<");
	expect_invalid(&fx, "xml_doc_in");
	make(&fx, 0, 0);
	snprintf(fx.xml, sizeof(fx.xml),
		 "<file_ref><file_name>%s</file_name><open_name>out.txt</open_name></file_ref>", fx.p0);
	expect_invalid(&fx, "no output named ssp_receipt.json");
	make(&fx, 0, 0);
	snprintf(fx.xml, sizeof(fx.xml),
		 "<file_ref><file_name>%s</file_name><open_name>ssp_receipt.json</open_name></file_ref>"
		 "<file_ref><file_name>%s</file_name><open_name>ssp_receipt.json</open_name></file_ref>",
		 fx.p0, fx.p1);
	expect_invalid(&fx, "two outputs");
}

static void test_retry(void)
{
	fixture fx;
	char gone[600];
	ssp_vcheck_opts o;

	setup();
	make(&fx, 0, 0);
	snprintf(gone, sizeof(gone), "%s/not-mounted", up);
	o = (ssp_vcheck_opts){ gone, fanout, 1 << 20, NULL };
	CU_ASSERT_EQUAL(ssp_vres_check(&fx.r, fx.wu, fx.xml, strlen(fx.xml), &o), 0);
	CU_ASSERT_EQUAL(fx.r.check, SSP_CHECK_RETRY);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.r.reason, "unreachable"));
	ssp_vres_clear(&fx.r);
	CU_ASSERT_EQUAL(ssp_vres_check(NULL, fx.wu, fx.xml, 1, &o), SSP_ERR_INVAL);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "a good result", test_ok },
		{ "tampered, truncated, missing, oversize outputs", test_tampered_outputs },
		{ "receipt names, ids and output lists", test_receipt_identity },
		{ "empty, binary, truncated, oversize, missing receipts", test_bad_receipts },
		{ "xml_doc_in problems", test_xml_doc },
		{ "unreachable upload directory", test_retry },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("validate_files", tests));
}
