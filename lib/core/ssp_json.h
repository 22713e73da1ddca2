/* Strict readers of JSON members (jansson values), shared by every format parsed from outside:
 * keystores, exports, receipts, JSON-RPC. Each names what is wrong in em as
 * "WHERE.NAME: what" (WHERE may be "" for top-level members) and never quotes the input beyond
 * a member name cleaned of control characters. Each returns 0 or SSP_ERR_PARSE (SSP_ERR_INVAL for
 * a NULL obj). */
#ifndef SSP_JSON_H
#define SSP_JSON_H

#include "core/ssp_err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* "an object", "a string", "an integer", … for messages ("nothing" for NULL). */
const char *ssp_json_type(const json_t *v);

/* obj is an object whose members are exactly names[0..n): the first unknown member or the first
 * missing one is named. */
SSP_MUST_CHECK int ssp_json_members(const json_t *obj, const char *where, const char *const *names, size_t n,
		     ssp_errmsg *em);

/* obj is an object with no member outside names[0..n) (some may be absent): the first unknown
 * member is named. */
SSP_MUST_CHECK int ssp_json_known(const json_t *obj, const char *where, const char *const *names, size_t n,
		   ssp_errmsg *em);

/* Member name of obj as an object: *out borrowed from obj. */
SSP_MUST_CHECK int ssp_json_object(const json_t *obj, const char *where, const char *name, json_t **out,
		    ssp_errmsg *em);

/* Member name of obj as an array of at most max elements: *out borrowed from obj. */
SSP_MUST_CHECK int ssp_json_array(const json_t *obj, const char *where, const char *name, size_t max, json_t **out,
		   ssp_errmsg *em);

/* Member name of obj as a string of at most cap bytes without NUL: *out borrowed from obj. An
 * absent member is an error unless optional, when *out = NULL. */
SSP_MUST_CHECK int ssp_json_str(const json_t *obj, const char *where, const char *name, size_t cap, int optional,
		 const char **out, ssp_errmsg *em);

/* Member name of obj as a JSON integer within [lo, hi]. */
SSP_MUST_CHECK int ssp_json_u64(const json_t *obj, const char *where, const char *name, uint64_t lo, uint64_t hi,
		 uint64_t *out, ssp_errmsg *em);

/* Member name of obj as a JSON integer within [lo, hi] (signed). */
SSP_MUST_CHECK int ssp_json_i64(const json_t *obj, const char *where, const char *name, int64_t lo, int64_t hi,
		 int64_t *out, ssp_errmsg *em);

/* Member name of obj as a JSON number (integer or real) within [lo, hi], finite. */
SSP_MUST_CHECK int ssp_json_double(const json_t *obj, const char *where, const char *name, double lo, double hi,
		    double *out, ssp_errmsg *em);

/* Member name of obj as hex text decoding to exactly n bytes into out; prefix 1: "0x" required,
 * 0: "0x" optional. */
SSP_MUST_CHECK int ssp_json_hex(const json_t *obj, const char *where, const char *name, int prefix, uint8_t *out,
		 size_t n, ssp_errmsg *em);

#endif
