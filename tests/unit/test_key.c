/* Suite for lib/ssp_key: addresses and signatures checked against foundry's cast
 * (tests/data/key_vectors.txt), EIP-55 examples from the EIP text (tests/data/key_eip55.txt). */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 64

struct addr_vec {
	uint8_t key[32];
	char text[SSP_ADDR_STRLEN];
};

struct sign_vec {
	uint8_t key[32];
	uint8_t digest[32];
	uint8_t sig[65];
};

static struct addr_vec avecs[MAXV];
static struct sign_vec svecs[MAXV];
static size_t naddr, nsign;
static char eip55[MAXV][SSP_ADDR_STRLEN];
static size_t neip55;

static const uint8_t order_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

static void die(const char *what)
{
	fprintf(stderr, "bad test data: %s\n", what);
	exit(2);
}

static void load(void)
{
	char *text = ssp_cu_slurp("key_vectors.txt", NULL), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[8], f1[80], f2[80], f3[140];
		int n;

		if (line[0] == '#')
			continue;
		n = sscanf(line, "%7s %79s %79s %139s", kind, f1, f2, f3);
		if (strcmp(kind, "addr") == 0 && n == 3 && naddr < MAXV) {
			struct addr_vec *v = &avecs[naddr++];

			if (ssp_hex_decode_exact(f1, v->key, 32) != 0 || strlen(f2) != 42)
				die(line);
			memcpy(v->text, f2, SSP_ADDR_STRLEN);
		} else if (strcmp(kind, "sign") == 0 && n == 4 && nsign < MAXV) {
			struct sign_vec *v = &svecs[nsign++];

			if (ssp_hex_decode_exact(f1, v->key, 32) != 0 ||
			    ssp_hex_decode_exact(f2, v->digest, 32) != 0 ||
			    ssp_hex_decode_exact(f3, v->sig, 65) != 0)
				die(line);
		} else {
			die(line);
		}
	}
	free(text);
	text = ssp_cu_slurp("key_eip55.txt", NULL);
	save = NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (strlen(line) != 42 || neip55 == MAXV)
			die(line);
		memcpy(eip55[neip55++], line, SSP_ADDR_STRLEN);
	}
	free(text);
}

/* The cast address of key, as text; NULL when the vectors lack it. */
static const char *addr_of(const uint8_t key[32])
{
	for (size_t i = 0; i < naddr; i++)
		if (memcmp(avecs[i].key, key, 32) == 0)
			return avecs[i].text;
	return NULL;
}

static void test_addresses(void)
{
	CU_ASSERT_TRUE_FATAL(naddr >= 7);
	for (size_t i = 0; i < naddr; i++) {
		uint8_t addr[20], parsed[20];
		char text[SSP_ADDR_STRLEN];

		CU_ASSERT_EQUAL(ssp_key_check(avecs[i].key), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_key_address(avecs[i].key, addr), 0);
		CU_ASSERT_STRING_EQUAL(ssp_address_format(addr, text), avecs[i].text);
		CU_ASSERT_EQUAL(ssp_address_parse(avecs[i].text, parsed), 0);
		CU_ASSERT_EQUAL(memcmp(parsed, addr, 20), 0);
	}
}

static void test_pubkey(void)
{
	/* Generator G = pubkey of secret 1 (SEC 2 constants). */
	static const char gx_gy[] =
		"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
		"483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
	uint8_t one[32] = { 0 }, pub[64], want[64], addr[20], addr2[20];

	one[31] = 1;
	CU_ASSERT_EQUAL_FATAL(ssp_hex_decode_exact(gx_gy, want, 64), 0);
	CU_ASSERT_EQUAL(ssp_key_pubkey(one, pub), 0);
	CU_ASSERT_EQUAL(memcmp(pub, want, 64), 0);
	ssp_pubkey_address(pub, addr);
	CU_ASSERT_EQUAL(ssp_key_address(one, addr2), 0);
	CU_ASSERT_EQUAL(memcmp(addr, addr2, 20), 0);
}

