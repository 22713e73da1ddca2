#include "boinc/ssp_xml.h"
#include "core/ssp_hex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s, *p, *end;
	const char *lpos;             /* line counting: lpos is on line lline */
	int lline;
	ssp_xml_error *err;
	ssp_xml_node *open[SSP_XML_MAX_DEPTH];
	ssp_xml_node *last[SSP_XML_MAX_DEPTH]; /* last child of open[i] */
	int depth;
	ssp_xml_node *root;
};

static int line_at(struct parser *ps, const char *at)
{
	if (at < ps->lpos) {
		ps->lpos = ps->s;
		ps->lline = 1;
	}
	for (; ps->lpos < at; ps->lpos++)
		if (*ps->lpos == '\n')
			ps->lline++;
	return ps->lline;
}

static int fail(struct parser *ps, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	ps->err->line = line_at(ps, at > ps->end ? ps->end : at);
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return SSP_ERR_PARSE;
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int starts(const struct parser *ps, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, lit, n) == 0;
}

static const char *find(const struct parser *ps, const char *from, const char *lit)
{
	size_t n = strlen(lit);

	for (const char *q = from; q + n <= ps->end; q++)
		if (*q == lit[0] && memcmp(q, lit, n) == 0)
			return q;
	return NULL;
}

/* Valid UTF-8 and only the characters XML 1.0 allows (no NUL, no C0 controls but tab, LF,
 * CR). Returns the offending position, or NULL when the whole input is fine. */
static const char *check_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		unsigned c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return (const char *)p;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return (const char *)p;
		}
		if ((size_t)(e - p) <= n)
			return (const char *)p;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return (const char *)p;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
			return (const char *)p;
		p += n + 1;
	}
	return NULL;
}

