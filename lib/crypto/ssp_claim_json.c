/* ShareClaim <-> JSON (jansson), strict: exactly the ten EIP-712 fields. */
#include "crypto/ssp_claim_json.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_BYTES32, K_UINT64, K_ADDRESS };

static const struct field {
	const char *name;
	enum kind kind;
	size_t off;
} fields[] = {
	{ "project", K_BYTES32, offsetof(ssp_claim, project) },
	{ "seq", K_UINT64, offsetof(ssp_claim, seq) },
	{ "resultId", K_UINT64, offsetof(ssp_claim, result_id) },
	{ "workunitId", K_UINT64, offsetof(ssp_claim, workunit_id) },
	{ "userId", K_UINT64, offsetof(ssp_claim, user_id) },
	{ "hostId", K_UINT64, offsetof(ssp_claim, host_id) },
	{ "beneficiary", K_ADDRESS, offsetof(ssp_claim, beneficiary) },
	{ "credit", K_UINT64, offsetof(ssp_claim, credit) },
	{ "resultDigest", K_BYTES32, offsetof(ssp_claim, result_digest) },
	{ "grantedAt", K_UINT64, offsetof(ssp_claim, granted_at) },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const struct field *find_field(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

/* A printable, bounded copy of an outside name for error messages: at most 40 bytes,
 * anything but printable ASCII (and quotes, backslashes) shown as '?'. */
static const char *printable(const char *s, char buf[48])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 40; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') ? '?' : (char)ch;
	}
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "an unknown type";
}

/* A JSON string without embedded NUL: its text, else NULL. */
static const char *plain_string(const json_t *v)
{
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	return strlen(s) == json_string_length(v) ? s : NULL;
}

static int parse_field(const struct field *f, const json_t *v, ssp_claim *c, ssp_errmsg *em)
{
	uint8_t *dst = (uint8_t *)c + f->off;
	const char *s;
	int rc;

	switch (f->kind) {
	case K_UINT64:
		if (json_is_integer(v)) {
			json_int_t i = json_integer_value(v);

			if (i < 0)
				return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": negative value", f->name);
			*(uint64_t *)(void *)dst = (uint64_t)i;
			return 0;
		}
		if (json_is_real(v))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": not an integer", f->name);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": expected an integer, got %s",
				      f->name, type_name(v));
	case K_BYTES32:
		if (!json_is_string(v))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": expected a string, got %s",
					      f->name, type_name(v));
		s = plain_string(v);
		if (s == NULL || strlen(s) != 66 || s[0] != '0' || s[1] != 'x' ||
		    ssp_hex_decode_exact(s, dst, 32) != 0)
			return ssp_errmsg_set(em, SSP_ERR_PARSE,
					      "field \"%s\": expected \"0x\" and 64 hex digits", f->name);
		return 0;
	case K_ADDRESS:
		if (!json_is_string(v))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": expected a string, got %s",
					      f->name, type_name(v));
		s = plain_string(v);
		rc = s ? ssp_address_parse(s, dst) : SSP_ERR_PARSE;
		if (rc == SSP_ERR_CHECKSUM)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": bad EIP-55 checksum", f->name);
		if (rc != 0)
			return ssp_errmsg_set(em, SSP_ERR_PARSE,
					      "field \"%s\": expected \"0x\" and 40 hex digits", f->name);
		return 0;
	}
	return SSP_ERR_INTERNAL;
}

/* Unknown keys first (a misspelt name is reported as such), then missing ones. */
static int check_keys(const json_t *obj, ssp_errmsg *em)
{
	const char *key;
	json_t *v;
	char buf[48];

	json_object_foreach((json_t *)obj, key, v) {
		if (find_field(key) == NULL)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": unknown field",
					      printable(key, buf));
	}
	for (size_t i = 0; i < NFIELDS; i++)
		if (json_object_get(obj, fields[i].name) == NULL)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": missing", fields[i].name);
	return 0;
}

int ssp_claim_from_json_obj(const json_t *obj, ssp_claim *c, ssp_errmsg *em)
{
	ssp_claim tmp;
	int rc;

	if (obj == NULL || c == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no claim");
	if (!json_is_object(obj))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "claim: expected a JSON object, got %s",
				      type_name(obj));
	rc = check_keys(obj, em);
	if (rc != 0)
		return rc;
	memset(&tmp, 0, sizeof tmp);
	for (size_t i = 0; i < NFIELDS; i++) {
		rc = parse_field(&fields[i], json_object_get(obj, fields[i].name), &tmp, em);
		if (rc != 0)
			return rc;
	}
	*c = tmp;
	return 0;
}

static int in_set(char ch, const char *set)
{
	return ch != '\0' && strchr(set, ch) != NULL;
}

/* The raw (still escaped) member name before the number ending at text[end), as in
 * `"name" : number`, copied into buf; NULL when the number is not a member value. */
