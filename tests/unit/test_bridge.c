/* Suite for the pure parts of lib/ssp_bridge*: gwei amounts, the 12.5 % fee bump, gas
 * headroom, ssp.conf loading, and the revert-error table. (The bridge against a real node:
 * tests/integration/4*-bridge-*.sh.) */
#include "eth/ssp_abi.h"
#include "bridge/ssp_bridge.h"
#include "bridge/ssp_bridge_int.h"
#include "ssp_cu.h"
#include "ledger/ssp_ledger.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_gwei(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *wei;
	} cases[] = {
		{ "50", 0, "50000000000" },
		{ "0", 0, "0" },
		{ "0.5", 0, "500000000" },
		{ "1.000000001", 0, "1000000001" },
		{ "2.25", 0, "2250000000" },
		{ "0.000000001", 0, "1" },
		{ "1.0000000001", SSP_ERR_PARSE, NULL },
		{ "", SSP_ERR_PARSE, NULL },
		{ ".5", SSP_ERR_PARSE, NULL },
		{ "5.", SSP_ERR_PARSE, NULL },
		{ "-1", SSP_ERR_PARSE, NULL },
		{ "1e9", SSP_ERR_PARSE, NULL },
		{ "1.5x", SSP_ERR_PARSE, NULL },
		{ " 1", SSP_ERR_PARSE, NULL },
		{ "0x10", SSP_ERR_PARSE, NULL },
		{ "115792089237316195423570985008687907853269984665640564039457584007913129639935", SSP_ERR_RANGE, NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ssp_u256 w;
		char dec[SSP_U256_DEC_MAX];
		int rc = ssp_bridge_parse_gwei(cases[i].text, &w);

		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (rc != cases[i].rc)
			fprintf(stderr, "gwei case %zu (%s): rc %d\n", i, cases[i].text, rc);
		if (rc == 0 && cases[i].wei)
			CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&w, dec), cases[i].wei);
	}
	CU_ASSERT_EQUAL(ssp_bridge_parse_gwei(NULL, NULL), SSP_ERR_PARSE);
}

static void test_bump(void)
{
	static const struct {
		uint64_t in, out;
	} cases[] = {
		{ 0, 0 }, { 1, 2 }, { 7, 8 }, { 8, 9 }, { 9, 11 }, { 16, 18 },
		{ 1000000000, 1125000000 }, { 1000000001, 1125000002 },
	};
	ssp_u256 v, r, max;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ssp_u256_from_u64(&v, cases[i].in);
		ssp_bridge_bump(&v, &r);
		CU_ASSERT_EQUAL(r.w[0], cases[i].out);
		CU_ASSERT_EQUAL(r.w[1], 0);
	}
	/* Past 2^64 the carry propagates; at the top it saturates. */
	ssp_u256_from_u64(&v, UINT64_MAX);
	ssp_bridge_bump(&v, &r);
	CU_ASSERT_EQUAL(r.w[1], 1);
	memset(&max, 0xff, sizeof max);
	ssp_bridge_bump(&max, &r);
	CU_ASSERT_EQUAL(ssp_u256_cmp(&r, &max), 0);
}

static void test_headroom(void)
{
	CU_ASSERT_EQUAL(ssp_bridge_headroom(100000, 25), 125000);
	CU_ASSERT_EQUAL(ssp_bridge_headroom(100001, 25), 125001);
	CU_ASSERT_EQUAL(ssp_bridge_headroom(21000, 0), 21000);
	CU_ASSERT_EQUAL(ssp_bridge_headroom(UINT64_MAX, 25), UINT64_MAX);
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", ssp_cu_tmpdir(), name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	return path;
}