/* A digit of a character reference: decimal, or hex (lib/core/ssp_hex.h). */
static int digit_val(int c, int hex)
{
	int d = ssp_hex_digit((char)c);

	return hex || d < 10 ? d : -1;
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

/* Decodes the n bytes at in (text or, with attr, an attribute value) into a new string:
 * entities and character references, CR LF and CR to LF (attributes: blanks to spaces). The
 * result is never longer than the input. */
static int decode(struct parser *ps, const char *in, size_t n, int attr, char **out)
{
	char *o = malloc(n + 1), *w = o;
	const char *e = in + n;

	if (o == NULL)
		return SSP_ERR_NOMEM;
	while (in < e) {
		if (*in == '\r') {
			*w++ = attr ? ' ' : '\n';
			in += (in + 1 < e && in[1] == '\n') ? 2 : 1;
		} else if (attr && (*in == '\n' || *in == '\t')) {
			*w++ = ' ';
			in++;
		} else if (*in != '&') {
			*w++ = *in++;
		} else {
			const char *semi = memchr(in, ';', (size_t)(e - in));
			size_t len = semi ? (size_t)(semi - in - 1) : 0;
			const char *name = in + 1;

			if (semi == NULL || len == 0 || len > 12) {
				free(o);
				return fail(ps, in, "a bare '&' (write &amp;)");
			}
			if (len == 2 && memcmp(name, "lt", 2) == 0) {
				*w++ = '<';
			} else if (len == 2 && memcmp(name, "gt", 2) == 0) {
				*w++ = '>';
			} else if (len == 3 && memcmp(name, "amp", 3) == 0) {
				*w++ = '&';
			} else if (len == 4 && memcmp(name, "quot", 4) == 0) {
				*w++ = '"';
			} else if (len == 4 && memcmp(name, "apos", 4) == 0) {
				*w++ = '\'';
			} else if (name[0] == '#') {
				int hex = len > 1 && name[1] == 'x';
				uint32_t cp = 0;
				size_t i = hex ? 2 : 1;

				if (i >= len)
					goto bad_ref;
				for (; i < len; i++) {
					int d = digit_val((unsigned char)name[i], hex);

					if (d < 0 || cp > 0x10ffff)
						goto bad_ref;
					cp = cp * (hex ? 16 : 10) + (uint32_t)d;
				}
				if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
				    (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff)
					goto bad_ref;
				w += put_utf8(w, cp);
			} else {
				free(o);
				return fail(ps, in, "undefined entity");
			}
			in = semi + 1;
			continue;
bad_ref:
			free(o);
			return fail(ps, in, "invalid character reference");
		}
	}
	*w = '\0';
	*out = o;
	return 0;
}

static char *dup_span(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static void attrs_free(ssp_xml_attr *a, int wipe)
{
	while (a != NULL) {
		ssp_xml_attr *next = a->next;

		if (wipe && a->name)
			ssp_wipe(a->name, strlen(a->name));
		if (wipe && a->value)
			ssp_wipe(a->value, strlen(a->value));
		free(a->name);
		free(a->value);
		free(a);
		a = next;
	}
}

void ssp_xml_free(ssp_xml_node *n, int wipe)
{
	while (n != NULL) {
		ssp_xml_node *next = n->next;

		ssp_xml_free(n->children, wipe);
		attrs_free(n->attrs, wipe);
		if (wipe && n->name)
			ssp_wipe(n->name, strlen(n->name));
		if (wipe && n->content)
			ssp_wipe(n->content, strlen(n->content));
		free(n->name);
		free(n->content);
		free(n);
		n = next;
	}
}

static ssp_xml_node *new_node(struct parser *ps, int type, const char *at)
{
	ssp_xml_node *n = calloc(1, sizeof(*n));

	if (n != NULL) {
		n->type = type;
		n->line = line_at(ps, at);
	}
	return n;
}

/* Hangs n under the innermost open element (the caller made sure there is one). */
static void append(struct parser *ps, ssp_xml_node *n)
{
	int d = ps->depth - 1;

	if (ps->last[d] == NULL)
		ps->open[d]->children = n;
	else
		ps->last[d]->next = n;
	ps->last[d] = n;
}

static size_t scan_name(const struct parser *ps, const char *at)
{
	const char *q = at;

	if (q >= ps->end || !name_start((unsigned char)*q))
		return 0;
	while (q < ps->end && name_char((unsigned char)*q))
		q++;
	return (size_t)(q - at);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && is_ws((unsigned char)*ps->p))
		ps->p++;
}

static int parse_attrs(struct parser *ps, ssp_xml_node *el, int *empty)
{
	ssp_xml_attr **tail = &el->attrs;

	for (;;) {
		const char *before = ps->p, *vstart, *vend;
		ssp_xml_attr *a;
		size_t n;
		char q;
		int rc;

		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, ps->p, "premature end of data in the tag <%.40s>", el->name);
		if (*ps->p == '>') {
			ps->p++;
			*empty = 0;
			return 0;
		}
		if (*ps->p == '/') {
			if (ps->p + 1 >= ps->end || ps->p[1] != '>')
				return fail(ps, ps->p, "malformed tag <%.40s>", el->name);
			ps->p += 2;
			*empty = 1;
			return 0;
		}
		if (ps->p == before || (n = scan_name(ps, ps->p)) == 0)
			return fail(ps, ps->p, "malformed attribute in <%.40s>", el->name);
		a = calloc(1, sizeof(*a));
		if (a == NULL || (a->name = dup_span(ps->p, n)) == NULL) {
			free(a);
			return SSP_ERR_NOMEM;
		}
		*tail = a;
		tail = &a->next;
		for (ssp_xml_attr *o = el->attrs; o != a; o = o->next)
			if (strcmp(o->name, a->name) == 0)
				return fail(ps, ps->p, "attribute %.40s given twice in <%.40s>", a->name, el->name);
		ps->p += n;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '=')
			return fail(ps, ps->p, "attribute %.40s has no value", a->name);
		ps->p++;
		skip_ws(ps);
		if (ps->p >= ps->end || (*ps->p != '"' && *ps->p != '\''))
			return fail(ps, ps->p, "attribute %.40s: value not quoted", a->name);
		q = *ps->p++;
		vstart = ps->p;
		vend = memchr(vstart, q, (size_t)(ps->end - vstart));
		if (vend == NULL)
			return fail(ps, vstart, "attribute %.40s: value not closed", a->name);
		if (memchr(vstart, '<', (size_t)(vend - vstart)) != NULL)
			return fail(ps, vstart, "attribute %.40s: '<' in the value", a->name);
		if ((rc = decode(ps, vstart, (size_t)(vend - vstart), 1, &a->value)) != 0)
			return rc;
		ps->p = vend + 1;
	}
}

