/* Suite for lib/ssp_export: gzip'd ndjson streams (checked with gzip and sha256sum, independent
 * tools), claims/batches lines and the manifest (round trips, garbage, truncation, caps), the
 * export of a ledger, and the volunteers' Merkle proofs. */
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "export/ssp_export.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"
#include "export/ssp_export_int.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "ledger/ssp_ledger.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* anvil's default account 0 (a well-known test key) signs claims and batches here. */
static const char SK_HEX[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char SK_ADDR[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char URL[] = "https://boinc.example.org/ssp/";

static const char *tpath(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

/* stdout of a shell command (first 4 KiB), or "" when it failed. */
static const char *run(const char *cmd)
{
	static char buf[4096];
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (p == NULL)
		return buf;
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	if (pclose(p) != 0)
		buf[0] = '\0';
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* ------------------------------------------------------------------ streams */

static void test_stream_roundtrip(void)
{
	const char *path = tpath("s1.gz");
	ssp_ndjson_writer *w = NULL;
	ssp_ndjson_reader *r = NULL;
	uint8_t sha[32], sha2[32];
	char hex[65], cmd[PATH_MAX + 64], want[64];
	uint64_t bytes = 0, lines = 0, bytes2 = 0;
	const char *line;
	size_t len;
	int i, rc;

	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_open(path, 1, 100, &w), 0);
	for (i = 0; i < 5000; i++) {
		snprintf(want, sizeof want, "{\"n\":%d}", i);
		CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, want, strlen(want)), 0);
	}
	CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, "", 0), 0);
	CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, "a\nb", 3), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, "a\0b", 3), SSP_ERR_INVAL);
	memset(cmd, 'x', 101);
	CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, cmd, 101), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_ndjson_writer_close(w, sha, &bytes, &lines), 0);
	CU_ASSERT_EQUAL(lines, 5001);

	/* gzip and sha256sum, independent of zlib-through-us and OpenSSL-through-us. */
	snprintf(cmd, sizeof cmd, "gzip -dc '%s' | sed -n '1p;5000p;5001p' | od -c | head -3", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(run(cmd), "{   \"   n   \"   :   0   }  \\n"));
	snprintf(cmd, sizeof cmd, "gzip -dc '%s' | wc -l", path);
	CU_ASSERT_EQUAL(atoi(run(cmd)), 5001);
	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	CU_ASSERT_EQUAL(strncmp(run(cmd), ssp_hex_encode(sha, 32, hex, 0), 64), 0);
	snprintf(cmd, sizeof cmd, "stat -c %%s '%s'", path);
	CU_ASSERT_EQUAL((uint64_t)atoll(run(cmd)), bytes);

	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_reader_open(path, 100, UINT64_MAX, &r, NULL), 0);
	for (i = 0; i < 5000; i++) {
		rc = ssp_ndjson_read_line(r, &line, &len, NULL);
		CU_ASSERT_EQUAL_FATAL(rc, 1);
		snprintf(want, sizeof want, "{\"n\":%d}", i);
		CU_ASSERT_STRING_EQUAL(line, want);
		CU_ASSERT_EQUAL(len, strlen(want));
	}
	CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), 1);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ndjson_reader_lines(r), 5001);
	CU_ASSERT_EQUAL(ssp_ndjson_reader_digest(r, sha2, &bytes2), 0);
	CU_ASSERT_EQUAL(memcmp(sha, sha2, 32), 0);
	CU_ASSERT_EQUAL(bytes2, bytes);
	ssp_ndjson_reader_close(r);

	/* Stopping early still digests the whole file. */
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_reader_open(path, 100, UINT64_MAX, &r, NULL), 0);
	CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), 1);
	CU_ASSERT_EQUAL(ssp_ndjson_reader_digest(r, sha2, &bytes2), 0);
	CU_ASSERT_EQUAL(memcmp(sha, sha2, 32), 0);
	CU_ASSERT_EQUAL(bytes2, bytes);
	ssp_ndjson_reader_close(r);

	/* Abort removes the file. */
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_open(tpath("s-abort.gz"), 6, 10, &w), 0);
	ssp_ndjson_writer_abort(w);
	CU_ASSERT_NOT_EQUAL(access(tpath("s-abort.gz"), F_OK), 0);
	CU_ASSERT_EQUAL(ssp_ndjson_reader_open(tpath("s-abort.gz"), 10, UINT64_MAX, &r, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NULL(r);
}

/* Reads every line of path; returns the first non-1 result, *n = lines read. */
static int read_all(const char *path, size_t cap, uint64_t *n, ssp_errmsg *em)
{
	ssp_ndjson_reader *r = NULL;
	const char *line;
	size_t len;
	int rc;

	rc = ssp_ndjson_reader_open(path, cap, UINT64_MAX, &r, NULL);
	if (rc != 0)
		return rc;
	while ((rc = ssp_ndjson_read_line(r, &line, &len, em)) == 1)
		;
	*n = ssp_ndjson_reader_lines(r);
	ssp_ndjson_reader_close(r);
	return rc;
}

static void test_stream_garbage(void)
{
	char cmd[2 * PATH_MAX];
	ssp_errmsg em = { { 0 } };
	uint64_t n = 0;
	char *big;

	/* gzip-made files: multi-member, long lines, no final LF, NUL, empty. */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && printf 'a\\nb\\n' | gzip > m.gz && printf 'c\\n' | gzip >> m.gz && "
		 "head -c 300000 /dev/zero | tr '\\0' x | gzip > long.gz && "
		 "printf 'a\\nb' | gzip > nolf.gz && printf 'a\\0b\\n' | gzip > nul.gz && "
		 "printf '' | gzip > empty.gz && printf 'plain text\\n' > plain.gz && "
		 "seq 1 100000 | gzip > seq.gz && head -c 100000 seq.gz > trunc.gz && "
		 "echo done",
		 ssp_cu_tmpdir());
	CU_ASSERT_STRING_EQUAL(run(cmd), "done\n");
	CU_ASSERT_EQUAL(read_all(tpath("m.gz"), 10, &n, &em), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(read_all(tpath("long.gz"), 1000, &n, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "line 1"));
	CU_ASSERT_EQUAL(read_all(tpath("long.gz"), 300001, &n, &em), SSP_ERR_PARSE); /* no LF */
	CU_ASSERT_EQUAL(read_all(tpath("nolf.gz"), 10, &n, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "line 2"));
	CU_ASSERT_EQUAL(read_all(tpath("nul.gz"), 10, &n, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "NUL"));
	CU_ASSERT_EQUAL(read_all(tpath("empty.gz"), 10, &n, &em), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(read_all(tpath("plain.gz"), 100, &n, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(read_all(tpath("seq.gz"), 100, &n, &em), 0);
	CU_ASSERT_EQUAL(n, 100000);
	CU_ASSERT_EQUAL(read_all(tpath("trunc.gz"), 100, &n, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "gzip"));
	write_file(tpath("zero.gz"), "", 0);
	CU_ASSERT_EQUAL(read_all(tpath("zero.gz"), 100, &n, &em), SSP_ERR_PARSE);
	/* A line of exactly the cap passes; one byte more does not. */
	big = malloc(70000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'y', 70000);
	{
		ssp_ndjson_writer *w = NULL;

		CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_open(tpath("cap.gz"), 1, 70000, &w), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, big, 65536), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, big, 65537), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_writer_close(w, NULL, NULL, NULL), 0);
	}
	free(big);
	{
		ssp_ndjson_reader *r = NULL;
		const char *line;
		size_t len;

		CU_ASSERT_EQUAL_FATAL(ssp_ndjson_reader_open(tpath("cap.gz"), 65536, UINT64_MAX, &r, NULL), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), 1);
		CU_ASSERT_EQUAL(len, 65536);
		CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), SSP_ERR_TOO_BIG);
		CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, NULL), SSP_ERR_TOO_BIG);
		ssp_ndjson_reader_close(r);
	}
}

