/* Suite for lib/ssp_err, ssp_log, ssp_hex and ssp_file. */
#include "ssp_cu.h"
#include "ssp_err.h"
#include "ssp_file.h"
#include "ssp_hex.h"
#include "ssp_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_strerror(void)
{
	for (int c = 0; c >= SSP_ERR_REVERTED; c--)
		CU_ASSERT_STRING_NOT_EQUAL(ssp_strerror(c), "unknown error");
	CU_ASSERT_STRING_EQUAL(ssp_strerror(-9999), "unknown error");
	CU_ASSERT_STRING_EQUAL(ssp_strerror(SSP_ERR_BAD_PASSWORD),
			       "wrong password or corrupt keystore (MAC mismatch)");
}

static void test_errmsg(void)
{
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL(ssp_errmsg_set(&em, SSP_ERR_PARSE, "field %s", "seq"), SSP_ERR_PARSE);
	CU_ASSERT_STRING_EQUAL(em.msg, "field seq");
	CU_ASSERT_EQUAL(ssp_errmsg_set(NULL, SSP_ERR_IO, "x"), SSP_ERR_IO);
}

static void test_log_levels(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ssp_log_set_stream(f);
	ssp_log_set_ident("unit");
	ssp_log_set_level(2);
	ssp_log_info("visible %d", 1);
	ssp_log_debug("hidden");
	ssp_log_set_level(9);
	CU_ASSERT_EQUAL(ssp_log_get_level(), SSP_LOG_DETAIL);
	ssp_log_set_level(0);
	CU_ASSERT_EQUAL(ssp_log_get_level(), SSP_LOG_CRITICAL);
	ssp_log_crit("bad");
	fclose(f);
	ssp_log_set_stream(NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[unit] visible 1\n"));
	CU_ASSERT_PTR_NULL(strstr(buf, "hidden"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[unit] CRITICAL bad\n"));
	free(buf);
}

static void test_hex_roundtrip(void)
{
	uint8_t in[5] = { 0x00, 0x01, 0xab, 0xcd, 0xff }, out[8];
	char text[2 * 5 + 3];
	size_t n;

	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(in, 5, text, 1), "0x0001abcdff");
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(in, 5, text, 0), "0001abcdff");
	CU_ASSERT_EQUAL(ssp_hex_decode("0x0001ABcdff", out, sizeof(out), &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(in, out, 5), 0);
	CU_ASSERT_EQUAL(ssp_hex_decode("", out, sizeof(out), &n), 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void test_hex_garbage(void)
{
	uint8_t out[4];
	size_t n;

	CU_ASSERT_EQUAL(ssp_hex_decode("0x123", out, sizeof(out), &n), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode("zz", out, sizeof(out), &n), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode("0x 1", out, sizeof(out), &n), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode("\xff\xfe", out, sizeof(out), &n), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode("0011223344", out, sizeof(out), &n), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact("001122", out, 4), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact("0011223344", out, 4), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact("00112233", out, 4), 0);
}

static void test_be64(void)
{
	uint8_t b[8];

	ssp_be64_put(b, 0x0102030405060708ULL);
	CU_ASSERT_EQUAL(b[0], 1);
	CU_ASSERT_EQUAL(b[7], 8);
	CU_ASSERT_EQUAL(ssp_be64_get(b), 0x0102030405060708ULL);
	CU_ASSERT_EQUAL(ssp_memeq_ct("abc", "abc", 3), 0);
	CU_ASSERT_NOT_EQUAL(ssp_memeq_ct("abc", "abd", 3), 0);
}

static char *tmp_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

static void test_file_atomic_and_cap(void)
{
	char *path = tmp_path("atomic.txt"), *buf;
	size_t len;
	struct stat st;

	CU_ASSERT_EQUAL(ssp_file_write_atomic(path, "hello", 5, 0600), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(ssp_file_read(path, 5, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_STRING_EQUAL(buf, "hello");
	free(buf);
	CU_ASSERT_EQUAL(ssp_file_read(path, 4, &buf, &len), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(buf);
	CU_ASSERT_EQUAL(ssp_file_read(tmp_path("missing"), 4, &buf, &len), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_file_read(ssp_cu_tmpdir(), 4, &buf, &len), SSP_ERR_IO);
}

static void test_file_password(void)
{
	char *path = tmp_path("pw"), *pw;

	CU_ASSERT_EQUAL(ssp_file_write_atomic(path, "s3cret\nignored\n", 15, 0600), 0);
	CU_ASSERT_EQUAL(ssp_file_read_password(path, &pw), 0);
	CU_ASSERT_STRING_EQUAL(pw, "s3cret");
	free(pw);
	chmod(path, 0644);
	CU_ASSERT_EQUAL(ssp_file_read_password(path, &pw), SSP_ERR_PERM);
	CU_ASSERT_PTR_NULL(pw);
	CU_ASSERT_EQUAL(ssp_file_check_private(path), SSP_ERR_PERM);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "strerror names every code", test_strerror },
		{ "errmsg formats and tolerates NULL", test_errmsg },
		{ "log levels filter as BOINC -d", test_log_levels },
		{ "hex round trip", test_hex_roundtrip },
		{ "hex rejects garbage and oversize", test_hex_garbage },
		{ "big-endian u64 and constant-time compare", test_be64 },
		{ "atomic write, mode and read cap", test_file_atomic_and_cap },
		{ "password file first line, private only", test_file_password },
		CU_TEST_INFO_NULL,
	};
	return ssp_cu_run("base", tests);
}
