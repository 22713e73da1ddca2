/* Suite for lib/crypto/ssp_binding_delay: when a replacement payout binding takes effect.
 * The bindings are signed with ssp_binding_sign (checked against foundry's cast in
 * test_binding) for two fixed keys; the rule is docs/web.md's (48 h default delay, first
 * binding at once). */
#include "crypto/ssp_binding_delay.h"
#include "crypto/ssp_binding.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "ssp_cu.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define URL "https://boinc.example.org/ssp/"
#define UID 41

static uint8_t key_a[32], key_b[32], addr_a[20], addr_b[20];
static char a_text[SSP_ADDR_STRLEN], b_text[SSP_ADDR_STRLEN];
static char sig_a[140], sig_a_other_user[140], sig_b[140];

static void setup(void)
{
	uint8_t s[65];

	memset(key_a, 0x11, 32);
	memset(key_b, 0x22, 32);
	if (ssp_key_address(key_a, addr_a) || ssp_key_address(key_b, addr_b))
		return;
	ssp_address_format(addr_a, a_text);
	ssp_address_format(addr_b, b_text);
	if (ssp_binding_sign(key_a, URL, UID, s) == 0)
		ssp_hex_encode(s, 65, sig_a, 1);
	if (ssp_binding_sign(key_a, URL, UID + 1, s) == 0)
		ssp_hex_encode(s, 65, sig_a_other_user, 1);
	if (ssp_binding_sign(key_b, URL, UID, s) == 0)
		ssp_hex_encode(s, 65, sig_b, 1);
}

/* prefs with B bound; extra is pasted inside <project_specific>. */
static int check(const char *extra, int64_t now, uint64_t delay, int *wait, int64_t *until)
{
	char prefs[2048];
	ssp_errmsg em = { { 0 } };

	snprintf(prefs, sizeof prefs,
		 "<project_preferences>\n<resource_share>100</resource_share>\n<project_specific>\n"
		 "<ssp_address>%s</ssp_address>\n<ssp_binding>%s</ssp_binding>\n%s\n"
		 "</project_specific>\n</project_preferences>\n", b_text, sig_b, extra);
	return ssp_binding_delay_check(prefs, strlen(prefs), URL, UID, addr_b, now, delay, wait,
				       until, &em);
}

