/* Suite for lib/ssp_keystore: keystore v3 files written by geth (the Web3 Secret Storage
 * vectors and geth's own test files), foundry (`cast wallet new/import`) and ethers
 * (`Wallet.encrypt`), scrypt against RFC 7914 vectors computed by `openssl kdf`,
 * round trips, file handling and garbage. Every expected value is in tests/data/keystore/,
 * produced by the commands in tests/data/README-keystore.md. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keystore.h"

#include <dirent.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const ssp_keystore_params light = SSP_KEYSTORE_LIGHT_PARAMS;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits line at tabs into at most max fields (empty fields kept). Returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	char *p;

	while (n < max && (p = strsep(&line, "\t")) != NULL)
		f[n++] = p;
	return n;
}

static char *tmp_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

/* ---- scrypt ---- */

static void test_scrypt_vectors(void)
{
	char *text = ssp_cu_slurp("keystore/scrypt_vectors.txt", NULL), *save = NULL, *line;
	int count = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6];
		uint8_t want[64], got[64];

		if (line[0] == '#')
			continue;
		CU_ASSERT_FATAL(split_tabs(line, f, 6) == 6);
		CU_ASSERT_FATAL(ssp_hex_decode_exact(f[5], want, 64) == 0);
		for (int builtin = 0; builtin < 2; builtin++) {
			memset(got, 0, sizeof(got));
			CU_ASSERT_EQUAL(ssp_keystore_scrypt(f[0], strlen(f[0]), (const uint8_t *)f[1],
							    strlen(f[1]), strtoull(f[2], NULL, 10),
							    strtoull(f[3], NULL, 10),
							    strtoull(f[4], NULL, 10), builtin, got, 64), 0);
			CU_ASSERT_EQUAL(memcmp(got, want, 64), 0);
		}
		count++;
	}
	CU_ASSERT_EQUAL(count, 4);
	free(text);
}

/* The built-in scrypt agrees with OpenSSL's on random inputs OpenSSL accepts. */
static void test_scrypt_builtin_vs_openssl(void)
{
	for (int i = 0; i < 24; i++) {
		uint8_t pw[40], salt[40], seed[5], a[48], b[48];
		uint64_t n, r, p;
		size_t pwlen, saltlen, outlen;

		CU_ASSERT_FATAL(RAND_bytes(pw, sizeof(pw)) == 1 && RAND_bytes(salt, sizeof(salt)) == 1 &&
				RAND_bytes(seed, sizeof(seed)) == 1);
		n = 1ull << (1 + seed[0] % 10);
		r = 1 + seed[1] % 4;
		p = 1 + seed[2] % 3;
		pwlen = seed[3] % sizeof(pw);
		saltlen = seed[4] % sizeof(salt);
		outlen = 1 + (size_t)(seed[0] ^ seed[1]) % sizeof(a);
		CU_ASSERT_EQUAL(EVP_PBE_scrypt((const char *)pw, pwlen, salt, saltlen, n, r, p, 0, a,
					       outlen), 1);
		CU_ASSERT_EQUAL(ssp_keystore_scrypt((const char *)pw, pwlen, salt, saltlen, n, r, p, 1,
						    b, outlen), 0);
		CU_ASSERT_EQUAL(memcmp(a, b, outlen), 0);
	}
}

static void test_scrypt_limits(void)
{
	uint8_t out[32];

	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 3, 8, 1, 0, out, 32), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 1, 8, 1, 0, out, 32), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 1u << 21, 1, 1, 0, out, 32),
			SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 1024, 0, 1, 0, out, 32), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 1024, 8, 0, 0, out, 32), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 16, 64, 64, 0, out, 32), SSP_ERR_RANGE);
	/* 1 GiB of memory is the ceiling: n = 2^20 with r = 16 is 2 GiB */
	CU_ASSERT_EQUAL(ssp_keystore_scrypt("x", 1, NULL, 0, 1u << 20, 16, 1, 0, out, 32),
			SSP_ERR_RANGE);
}

/* ---- vectors from other implementations ---- */

