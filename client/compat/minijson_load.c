/* The jansson subset's loader: strict RFC 8259, as jansson's load.c (see
 * client/compat/include/jansson.h). */
#include <jansson.h>
#include "minijson_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH SSP_COMPAT_JSON_MAX_DEPTH

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
	if (!ssp_compat_utf8_ok(start, (size_t)(q - start))) {
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
		if (v == NULL || ssp_compat_object_put(o, key, klen, v) != 0) {
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
		json_t *j = s ? ssp_compat_string_own(s, len) : NULL;

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