/* ------------------------------------------------------------------ records */

static void sample_claim(ssp_export_claim *ec, uint64_t seq)
{
	memset(ec, 0, sizeof *ec);
	ssp_project_id(URL, ec->claim.project);
	ec->claim.seq = seq;
	ec->claim.result_id = 7000 + seq;
	ec->claim.workunit_id = 500 + seq;
	ec->claim.user_id = 41;
	ec->claim.host_id = 11;
	memset(ec->claim.beneficiary, 0xab, 20);
	ec->claim.credit = 1234656;
	memset(ec->claim.result_digest, 0x5c, 32);
	ec->claim.granted_at = 1700000060;
	memset(ec->sig, 0x11, 65);
	ec->sig[64] = 27;
	ec->batch_id = 3;
}

static void test_claim_line(void)
{
	ssp_export_claim ec, back;
	ssp_errmsg em = { { 0 } };
	char *line = NULL, bad[2048];
	size_t len = 0;
	uint64_t v = 0;

	sample_claim(&ec, 17);
	CU_ASSERT_EQUAL_FATAL(ssp_export_claim_format(&ec, &line, &len), 0);
	CU_ASSERT_EQUAL(strlen(line), len);
	CU_ASSERT_PTR_NULL(strchr(line, '\n'));
	CU_ASSERT_EQUAL(strncmp(line, "{\"claim\":{\"project\":\"0x", 23), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"batch\":3}"));
	CU_ASSERT_EQUAL(ssp_export_claim_parse(line, len, &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back.claim, &ec.claim, sizeof ec.claim), 0);
	CU_ASSERT_EQUAL(memcmp(back.sig, ec.sig, 65), 0);
	CU_ASSERT_EQUAL(back.batch_id, 3);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64(line, len, "seq", &v), 0);
	CU_ASSERT_EQUAL(v, 17);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64(line, len, "resultId", &v), 0);
	CU_ASSERT_EQUAL(v, 7017);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64(line, len, "batch", &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64(line, len, "nope", &v), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64(line, len, "project", &v), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64("{\"seq\" : 99}", 12, "seq", &v), 0);
	CU_ASSERT_EQUAL(v, 99);
	CU_ASSERT_EQUAL(ssp_export_line_peek_u64("{\"seq\":99999999999999999999999}", 31, "seq", &v),
			SSP_ERR_NOT_FOUND);

	/* Unbatched: null, and back to 0. */
	ec.batch_id = 0;
	free(line);
	CU_ASSERT_EQUAL_FATAL(ssp_export_claim_format(&ec, &line, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"batch\":null}"));
	back.batch_id = 99;
	CU_ASSERT_EQUAL(ssp_export_claim_parse(line, len, &back, &em), 0);
	CU_ASSERT_EQUAL(back.batch_id, 0);

	/* Garbage, each named. */
#define BAD(text, needle)                                                                          \
	do {                                                                                       \
		memset(&em, 0, sizeof em);                                                         \
		CU_ASSERT_EQUAL(ssp_export_claim_parse(text, strlen(text), &back, &em), SSP_ERR_PARSE); \
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, needle));                                    \
		if (strstr(em.msg, needle) == NULL)                                                \
			fprintf(stderr, "message was: %s\n", em.msg);                              \
	} while (0)
	BAD("", "JSON error");
	BAD("[]", "expected an object");
	BAD("{\"claim\":{},\"signature\":\"0x00\",\"batch\":1}", "claim: field");
	snprintf(bad, sizeof bad, "%.*s", (int)(len - 1), line); /* truncated */
	BAD(bad, "JSON error");
	snprintf(bad, sizeof bad, "%.*s,\"extra\":1}", (int)(len - 1), line);
	BAD(bad, ".extra: unknown member");
	snprintf(bad, sizeof bad, "%.*s,\"batch\":2}", (int)(len - 1), line);
	BAD(bad, "JSON error"); /* duplicate member */
	{
		char *p;

		snprintf(bad, sizeof bad, "%s", line);
		p = strstr(bad, "\"batch\":null");
		memcpy(p, "\"batch\":0   ", 12);
		BAD(bad, "batch: expected a positive integer");
		memcpy(p, "\"batch\":-1  ", 12);
		BAD(bad, "batch: expected a positive integer");
		memcpy(p, "\"batch\":\"1\" ", 12);
		BAD(bad, "batch: expected a positive integer");
		memcpy(p, "\"batch\":1.0 ", 12);
		BAD(bad, "batch: expected a positive integer");
		snprintf(bad, sizeof bad, "%s", line);
		p = strstr(bad, "\"signature\":\"0x");
		p[15] = 'g';
		BAD(bad, "signature: expected \"0x\" and 130 hex digits");
		snprintf(bad, sizeof bad, "%s", line);
		p = strstr(bad, "\"signature\":\"0x");
		memmove(p + 15, p + 17, strlen(p + 17) + 1); /* 64 bytes */
		BAD(bad, "signature: expected");
		snprintf(bad, sizeof bad, "%s", line);
		p = strstr(bad, "\"seq\":17");
		memcpy(p, "\"seq\":-7", 8);
		BAD(bad, "claim: field \"seq\"");
		snprintf(bad, sizeof bad, "%s", line);
		p = strstr(bad, "\"signature\"");
		memcpy(p, "\"Signature\"", 11);
		BAD(bad, "unknown member");
	}
#undef BAD
	{
		char *huge = malloc(SSP_EXPORT_MAX_CLAIM_LINE + 2);

		CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
		memset(huge, ' ', SSP_EXPORT_MAX_CLAIM_LINE + 1);
		huge[SSP_EXPORT_MAX_CLAIM_LINE + 1] = '\0';
		CU_ASSERT_EQUAL(ssp_export_claim_parse(huge, SSP_EXPORT_MAX_CLAIM_LINE + 1, &back, &em),
				SSP_ERR_TOO_BIG);
		free(huge);
	}
	/* Values the format cannot hold. */
	ec.claim.credit = (uint64_t)INT64_MAX + 1;
	free(line);
	line = NULL;
	CU_ASSERT_EQUAL(ssp_export_claim_format(&ec, &line, &len), SSP_ERR_RANGE);
	CU_ASSERT_PTR_NULL(line);
	ec.claim.credit = 1;
	ec.batch_id = -1;
	CU_ASSERT_EQUAL(ssp_export_claim_format(&ec, &line, &len), SSP_ERR_INVAL);
	free(line);
}