static void test_cfg(void)
{
	ssp_bridge_cfg c;
	ssp_errmsg em = { { 0 } };
	char conf[2048], vks[600];
	uint8_t want[32];
	const char *path, *ks;
	char dec[SSP_U256_DEC_MAX];

	ks = write_file("validator.json", "{\"address\":\"70997970c51812dc3a010c7d01b50e0d17dc79c8\","
					  "\"version\":3}");
	snprintf(vks, sizeof vks, "%s", ks);
	snprintf(conf, sizeof conf,
		 "[project]\nmaster_url = https://boinc.example.org/ssp/\nledger = /tmp/l.sqlite\n"
		 "[chain]\nrpc_url = http://127.0.0.1:8545\nchain_id = 31337\n"
		 "minter = 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\n"
		 "[validator]\nkeystore = %s\n"
		 "[bridge]\nkeystore = /k.json\npassword_file = /p\nconfirmations = 5\n"
		 "max_fee_per_gas_gwei = 30.5\nmax_priority_fee_per_gas_gwei = 1.5\n"
		 "gas_headroom_percent = 40\nrpc_timeout = 2.5\npoll_interval = 0.25\n", vks);
	path = write_file("ok.conf", conf);
	CU_ASSERT_EQUAL_FATAL(ssp_bridge_cfg_load(path, &c, &em), 0);
	CU_ASSERT_STRING_EQUAL(c.rpc_url, "http://127.0.0.1:8545");
	CU_ASSERT_EQUAL(c.chain_id, 31337);
	CU_ASSERT_EQUAL(c.minter[0], 0xe7);
	CU_ASSERT_EQUAL(c.confirmations, 5);
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&c.max_fee_cap, dec), "30500000000");
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&c.max_tip_cap, dec), "1500000000");
	CU_ASSERT_EQUAL(c.gas_headroom_percent, 40);
	CU_ASSERT_EQUAL(c.rpc_timeout_ms, 2500);
	CU_ASSERT_DOUBLE_EQUAL(c.poll_interval, 0.25, 1e-9);
	CU_ASSERT_TRUE(c.has_validator_signer);
	CU_ASSERT_EQUAL(c.validator_signer[0], 0x70);
	CU_ASSERT_STRING_EQUAL(c.keystore, "/k.json");
	/* project = keccak256(master_url) */
	ssp_keccak256("https://boinc.example.org/ssp/", 30, want);
	CU_ASSERT_EQUAL(memcmp(c.project, want, 32), 0);

	/* Defaults; a missing key; a bad address; a bad amount. */
	path = write_file("min.conf",
			  "[project]\nmaster_url = https://b.example/p/\nledger = l\n[chain]\nrpc_url = http://x/\n"
			  "chain_id = 1\nminter = 0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\n"
			  "[bridge]\nkeystore = k\npassword_file = p\n");
	CU_ASSERT_EQUAL_FATAL(ssp_bridge_cfg_load(path, &c, &em), 0);
	CU_ASSERT_EQUAL(c.confirmations, 3);
	CU_ASSERT_EQUAL(c.gas_headroom_percent, 25);
	CU_ASSERT_STRING_EQUAL(ssp_u256_to_dec(&c.max_fee_cap, dec), "100000000000");
	CU_ASSERT_FALSE(c.has_validator_signer);
	path = write_file("nominter.conf",
			  "[project]\nmaster_url = https://b.example/p/\nledger = l\n[chain]\nrpc_url = http://x/\n"
			  "chain_id = 1\n[bridge]\nkeystore = k\npassword_file = p\n");
	CU_ASSERT_EQUAL(ssp_bridge_cfg_load(path, &c, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "minter"));
	path = write_file("badaddr.conf",
			  "[project]\nmaster_url = https://b.example/p/\nledger = l\n[chain]\nrpc_url = http://x/\n"
			  "chain_id = 1\nminter = 0xE7f1725e7734ce288f8367e1bb143e90bb3f0512\n"
			  "[bridge]\nkeystore = k\npassword_file = p\n");
	CU_ASSERT_EQUAL(ssp_bridge_cfg_load(path, &c, &em), SSP_ERR_CONFIG);
	path = write_file("badfee.conf",
			  "[project]\nmaster_url = https://b.example/p/\nledger = l\n[chain]\nrpc_url = http://x/\n"
			  "chain_id = 1\nminter = 0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\n"
			  "[bridge]\nkeystore = k\npassword_file = p\nmax_fee_per_gas_gwei = lots\n");
	CU_ASSERT_EQUAL(ssp_bridge_cfg_load(path, &c, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "max_fee_per_gas_gwei"));
	path = write_file("nochain.conf",
			  "[project]\nmaster_url = https://b.example/p/\nledger = l\n[chain]\nrpc_url = http://x/\n"
			  "minter = 0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\n"
			  "[bridge]\nkeystore = k\npassword_file = p\n");
	CU_ASSERT_EQUAL(ssp_bridge_cfg_load(path, &c, &em), SSP_ERR_CONFIG);
	CU_ASSERT_NOT_EQUAL(ssp_bridge_cfg_load("/nonexistent/ssp.conf", &c, &em), 0);
}