static void test_first_binding(void)
{
	int wait = -1;
	int64_t until = -1;

	CU_ASSERT_EQUAL(check("", 1000, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
	CU_ASSERT_EQUAL(check("<ssp_bound_at>999</ssp_bound_at>", 1000, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
}

static void test_replacement_waits(void)
{
	char extra[512];
	int wait = -1;
	int64_t until = 0;

	snprintf(extra, sizeof extra, "<ssp_bound_at>1000</ssp_bound_at><ssp_prev_address>%s"
		 "</ssp_prev_address><ssp_prev_binding>%s</ssp_prev_binding>", a_text, sig_a);
	CU_ASSERT_EQUAL(check(extra, 1000, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 1);
	CU_ASSERT_EQUAL(until, 1000 + 172800);
	CU_ASSERT_EQUAL(check(extra, 1000 + 172799, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 1);
	CU_ASSERT_EQUAL(check(extra, 1000 + 172800, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
	CU_ASSERT_EQUAL(check(extra, 1000, 0, &wait, &until), 0); /* no delay configured */
	CU_ASSERT_EQUAL(wait, 0);
	/* lower-case address text is accepted as well */
	snprintf(extra, sizeof extra, "<ssp_bound_at> 5000 </ssp_bound_at><ssp_prev_binding>%s"
		 "</ssp_prev_binding><ssp_prev_address>0x", sig_a);
	for (int i = 0; i < 20; i++)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%02x", addr_a[i]);
	strncat(extra, "</ssp_prev_address>", sizeof extra - strlen(extra) - 1);
	CU_ASSERT_EQUAL(check(extra, 6000, 100, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
	CU_ASSERT_EQUAL(check(extra, 5099, 100, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 1);
	CU_ASSERT_EQUAL(until, 5100);
}

static void test_no_time_waits_indefinitely(void)
{
	char extra[512];
	int wait = -1;
	int64_t until = 0;

	snprintf(extra, sizeof extra, "<ssp_prev_address>%s</ssp_prev_address><ssp_prev_binding>%s"
		 "</ssp_prev_binding>", a_text, sig_a);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 1);
	CU_ASSERT_EQUAL(until, INT64_MAX);
	/* a time so large the sum overflows waits as well */
	snprintf(extra, sizeof extra, "<ssp_bound_at>9223372036854775807</ssp_bound_at><ssp_prev_address>%s"
		 "</ssp_prev_address><ssp_prev_binding>%s</ssp_prev_binding>", a_text, sig_a);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 1);
	CU_ASSERT_EQUAL(until, INT64_MAX);
}

static void test_not_a_replacement(void)
{
	char extra[512];
	int wait = -1;
	int64_t until = 0;

	/* the same address again */
	snprintf(extra, sizeof extra, "<ssp_bound_at>1000</ssp_bound_at><ssp_prev_address>%s"
		 "</ssp_prev_address><ssp_prev_binding>%s</ssp_prev_binding>", b_text, sig_b);
	CU_ASSERT_EQUAL(check(extra, 1000, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
	/* the previous binding was another user's: it never was valid here */
	snprintf(extra, sizeof extra, "<ssp_bound_at>1000</ssp_bound_at><ssp_prev_address>%s"
		 "</ssp_prev_address><ssp_prev_binding>%s</ssp_prev_binding>", a_text, sig_a_other_user);
	CU_ASSERT_EQUAL(check(extra, 1000, 172800, &wait, &until), 0);
	CU_ASSERT_EQUAL(wait, 0);
}

static void test_venue_ignored(void)
{
	char prefs[2048];
	int wait = -1;
	int64_t until = 0;

	snprintf(prefs, sizeof prefs,
		 "<project_preferences><project_specific><ssp_address>%s</ssp_address><ssp_binding>%s"
		 "</ssp_binding></project_specific><venue name=\"home\"><project_specific>"
		 "<ssp_bound_at>1000</ssp_bound_at><ssp_prev_address>%s</ssp_prev_address>"
		 "<ssp_prev_binding>%s</ssp_prev_binding></project_specific></venue>"
		 "</project_preferences>", b_text, sig_b, a_text, sig_a);
	CU_ASSERT_EQUAL(ssp_binding_delay_check(prefs, strlen(prefs), URL, UID, addr_b, 1000, 100,
						&wait, &until, NULL), 0);
	CU_ASSERT_EQUAL(wait, 0);
}

static void test_malformed(void)
{
	char extra[512];
	int wait, rc;
	int64_t until;

	snprintf(extra, sizeof extra, "<ssp_prev_address>%s</ssp_prev_address>", a_text);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), SSP_ERR_PARSE);
	snprintf(extra, sizeof extra, "<ssp_prev_binding>%s</ssp_prev_binding>", sig_a);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), SSP_ERR_PARSE);
	snprintf(extra, sizeof extra, "<ssp_prev_address>0x12</ssp_prev_address><ssp_prev_binding>%s"
		 "</ssp_prev_binding>", sig_a);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), SSP_ERR_PARSE);
	snprintf(extra, sizeof extra, "<ssp_prev_address>%s</ssp_prev_address><ssp_prev_binding>0x1234"
		 "</ssp_prev_binding>", a_text);
	CU_ASSERT_EQUAL(check(extra, 1000, 10, &wait, &until), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(check("<ssp_bound_at>-5</ssp_bound_at>", 1000, 10, &wait, &until), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(check("<ssp_bound_at>12x</ssp_bound_at>", 1000, 10, &wait, &until), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(check("<ssp_bound_at>99999999999999999999999</ssp_bound_at>", 1000, 10, &wait,
			      &until), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(check("<ssp_bound_at>1</ssp_bound_at><ssp_bound_at>2</ssp_bound_at>", 1000, 10,
			      &wait, &until), SSP_ERR_PARSE);
	rc = ssp_binding_delay_check("<project_preferences><project_specific>", 39, URL, UID, addr_b,
				     1000, 10, &wait, &until, NULL);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	rc = ssp_binding_delay_check("<!DOCTYPE x [<!ENTITY e \"1\">]><project_specific/>", 49, URL,
				     UID, addr_b, 1000, 10, &wait, &until, NULL);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	rc = ssp_binding_delay_check("x", SSP_BINDING_PREFS_MAX + 1, URL, UID, addr_b, 1000, 10,
				     &wait, &until, NULL);
	CU_ASSERT_EQUAL(rc, SSP_ERR_TOO_BIG);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "first binding: at once", test_first_binding },
		{ "replacement waits its delay", test_replacement_waits },
		{ "replacement without a time waits", test_no_time_waits_indefinitely },
		{ "same address, never-valid previous: at once", test_not_a_replacement },
		{ "venues ignored", test_venue_ignored },
		{ "malformed records refused", test_malformed },
		CU_TEST_INFO_NULL,
	};

	setup();
	return ssp_cu_run("binding_delay", tests);
}
