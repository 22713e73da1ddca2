/* A small, strict XML reader for BOINC's own files (job.xml, init_data.xml): a tree of
 * elements, text, CDATA, comments and processing instructions, without libxml2, so that the
 * volunteer's wrapper can be one static binary.
 *
 * What it accepts: UTF-8 XML 1.0 documents with an optional XML declaration, one root element,
 * attributes, the five predefined entities and character references. Refused as not
 * well-formed: a DOCTYPE (so no entity expansion at all), undefined entities, mismatched or
 * unclosed tags, text outside the root, invalid UTF-8, NUL bytes, nesting deeper than
 * SSP_XML_MAX_DEPTH. Error messages give a line number and never quote the input's text. */
#ifndef SSP_XML_H
#define SSP_XML_H

#include "core/ssp_err.h"

#include <stddef.h>

#define SSP_XML_MAX_DEPTH 256

enum ssp_xml_type {
	SSP_XML_ELEMENT = 1,
	SSP_XML_TEXT,
	SSP_XML_CDATA,
	SSP_XML_COMMENT,
	SSP_XML_PI,
};

typedef struct ssp_xml_attr {
	char *name;
	char *value;                  /* entities decoded */
	struct ssp_xml_attr *next;
} ssp_xml_attr;

typedef struct ssp_xml_node {
	int type;                     /* enum ssp_xml_type */
	int line;                     /* 1-based line where the node starts */
	char *name;                   /* element name, or PI target; NULL otherwise */
	char *content;                /* text (entities decoded), CDATA, comment or PI data */
	ssp_xml_attr *attrs;          /* elements only, in document order */
	struct ssp_xml_node *children;
	struct ssp_xml_node *next;
} ssp_xml_node;

typedef struct ssp_xml_error {
	int line;                     /* where the error was found, 1-based */
	int doctype;                  /* set when the refusal is a DOCTYPE */
	char msg[160];                /* what was wrong, without the input's text */
} ssp_xml_error;

/* Parses len bytes of xml into a new tree; *root is the document element (free it with
 * ssp_xml_free). Returns 0, SSP_ERR_PARSE (err says where and what), or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_xml_parse(const char *xml, size_t len, ssp_xml_node **root, ssp_xml_error *err);

/* Frees a tree (NULL allowed). With wipe, every string is zeroed before it is freed. */
void ssp_xml_free(ssp_xml_node *root, int wipe);

/* Serializes node (and its subtree) as XML, appending to the buffer *buf of *len bytes
 * (NUL-terminated, grown with realloc; *buf may start NULL), escaping text as libxml2's
 * xmlNodeDump does (&amp; &lt; &gt; &#13;; in attributes also &quot; &#10; &#9;). Fails with
 * SSP_ERR_TOO_BIG when the result would exceed cap bytes, or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_xml_dump(const ssp_xml_node *node, char **buf, size_t *len, size_t cap);

#endif
