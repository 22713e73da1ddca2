/* Suite for lib/ssp_projcfg: the project's config.xml and the upload-tree path. */
#include "config.h"

#include "ssp_cu.h"
#include "boinc/ssp_projcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char typical[] =
	"<?xml version=\"1.0\"?>\n"
	"<boinc>\n"
	"  <config>\n"
	"    <master_url>https://example.org/ssp/</master_url>\n"
	"    <db_name>ssp_boinc</db_name>\n"
	"    <db_host>db.example.org:3307</db_host>\n"
	"    <db_user>boincadm</db_user>\n"
	"    <db_passwd> s&amp;cret </db_passwd>\n"
	"    <upload_dir>/home/boincadm/projects/ssp/upload</upload_dir>\n"
	"    <uldl_dir_fanout>1024</uldl_dir_fanout>\n"
	"    <shmem_key>0x1111abcd</shmem_key>\n"
	"  </config>\n"
	"  <daemons>\n"
	"    <daemon><cmd>feeder -d 3</cmd></daemon>\n"
	"    <daemon><cmd>ssp_validator --app ssp -d 2</cmd></daemon>\n"
	"  </daemons>\n"
	"  <tasks><task><cmd>db_dump</cmd><period>24 hours</period></task></tasks>\n"
	"</boinc>\n";

static ssp_projcfg *parse(const char *xml, const char *base, int *rc, ssp_errmsg *em)
{
	ssp_projcfg *c = (ssp_projcfg *)1;

	*rc = ssp_projcfg_parse(xml, strlen(xml), base, &c, em);
	if (*rc)
		CU_ASSERT_PTR_NULL(c);
	return c;
}

static void test_typical(void)
{
	ssp_errmsg em = { { 0 } };
	int rc;
	ssp_projcfg *c = parse(typical, "/ignored", &rc, &em);

	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(c->master_url, "https://example.org/ssp/");
	CU_ASSERT_STRING_EQUAL(c->db_name, "ssp_boinc");
	CU_ASSERT_STRING_EQUAL(c->db_host, "db.example.org");
	CU_ASSERT_EQUAL(c->db_port, 3307);
	CU_ASSERT_PTR_NULL(c->db_socket);
	CU_ASSERT_STRING_EQUAL(c->db_user, "boincadm");
	CU_ASSERT_STRING_EQUAL(c->db_passwd, "s&cret"); /* entity decoded, spaces trimmed */
	CU_ASSERT_STRING_EQUAL(c->upload_dir, "/home/boincadm/projects/ssp/upload");
	CU_ASSERT_EQUAL(c->uldl_dir_fanout, 1024);
	ssp_projcfg_free(c);
}

static void test_defaults_and_socket(void)
{
	int rc;
	ssp_projcfg *c = parse("<boinc><config><db_name>b</db_name><upload_dir>upload</upload_dir>"
			       "<master_url>http://h/p/</master_url>"
			       "<db_host>/run/private/mysqld.sock</db_host></config></boinc>",
			       "/srv/proj", &rc, NULL);

	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NULL(c->db_host);
	CU_ASSERT_STRING_EQUAL(c->db_socket, "/run/private/mysqld.sock");
	CU_ASSERT_EQUAL(c->db_port, 0);
	CU_ASSERT_PTR_NULL(c->db_user);
	CU_ASSERT_PTR_NULL(c->db_passwd);
	CU_ASSERT_EQUAL(c->uldl_dir_fanout, 0);
	CU_ASSERT_STRING_EQUAL(c->upload_dir, "/srv/proj/upload"); /* relative: against base */
	ssp_projcfg_free(c);

	/* a later element overrides an earlier one, as BOINC reads them */
	c = parse("<boinc><config><db_name>a</db_name><db_name>b</db_name><upload_dir>/u</upload_dir>"
		  "<master_url>http://h/p/</master_url><db_host>localhost</db_host></config></boinc>",
		  NULL, &rc, NULL);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(c->db_name, "b");
	CU_ASSERT_STRING_EQUAL(c->db_host, "localhost");
	CU_ASSERT_EQUAL(c->db_port, 0);
	ssp_projcfg_free(c);
}