static int parse_start_tag(struct parser *ps)
{
	const char *at = ps->p;
	size_t n = scan_name(ps, ps->p + 1);
	ssp_xml_node *el;
	int empty = 0, rc;

	if (n == 0)
		return fail(ps, at, "malformed tag (a name must follow '<')");
	if (ps->depth == 0 && ps->root != NULL)
		return fail(ps, at, "extra content after the root element");
	if (ps->depth >= SSP_XML_MAX_DEPTH)
		return fail(ps, at, "elements nested deeper than %d", SSP_XML_MAX_DEPTH);
	el = new_node(ps, SSP_XML_ELEMENT, at);
	if (el == NULL || (el->name = dup_span(ps->p + 1, n)) == NULL) {
		free(el);
		return SSP_ERR_NOMEM;
	}
	if (ps->depth == 0)
		ps->root = el;
	else
		append(ps, el);
	ps->p += 1 + n;
	if (ps->p < ps->end && !is_ws((unsigned char)*ps->p) && *ps->p != '>' && *ps->p != '/')
		return fail(ps, ps->p, "malformed tag <%.40s>", el->name);
	if ((rc = parse_attrs(ps, el, &empty)) != 0)
		return rc;
	if (!empty) {
		ps->open[ps->depth] = el;
		ps->last[ps->depth] = NULL;
		ps->depth++;
	}
	return 0;
}

static int parse_end_tag(struct parser *ps)
{
	const char *at = ps->p;
	size_t n = scan_name(ps, ps->p + 2);
	ssp_xml_node *top;

	if (n == 0)
		return fail(ps, at, "malformed closing tag");
	if (ps->depth == 0)
		return fail(ps, at, "closing tag without an opening tag");
	top = ps->open[ps->depth - 1];
	if (strlen(top->name) != n || memcmp(top->name, ps->p + 2, n) != 0)
		return fail(ps, at, "closing tag </%.*s> does not match <%.40s> of line %d", (int)(n > 40 ? 40 : n),
			    ps->p + 2, top->name, top->line);
	ps->p += 2 + n;
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != '>')
		return fail(ps, ps->p, "malformed closing tag </%.40s>", top->name);
	ps->p++;
	ps->depth--;
	return 0;
}

/* <!-- -->, <![CDATA[ ]]> or <? ?>: a node of type holding what is between. */
static int parse_special(struct parser *ps, int type, const char *open, const char *close)
{
	const char *at = ps->p, *body = ps->p + strlen(open), *stop = find(ps, body, close);
	ssp_xml_node *n;

	if (stop == NULL)
		return fail(ps, at, type == SSP_XML_COMMENT ? "comment not closed"
				  : type == SSP_XML_CDATA ? "CDATA section not closed"
							  : "processing instruction not closed");
	ps->p = stop + strlen(close);
	if (type == SSP_XML_CDATA && ps->depth == 0)
		return fail(ps, at, "CDATA outside the root element");
	if (ps->depth == 0)
		return 0; /* comments and PIs around the root are not kept */
	n = new_node(ps, type, at);
	if (n == NULL)
		return SSP_ERR_NOMEM;
	append(ps, n);
	if (type == SSP_XML_PI) {
		size_t k = scan_name(ps, body);

		if (k == 0)
			return fail(ps, at, "processing instruction without a target");
		if ((n->name = dup_span(body, k)) == NULL)
			return SSP_ERR_NOMEM;
		body += k;
		while (body < stop && is_ws((unsigned char)*body))
			body++;
	}
	n->content = dup_span(body, (size_t)(stop - body));
	return n->content ? 0 : SSP_ERR_NOMEM;
}

