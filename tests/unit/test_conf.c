/* Suite for lib/ssp_conf: the ssp.conf reader (inih) and ssp_conf_set. Inputs are in
 * tests/data/conf/ and docs/ssp.conf.example; garbage is generated here. */
#include "core/ssp_conf.h"
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ssp_conf *load_data(const char *name)
{
	char rel[256];
	ssp_conf *c = NULL;
	ssp_errmsg em = { { 0 } };
	int rc;

	snprintf(rel, sizeof(rel), "conf/%s", name);
	rc = ssp_conf_load(ssp_cu_data(rel), &c, &em);
	if (rc != 0)
		fprintf(stderr, "\n  %s: %s\n", name, em.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return c;
}

/* Loads a data file expected to fail; checks the code and that em holds every needle. */
static void expect_fail(const char *name, int code, const char *n1, const char *n2)
{
	char rel[256];
	ssp_conf *c = (ssp_conf *)&c;
	ssp_errmsg em = { { 0 } };

	snprintf(rel, sizeof(rel), "conf/%s", name);
	CU_ASSERT_EQUAL(ssp_conf_load(ssp_cu_data(rel), &c, &em), code);
	CU_ASSERT_PTR_NULL(c);
	if (n1 && strstr(em.msg, n1) == NULL) {
		fprintf(stderr, "\n  %s: \"%s\" lacks \"%s\"\n", name, em.msg, n1);
		CU_FAIL("message");
	}
	if (n2 && strstr(em.msg, n2) == NULL) {
		fprintf(stderr, "\n  %s: \"%s\" lacks \"%s\"\n", name, em.msg, n2);
		CU_FAIL("message");
	}
}

static int parse_text(const char *text, ssp_conf **c, ssp_errmsg *em)
{
	return ssp_conf_parse(text, strlen(text), "mem.conf", c, em);
}

static char *tmp_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

static void test_values(void)
{
	ssp_conf *c = load_data("good.conf");
	const char *s, *sec, *key, *val;
	uint64_t u;
	double d;
	int b;
	unsigned line;

	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "", "top"), "before any section");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "project", "master_url"), "https://boinc.example.org/ssp/");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "project", "ledger"), "/var/lib/ssp/ledger.sqlite");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "project", "indented"), "yes");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "project", "colon"), "value after a colon");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "rpc_url"),
			       "http://127.0.0.1:8545/path;not-a-comment");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "empty"), "");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "project", "extra"), "1.5e3");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "unknown_section", "whatever"), "42");
	/* absent, and names are case-sensitive */
	CU_ASSERT_PTR_NULL(ssp_conf_get(c, "chain", "minter"));
	CU_ASSERT_PTR_NULL(ssp_conf_get(c, "Chain", "chain_id"));
	CU_ASSERT_PTR_NULL(ssp_conf_get(c, "chain", "CHAIN_ID"));
	CU_ASSERT_PTR_NULL(ssp_conf_get(c, "nosuch", "top"));
	CU_ASSERT_PTR_NULL(ssp_conf_get(NULL, "chain", "chain_id"));

	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "chain", "chain_id", 1, &u, NULL), 0);
	CU_ASSERT_EQUAL(u, 31337);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "validator", "batch_size", 1, &u, NULL), 0);
	CU_ASSERT_EQUAL(u, 256);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "validator", "batch_window", 1, &u, NULL), 0);
	CU_ASSERT_EQUAL(u, UINT64_MAX);
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "project", "extra", 0, &d, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 1500.0, 1e-9);
	CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "project", "indented", 0, &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(ssp_conf_get_str(c, "project", "ledger", NULL, &s, NULL), 0);
	CU_ASSERT_STRING_EQUAL(s, "/var/lib/ssp/ledger.sqlite");

	/* entries in file order, with lines */
	CU_ASSERT_EQUAL(ssp_conf_count(c), 12);
	CU_ASSERT_EQUAL(ssp_conf_entry(c, 0, &sec, &key, &val, &line), 0);
	CU_ASSERT_STRING_EQUAL(sec, "");
	CU_ASSERT_STRING_EQUAL(key, "top");
	CU_ASSERT_EQUAL(line, 2);
	CU_ASSERT_EQUAL(ssp_conf_entry(c, 11, &sec, &key, NULL, &line), 0);
	CU_ASSERT_STRING_EQUAL(sec, "unknown_section");
	CU_ASSERT_EQUAL(line, 24);
	CU_ASSERT_EQUAL(ssp_conf_entry(c, 12, &sec, NULL, NULL, NULL), SSP_ERR_NOT_FOUND);
	ssp_conf_free(c);
	ssp_conf_free(NULL);

	/* BOM and CRLF line ends */
	c = load_data("bom-crlf.conf");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "chain_id"), "5");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "rpc_url"), "http://crlf/");
	ssp_conf_free(c);
}

