#include "crypto/ssp_keystore.h"
#include "core/ssp_json.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_key.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KS_DKLEN 32
#define KS_IVLEN 16
#define KS_CTLEN 32
#define KS_SALT_MAX 256
#define KS_SALT_WRITE 32
#define KS_SCRYPT_N_MAX (1u << 20)
#define KS_SCRYPT_RP_MAX 1024u
#define KS_SCRYPT_WORK_MAX (1ull << 25)   /* n·r·p */
#define KS_SCRYPT_MEM_MAX (1ull << 30)    /* 128·r·n bytes */
#define KS_PBKDF2_C_MAX 10000000

/* The KDF of one keystore, as read from its kdfparams. */
struct ks_kdf {
	int scrypt;                 /* 1 scrypt, 0 pbkdf2 */
	uint64_t n, r, p;           /* scrypt */
	uint64_t c;                 /* pbkdf2 iterations */
	uint8_t salt[KS_SALT_MAX];
	size_t saltlen;
};

/* Checks scrypt parameters against the limits in the header. Returns 0 or SSP_ERR_RANGE. */
static int scrypt_params_ok(uint64_t n, uint64_t r, uint64_t p, ssp_errmsg *em)
{
	if (n < 2 || n > KS_SCRYPT_N_MAX || (n & (n - 1)) != 0)
		return ssp_errmsg_set(em, SSP_ERR_RANGE,
				      "kdfparams.n: %llu is not a power of two between 2 and 2^20",
				      (unsigned long long)n);
	if (r < 1 || p < 1 || r > KS_SCRYPT_RP_MAX || p > KS_SCRYPT_RP_MAX || r * p > KS_SCRYPT_RP_MAX)
		return ssp_errmsg_set(em, SSP_ERR_RANGE,
				      "kdfparams.r/p: r=%llu p=%llu out of range (1 <= r*p <= %u)",
				      (unsigned long long)r, (unsigned long long)p, KS_SCRYPT_RP_MAX);
	if (n * r * p > KS_SCRYPT_WORK_MAX || 128 * r * n > KS_SCRYPT_MEM_MAX)
		return ssp_errmsg_set(em, SSP_ERR_RANGE,
				      "kdfparams: scrypt cost n=%llu r=%llu p=%llu is too high",
				      (unsigned long long)n, (unsigned long long)r,
				      (unsigned long long)p);
	return 0;
}

#define ROTL32(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

/* Salsa20/8 core on one 64-byte block of 16 little-endian words (RFC 7914 §3). */
static void salsa20_8(uint32_t b[16])
{
	uint32_t x[16];

	memcpy(x, b, sizeof(x));
	for (int i = 0; i < 8; i += 2) {
		/* columns */
		x[4] ^= ROTL32(x[0] + x[12], 7);   x[8] ^= ROTL32(x[4] + x[0], 9);
		x[12] ^= ROTL32(x[8] + x[4], 13);  x[0] ^= ROTL32(x[12] + x[8], 18);
		x[9] ^= ROTL32(x[5] + x[1], 7);    x[13] ^= ROTL32(x[9] + x[5], 9);
		x[1] ^= ROTL32(x[13] + x[9], 13);  x[5] ^= ROTL32(x[1] + x[13], 18);
		x[14] ^= ROTL32(x[10] + x[6], 7);  x[2] ^= ROTL32(x[14] + x[10], 9);
		x[6] ^= ROTL32(x[2] + x[14], 13);  x[10] ^= ROTL32(x[6] + x[2], 18);
		x[3] ^= ROTL32(x[15] + x[11], 7);  x[7] ^= ROTL32(x[3] + x[15], 9);
		x[11] ^= ROTL32(x[7] + x[3], 13);  x[15] ^= ROTL32(x[11] + x[7], 18);
		/* rows */
		x[1] ^= ROTL32(x[0] + x[3], 7);    x[2] ^= ROTL32(x[1] + x[0], 9);
		x[3] ^= ROTL32(x[2] + x[1], 13);   x[0] ^= ROTL32(x[3] + x[2], 18);
		x[6] ^= ROTL32(x[5] + x[4], 7);    x[7] ^= ROTL32(x[6] + x[5], 9);
		x[4] ^= ROTL32(x[7] + x[6], 13);   x[5] ^= ROTL32(x[4] + x[7], 18);
		x[11] ^= ROTL32(x[10] + x[9], 7);  x[8] ^= ROTL32(x[11] + x[10], 9);
		x[9] ^= ROTL32(x[8] + x[11], 13);  x[10] ^= ROTL32(x[9] + x[8], 18);
		x[12] ^= ROTL32(x[15] + x[14], 7); x[13] ^= ROTL32(x[12] + x[15], 9);
		x[14] ^= ROTL32(x[13] + x[12], 13); x[15] ^= ROTL32(x[14] + x[13], 18);
	}
	for (int i = 0; i < 16; i++)
		b[i] += x[i];
	ssp_wipe(x, sizeof(x));
}

