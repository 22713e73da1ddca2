/* Suite for lib/boinc/ssp_xml: the small strict XML reader of job.xml and init_data.xml.
 * Where a document is well-formed or not, and what the tree holds, follows the XML 1.0
 * specification; the serialized form is compared with what libxml2's xmlNodeDump writes
 * for the same nodes (libxml2 2.9, format 0). */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "boinc/ssp_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *s, ssp_xml_node **root, ssp_xml_error *err)
{
	return ssp_xml_parse(s, strlen(s), root, err);
}

static void test_tree(void)
{
	static const char doc[] =
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- before -->\n"
		"<job_desc a=\"1\" b='x &amp; &quot;y&quot;'>\r\n"
		"  <task>\n"
		"    <application>ssp_sci</application>\n"
		"    <command_line>--x=&lt;1&gt; &#65;&#x42;&#x20AC;</command_line>\n"
		"    <empty/>\n"
		"    <!-- inside -->\n"
		"    <?pi some data?>\n"
		"    <c><![CDATA[<raw> & ]]></c>\n"
		"  </task>\n"
		"</job_desc>\n<!-- after -->\n";
	ssp_xml_node *root = NULL, *task, *c;
	ssp_xml_error err;

	CU_ASSERT_EQUAL_FATAL(parse(doc, &root, &err), 0);
	CU_ASSERT_EQUAL(root->type, SSP_XML_ELEMENT);
	CU_ASSERT_STRING_EQUAL(root->name, "job_desc");
	CU_ASSERT_EQUAL(root->line, 3);
	CU_ASSERT_STRING_EQUAL(root->attrs->name, "a");
	CU_ASSERT_STRING_EQUAL(root->attrs->value, "1");
	CU_ASSERT_STRING_EQUAL(root->attrs->next->value, "x & \"y\"");
	CU_ASSERT_PTR_NULL(root->attrs->next->next);
	/* CR LF became LF in text. */
	CU_ASSERT_EQUAL(root->children->type, SSP_XML_TEXT);
	CU_ASSERT_STRING_EQUAL(root->children->content, "\n  ");
	task = root->children->next;
	CU_ASSERT_STRING_EQUAL(task->name, "task");
	CU_ASSERT_EQUAL(task->line, 4);
	for (c = task->children; c && !(c->type == SSP_XML_ELEMENT && strcmp(c->name, "command_line") == 0); c = c->next)
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->line, 6);
	CU_ASSERT_STRING_EQUAL(c->children->content, "--x=<1> AB\xe2\x82\xac");
	{
		int seen_comment = 0, seen_pi = 0, seen_cdata = 0, seen_empty = 0;

		for (c = task->children; c; c = c->next) {
			if (c->type == SSP_XML_COMMENT && strcmp(c->content, " inside ") == 0)
				seen_comment = 1;
			if (c->type == SSP_XML_PI && strcmp(c->name, "pi") == 0 && strcmp(c->content, "some data") == 0)
				seen_pi = 1;
			if (c->type == SSP_XML_ELEMENT && strcmp(c->name, "empty") == 0 && c->children == NULL)
				seen_empty = 1;
			if (c->type == SSP_XML_ELEMENT && strcmp(c->name, "c") == 0 &&
			    c->children->type == SSP_XML_CDATA && strcmp(c->children->content, "<raw> & ") == 0)
				seen_cdata = 1;
		}
		CU_ASSERT_TRUE(seen_comment && seen_pi && seen_cdata && seen_empty);
	}
	CU_ASSERT_PTR_NULL(root->next);
	ssp_xml_free(root, 1);
	ssp_xml_free(NULL, 0);
}