static void test_defaults(void)
{
	ssp_conf *c = load_data("good.conf");
	ssp_errmsg em = { { 0 } };
	const char *s;
	uint64_t u = 7;
	double d = 0;
	int b = -1;

	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "bridge", "confirmations", 3, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 3);
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "bridge", "max_fee_per_gas_gwei", 42.5, &d, &em), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 42.5, 0);
	CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "bridge", "dry_run", 0, &b, &em), 0);
	CU_ASSERT_EQUAL(b, 0);
	CU_ASSERT_EQUAL(ssp_conf_get_str(c, "chain", "minter", "0xdef", &s, &em), 0);
	CU_ASSERT_STRING_EQUAL(s, "0xdef");
	/* required strings: absent or empty */
	CU_ASSERT_EQUAL(ssp_conf_get_str(c, "chain", "minter", NULL, &s, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "missing chain.minter"));
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "good.conf"));
	CU_ASSERT_EQUAL(ssp_conf_get_str(c, "chain", "empty", NULL, &s, &em), SSP_ERR_CONFIG);
	CU_ASSERT_EQUAL(ssp_conf_get_str(c, "chain", "empty", "x", &s, &em), 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	/* an empty value is not a number */
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "chain", "empty", 3, &u, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "chain.empty"));
	ssp_conf_free(c);
}

static void test_bad_numbers(void)
{
	static const char *bad_u64[] = { "neg", "plus", "space", "hex", "over", "float", "word" };
	static const char *bad_d[] = { "hexf", "inf", "nan", "huge", "dot", "exp", "twodots" };
	ssp_conf *c = load_data("values.conf");
	ssp_errmsg em;
	char want[64];
	uint64_t u;
	double d;
	int b;

	for (size_t i = 0; i < sizeof(bad_u64) / sizeof(bad_u64[0]); i++) {
		memset(&em, 0, sizeof(em));
		u = 99;
		CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "n", bad_u64[i], 0, &u, &em), SSP_ERR_CONFIG);
		snprintf(want, sizeof(want), "n.%s", bad_u64[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, want));
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "values.conf:"));
		CU_ASSERT_EQUAL(u, 0); /* *out is the default, never a half-parsed value */
	}
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "n", "neg", 0, &u, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "values.conf:2: n.neg = \"-1\""));
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "n", "over", 0, &u, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "2^64"));

	for (size_t i = 0; i < sizeof(bad_d) / sizeof(bad_d[0]); i++) {
		memset(&em, 0, sizeof(em));
		CU_ASSERT_EQUAL(ssp_conf_get_double(c, "d", bad_d[i], 0, &d, &em), SSP_ERR_CONFIG);
		snprintf(want, sizeof(want), "d.%s", bad_d[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, want));
	}
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "d", "ok1", 0, &d, &em), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 0.5, 0);
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "d", "ok2", 0, &d, &em), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, -2.25e-3, 1e-15);
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "d", "ok3", 0, &d, &em), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 7, 0);
	/* a double key read as an integer is refused */
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "d", "ok1", 0, &u, &em), SSP_ERR_CONFIG);

	for (int i = 1; i <= 3; i++) {
		char k[4];

		snprintf(k, sizeof(k), "t%d", i);
		CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "b", k, 0, &b, &em), 0);
		CU_ASSERT_EQUAL(b, 1);
		snprintf(k, sizeof(k), "f%d", i);
		CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "b", k, 1, &b, &em), 0);
		CU_ASSERT_EQUAL(b, 0);
	}
	CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "b", "bad", 1, &b, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "b.bad"));
	CU_ASSERT_EQUAL(ssp_conf_get_bool(c, "b", "num", 1, &b, &em), SSP_ERR_CONFIG);
	ssp_conf_free(c);
}