static int parse_text(struct parser *ps)
{
	const char *at = ps->p, *stop = memchr(ps->p, '<', (size_t)(ps->end - ps->p));
	ssp_xml_node *n;

	if (stop == NULL)
		stop = ps->end;
	ps->p = stop;
	if (ps->depth == 0) {
		for (const char *q = at; q < stop; q++)
			if (!is_ws((unsigned char)*q))
				return fail(ps, q, ps->root ? "extra content after the root element"
							    : "text before the root element (a tag was expected)");
		return 0;
	}
	n = new_node(ps, SSP_XML_TEXT, at);
	if (n == NULL)
		return SSP_ERR_NOMEM;
	append(ps, n);
	return decode(ps, at, (size_t)(stop - at), 0, &n->content);
}

static int parse_all(struct parser *ps)
{
	int rc = 0;

	if (starts(ps, "\xef\xbb\xbf"))
		ps->p += 3;
	if (starts(ps, "<?xml") && ps->p + 5 < ps->end && is_ws((unsigned char)ps->p[5])) {
		const char *stop = find(ps, ps->p, "?>");

		if (stop == NULL)
			return fail(ps, ps->p, "XML declaration not closed");
		ps->p = stop + 2;
	}
	while (rc == 0 && ps->p < ps->end) {
		if (*ps->p != '<')
			rc = parse_text(ps);
		else if (starts(ps, "<!--"))
			rc = parse_special(ps, SSP_XML_COMMENT, "<!--", "-->");
		else if (starts(ps, "<![CDATA["))
			rc = parse_special(ps, SSP_XML_CDATA, "<![CDATA[", "]]>");
		else if (starts(ps, "<!DOCTYPE")) {
			ps->err->doctype = 1;
			rc = fail(ps, ps->p, "a DOCTYPE is not allowed");
		} else if (starts(ps, "<!"))
			rc = fail(ps, ps->p, "unexpected markup declaration");
		else if (starts(ps, "<?")) {
			size_t k = scan_name(ps, ps->p + 2);

			if (k == 3 && (ps->p[2] | 0x20) == 'x' && (ps->p[3] | 0x20) == 'm' && (ps->p[4] | 0x20) == 'l')
				rc = fail(ps, ps->p, "XML declaration not at the start");
			else
				rc = parse_special(ps, SSP_XML_PI, "<?", "?>");
		} else if (starts(ps, "</"))
			rc = parse_end_tag(ps);
		else
			rc = parse_start_tag(ps);
	}
	if (rc == 0 && ps->depth > 0)
		rc = fail(ps, ps->end, "premature end of data in <%.40s> of line %d", ps->open[ps->depth - 1]->name,
			  ps->open[ps->depth - 1]->line);
	if (rc == 0 && ps->root == NULL)
		rc = fail(ps, ps->end, "no root element");
	return rc;
}

int ssp_xml_parse(const char *xml, size_t len, ssp_xml_node **root, ssp_xml_error *err)
{
	struct parser ps;
	const char *bad;
	int rc;

	*root = NULL;
	memset(err, 0, sizeof(*err));
	memset(&ps, 0, sizeof(ps));
	ps.s = ps.p = ps.lpos = xml;
	ps.end = xml + len;
	ps.lline = 1;
	ps.err = err;
	if ((bad = check_chars(xml, len)) != NULL)
		return fail(&ps, bad, "invalid character (not UTF-8, or a control character)");
	rc = parse_all(&ps);
	if (rc != 0) {
		ssp_xml_free(ps.root, 1);
		if (rc == SSP_ERR_NOMEM)
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		return rc;
	}
	*root = ps.root;
	return 0;
}