/* scryptBlockMix: b is 2r blocks of 16 words; y is scratch of the same size. */
static void block_mix(uint32_t *b, uint32_t *y, uint64_t r)
{
	uint32_t x[16];

	memcpy(x, b + (2 * r - 1) * 16, sizeof(x));
	for (uint64_t i = 0; i < 2 * r; i++) {
		for (int k = 0; k < 16; k++)
			x[k] ^= b[i * 16 + k];
		salsa20_8(x);
		/* even blocks go to the first half, odd ones to the second */
		memcpy(y + ((i / 2) + (i & 1) * r) * 16, x, sizeof(x));
	}
	memcpy(b, y, 128 * r);
	ssp_wipe(x, sizeof(x));
}

/* scryptROMix on one 128·r-byte block, in place; v holds n·32·r words, t 64·r words. */
static void ro_mix(uint8_t *blk, uint64_t r, uint64_t n, uint32_t *v, uint32_t *t)
{
	uint64_t words = 32 * r;
	uint32_t *x = t, *y = t + words;

	for (uint64_t k = 0; k < words; k++)
		x[k] = (uint32_t)blk[4 * k] | (uint32_t)blk[4 * k + 1] << 8 |
		       (uint32_t)blk[4 * k + 2] << 16 | (uint32_t)blk[4 * k + 3] << 24;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(v + i * words, x, 4 * words);
		block_mix(x, y, r);
	}
	for (uint64_t i = 0; i < n; i++) {
		/* Integerify: the first word of the last 64-byte block, mod n (n ≤ 2^20). */
		uint64_t j = x[(2 * r - 1) * 16] & (n - 1);

		for (uint64_t k = 0; k < words; k++)
			x[k] ^= v[j * words + k];
		block_mix(x, y, r);
	}
	for (uint64_t k = 0; k < words; k++) {
		blk[4 * k] = (uint8_t)x[k];
		blk[4 * k + 1] = (uint8_t)(x[k] >> 8);
		blk[4 * k + 2] = (uint8_t)(x[k] >> 16);
		blk[4 * k + 3] = (uint8_t)(x[k] >> 24);
	}
}

/* The built-in scrypt (RFC 7914 §6); parameters already checked. */
static int scrypt_builtin(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
			  uint64_t n, uint64_t r, uint64_t p, uint8_t *out, size_t outlen)
{
	size_t blen = (size_t)(128 * r * p), vlen = (size_t)(128 * r * n);
	uint8_t *b = malloc(blen);
	uint32_t *v = malloc(vlen), *t = malloc((size_t)(256 * r));
	int rc = SSP_ERR_NOMEM;

	if (b == NULL || v == NULL || t == NULL)
		goto out;
	rc = SSP_ERR_CRYPTO;
	if (passlen > 0x7fffffff || saltlen > 0x7fffffff || outlen > 0x7fffffff)
		goto out;
	if (PKCS5_PBKDF2_HMAC(pass, (int)passlen, salt, (int)saltlen, 1, EVP_sha256(), (int)blen,
			      b) != 1)
		goto out;
	for (uint64_t i = 0; i < p; i++)
		ro_mix(b + i * 128 * r, r, n, v, t);
	if (PKCS5_PBKDF2_HMAC(pass, (int)passlen, b, (int)blen, 1, EVP_sha256(), (int)outlen,
			      out) != 1)
		goto out;
	rc = 0;
out:
	if (b != NULL)
		ssp_wipe(b, blen);
	if (v != NULL)
		ssp_wipe(v, vlen);
	if (t != NULL)
		ssp_wipe(t, (size_t)(256 * r));
	free(b);
	free(v);
	free(t);
	return rc;
}