static void test_parse_errors(void)
{
	ssp_conf *c = NULL;
	ssp_errmsg em = { { 0 } };

	/* duplicates, also across a repeated section header, name the line */
	expect_fail("dup.conf", SSP_ERR_PARSE, "dup.conf:9: duplicate key chain.rpc_url",
		    "first set on line 3");
	expect_fail("syntax.conf", SSP_ERR_PARSE, "syntax.conf:4:", "syntax error");
	expect_fail("section.conf", SSP_ERR_PARSE, "section.conf:3:", NULL);
	expect_fail("missing.conf", SSP_ERR_NOT_FOUND, "missing.conf", NULL);
	CU_ASSERT_EQUAL(ssp_conf_load(ssp_cu_tmpdir(), &c, &em), SSP_ERR_IO);

	CU_ASSERT_EQUAL(parse_text("[a]\nk = 1\nk = 2\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_STRING_EQUAL(em.msg, "mem.conf:3: duplicate key a.k (first set on line 2)");
	CU_ASSERT_EQUAL(parse_text("k = 1\n[a]\nk = 2\n", &c, &em), 0); /* different sections */
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "", "k"), "1");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "a", "k"), "2");
	ssp_conf_free(c);
	/* an indented line after a key is its own key, never a continuation */
	CU_ASSERT_EQUAL(parse_text("[a]\nk = 1\n  more text\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:3:"));
	CU_ASSERT_EQUAL(parse_text("[a]\nk = 1\n  k = 2\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:3: duplicate key a.k"));
	CU_ASSERT_EQUAL(parse_text("[a]\n= 1\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:2: empty key"));
	/* the first error wins */
	CU_ASSERT_EQUAL(parse_text("[a]\nnonsense\nk = 1\nk = 1\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:2:"));
	CU_ASSERT_EQUAL(parse_text("[a]\nk = 1\nk = 1\nnonsense\n", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:3:"));
	/* empty file and comments only are fine */
	CU_ASSERT_EQUAL(parse_text("", &c, &em), 0);
	CU_ASSERT_EQUAL(ssp_conf_count(c), 0);
	ssp_conf_free(c);
	CU_ASSERT_EQUAL(parse_text("; nothing\n\n# here\n", &c, &em), 0);
	ssp_conf_free(c);
	/* a last line without its newline */
	CU_ASSERT_EQUAL(parse_text("[a]\nk = v", &c, &em), 0);
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "a", "k"), "v");
	ssp_conf_free(c);
	/* over-long section names */
	CU_ASSERT_EQUAL(parse_text("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nk = 1\n", &c, &em),
			SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:1: section name"));
	CU_ASSERT_EQUAL(parse_text("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nk = 1\n", &c, &em), 0);
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "k"), "1");
	ssp_conf_free(c);
}

