/* EIP-191 personal_sign and the payout binding (docs/formats.md). */
#include "crypto/ssp_binding.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"
#include "crypto/ssp_key.h"

#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EIP191_PREFIX "\x19" "Ethereum Signed Message:\n"

/* printf into a fresh malloc'd string; NULL when out of memory. */
static char *mprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *mprintf(const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return buf;
}

void ssp_eip191_hash(const void *msg, size_t len, uint8_t out[32])
{
	ssp_keccak k;
	char num[24];
	int n = snprintf(num, sizeof num, "%zu", len);

	ssp_keccak_init(&k);
	ssp_keccak_update(&k, EIP191_PREFIX, sizeof EIP191_PREFIX - 1);
	ssp_keccak_update(&k, num, (size_t)n);
	ssp_keccak_update(&k, msg, len);
	ssp_keccak_final(&k, out);
}

int ssp_eip191_sign(const uint8_t seckey[32], const void *msg, size_t len, uint8_t sig[65])
{
	uint8_t h[32];

	ssp_eip191_hash(msg, len, h);
	return ssp_sign(seckey, h, sig);
}

int ssp_eip191_recover(const void *msg, size_t len, const uint8_t sig[65], uint8_t addr[20])
{
	uint8_t h[32];

	ssp_eip191_hash(msg, len, h);
	return ssp_recover(h, sig, addr);
}

int ssp_binding_text(const char *master_url, uint64_t user_id, const uint8_t addr[20], char **out)
{
	char a[SSP_ADDR_STRLEN];
	size_t ulen;

	*out = NULL;
	if (master_url == NULL || addr == NULL)
		return SSP_ERR_INVAL;
	ulen = strnlen(master_url, SSP_BINDING_URL_MAX + 1);
	if (ulen == 0 || ulen > SSP_BINDING_URL_MAX)
		return SSP_ERR_INVAL;
	for (size_t i = 0; i < ulen; i++) {
		unsigned char c = (unsigned char)master_url[i];

		if (c < 0x20 || c == 0x7f)
			return SSP_ERR_INVAL;
	}
	ssp_address_format(addr, a);
	*out = mprintf("SmartShare payout binding\nproject: %s\nuser: %" PRIu64 "\naddress: %s",
		       master_url, user_id, a);
	return *out ? 0 : SSP_ERR_NOMEM;
}

int ssp_binding_sign(const uint8_t seckey[32], const char *master_url, uint64_t user_id, uint8_t sig[65])
{
	uint8_t addr[20];
	char *text = NULL;
	int rc;

	rc = ssp_key_address(seckey, addr);
	if (rc != 0)
		goto out;
	rc = ssp_binding_text(master_url, user_id, addr, &text);
	if (rc != 0)
		goto out;
	rc = ssp_eip191_sign(seckey, text, strlen(text), sig);
out:
	free(text);
	return rc;
}

int ssp_binding_verify(const char *master_url, uint64_t user_id, const uint8_t addr[20], const uint8_t sig[65])
{
	uint8_t got[20];
	char *text = NULL;
	int rc;

	rc = ssp_binding_text(master_url, user_id, addr, &text);
	if (rc != 0)
		goto out;
	rc = ssp_eip191_recover(text, strlen(text), sig, got);
	if (rc == 0 && memcmp(got, addr, 20) != 0)
		rc = SSP_ERR_BAD_SIG;
out:
	free(text);
	return rc;
}