int ssp_keystore_scrypt(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
			uint64_t n, uint64_t r, uint64_t p, int builtin, uint8_t *out, size_t outlen)
{
	uint64_t maxmem;
	int rc;

	if ((rc = scrypt_params_ok(n, r, p, NULL)) != 0)
		return rc;
	/* OpenSSL enforces RFC 7914's n < 2^(16·r); geth does not (the Web3 vector has r = 1,
	 * n = 2^18). With n ≤ 2^20 only r = 1 can break that rule. */
	if (builtin || (r < 2 && n >= (1ull << (16 * r))))
		return scrypt_builtin(pass, passlen, salt, saltlen, n, r, p, out, outlen);
	/* OpenSSL needs 128·r·(n+2) + 128·r·p bytes; allow that and a little slack. */
	maxmem = 128 * r * (n + 2) + 128 * r * p + (1u << 20);
	if (EVP_PBE_scrypt(pass, passlen, salt, saltlen, n, r, p, maxmem, out, outlen) != 1)
		return SSP_ERR_CRYPTO;
	return 0;
}

/* Derives dk from password with kdf. Returns 0 or SSP_ERR_CRYPTO / SSP_ERR_NOMEM. */
static int derive(const struct ks_kdf *kdf, const char *password, uint8_t dk[KS_DKLEN])
{
	size_t pwlen = strlen(password);

	if (kdf->scrypt)
		return ssp_keystore_scrypt(password, pwlen, kdf->salt, kdf->saltlen, kdf->n, kdf->r,
					   kdf->p, 0, dk, KS_DKLEN);
	if (pwlen > (size_t)0x7fffffff)
		return SSP_ERR_CRYPTO;
	if (PKCS5_PBKDF2_HMAC(password, (int)pwlen, kdf->salt, (int)kdf->saltlen, (int)kdf->c,
			      EVP_sha256(), KS_DKLEN, dk) != 1)
		return SSP_ERR_CRYPTO;
	return 0;
}

/* mac = keccak256(dk[16:32] ‖ ct) */
static void compute_mac(const uint8_t dk[KS_DKLEN], const uint8_t ct[KS_CTLEN], uint8_t mac[32])
{
	ssp_keccak k;

	ssp_keccak_init(&k);
	ssp_keccak_update(&k, dk + 16, 16);
	ssp_keccak_update(&k, ct, KS_CTLEN);
	ssp_keccak_final(&k, mac);
	ssp_wipe(&k, sizeof(k));
}

/* AES-128-CTR is its own inverse: out = in XOR keystream(key, iv). */
static int aes128ctr(const uint8_t key[16], const uint8_t iv[KS_IVLEN], const uint8_t *in,
		     uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int rc = SSP_ERR_CRYPTO, n = 0, fin = 0;

	if (ctx == NULL)
		return SSP_ERR_NOMEM;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) != 1)
		goto out;
	if (EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1 || (size_t)n != len)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, out + n, &fin) != 1 || fin != 0)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