static void test_garbage(void)
{
	ssp_conf *c = NULL;
	ssp_errmsg em = { { 0 } };
	char *big, line[400];
	size_t n;

	/* oversized: one byte over the cap, as text and as a file */
	big = malloc(SSP_CONF_MAX_FILE + 2);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, '\n', SSP_CONF_MAX_FILE + 1);
	big[SSP_CONF_MAX_FILE + 1] = '\0';
	CU_ASSERT_EQUAL(ssp_conf_parse(big, SSP_CONF_MAX_FILE + 1, "big", &c, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_file_write_atomic(tmp_path("big.conf"), big, SSP_CONF_MAX_FILE + 1, 0600), 0);
	CU_ASSERT_EQUAL(ssp_conf_load(tmp_path("big.conf"), &c, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "big.conf"));
	CU_ASSERT_PTR_NULL(c);
	/* exactly at the cap: blank lines and many keys are fine */
	n = 0;
	for (int i = 0; n + 32 < SSP_CONF_MAX_FILE; i++)
		n += (size_t)sprintf(big + n, "k%d = %d\n", i, i);
	memset(big + n, '\n', SSP_CONF_MAX_FILE - n);
	CU_ASSERT_EQUAL(ssp_conf_parse(big, SSP_CONF_MAX_FILE, "full", &c, &em), 0);
	CU_ASSERT(ssp_conf_count(c) > 50000);
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "", "k12345"), "12345");
	ssp_conf_free(c);
	free(big);

	/* an over-long line is named, never silently split */
	memset(line, 'x', sizeof(line));
	memcpy(line, "[a]\nk = ", 8);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	CU_ASSERT_EQUAL(parse_text(line, &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "mem.conf:2: line longer than"));

	/* binary data */
	CU_ASSERT_EQUAL(ssp_conf_parse("[a]\nk = v\0w\n", 12, "nul.conf", &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "nul.conf:2: binary data"));
	CU_ASSERT_EQUAL(parse_text("[a]\nk = \x1b[31m\n", &c, &em), SSP_ERR_PARSE);
	for (int i = 0; i < 500; i++) {
		unsigned char junk[512];
		int rc;

		CU_ASSERT_FATAL(RAND_bytes(junk, sizeof(junk)) == 1);
		rc = ssp_conf_parse((const char *)junk, sizeof(junk), "junk", &c, &em);
		CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
		CU_ASSERT_PTR_NULL(c);
		ssp_conf_free(c);
	}
	/* every truncation of a good file parses or fails cleanly */
	{
		size_t len;
		char *text = ssp_cu_slurp("conf/good.conf", &len);

		for (size_t cut = 0; cut <= len; cut++) {
			int rc = ssp_conf_parse(text, cut, "cut", &c, &em);

			CU_ASSERT(rc == 0 || rc == SSP_ERR_PARSE);
			ssp_conf_free(c);
		}
		free(text);
	}
}

static void test_example_and_known(void)
{
	char path[4096];
	const char *src = getenv("SSP_SRCDIR"), *sec, *key;
	ssp_conf *c = NULL;
	ssp_errmsg em = { { 0 } };
	uint64_t u;
	double d;
	int known = 0;

	snprintf(path, sizeof(path), "%s/docs/ssp.conf.example", src ? src : ".");
	CU_ASSERT_EQUAL_FATAL(ssp_conf_load(path, &c, &em), 0);
	/* every key of the example is a documented one, and every documented one is there */
	for (size_t i = 0; ssp_conf_entry(c, i, &sec, &key, NULL, NULL) == 0; i++) {
		if (!ssp_conf_is_known(sec, key))
			fprintf(stderr, "\n  unknown example key %s.%s\n", sec, key);
		known += ssp_conf_is_known(sec, key);
	}
	CU_ASSERT_EQUAL(known, (int)ssp_conf_count(c));
	CU_ASSERT_EQUAL(known, 22);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "validator", "batch_size", 0, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 256);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "validator", "batch_window", 0, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 600);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "bridge", "confirmations", 0, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 3);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "bridge", "gas_headroom_percent", 0, &u, &em), 0);
	CU_ASSERT_EQUAL(u, 25);
	CU_ASSERT_EQUAL(ssp_conf_get_double(c, "bridge", "max_fee_per_gas_gwei", 0, &d, &em), 0);
	CU_ASSERT_EQUAL(ssp_conf_get_u64(c, "chain", "chain_id", 0, &u, &em), 0);
	ssp_conf_free(c);

	CU_ASSERT_EQUAL(ssp_conf_is_known("bridge", "rpc_timeout"), 1);
	CU_ASSERT_EQUAL(ssp_conf_is_known("bridge", "rpc_url"), 0);
	CU_ASSERT_EQUAL(ssp_conf_is_known("", "top"), 0);
	CU_ASSERT_EQUAL(ssp_conf_is_known(NULL, "x"), 0);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	CU_ASSERT_EQUAL_FATAL(ssp_file_write_atomic(path, text, strlen(text), mode), 0);
}