/* ---- serializing ---- */

struct out {
	char **buf;
	size_t *len, cap, alloc;
};

static int put(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - *o->len)
		return SSP_ERR_TOO_BIG;
	if (*o->len + n + 1 > o->alloc) {
		size_t want = (*o->len + n + 1) * 2;
		char *g = realloc(*o->buf, want);

		if (g == NULL)
			return SSP_ERR_NOMEM;
		*o->buf = g;
		o->alloc = want;
	}
	memcpy(*o->buf + *o->len, s, n);
	*o->len += n;
	(*o->buf)[*o->len] = '\0';
	return 0;
}

static int put_s(struct out *o, const char *s)
{
	return put(o, s, strlen(s));
}

static int put_escaped(struct out *o, const char *s, int attr)
{
	int rc = 0;

	for (; *s && rc == 0; s++) {
		switch (*s) {
		case '&': rc = put_s(o, "&amp;"); break;
		case '<': rc = put_s(o, "&lt;"); break;
		case '>': rc = put_s(o, "&gt;"); break;
		case '\r': rc = put_s(o, "&#13;"); break;
		case '"': rc = attr ? put_s(o, "&quot;") : put(o, s, 1); break;
		case '\n': rc = attr ? put_s(o, "&#10;") : put(o, s, 1); break;
		case '\t': rc = attr ? put_s(o, "&#9;") : put(o, s, 1); break;
		default: rc = put(o, s, 1); break;
		}
	}
	return rc;
}

static int dump(struct out *o, const ssp_xml_node *n)
{
	int rc = 0;

	switch (n->type) {
	case SSP_XML_TEXT:
		return put_escaped(o, n->content, 0);
	case SSP_XML_CDATA:
		if ((rc = put_s(o, "<![CDATA[")) == 0 && (rc = put_s(o, n->content)) == 0)
			rc = put_s(o, "]]>");
		return rc;
	case SSP_XML_COMMENT:
		if ((rc = put_s(o, "<!--")) == 0 && (rc = put_s(o, n->content)) == 0)
			rc = put_s(o, "-->");
		return rc;
	case SSP_XML_PI:
		if ((rc = put_s(o, "<?")) == 0 && (rc = put_s(o, n->name)) == 0 && n->content[0])
			if ((rc = put_s(o, " ")) == 0)
				rc = put_s(o, n->content);
		return rc ? rc : put_s(o, "?>");
	default:
		break;
	}
	if ((rc = put_s(o, "<")) != 0 || (rc = put_s(o, n->name)) != 0)
		return rc;
	for (const ssp_xml_attr *a = n->attrs; a && rc == 0; a = a->next)
		if ((rc = put_s(o, " ")) == 0 && (rc = put_s(o, a->name)) == 0 && (rc = put_s(o, "=\"")) == 0 &&
		    (rc = put_escaped(o, a->value, 1)) == 0)
			rc = put_s(o, "\"");
	if (rc != 0)
		return rc;
	if (n->children == NULL)
		return put_s(o, "/>");
	if ((rc = put_s(o, ">")) != 0)
		return rc;
	for (const ssp_xml_node *c = n->children; c && rc == 0; c = c->next)
		rc = dump(o, c);
	if (rc == 0 && (rc = put_s(o, "</")) == 0 && (rc = put_s(o, n->name)) == 0)
		rc = put_s(o, ">");
	return rc;
}

int ssp_xml_dump(const ssp_xml_node *node, char **buf, size_t *len, size_t cap)
{
	struct out o = { buf, len, cap, *buf ? *len + 1 : 0 };

	if (*buf == NULL) {
		*len = 0;
		if ((*buf = malloc(64)) == NULL)
			return SSP_ERR_NOMEM;
		(*buf)[0] = '\0';
		o.alloc = 64;
	}
	return dump(&o, node);
}