static int parse_kdf(json_t *crypto, struct ks_kdf *kdf, ssp_errmsg *em)
{
	const char *name, *salt, *prf;
	json_t *kp;
	uint64_t dklen;
	int rc;

	memset(kdf, 0, sizeof(*kdf));
	if ((rc = ssp_json_str(crypto, "crypto", "kdf", SIZE_MAX, 0, &name, em)) != 0)
		return rc;
	if (strcmp(name, "scrypt") == 0)
		kdf->scrypt = 1;
	else if (strcmp(name, "pbkdf2") != 0)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "keystore: unsupported kdf \"%.40s\"",
				      name);
	if ((rc = ssp_json_object(crypto, "crypto", "kdfparams", &kp, em)) != 0)
		return rc;
	if ((rc = ssp_json_u64(kp, "crypto.kdfparams", "dklen", 0, UINT64_MAX, &dklen, em)) != 0)
		return rc;
	if (dklen != KS_DKLEN)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED,
				      "keystore: kdfparams.dklen is %llu, not 32",
				      (unsigned long long)dklen);
	if ((rc = ssp_json_str(kp, "crypto.kdfparams", "salt", SIZE_MAX, 0, &salt, em)) != 0)
		return rc;
	rc = ssp_hex_decode(salt, kdf->salt, sizeof(kdf->salt), &kdf->saltlen);
	if (rc == SSP_ERR_TOO_BIG)
		return ssp_errmsg_set(em, SSP_ERR_RANGE, "keystore: kdfparams.salt longer than %d bytes",
				      KS_SALT_MAX);
	if (rc != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "keystore: kdfparams.salt is not hex");
	if (kdf->scrypt) {
		if ((rc = ssp_json_u64(kp, "crypto.kdfparams", "n", 0, UINT64_MAX, &kdf->n, em)) != 0 ||
		    (rc = ssp_json_u64(kp, "crypto.kdfparams", "r", 0, UINT64_MAX, &kdf->r, em)) != 0 ||
		    (rc = ssp_json_u64(kp, "crypto.kdfparams", "p", 0, UINT64_MAX, &kdf->p, em)) != 0)
			return rc;
		return scrypt_params_ok(kdf->n, kdf->r, kdf->p, em);
	}
	if ((rc = ssp_json_str(kp, "crypto.kdfparams", "prf", SIZE_MAX, 0, &prf, em)) != 0)
		return rc;
	if (strcmp(prf, "hmac-sha256") != 0)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "keystore: unsupported prf \"%.40s\"",
				      prf);
	if ((rc = ssp_json_u64(kp, "crypto.kdfparams", "c", 0, UINT64_MAX, &kdf->c, em)) != 0)
		return rc;
	if (kdf->c < 1 || kdf->c > KS_PBKDF2_C_MAX)
		return ssp_errmsg_set(em, SSP_ERR_RANGE,
				      "keystore: kdfparams.c %llu is not between 1 and %d",
				      (unsigned long long)kdf->c, KS_PBKDF2_C_MAX);
	return 0;
}

int ssp_keystore_decrypt(const char *json, size_t len, const char *password, uint8_t seckey[32],
			 ssp_errmsg *em)
{
	json_t *root = NULL, *crypto, *crypto2, *cp, *addrv;
	json_error_t jerr;
	struct ks_kdf kdf;
	const char *cipher;
	uint8_t iv[KS_IVLEN], ct[KS_CTLEN], mac[32], mac2[32], dk[KS_DKLEN];
	uint8_t addr[SSP_ADDR_LEN], addr2[SSP_ADDR_LEN];
	uint64_t version;
	int rc;

	memset(seckey, 0, 32);
	memset(dk, 0, sizeof(dk));
	memset(&kdf, 0, sizeof(kdf));
	if (json == NULL || password == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "keystore: no input or no password");
		goto out;
	}
	if (len > SSP_KEYSTORE_MAX_FILE) {
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "keystore: %zu bytes, more than the %d limit",
				    len, SSP_KEYSTORE_MAX_FILE);
		goto out;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "keystore: not JSON (line %d: %.120s)",
				    jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "keystore: not a JSON object");
		goto out;
	}
	if ((rc = ssp_json_u64(root, "", "version", 0, UINT64_MAX, &version, em)) != 0)
		goto out;
	if (version != 3) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "keystore: version %llu, only 3 is supported",
				    (unsigned long long)version);
		goto out;
	}
	crypto = json_object_get(root, "crypto");
	crypto2 = json_object_get(root, "Crypto");
	if (crypto != NULL && crypto2 != NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "keystore: both crypto and Crypto present");
		goto out;
	}
	if ((rc = ssp_json_object(root, "", crypto ? "crypto" : crypto2 ? "Crypto" : "crypto", &crypto,
			     em)) != 0)
		goto out;
	if ((rc = ssp_json_str(crypto, "crypto", "cipher", SIZE_MAX, 0, &cipher, em)) != 0)
		goto out;
	if (strcmp(cipher, "aes-128-ctr") != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "keystore: unsupported cipher \"%.40s\"",
				    cipher);
		goto out;
	}
	if ((rc = ssp_json_object(crypto, "crypto", "cipherparams", &cp, em)) != 0 ||
	    (rc = ssp_json_hex(cp, "crypto.cipherparams", "iv", 0, iv, sizeof(iv), em)) != 0 ||
	    (rc = ssp_json_hex(crypto, "crypto", "ciphertext", 0, ct, sizeof(ct), em)) != 0 ||
	    (rc = ssp_json_hex(crypto, "crypto", "mac", 0, mac, sizeof(mac), em)) != 0 ||
	    (rc = parse_kdf(crypto, &kdf, em)) != 0)
		goto out;
	addrv = json_object_get(root, "address");
	if (addrv != NULL) {
		/* geth writes 40 digits without 0x; ssp_hex_decode_exact also takes a 0x prefix. */
		if (!json_is_string(addrv) ||
		    ssp_hex_decode_exact(json_string_value(addrv), addr, sizeof(addr)) != 0) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "keystore: address is not 20 bytes of hex");
			goto out;
		}
	}

	if ((rc = derive(&kdf, password, dk)) != 0) {
		ssp_errmsg_set(em, rc, "keystore: key derivation failed");
		goto out;
	}
	compute_mac(dk, ct, mac2);
	if (ssp_memeq_ct(mac, mac2, sizeof(mac)) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_BAD_PASSWORD,
				    "keystore: wrong password (or damaged file): MAC mismatch");
		goto out;
	}
	if ((rc = aes128ctr(dk, iv, ct, seckey, KS_CTLEN)) != 0) {
		ssp_errmsg_set(em, rc, "keystore: AES-128-CTR failed");
		goto out;
	}
	if (ssp_key_check(seckey) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_RANGE,
				    "keystore: decrypted value is not a valid secp256k1 key");
		goto out;
	}
	if (addrv != NULL) {
		if ((rc = ssp_key_address(seckey, addr2)) != 0) {
			ssp_errmsg_set(em, rc, "keystore: cannot derive the address");
			goto out;
		}
		if (memcmp(addr, addr2, sizeof(addr)) != 0) {
			rc = ssp_errmsg_set(em, SSP_ERR_MISMATCH,
					    "keystore: address field does not match the key");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc != 0)
		ssp_wipe(seckey, 32);
	ssp_wipe(dk, sizeof(dk));
	ssp_wipe(mac2, sizeof(mac2));
	ssp_wipe(&kdf, sizeof(kdf));
	json_decref(root);
	return rc;
}