/* The fast path of the claims parser accepts exactly what the JSON path accepts, with the same
 * result: every one-character change, deletion and insertion of canonical lines. */
static void test_claim_fast_path(void)
{
	static const char alt[] = "09afAFx\",}{: -.\\nlu";
	ssp_export_claim ec, a, b;
	char *line = NULL, buf[1024];
	size_t len = 0;
	unsigned accepted = 0, tried = 0;

	for (int variant = 0; variant < 3; variant++) {
		sample_claim(&ec, variant == 0 ? 17 : variant == 1 ? 0 : 9223372036854775807ULL);
		ec.batch_id = variant == 1 ? 0 : variant == 2 ? INT64_MAX : 3;
		if (variant == 2) {
			ec.claim.credit = 0;
			ec.claim.result_id = 10;
			ec.claim.workunit_id = 0;
			CU_ASSERT_EQUAL(ssp_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3",
							  ec.claim.beneficiary), 0);
		}
		free(line);
		CU_ASSERT_EQUAL_FATAL(ssp_export_claim_format(&ec, &line, &len), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_export_claim_parse(line, len, &a, NULL), 0);
		CU_ASSERT_EQUAL(memcmp(&a.claim, &ec.claim, sizeof ec.claim), 0);
		CU_ASSERT_EQUAL(a.batch_id, ec.batch_id);
		for (size_t pos = 0; pos <= len; pos++) {
			for (size_t k = 0; k < sizeof alt + 1; k++) {
				size_t n;
				int r1, r2;

				if (k < sizeof alt - 1) { /* replace */
					if (pos == len)
						continue;
					memcpy(buf, line, len);
					buf[pos] = alt[k];
					n = len;
				} else if (k == sizeof alt - 1) { /* delete */
					if (pos == len)
						continue;
					memcpy(buf, line, pos);
					memcpy(buf + pos, line + pos + 1, len - pos - 1);
					n = len - 1;
				} else { /* insert a digit */
					memcpy(buf, line, pos);
					buf[pos] = '7';
					memcpy(buf + pos + 1, line + pos, len - pos);
					n = len + 1;
				}
				buf[n] = '\0';
				memset(&a, 0, sizeof a);
				memset(&b, 0, sizeof b);
				r1 = ssp_export_claim_parse(buf, n, &a, NULL);
				r2 = ssp_export_claim_parse_json(buf, n, &b, NULL);
				tried++;
				CU_ASSERT_EQUAL(r1 == 0, r2 == 0);
				if ((r1 == 0) != (r2 == 0))
					fprintf(stderr, "fast %d json %d: %s\n", r1, r2, buf);
				if (r1 == 0 && r2 == 0) {
					accepted++;
					CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
				}
			}
		}
	}
	CU_ASSERT_TRUE(accepted > 100); /* digit and hex changes are still valid claims */
	CU_ASSERT_TRUE(tried > 20000);
	free(line);
}

static void sample_batch(ssp_export_batch *b)
{
	memset(b, 0, sizeof *b);
	b->id = 3;
	ssp_project_id(URL, b->header.project);
	b->header.first_seq = 257;
	b->header.last_seq = 512;
	memset(b->header.claims_root, 0x33, 32);
	memset(b->header.payouts_hash, 0x44, 32);
	b->header.total_credit = 99;
	b->state = SSP_EXPORT_MINTED;
	snprintf(b->reason, sizeof b->reason, "confirmed \"ok\"");
	b->sealed_at = 1700000100;
	b->npayouts = 2;
	b->payouts = calloc(2, sizeof *b->payouts);
	memset(b->payouts[0].beneficiary, 0x01, 20);
	b->payouts[0].credit = 40;
	memset(b->payouts[1].beneficiary, 0xfe, 20);
	b->payouts[1].credit = 59;
	b->nsigs = 1;
	b->sigs = calloc(1, sizeof *b->sigs);
	memset(b->sigs[0].signer, 0x77, 20);
	memset(b->sigs[0].sig, 0x88, 65);
	b->has_tx = 1;
	memset(b->tx_hash, 0x99, 32);
	b->block_number = 12345;
	memset(b->block_hash, 0xaa, 32);
}

static void test_batch_line(void)
{
	ssp_export_batch b, back;
	ssp_errmsg em = { { 0 } };
	char *line = NULL, *bad;
	size_t len = 0;

	sample_batch(&b);
	CU_ASSERT_EQUAL_FATAL(ssp_export_batch_format(&b, &line, &len), 0);
	CU_ASSERT_PTR_NULL(strchr(line, '\n'));
	CU_ASSERT_EQUAL(strncmp(line, "{\"id\":3,\"batch\":{\"project\":", 27), 0);
	CU_ASSERT_EQUAL(ssp_export_batch_parse(line, len, &back, &em), 0);
	CU_ASSERT_EQUAL(back.id, 3);
	CU_ASSERT_EQUAL(memcmp(&back.header, &b.header, sizeof b.header), 0);
	CU_ASSERT_EQUAL(back.state, SSP_EXPORT_MINTED);
	CU_ASSERT_STRING_EQUAL(back.reason, "confirmed \"ok\"");
	CU_ASSERT_EQUAL(back.sealed_at, 1700000100);
	CU_ASSERT_EQUAL_FATAL(back.npayouts, 2);
	CU_ASSERT_EQUAL(memcmp(back.payouts[0].beneficiary, b.payouts[0].beneficiary, 20), 0);
	CU_ASSERT_EQUAL(memcmp(back.payouts[1].beneficiary, b.payouts[1].beneficiary, 20), 0);
	CU_ASSERT_EQUAL(back.payouts[0].credit, 40);
	CU_ASSERT_EQUAL(back.payouts[1].credit, 59);
	CU_ASSERT_EQUAL_FATAL(back.nsigs, 1);
	CU_ASSERT_EQUAL(memcmp(back.sigs, b.sigs, sizeof *b.sigs), 0);
	CU_ASSERT_EQUAL(back.has_tx, 1);
	CU_ASSERT_EQUAL(back.block_number, 12345);
	CU_ASSERT_EQUAL(memcmp(back.tx_hash, b.tx_hash, 32), 0);
	CU_ASSERT_EQUAL(memcmp(back.block_hash, b.block_hash, 32), 0);
	ssp_export_batch_clear(&back);

	/* No tx, no payouts. */
	b.has_tx = 0;
	b.npayouts = 0;
	free(line);
	CU_ASSERT_EQUAL_FATAL(ssp_export_batch_format(&b, &line, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"tx\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"payouts\":[]"));
	CU_ASSERT_EQUAL(ssp_export_batch_parse(line, len, &back, &em), 0);
	CU_ASSERT_EQUAL(back.has_tx, 0);
	CU_ASSERT_EQUAL(back.npayouts, 0);
	ssp_export_batch_clear(&back);
	b.npayouts = 2;
	b.has_tx = 1;
	free(line);
	CU_ASSERT_EQUAL_FATAL(ssp_export_batch_format(&b, &line, &len), 0);

	bad = malloc(len + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
#define BAD(needle)                                                                               \
	do {                                                                                      \
		memset(&em, 0, sizeof em);                                                        \
		CU_ASSERT_EQUAL(ssp_export_batch_parse(bad, strlen(bad), &back, &em), SSP_ERR_PARSE); \
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, needle));                                   \
		if (strstr(em.msg, needle) == NULL)                                               \
			fprintf(stderr, "message was: %s\n", em.msg);                             \
		CU_ASSERT_PTR_NULL(back.payouts);                                                 \
	} while (0)