static void check_vector_file(const char *file, const char *pw, const char *key_hex,
			      const char *addr_text)
{
	char rel[256], addr_str[SSP_ADDR_STRLEN];
	uint8_t want[32], got[32], addr[SSP_ADDR_LEN];
	ssp_errmsg em = { { 0 } };
	double t0 = now(), dt;
	int rc;

	snprintf(rel, sizeof(rel), "keystore/%s", file);
	CU_ASSERT_FATAL(ssp_hex_decode_exact(key_hex, want, 32) == 0);
	memset(got, 0xaa, sizeof(got));
	rc = ssp_keystore_read(ssp_cu_data(rel), pw, got, &em);
	dt = now() - t0;
	if (rc != 0)
		fprintf(stderr, "\n  %s: %s (%s)\n", file, ssp_strerror(rc), em.msg);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	CU_ASSERT_EQUAL(ssp_key_address(got, addr), 0);
	CU_ASSERT_STRING_EQUAL(ssp_address_format(addr, addr_str), addr_text);
	printf("\n    %-22s decrypted in %.3f s ", file, dt);

	/* a wrong password is a clear, distinct error and leaves no key behind */
	memset(got, 0xaa, sizeof(got));
	memset(&em, 0, sizeof(em));
	CU_ASSERT_EQUAL(ssp_keystore_read(ssp_cu_data(rel), "not the password", got, &em),
			SSP_ERR_BAD_PASSWORD);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "wrong password"));
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, file));
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(got[i], 0);
}

static void test_vectors(void)
{
	char *text = ssp_cu_slurp("keystore/vectors.txt", NULL), *save = NULL, *line;
	int count = 0, web3 = 0, geth = 0, foundry = 0, ethers = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];

		if (line[0] == '#')
			continue;
		CU_ASSERT_FATAL(split_tabs(line, f, 4) == 4);
		check_vector_file(f[0], f[1], f[2], f[3]);
		web3 += strncmp(f[0], "web3-", 5) == 0;
		geth += strncmp(f[0], "geth-", 5) == 0;
		foundry += strncmp(f[0], "foundry-", 8) == 0;
		ethers += strncmp(f[0], "ethers-", 7) == 0;
		count++;
	}
	CU_ASSERT_EQUAL(count, 7);
	CU_ASSERT_EQUAL(web3, 2);
	CU_ASSERT(geth >= 1 && foundry >= 2 && ethers >= 2);
	free(text);
}

/* geth and cast accept a 31-byte ciphertext (an old geth bug dropped leading zero bytes);
 * we require the 32 bytes every current writer produces. */
static void test_short_ciphertext(void)
{
	uint8_t key[32];
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL(ssp_keystore_read(ssp_cu_data("keystore/geth-31-byte-key.json"), "foo", key,
					  &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "ciphertext"));
}

/* ---- round trips ---- */

static void test_roundtrip(void)
{
	uint8_t key[32], back[32], addr[SSP_ADDR_LEN];
	char *j1 = NULL, *j2 = NULL, hex[2 * SSP_ADDR_LEN + 3];
	ssp_errmsg em = { { 0 } };
	json_t *root;
	const char *id;

	CU_ASSERT_FATAL(ssp_key_generate(key) == 0);
	CU_ASSERT_FATAL(ssp_key_address(key, addr) == 0);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "pw", &light, &j1), 0);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "pw", &light, &j2), 0);
	CU_ASSERT_FATAL(j1 != NULL && j2 != NULL);
	CU_ASSERT_STRING_NOT_EQUAL(j1, j2); /* fresh salt, iv and id */
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(j1, strlen(j1), "pw", back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(j2, strlen(j2), "pW", back, &em), SSP_ERR_BAD_PASSWORD);

	/* geth's layout */
	root = json_loads(j1, 0, NULL);
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(root, "address")),
			       ssp_hex_encode(addr, sizeof(addr), hex, 0));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "version")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(json_object_get(root,
			"crypto"), "kdfparams"), "n")), 4096);
	id = json_string_value(json_object_get(root, "id"));
	CU_ASSERT_FATAL(id != NULL);
	CU_ASSERT_EQUAL(strlen(id), 36);
	CU_ASSERT_EQUAL(id[14], '4');
	CU_ASSERT_PTR_NOT_NULL(strchr("89ab", id[19]));
	CU_ASSERT(id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-');
	json_decref(root);
	free(j1);
	free(j2);

	/* an empty password is a password */
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "", &light, &j1), 0);
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(j1, strlen(j1), "", back, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);
	free(j1);
}

static void test_default_params(void)
{
	uint8_t key[32], back[32];
	char *j = NULL;
	double t0, t1, t2;

	CU_ASSERT_FATAL(ssp_key_generate(key) == 0);
	t0 = now();
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "slow", NULL, &j), 0);
	t1 = now();
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"n\":262144"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"r\":8"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"p\":1"));
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(j, strlen(j), "slow", back, NULL), 0);
	t2 = now();
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);
	printf("\n    default params (n=2^18): encrypt %.3f s, decrypt %.3f s ", t1 - t0, t2 - t1);
	free(j);
}

