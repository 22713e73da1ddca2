/* The jansson subset of client/compat/include/jansson.h (see there). Follows jansson 2.14's
 * documented behaviour and output format; written for the static ssp_wrapper. */
#include <jansson.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 2048

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
static int utf8_ok(const char *s, size_t n)
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

static json_t *string_own(char *s, size_t len)
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
	if (!utf8_ok(value, n) || (s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, value, n + 1);
	return string_own(s, n);
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
static int object_put(j_object *o, const char *key, size_t n, json_t *value)
{
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
	if (!json_is_object(object) || key == NULL || object == value || !utf8_ok(key, n = strlen(key))) {
		json_decref(value);
		return -1;
	}
	return object_put((j_object *)object, key, n, value);
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

/* ---- loading (strict, as jansson's load.c) ---- */

struct lex {
	const char *s, *p, *e;
	size_t flags;
	json_error_t *err;
	int failed;
};

static void lfail(struct lex *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void lfail(struct lex *l, const char *fmt, ...)
{
	va_list ap;
	int line = 1, col = 0;

	if (l->failed)
		return;
	l->failed = 1;
	if (l->err == NULL)
		return;
	for (const char *q = l->s; q < l->p && q < l->e; q++) {
		if (*q == '\n')
			line++, col = 0;
		else
			col++;
	}
	l->err->line = line;
	l->err->column = col;
	l->err->position = (int)(l->p - l->s);
	snprintf(l->err->source, sizeof(l->err->source), "<buffer>");
	va_start(ap, fmt);
	vsnprintf(l->err->text, sizeof(l->err->text), fmt, ap);
	va_end(ap);
}

static void skip_ws(struct lex *l)
{
	while (l->p < l->e && (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r'))
		l->p++;
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at l->p (on the opening quote): a new NUL-terminated buffer and its length. */
static char *lex_string(struct lex *l, size_t *len)
{
	const char *start = ++l->p, *q = start;
	char *out, *w;

	/* The raw extent first; the decoded string is never longer. */
	while (q < l->e && *q != '"') {
		if ((unsigned char)*q < 0x20) {
			l->p = q;
			lfail(l, "control character in a string");
			return NULL;
		}
		q += *q == '\\' ? 2 : 1;
	}
	if (q >= l->e) {
		lfail(l, "premature end of input in a string");
		return NULL;
	}
	if (!utf8_ok(start, (size_t)(q - start))) {
		lfail(l, "invalid UTF-8 in a string");
		return NULL;
	}
	if ((out = malloc((size_t)(q - start) + 1)) == NULL) {
		lfail(l, "out of memory");
		return NULL;
	}
	w = out;
	for (const char *p = start; p < q;) {
		uint32_t cp, lo;

		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *w++ = '"'; p++; continue;
		case '\\': *w++ = '\\'; p++; continue;
		case '/': *w++ = '/'; p++; continue;
		case 'b': *w++ = '\b'; p++; continue;
		case 'f': *w++ = '\f'; p++; continue;
		case 'n': *w++ = '\n'; p++; continue;
		case 'r': *w++ = '\r'; p++; continue;
		case 't': *w++ = '\t'; p++; continue;
		case 'u': break;
		default:
			l->p = p;
			lfail(l, "invalid escape");
			free(out);
			return NULL;
		}
		if (q - p < 5 || hex4(p + 1, &cp) != 0)
			goto bad_u;
		p += 5;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
				goto bad_u;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			goto bad_u;
		}
		if (cp == 0) {
			l->p = p;
			lfail(l, "\\u0000 is not allowed without JSON_ALLOW_NUL");
			free(out);
			return NULL;
		}
		w += put_utf8(w, cp);
		continue;
bad_u:
		l->p = p;
		lfail(l, "invalid \\u escape");
		free(out);
		return NULL;
	}
	*w = '\0';
	*len = (size_t)(w - out);
	l->p = q + 1;
	return out;
}

static json_t *lex_number(struct lex *l)
{
	const char *p = l->p, *start = p;
	int is_real = 0;
	char tmp[512];
	size_t n;

	if (p < l->e && *p == '-')
		p++;
	if (p < l->e && *p == '0')
		p++;
	else if (p < l->e && *p >= '1' && *p <= '9')
		while (p < l->e && *p >= '0' && *p <= '9')
			p++;
	else
		goto bad;
	if (p < l->e && *p == '.') {
		is_real = 1;
		p++;
		if (p >= l->e || *p < '0' || *p > '9')
			goto bad;
		while (p < l->e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < l->e && (*p == 'e' || *p == 'E')) {
		is_real = 1;
		p++;
		if (p < l->e && (*p == '+' || *p == '-'))
			p++;
		if (p >= l->e || *p < '0' || *p > '9')
			goto bad;
		while (p < l->e && *p >= '0' && *p <= '9')
			p++;
	}
	n = (size_t)(p - start);
	if (n >= sizeof(tmp)) {
		lfail(l, "number too long");
		return NULL;
	}
	memcpy(tmp, start, n);
	tmp[n] = '\0';
	l->p = p;
	errno = 0;
	if (!is_real) {
		long long v = strtoll(tmp, NULL, 10);

		if (errno == ERANGE) {
			lfail(l, v < 0 ? "too big negative integer" : "too big integer");
			return NULL;
		}
		return json_integer(v);
	} else {
		double v = strtod(tmp, NULL);

		if (errno == ERANGE && (v > 1 || v < -1)) {
			lfail(l, "real number overflow");
			return NULL;
		}
		return json_real(v);
	}
bad:
	l->p = start;
	lfail(l, "invalid token");
	return NULL;
}

static json_t *parse_value(struct lex *l, int depth);

static json_t *parse_object(struct lex *l, int depth)
{
	json_t *o = json_object();

	l->p++;
	if (o == NULL) {
		lfail(l, "out of memory");
		return NULL;
	}
	skip_ws(l);
	if (l->p < l->e && *l->p == '}') {
		l->p++;
		return o;
	}
	for (;;) {
		char *key;
		size_t klen;
		json_t *v;

		skip_ws(l);
		if (l->p >= l->e || *l->p != '"') {
			lfail(l, "string or '}' expected");
			break;
		}
		if ((key = lex_string(l, &klen)) == NULL)
			break;
		if (memchr(key, '\0', klen) != NULL || ((l->flags & JSON_REJECT_DUPLICATES) && json_object_get(o, key))) {
			lfail(l, "duplicate object key");
			free(key);
			break;
		}
		skip_ws(l);
		if (l->p >= l->e || *l->p != ':') {
			lfail(l, "':' expected");
			free(key);
			break;
		}
		l->p++;
		v = parse_value(l, depth + 1);
		if (v == NULL || object_put((j_object *)o, key, klen, v) != 0) {
			lfail(l, "out of memory");
			free(key);
			break;
		}
		free(key);
		skip_ws(l);
		if (l->p < l->e && *l->p == ',') {
			l->p++;
			continue;
		}
		if (l->p < l->e && *l->p == '}') {
			l->p++;
			return o;
		}
		lfail(l, "'}' expected");
		break;
	}
	json_decref(o);
	return NULL;
}

static json_t *parse_array(struct lex *l, int depth)
{
	json_t *a = json_array();

	l->p++;
	if (a == NULL) {
		lfail(l, "out of memory");
		return NULL;
	}
	skip_ws(l);
	if (l->p < l->e && *l->p == ']') {
		l->p++;
		return a;
	}
	for (;;) {
		json_t *v = parse_value(l, depth + 1);

		if (v == NULL || json_array_append_new(a, v) != 0) {
			lfail(l, "out of memory");
			break;
		}
		skip_ws(l);
		if (l->p < l->e && *l->p == ',') {
			l->p++;
			continue;
		}
		if (l->p < l->e && *l->p == ']') {
			l->p++;
			return a;
		}
		lfail(l, "']' expected");
		break;
	}
	json_decref(a);
	return NULL;
}

static int literal(struct lex *l, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(l->e - l->p) >= n && memcmp(l->p, word, n) == 0) {
		l->p += n;
		return 1;
	}
	return 0;
}

static json_t *parse_value(struct lex *l, int depth)
{
	skip_ws(l);
	if (depth > MAX_DEPTH) {
		lfail(l, "maximum parsing depth reached");
		return NULL;
	}
	if (l->p >= l->e) {
		lfail(l, "unexpected end of input");
		return NULL;
	}
	switch (*l->p) {
	case '{':
		return parse_object(l, depth);
	case '[':
		return parse_array(l, depth);
	case '"': {
		size_t len;
		char *s = lex_string(l, &len);
		json_t *j = s ? string_own(s, len) : NULL;

		if (s != NULL && j == NULL)
			lfail(l, "out of memory");
		return j;
	}
	case 't':
		if (literal(l, "true"))
			return json_true();
		break;
	case 'f':
		if (literal(l, "false"))
			return json_false();
		break;
	case 'n':
		if (literal(l, "null"))
			return json_null();
		break;
	default:
		if (*l->p == '-' || (*l->p >= '0' && *l->p <= '9'))
			return lex_number(l);
		break;
	}
	lfail(l, "invalid token");
	return NULL;
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	struct lex l = { buffer, buffer, buffer + buflen, flags, error, 0 };
	json_t *j;

	if (error != NULL)
		memset(error, 0, sizeof(*error));
	if (buffer == NULL) {
		lfail(&l, "wrong arguments");
		return NULL;
	}
	skip_ws(&l);
	if (!(flags & JSON_DECODE_ANY) && (l.p >= l.e || (*l.p != '[' && *l.p != '{'))) {
		lfail(&l, "'[' or '{' expected");
		return NULL;
	}
	j = parse_value(&l, 0);
	if (j == NULL)
		return NULL;
	if (!(flags & JSON_DISABLE_EOF_CHECK)) {
		skip_ws(&l);
		if (l.p < l.e) {
			lfail(&l, "end of file expected");
			json_decref(j);
			return NULL;
		}
	}
	return j;
}