#define EDIT(from, to)                                                                            \
	do {                                                                                      \
		char *p_;                                                                         \
		strcpy(bad, line);                                                                \
		p_ = strstr(bad, from);                                                           \
		CU_ASSERT_PTR_NOT_NULL_FATAL(p_);                                                 \
		memmove(p_ + strlen(to), p_ + strlen(from), strlen(p_ + strlen(from)) + 1);       \
		memcpy(p_, to, strlen(to));                                                       \
	} while (0)
	EDIT("\"state\":\"MINTED\"", "\"state\":\"MINTING\"");
	BAD("state: expected");
	EDIT("\"firstSeq\":257", "\"firstSeq\":0");
	BAD("firstSeq <= lastSeq");
	EDIT("\"lastSeq\":512", "\"lastSeq\":256");
	BAD("firstSeq <= lastSeq");
	EDIT("\"credit\":40", "\"credit\":\"40\"");
	BAD("payouts[0].credit: expected an integer");
	EDIT("\"credit\":59}", "\"credit\":59,\"x\":1}");
	BAD("payouts[1].x: unknown member");
	EDIT("\"signer\":\"0x", "\"signer\":\"0X");
	BAD("signatures[0].signer");
	EDIT("\"id\":3,", "\"id\":0,");
	BAD("id: must be positive");
	EDIT("\"tx\":{\"hash\"", "\"tx\":{\"Hash\"");
	BAD("tx.Hash: unknown member");
	EDIT(",\"sealedAt\":1700000100", "");
	BAD(".sealedAt: missing");
	EDIT("\"payouts\":[", "\"payouts\":{\"a\":[");
	memset(&em, 0, sizeof em);
	CU_ASSERT_EQUAL(ssp_export_batch_parse(bad, strlen(bad), &back, &em), SSP_ERR_PARSE);
	strcpy(bad, line);
	bad[len / 2] = '\0';
	BAD("JSON error");
#undef BAD
#undef EDIT
	free(bad);
	free(line);
	/* Unknown state, too many signatures: refused by the writer. */
	b.state = 9;
	CU_ASSERT_EQUAL(ssp_export_batch_format(&b, &line, &len), SSP_ERR_INVAL);
	b.state = SSP_EXPORT_SEALED;
	b.nsigs = SSP_EXPORT_MAX_SIGS + 1;
	CU_ASSERT_EQUAL(ssp_export_batch_format(&b, &line, &len), SSP_ERR_INVAL);
	b.nsigs = 1;
	ssp_export_batch_clear(&b);
	CU_ASSERT_PTR_NULL(b.payouts);
	CU_ASSERT_STRING_EQUAL(ssp_export_state_name(SSP_EXPORT_FINAL), "FINAL");
	CU_ASSERT_STRING_EQUAL(ssp_export_state_name(0), "?");
}

static void test_manifest(void)
{
	ssp_export_manifest m, back;
	ssp_errmsg em = { { 0 } };
	char *text = NULL, *bad;

	memset(&m, 0, sizeof m);
	m.created_at = 1700000000;
	snprintf(m.master_url, sizeof m.master_url, "%s", URL);
	ssp_project_id(URL, m.project);
	m.chain_id = 31337;
	CU_ASSERT_EQUAL(ssp_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3", m.minter), 0);
	m.has_rate = 1;
	CU_ASSERT_EQUAL(ssp_u256_from_dec(&m.rate, "1000000000000"), 0);
	m.has_deploy_block = 1;
	m.deploy_block = 4242;
	m.nclaims = 10;
	m.first_seq = 1;
	m.last_seq = 10;
	m.nbatches = 2;
	memset(m.claims.sha256, 0xc1, 32);
	m.claims.bytes = 999;
	m.claims.lines = 10;
	memset(m.batches.sha256, 0xb2, 32);
	m.batches.bytes = 111;
	m.batches.lines = 2;
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"weiPerMicroCredit\": \"1000000000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "0x5FbDB2315678afecb367f032d93F642f64180aa3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"deployBlock\": 4242"));
	/* The project id is keccak256(masterUrl): cast keccak 'https://boinc.example.org/ssp/'. */
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(text, strlen(text), &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back, &m, sizeof m), 0);

	bad = malloc(strlen(text) + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
#define EDIT(from, to, code, needle)                                                                \
	do {                                                                                        \
		char *p_;                                                                           \
		strcpy(bad, text);                                                                  \
		p_ = strstr(bad, from);                                                             \
		CU_ASSERT_PTR_NOT_NULL_FATAL(p_);                                                   \
		memmove(p_ + strlen(to), p_ + strlen(from), strlen(p_ + strlen(from)) + 1);         \
		memcpy(p_, to, strlen(to));                                                         \
		memset(&em, 0, sizeof em);                                                          \
		CU_ASSERT_EQUAL(ssp_export_manifest_parse(bad, strlen(bad), &back, &em), code);     \
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, needle));                                     \
		if (strstr(em.msg, needle) == NULL)                                                 \
			fprintf(stderr, "message was: %s\n", em.msg);                               \
	} while (0)
	EDIT("\"version\": 1", "\"version\": 2", SSP_ERR_UNSUPPORTED, "version");
	EDIT("smartshare-export", "other-export", SSP_ERR_UNSUPPORTED, "format");
	EDIT("boinc.example.org", "boinc.example.com", SSP_ERR_PARSE, "keccak256(masterUrl)");
	EDIT("\"count\": 10", "\"count\": 11", SSP_ERR_PARSE, "lastSeq - firstSeq + 1");
	EDIT("\"lines\": 2", "\"lines\": 3", SSP_ERR_PARSE, "line counts");
	EDIT("\"1000000000000\"", "1000000000000", SSP_ERR_PARSE, "weiPerMicroCredit");
	EDIT("\"sha256\": \"c1", "\"sha256\": \"g1", SSP_ERR_PARSE, "sha256");
	EDIT("\"createdAt\"", "\"CreatedAt\"", SSP_ERR_PARSE, "unknown member");
	EDIT("\"deployBlock\": 4242", "\"deployBlock\": \"4242\"", SSP_ERR_PARSE, "deployBlock");
	EDIT("\"deployBlock\": 4242", "\"deployblock\": 4242", SSP_ERR_PARSE, "unknown member");
	EDIT("0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x5fbDB2315678afecb367f032d93F642f64180aa3",
	     SSP_ERR_PARSE, "checksum");