static void test_missing_fields(void)
{
	ssp_errmsg em = { { 0 } };
	int rc;

	parse("<boinc><config><upload_dir>/u</upload_dir><master_url>u/</master_url></config></boinc>",
	      NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "db_name"));
	parse("<boinc><config><db_name>b</db_name><master_url>u/</master_url></config></boinc>",
	      NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "upload_dir"));
	parse("<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
	      "<master_url>  </master_url></config></boinc>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "master_url"));
	parse("<boinc><daemons/></boinc>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_CONFIG);
	parse("<config><db_name>b</db_name></config>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "<boinc>"));
}

static void test_bad_values(void)
{
	static const char *const bad_fanout[] = { "-1", "abc", "1024x", "", "65537",
						  "99999999999999999999" };
	ssp_errmsg em = { { 0 } };
	char xml[512];
	int rc;

	for (size_t i = 0; i < sizeof(bad_fanout) / sizeof(bad_fanout[0]); i++) {
		snprintf(xml, sizeof(xml),
			 "<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
			 "<master_url>u/</master_url><uldl_dir_fanout>%s</uldl_dir_fanout></config></boinc>",
			 bad_fanout[i]);
		parse(xml, NULL, &rc, &em);
		CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "uldl_dir_fanout"));
	}
	parse("<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
	      "<master_url>u/</master_url><db_host>h:0</db_host></config></boinc>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	parse("<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
	      "<master_url>u/</master_url><db_host>h:99999</db_host></config></boinc>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "db_host"));
}

static void test_garbage(void)
{
	static const char binary[] = "\x00\x01\xff\xfe<boinc>\x00";
	ssp_errmsg em = { { 0 } };
	ssp_projcfg *c = (ssp_projcfg *)1;
	size_t cut;
	int rc;

	CU_ASSERT_EQUAL(ssp_projcfg_parse("", 0, NULL, &c, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(ssp_projcfg_parse(binary, sizeof(binary), NULL, &c, &em), SSP_ERR_PARSE);
	parse("<boinc><config><db_name>b</db_name>", NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "well-formed"));
	/* every truncation of a valid file fails cleanly */
	for (cut = 0; cut < strlen(typical) - 10; cut += 7) {
		rc = ssp_projcfg_parse(typical, cut, NULL, &c, NULL);
		CU_ASSERT_NOT_EQUAL(rc, 0);
		CU_ASSERT_PTR_NULL(c);
	}
}

static void test_caps(void)
{
	size_t big = SSP_PROJCFG_MAX_BYTES + 1;
	char *buf = malloc(big + 1), *field;
	ssp_errmsg em = { { 0 } };
	ssp_projcfg *c = NULL;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, ' ', big);
	buf[big] = '\0';
	CU_ASSERT_EQUAL(ssp_projcfg_parse(buf, big, NULL, &c, &em), SSP_ERR_TOO_BIG);
	free(buf);

	field = malloc(SSP_PROJCFG_MAX_FIELD + 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(field);
	strcpy(field, "<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
		      "<master_url>u/</master_url><db_passwd>");
	memset(field + strlen(field), 'p', SSP_PROJCFG_MAX_FIELD + 1);
	field[strlen("<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
		     "<master_url>u/</master_url><db_passwd>") + SSP_PROJCFG_MAX_FIELD + 1] = '\0';
	strcat(field, "</db_passwd></config></boinc>");
	parse(field, NULL, &rc, &em);
	CU_ASSERT_EQUAL(rc, SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "db_passwd"));
	free(field);
}

static void test_no_external_entities(void)
{
	const char *dir = ssp_cu_tmpdir();
	char secret[512], xml[1024];
	FILE *f;
	int rc;
	ssp_projcfg *c;

	snprintf(secret, sizeof(secret), "%s/secret.txt", dir);
	f = fopen(secret, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("TOPSECRET", f);
	fclose(f);
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?><!DOCTYPE boinc [<!ENTITY x SYSTEM \"file://%s\">]>"
		 "<boinc><config><db_name>b</db_name><upload_dir>/u</upload_dir>"
		 "<master_url>u/</master_url><db_passwd>a&x;b</db_passwd></config></boinc>", secret);
	c = parse(xml, NULL, &rc, NULL);
	if (rc == 0) {
		CU_ASSERT_PTR_NULL(c->db_passwd ? strstr(c->db_passwd, "TOPSECRET") : NULL);
		ssp_projcfg_free(c);
	}
}

static void test_load_file(void)
{
	const char *dir = ssp_cu_tmpdir();
	char path[512];
	ssp_projcfg *c = NULL;
	ssp_errmsg em = { { 0 } };
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.xml", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("<boinc><config><db_name>b</db_name><upload_dir>up</upload_dir>"
	      "<master_url>http://x/</master_url></config></boinc>", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(ssp_projcfg_load(path, &c, &em), 0);
	snprintf(path, sizeof(path), "%s/up", dir);
	CU_ASSERT_STRING_EQUAL(c->upload_dir, path);
	ssp_projcfg_free(c);
	snprintf(path, sizeof(path), "%s/none.xml", dir);
	CU_ASSERT_EQUAL(ssp_projcfg_load(path, &c, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "none.xml"));
	ssp_projcfg_free(NULL);
}

static void test_upload_path_vectors(void)
{
	size_t len = 0;
	char *data = ssp_cu_slurp("upload_path_vectors.txt", &len), *line, *save = NULL;
	int checked = 0;

	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[512], dir[32], want[1024], got[1024];
		int fanout;

		if (line[0] == '#')
			continue;
		CU_ASSERT_EQUAL_FATAL(sscanf(line, "%d %511s %31s", &fanout, name, dir), 3);
		snprintf(want, sizeof(want), "/up/%s/%s", dir, name);
		CU_ASSERT_EQUAL(ssp_upload_path("/up", fanout, name, got, sizeof(got)), 0);
		CU_ASSERT_STRING_EQUAL(got, want);
		checked++;
	}
	CU_ASSERT_EQUAL(checked, 35);
	free(data);
}

static void test_upload_path_edges(void)
{
	char out[64];

	CU_ASSERT_EQUAL(ssp_upload_path("/up", 0, "f_0", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/up/f_0");
	CU_ASSERT_EQUAL(ssp_upload_path("/up", 1024, "", out, sizeof(out)), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_upload_path("/up", 1024, "../etc/passwd", out, sizeof(out)), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_upload_path("/up", 1024, "..", out, sizeof(out)), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_upload_path("/up", -1, "f", out, sizeof(out)), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_upload_path("/up", 1024, "a_very_long_name_that_does_not_fit_in_the_buffer",
					out, 20), SSP_ERR_TOO_BIG);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "typical config.xml", test_typical },
		{ "defaults, socket, relative upload_dir", test_defaults_and_socket },
		{ "missing fields", test_missing_fields },
		{ "bad values", test_bad_values },
		{ "garbage and truncation", test_garbage },
		{ "size caps", test_caps },
		{ "no external entities", test_no_external_entities },
		{ "load from file", test_load_file },
		{ "upload path vectors (python hashlib)", test_upload_path_vectors },
		{ "upload path edge cases", test_upload_path_edges },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("projcfg", tests));
}