static char *read_text(const char *path)
{
	char *buf = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(ssp_file_read(path, SSP_CONF_MAX_FILE, &buf, &len), 0);
	return buf;
}

static void test_set(void)
{
	char path[4096], *text;
	struct stat st;
	ssp_conf *c = NULL;
	ssp_errmsg em;

	snprintf(path, sizeof(path), "%s", tmp_path("set.conf"));
	write_text(path,
		   "; head comment\n"
		   "[chain]\n"
		   "  rpc_url = http://old/   ; the node\n"
		   "chain_id: 1\n"
		   "\n"
		   "# between sections\n"
		   "[bridge]\n"
		   "confirmations = 3\n"
		   "\n"
		   "; trailing comment\n", 0640);

	/* replace: indentation and inline comment kept, nothing else touched */
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc_url", "https://new.example/v3/abc"), 0);
	text = read_text(path);
	CU_ASSERT_STRING_EQUAL(text,
			       "; head comment\n"
			       "[chain]\n"
			       "  rpc_url = https://new.example/v3/abc   ; the node\n"
			       "chain_id: 1\n"
			       "\n"
			       "# between sections\n"
			       "[bridge]\n"
			       "confirmations = 3\n"
			       "\n"
			       "; trailing comment\n");
	free(text);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);

	/* a ':' line, then a new key of an existing section, then a new section */
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "chain_id", "31337"), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "minter", "0x5FbDB2315678afecb367f032d93F642f64180aa3"), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "bridge", "poll_interval", "5"), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "validator", "batch_size", "128"), 0);
	text = read_text(path);
	CU_ASSERT_STRING_EQUAL(text,
			       "; head comment\n"
			       "[chain]\n"
			       "  rpc_url = https://new.example/v3/abc   ; the node\n"
			       "chain_id = 31337\n"
			       "minter = 0x5FbDB2315678afecb367f032d93F642f64180aa3\n"
			       "\n"
			       "# between sections\n"
			       "[bridge]\n"
			       "confirmations = 3\n"
			       "poll_interval = 5\n"
			       "\n"
			       "; trailing comment\n"
			       "\n"
			       "[validator]\n"
			       "batch_size = 128\n");
	free(text);
	memset(&em, 0, sizeof(em));
	CU_ASSERT_EQUAL(ssp_conf_load(path, &c, &em), 0);
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "rpc_url"), "https://new.example/v3/abc");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "chain", "chain_id"), "31337");
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "validator", "batch_size"), "128");
	CU_ASSERT_EQUAL(ssp_conf_count(c), 6);
	ssp_conf_free(c);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);

	/* setting the same value again changes nothing */
	text = read_text(path);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "chain_id", "31337"), 0);
	{
		char *again = read_text(path);

		CU_ASSERT_STRING_EQUAL(again, text);
		free(again);
	}
	/* refused values and names leave the file alone */
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc_url", "a ; b"), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc_url", " lead"), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc_url", "two\nlines"), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc url", "x"), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "ch]ain", "rpc_url", "x"), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_conf_set(path, "", "rpc_url", "x"), SSP_ERR_INVAL);
	{
		char longv[300];

		memset(longv, 'v', sizeof(longv) - 1);
		longv[sizeof(longv) - 1] = '\0';
		CU_ASSERT_EQUAL(ssp_conf_set(path, "chain", "rpc_url", longv), SSP_ERR_INVAL);
	}
	{
		char *again = read_text(path);

		CU_ASSERT_STRING_EQUAL(again, text);
		free(again);
	}
	free(text);
	/* an empty value is allowed */
	CU_ASSERT_EQUAL(ssp_conf_set(path, "bridge", "confirmations", ""), 0);
	CU_ASSERT_EQUAL(ssp_conf_load(path, &c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(ssp_conf_get(c, "bridge", "confirmations"), "");
	ssp_conf_free(c);

	/* a broken file is not touched */
	write_text(tmp_path("broken.conf"), "[a]\nk = 1\nk = 2\n", 0600);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("broken.conf"), "a", "k", "3"), SSP_ERR_PARSE);
	text = read_text(tmp_path("broken.conf"));
	CU_ASSERT_STRING_EQUAL(text, "[a]\nk = 1\nk = 2\n");
	free(text);
}