static void test_sign_matches_cast(void)
{
	int v27 = 0, v28 = 0;

	CU_ASSERT_TRUE_FATAL(nsign >= 20);
	for (size_t i = 0; i < nsign; i++) {
		uint8_t sig[65];

		CU_ASSERT_EQUAL(ssp_sign(svecs[i].key, svecs[i].digest, sig), 0);
		CU_ASSERT_EQUAL(memcmp(sig, svecs[i].sig, 65), 0);
		v27 += sig[64] == 27;
		v28 += sig[64] == 28;
	}
	/* The vectors exercise both recovery ids. */
	CU_ASSERT_TRUE(v27 > 0 && v28 > 0);
	CU_ASSERT_EQUAL(v27 + v28, (int)nsign);
}

static void test_recover_cast(void)
{
	for (size_t i = 0; i < nsign; i++) {
		const char *want = addr_of(svecs[i].key);
		uint8_t addr[20], expect[20], sig01[65];

		CU_ASSERT_PTR_NOT_NULL_FATAL(want);
		CU_ASSERT_EQUAL_FATAL(ssp_address_parse(want, expect), 0);
		CU_ASSERT_EQUAL(ssp_recover(svecs[i].digest, svecs[i].sig, addr), 0);
		CU_ASSERT_EQUAL(memcmp(addr, expect, 20), 0);
		CU_ASSERT_EQUAL(ssp_verify(svecs[i].digest, svecs[i].sig, expect), 0);
		/* v as 0/1 is accepted too. */
		memcpy(sig01, svecs[i].sig, 65);
		sig01[64] -= 27;
		CU_ASSERT_EQUAL(ssp_recover(svecs[i].digest, sig01, addr), 0);
		CU_ASSERT_EQUAL(memcmp(addr, expect, 20), 0);
	}
}

static void test_verify_wrong(void)
{
	const struct sign_vec *v = &svecs[0];
	uint8_t expect[20], other[20], digest[32], sig[65], addr[20];
	int rc;

	CU_ASSERT_EQUAL_FATAL(ssp_address_parse(addr_of(v->key), expect), 0);
	memcpy(other, expect, 20);
	other[19] ^= 1;
	CU_ASSERT_EQUAL(ssp_verify(v->digest, v->sig, other), SSP_ERR_BAD_SIG);
	/* Another digest recovers some other key, or nothing at all. */
	memcpy(digest, v->digest, 32);
	digest[0] ^= 0x80;
	CU_ASSERT_EQUAL(ssp_verify(digest, v->sig, expect), SSP_ERR_BAD_SIG);
	rc = ssp_recover(digest, v->sig, addr);
	CU_ASSERT_TRUE(rc == SSP_ERR_BAD_SIG || (rc == 0 && memcmp(addr, expect, 20) != 0));
	/* Flipping v recovers a different key. */
	memcpy(sig, v->sig, 65);
	sig[64] ^= 27 ^ 28;
	CU_ASSERT_EQUAL(ssp_verify(v->digest, sig, expect), SSP_ERR_BAD_SIG);
}

