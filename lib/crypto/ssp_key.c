/* secp256k1 keys and recoverable signatures on libsecp256k1; Ethereum addresses (EIP-55). */
#include "crypto/ssp_key.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <string.h>

/* The group order n and n/2 (rounded down), big-endian. */
static const uint8_t order_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};
static const uint8_t half_n[32] = {
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
};

static secp256k1_context *g_ctx;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void ctx_create(void)
{
	uint8_t seed[32];
	secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);

	if (c == NULL)
		return;
	/* Blinding against side channels; an unrandomized context would still be correct,
	 * but refuse to run without the CSPRNG rather than silently weaken signing. */
	if (RAND_bytes(seed, sizeof seed) != 1 || !secp256k1_context_randomize(c, seed)) {
		secp256k1_context_destroy(c);
		ssp_wipe(seed, sizeof seed);
		return;
	}
	ssp_wipe(seed, sizeof seed);
	g_ctx = c;
}

/* The shared context, created and randomized once; NULL when that failed. After creation it is
 * only read, which libsecp256k1 allows from several threads at once. */
static const secp256k1_context *ctx(void)
{
	if (pthread_once(&g_once, ctx_create) != 0)
		return NULL;
	return g_ctx;
}

/* Big-endian comparison of two 32-byte numbers: -1, 0, 1. */
static int cmp32(const uint8_t a[32], const uint8_t b[32])
{
	return memcmp(a, b, 32) < 0 ? -1 : memcmp(a, b, 32) > 0 ? 1 : 0;
}

static int is_zero32(const uint8_t a[32])
{
	uint8_t acc = 0;

	for (int i = 0; i < 32; i++)
		acc |= a[i];
	return acc == 0;
}

int ssp_key_generate(uint8_t seckey[32])
{
	const secp256k1_context *c = ctx();

	if (c == NULL)
		return SSP_ERR_CRYPTO;
	/* A random 32-byte string is invalid with probability about 2^-128: a handful of tries
	 * is plenty, and failing them all means the generator is broken. */
	for (int tries = 0; tries < 16; tries++) {
		if (RAND_bytes(seckey, 32) != 1)
			break;
		if (secp256k1_ec_seckey_verify(c, seckey))
			return 0;
	}
	ssp_wipe(seckey, 32);
	return SSP_ERR_CRYPTO;
}

int ssp_key_check(const uint8_t seckey[32])
{
	const secp256k1_context *c = ctx();

	if (c == NULL)
		return SSP_ERR_CRYPTO;
	return secp256k1_ec_seckey_verify(c, seckey) ? 0 : SSP_ERR_INVAL;
}

int ssp_key_pubkey(const uint8_t seckey[32], uint8_t pub[64])
{
	const secp256k1_context *c = ctx();
	secp256k1_pubkey pk;
	uint8_t ser[65];
	size_t serlen = sizeof ser;

	if (c == NULL)
		return SSP_ERR_CRYPTO;
	if (!secp256k1_ec_pubkey_create(c, &pk, seckey))
		return SSP_ERR_INVAL;
	if (!secp256k1_ec_pubkey_serialize(c, ser, &serlen, &pk, SECP256K1_EC_UNCOMPRESSED) ||
	    serlen != 65)
		return SSP_ERR_CRYPTO;
	memcpy(pub, ser + 1, 64);
	return 0;
}

void ssp_pubkey_address(const uint8_t pub[64], uint8_t addr[SSP_ADDR_LEN])
{
	uint8_t h[32];

	ssp_keccak256(pub, 64, h);
	memcpy(addr, h + 12, SSP_ADDR_LEN);
}

int ssp_key_address(const uint8_t seckey[32], uint8_t addr[SSP_ADDR_LEN])
{
	uint8_t pub[64];
	int rc = ssp_key_pubkey(seckey, pub);

	if (rc != 0)
		return rc;
	ssp_pubkey_address(pub, addr);
	return 0;
}

