/* Suite for lib/boincdb/ssp_signer (what needs no database: the lock name, refused
 * arguments) and ssp_upload_sha256, the output digest of the signer's grant scan. The
 * database side (the lock, the outbox, the grant scan) is tested against a real MariaDB in
 * tests/integration/38-signer-two-hosts.sh and 39-signer-keep-validator.sh.
 * Vectors: cast keccak "https://boinc.example.org/ssp/" =
 *   0x4d7d6cde29eb150bd35363a6fd1e193b3026bba577124f0f39d85a1cf66a7317;
 *   printf 'hello\n' | sha256sum = 5891b5b5…be03 (coreutils). */
#include "config.h"

#include "ssp_cu.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"
#include "boincdb/ssp_signer.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_eip712.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

static void test_lock_name(void)
{
	uint8_t project[32];
	char name[SSP_SIGNER_LOCK_NAME_LEN + 1];

	ssp_project_id("https://boinc.example.org/ssp/", project);
	ssp_signer_lock_name(project, name);
	CU_ASSERT_STRING_EQUAL(name, "ssp_signer_4d7d6cde29eb150bd353");
	CU_ASSERT_EQUAL(strlen(name), SSP_SIGNER_LOCK_NAME_LEN);
	CU_ASSERT(strlen(name) <= 64); /* MariaDB's longest lock name */
}

static void test_new_refuses(void)
{
	ssp_signer_conf c;
	ssp_signer *s = (ssp_signer *)1;
	ssp_errmsg em = { { 0 } };
	uint8_t key[32] = { 1 };
	ssp_domain d;

	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	/* no project, no ledger: refused before any connection */
	CU_ASSERT_EQUAL(ssp_signer_new(&c, NULL, NULL, &d, key, &s, &em), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT(strstr(em.msg, "ledger or key") != NULL);
	ssp_signer_free(NULL);
}

/* Writes name's file in the upload tree under root (fan-out 1024). */
static void put(const char *root, const char *name, const char *data)
{
	char path[1024], *slash;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(ssp_upload_path(root, 1024, name, path, sizeof(path)), 0);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(data, f);
	fclose(f);
}

static void test_upload_sha256(void)
{
	char root[512], path[1024], hex[65];
	uint8_t d[32];
	uint64_t bytes = 0;
	ssp_vcheck_opts o;

	snprintf(root, sizeof(root), "%s/upload", ssp_cu_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(root, 0755), 0);
	memset(&o, 0, sizeof(o));
	o.upload_dir = root;
	o.fanout = 1024;
	put(root, "r_0", "hello\n");
	CU_ASSERT_EQUAL(ssp_upload_sha256(&o, "r_0", 1 << 20, d, &bytes), 0);
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(d, 32, hex, 0), HELLO_SHA);
	CU_ASSERT_EQUAL(bytes, 6);
	/* over the cap */
	CU_ASSERT_EQUAL(ssp_upload_sha256(&o, "r_0", 5, d, &bytes), SSP_ERR_TOO_BIG);
	/* gone (the file deleter) */
	CU_ASSERT_EQUAL(ssp_upload_sha256(&o, "r_missing", 1 << 20, d, &bytes), SSP_ERR_NOT_FOUND);
	/* a symbolic link is not followed, a FIFO does not block */
	CU_ASSERT_EQUAL_FATAL(ssp_upload_path(root, 1024, "r_2", path, sizeof(path)), 0);
	put(root, "r_2", "");
	unlink(path);
	{
		char target[1024];

		CU_ASSERT_EQUAL_FATAL(ssp_upload_path(root, 1024, "r_0", target, sizeof(target)), 0);
		CU_ASSERT_EQUAL_FATAL(symlink(target, path), 0);
	}
	CU_ASSERT_EQUAL(ssp_upload_sha256(&o, "r_2", 1 << 20, d, &bytes), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL_FATAL(ssp_upload_path(root, 1024, "r_3", path, sizeof(path)), 0);
	put(root, "r_3", "");
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0644), 0);
	CU_ASSERT_EQUAL(ssp_upload_sha256(&o, "r_3", 1 << 20, d, &bytes), SSP_ERR_INVAL);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "the lock name: ssp_signer_ and the project id's first 20 hex digits", test_lock_name },
		{ "ssp_signer_new refuses a missing project, ledger or key", test_new_refuses },
		{ "ssp_upload_sha256: digest, cap, missing, symbolic link, FIFO", test_upload_sha256 },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("signer", tests));
}