static void test_set_new_and_crlf(void)
{
	char *text;
	struct stat st;
	char target[4096];

	/* a new file is created 0600 */
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("new.conf"), "project", "ledger", "/tmp/l.sqlite"), 0);
	CU_ASSERT_EQUAL(stat(tmp_path("new.conf"), &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	text = read_text(tmp_path("new.conf"));
	CU_ASSERT_STRING_EQUAL(text, "[project]\nledger = /tmp/l.sqlite\n");
	free(text);

	/* CRLF files keep CRLF; a last line without newline gets one */
	write_text(tmp_path("crlf.conf"), "[a]\r\nk = 1\r\n[b]\r\nx = 1", 0600);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("crlf.conf"), "a", "k", "2"), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("crlf.conf"), "a", "j", "3"), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("crlf.conf"), "b", "y", "4"), 0);
	text = read_text(tmp_path("crlf.conf"));
	CU_ASSERT_STRING_EQUAL(text, "[a]\r\nk = 2\r\nj = 3\r\n[b]\r\nx = 1\ny = 4\n");
	free(text);

	/* a symbolic link is followed: the target changes, the link stays */
	snprintf(target, sizeof(target), "%s", tmp_path("target.conf"));
	write_text(target, "[a]\nk = 1\n", 0644);
	CU_ASSERT_EQUAL(symlink(target, tmp_path("link.conf")), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("link.conf"), "a", "k", "9"), 0);
	CU_ASSERT_EQUAL(lstat(tmp_path("link.conf"), &st), 0);
	CU_ASSERT(S_ISLNK(st.st_mode));
	text = read_text(target);
	CU_ASSERT_STRING_EQUAL(text, "[a]\nk = 9\n");
	free(text);
	CU_ASSERT_EQUAL(stat(target, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
	/* a dangling link is not replaced by a file */
	snprintf(target, sizeof(target), "%s", tmp_path("nowhere/x.conf"));
	CU_ASSERT_EQUAL(symlink(target, tmp_path("dangling.conf")), 0);
	CU_ASSERT_EQUAL(ssp_conf_set(tmp_path("dangling.conf"), "a", "k", "1"), SSP_ERR_IO);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "values, sections, comments, BOM/CRLF", test_values },
		{ "defaults and required keys", test_defaults },
		{ "bad numbers are named", test_bad_numbers },
		{ "parse errors name file:line (duplicates, syntax)", test_parse_errors },
		{ "garbage: oversized, long lines, binary, truncation", test_garbage },
		{ "docs/ssp.conf.example and the known keys", test_example_and_known },
		{ "set(): round trip keeping comments and mode", test_set },
		{ "set(): new file, CRLF, symlinks", test_set_new_and_crlf },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("conf", tests);
}