#undef EDIT
	bad[0] = '\0';
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(bad, 0, &back, &em), SSP_ERR_PARSE);
	free(bad);
	/* No rate: null. */
	m.has_rate = 0;
	m.has_deploy_block = 0;
	m.deploy_block = 0;
	free(text);
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"weiPerMicroCredit\": null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"deployBlock\": null"));
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(text, strlen(text), &back, &em), 0);
	CU_ASSERT_EQUAL(back.has_rate, 0);
	CU_ASSERT_EQUAL(back.has_deploy_block, 0);
	free(text);
	/* No claims yet: count 0, firstSeq 1, lastSeq 0. */
	m.nclaims = 0;
	m.last_seq = 0;
	m.claims.lines = 0;
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &text), 0);
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(text, strlen(text), &back, &em), 0);
	free(text);
	CU_ASSERT_EQUAL(ssp_export_manifest_read(tpath("no-such-dir"), &back, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "manifest.json"));
}

/* ------------------------------------------------------------------ export of a ledger */

static uint8_t SK[32];

static int sign_claim(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	uint8_t d[32];

	ssp_eip712_claim_digest(ctx, c, d);
	return ssp_sign(SK, d, sig);
}

static int sign_batch(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	uint8_t d[32];

	ssp_eip712_batch_digest(ctx, b, d);
	return ssp_sign(SK, d, sig);
}

static ssp_domain DOMAIN;

/* A ledger with 3 users' credits: 25 claims, batches of 10 (seqs 1-10, 11-20), 5 unbatched;
 * batch 1 minted by a recorded tx. */
static ssp_ledger *make_ledger(const char *name, uint8_t project[32], int64_t bids[2])
{
	ssp_ledger *l = NULL;
	uint8_t signer[20], ben[20];
	size_t n;

	CU_ASSERT_EQUAL(ssp_hex_decode_exact(SK_HEX, SK, 32), 0);
	CU_ASSERT_EQUAL(ssp_key_address(SK, signer), 0);
	DOMAIN.chain_id = 31337;
	CU_ASSERT_EQUAL(ssp_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3",
					  DOMAIN.contract), 0);
	ssp_project_id(URL, project);
	unlink(tpath(name));
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(tpath(name), &l), 0);
	for (uint64_t r = 1; r <= 25; r++) {
		ssp_credit c;

		memset(&c, 0, sizeof c);
		memcpy(c.project, project, 32);
		c.result_id = 1000 + r;
		c.workunit_id = 100 + r / 2;
		c.user_id = 1 + r % 3;
		c.host_id = 50 + r % 3;
		c.credit = 1000000 + r * 17;
		memset(c.result_digest, (int)r, 32);
		c.granted_at = 1700000000 + r;
		CU_ASSERT_EQUAL(ssp_ledger_add_credit(l, &c, NULL), 0);
	}
	for (uint64_t u = 1; u <= 3; u++) {
		memset(ben, (int)(0x10 * u), 20);
		CU_ASSERT_EQUAL(ssp_ledger_claim_credits(l, project, u, ben, sign_claim, &DOMAIN, &n), 0);
	}
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, project, 10, signer, sign_batch, &DOMAIN, &bids[0]), 0);
	CU_ASSERT_EQUAL(ssp_ledger_seal_batch(l, project, 10, signer, sign_batch, &DOMAIN, &bids[1]), 0);
	{
		ssp_ledger_tx t;
		uint8_t raw[100], bh[32];
		int64_t tid = 0;

		memset(&t, 0, sizeof t);
		memset(raw, 0x42, sizeof raw);
		raw[0] = 0x02;
		t.batch_id = bids[0];
		memset(t.from, 0xf0, 20);
		t.nonce = 0;
		t.gas = 300000;
		t.raw = raw;
		t.raw_len = sizeof raw;
		memset(t.hash, 0xee, 32);
		memset(bh, 0xbb, 32);
		CU_ASSERT_EQUAL(ssp_ledger_tx_insert(l, &t, &tid), 0);
		CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, tid, SSP_TX_SENT, 0, NULL, NULL), 0);
		CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, bids[0], SSP_BATCH_SUBMITTED, NULL), 0);
		CU_ASSERT_EQUAL(ssp_ledger_tx_set_state(l, tid, SSP_TX_MINED, 77, bh, NULL), 0);
		CU_ASSERT_EQUAL(ssp_ledger_batch_set_state(l, bids[0], SSP_BATCH_MINTED, NULL), 0);
	}
	return l;
}

struct progress {
	uint64_t calls, last_done, total;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;

	p->calls++;
	p->last_done = done;
	p->total = total;
}