static void test_encrypt_rejects(void)
{
	uint8_t zero[32] = { 0 }, key[32];
	ssp_keystore_params bad = { 1000, 8, 1 }, huge = { 1u << 21, 8, 1 };
	char *j = (char *)"sentinel";

	CU_ASSERT_FATAL(ssp_key_generate(key) == 0);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(zero, "pw", &light, &j), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(j);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, NULL, &light, &j), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "pw", &bad, &j), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_keystore_encrypt(key, "pw", &huge, &j), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(j);
}

/* ---- files ---- */

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void test_write_read(void)
{
	char dir[4096], path[4200], pwfile[4200];
	uint8_t key[32], other[32], back[32];
	ssp_errmsg em = { { 0 } };
	struct stat st;
	char *text;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/ks-write", ssp_cu_tmpdir());
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/key.json", dir);
	snprintf(pwfile, sizeof(pwfile), "%s/../ks-pw", dir);
	CU_ASSERT_FATAL(ssp_key_generate(key) == 0 && ssp_key_generate(other) == 0);

	CU_ASSERT_EQUAL(ssp_keystore_write(path, key, "file pw", &light), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(count_entries(dir), 1); /* no temporary file left */
	CU_ASSERT_EQUAL(ssp_keystore_read(path, "file pw", back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);

	/* never overwrites: the first key stays */
	CU_ASSERT_EQUAL(ssp_keystore_write(path, other, "file pw", &light), SSP_ERR_EXISTS);
	CU_ASSERT_EQUAL(ssp_keystore_read(path, "file pw", back, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);
	CU_ASSERT_EQUAL(count_entries(dir), 1);

	/* an invalid key or a missing directory leaves nothing behind */
	memset(other, 0xff, sizeof(other));
	CU_ASSERT_EQUAL(ssp_keystore_write(tmp_path("ks-write/bad.json"), other, "pw", &light),
			SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(count_entries(dir), 1);
	CU_ASSERT_EQUAL(ssp_keystore_write(tmp_path("no/such/dir/k.json"), key, "pw", &light),
			SSP_ERR_IO);

	/* load: password from a private file; its trailing newline is not part of it */
	CU_ASSERT_EQUAL(ssp_file_write_atomic(pwfile, "file pw\n", 8, 0600), 0);
	memset(back, 0, sizeof(back));
	CU_ASSERT_EQUAL(ssp_keystore_load(path, pwfile, back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(key, back, 32), 0);
	/* a password file others can read is refused, naming the file */
	CU_ASSERT_EQUAL(chmod(pwfile, 0644), 0);
	memset(&em, 0, sizeof(em));
	CU_ASSERT_EQUAL(ssp_keystore_load(path, pwfile, back, &em), SSP_ERR_PERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "ks-pw"));
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "chmod 600"));
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(back[i], 0);
	CU_ASSERT_EQUAL(chmod(pwfile, 0640), 0);
	CU_ASSERT_EQUAL(ssp_keystore_load(path, pwfile, back, NULL), SSP_ERR_PERM);
	CU_ASSERT_EQUAL(chmod(pwfile, 0600), 0);
	/* a wrong password in the file */
	CU_ASSERT_EQUAL(ssp_file_write_atomic(pwfile, "file PW\n", 8, 0600), 0);
	CU_ASSERT_EQUAL(ssp_keystore_load(path, pwfile, back, &em), SSP_ERR_BAD_PASSWORD);
	CU_ASSERT_EQUAL(ssp_keystore_load(path, tmp_path("no-pw-file"), back, &em),
			SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "no-pw-file"));
	CU_ASSERT_EQUAL(ssp_keystore_load(tmp_path("no-keystore"), pwfile, back, &em),
			SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "no-keystore"));

	/* oversized file */
	text = malloc(SSP_KEYSTORE_MAX_FILE + 2);
	CU_ASSERT_FATAL(text != NULL);
	memset(text, ' ', SSP_KEYSTORE_MAX_FILE + 1);
	CU_ASSERT_EQUAL(ssp_file_write_atomic(tmp_path("big.json"), text, SSP_KEYSTORE_MAX_FILE + 1,
					      0600), 0);
	CU_ASSERT_EQUAL(ssp_keystore_read(tmp_path("big.json"), "pw", back, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "big.json"));
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(text, SSP_KEYSTORE_MAX_FILE + 1, "pw", back, &em),
			SSP_ERR_TOO_BIG);
	free(text);
	/* a valid file padded to exactly the cap is still read */
	text = ssp_cu_slurp("keystore/geth-aaa.json", &len);
	{
		char *pad = malloc(SSP_KEYSTORE_MAX_FILE);

		CU_ASSERT_FATAL(pad != NULL);
		memset(pad, '\n', SSP_KEYSTORE_MAX_FILE);
		memcpy(pad, text, len);
		CU_ASSERT_EQUAL(ssp_keystore_decrypt(pad, SSP_KEYSTORE_MAX_FILE, "foobar", back, &em), 0);
		free(pad);
	}
	free(text);
	CU_ASSERT_EQUAL(ssp_keystore_read(ssp_cu_tmpdir(), "pw", back, &em), SSP_ERR_IO);
}

