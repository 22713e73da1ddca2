/* Ethereum keystore v3 ("Web3 Secret Storage"), as written by geth, foundry and ethers:
 * scrypt or PBKDF2-HMAC-SHA256 derives a 32-byte key dk from the password; the secret key is
 * AES-128-CTR(dk[0:16], cipherparams.iv); mac = keccak256(dk[16:32] ‖ ciphertext).
 *
 * Reading accepts the "crypto" or "Crypto" member, "version": 3, cipher "aes-128-ctr",
 * kdf "scrypt" (n a power of two, 2 ≤ n ≤ 2^20, r·p ≤ 1024, n·r·p ≤ 2^25, memory 128·r·n ≤ 1 GiB)
 * or "pbkdf2" (prf "hmac-sha256", 1 ≤ c ≤ 10,000,000), dklen 32, a 32-byte ciphertext and a
 * salt of at most 256 bytes. An "address" member, when present, must match the decrypted key.
 * Other members (id, x-ethers, ...) are ignored. Files are capped at SSP_KEYSTORE_MAX_FILE.
 *
 * Passwords are used as the raw bytes of the C string, as geth and foundry do. ethers
 * NFKC-normalises its passwords first: a non-ASCII password only interoperates with ethers
 * when it is already in NFKC form. */
#ifndef SSP_KEYSTORE_H
#define SSP_KEYSTORE_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_KEYSTORE_MAX_FILE (64 * 1024)

/* scrypt cost of a keystore we write (r·p and memory limits as for reading). */
typedef struct ssp_keystore_params {
	uint32_t scrypt_n; /* CPU/memory cost, a power of two */
	uint32_t scrypt_r; /* block size */
	uint32_t scrypt_p; /* parallelism */
} ssp_keystore_params;

/* geth's "standard" scrypt cost (256 MiB, about a second): for real keys. */
#define SSP_KEYSTORE_DEFAULT_PARAMS { 262144, 8, 1 }
/* A light cost (4 MiB) for tests and throw-away keys only. */
#define SSP_KEYSTORE_LIGHT_PARAMS { 4096, 8, 1 }

/* scrypt (RFC 7914) of pass and salt into out[0..outlen). Uses OpenSSL's EVP_PBE_scrypt, except
 * when n ≥ 2^(16·r) (r = 1, n ≥ 2^16: OpenSSL refuses it, geth accepts it and the Web3 test
 * vector uses it) or builtin is nonzero: then a built-in implementation. Returns 0;
 * SSP_ERR_RANGE for parameters outside the keystore limits above; SSP_ERR_NOMEM /
 * SSP_ERR_CRYPTO on failure. */
SSP_MUST_CHECK int ssp_keystore_scrypt(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
			uint64_t n, uint64_t r, uint64_t p, int builtin, uint8_t *out, size_t outlen);

/* Decrypts the keystore JSON text json[0..len) with password into seckey.
 * Returns 0; SSP_ERR_BAD_PASSWORD when the MAC does not match (wrong password or a damaged
 * file); SSP_ERR_MISMATCH when "address" does not match the key; SSP_ERR_PARSE for malformed
 * JSON, a missing field, a wrong type or bad hex; SSP_ERR_UNSUPPORTED for another version,
 * cipher, kdf, prf or dklen; SSP_ERR_RANGE for absurd KDF parameters or a decrypted value
 * that is not a valid secp256k1 key; SSP_ERR_TOO_BIG when len exceeds SSP_KEYSTORE_MAX_FILE;
 * SSP_ERR_CRYPTO / SSP_ERR_NOMEM on failure. em (optional) names the offending field.
 * seckey is zeroed on every failure; intermediate secrets are wiped. */
SSP_MUST_CHECK int ssp_keystore_decrypt(const char *json, size_t len, const char *password, uint8_t seckey[32],
			 ssp_errmsg *em);

/* Reads the keystore file at path (capped at SSP_KEYSTORE_MAX_FILE) and decrypts it as
 * ssp_keystore_decrypt does. Also SSP_ERR_NOT_FOUND / SSP_ERR_IO for the file; em names it. */
SSP_MUST_CHECK int ssp_keystore_read(const char *path, const char *password, uint8_t seckey[32], ssp_errmsg *em);

/* Encrypts seckey under password with scrypt cost *p (NULL: SSP_KEYSTORE_DEFAULT_PARAMS),
 * a random salt (32 bytes), iv and uuid-v4 id, in geth's layout ("address": 40 lowercase
 * digits without 0x, "crypto", "version": 3). On success *json is a new NUL-terminated
 * string the caller frees with free(). *json = NULL first. Returns 0; SSP_ERR_INVAL for an
 * invalid key, a NULL password or parameters outside the reading limits; SSP_ERR_CRYPTO /
 * SSP_ERR_NOMEM on failure. */
SSP_MUST_CHECK int ssp_keystore_encrypt(const uint8_t seckey[32], const char *password,
			 const ssp_keystore_params *p, char **json);

/* Encrypts as ssp_keystore_encrypt and creates path with mode 0600, durably (file and
 * directory fsync'd), never replacing anything: SSP_ERR_EXISTS when path exists (checked
 * before and, atomically, after the KDF). Returns 0 or SSP_ERR_INVAL / SSP_ERR_IO /
 * SSP_ERR_CRYPTO / SSP_ERR_NOMEM; on failure no file is left behind. */
SSP_MUST_CHECK int ssp_keystore_write(const char *path, const uint8_t seckey[32], const char *password,
		       const ssp_keystore_params *p);

/* Reads the password from password_file (ssp_file_read_password: first line; SSP_ERR_PERM when
 * the file is readable or writable by group or others) and decrypts keystore_path with it
 * as ssp_keystore_read does. The password is wiped before returning. em names the file. */
SSP_MUST_CHECK int ssp_keystore_load(const char *keystore_path, const char *password_file, uint8_t seckey[32],
		      ssp_errmsg *em);

#endif