/* Every signature in the table is well formed and its selector unique; a SeqGap revert
 * built by hand decodes to its name and arguments. */
static void test_error_table(void)
{
	uint8_t sel[64][4], data[4 + 96];
	char out[256];

	CU_ASSERT_TRUE_FATAL(ssp_bridge_nerror_sigs >= 30 && ssp_bridge_nerror_sigs <= 64);
	for (size_t i = 0; i < ssp_bridge_nerror_sigs; i++) {
		const char *s = ssp_bridge_error_sigs[i];

		CU_ASSERT_PTR_NOT_NULL(strchr(s, '('));
		CU_ASSERT_EQUAL(s[strlen(s) - 1], ')');
		CU_ASSERT_PTR_NULL(strchr(s, ' '));
		ssp_abi_selector(s, sel[i]);
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(memcmp(sel[i], sel[j], 4), 0);
	}
	memset(data, 0, sizeof data);
	ssp_abi_selector("SeqGap(bytes32,uint64,uint64)", data);
	memset(data + 4, 0xab, 32);
	data[4 + 63] = 3;
	data[4 + 95] = 7;
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, sizeof data, ssp_bridge_error_sigs,
						ssp_bridge_nerror_sigs, out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "SeqGap(0xabababababababababababababababababababababababababababababababab, 3, 7)");
	ssp_abi_selector("EnforcedPause()", data);
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, 4, ssp_bridge_error_sigs, ssp_bridge_nerror_sigs,
						out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "EnforcedPause()");
}

/* Which decoded reverts fail a batch for good, and which wait (docs/bridge.md). Every error
 * of the table is classified on purpose: the final ones are listed here a second time. */
static void test_revert_classes(void)
{
	static const char *const final[] = {
		"InsufficientSignatures", "InvalidSignatureLength", "SignatureHighS", "InvalidSignature",
		"NotSigner", "SignersNotAscending", "SeqGap", "SeqReplayed", "InvalidSeqRange",
		"PayoutsHashMismatch", "PayoutsNotSorted", "TotalCreditMismatch",
		"BatchCreditTooLarge", "MiningCapExceeded", "ERC20ExceededCap", "InvalidPayout",
		"ERC20InvalidReceiver", "ECDSAInvalidSignature", "ECDSAInvalidSignatureLength",
		"ECDSAInvalidSignatureS",
	};
	size_t nfinal = 0;

	for (size_t i = 0; i < ssp_bridge_nerror_sigs; i++) {
		const char *sig = ssp_bridge_error_sigs[i];
		size_t len = strcspn(sig, "(");
		int want = 0;

		for (size_t j = 0; j < sizeof final / sizeof final[0]; j++)
			want |= strlen(final[j]) == len && strncmp(final[j], sig, len) == 0;
		nfinal += want;
		CU_ASSERT_EQUAL(ssp_bridge_revert_is_final(sig), want);
	}
	CU_ASSERT_EQUAL(nfinal, sizeof final / sizeof final[0]);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final("EnforcedPause()"), 0);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final("AccessControlUnauthorizedAccount(0x01, 0x02)"), 0);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final("execution reverted"), 0);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final("0xdeadbeef"), 0);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final(""), 0);
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final(NULL), 0);
	/* A prefix of a final name is not that name. */
	CU_ASSERT_EQUAL(ssp_bridge_revert_is_final("NotSignerX()"), 0);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_NET), 1);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_TIMEOUT), 1);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_BUSY), 1);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_MISMATCH), 0);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_CONFIG), 0);
	CU_ASSERT_EQUAL(ssp_bridge_error_is_transient(SSP_ERR_SCHEMA), 0);
}

/* The deployment record refuses to overwrite and names missing build outputs; nothing is
 * created when the build outputs are missing. */
