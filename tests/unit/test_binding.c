/* Suite for lib/ssp_binding: EIP-191 and the payout binding checked against foundry's cast
 * (tests/data/binding_vectors.txt); project_prefs parsing with good and hostile input. */
#include "crypto/ssp_binding.h"
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXV 32
#define MAXMSG 1100

struct hash_vec {
	uint8_t msg[MAXMSG];
	size_t len;
	uint8_t digest[32];
};

struct sign_vec {
	uint8_t key[32];
	uint8_t msg[MAXMSG];
	size_t len;
	uint8_t sig[65];
};

struct bind_vec {
	uint8_t key[32];
	char url[128];
	uint64_t uid;
	char addr_text[SSP_ADDR_STRLEN];
	uint8_t addr[20];
	char text[400];
	uint8_t sig[65];
};

static struct hash_vec hvecs[MAXV];
static struct sign_vec svecs[MAXV];
static struct bind_vec bvecs[MAXV];
static size_t nh, ns, nb;

static void die(const char *what)
{
	fprintf(stderr, "bad test data: %.80s\n", what);
	exit(2);
}

static void load(void)
{
	char *text = ssp_cu_slurp("binding_vectors.txt", NULL), *line, *save = NULL;
	static char f[6][2400];

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int n;

		if (line[0] == '#')
			continue;
		n = sscanf(line, "%2399s %2399s %2399s %2399s %2399s %2399s", f[0], f[1], f[2], f[3], f[4], f[5]);
		if (strcmp(f[0], "hash") == 0 && n == 3 && nh < MAXV) {
			struct hash_vec *v = &hvecs[nh++];

			if (strcmp(f[1], "-") == 0)
				v->len = 0;
			else if (ssp_hex_decode(f[1], v->msg, MAXMSG, &v->len) != 0)
				die(line);
			if (ssp_hex_decode_exact(f[2], v->digest, 32) != 0)
				die(line);
		} else if (strcmp(f[0], "sign") == 0 && n == 4 && ns < MAXV) {
			struct sign_vec *v = &svecs[ns++];

			if (ssp_hex_decode_exact(f[1], v->key, 32) != 0 ||
			    ssp_hex_decode(f[2], v->msg, MAXMSG, &v->len) != 0 ||
			    ssp_hex_decode_exact(f[3], v->sig, 65) != 0)
				die(line);
		} else if (strcmp(f[0], "binding") == 0 && n == 6 && nb < MAXV) {
			struct bind_vec *v = &bvecs[nb++];
			size_t tl;
			/* sscanf stops at 6 fields; the 7th is the signature. */
			const char *sig = strrchr(line, ' ');

			if (ssp_hex_decode_exact(f[1], v->key, 32) != 0 || strlen(f[2]) >= sizeof v->url ||
			    strlen(f[4]) != 42 || sig == NULL ||
			    ssp_hex_decode(f[5], (uint8_t *)v->text, sizeof v->text - 1, &tl) != 0 ||
			    ssp_hex_decode_exact(sig + 1, v->sig, 65) != 0)
				die(line);
			v->text[tl] = '\0';
			strcpy(v->url, f[2]);
			v->uid = strtoull(f[3], NULL, 10);
			memcpy(v->addr_text, f[4], SSP_ADDR_STRLEN);
			if (ssp_address_parse(v->addr_text, v->addr) != 0)
				die(line);
		} else {
			die(line);
		}
	}
	free(text);
}

static void test_eip191_hash(void)
{
	CU_ASSERT_TRUE_FATAL(nh >= 5);
	for (size_t i = 0; i < nh; i++) {
		uint8_t out[32];

		ssp_eip191_hash(hvecs[i].msg, hvecs[i].len, out);
		CU_ASSERT_EQUAL(memcmp(out, hvecs[i].digest, 32), 0);
	}
}

