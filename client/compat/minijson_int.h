/* Between the two files of the jansson subset (minijson.c: values and dumping;
 * minijson_load.c: loading). */
#ifndef SSP_COMPAT_MINIJSON_INT_H
#define SSP_COMPAT_MINIJSON_INT_H

#include <jansson.h>
#include <stddef.h>

#define SSP_COMPAT_JSON_MAX_DEPTH 2048

/* True when the n bytes at s are valid UTF-8 (no overlongs, surrogates, or code points above
 * U+10FFFF). */
int ssp_compat_utf8_ok(const char *s, size_t n);
/* A string value owning s (len bytes, NUL-terminated); s is freed on failure (NULL). */
json_t *ssp_compat_string_own(char *s, size_t len);
/* Sets key (n bytes) of object to value, taking the reference (released on failure, -1). */
int ssp_compat_object_put(json_t *object, const char *key, size_t n, json_t *value);

#endif
