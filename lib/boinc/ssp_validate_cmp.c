/* Output comparators and result.xml_doc_in's output files (see ssp_validate.h). */
#include "boinc/ssp_validate.h"


#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Next token of [*p, end): sets *tok and *len; returns 0 at the end. */
static int next_token(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *s = *p;

	while (s < end && is_ws((unsigned char)*s))
		s++;
	if (s == end) {
		*p = s;
		return 0;
	}
	*tok = s;
	while (s < end && !is_ws((unsigned char)*s))
		s++;
	*len = (size_t)(s - *tok);
	*p = s;
	return 1;
}

#define NUM_MAX 64 /* a token longer than this is not read as a number */

static int token_number(const char *tok, size_t len, double *v)
{
	char buf[NUM_MAX + 1], *end;

	if (len == 0 || len > NUM_MAX || memchr(tok, '\0', len))
		return 0;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	if (end != buf + len || !isfinite(*v))
		return 0;
	return 1;
}

int ssp_compare_numeric(const char *a, size_t alen, const char *b, size_t blen, double tol)
{
	const char *pa = a, *pb = b, *ea = a + alen, *eb = b + blen;

	if (isnan(tol) || tol < 0)
		return SSP_ERR_INVAL;
	if ((!a && alen) || (!b && blen))
		return SSP_ERR_INVAL;
	for (;;) {
		const char *ta = NULL, *tb = NULL;
		size_t la = 0, lb = 0;
		int ha = a ? next_token(&pa, ea, &ta, &la) : 0;
		int hb = b ? next_token(&pb, eb, &tb, &lb) : 0;
		double x, y, scale;

		if (!ha && !hb)
			return 0;
		if (ha != hb)
			return SSP_ERR_MISMATCH;
		if (la == lb && !memcmp(ta, tb, la))
			continue;
		if (!token_number(ta, la, &x) || !token_number(tb, lb, &y))
			return SSP_ERR_MISMATCH;
		scale = fmax(1.0, fmax(fabs(x), fabs(y)));
		if (!(fabs(x - y) <= tol * scale))
			return SSP_ERR_MISMATCH;
	}
}

/* ---- xml_doc_in ---- */

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 255 && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static int xml_bool(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	int v = 1;

	if (t) {
		const char *s = (const char *)t;

		while (is_ws((unsigned char)*s))
			s++;
		if (*s == '0')
			v = 0;
		xmlFree(t);
	}
	return v;
}

static char *xml_text(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s, *e, *copy;

	if (!t)
		return NULL;
	s = (char *)t;
	while (is_ws((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_ws((unsigned char)e[-1]))
		e--;
	*e = '\0';
	copy = strdup(s);
	xmlFree(t);
	return copy;
}

static void outref_clear(ssp_outref *r)
{
	free(r->physical);
	free(r->logical);
	memset(r, 0, sizeof(*r));
}

static int parse_file_ref(xmlNode *fr, ssp_outref *out, ssp_errmsg *em)
{
	for (xmlNode *c = fr->children; c; c = c->next) {
		char **slot = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(c->name, (const xmlChar *)"file_name"))
			slot = &out->physical;
		else if (!xmlStrcmp(c->name, (const xmlChar *)"open_name"))
			slot = &out->logical;
		else if (!xmlStrcmp(c->name, (const xmlChar *)"optional"))
			out->optional = xml_bool(c);
		else if (!xmlStrcmp(c->name, (const xmlChar *)"no_validate"))
			out->no_validate = xml_bool(c);
		if (slot) {
			free(*slot);
			*slot = xml_text(c);
			if (!*slot)
				return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		}
	}
	if (!out->physical || !valid_name(out->physical))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "<file_ref> without a valid <file_name>");
	if (!out->logical || !valid_name(out->logical))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "<file_ref> %s without a valid <open_name>",
				      out->physical);
	return 0;
}

