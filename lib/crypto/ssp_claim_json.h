/* A ShareClaim as JSON, with the EIP-712 field names, in EIP-712 order:
 *   {"project":"0x<64 hex>","seq":1,"resultId":7017,"workunitId":501,"userId":41,"hostId":11,
 *    "beneficiary":"0x<EIP-55 address>","credit":1234656,"resultDigest":"0x<64 hex>",
 *    "grantedAt":1700000060}
 * The uint64 fields are JSON integers in 0..2^63-1 (INT64_MAX): jansson holds integers as signed
 * 64-bit, and the ledger (SQLite INTEGER) has the same range, so larger values are refused on
 * both sides rather than rounded. Negative numbers, reals (1.0, 1e3), strings and other types
 * are refused. bytes32 fields are "0x" + 64 hex digits (either case); the beneficiary is
 * "0x" + 40 hex digits, all-lower or all-upper, or mixed case with a correct EIP-55 checksum. */
#ifndef SSP_CLAIM_JSON_H
#define SSP_CLAIM_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"

/* Largest accepted JSON text, in bytes. */
#define SSP_CLAIM_JSON_MAX 65536
/* Largest value of a uint64 field in JSON (INT64_MAX). */
#define SSP_CLAIM_JSON_UINT_MAX 9223372036854775807ULL

/* Parses text[0..len) (need not be NUL-terminated) into *c: one JSON object with exactly the
 * ten fields above, nothing before or after it. Returns 0; SSP_ERR_INVAL when text or c is NULL;
 * SSP_ERR_TOO_BIG when len > SSP_CLAIM_JSON_MAX; SSP_ERR_PARSE for anything else wrong (bad
 * JSON, not an object, a field missing, unknown, duplicated, of the wrong type, out of range,
 * of the wrong length, or a bad EIP-55 checksum), with em->msg naming the field, e.g.
 * `field "seq": missing`. *c is written only on success. */
SSP_MUST_CHECK int ssp_claim_from_json(const char *text, size_t len, ssp_claim *c, ssp_errmsg *em);

/* Writes *c as compact JSON (no spaces, fields in EIP-712 order, beneficiary EIP-55
 * checksummed, hex lowercase) into *out, NUL-terminated, caller frees with free().
 * Returns 0; SSP_ERR_RANGE when a uint64 field exceeds SSP_CLAIM_JSON_UINT_MAX;
 * SSP_ERR_NOMEM; SSP_ERR_INVAL when an argument is NULL. *out is NULL on failure. */
SSP_MUST_CHECK int ssp_claim_to_json(const ssp_claim *c, char **out);

/* The same on jansson objects, for documents that embed claims (exports, signed claims):
 * obj must be an object with exactly the ten fields. Same returns as ssp_claim_from_json
 * (no size cap: the caller capped the document it parsed). */
SSP_MUST_CHECK int ssp_claim_from_json_obj(const json_t *obj, ssp_claim *c, ssp_errmsg *em);
/* A new object (reference owned by the caller, json_decref) with the ten fields in EIP-712
 * order. Same returns as ssp_claim_to_json; *out is NULL on failure. */
SSP_MUST_CHECK int ssp_claim_to_json_obj(const ssp_claim *c, json_t **out);

#endif
