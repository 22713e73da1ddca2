/* Internal to the export modules (ssp_export*.c, ssp_audit*.c): the jansson helpers of the line,
 * manifest and proof formats beyond lib/core/ssp_json.h (addresses, builders, documents).
 * `where` names the object in error messages. */
#ifndef SSP_EXPORT_INT_H
#define SSP_EXPORT_INT_H

#include "core/ssp_err.h"

#include <jansson.h>

#include "core/ssp_json.h"

#include "export/ssp_export.h"

/* Member name of obj as an address (EIP-55 checked when mixed case). */
SSP_MUST_CHECK int ssp_exj_addr(const json_t *obj, const char *where, const char *name,
		 uint8_t out[SSP_ADDR_LEN], ssp_errmsg *em);
/* New JSON values (NULL when out of memory, or for u64 above INT64_MAX / hex over 65 bytes). */
json_t *ssp_exj_hex_new(const uint8_t *p, size_t n);
json_t *ssp_exj_addr_new(const uint8_t a[SSP_ADDR_LEN]);
json_t *ssp_exj_u64_new(uint64_t v);
/* json_object_set_new that sets *bad on any failure (a NULL obj or v included). */
void ssp_exj_set(json_t *obj, const char *name, json_t *v, int *bad);
/* Takes o (always released): its indented, ordered JSON text plus "\n" into *out (caller
 * frees). SSP_ERR_RANGE when bad is set (a value could not be built), SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_exj_dump_doc(json_t *o, int bad, char **out);
/* The ShareBatch header object (the six EIP-712 fields) and its strict parser. */
json_t *ssp_exj_header_new(const ssp_batch *h, int *bad);
SSP_MUST_CHECK int ssp_exj_header(const json_t *h, ssp_batch *out, ssp_errmsg *em);
/* The tx member: null, or {"hash","blockNumber","blockHash"}. */
json_t *ssp_exj_tx_new(int has_tx, const uint8_t hash[32], uint64_t block,
		       const uint8_t block_hash[32], int *bad);
SSP_MUST_CHECK int ssp_exj_tx(const json_t *t, int *has_tx, uint8_t hash[32], uint64_t *block,
	       uint8_t block_hash[32], ssp_errmsg *em);
/* ssp_export_claim_parse without its fast path (every line through jansson), for tests. */
SSP_MUST_CHECK int ssp_export_claim_parse_json(const char *text, size_t len, ssp_export_claim *ec,
				ssp_errmsg *em);
/* A state name ("SEALED", …) into *state. */
SSP_MUST_CHECK int ssp_exj_state(const json_t *v, int *state, ssp_errmsg *em);

#endif
