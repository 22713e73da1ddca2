/* Static ssp_wrapper: the part of jansson's API (2.14) that the wrapper's lib modules use
 * (lib/boinc/ssp_receipt.c, ssp_jobxml.c, ssp_initdata.c), with jansson's contracts and
 * output format, implemented in client/compat/minijson.c, so that the static wrapper needs no
 * jansson. Objects keep insertion order (jansson's default since 2.8); dumps follow jansson's
 * dump.c (separators, indentation, \uXXXX escapes, %.Ng reals with ".0" and trimmed
 * exponents); loading is strict RFC 8259 as jansson's (objects or arrays at the top, valid
 * UTF-8, no \u0000, integer overflow refused). tests/integration/26-wrapper-static.sh compares
 * it with jansson itself. */
#ifndef SSP_COMPAT_JANSSON_H
#define SSP_COMPAT_JANSSON_H

#include <stddef.h>

typedef long long json_int_t;
#define JSON_INTEGER_FORMAT "lld"

typedef enum {
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_INTEGER,
	JSON_REAL,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
} json_type;

typedef struct json_t {
	json_type type;
	size_t refcount;
} json_t;

#define JSON_ERROR_TEXT_LENGTH 160
#define JSON_ERROR_SOURCE_LENGTH 80
typedef struct json_error_t {
	int line;
	int column;
	int position;
	char source[JSON_ERROR_SOURCE_LENGTH];
	char text[JSON_ERROR_TEXT_LENGTH];
} json_error_t;

/* Flags, with jansson's values. */
#define JSON_MAX_INDENT 0x1F
#define JSON_INDENT(n) ((n) & JSON_MAX_INDENT)
#define JSON_COMPACT 0x20
#define JSON_ENSURE_ASCII 0x40
#define JSON_SORT_KEYS 0x80
#define JSON_PRESERVE_ORDER 0x100
#define JSON_ENCODE_ANY 0x200
#define JSON_ESCAPE_SLASH 0x400
#define JSON_REAL_PRECISION(n) (((n) & 0x1F) << 11)
#define JSON_REJECT_DUPLICATES 0x1
#define JSON_DISABLE_EOF_CHECK 0x2
#define JSON_DECODE_ANY 0x4

#define json_typeof(j) ((j)->type)
#define json_is_object(j) ((j) && json_typeof(j) == JSON_OBJECT)
#define json_is_array(j) ((j) && json_typeof(j) == JSON_ARRAY)
#define json_is_string(j) ((j) && json_typeof(j) == JSON_STRING)
#define json_is_integer(j) ((j) && json_typeof(j) == JSON_INTEGER)
#define json_is_real(j) ((j) && json_typeof(j) == JSON_REAL)
#define json_is_number(j) (json_is_integer(j) || json_is_real(j))
#define json_is_true(j) ((j) && json_typeof(j) == JSON_TRUE)
#define json_is_false(j) ((j) && json_typeof(j) == JSON_FALSE)
#define json_is_boolean(j) (json_is_true(j) || json_is_false(j))
#define json_is_null(j) ((j) && json_typeof(j) == JSON_NULL)
#define json_boolean(val) ((val) ? json_true() : json_false())

json_t *json_object(void);
json_t *json_array(void);
json_t *json_string(const char *value);
json_t *json_integer(json_int_t value);
json_t *json_real(double value);
json_t *json_true(void);
json_t *json_false(void);
json_t *json_null(void);

json_t *json_incref(json_t *json);
void json_decref(json_t *json);

size_t json_object_size(const json_t *object);
json_t *json_object_get(const json_t *object, const char *key);
int json_object_set_new(json_t *object, const char *key, json_t *value);
int json_object_set(json_t *object, const char *key, json_t *value);
/* Iteration by position (this subset's own; used by json_object_foreach). */
const char *ssp_compat_json_key_at(const json_t *object, size_t i);
json_t *ssp_compat_json_value_at(const json_t *object, size_t i);
#define json_object_foreach(object, key, value)                                              \
	for (size_t ssp_compat_i_ = 0;                                                      \
	     ((key) = ssp_compat_json_key_at((object), ssp_compat_i_)) != NULL &&           \
	     ((value) = ssp_compat_json_value_at((object), ssp_compat_i_)) != NULL;         \
	     ssp_compat_i_++)

size_t json_array_size(const json_t *array);
json_t *json_array_get(const json_t *array, size_t index);
int json_array_append_new(json_t *array, json_t *value);

const char *json_string_value(const json_t *string);
size_t json_string_length(const json_t *string);
json_int_t json_integer_value(const json_t *integer);
double json_real_value(const json_t *real);
double json_number_value(const json_t *json);

char *json_dumps(const json_t *json, size_t flags);
json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

#endif
