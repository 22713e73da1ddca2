/* The replacement delay of a payout binding (see ssp_binding_delay.h). */
#include "crypto/ssp_binding_delay.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_binding.h"
#include "crypto/ssp_key.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* The <project_specific> element of a project_prefs document (venues ignored), or NULL. */
static xmlNode *project_specific(xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);

	if (root == NULL)
		return NULL;
	if (xmlStrEqual(root->name, BAD_CAST "project_specific"))
		return root;
	if (!xmlStrEqual(root->name, BAD_CAST "project_preferences"))
		return NULL;
	for (xmlNode *c = root->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "project_specific"))
			return c;
	return NULL;
}

/* The trimmed text of ps's only child element called name into buf (*found = 0 when it
 * has none). SSP_ERR_PARSE when it appears twice or its text does not fit buf. */
static int child_text(xmlNode *ps, const char *name, char *buf, size_t cap, int *found, ssp_errmsg *em)
{
	xmlNode *el = NULL;
	xmlChar *content;
	size_t start = 0, end;

	*found = 0;
	for (xmlNode *c = ps->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST name))
			continue;
		if (el != NULL)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> twice", name);
		el = c;
	}
	if (el == NULL)
		return 0;
	content = xmlNodeGetContent(el);
	if (content == NULL)
		return SSP_ERR_NOMEM;
	end = strlen((const char *)content);
	while (start < end && strchr(" \t\r\n", content[start]))
		start++;
	while (end > start && strchr(" \t\r\n", content[end - 1]))
		end--;
	if (end - start >= cap) {
		xmlFree(content);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> is too long", name);
	}
	memcpy(buf, content + start, end - start);
	buf[end - start] = '\0';
	xmlFree(content);
	*found = 1;
	return 0;
}

int ssp_binding_delay_check(const char *prefs, size_t len, const char *master_url, uint64_t user_id,
			    const uint8_t addr[20], int64_t now, uint64_t delay, int *wait,
			    int64_t *until, ssp_errmsg *em)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	xmlNode *ps;
	char a_text[64], s_text[160], t_text[32], *end;
	uint8_t prev[20], sig[65];
	int has_a, has_s, has_t, rc;
	long long bound_at = 0;

	*wait = 0;
	*until = 0;
	if (prefs == NULL || master_url == NULL || addr == NULL)
		return SSP_ERR_INVAL;
	if (len > SSP_BINDING_PREFS_MAX)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "prefs: %zu bytes, more than %d", len,
				      SSP_BINDING_PREFS_MAX);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return SSP_ERR_NOMEM;
	/* As ssp_binding_from_prefs: no entity expansion, no DTD loading, no network. */
	doc = xmlCtxtReadMemory(ctxt, prefs, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: malformed XML");
		goto out;
	}
	ps = project_specific(doc);
	if (ps == NULL) {
		rc = 0; /* no replacement record */
		goto out;
	}
	if ((rc = child_text(ps, "ssp_prev_address", a_text, sizeof a_text, &has_a, em)) != 0 ||
	    (rc = child_text(ps, "ssp_prev_binding", s_text, sizeof s_text, &has_s, em)) != 0 ||
	    (rc = child_text(ps, "ssp_bound_at", t_text, sizeof t_text, &has_t, em)) != 0)
		goto out;
	if (has_a != has_s) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> without <%s>",
				    has_a ? "ssp_prev_address" : "ssp_prev_binding",
				    has_a ? "ssp_prev_binding" : "ssp_prev_address");
		goto out;
	}
	if (has_t) {
		errno = 0;
		bound_at = strtoll(t_text, &end, 10);
		if (t_text[0] < '0' || t_text[0] > '9' || *end != '\0' || errno != 0) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: ssp_bound_at is not unix seconds");
			goto out;
		}
	}
	if (!has_a) {
		rc = 0;
		goto out;
	}
	if (ssp_address_parse(a_text, prev) != 0 || ssp_hex_decode_exact(s_text, sig, 65) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: ssp_prev_address or ssp_prev_binding malformed");
		goto out;
	}
	rc = 0;
	if (memcmp(prev, addr, 20) == 0)
		goto out; /* the same address again */
	rc = ssp_binding_verify(master_url, user_id, prev, sig);
	if (rc == SSP_ERR_BAD_SIG) {
		rc = 0; /* the replaced binding was never valid: nothing to protect */
		goto out;
	}
	if (rc != 0)
		goto out;
	if (!has_t) {
		*wait = 1;
		*until = INT64_MAX;
	} else if ((uint64_t)bound_at > (uint64_t)INT64_MAX - delay ||
		   now < (int64_t)((uint64_t)bound_at + delay)) {
		*wait = 1;
		*until = (uint64_t)bound_at > (uint64_t)INT64_MAX - delay ? INT64_MAX :
			 (int64_t)((uint64_t)bound_at + delay);
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