static const char *key_before(const char *text, size_t end, char buf[48])
{
	size_t j = end, q;

	while (j > 0 && in_set(text[j - 1], "0123456789+-.eE"))
		j--;
	while (j > 0 && in_set(text[j - 1], " \t\r\n"))
		j--;
	if (j == 0 || text[j - 1] != ':')
		return NULL;
	j--;
	while (j > 0 && in_set(text[j - 1], " \t\r\n"))
		j--;
	if (j == 0 || text[j - 1] != '"')
		return NULL;
	j--; /* text[j] is the closing quote; find the opening one (not escaped) */
	for (q = j; q > 0; q--) {
		size_t bs = 0;

		if (text[q - 1] != '"')
			continue;
		while (q - 1 > bs && text[q - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			break;
	}
	if (q == 0 || j - q > 47)
		return NULL;
	memcpy(buf, text + q, j - q);
	buf[j - q] = '\0';
	return buf;
}

/* jansson refused a number beyond its range (its integers are signed 64-bit). Decodes again
 * with integers as reals to report any other defect first, then names the field when the
 * number is the value of a uint64 member. Returns SSP_ERR_PARSE with em set. */
static int name_overflow(const char *text, size_t len, const json_error_t *err, ssp_errmsg *em)
{
	json_error_t e2;
	json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &e2);
	const struct field *f = NULL;
	const char *key = NULL;
	json_t *v;
	ssp_claim scratch;
	char buf[48];
	int rc = SSP_ERR_PARSE;

	if (json_is_object(obj)) {
		rc = check_keys(obj, em);
		for (size_t i = 0; i < NFIELDS && rc == 0; i++) {
			v = json_object_get(obj, fields[i].name);
			if (fields[i].kind != K_UINT64 || !json_is_number(v))
				rc = parse_field(&fields[i], v, &scratch, em);
		}
		if (rc != 0)
			goto out;
		rc = SSP_ERR_PARSE;
		if (err->position > 0 && (size_t)err->position <= len)
			key = key_before(text, (size_t)err->position, buf);
		f = key ? find_field(key) : NULL;
	}
	v = f ? json_object_get(obj, f->name) : NULL;
	if (f != NULL && f->kind == K_UINT64 && json_is_real(v) &&
	    fabs(json_real_value(v)) >= 9223372036854775807.0)
		ssp_errmsg_set(em, rc, "field \"%s\": out of range (0..%llu)", f->name,
			       SSP_CLAIM_JSON_UINT_MAX);
	else
		ssp_errmsg_set(em, rc, "JSON error at line %d column %d: %s", err->line, err->column,
			       err->text);
out:
	json_decref(obj);
	return rc;
}

/* jansson's "duplicate object key near '"<key>"'": the key as written. */
static int name_duplicate(const json_error_t *err, ssp_errmsg *em)
{
	const char *a = strstr(err->text, "near '\"");
	const char *b = a ? strrchr(a, '"') : NULL;
	char key[48], buf[48];
	size_t n;

	if (a == NULL || b == NULL || b <= a + 6)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "JSON error at line %d column %d: %s",
				      err->line, err->column, err->text);
	a += 7;
	n = (size_t)(b - a);
	if (n > 41)
		n = 41;
	memcpy(key, a, n);
	key[n] = '\0';
	return ssp_errmsg_set(em, SSP_ERR_PARSE, "field \"%s\": duplicate", printable(key, buf));
}

int ssp_claim_from_json(const char *text, size_t len, ssp_claim *c, ssp_errmsg *em)
{
	json_error_t err;
	json_t *obj;
	int rc;

	if (text == NULL || c == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no claim text");
	if (len > SSP_CLAIM_JSON_MAX)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "claim JSON of %zu bytes exceeds %d bytes",
				      len, SSP_CLAIM_JSON_MAX);
	if (len == 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "empty claim JSON");
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (obj == NULL) {
		switch (json_error_code(&err)) {
		case json_error_duplicate_key:
			return name_duplicate(&err, em);
		case json_error_numeric_overflow:
			return name_overflow(text, len, &err, em);
		default:
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "JSON error at line %d column %d: %s",
					      err.line, err.column, err.text);
		}
	}
	rc = ssp_claim_from_json_obj(obj, c, em);
	json_decref(obj);
	return rc;
}

int ssp_claim_to_json_obj(const ssp_claim *c, json_t **out)
{
	json_t *obj = NULL;
	int rc = SSP_ERR_NOMEM;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (c == NULL)
		return SSP_ERR_INVAL;
	obj = json_object();
	if (obj == NULL)
		goto out;
	for (size_t i = 0; i < NFIELDS; i++) {
		const uint8_t *src = (const uint8_t *)c + fields[i].off;
		char buf[67];
		json_t *v = NULL;
		uint64_t u;

		switch (fields[i].kind) {
		case K_UINT64:
			u = *(const uint64_t *)(const void *)src;
			if (u > SSP_CLAIM_JSON_UINT_MAX) {
				rc = SSP_ERR_RANGE;
				goto out;
			}
			v = json_integer((json_int_t)u);
			break;
		case K_BYTES32:
			v = json_string(ssp_hex_encode(src, 32, buf, 1));
			break;
		case K_ADDRESS:
			v = json_string(ssp_address_format(src, buf));
			break;
		}
		if (v == NULL || json_object_set_new(obj, fields[i].name, v) != 0)
			goto out;
	}
	*out = obj;
	obj = NULL;
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

int ssp_claim_to_json(const ssp_claim *c, char **out)
{
	json_t *obj = NULL;
	char *s;
	int rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	rc = ssp_claim_to_json_obj(c, &obj);
	if (rc != 0)
		return rc;
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (s == NULL)
		return SSP_ERR_NOMEM;
	*out = s;
	return 0;
}
