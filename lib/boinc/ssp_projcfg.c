/* The BOINC project's config.xml (see ssp_projcfg.h). */
#include "boinc/ssp_projcfg.h"

#include "core/ssp_file.h"
#include "core/ssp_hex.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

/* Copies the trimmed text content of node into a new string (*out). */
static int node_text(xmlNode *node, char **out, ssp_errmsg *em)
{
	xmlChar *content = xmlNodeGetContent(node);
	const char *s, *e;
	size_t n;
	char *copy;

	*out = NULL;
	if (!content)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory reading <%s>", node->name);
	s = (const char *)content;
	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - s);
	if (n > SSP_PROJCFG_MAX_FIELD) {
		xmlFree(content);
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "<%s> is longer than %u bytes",
				      node->name, SSP_PROJCFG_MAX_FIELD);
	}
	if (memchr(s, '\0', n)) {
		xmlFree(content);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "<%s> contains a NUL byte", node->name);
	}
	copy = malloc(n + 1);
	if (!copy) {
		xmlFree(content);
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	xmlFree(content);
	*out = copy;
	return 0;
}

static void replace(char **slot, char *value)
{
	if (*slot) {
		ssp_wipe(*slot, strlen(*slot));
		free(*slot);
	}
	*slot = value;
}

/* Splits <db_host>: "/path" is a socket, "host:port" a TCP endpoint. */
static int split_host(ssp_projcfg *c, ssp_errmsg *em)
{
	char *colon, *end;
	unsigned long port;

	if (!c->db_host || !*c->db_host) {
		replace(&c->db_host, NULL);
		return 0;
	}
	if (c->db_host[0] == '/') {
		c->db_socket = c->db_host;
		c->db_host = NULL;
		return 0;
	}
	colon = strrchr(c->db_host, ':');
	if (!colon)
		return 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno || port == 0 || port > 65535)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "<db_host>: bad port after ':'");
	c->db_port = (unsigned)port;
	*colon = '\0';
	return 0;
}

static int parse_fanout(const char *text, int *out, ssp_errmsg *em)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 0 || v > SSP_PROJCFG_MAX_FANOUT)
		return ssp_errmsg_set(em, SSP_ERR_PARSE,
				      "<uldl_dir_fanout>: not an integer in 0..%d", SSP_PROJCFG_MAX_FANOUT);
	*out = (int)v;
	return 0;
}

static int make_absolute(char **path, const char *base_dir, ssp_errmsg *em)
{
	size_t n;
	char *abs;

	if (!base_dir || (*path)[0] == '/')
		return 0;
	n = strlen(base_dir) + strlen(*path) + 2;
	abs = malloc(n);
	if (!abs)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	snprintf(abs, n, "%s/%s", base_dir, *path);
	free(*path);
	*path = abs;
	return 0;
}

