/* Suite for lib/ssp_err, ssp_log, ssp_hex and ssp_file. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "core/ssp_log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void test_strerror(void)
{
	for (int c = 0; c >= SSP_ERR_FILE_TYPE; c--)
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

/* Names in the test directory starting with prefix (temporary files left behind). */
static int count_prefixed(const char *prefix)
{
	DIR *d = opendir(ssp_cu_tmpdir());
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void test_file_write_new(void)
{
	char path[4096], target[4096], *buf = NULL, *big;
	size_t len, bigsz = 256 * 1024;
	struct stat st;

	snprintf(path, sizeof(path), "%s", tmp_path("new.txt"));
	CU_ASSERT_EQUAL(ssp_file_write_new(path, "first", 5, 0600), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(st.st_nlink, 1); /* the temporary name is gone */
	/* An existing file is never replaced, and the refused write leaves nothing behind. */
	CU_ASSERT_EQUAL(ssp_file_write_new(path, "second", 6, 0600), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(ssp_file_read(path, 64, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_STRING_EQUAL(buf, "first");
	free(buf);
	CU_ASSERT_EQUAL(count_prefixed("new.txt"), 1);

	/* The mode is applied as given (not through the umask); an empty file is fine. */
	snprintf(path, sizeof(path), "%s", tmp_path("new-0640"));
	CU_ASSERT_EQUAL(ssp_file_write_new(path, "", 0, 0640), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
	CU_ASSERT_EQUAL(st.st_size, 0);

	/* A dangling symlink at path counts as existing: it is not followed. */
	snprintf(target, sizeof(target), "%s", tmp_path("new-target"));
	snprintf(path, sizeof(path), "%s", tmp_path("new-link"));
	CU_ASSERT_EQUAL(symlink(target, path), 0);
	CU_ASSERT_EQUAL(ssp_file_write_new(path, "x", 1, 0600), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(lstat(target, &st), -1);
	CU_ASSERT_EQUAL(count_prefixed("new-link"), 1);

	/* A directory that does not exist: SSP_ERR_IO. */
	snprintf(path, sizeof(path), "%s", tmp_path("no-such-dir/new.txt"));
	CU_ASSERT_EQUAL(ssp_file_write_new(path, "x", 1, 0600), SSP_ERR_IO);

	/* A larger file comes back byte for byte. */
	big = malloc(bigsz);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (size_t i = 0; i < bigsz; i++)
		big[i] = (char)('a' + i % 23);
	snprintf(path, sizeof(path), "%s", tmp_path("new-big"));
	CU_ASSERT_EQUAL(ssp_file_write_new(path, big, bigsz, 0600), 0);
	CU_ASSERT_EQUAL(ssp_file_read(path, bigsz, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, bigsz);
	CU_ASSERT(buf != NULL && memcmp(buf, big, bigsz) == 0);
	free(buf);
	/* ssp_file_write_atomic, sharing the write loop, does replace. */
	big[0] = 'Z';
	CU_ASSERT_EQUAL(ssp_file_write_atomic(path, big, bigsz, 0600), 0);
	CU_ASSERT_EQUAL(ssp_file_read(path, bigsz, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, bigsz);
	CU_ASSERT(buf != NULL && memcmp(buf, big, bigsz) == 0);
	free(buf);
	free(big);
	CU_ASSERT_EQUAL(count_prefixed("new-big"), 1);
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

/* Files from outside: what ssp_file_open_regular and ssp_file_read_regular refuse, each at
 * once (a FIFO with no writer would block a plain open() for ever). */
static void test_file_regular(void)
{
	char *reg = strdup(tmp_path("reg")), *lnk = strdup(tmp_path("lnk")), *fifo = strdup(tmp_path("fifo"));
	char *zero = strdup(tmp_path("zero")), *dir = strdup(tmp_path("dir")), *buf = NULL;
	size_t len = 0;
	uint64_t size = 0;
	int fd = -1;
	time_t t0 = time(NULL);

	CU_ASSERT_EQUAL_FATAL(ssp_file_write_atomic(reg, "abcdef", 6, 0644), 0);
	CU_ASSERT_EQUAL(symlink(reg, lnk), 0);
	CU_ASSERT_EQUAL(mkfifo(fifo, 0600), 0);
	CU_ASSERT_EQUAL(symlink("/dev/zero", zero), 0);
	CU_ASSERT_EQUAL(mkdir(dir, 0700), 0);

	CU_ASSERT_EQUAL(ssp_file_open_regular(reg, 6, &fd, &size), 0);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(size, 6);
	if (fd >= 0)
		close(fd);
	CU_ASSERT_EQUAL(ssp_file_read_regular(reg, 6, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_STRING_EQUAL(buf, "abcdef");
	free(buf);
	CU_ASSERT_EQUAL(ssp_file_read_regular(reg, 5, &buf, &len), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(buf);
	CU_ASSERT_EQUAL(ssp_file_read_regular(lnk, 100, &buf, &len), SSP_ERR_FILE_TYPE);
	CU_ASSERT_EQUAL(ssp_file_read_regular(fifo, 100, &buf, &len), SSP_ERR_FILE_TYPE);
	CU_ASSERT_EQUAL(ssp_file_read_regular(zero, 100, &buf, &len), SSP_ERR_FILE_TYPE);
	CU_ASSERT_EQUAL(ssp_file_read_regular("/dev/zero", 100, &buf, &len), SSP_ERR_FILE_TYPE);
	CU_ASSERT_EQUAL(ssp_file_read_regular(dir, 100, &buf, &len), SSP_ERR_FILE_TYPE);
	CU_ASSERT_EQUAL(ssp_file_open_regular(tmp_path("none"), 100, &fd, NULL), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(fd, -1);
	CU_ASSERT(time(NULL) - t0 < 5); /* nothing waited */

	CU_ASSERT_STRING_EQUAL(ssp_file_type_name(reg), "regular file");
	CU_ASSERT_STRING_EQUAL(ssp_file_type_name(lnk), "symbolic link");
	CU_ASSERT_STRING_EQUAL(ssp_file_type_name(fifo), "FIFO");
	CU_ASSERT_STRING_EQUAL(ssp_file_type_name(dir), "directory");
	CU_ASSERT_STRING_EQUAL(ssp_file_type_name("/dev/null"), "device");
	CU_ASSERT_STRING_EQUAL(ssp_file_type_name(tmp_path("none")), "missing");
	free(reg), free(lnk), free(fifo), free(zero), free(dir);
}

static void test_write_all_and_hex_digit(void)
{
	int p[2];
	char got[8] = { 0 };

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(ssp_file_write_all(p[1], "1234567", 7), 0);
	close(p[1]);
	CU_ASSERT_EQUAL(read(p[0], got, sizeof got), 7);
	CU_ASSERT_STRING_EQUAL(got, "1234567");
	close(p[0]);
	CU_ASSERT_EQUAL(ssp_file_write_all(-1, "x", 1), SSP_ERR_IO);
	for (int c = 0; c < 256; c++) {
		const char *digits = "0123456789abcdef", *up = "0123456789ABCDEF";
		const char *d = c ? strchr(digits, c) : NULL, *u = c ? strchr(up, c) : NULL;
		int want = d ? (int)(d - digits) : u ? (int)(u - up) : -1;

		CU_ASSERT_EQUAL(ssp_hex_digit((char)c), want);
	}
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
		{ "write_new creates durably, never replaces", test_file_write_new },
		{ "password file first line, private only", test_file_password },
		{ "files from outside: regular files only, never blocking", test_file_regular },
		{ "write_all, hex digits", test_write_all_and_hex_digit },
		CU_TEST_INFO_NULL,
	};
	return ssp_cu_run("base", tests);
}
