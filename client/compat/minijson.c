/* The jansson subset of client/compat/include/jansson.h (see there). Follows jansson 2.14's
 * documented behaviour and output format; written for the static ssp_wrapper. */
#include <jansson.h>
#include "minijson_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH SSP_COMPAT_JSON_MAX_DEPTH

struct member {
	char *key;
	json_t *value;
};

typedef struct {
	json_t j;
	struct member *m;
	size_t n, cap;
} j_object;

typedef struct {
	json_t j;
	json_t **v;
	size_t n, cap;
} j_array;

typedef struct {
	json_t j;
	char *s;
	size_t len;
} j_string;

typedef struct {
	json_t j;
	json_int_t v;
} j_integer;

typedef struct {
	json_t j;
	double v;
} j_real;

static json_t the_true = { JSON_TRUE, (size_t)-1 };
static json_t the_false = { JSON_FALSE, (size_t)-1 };
static json_t the_null = { JSON_NULL, (size_t)-1 };

json_t *json_true(void)
{
	return &the_true;
}

json_t *json_false(void)
{
	return &the_false;
}

json_t *json_null(void)
{
	return &the_null;
}

static void *new_value(size_t size, json_type type)
{
	json_t *j = calloc(1, size);

	if (j != NULL) {
		j->type = type;
		j->refcount = 1;
	}
	return j;
}

json_t *json_object(void)
{
	return new_value(sizeof(j_object), JSON_OBJECT);
}

json_t *json_array(void)
{
	return new_value(sizeof(j_array), JSON_ARRAY);
}

/* Valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
int ssp_compat_utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		unsigned c = *p;
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if ((size_t)(e - p) <= k)
			return 0;
		for (size_t i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += k + 1;
	}
	return 1;
}

json_t *ssp_compat_string_own(char *s, size_t len)
{
	j_string *j = new_value(sizeof(j_string), JSON_STRING);

	if (j == NULL) {
		free(s);
		return NULL;
	}
	j->s = s;
	j->len = len;
	return &j->j;
}

json_t *json_string(const char *value)
{
	size_t n;
	char *s;

	if (value == NULL)
		return NULL;
	n = strlen(value);
	if (!ssp_compat_utf8_ok(value, n) || (s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, value, n + 1);
	return ssp_compat_string_own(s, n);
}

json_t *json_integer(json_int_t value)
{
	j_integer *j = new_value(sizeof(j_integer), JSON_INTEGER);

	if (j != NULL)
		j->v = value;
	return (json_t *)j;
}

json_t *json_real(double value)
{
	j_real *j;

	if (!isfinite(value))
		return NULL;
	j = new_value(sizeof(j_real), JSON_REAL);
	if (j != NULL)
		j->v = value;
	return (json_t *)j;
}

json_t *json_incref(json_t *json)
{
	if (json != NULL && json->refcount != (size_t)-1)
		json->refcount++;
	return json;
}

void json_decref(json_t *json)
{
	if (json == NULL || json->refcount == (size_t)-1 || --json->refcount != 0)
		return;
	switch (json->type) {
	case JSON_OBJECT: {
		j_object *o = (j_object *)json;

		for (size_t i = 0; i < o->n; i++) {
			free(o->m[i].key);
			json_decref(o->m[i].value);
		}
		free(o->m);
		break;
	}
	case JSON_ARRAY: {
		j_array *a = (j_array *)json;

		for (size_t i = 0; i < a->n; i++)
			json_decref(a->v[i]);
		free(a->v);
		break;
	}
	case JSON_STRING:
		free(((j_string *)json)->s);
		break;
	default:
		break;
	}
	free(json);
}

size_t json_object_size(const json_t *object)
{
	return json_is_object(object) ? ((const j_object *)object)->n : 0;
}

json_t *json_object_get(const json_t *object, const char *key)
{
	const j_object *o = (const j_object *)object;

	if (!json_is_object(object) || key == NULL)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->m[i].key, key) == 0)
			return o->m[i].value;
	return NULL;
}

/* Sets key to value (the reference is taken); the key is copied, n bytes. */
int ssp_compat_object_put(json_t *object, const char *key, size_t n, json_t *value)
{
	j_object *o = (j_object *)object;
	char *k;

	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->m[i].key, key) == 0) {
			json_decref(o->m[i].value);
			o->m[i].value = value;
			return 0;
		}
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct member *g = realloc(o->m, cap * sizeof(*g));

		if (g == NULL)
			goto fail;
		o->m = g;
		o->cap = cap;
	}
	if ((k = malloc(n + 1)) == NULL)
		goto fail;
	memcpy(k, key, n + 1);
	o->m[o->n].key = k;
	o->m[o->n].value = value;
	o->n++;
	return 0;