static void test_export_ledger(void)
{
	uint8_t project[32], sha[32], addr[20], want_addr[20], d[32];
	int64_t bids[2] = { 0, 0 };
	ssp_ledger *l = make_ledger("exp.sqlite", project, bids);
	ssp_export_opts o;
	ssp_export_manifest m, back;
	ssp_errmsg em = { { 0 } };
	ssp_ndjson_reader *r = NULL;
	ssp_export_batch eb;
	struct progress pr = { 0, 0, 0 };
	char dir[PATH_MAX], path[PATH_MAX + 32], cmd[2 * PATH_MAX], hex[65];
	const char *line;
	size_t len;
	uint64_t seq = 0;
	int rc;

	CU_ASSERT_EQUAL(ssp_address_parse(SK_ADDR, want_addr), 0);
	snprintf(dir, sizeof dir, "%s", tpath("export1"));
	memset(&o, 0, sizeof o);
	o.master_url = URL;
	o.chain_id = DOMAIN.chain_id;
	memcpy(o.minter, DOMAIN.contract, 20);
	o.has_rate = 1;
	ssp_u256_from_u64(&o.rate, 1000000000000ULL);
	o.now = 1700009999;
	o.progress = on_progress;
	o.progress_ctx = &pr;
	rc = ssp_export_from_ledger(l, dir, &o, &m, &em);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(m.nclaims, 25);
	CU_ASSERT_EQUAL(m.first_seq, 1);
	CU_ASSERT_EQUAL(m.last_seq, 25);
	CU_ASSERT_EQUAL(m.nbatches, 2);
	CU_ASSERT_EQUAL(m.created_at, 1700009999);
	CU_ASSERT_EQUAL(pr.last_done, 25);
	CU_ASSERT_EQUAL(pr.total, 25);
	CU_ASSERT_EQUAL(ssp_export_manifest_read(dir, &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back, &m, sizeof m), 0);
	/* The published digests, by sha256sum. */
	snprintf(cmd, sizeof cmd, "sha256sum '%s/claims.ndjson.gz'", dir);
	CU_ASSERT_EQUAL(strncmp(run(cmd), ssp_hex_encode(m.claims.sha256, 32, hex, 0), 64), 0);
	snprintf(cmd, sizeof cmd, "sha256sum '%s/batches.ndjson.gz'", dir);
	CU_ASSERT_EQUAL(strncmp(run(cmd), ssp_hex_encode(m.batches.sha256, 32, hex, 0), 64), 0);
	snprintf(cmd, sizeof cmd, "ls -A '%s' | tr '\\n' ' '", dir);
	CU_ASSERT_STRING_EQUAL(run(cmd), "batches.ndjson.gz claims.ndjson.gz manifest.json ");

	/* Every claim as the ledger has it, in seq order, with its batch. */
	snprintf(path, sizeof path, "%s/claims.ndjson.gz", dir);
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_reader_open(path, SSP_EXPORT_MAX_CLAIM_LINE, UINT64_MAX, &r, NULL), 0);
	while ((rc = ssp_ndjson_read_line(r, &line, &len, &em)) == 1) {
		ssp_export_claim ec;
		ssp_claim lc;
		uint8_t lsig[65];
		int64_t lbid = -1;

		seq++;
		CU_ASSERT_EQUAL_FATAL(ssp_export_claim_parse(line, len, &ec, &em), 0);
		CU_ASSERT_EQUAL(ec.claim.seq, seq);
		CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_claim(l, project, seq, &lc, lsig, &lbid), 0);
		CU_ASSERT_EQUAL(memcmp(&lc, &ec.claim, sizeof lc), 0);
		CU_ASSERT_EQUAL(memcmp(lsig, ec.sig, 65), 0);
		CU_ASSERT_EQUAL(ec.batch_id, seq <= 10 ? bids[0] : seq <= 20 ? bids[1] : 0);
		ssp_eip712_claim_digest(&DOMAIN, &ec.claim, d);
		CU_ASSERT_EQUAL(ssp_recover(d, ec.sig, addr), 0);
		CU_ASSERT_EQUAL(memcmp(addr, want_addr, 20), 0);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(seq, 25);
	CU_ASSERT_EQUAL(ssp_ndjson_reader_digest(r, sha, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(sha, m.claims.sha256, 32), 0);
	ssp_ndjson_reader_close(r);

	/* Batches: the minted one with its tx, the sealed one without. */
	snprintf(path, sizeof path, "%s/batches.ndjson.gz", dir);
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_reader_open(path, SSP_EXPORT_MAX_BATCH_LINE, UINT64_MAX, &r, NULL), 0);
	for (int i = 0; i < 2; i++) {
		ssp_ledger_batch lb;

		CU_ASSERT_EQUAL_FATAL(ssp_ndjson_read_line(r, &line, &len, &em), 1);
		CU_ASSERT_EQUAL_FATAL(ssp_export_batch_parse(line, len, &eb, &em), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, bids[i], &lb), 0);
		CU_ASSERT_EQUAL(eb.id, bids[i]);
		CU_ASSERT_EQUAL(memcmp(&eb.header, &lb.header, sizeof lb.header), 0);
		CU_ASSERT_EQUAL(eb.header.first_seq, i == 0 ? 1 : 11);
		CU_ASSERT_EQUAL(eb.state, i == 0 ? SSP_EXPORT_MINTED : SSP_EXPORT_SEALED);
		CU_ASSERT_EQUAL_FATAL(eb.npayouts, lb.npayouts);
		for (size_t k = 0; k < lb.npayouts; k++) {
			CU_ASSERT_EQUAL(memcmp(eb.payouts[k].beneficiary, lb.payouts[k].beneficiary, 20), 0);
			CU_ASSERT_EQUAL(eb.payouts[k].credit, lb.payouts[k].credit);
		}
		CU_ASSERT_EQUAL_FATAL(eb.nsigs, 1);
		CU_ASSERT_EQUAL(memcmp(eb.sigs[0].signer, want_addr, 20), 0);
		CU_ASSERT_EQUAL(memcmp(eb.sigs[0].sig, lb.sigs[0].sig, 65), 0);
		CU_ASSERT_EQUAL(eb.has_tx, i == 0);
		if (i == 0) {
			CU_ASSERT_EQUAL(eb.block_number, 77);
			CU_ASSERT_EQUAL(eb.tx_hash[0], 0xee);
			CU_ASSERT_EQUAL(eb.block_hash[31], 0xbb);
		}
		ssp_ledger_batch_clear(&lb);
		ssp_export_batch_clear(&eb);
	}
	CU_ASSERT_EQUAL(ssp_ndjson_read_line(r, &line, &len, &em), 0);
	ssp_ndjson_reader_close(r);

	/* A second export replaces the first; without a rate the manifest says null. */
	o.has_rate = 0;
	o.level = 9;
	CU_ASSERT_EQUAL(ssp_export_from_ledger(l, dir, &o, &m, &em), 0);
	CU_ASSERT_EQUAL(ssp_export_manifest_read(dir, &back, &em), 0);
	CU_ASSERT_EQUAL(back.has_rate, 0);
	CU_ASSERT_EQUAL(back.nclaims, 25);

	/* Bad options, and a directory that cannot be made. */
	o.master_url = "";
	CU_ASSERT_EQUAL(ssp_export_from_ledger(l, dir, &o, &m, &em), SSP_ERR_INVAL);
	o.master_url = URL;
	CU_ASSERT_EQUAL(ssp_export_from_ledger(l, "/proc/no/such/dir", &o, &m, &em), SSP_ERR_IO);
	ssp_ledger_close(l);

	/* An empty ledger exports empty files. */
	unlink(tpath("empty.sqlite"));
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(tpath("empty.sqlite"), &l), 0);
	CU_ASSERT_EQUAL(ssp_export_from_ledger(l, tpath("export-empty"), &o, &m, &em), 0);
	CU_ASSERT_EQUAL(m.nclaims, 0);
	CU_ASSERT_EQUAL(m.last_seq, 0);
	CU_ASSERT_EQUAL(m.nbatches, 0);
	CU_ASSERT_EQUAL(ssp_export_manifest_read(tpath("export-empty"), &back, &em), 0);
	ssp_ledger_close(l);
}