/* Prefixes em->msg with "path: ". */
static void prefix_path(ssp_errmsg *em, const char *path)
{
	char tmp[sizeof(em->msg)];

	if (em == NULL)
		return;
	memcpy(tmp, em->msg, sizeof(tmp));
	tmp[sizeof(tmp) - 1] = '\0';
	ssp_errmsg_set(em, 0, "%s: %s", path, tmp);
}

int ssp_keystore_read(const char *path, const char *password, uint8_t seckey[32], ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(seckey, 0, 32);
	rc = ssp_file_read(path, SSP_KEYSTORE_MAX_FILE, &buf, &len);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: %s", path,
			       rc == SSP_ERR_TOO_BIG ? "larger than the 64 KiB keystore limit"
						     : ssp_strerror(rc));
		return rc;
	}
	rc = ssp_keystore_decrypt(buf, len, password, seckey, em);
	if (rc != 0)
		prefix_path(em, path);
	free(buf);
	return rc;
}

/* A random version-4 UUID in its 36-character text form. */
static int uuid_v4(char out[37])
{
	uint8_t u[16];
	char hex[33];

	if (RAND_bytes(u, sizeof(u)) != 1)
		return SSP_ERR_CRYPTO;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	ssp_hex_encode(u, sizeof(u), hex, 0);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	return 0;
}