fail:
	json_decref(value);
	return -1;
}

int json_object_set_new(json_t *object, const char *key, json_t *value)
{
	size_t n;

	if (value == NULL)
		return -1;
	if (!json_is_object(object) || key == NULL || object == value || !ssp_compat_utf8_ok(key, n = strlen(key))) {
		json_decref(value);
		return -1;
	}
	return ssp_compat_object_put(object, key, n, value);
}

int json_object_set(json_t *object, const char *key, json_t *value)
{
	return json_object_set_new(object, key, json_incref(value));
}

const char *ssp_compat_json_key_at(const json_t *object, size_t i)
{
	const j_object *o = (const j_object *)object;

	return json_is_object(object) && i < o->n ? o->m[i].key : NULL;
}

json_t *ssp_compat_json_value_at(const json_t *object, size_t i)
{
	const j_object *o = (const j_object *)object;

	return json_is_object(object) && i < o->n ? o->m[i].value : NULL;
}

size_t json_array_size(const json_t *array)
{
	return json_is_array(array) ? ((const j_array *)array)->n : 0;
}

json_t *json_array_get(const json_t *array, size_t index)
{
	const j_array *a = (const j_array *)array;

	return json_is_array(array) && index < a->n ? a->v[index] : NULL;
}

int json_array_append_new(json_t *array, json_t *value)
{
	j_array *a = (j_array *)array;

	if (value == NULL)
		return -1;
	if (!json_is_array(array) || array == value)
		goto fail;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		json_t **g = realloc(a->v, cap * sizeof(*g));

		if (g == NULL)
			goto fail;
		a->v = g;
		a->cap = cap;
	}
	a->v[a->n++] = value;
	return 0;
fail:
	json_decref(value);
	return -1;
}

const char *json_string_value(const json_t *string)
{
	return json_is_string(string) ? ((const j_string *)string)->s : NULL;
}

size_t json_string_length(const json_t *string)
{
	return json_is_string(string) ? ((const j_string *)string)->len : 0;
}

json_int_t json_integer_value(const json_t *integer)
{
	return json_is_integer(integer) ? ((const j_integer *)integer)->v : 0;
}

double json_real_value(const json_t *real)
{
	return json_is_real(real) ? ((const j_real *)real)->v : 0;
}

double json_number_value(const json_t *json)
{
	if (json_is_integer(json))
		return (double)json_integer_value(json);
	return json_real_value(json);
}

/* ---- dumping (jansson's dump.c format) ---- */

struct buf {
	char *p;
	size_t n, cap;
	int failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *g = realloc(b->p, cap);