/* ---- garbage ---- */

/* geth's "aaa" file (n = 8: cheap), parsed for mutation. */
static json_t *base_json(void)
{
	char *text = ssp_cu_slurp("keystore/geth-aaa.json", NULL);
	json_t *j = json_loads(text, 0, NULL);

	free(text);
	CU_ASSERT_FATAL(j != NULL);
	return j;
}

/* Decrypts j with "foobar"; returns the code and leaves the message in em. */
static int try_json(json_t *j, ssp_errmsg *em)
{
	char *text = json_dumps(j, JSON_COMPACT);
	uint8_t key[32];
	int rc;

	memset(em, 0, sizeof(*em));
	rc = ssp_keystore_decrypt(text, strlen(text), "foobar", key, em);
	free(text);
	return rc;
}

/* Applies a change at a dotted path ("crypto.kdfparams.n") of a fresh base document:
 * val == NULL deletes the member. Returns the decrypt code and checks em names `name`. */
static int mutate(const char *path, json_t *val, const char *name)
{
	json_t *root = base_json(), *obj = root;
	char buf[128], *dot, *key = buf;
	ssp_errmsg em;
	int rc;

	snprintf(buf, sizeof(buf), "%s", path);
	while ((dot = strchr(key, '.')) != NULL) {
		*dot = '\0';
		obj = json_object_get(obj, key);
		CU_ASSERT_FATAL(obj != NULL);
		key = dot + 1;
	}
	if (val == NULL) {
		CU_ASSERT_FATAL(json_object_del(obj, key) == 0);
	} else {
		CU_ASSERT_FATAL(json_object_set_new(obj, key, val) == 0);
	}
	rc = try_json(root, &em);
	if (name != NULL && strstr(em.msg, name) == NULL) {
		fprintf(stderr, "\n  %s: message \"%s\" does not name %s\n", path, em.msg, name);
		CU_FAIL("error message does not name the field");
	}
	json_decref(root);
	return rc;
}