static void test_eip191_sign_recover(void)
{
	CU_ASSERT_TRUE_FATAL(ns >= 8);
	for (size_t i = 0; i < ns; i++) {
		uint8_t sig[65], addr[20], want[20];

		CU_ASSERT_EQUAL(ssp_eip191_sign(svecs[i].key, svecs[i].msg, svecs[i].len, sig), 0);
		CU_ASSERT_EQUAL(memcmp(sig, svecs[i].sig, 65), 0);
		CU_ASSERT_EQUAL_FATAL(ssp_key_address(svecs[i].key, want), 0);
		CU_ASSERT_EQUAL(ssp_eip191_recover(svecs[i].msg, svecs[i].len, svecs[i].sig, addr), 0);
		CU_ASSERT_EQUAL(memcmp(addr, want, 20), 0);
		/* One byte less of message recovers someone else (or nothing). */
		if (svecs[i].len > 0) {
			int rc = ssp_eip191_recover(svecs[i].msg, svecs[i].len - 1, svecs[i].sig, addr);

			CU_ASSERT_TRUE(rc == SSP_ERR_BAD_SIG || (rc == 0 && memcmp(addr, want, 20) != 0));
		}
	}
}

static void test_binding_text(void)
{
	CU_ASSERT_TRUE_FATAL(nb >= 5);
	for (size_t i = 0; i < nb; i++) {
		char *t = (char *)1;

		CU_ASSERT_EQUAL(ssp_binding_text(bvecs[i].url, bvecs[i].uid, bvecs[i].addr, &t), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_STRING_EQUAL(t, bvecs[i].text);
		free(t);
	}
}

/* The normative text of docs/formats.md, spelled out once by hand. */
static void test_binding_text_literal(void)
{
	uint8_t addr[20];
	char *t = NULL;

	CU_ASSERT_EQUAL_FATAL(ssp_address_parse("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", addr), 0);
	CU_ASSERT_EQUAL(ssp_binding_text("https://boinc.example.org/ssp/", 42, addr, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "SmartShare payout binding\n"
				  "project: https://boinc.example.org/ssp/\n"
				  "user: 42\n"
				  "address: 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
	free(t);
}

static void test_binding_sign_cast(void)
{
	for (size_t i = 0; i < nb; i++) {
		uint8_t sig[65];

		CU_ASSERT_EQUAL(ssp_binding_sign(bvecs[i].key, bvecs[i].url, bvecs[i].uid, sig), 0);
		CU_ASSERT_EQUAL(memcmp(sig, bvecs[i].sig, 65), 0);
		CU_ASSERT_EQUAL(ssp_binding_verify(bvecs[i].url, bvecs[i].uid, bvecs[i].addr, bvecs[i].sig), 0);
	}
}

static void test_binding_verify_wrong(void)
{
	for (size_t i = 0; i < nb; i++) {
		const struct bind_vec *v = &bvecs[i];
		uint8_t other[20], sig[65];
		char url[160];

		CU_ASSERT_EQUAL(ssp_binding_verify(v->url, v->uid + 1, v->addr, v->sig), SSP_ERR_BAD_SIG);
		CU_ASSERT_EQUAL(ssp_binding_verify(v->url, v->uid - 1, v->addr, v->sig), SSP_ERR_BAD_SIG);
		snprintf(url, sizeof url, "%s/", v->url); /* a second trailing slash */
		CU_ASSERT_EQUAL(ssp_binding_verify(url, v->uid, v->addr, v->sig), SSP_ERR_BAD_SIG);
		snprintf(url, sizeof url, "%.*s", (int)strlen(v->url) - 1, v->url); /* no trailing slash */
		CU_ASSERT_EQUAL(ssp_binding_verify(url, v->uid, v->addr, v->sig), SSP_ERR_BAD_SIG);
		memcpy(other, v->addr, 20);
		other[0] ^= 0x01;
		CU_ASSERT_EQUAL(ssp_binding_verify(v->url, v->uid, other, v->sig), SSP_ERR_BAD_SIG);
		memcpy(sig, v->sig, 65);
		sig[10] ^= 0x40;
		CU_ASSERT_EQUAL(ssp_binding_verify(v->url, v->uid, v->addr, sig), SSP_ERR_BAD_SIG);
		memcpy(sig, v->sig, 65);
		sig[64] = 30;
		CU_ASSERT_EQUAL(ssp_binding_verify(v->url, v->uid, v->addr, sig), SSP_ERR_BAD_SIG);
	}
	/* The user-42 signature is not valid for user 43, and vice versa (both lines are from cast). */
	CU_ASSERT_EQUAL(bvecs[0].uid, 42);
	CU_ASSERT_EQUAL(bvecs[1].uid, 43);
	CU_ASSERT_NOT_EQUAL(memcmp(bvecs[0].sig, bvecs[1].sig, 65), 0);
	CU_ASSERT_EQUAL(ssp_binding_verify(bvecs[0].url, 43, bvecs[0].addr, bvecs[0].sig), SSP_ERR_BAD_SIG);
	CU_ASSERT_EQUAL(ssp_binding_verify(bvecs[1].url, 42, bvecs[1].addr, bvecs[1].sig), SSP_ERR_BAD_SIG);
	/* Another key's binding for the same project and user does not verify for this address. */
	CU_ASSERT_EQUAL(ssp_binding_verify(bvecs[3].url, bvecs[3].uid, bvecs[0].addr, bvecs[3].sig),
			SSP_ERR_BAD_SIG);
}

static void test_binding_url_rules(void)
{
	static const char *const bad[] = {
		"", "https://a/\n", "https://a/\r", "https://a/\tx", "\x7fhttps://a/", "https://a/\x1b[31m",
	};
	char big[SSP_BINDING_URL_MAX + 2];
	uint8_t addr[20] = { 1 }, sig[65];
	char *t = (char *)1;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CU_ASSERT_EQUAL(ssp_binding_text(bad[i], 1, addr, &t), SSP_ERR_INVAL);
		CU_ASSERT_PTR_NULL(t);
		CU_ASSERT_EQUAL(ssp_binding_sign(bvecs[0].key, bad[i], 1, sig), SSP_ERR_INVAL);
		CU_ASSERT_EQUAL(ssp_binding_verify(bad[i], 1, addr, bvecs[0].sig), SSP_ERR_INVAL);
	}
	CU_ASSERT_EQUAL(ssp_binding_text(NULL, 1, addr, &t), SSP_ERR_INVAL);
	memset(big, 'a', sizeof big);
	big[SSP_BINDING_URL_MAX] = '\0'; /* exactly 512 bytes: allowed */
	CU_ASSERT_EQUAL(ssp_binding_text(big, 1, addr, &t), 0);
	CU_ASSERT_PTR_NOT_NULL(t);
	free(t);
	big[SSP_BINDING_URL_MAX] = 'a';
	big[SSP_BINDING_URL_MAX + 1] = '\0'; /* 513: refused */
	CU_ASSERT_EQUAL(ssp_binding_text(big, 1, addr, &t), SSP_ERR_INVAL);
	/* A bad key is refused by sign. */
	memset(sig, 0, 32);
	CU_ASSERT_EQUAL(ssp_binding_sign(sig, "https://a/", 1, sig), SSP_ERR_INVAL);
}

static void test_snippet(void)
{
	const struct bind_vec *v = &bvecs[0];
	char *s = NULL, want[400], hex[133];
	uint8_t addr[20], sig[65];

	CU_ASSERT_EQUAL_FATAL(ssp_binding_snippet(v->addr, v->sig, &s), 0);
	snprintf(want, sizeof want,
		 "<project_specific><ssp_address>%s</ssp_address><ssp_binding>%s</ssp_binding></project_specific>",
		 v->addr_text, ssp_hex_encode(v->sig, 65, hex, 1));
	CU_ASSERT_STRING_EQUAL(s, want);
	CU_ASSERT_EQUAL(strlen(hex), 132);
	CU_ASSERT_EQUAL(ssp_binding_from_prefs(s, strlen(s), addr, sig, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(addr, v->addr, 20), 0);
	CU_ASSERT_EQUAL(memcmp(sig, v->sig, 65), 0);
	free(s);
}

/* A realistic BOINC project_prefs document around the binding of vector i. */
static char *prefs_doc(size_t i, const char *addr_text, const char *sig_text)
{
	char hex[133];
	char *doc = malloc(2048);

	if (sig_text == NULL)
		sig_text = ssp_hex_encode(bvecs[i].sig, 65, hex, 1);
	snprintf(doc, 2048,
		 "<project_preferences>\n"
		 "    <resource_share>100</resource_share>\n"
		 "    <project_specific>\n"
		 "        <max_jobs>2</max_jobs>\n"
		 "        <ssp_address>\n   %s\n        </ssp_address>\n"
		 "        <!-- bound with ssp binding -->\n"
		 "        <ssp_binding>%s</ssp_binding>\n"
		 "    </project_specific>\n"
		 "    <venue name=\"home\">\n"
		 "        <resource_share>50</resource_share>\n"
		 "        <project_specific><ssp_address>0x0000000000000000000000000000000000000001</ssp_address>"
		 "<ssp_binding>0x00</ssp_binding></project_specific>\n"
		 "    </venue>\n"
		 "</project_preferences>\n",
		 addr_text ? addr_text : bvecs[i].addr_text, sig_text);
	return doc;
}

static void test_prefs_good(void)
{
	for (size_t i = 0; i < nb; i++) {
		char *doc = prefs_doc(i, NULL, NULL);
		uint8_t addr[20], sig[65];
		ssp_errmsg em = { { 0 } };

		CU_ASSERT_EQUAL(ssp_binding_from_prefs(doc, strlen(doc), addr, sig, &em), 0);
		CU_ASSERT_EQUAL(memcmp(addr, bvecs[i].addr, 20), 0);
		CU_ASSERT_EQUAL(memcmp(sig, bvecs[i].sig, 65), 0);
		/* What the validator does next: the extracted binding verifies. */
		CU_ASSERT_EQUAL(ssp_binding_verify(bvecs[i].url, bvecs[i].uid, addr, sig), 0);
		free(doc);
	}
}

static void test_prefs_good_variants(void)
{
	const struct bind_vec *v = &bvecs[0];
	char lower[SSP_ADDR_STRLEN], hex[133], buf[1024];
	uint8_t addr[20], sig[65];

	/* All-lowercase address, signature without 0x, CDATA, XML declaration. */
	for (int j = 0; j < SSP_ADDR_STRLEN; j++)
		lower[j] = (char)(v->addr_text[j] >= 'A' && v->addr_text[j] <= 'F' ? v->addr_text[j] + 32
										  : v->addr_text[j]);
	ssp_hex_encode(v->sig, 65, hex, 0);
	snprintf(buf, sizeof buf,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project_preferences><project_specific>"
		 "<ssp_binding><![CDATA[%s]]></ssp_binding><ssp_address>%s</ssp_address>"
		 "</project_specific></project_preferences>", hex, lower);
	CU_ASSERT_EQUAL(ssp_binding_from_prefs(buf, strlen(buf), addr, sig, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(addr, v->addr, 20), 0);
	CU_ASSERT_EQUAL(memcmp(sig, v->sig, 65), 0);
}

static void expect(const char *doc, size_t len, int rc, const char *msg_part)
{
	uint8_t addr[20], sig[65];
	ssp_errmsg em = { { 0 } };
	int got;

	memset(addr, 0x5a, 20);
	got = ssp_binding_from_prefs(doc, len, addr, sig, &em);
	CU_ASSERT_EQUAL(got, rc);
	if (got != rc)
		fprintf(stderr, "from_prefs gave %d (%s), wanted %d for: %.60s\n", got, em.msg, rc, doc);
	if (rc != 0)
		CU_ASSERT_EQUAL(addr[0], 0x5a);
	if (msg_part != NULL) {
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, msg_part));
		if (strstr(em.msg, msg_part) == NULL)
			fprintf(stderr, "message \"%s\" lacks \"%s\"\n", em.msg, msg_part);
	}
}

#define EXPECT(doc, rc, part) expect((doc), strlen(doc), (rc), (part))

static void test_prefs_missing(void)
{
	EXPECT("", SSP_ERR_NOT_FOUND, NULL);
	EXPECT("  \n\t ", SSP_ERR_NOT_FOUND, NULL);
	EXPECT("<project_preferences/>", SSP_ERR_NOT_FOUND, NULL);
	EXPECT("<project_preferences><resource_share>100</resource_share></project_preferences>",
	       SSP_ERR_NOT_FOUND, NULL);
	EXPECT("<project_preferences><project_specific><x>1</x></project_specific></project_preferences>",
	       SSP_ERR_NOT_FOUND, NULL);
	/* A binding only inside a venue is not the account's binding. */
	EXPECT("<project_preferences><venue name=\"work\"><project_specific>"
	       "<ssp_address>0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf</ssp_address>"
	       "<ssp_binding>0x00</ssp_binding></project_specific></venue></project_preferences>",
	       SSP_ERR_NOT_FOUND, NULL);
	CU_ASSERT_EQUAL(ssp_binding_from_prefs(NULL, 0, (uint8_t[20]){ 0 }, (uint8_t[65]){ 0 }, NULL),
			SSP_ERR_NOT_FOUND);
}

static void test_prefs_malformed(void)
{
	char *doc;

	EXPECT("<project_preferences>", SSP_ERR_PARSE, "malformed XML");
	EXPECT("<project_preferences><project_specific></project_preferences>", SSP_ERR_PARSE, "malformed XML");
	EXPECT("not xml at all", SSP_ERR_PARSE, "malformed XML");
	EXPECT("<a>&undefined;</a>", SSP_ERR_PARSE, "malformed XML");
	EXPECT("<project_preferences></project_preferences><second/>", SSP_ERR_PARSE, "malformed XML");
	EXPECT("<other_root><project_specific/></other_root>", SSP_ERR_PARSE, "root");
	/* Half a binding, or a doubled element. */
	EXPECT("<project_specific><ssp_address>0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf</ssp_address>"
	       "</project_specific>", SSP_ERR_PARSE, "without <ssp_binding>");
	doc = prefs_doc(0, NULL, NULL);
	{
		char buf[4096];
		char *at = strstr(doc, "<ssp_binding>");

		snprintf(buf, sizeof buf, "%.*s<ssp_binding>0x00</ssp_binding>%s", (int)(at - doc), doc, at);
		EXPECT(buf, SSP_ERR_PARSE, "twice");
	}
	free(doc);
	EXPECT("<project_preferences><project_specific/><project_specific/></project_preferences>",
	       SSP_ERR_PARSE, "twice");
	/* Markup inside a value. */
	EXPECT("<project_specific><ssp_address><b>0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf</b></ssp_address>"
	       "<ssp_binding>0x00</ssp_binding></project_specific>", SSP_ERR_PARSE, "only text");
}

static void test_prefs_bad_values(void)
{
	char *doc;

	/* Wrong EIP-55 checksum (one letter's case flipped). */
	doc = prefs_doc(0, "0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf", NULL);
	EXPECT(doc, SSP_ERR_PARSE, "ssp_address");
	free(doc);
	doc = prefs_doc(0, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bd", NULL);
	EXPECT(doc, SSP_ERR_PARSE, "ssp_address");
	free(doc);
	doc = prefs_doc(0, "7E5F4552091A69125d5DfCb7b8C2659029395Bdf", NULL);
	EXPECT(doc, SSP_ERR_PARSE, "ssp_address");
	free(doc);
	doc = prefs_doc(0, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf 0x1", NULL);
	EXPECT(doc, SSP_ERR_PARSE, "ssp_address");
	free(doc);
	doc = prefs_doc(0, "", NULL);
	EXPECT(doc, SSP_ERR_PARSE, "ssp_address");
	free(doc);
	/* Signatures of 64 and 66 bytes, odd length, non-hex, empty. */
	doc = prefs_doc(0, NULL, "0x" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
				 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	EXPECT(doc, SSP_ERR_PARSE, "ssp_binding");
	free(doc);
	doc = prefs_doc(0, NULL, "0x" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
				 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff1b1b");
	EXPECT(doc, SSP_ERR_PARSE, "ssp_binding");
	free(doc);
	doc = prefs_doc(0, NULL, "0x" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
				 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff1");
	EXPECT(doc, SSP_ERR_PARSE, "ssp_binding");
	free(doc);
	doc = prefs_doc(0, NULL, "0x" "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
				 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff1b");
	EXPECT(doc, SSP_ERR_PARSE, "ssp_binding");
	free(doc);
	doc = prefs_doc(0, NULL, "");
	EXPECT(doc, SSP_ERR_PARSE, "ssp_binding");
	free(doc);
}

/* Entities are never expanded and no DTD is accepted: no billion laughs, no file reads. */
static void test_prefs_dtd(void)
{
	EXPECT("<!DOCTYPE project_preferences [<!ENTITY a \"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf\">]>"
	       "<project_preferences><project_specific><ssp_address>&a;</ssp_address>"
	       "<ssp_binding>0x00</ssp_binding></project_specific></project_preferences>",
	       SSP_ERR_PARSE, "DTD");
	EXPECT("<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	       "<project_preferences><project_specific><ssp_address>&x;</ssp_address>"
	       "<ssp_binding>0x00</ssp_binding></project_specific></project_preferences>",
	       SSP_ERR_PARSE, "DTD");
	EXPECT("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
	       "<project_preferences><project_specific><ssp_address>&d;</ssp_address>"
	       "<ssp_binding>0x00</ssp_binding></project_specific></project_preferences>",
	       SSP_ERR_PARSE, NULL);
	EXPECT("<!DOCTYPE project_preferences SYSTEM \"http://127.0.0.1:1/x.dtd\"><project_preferences/>",
	       SSP_ERR_PARSE, "DTD");
}

static void test_prefs_size_cap(void)
{
	const char *head = "<project_preferences>", *tail = "</project_preferences>";
	size_t cap = SSP_BINDING_PREFS_MAX;
	char *buf = malloc(cap + 2);
	char *snip = NULL;
	size_t used;
	uint8_t addr[20], sig[65];

	CU_ASSERT_EQUAL_FATAL(ssp_binding_snippet(bvecs[0].addr, bvecs[0].sig, &snip), 0);
	/* Exactly 64 KiB, padded with whitespace: accepted. */
	used = (size_t)sprintf(buf, "%s%s", head, snip);
	memset(buf + used, ' ', cap - used - strlen(tail));
	memcpy(buf + cap - strlen(tail), tail, strlen(tail));
	buf[cap] = '\0';
	CU_ASSERT_EQUAL(ssp_binding_from_prefs(buf, cap, addr, sig, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(addr, bvecs[0].addr, 20), 0);
	/* One byte more: refused before parsing. */
	memmove(buf + cap + 1 - strlen(tail), tail, strlen(tail));
	buf[cap - strlen(tail)] = ' ';
	buf[cap + 1] = '\0';
	expect(buf, cap + 1, SSP_ERR_TOO_BIG, NULL);
	expect(buf, (size_t)1 << 30, SSP_ERR_TOO_BIG, NULL); /* never read past the cap */
	free(snip);
	free(buf);
}

static void test_prefs_binary(void)
{
	static const char nul_inside[] = "<project_preferences>\0<project_specific/></project_preferences>";
	char *doc = prefs_doc(0, NULL, NULL);
	uint8_t junk[4096];
	unsigned x = 12345;
	size_t len = strlen(doc);

	expect(nul_inside, sizeof nul_inside - 1, SSP_ERR_PARSE, "malformed");
	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	expect((const char *)junk, sizeof junk, SSP_ERR_PARSE, NULL);
	/* A NUL byte in the middle of a good document. */
	doc[len / 2] = '\0';
	expect(doc, len, SSP_ERR_PARSE, NULL);
	free(doc);
	/* Invalid UTF-8 inside a value. */
	EXPECT("<project_specific><ssp_address>0x\xff\xfe</ssp_address><ssp_binding>0x00</ssp_binding>"
	       "</project_specific>", SSP_ERR_PARSE, NULL);
}

/* Every prefix of a good document is rejected (or, past the root's end tag, accepted). */
static void test_prefs_truncated(void)
{
	char *doc = prefs_doc(0, NULL, NULL);
	size_t len = strlen(doc), end = (size_t)(strstr(doc, "</project_preferences>") - doc) +
					   strlen("</project_preferences>");
	int bad = 0;

	for (size_t n = 0; n < len; n++) {
		uint8_t addr[20], sig[65];
		ssp_errmsg em = { { 0 } };
		int rc = ssp_binding_from_prefs(doc, n, addr, sig, &em);

		if (n >= end)
			bad |= rc != 0;
		else if (n == 0)
			bad |= rc != SSP_ERR_NOT_FOUND;
		else
			bad |= rc != SSP_ERR_PARSE || em.msg[0] == '\0';
	}
	CU_ASSERT_FALSE(bad);
	free(doc);
}

/* Library code never prints: libxml2's error reporting must stay silent. */
static void test_prefs_silent(void)
{
	static const char *const noisy[] = {
		"<a><b></a>", "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;&f;</a>", "\x01\x02\x03",
		"<a>\xff\xfe</a>", "<?xml version=\"1.0\" encoding=\"bogus\"?><a/>",
	};
	char path[4096];
	int saved = dup(2), fd;
	off_t size;
	uint8_t addr[20], sig[65];

	snprintf(path, sizeof path, "%s/stderr.txt", ssp_cu_tmpdir());
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	CU_ASSERT_TRUE_FATAL(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	for (size_t i = 0; i < sizeof noisy / sizeof noisy[0]; i++)
		CU_ASSERT_NOT_EQUAL(ssp_binding_from_prefs(noisy[i], strlen(noisy[i]), addr, sig, NULL), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	CU_ASSERT_EQUAL(size, 0);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "EIP-191 hash = cast hash-message", test_eip191_hash },
		{ "EIP-191 sign = cast wallet sign, recover", test_eip191_sign_recover },
		{ "binding text byte for byte", test_binding_text },
		{ "binding text literal (docs/formats.md)", test_binding_text_literal },
		{ "binding sign = cast, verify", test_binding_sign_cast },
		{ "verify: other user/url/address/sig", test_binding_verify_wrong },
		{ "master_url rules", test_binding_url_rules },
		{ "snippet format and round trip", test_snippet },
		{ "prefs: good documents", test_prefs_good },
		{ "prefs: good variants", test_prefs_good_variants },
		{ "prefs: missing binding", test_prefs_missing },
		{ "prefs: malformed", test_prefs_malformed },
		{ "prefs: bad address or signature", test_prefs_bad_values },
		{ "prefs: DTD and entities refused", test_prefs_dtd },
		{ "prefs: 64 KiB cap", test_prefs_size_cap },
		{ "prefs: binary", test_prefs_binary },
		{ "prefs: truncated", test_prefs_truncated },
		{ "prefs: nothing printed", test_prefs_silent },
		CU_TEST_INFO_NULL,
	};

	load();
	return ssp_cu_run("binding", tests);
}