		if (g == NULL) {
			b->failed = 1;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void indent(struct buf *b, size_t flags, int depth, int space)
{
	if (JSON_INDENT(flags) > 0) {
		put(b, "\n", 1);
		for (int i = 0; i < depth * (int)JSON_INDENT(flags); i++)
			put(b, " ", 1);
	} else if (space && !(flags & JSON_COMPACT)) {
		put(b, " ", 1);
	}
}

static void dump_string(struct buf *b, const char *s, size_t len, size_t flags)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	put(b, "\"", 1);
	while (p < e) {
		const unsigned char *start = p;
		uint32_t cp;
		char seq[16];

		/* A run of bytes written as they are. */
		while (p < e && *p >= 0x20 && *p != '"' && *p != '\\' && !(*p == '/' && (flags & JSON_ESCAPE_SLASH)) &&
		       !(*p >= 0x80 && (flags & JSON_ENSURE_ASCII)))
			p++;
		put(b, (const char *)start, (size_t)(p - start));
		if (p >= e)
			break;
		if (*p < 0x80) {
			cp = *p++;
		} else {
			size_t k = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;

			cp = *p & (k == 3 ? 0x07 : k == 2 ? 0x0f : 0x1f);
			for (size_t i = 1; i <= k && p + i < e; i++)
				cp = (cp << 6) | (p[i] & 0x3f);
			p += k + 1;
		}
		switch (cp) {
		case '\\': puts_(b, "\\\\"); break;
		case '"': puts_(b, "\\\""); break;
		case '\b': puts_(b, "\\b"); break;
		case '\f': puts_(b, "\\f"); break;
		case '\n': puts_(b, "\\n"); break;
		case '\r': puts_(b, "\\r"); break;
		case '\t': puts_(b, "\\t"); break;
		case '/': puts_(b, "\\/"); break;
		default:
			if (cp < 0x10000) {
				snprintf(seq, sizeof(seq), "\\u%04X", (unsigned)cp);
			} else {
				cp -= 0x10000;
				snprintf(seq, sizeof(seq), "\\u%04X\\u%04X", (unsigned)(0xd800 | (cp >> 10)),
					 (unsigned)(0xdc00 | (cp & 0x3ff)));
			}
			puts_(b, seq);
		}
	}
	put(b, "\"", 1);
}

/* jansson's jsonp_dtostr: %.Ng, ".0" when it would read as an integer, exponent without '+'
 * and leading zeros. */
static void dump_real(struct buf *b, double v, int precision)
{
	char s[64], *start, *end;
	size_t len;

	snprintf(s, sizeof(s) - 3, "%.*g", precision, v);
	len = strlen(s);
	if (strchr(s, '.') == NULL && strchr(s, 'e') == NULL) {
		memcpy(s + len, ".0", 3);
		len += 2;
	}
	start = strchr(s, 'e');
	if (start != NULL) {
		start++;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - s) + 1);
			len -= (size_t)(end - start);
		}
	}
	put(b, s, len);
}

static void dump(struct buf *b, const json_t *j, size_t flags, int depth)
{
	char num[32];

	if (depth > MAX_DEPTH) {
		b->failed = 1;
		return;
	}
	switch (j->type) {
	case JSON_NULL: puts_(b, "null"); break;
	case JSON_TRUE: puts_(b, "true"); break;
	case JSON_FALSE: puts_(b, "false"); break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, ((const j_integer *)j)->v);
		puts_(b, num);
		break;
	case JSON_REAL: {
		int prec = (int)((flags >> 11) & 0x1F);

		dump_real(b, ((const j_real *)j)->v, prec ? prec : 17);
		break;
	}
	case JSON_STRING:
		dump_string(b, ((const j_string *)j)->s, ((const j_string *)j)->len, flags);
		break;
	case JSON_ARRAY: {
		const j_array *a = (const j_array *)j;

		put(b, "[", 1);
		if (a->n == 0) {
			put(b, "]", 1);
			break;
		}
		indent(b, flags, depth + 1, 0);
		for (size_t i = 0; i < a->n; i++) {
			dump(b, a->v[i], flags, depth + 1);
			if (i + 1 < a->n) {
				put(b, ",", 1);
				indent(b, flags, depth + 1, 1);
			} else {
				indent(b, flags, depth, 0);
			}
		}
		put(b, "]", 1);
		break;
	}
	case JSON_OBJECT: {
		const j_object *o = (const j_object *)j;
		const char *sep = (flags & JSON_COMPACT) ? ":" : ": ";

		put(b, "{", 1);
		if (o->n == 0) {
			put(b, "}", 1);
			break;
		}
		indent(b, flags, depth + 1, 0);
		for (size_t i = 0; i < o->n; i++) {
			dump_string(b, o->m[i].key, strlen(o->m[i].key), flags);
			puts_(b, sep);
			dump(b, o->m[i].value, flags, depth + 1);
			if (i + 1 < o->n) {
				put(b, ",", 1);
				indent(b, flags, depth + 1, 1);
			} else {
				indent(b, flags, depth, 0);
			}
		}
		put(b, "}", 1);
		break;
	}
	}
}

char *json_dumps(const json_t *json, size_t flags)
{
	struct buf b = { NULL, 0, 0, 0 };

	if (json == NULL || (!(flags & JSON_ENCODE_ANY) && !json_is_object(json) && !json_is_array(json)))
		return NULL;
	if (flags & JSON_SORT_KEYS)
		return NULL; /* not part of this subset */
	dump(&b, json, flags, 0);
	if (b.failed || b.p == NULL) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