static void test_record_refusals(void)
{
	ssp_deploy_params p;
	ssp_deploy_result r;
	ssp_errmsg em = { { 0 } };
	char dir[512], cdir[512];
	struct stat st;

	memset(&p, 0, sizeof p);
	memset(&r, 0, sizeof r);
	snprintf(cdir, sizeof cdir, "%s/no-build", ssp_cu_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(cdir, 0755), 0);
	p.contracts_dir = cdir;
	snprintf(dir, sizeof dir, "%s/record", ssp_cu_tmpdir());
	CU_ASSERT_EQUAL(ssp_deploy_record_write(dir, &p, &r, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "combined.json"));
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);
	write_file("no-build/combined.json", "{\"version\":\"0.8.30+x\",\"settings\":{}}");
	CU_ASSERT_EQUAL(mkdir(dir, 0755), 0);
	memset(&em, 0, sizeof em);
	CU_ASSERT_EQUAL(ssp_deploy_record_write(dir, &p, &r, &em), SSP_ERR_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "never overwritten"));
	CU_ASSERT_EQUAL(ssp_deploy_record_write(NULL, &p, &r, &em), SSP_ERR_INVAL);
	ssp_deploy_result_clear(&r);
	ssp_deploy_result_clear(NULL);
}

/* ssp_bridge_status with no node: the ledger's part, and the node named in problems. */
static void test_status_without_node(void)
{
	ssp_bridge_cfg cfg;
	ssp_errmsg em = { { 0 } };
	json_t *doc = NULL, *pr;
	size_t i;
	int found = 0;

	ssp_bridge_cfg_defaults(&cfg);
	snprintf(cfg.ledger, sizeof cfg.ledger, "%s/status.sqlite", ssp_cu_tmpdir());
	snprintf(cfg.master_url, sizeof cfg.master_url, "https://boinc.example.org/ssp/");
	ssp_project_id(cfg.master_url, cfg.project);
	/* Port 9 on loopback (discard): nothing listens there in a test environment. */
	snprintf(cfg.rpc_url, sizeof cfg.rpc_url, "http://127.0.0.1:9/");
	snprintf(cfg.keystore, sizeof cfg.keystore, "%s/no-such-keystore.json", ssp_cu_tmpdir());
	cfg.chain_id = 31337;
	cfg.rpc_timeout_ms = 1000;
	/* No ledger yet: an error, and none is created. */
	CU_ASSERT_EQUAL(ssp_bridge_status(&cfg, &doc, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT_NOT_EQUAL(access(cfg.ledger, F_OK), 0);
	{
		ssp_ledger *l = NULL;

		CU_ASSERT_EQUAL_FATAL(ssp_ledger_open(cfg.ledger, &l), 0);
		ssp_ledger_close(l);
	}
	CU_ASSERT_EQUAL_FATAL(ssp_bridge_status(&cfg, &doc, &em), 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(doc, "ledger"), "claims")), 0);
	CU_ASSERT_TRUE(json_is_false(json_object_get(json_object_get(doc, "chain"), "reachable")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(doc, "project"), "id")),
			       "0x4d7d6cde29eb150bd35363a6fd1e193b3026bba577124f0f39d85a1cf66a7317");
	json_array_foreach(json_object_get(doc, "problems"), i, pr)
		found |= strstr(json_string_value(pr), "does not answer") != NULL;
	CU_ASSERT_TRUE(found);
	json_decref(doc);
	/* A file that is not a ledger is an error, not a problem line. */
	snprintf(cfg.ledger, sizeof cfg.ledger, "%s", write_file("not-a-ledger", "hello, this is not SQLite\n"));
	CU_ASSERT_NOT_EQUAL(ssp_bridge_status(&cfg, &doc, &em), 0);
	CU_ASSERT_PTR_NULL(doc);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "gwei amounts", test_gwei },
		{ "12.5% fee bump", test_bump },
		{ "gas headroom", test_headroom },
		{ "ssp.conf loading", test_cfg },
		{ "revert-error table", test_error_table },
		{ "final and retryable reverts", test_revert_classes },
		{ "deployment record refusals", test_record_refusals },
		{ "status without a node", test_status_without_node },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("bridge", tests);
}
