/* EIP-191 personal_sign and the volunteer's payout binding (docs/formats.md): the signed text
 * "SmartShare payout binding\nproject: URL\nuser: ID\naddress: 0xEIP55" and its storage in
 * BOINC project preferences as <project_specific><ssp_address/><ssp_binding/></project_specific>. */
#ifndef SSP_BINDING_H
#define SSP_BINDING_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_BINDING_URL_MAX 512        /* bytes of master_url */
#define SSP_BINDING_PREFS_MAX 65536    /* bytes of a project_prefs document */

/* keccak256("\x19Ethereum Signed Message:\n" + decimal len + msg). Cannot fail. */
void ssp_eip191_hash(const void *msg, size_t len, uint8_t out[32]);
/* personal_sign: ssp_sign over ssp_eip191_hash(msg). Returns 0, SSP_ERR_INVAL (bad key) or SSP_ERR_CRYPTO. */
SSP_MUST_CHECK int ssp_eip191_sign(const uint8_t seckey[32], const void *msg, size_t len, uint8_t sig[65]);
/* Signer address of a personal_sign signature. Returns 0, SSP_ERR_BAD_SIG (high s, bad v, unrecoverable) or SSP_ERR_CRYPTO. */
SSP_MUST_CHECK int ssp_eip191_recover(const void *msg, size_t len, const uint8_t sig[65], uint8_t addr[20]);

/* The exact binding text (no trailing LF) as a NUL-terminated malloc'd string in *out (caller frees;
 * *out is NULL on failure). SSP_ERR_INVAL when master_url is NULL, empty, over SSP_BINDING_URL_MAX
 * bytes or holds a control character (< 0x20 or 0x7f); SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_binding_text(const char *master_url, uint64_t user_id, const uint8_t addr[20], char **out);
/* Signs the binding text of seckey's own address. Returns 0, SSP_ERR_INVAL (bad key or URL), SSP_ERR_NOMEM, SSP_ERR_CRYPTO. */
SSP_MUST_CHECK int ssp_binding_sign(const uint8_t seckey[32], const char *master_url, uint64_t user_id, uint8_t sig[65]);
/* 0 when sig is addr's personal_sign of the binding text for (master_url, user_id); SSP_ERR_BAD_SIG
 * otherwise; SSP_ERR_INVAL for a bad URL, SSP_ERR_NOMEM, SSP_ERR_CRYPTO. */
SSP_MUST_CHECK int ssp_binding_verify(const char *master_url, uint64_t user_id, const uint8_t addr[20], const uint8_t sig[65]);
/* The preferences snippet "<project_specific><ssp_address>0x…(EIP-55)</ssp_address><ssp_binding>0x…(130 hex)
 * </ssp_binding></project_specific>" (one line) as a malloc'd string in *out (caller frees). 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_binding_snippet(const uint8_t addr[20], const uint8_t sig[65], char **out);
/* Extracts ssp_address and ssp_binding from the <project_specific> child of a BOINC project_prefs
 * document (root <project_preferences>, or a bare <project_specific>; venues are ignored). No DTD,
 * no entity expansion, no network. Returns 0; SSP_ERR_NOT_FOUND when the document is empty or holds
 * neither element; SSP_ERR_TOO_BIG over SSP_BINDING_PREFS_MAX bytes; SSP_ERR_PARSE (named in em) for
 * malformed XML, a DTD, an unexpected root, only one of the two elements or either twice, a bad
 * address, or a signature that is not 65 bytes of hex. Does not check the signature. */
SSP_MUST_CHECK int ssp_binding_from_prefs(const char *prefs, size_t len, uint8_t addr[20], uint8_t sig[65], ssp_errmsg *em);

#endif