static void test_garbage_fields(void)
{
	static const char *required[] = {
		"version", "crypto", "crypto.cipher", "crypto.cipherparams", "crypto.cipherparams.iv",
		"crypto.ciphertext", "crypto.kdf", "crypto.kdfparams", "crypto.kdfparams.dklen",
		"crypto.kdfparams.salt", "crypto.kdfparams.n", "crypto.kdfparams.r",
		"crypto.kdfparams.p", "crypto.mac",
	};
	ssp_errmsg em;
	json_t *root;

	/* the base document itself is good */
	root = base_json();
	CU_ASSERT_EQUAL(try_json(root, &em), 0);
	json_decref(root);

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const char *leaf = strrchr(required[i], '.');

		leaf = leaf ? leaf + 1 : required[i];
		/* missing */
		CU_ASSERT_EQUAL(mutate(required[i], NULL, leaf), SSP_ERR_PARSE);
		/* wrong types */
		CU_ASSERT_EQUAL(mutate(required[i], json_array(), leaf), SSP_ERR_PARSE);
		CU_ASSERT_EQUAL(mutate(required[i], json_null(), leaf), SSP_ERR_PARSE);
		if (strcmp(leaf, "cipher") != 0 && strcmp(leaf, "kdf") != 0)
			CU_ASSERT_EQUAL(mutate(required[i], json_real(3.0), leaf), SSP_ERR_PARSE);
	}
	/* strings where numbers belong, and the reverse */
	CU_ASSERT_EQUAL(mutate("version", json_string("3"), "version"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_string("8"), "n"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(-8), "n"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.mac", json_integer(7), "mac"), SSP_ERR_PARSE);
	/* bad hex */
	CU_ASSERT_EQUAL(mutate("crypto.cipherparams.iv", json_string("dfd9ee70812add5f4b8f89d0811c91"),
			       "iv"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.cipherparams.iv", json_string("zzd9ee70812add5f4b8f89d0811c9158"),
			       "iv"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.mac", json_string("bac9af99"), "mac"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.ciphertext", json_string(""), "ciphertext"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.ciphertext",
			       json_string("cb664472deacb41a2e995fa7f96fe29ce744471deb8d146a0e43c7898c9ddd4d00"),
			       "ciphertext"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.salt", json_string("0d6"), "salt"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("address", json_string("f466859ead1932d743d622cb74fc058882e8648"),
			       "address"), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(mutate("address", json_integer(1), "address"), SSP_ERR_PARSE);
	/* the address must be the key's */
	CU_ASSERT_EQUAL(mutate("address", json_string("f466859ead1932d743d622cb74fc058882e8648b"),
			       "address"), SSP_ERR_MISMATCH);
	/* with or without 0x, any case */
	CU_ASSERT_EQUAL(mutate("address", json_string("0xF466859EAD1932D743D622CB74FC058882E8648A"),
			       NULL), 0);
	CU_ASSERT_EQUAL(mutate("address", NULL, NULL), 0);
	/* unknown members are ignored */
	CU_ASSERT_EQUAL(mutate("x-other", json_string("hello"), NULL), 0);
	CU_ASSERT_EQUAL(mutate("id", json_integer(5), NULL), 0);
}

static void test_garbage_values(void)
{
	json_t *root;
	ssp_errmsg em;

	/* unsupported, named */
	CU_ASSERT_EQUAL(mutate("version", json_integer(1), "version 1"), SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(mutate("version", json_integer(4), "version 4"), SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(mutate("crypto.cipher", json_string("aes-128-cbc"), "aes-128-cbc"),
			SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(mutate("crypto.kdf", json_string("argon2id"), "argon2id"),
			SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.dklen", json_integer(64), "dklen"),
			SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.dklen", json_integer(16), "dklen"),
			SSP_ERR_UNSUPPORTED);
	/* absurd scrypt costs are refused before any work */
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(1 << 21), "n"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(1ll << 40), "n"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(1000), "n"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(0), "n"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.n", json_integer(1), "n"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.r", json_integer(0), "r"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.p", json_integer(0), "p"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.p", json_integer(1 << 20), "p"), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.r", json_integer(1ll << 33), "r"), SSP_ERR_RANGE);
	/* an overlong salt */
	{
		char salt[2 * 300 + 1];

		memset(salt, 'a', 600);
		salt[600] = '\0';
		CU_ASSERT_EQUAL(mutate("crypto.kdfparams.salt", json_string(salt), "salt"),
				SSP_ERR_RANGE);
	}
	/* a changed iv or salt still parses but the MAC or key no longer matches */
	CU_ASSERT_EQUAL(mutate("crypto.kdfparams.salt", json_string("00"), NULL),
			SSP_ERR_BAD_PASSWORD);
	CU_ASSERT_EQUAL(mutate("crypto.ciphertext",
			       json_string("cb664472deacb41a2e995fa7f96fe29ce744471deb8d146a0e43c7898c9ddd4e"),
			       "wrong password"), SSP_ERR_BAD_PASSWORD);
	CU_ASSERT_EQUAL(mutate("crypto.cipherparams.iv", json_string("dfd9ee70812add5f4b8f89d0811c9159"),
			       "address"), SSP_ERR_MISMATCH);

	/* pbkdf2: prf, iteration count */
	root = json_loads("{\"version\":3,\"crypto\":{\"cipher\":\"aes-128-ctr\","
			  "\"cipherparams\":{\"iv\":\"6087dab2f9fdbbfaddc31a909735c1e6\"},"
			  "\"ciphertext\":\"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\","
			  "\"kdf\":\"pbkdf2\",\"kdfparams\":{\"c\":262144,\"dklen\":32,"
			  "\"prf\":\"hmac-sha512\",\"salt\":\"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd\"},"
			  "\"mac\":\"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2\"}}",
			  0, NULL);
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT_EQUAL(try_json(root, &em), SSP_ERR_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "hmac-sha512"));
	json_object_set_new(json_object_get(json_object_get(root, "crypto"), "kdfparams"), "prf",
			    json_string("hmac-sha256"));
	json_object_set_new(json_object_get(json_object_get(root, "crypto"), "kdfparams"), "c",
			    json_integer(10000001));
	CU_ASSERT_EQUAL(try_json(root, &em), SSP_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "kdfparams.c"));
	json_object_set_new(json_object_get(json_object_get(root, "crypto"), "kdfparams"), "c",
			    json_integer(0));
	CU_ASSERT_EQUAL(try_json(root, &em), SSP_ERR_RANGE);
	json_object_del(json_object_get(json_object_get(root, "crypto"), "kdfparams"), "prf");
	CU_ASSERT_EQUAL(try_json(root, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "prf"));
	json_decref(root);

	/* "Crypto" is accepted, both at once is not */
	root = base_json();
	json_object_set(root, "Crypto", json_object_get(root, "crypto"));
	CU_ASSERT_EQUAL(try_json(root, &em), SSP_ERR_PARSE);
	json_object_del(root, "crypto");
	CU_ASSERT_EQUAL(try_json(root, &em), 0);
	json_decref(root);
}

static void test_garbage_text(void)
{
	char *text;
	size_t len;
	uint8_t key[32], junk[600];
	ssp_errmsg em;
	static const char *bad[] = {
		"", "null", "3", "[]", "\"keystore\"", "{", "}", "{\"version\":3}",
		"{\"version\":3,\"crypto\":[]}", "{\"version\":3,\"crypto\":{}}",
		"not json at all", "\xff\xfe{}", "{\"version\":3,\"version\":3}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&em, 0, sizeof(em));
		CU_ASSERT_EQUAL(ssp_keystore_decrypt(bad[i], strlen(bad[i]), "pw", key, &em),
				SSP_ERR_PARSE);
		CU_ASSERT_NOT_EQUAL(em.msg[0], '\0');
	}
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(NULL, 0, "pw", key, NULL), SSP_ERR_INVAL);

	/* every truncation of a good file is malformed */
	text = ssp_cu_slurp("keystore/geth-aaa.json", &len);
	for (size_t cut = 0; cut < len; cut++)
		CU_ASSERT_EQUAL(ssp_keystore_decrypt(text, cut, "foobar", key, NULL), SSP_ERR_PARSE);
	/* an embedded NUL */
	text[len / 2] = '\0';
	CU_ASSERT_EQUAL(ssp_keystore_decrypt(text, len, "foobar", key, NULL), SSP_ERR_PARSE);
	free(text);

	/* random bytes, and random byte flips of a good file: never a crash, and a success
	 * can only ever yield the right key (e.g. a flip inside the ignored "id") */
	text = ssp_cu_slurp("keystore/geth-aaa.json", &len);
	for (int i = 0; i < 300; i++) {
		char *copy = malloc(len);
		uint8_t r[3], want[32];

		CU_ASSERT_FATAL(copy != NULL && RAND_bytes(r, 3) == 1 &&
				RAND_bytes(junk, sizeof(junk)) == 1);
		CU_ASSERT(ssp_keystore_decrypt((const char *)junk, sizeof(junk), "pw", key, NULL) != 0);
		memcpy(copy, text, len);
		copy[((size_t)r[0] << 8 | r[1]) % len] ^= (char)(r[2] | 1);
		if (ssp_keystore_decrypt(copy, len, "foobar", key, NULL) == 0) {
			CU_ASSERT_EQUAL(ssp_hex_decode_exact(
				"539f9b4106fb452408e1ee43d177077f057a8fdc1e1fad92c61e68982b4e3c4b", want, 32), 0);
			CU_ASSERT_EQUAL(memcmp(key, want, 32), 0);
		}
		free(copy);
	}
	free(text);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "scrypt RFC 7914 vectors (openssl kdf), both paths", test_scrypt_vectors },
		{ "built-in scrypt equals OpenSSL's", test_scrypt_builtin_vs_openssl },
		{ "scrypt limits", test_scrypt_limits },
		{ "geth/Web3, foundry and ethers files", test_vectors },
		{ "31-byte ciphertext refused", test_short_ciphertext },
		{ "encrypt/decrypt round trip, geth layout", test_roundtrip },
		{ "default parameters (n=2^18)", test_default_params },
		{ "encrypt rejects bad keys and params", test_encrypt_rejects },
		{ "write 0600, no overwrite, load, caps", test_write_read },
		{ "garbage: missing fields, wrong types, bad hex", test_garbage_fields },
		{ "garbage: unsupported and absurd values", test_garbage_values },
		{ "garbage: text, truncation, random", test_garbage_text },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("keystore", tests);
}