int ssp_sign(const uint8_t seckey[32], const uint8_t digest[32], uint8_t sig[SSP_SIG_LEN])
{
	const secp256k1_context *c = ctx();
	secp256k1_ecdsa_recoverable_signature rs;
	int recid = -1;

	if (c == NULL)
		return SSP_ERR_CRYPTO;
	if (!secp256k1_ec_seckey_verify(c, seckey))
		return SSP_ERR_INVAL;
	/* NULL nonce function: RFC 6979; libsecp256k1 always emits the low-s form. */
	if (!secp256k1_ecdsa_sign_recoverable(c, &rs, digest, seckey, NULL, NULL))
		return SSP_ERR_CRYPTO;
	if (!secp256k1_ecdsa_recoverable_signature_serialize_compact(c, sig, &recid, &rs) ||
	    recid < 0 || recid > 1 || cmp32(sig + 32, half_n) > 0) {
		ssp_wipe(sig, SSP_SIG_LEN);
		return SSP_ERR_CRYPTO;
	}
	sig[64] = (uint8_t)(27 + recid);
	return 0;
}

int ssp_recover(const uint8_t digest[32], const uint8_t sig[SSP_SIG_LEN], uint8_t addr[SSP_ADDR_LEN])
{
	const secp256k1_context *c = ctx();
	secp256k1_ecdsa_recoverable_signature rs;
	secp256k1_pubkey pk;
	uint8_t ser[65];
	size_t serlen = sizeof ser;
	const uint8_t *r = sig, *s = sig + 32;
	int recid;

	if (c == NULL)
		return SSP_ERR_CRYPTO;
	switch (sig[64]) {
	case 0: case 27: recid = 0; break;
	case 1: case 28: recid = 1; break;
	default: return SSP_ERR_BAD_SIG;
	}
	if (is_zero32(r) || is_zero32(s) || cmp32(r, order_n) >= 0 || cmp32(s, order_n) >= 0 ||
	    cmp32(s, half_n) > 0)
		return SSP_ERR_BAD_SIG;
	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &rs, sig, recid))
		return SSP_ERR_BAD_SIG;
	if (!secp256k1_ecdsa_recover(c, &pk, &rs, digest))
		return SSP_ERR_BAD_SIG;
	if (!secp256k1_ec_pubkey_serialize(c, ser, &serlen, &pk, SECP256K1_EC_UNCOMPRESSED) ||
	    serlen != 65)
		return SSP_ERR_CRYPTO;
	ssp_pubkey_address(ser + 1, addr);
	return 0;
}

int ssp_verify(const uint8_t digest[32], const uint8_t sig[SSP_SIG_LEN], const uint8_t addr[SSP_ADDR_LEN])
{
	uint8_t got[SSP_ADDR_LEN];
	int rc = ssp_recover(digest, sig, got);

	if (rc == SSP_ERR_CRYPTO)
		return rc;
	if (rc != 0 || memcmp(got, addr, SSP_ADDR_LEN) != 0)
		return SSP_ERR_BAD_SIG;
	return 0;
}

char *ssp_address_format(const uint8_t addr[SSP_ADDR_LEN], char out[SSP_ADDR_STRLEN])
{
	uint8_t h[32];
	char *digits = out + 2;

	ssp_hex_encode(addr, SSP_ADDR_LEN, out, 1);
	ssp_keccak256(digits, 2 * SSP_ADDR_LEN, h);
	for (int i = 0; i < 2 * SSP_ADDR_LEN; i++) {
		int nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 15;

		if (digits[i] >= 'a' && digits[i] <= 'f' && nib >= 8)
			digits[i] = (char)(digits[i] - 'a' + 'A');
	}
	return out;
}

int ssp_address_parse(const char *text, uint8_t addr[SSP_ADDR_LEN])
{
	char want[SSP_ADDR_STRLEN];
	int lower = 0, upper = 0;
	uint8_t tmp[SSP_ADDR_LEN];

	if (text == NULL || text[0] != '0' || text[1] != 'x')
		return SSP_ERR_PARSE;
	for (int i = 0; i < 2 * SSP_ADDR_LEN; i++) {
		char ch = text[2 + i];

		if (ch >= 'a' && ch <= 'f')
			lower = 1;
		else if (ch >= 'A' && ch <= 'F')
			upper = 1;
		else if (!(ch >= '0' && ch <= '9'))
			return SSP_ERR_PARSE; /* also catches a NUL before 40 digits */
	}
	if (text[2 + 2 * SSP_ADDR_LEN] != '\0')
		return SSP_ERR_PARSE;
	if (ssp_hex_decode_exact(text, tmp, SSP_ADDR_LEN) != 0)
		return SSP_ERR_PARSE;
	if (lower && upper && strcmp(ssp_address_format(tmp, want), text) != 0)
		return SSP_ERR_CHECKSUM;
	memcpy(addr, tmp, SSP_ADDR_LEN);
	return 0;
}