int ssp_binding_snippet(const uint8_t addr[20], const uint8_t sig[65], char **out)
{
	char a[SSP_ADDR_STRLEN], s[2 * 65 + 3];

	*out = NULL;
	ssp_address_format(addr, a);
	ssp_hex_encode(sig, 65, s, 1);
	*out = mprintf("<project_specific><ssp_address>%s</ssp_address>"
		       "<ssp_binding>%s</ssp_binding></project_specific>", a, s);
	return *out ? 0 : SSP_ERR_NOMEM;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The trimmed text of an element that holds only text (malloc'd in *out), or SSP_ERR_PARSE. */
static int element_text(xmlNode *el, char **out, ssp_errmsg *em)
{
	xmlChar *content;
	size_t start = 0, end;

	*out = NULL;
	for (xmlNode *c = el->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE &&
		    c->type != XML_COMMENT_NODE)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> must hold only text",
					      (const char *)el->name);
	}
	content = xmlNodeGetContent(el);
	if (content == NULL)
		return SSP_ERR_NOMEM;
	end = strlen((const char *)content);
	while (start < end && is_space((char)content[start]))
		start++;
	while (end > start && is_space((char)content[end - 1]))
		end--;
	*out = strndup((const char *)content + start, end - start);
	xmlFree(content);
	return *out ? 0 : SSP_ERR_NOMEM;
}

int ssp_binding_from_prefs(const char *prefs, size_t len, uint8_t addr[20], uint8_t sig[65], ssp_errmsg *em)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root, *ps = NULL, *a_el = NULL, *s_el = NULL;
	char *a_text = NULL, *s_text = NULL;
	uint8_t a_tmp[20], s_tmp[65];
	size_t i;
	int rc;

	if (prefs == NULL && len > 0)
		return SSP_ERR_INVAL;
	if (len > SSP_BINDING_PREFS_MAX)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "prefs: %zu bytes, more than %d",
				      len, SSP_BINDING_PREFS_MAX);
	for (i = 0; i < len && is_space(prefs[i]); i++)
		;
	if (i == len)
		return ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "prefs: empty");

	pthread_once(&xml_once, xml_init);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	/* No NOENT (entities stay unexpanded), no DTD loading, no network, nothing printed. */
	doc = xmlCtxtReadMemory(ctxt, prefs, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);

		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: malformed XML at line %d: %.120s",
				    e ? e->line : 0, e && e->message ? e->message : "unknown error");
		/* libxml2 messages end with a newline; drop it. */
		if (em != NULL)
			em->msg[strcspn(em->msg, "\n")] = '\0';
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: a DTD is not allowed");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: no root element");
		goto out;
	}
	if (xmlStrEqual(root->name, BAD_CAST "project_specific")) {
		ps = root;
	} else if (xmlStrEqual(root->name, BAD_CAST "project_preferences")) {
		for (xmlNode *c = root->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "project_specific"))
				continue;
			if (ps != NULL) {
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <project_specific> twice");
				goto out;
			}
			ps = c;
		}
	} else {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: unexpected root element <%.64s>",
				    (const char *)root->name);
		goto out;
	}
	if (ps == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "prefs: no <project_specific>");
		goto out;
	}
	for (xmlNode *c = ps->children; c != NULL; c = c->next) {
		xmlNode **slot;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "ssp_address"))
			slot = &a_el;
		else if (xmlStrEqual(c->name, BAD_CAST "ssp_binding"))
			slot = &s_el;
		else
			continue;
		if (*slot != NULL) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> twice", (const char *)c->name);
			goto out;
		}
		*slot = c;
	}
	if (a_el == NULL && s_el == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOT_FOUND, "prefs: no payout binding");
		goto out;
	}
	if (a_el == NULL || s_el == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: <%s> without <%s>",
				    a_el ? "ssp_address" : "ssp_binding", a_el ? "ssp_binding" : "ssp_address");
		goto out;
	}
	if ((rc = element_text(a_el, &a_text, em)) != 0 || (rc = element_text(s_el, &s_text, em)) != 0)
		goto out;
	rc = ssp_address_parse(a_text, a_tmp);
	if (rc == SSP_ERR_CHECKSUM) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: ssp_address has a wrong EIP-55 checksum");
		goto out;
	} else if (rc != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: ssp_address is not 0x and 40 hex digits");
		goto out;
	}
	if (ssp_hex_decode_exact(s_text, s_tmp, 65) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "prefs: ssp_binding is not 65 bytes of hex");
		goto out;
	}
	memcpy(addr, a_tmp, 20);
	memcpy(sig, s_tmp, 65);
	rc = 0;
out:
	free(a_text);
	free(s_text);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