static void test_proof(void)
{
	uint8_t project[32], addr[20], want_addr[20], root[32];
	int64_t bids[2] = { 0, 0 };
	ssp_ledger *l = make_ledger("proof.sqlite", project, bids);
	ssp_export_opts o;
	ssp_errmsg em = { { 0 } };
	ssp_claim_proof p, back, bad;
	ssp_claim c;
	char dir[PATH_MAX], *text = NULL;

	CU_ASSERT_EQUAL(ssp_address_parse(SK_ADDR, want_addr), 0);
	snprintf(dir, sizeof dir, "%s", tpath("export-proof"));
	memset(&o, 0, sizeof o);
	o.master_url = URL;
	o.chain_id = DOMAIN.chain_id;
	memcpy(o.minter, DOMAIN.contract, 20);
	CU_ASSERT_EQUAL_FATAL(ssp_export_from_ledger(l, dir, &o, NULL, &em), 0);

	/* Every batched claim gets a proof that verifies; it names the ledger's batch. */
	for (uint64_t seq = 1; seq <= 20; seq++) {
		ssp_ledger_batch lb;

		CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_claim(l, project, seq, &c, NULL, NULL), 0);
		memset(&em, 0, sizeof em);
		CU_ASSERT_EQUAL_FATAL(ssp_claim_proof_build(dir, c.result_id, &p, &em), 0);
		CU_ASSERT_EQUAL(p.claim.claim.seq, seq);
		CU_ASSERT_EQUAL(p.claim.batch_id, seq <= 10 ? bids[0] : bids[1]);
		CU_ASSERT_EQUAL(p.index, (seq - 1) % 10);
		CU_ASSERT_EQUAL(p.nproof, (seq - 1) % 10 >= 8 ? 2 : 4); /* 10 leaves: 8 + 2 */
		CU_ASSERT_EQUAL_FATAL(ssp_ledger_batch_get(l, p.claim.batch_id, &lb), 0);
		CU_ASSERT_EQUAL(memcmp(p.header.claims_root, lb.header.claims_root, 32), 0);
		ssp_ledger_batch_clear(&lb);
		CU_ASSERT_EQUAL(ssp_claim_proof_verify(&p, addr, &em), 0);
		CU_ASSERT_EQUAL(memcmp(addr, want_addr, 20), 0);
		/* The proof climbs to the root the usual way (sorted pairs). */
		memcpy(root, p.leaf, 32);
		CU_ASSERT_EQUAL(ssp_merkle_verify(root, (const uint8_t(*)[32])p.proof, p.nproof,
						  p.header.claims_root), 0);
	}
	CU_ASSERT_EQUAL(p.state, SSP_EXPORT_SEALED);
	CU_ASSERT_EQUAL(p.has_tx, 0);

	/* JSON round trip. */
	CU_ASSERT_EQUAL_FATAL(ssp_claim_proof_build(dir, 1003, &p, &em), 0);
	CU_ASSERT_EQUAL(p.has_tx, 1);
	CU_ASSERT_EQUAL(p.block_number, 77);
	CU_ASSERT_EQUAL_FATAL(ssp_claim_proof_format(&p, &text), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_claim_proof_parse(text, strlen(text), &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back.claim, &p.claim, sizeof p.claim), 0);
	CU_ASSERT_EQUAL(memcmp(&back.header, &p.header, sizeof p.header), 0);
	CU_ASSERT_EQUAL(back.nproof, p.nproof);
	CU_ASSERT_EQUAL(memcmp(back.proof, p.proof, p.nproof * 32), 0);
	CU_ASSERT_EQUAL(back.block_number, 77);
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&back, NULL, &em), 0);
	CU_ASSERT_EQUAL(ssp_claim_proof_parse(text, strlen(text) / 2, &back, &em), SSP_ERR_PARSE);
	free(text);

	/* Tampering: each is caught and named. */
	bad = p;
	bad.claim.claim.credit++;
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, NULL, &em), SSP_ERR_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "leaf"));
	bad = p;
	bad.proof[0][5] ^= 1;
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, NULL, &em), SSP_ERR_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "claimsRoot"));
	bad = p;
	bad.nproof--;
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, NULL, &em), SSP_ERR_MISMATCH);
	bad = p;
	bad.header.claims_root[0] ^= 1;
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, NULL, &em), SSP_ERR_MISMATCH);
	bad = p;
	bad.header.first_seq = bad.claim.claim.seq + 1;
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, NULL, &em), SSP_ERR_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "outside"));
	bad = p;
	bad.claim.sig[10] ^= 1; /* the proof holds; the signer changes */
	CU_ASSERT_EQUAL(ssp_claim_proof_verify(&bad, addr, &em), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(addr, want_addr, 20), 0);

	/* An unbatched claim, an unknown result. */
	CU_ASSERT_EQUAL_FATAL(ssp_ledger_get_claim(l, project, 23, &c, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ssp_claim_proof_build(dir, c.result_id, &p, &em), SSP_ERR_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "no batch yet"));
	CU_ASSERT_EQUAL(ssp_claim_proof_build(dir, 999999, &p, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_claim_proof_build(tpath("nothing-here"), 1003, &p, &em), SSP_ERR_NOT_FOUND);
	ssp_ledger_close(l);
}