int ssp_keystore_encrypt(const uint8_t seckey[32], const char *password,
			 const ssp_keystore_params *p, char **json)
{
	static const ssp_keystore_params defaults = SSP_KEYSTORE_DEFAULT_PARAMS;
	struct ks_kdf kdf;
	uint8_t dk[KS_DKLEN], iv[KS_IVLEN], ct[KS_CTLEN], mac[32], addr[SSP_ADDR_LEN];
	char ivhex[2 * KS_IVLEN + 3], cthex[2 * KS_CTLEN + 3], machex[2 * 32 + 3];
	char salthex[2 * KS_SALT_WRITE + 3], addrhex[2 * SSP_ADDR_LEN + 3], id[37];
	json_t *root = NULL;
	int rc;

	*json = NULL;
	memset(dk, 0, sizeof(dk));
	memset(&kdf, 0, sizeof(kdf));
	if (p == NULL)
		p = &defaults;
	if (password == NULL || ssp_key_check(seckey) != 0 ||
	    scrypt_params_ok(p->scrypt_n, p->scrypt_r, p->scrypt_p, NULL) != 0) {
		rc = SSP_ERR_INVAL;
		goto out;
	}
	if ((rc = ssp_key_address(seckey, addr)) != 0)
		goto out;
	kdf.scrypt = 1;
	kdf.n = p->scrypt_n;
	kdf.r = p->scrypt_r;
	kdf.p = p->scrypt_p;
	kdf.saltlen = KS_SALT_WRITE;
	if (RAND_bytes(kdf.salt, KS_SALT_WRITE) != 1 || RAND_bytes(iv, sizeof(iv)) != 1) {
		rc = SSP_ERR_CRYPTO;
		goto out;
	}
	if ((rc = uuid_v4(id)) != 0)
		goto out;
	if ((rc = derive(&kdf, password, dk)) != 0)
		goto out;
	if ((rc = aes128ctr(dk, iv, seckey, ct, KS_CTLEN)) != 0)
		goto out;
	compute_mac(dk, ct, mac);
	root = json_pack("{s:s, s:{s:s, s:s, s:{s:s}, s:s, s:{s:i, s:I, s:I, s:I, s:s}, s:s}, s:s, s:i}",
			 "address", ssp_hex_encode(addr, sizeof(addr), addrhex, 0),
			 "crypto",
			 "cipher", "aes-128-ctr",
			 "ciphertext", ssp_hex_encode(ct, sizeof(ct), cthex, 0),
			 "cipherparams", "iv", ssp_hex_encode(iv, sizeof(iv), ivhex, 0),
			 "kdf", "scrypt",
			 "kdfparams",
			 "dklen", KS_DKLEN,
			 "n", (json_int_t)kdf.n,
			 "p", (json_int_t)kdf.p,
			 "r", (json_int_t)kdf.r,
			 "salt", ssp_hex_encode(kdf.salt, KS_SALT_WRITE, salthex, 0),
			 "mac", ssp_hex_encode(mac, sizeof(mac), machex, 0),
			 "id", id,
			 "version", 3);
	if (root == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	*json = json_dumps(root, JSON_COMPACT);
	rc = *json ? 0 : SSP_ERR_NOMEM;
out:
	ssp_wipe(dk, sizeof(dk));
	ssp_wipe(&kdf, sizeof(kdf));
	json_decref(root);
	return rc;
}

int ssp_keystore_write(const char *path, const uint8_t seckey[32], const char *password,
		       const ssp_keystore_params *p)
{
	char *json = NULL;
	struct stat st;
	int rc;

	if (path == NULL)
		return SSP_ERR_INVAL;
	/* Fail fast, before spending a second on scrypt. */
	if (lstat(path, &st) == 0)
		return SSP_ERR_EXISTS;
	if (errno != ENOENT)
		return SSP_ERR_IO;
	if ((rc = ssp_keystore_encrypt(seckey, password, p, &json)) != 0)
		goto out;
	/* Never replaces a file made meanwhile: SSP_ERR_EXISTS, as checked above. */
	rc = ssp_file_write_new(path, json, strlen(json), 0600);
out:
	free(json);
	return rc;
}

int ssp_keystore_load(const char *keystore_path, const char *password_file, uint8_t seckey[32],
		      ssp_errmsg *em)
{
	char *pw = NULL;
	int rc;

	memset(seckey, 0, 32);
	rc = ssp_file_read_password(password_file, &pw);
	if (rc != 0) {
		if (rc == SSP_ERR_PERM)
			return ssp_errmsg_set(em, rc,
					      "%s: password file is accessible by group or others "
					      "(chmod 600 it)", password_file);
		return ssp_errmsg_set(em, rc, "%s: cannot read the password file: %s", password_file,
				      rc == SSP_ERR_TOO_BIG ? "larger than 1 KiB" : ssp_strerror(rc));
	}
	rc = ssp_keystore_read(keystore_path, pw, seckey, em);
	ssp_wipe(pw, strlen(pw));
	free(pw);
	return rc;
}
