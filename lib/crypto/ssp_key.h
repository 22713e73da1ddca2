/* secp256k1 keys, Ethereum addresses (EIP-55), recoverable low-s signatures (RFC 6979). */
#ifndef SSP_KEY_H
#define SSP_KEY_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_ADDR_LEN 20
#define SSP_SIG_LEN 65
#define SSP_ADDR_STRLEN 43 /* "0x" + 40 digits + NUL */

/* Creates a random valid secret key from the OS CSPRNG. Returns 0 or SSP_ERR_CRYPTO. */
SSP_MUST_CHECK int ssp_key_generate(uint8_t seckey[32]);
/* Returns 0 when seckey is a valid secp256k1 secret key, SSP_ERR_INVAL otherwise. */
SSP_MUST_CHECK int ssp_key_check(const uint8_t seckey[32]);
/* The 64-byte uncompressed public key (x‖y, no 0x04 prefix) of seckey. */
SSP_MUST_CHECK int ssp_key_pubkey(const uint8_t seckey[32], uint8_t pub[64]);
/* The address of seckey: last 20 bytes of keccak256(x‖y). */
SSP_MUST_CHECK int ssp_key_address(const uint8_t seckey[32], uint8_t addr[SSP_ADDR_LEN]);
/* The address of a 64-byte public key. Cannot fail. */
void ssp_pubkey_address(const uint8_t pub[64], uint8_t addr[SSP_ADDR_LEN]);

/* Signs a 32-byte digest: r‖s‖v with s ≤ n/2 and v ∈ {27,28}; deterministic (RFC 6979).
 * Returns 0, SSP_ERR_INVAL for a bad key, SSP_ERR_CRYPTO otherwise. */
SSP_MUST_CHECK int ssp_sign(const uint8_t seckey[32], const uint8_t digest[32], uint8_t sig[SSP_SIG_LEN]);
/* Recovers the signer address of digest from sig (v ∈ {27,28}, or {0,1}).
 * A high-s signature, a bad v or an unrecoverable one is SSP_ERR_BAD_SIG. */
SSP_MUST_CHECK int ssp_recover(const uint8_t digest[32], const uint8_t sig[SSP_SIG_LEN], uint8_t addr[SSP_ADDR_LEN]);
/* Returns 0 when sig over digest recovers to addr, SSP_ERR_BAD_SIG otherwise. */
SSP_MUST_CHECK int ssp_verify(const uint8_t digest[32], const uint8_t sig[SSP_SIG_LEN], const uint8_t addr[SSP_ADDR_LEN]);

/* Writes the EIP-55 checksummed "0x…" form of addr into out (SSP_ADDR_STRLEN bytes). Returns out. */
char *ssp_address_format(const uint8_t addr[SSP_ADDR_LEN], char out[SSP_ADDR_STRLEN]);
/* Parses "0x" + 40 hex digits. All-lower and all-upper digits are accepted; mixed case
 * must carry a correct EIP-55 checksum (SSP_ERR_CHECKSUM otherwise). SSP_ERR_PARSE when malformed. */
SSP_MUST_CHECK int ssp_address_parse(const char *text, uint8_t addr[SSP_ADDR_LEN]);

#endif