static void test_cosig(void)
{
	uint8_t project[32], sk2[32], a2[20];
	int64_t bids[2] = { 0, 0 };
	ssp_ledger *l = make_ledger("cosig.sqlite", project, bids);
	ssp_export_opts o;
	ssp_export_batch b;
	ssp_errmsg em = { { 0 } };
	ssp_cosig cs, back;
	uint8_t d[32];
	char dir[PATH_MAX], *text = NULL, *p;

	snprintf(dir, sizeof dir, "%s", tpath("export-cosig"));
	memset(&o, 0, sizeof o);
	o.master_url = URL;
	o.chain_id = DOMAIN.chain_id;
	memcpy(o.minter, DOMAIN.contract, 20);
	CU_ASSERT_EQUAL_FATAL(ssp_export_from_ledger(l, dir, &o, NULL, &em), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_export_find_batch(dir, bids[1], &b, &em), 0);
	CU_ASSERT_EQUAL(b.id, bids[1]);
	CU_ASSERT_EQUAL(b.header.first_seq, 11);
	ssp_export_batch_clear(&b);
	CU_ASSERT_EQUAL(ssp_export_find_batch(dir, bids[1] + 5, &b, &em), SSP_ERR_NOT_FOUND);

	/* An auditor key (anvil account 1) signs batch 2; the digest is the contract's. */
	CU_ASSERT_EQUAL(ssp_hex_decode_exact("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
					     sk2, 32), 0);
	CU_ASSERT_EQUAL(ssp_key_address(sk2, a2), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_export_find_batch(dir, bids[1], &b, &em), 0);
	memset(&cs, 0, sizeof cs);
	cs.chain_id = DOMAIN.chain_id;
	memcpy(cs.minter, DOMAIN.contract, 20);
	cs.batch_id = b.id;
	cs.header = b.header;
	ssp_export_batch_clear(&b);
	ssp_eip712_batch_digest(&DOMAIN, &cs.header, d);
	CU_ASSERT_EQUAL(ssp_sign(sk2, d, cs.sig), 0);
	memcpy(cs.signer, a2, 20);
	CU_ASSERT_EQUAL(ssp_cosig_verify(&cs), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_cosig_format(&cs, &text), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_cosig_parse(text, strlen(text), &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back, &cs, sizeof cs), 0);
	CU_ASSERT_EQUAL(ssp_cosig_verify(&back), 0);
	/* Tampered: the header (digest no longer matches), the signer, the JSON. */
	p = strstr(text, "\"totalCredit\": ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[15] = p[15] == '9' ? '8' : '9';
	CU_ASSERT_EQUAL(ssp_cosig_parse(text, strlen(text), &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "digest"));
	CU_ASSERT_EQUAL(ssp_cosig_parse(text, strlen(text) / 2, &back, &em), SSP_ERR_PARSE);
	free(text);
	back = cs;
	back.signer[0] ^= 1;
	CU_ASSERT_EQUAL(ssp_cosig_verify(&back), SSP_ERR_BAD_SIG);
	back = cs;
	back.header.total_credit++;
	CU_ASSERT_EQUAL(ssp_cosig_verify(&back), SSP_ERR_BAD_SIG);
	back = cs;
	back.chain_id = 1;
	CU_ASSERT_EQUAL(ssp_cosig_verify(&back), SSP_ERR_BAD_SIG);
	/* The ledger takes it as a co-signature (what `ssp cosign --add` does after checking). */
	CU_ASSERT_EQUAL(ssp_ledger_batch_add_signature(l, cs.batch_id, cs.signer, cs.sig), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_export_from_ledger(l, dir, &o, NULL, &em), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_export_find_batch(dir, bids[1], &b, &em), 0);
	CU_ASSERT_EQUAL(b.nsigs, 2);
	ssp_export_batch_clear(&b);
	ssp_ledger_close(l);
}

/* The typed data round trip; the digest cast computes from the JSON is checked in
 * tests/integration/52-audit-cosign.sh (cast wallet sign --data, recovered by ssp). */
static void test_typed_data(void)
{
	ssp_batch h, back;
	uint8_t minter[20], m2[20];
	uint64_t chain = 0;
	ssp_errmsg em = { { 0 } };
	char *text = NULL, *bad;

	memset(&h, 0, sizeof h);
	memset(h.project, 0x11, 32);
	h.first_seq = 41;
	h.last_seq = 45;
	memset(h.claims_root, 0x22, 32);
	memset(h.payouts_hash, 0x33, 32);
	h.total_credit = UINT64_MAX; /* past 2^53: kept exact as a decimal string */
	CU_ASSERT_EQUAL(ssp_address_parse(SK_ADDR, minter), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_batch_typed_data_format(31337, minter, &h, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"primaryType\": \"ShareBatch\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"totalCredit\": \"18446744073709551615\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"chainId\": 31337"));
	CU_ASSERT_EQUAL(ssp_batch_typed_data_parse(text, strlen(text), &chain, m2, &back, &em), 0);
	CU_ASSERT_EQUAL(chain, 31337);
	CU_ASSERT_EQUAL(memcmp(m2, minter, 20), 0);
	CU_ASSERT_EQUAL(memcmp(&back, &h, sizeof h), 0);
	/* Another domain name, another type list, a value past uint64: refused. */
	bad = strdup(text);
	memcpy(strstr(bad, "SmartShare"), "SmartSharf", 10);
	CU_ASSERT_EQUAL(ssp_batch_typed_data_parse(bad, strlen(bad), &chain, m2, &back, &em), SSP_ERR_PARSE);
	free(bad);
	bad = strdup(text);
	memcpy(strstr(bad, "\"uint64\""), "\"uint32\"", 8);
	CU_ASSERT_EQUAL(ssp_batch_typed_data_parse(bad, strlen(bad), &chain, m2, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "types"));
	free(bad);
	bad = strdup(text);
	memcpy(strstr(bad, "18446744073709551615"), "18446744073709551616", 20);
	CU_ASSERT_EQUAL(ssp_batch_typed_data_parse(bad, strlen(bad), &chain, m2, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "totalCredit"));
	free(bad);
	free(text);
}

/* receipts.ndjson.gz lines, the optional manifest entry, and the digest rule. */
static void test_receipts(void)
{
	static const char rec[] = "{\n  \"version\": 1,\n  \"outputs\": []\n}\n";
	ssp_export_manifest m, back;
	ssp_errmsg em = { { 0 } };
	char *line = NULL, *text = NULL, *mt = NULL;
	size_t len = 0, tlen = 0;
	uint64_t seq = 0, rid = 0;
	ssp_receipt *r = NULL;
	uint8_t osha[32], want[32], got[32];

	CU_ASSERT_EQUAL_FATAL(ssp_export_receipt_format(7, 50007, rec, strlen(rec), &line, &len), 0);
	CU_ASSERT_PTR_NULL(memchr(line, '\n', len)); /* one line: the receipt's LFs escaped */
	CU_ASSERT_EQUAL(ssp_export_receipt_parse(line, len, &seq, &rid, &text, &tlen, &em), 0);
	CU_ASSERT_EQUAL(seq, 7);
	CU_ASSERT_EQUAL(rid, 50007);
	CU_ASSERT_EQUAL(tlen, strlen(rec));
	CU_ASSERT_STRING_EQUAL(text, rec);
	free(text);
	free(line);
	CU_ASSERT_EQUAL(ssp_export_receipt_parse("{\"seq\":1,\"resultId\":2}", 23, &seq, &rid, &text,
						 &tlen, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "receipt"));
	/* resultDigest = SHA-256 over the outputs' SHA-256s (here one output). */
	memset(osha, 0xab, 32);
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_new(&r), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "out_0", 12, osha), 0);
	CU_ASSERT_EQUAL(ssp_receipt_digest(r, got), 0);
	CU_ASSERT_EQUAL(ssp_sha256(osha, 32, want), 0);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	ssp_receipt_free(r);
	/* The manifest's optional receipts entry. */
	memset(&m, 0, sizeof m);
	snprintf(m.master_url, sizeof m.master_url, "%s", URL);
	ssp_project_id(URL, m.project);
	m.chain_id = 1;
	m.first_seq = 1;
	m.has_receipts = 1;
	memset(m.receipts.sha256, 0x5e, 32);
	m.receipts.bytes = 77;
	m.receipts.lines = 3;
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &mt), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(mt, "\"receipts.ndjson.gz\""));
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(mt, strlen(mt), &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(&back, &m, sizeof m), 0);
	free(mt);
	m.has_receipts = 0;
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &mt), 0);
	CU_ASSERT_PTR_NULL(strstr(mt, "receipts"));
	CU_ASSERT_EQUAL(ssp_export_manifest_parse(mt, strlen(mt), &back, &em), 0);
	CU_ASSERT_EQUAL(back.has_receipts, 0);
	free(mt);
}

static CU_TestInfo tests[] = {
	{ "stream round trip (gzip, sha256sum)", test_stream_roundtrip },
	{ "stream garbage, truncation, caps", test_stream_garbage },
	{ "claims line", test_claim_line },
	{ "claims line fast path = JSON path", test_claim_fast_path },
	{ "batches line", test_batch_line },
	{ "manifest", test_manifest },
	{ "export of a ledger", test_export_ledger },
	{ "claim proofs", test_proof },
	{ "co-signatures", test_cosig },
	{ "batch as EIP-712 typed data", test_typed_data },
	{ "published receipts", test_receipts },
	CU_TEST_INFO_NULL,
};

int main(void)
{
	return ssp_cu_run("export", tests);
}