/* out = n - s (big-endian 256-bit). */
static void n_minus(const uint8_t s[32], uint8_t out[32])
{
	int borrow = 0;

	for (int i = 31; i >= 0; i--) {
		int d = order_n[i] - s[i] - borrow;

		borrow = d < 0;
		out[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

static void test_high_s_rejected(void)
{
	for (size_t i = 0; i < nsign; i++) {
		uint8_t sig[65], addr[20];

		memcpy(sig, svecs[i].sig, 65);
		n_minus(svecs[i].sig + 32, sig + 32);
		sig[64] = svecs[i].sig[64] == 27 ? 28 : 27;
		/* The malleated twin is a mathematically valid signature of the same key... */
		CU_ASSERT_TRUE(memcmp(sig + 32, svecs[i].sig + 32, 32) > 0);
		/* ...and must still be refused. */
		CU_ASSERT_EQUAL(ssp_recover(svecs[i].digest, sig, addr), SSP_ERR_BAD_SIG);
		sig[64] -= 27;
		CU_ASSERT_EQUAL(ssp_recover(svecs[i].digest, sig, addr), SSP_ERR_BAD_SIG);
	}
}

static void test_bad_sig_fields(void)
{
	static const uint8_t bad_v[] = { 2, 3, 26, 29, 35, 36, 255 };
	const struct sign_vec *v = &svecs[0];
	uint8_t sig[65], addr[20];

	for (size_t i = 0; i < sizeof bad_v; i++) {
		memcpy(sig, v->sig, 65);
		sig[64] = bad_v[i];
		CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	}
	memcpy(sig, v->sig, 65);
	memset(sig, 0, 32); /* r = 0 */
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	memcpy(sig, v->sig, 65);
	memset(sig + 32, 0, 32); /* s = 0 */
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	memcpy(sig, v->sig, 65);
	memcpy(sig, order_n, 32); /* r = n */
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	memset(sig, 0xff, 32); /* r > n */
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	memcpy(sig, v->sig, 65);
	memcpy(sig + 32, order_n, 32); /* s = n */
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
	memset(sig, 0, 65);
	sig[64] = 27;
	CU_ASSERT_EQUAL(ssp_recover(v->digest, sig, addr), SSP_ERR_BAD_SIG);
}

static void test_bad_keys(void)
{
	uint8_t zero[32] = { 0 }, ff[32], sig[65], addr[20], pub[64], nm1[32], one[32] = { 0 };

	memset(ff, 0xff, 32);
	one[31] = 1;
	n_minus(one, nm1);
	CU_ASSERT_EQUAL(ssp_key_check(zero), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_key_check(order_n), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_key_check(ff), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_key_check(nm1), 0);
	CU_ASSERT_EQUAL(ssp_sign(zero, svecs[0].digest, sig), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_sign(order_n, svecs[0].digest, sig), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_key_address(zero, addr), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_key_pubkey(ff, pub), SSP_ERR_INVAL);
}

static void test_generate(void)
{
	uint8_t k1[32], k2[32], addr[20], sig[65], got[20];

	CU_ASSERT_EQUAL_FATAL(ssp_key_generate(k1), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_key_generate(k2), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(k1, k2, 32), 0);
	CU_ASSERT_EQUAL(ssp_key_check(k1), 0);
	CU_ASSERT_EQUAL(ssp_key_address(k1, addr), 0);
	CU_ASSERT_EQUAL(ssp_sign(k1, svecs[0].digest, sig), 0);
	CU_ASSERT_EQUAL(ssp_recover(svecs[0].digest, sig, got), 0);
	CU_ASSERT_EQUAL(memcmp(got, addr, 20), 0);
}

static void test_eip55_spec(void)
{
	CU_ASSERT_TRUE_FATAL(neip55 >= 8);
	for (size_t i = 0; i < neip55; i++) {
		uint8_t addr[20];
		char out[SSP_ADDR_STRLEN], lower[SSP_ADDR_STRLEN], upper[SSP_ADDR_STRLEN];

		CU_ASSERT_EQUAL_FATAL(ssp_address_parse(eip55[i], addr), 0);
		CU_ASSERT_STRING_EQUAL(ssp_address_format(addr, out), eip55[i]);
		for (int j = 0; j < SSP_ADDR_STRLEN; j++) {
			lower[j] = (char)tolower((unsigned char)eip55[i][j]);
			upper[j] = j < 2 ? eip55[i][j] : (char)toupper((unsigned char)eip55[i][j]);
		}
		memset(addr, 0, 20);
		CU_ASSERT_EQUAL(ssp_address_parse(lower, addr), 0);
		CU_ASSERT_STRING_EQUAL(ssp_address_format(addr, out), eip55[i]);
		CU_ASSERT_EQUAL(ssp_address_parse(upper, addr), 0);
		CU_ASSERT_STRING_EQUAL(ssp_address_format(addr, out), eip55[i]);
	}
}

/* Mixed case with any one letter's case flipped fails the checksum. */
static void test_eip55_wrong_checksum(void)
{
	for (size_t i = 0; i < neip55; i++) {
		int lower = 0, upper = 0;

		for (int j = 2; j < 42; j++) {
			lower |= islower((unsigned char)eip55[i][j]);
			upper |= isupper((unsigned char)eip55[i][j]);
		}
		if (!(lower && upper))
			continue;
		for (int j = 2; j < 42; j++) {
			char t[SSP_ADDR_STRLEN];
			uint8_t addr[20];

			if (!isalpha((unsigned char)eip55[i][j]))
				continue;
			memcpy(t, eip55[i], SSP_ADDR_STRLEN);
			t[j] = (char)(isupper((unsigned char)t[j]) ? tolower((unsigned char)t[j])
								   : toupper((unsigned char)t[j]));
			CU_ASSERT_EQUAL(ssp_address_parse(t, addr), SSP_ERR_CHECKSUM);
		}
	}
}

static void test_address_garbage(void)
{
	static const char *const bad[] = {
		"",
		"0x",
		"0",
		"x",
		"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",     /* no 0x */
		"005aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",   /* 00 instead of 0x */
		"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",   /* 0X */
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",    /* 39 digits */
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",  /* 41 digits */
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00", /* 42 digits */
		"0xgaaeb6053f3e94c9b9a09f33669435e7ef1beaed",   /* non-hex */
		" 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed ",
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\n",
		"0x 5aaeb6053f3e94c9b9a09f33669435e7ef1beae",
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\xc3\xa9",
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\xff\xff",
		"0x-aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
	};
	uint8_t addr[20];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(addr, 0xa5, 20);
		CU_ASSERT_EQUAL(ssp_address_parse(bad[i], addr), SSP_ERR_PARSE);
		/* Nothing is written on failure. */
		CU_ASSERT_EQUAL(addr[0], 0xa5);
	}
	CU_ASSERT_EQUAL(ssp_address_parse(NULL, addr), SSP_ERR_PARSE);
}

/* The lazily created context is shared safely: concurrent first use from several threads. */
static void *sign_thread(void *arg)
{
	size_t *bad = arg;

	for (size_t i = 0; i < nsign; i++) {
		uint8_t sig[65], addr[20];

		if (ssp_sign(svecs[i].key, svecs[i].digest, sig) != 0 ||
		    memcmp(sig, svecs[i].sig, 65) != 0 ||
		    ssp_recover(svecs[i].digest, sig, addr) != 0)
			(*bad)++;
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[4];
	size_t bad[4] = { 0 };

	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, sign_thread, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(bad[i], 0);
	}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "threads first use", test_threads },
		{ "cast addresses", test_addresses },
		{ "pubkey of 1 is G", test_pubkey },
		{ "sign matches cast byte for byte", test_sign_matches_cast },
		{ "recover cast signatures", test_recover_cast },
		{ "verify rejects wrong address/digest/v", test_verify_wrong },
		{ "high-s twin rejected", test_high_s_rejected },
		{ "bad v, r, s rejected", test_bad_sig_fields },
		{ "invalid secret keys", test_bad_keys },
		{ "generate", test_generate },
		{ "EIP-55 spec examples", test_eip55_spec },
		{ "EIP-55 wrong checksum", test_eip55_wrong_checksum },
		{ "address garbage", test_address_garbage },
		CU_TEST_INFO_NULL,
	};

	load();
	return ssp_cu_run("key", tests);
}