static void test_malformed(void)
{
	static const struct {
		const char *xml;
		int line;
		const char *msg;
	} cases[] = {
		{ "", 1, "no root element" },
		{ "   \n  ", 2, "no root element" },
		{ "garbage", 1, "text before the root element" },
		{ "<a>", 1, "premature end of data in <a>" },
		{ "<a>\n<b>\n</a>", 3, "</a> does not match <b> of line 2" },
		{ "<a></a><b/>", 1, "extra content after the root element" },
		{ "<a></a>x", 1, "extra content" },
		{ "</a>", 1, "closing tag without an opening tag" },
		{ "<a>&undefined;</a>", 1, "undefined entity" },
		{ "<a>a & b</a>", 1, "bare '&'" },
		{ "<a>&#0;</a>", 1, "invalid character reference" },
		{ "<a>&#xD800;</a>", 1, "invalid character reference" },
		{ "<a>&#x110000;</a>", 1, "invalid character reference" },
		{ "<a>&#;</a>", 1, "invalid character reference" },
		{ "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", 1, "DOCTYPE" },
		{ "<a><!ELEMENT a ANY></a>", 1, "markup declaration" },
		{ "<a x=1/>", 1, "not quoted" },
		{ "<a x='1' x='2'/>", 1, "given twice" },
		{ "<a x='<'/>", 1, "'<' in the value" },
		{ "<a x='1'", 1, "premature end" },
		{ "<a x/>", 1, "has no value" },
		{ "<1a/>", 1, "malformed tag" },
		{ "< a/>", 1, "malformed tag" },
		{ "<a><!-- x </a>", 1, "comment not closed" },
		{ "<a><![CDATA[ x </a>", 1, "CDATA section not closed" },
		{ "<a><?pi x </a>", 1, "processing instruction not closed" },
		{ "<a/>\n<?xml version='1.0'?>", 2, "XML declaration not at the start" },
		{ "<![CDATA[x]]><a/>", 1, "CDATA outside" },
		{ "<a>\n\x01</a>", 2, "invalid character" },
		{ "<a>\xc3\x28</a>", 1, "invalid character" },
		{ "<a>\xed\xa0\x80</a>", 1, "invalid character" },  /* a UTF-16 surrogate */
		{ "<a>\xc0\xaf</a>", 1, "invalid character" },      /* overlong */
		{ "<a>\xe2\x82</a>", 1, "invalid character" },      /* truncated */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssp_xml_node *root = (ssp_xml_node *)&cases[i];
		ssp_xml_error err;
		int rc = parse(cases[i].xml, &root, &err);

		if (rc != SSP_ERR_PARSE || err.line != cases[i].line || strstr(err.msg, cases[i].msg) == NULL)
			fprintf(stderr, "\ncase %zu: rc %d line %d msg \"%s\"\n", i, rc, err.line, err.msg);
		CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
		CU_ASSERT_PTR_NULL(root);
		CU_ASSERT_EQUAL(err.line, cases[i].line);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg));
	}
	{
		ssp_xml_node *root = NULL;
		ssp_xml_error err;

		CU_ASSERT_EQUAL(ssp_xml_parse("<a>\0</a>", 8, &root, &err), SSP_ERR_PARSE);
		CU_ASSERT_EQUAL(parse("<!DOCTYPE a><a/>", &root, &err), SSP_ERR_PARSE);
		CU_ASSERT_TRUE(err.doctype);
		/* The message never quotes the text. */
		CU_ASSERT_EQUAL(parse("<a>SECRET & more</a>", &root, &err), SSP_ERR_PARSE);
		CU_ASSERT_PTR_NULL(strstr(err.msg, "SECRET"));
	}
}

static void test_depth(void)
{
	size_t n = SSP_XML_MAX_DEPTH + 1;
	char *s = malloc(n * 7 + 1), *p = s;
	ssp_xml_node *root = NULL;
	ssp_xml_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<a>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "</a>");
	CU_ASSERT_EQUAL(parse(s, &root, &err), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nested deeper"));
	/* One level less is fine. */
	p = s;
	for (size_t i = 0; i + 1 < n; i++)
		p += sprintf(p, "<a>");
	for (size_t i = 0; i + 1 < n; i++)
		p += sprintf(p, "</a>");
	CU_ASSERT_EQUAL(parse(s, &root, &err), 0);
	ssp_xml_free(root, 0);
	free(s);
}

static void test_dump(void)
{
	static const char doc[] = "<p><project_specific><ssp_address>0x11</ssp_address></project_specific>"
				  "<e/><t a=\"q&quot;&#10;&#9;&lt;\">x &lt; y &amp; z &gt; w&#13;</t>"
				  "<!--c--><?pi d?><c><![CDATA[<r>]]></c></p>";
	ssp_xml_node *root = NULL;
	ssp_xml_error err;
	char *buf = NULL;
	size_t len = 0;

	CU_ASSERT_EQUAL_FATAL(parse(doc, &root, &err), 0);
	for (ssp_xml_node *c = root->children; c; c = c->next)
		CU_ASSERT_EQUAL(ssp_xml_dump(c, &buf, &len, 4096), 0);
	/* What xmlNodeDump writes for each child, concatenated. */
	CU_ASSERT_STRING_EQUAL(buf, "<project_specific><ssp_address>0x11</ssp_address></project_specific>"
				    "<e/><t a=\"q&quot;&#10;&#9;&lt;\">x &lt; y &amp; z &gt; w&#13;</t>"
				    "<!--c--><?pi d?><c><![CDATA[<r>]]></c>");
	CU_ASSERT_EQUAL(len, strlen(buf));
	free(buf);
	buf = NULL;
	len = 0;
	CU_ASSERT_EQUAL(ssp_xml_dump(root, &buf, &len, 20), SSP_ERR_TOO_BIG);
	free(buf);
	ssp_xml_free(root, 0);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "tree of a document", test_tree },
		{ "malformed documents", test_malformed },
		{ "nesting cap", test_depth },
		{ "serialization", test_dump },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("xml", tests);
}