int ssp_projcfg_parse(const char *xml, size_t len, const char *base_dir,
		      ssp_projcfg **out, ssp_errmsg *em)
{
	ssp_projcfg *c = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root, *config = NULL, *n;
	char *fanout = NULL;
	int rc;

	*out = NULL;
	if (!xml)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no input");
	if (len > SSP_PROJCFG_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "config.xml is larger than %u bytes",
				      SSP_PROJCFG_MAX_BYTES);
	if (len == 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "config.xml is empty");
	doc = xmlReadMemory(xml, (int)len, "config.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();

		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "config.xml is not well-formed XML%s%s",
				    xe && xe->message ? ": " : "", xe && xe->message ? xe->message : "");
		if (em) { /* libxml2 messages end with a newline */
			size_t l = strlen(em->msg);

			if (l && em->msg[l - 1] == '\n')
				em->msg[l - 1] = '\0';
		}
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"boinc")) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "root element is not <boinc>");
		goto out;
	}
	for (n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)"config"))
			config = n;
	if (!config) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "no <config> element in <boinc>");
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* BOINC reads the elements in order, a later one overriding an earlier one. */
	for (n = config->children; n; n = n->next) {
		char **slot = NULL, *value;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(n->name, (const xmlChar *)"db_name"))
			slot = &c->db_name;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"db_host"))
			slot = &c->db_host;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"db_user"))
			slot = &c->db_user;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"db_passwd"))
			slot = &c->db_passwd;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"upload_dir"))
			slot = &c->upload_dir;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"master_url"))
			slot = &c->master_url;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"uldl_dir_fanout"))
			slot = &fanout;
		else if (!xmlStrcmp(n->name, (const xmlChar *)"one_result_per_user_per_wu") ||
			 !xmlStrcmp(n->name, (const xmlChar *)"one_result_per_host_per_wu") ||
			 !xmlStrcmp(n->name, (const xmlChar *)"daily_result_quota")) {
			int *flag = n->name[0] == 'd' ? &c->daily_result_quota
				    : n->name[15] == 'u' ? &c->one_result_per_user_per_wu
							 : &c->one_result_per_host_per_wu;
			char *end;
			long v;

			if ((rc = node_text(n, &value, em)))
				goto out;
			/* BOINC's parse_bool: an empty element is true, else the number */
			v = *value ? strtol(value, &end, 10) : 1;
			if (*value && (*end || v < 0 || v > 1000000)) {
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "<%s>: not a number", n->name);
				free(value);
				goto out;
			}
			free(value);
			*flag = (int)v;
			continue;
		}
		if (!slot)
			continue;
		rc = node_text(n, &value, em);
		if (rc)
			goto out;
		replace(slot, value);
	}
	if (!c->db_name || !*c->db_name) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "<db_name> is missing or empty");
		goto out;
	}
	if (!c->upload_dir || !*c->upload_dir) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "<upload_dir> is missing or empty");
		goto out;
	}
	if (!c->master_url || !*c->master_url) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "<master_url> is missing or empty");
		goto out;
	}
	if (fanout && (rc = parse_fanout(fanout, &c->uldl_dir_fanout, em)))
		goto out;
	if ((rc = split_host(c, em)))
		goto out;
	if ((rc = make_absolute(&c->upload_dir, base_dir, em)))
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	free(fanout);
	ssp_projcfg_free(c);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

int ssp_projcfg_load(const char *path, ssp_projcfg **out, ssp_errmsg *em)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len;
	int rc;

	*out = NULL;
	rc = ssp_file_read(path, SSP_PROJCFG_MAX_BYTES, &text, &len);
	if (rc) {
		ssp_errmsg_set(em, rc, "%s: %s", path, ssp_strerror(rc));
		goto out;
	}
	dir = strdup(path);
	if (!dir) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		memcpy(dir, ".", 2); /* dir holds at least 2 bytes: the path is not empty */
	rc = ssp_projcfg_parse(text, len, dir, out, em);
out:
	free(dir);
	free(text);
	return rc;
}

void ssp_projcfg_free(ssp_projcfg *cfg)
{
	if (!cfg)
		return;
	free(cfg->db_name);
	free(cfg->db_host);
	free(cfg->db_socket);
	free(cfg->db_user);
	replace(&cfg->db_passwd, NULL);
	free(cfg->upload_dir);
	free(cfg->master_url);
	free(cfg);
}

int ssp_upload_path(const char *root, int fanout, const char *name, char *out, size_t cap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 3];
	unsigned long x;
	int n;

	if (!root || !name || !out || !*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || fanout < 0)
		return SSP_ERR_INVAL;
	if (fanout == 0) {
		n = snprintf(out, cap, "%s/%s", root, name);
	} else {
		if (!EVP_Digest(name, strlen(name), md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
			return SSP_ERR_CRYPTO;
		ssp_hex_encode(md, 16, hex, 0);
		hex[8] = '\0';
		x = strtoul(hex + 1, NULL, 16); /* digits 1..7, as BOINC's filename_hash */
		n = snprintf(out, cap, "%s/%lx/%s", root, x % (unsigned long)fanout, name);
	}
	if (n < 0 || (size_t)n >= cap)
		return SSP_ERR_TOO_BIG;
	return 0;
}