static int collect(xmlNode *node, ssp_outref **refs, size_t *n, ssp_errmsg *em)
{
	for (xmlNode *c = node; c; c = c->next) {
		int rc;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(c->name, (const xmlChar *)"file_ref")) {
			ssp_outref *grown;

			if (*n >= SSP_XMLDOC_MAX_FILES)
				return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "more than %d <file_ref>s",
						      SSP_XMLDOC_MAX_FILES);
			grown = realloc(*refs, (*n + 1) * sizeof(**refs));
			if (!grown)
				return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
			*refs = grown;
			memset(&grown[*n], 0, sizeof(grown[*n]));
			rc = parse_file_ref(c, &grown[*n], em);
			if (rc) {
				outref_clear(&grown[*n]);
				return rc;
			}
			(*n)++;
			continue;
		}
		rc = collect(c->children, refs, n, em);
		if (rc)
			return rc;
	}
	return 0;
}

int ssp_xmldoc_outrefs(const char *xml, size_t len, ssp_outref **refs, size_t *n, ssp_errmsg *em)
{
	static const char open[] = "<ssp_doc>", close[] = "</ssp_doc>";
	char *wrapped = NULL;
	xmlDoc *doc = NULL;
	ssp_outref *list = NULL;
	size_t count = 0;
	int rc;

	*refs = NULL;
	*n = 0;
	if (!xml && len)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no input");
	if (len > SSP_XMLDOC_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "xml_doc_in is larger than %u bytes",
				      SSP_XMLDOC_MAX_BYTES);
	wrapped = malloc(sizeof(open) + len + sizeof(close));
	if (!wrapped)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	memcpy(wrapped, open, sizeof(open) - 1);
	if (len)
		memcpy(wrapped + sizeof(open) - 1, xml, len);
	memcpy(wrapped + sizeof(open) - 1 + len, close, sizeof(close) - 1);
	doc = xmlReadMemory(wrapped, (int)(sizeof(open) - 1 + len + sizeof(close) - 1), "xml_doc_in",
			    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "xml_doc_in is not well-formed XML");
		goto out;
	}
	rc = collect(xmlDocGetRootElement(doc), &list, &count, em);
	if (rc)
		goto out;
	*refs = list;
	*n = count;
	list = NULL;
	count = 0;
out:
	ssp_outrefs_free(list, count);
	if (doc)
		xmlFreeDoc(doc);
	free(wrapped);
	return rc;
}

void ssp_outrefs_free(ssp_outref *refs, size_t n)
{
	for (size_t i = 0; refs && i < n; i++)
		outref_clear(&refs[i]);
	free(refs);
}

/* ---- the built-in comparator ---- */

static const ssp_vfile *next_compared(const ssp_vres *r, size_t *i)
{
	while (*i < r->nfiles && r->files[*i].no_validate)
		(*i)++;
	return *i < r->nfiles ? &r->files[(*i)++] : NULL;
}

int ssp_vres_compare(void *ctx, const ssp_vres *a, const ssp_vres *b)
{
	const ssp_vopts *o = ctx;
	size_t ia = 0, ib = 0;

	for (;;) {
		const ssp_vfile *fa = next_compared(a, &ia), *fb = next_compared(b, &ib);
		char *da = NULL, *db = NULL;
		size_t la = 0, lb = 0;
		int rc;

		if (!fa && !fb)
			return 0;
		if (!fa || !fb || strcmp(fa->logical, fb->logical))
			return SSP_ERR_MISMATCH;
		if (!memcmp(fa->sha256, fb->sha256, 32))
			continue;
		if (o->comparator != SSP_CMP_NUMERIC)
			return SSP_ERR_MISMATCH;
		rc = ssp_vfile_read(fa, o->max_output_bytes, &da, &la);
		if (!rc)
			rc = ssp_vfile_read(fb, o->max_output_bytes, &db, &lb);
		if (!rc)
			rc = ssp_compare_numeric(da, la, db, lb, o->tolerance);
		free(da);
		free(db);
		if (rc)
			return rc;
	}
}
