/* Suite for lib/core/ssp_cfg: the one table of ssp.conf settings. The table's own entries are
 * checked for consistency; every type is fed good and bad values; docs/ssp.conf.example (the
 * committed file) loads and gives the table's example values. */
#include "core/ssp_cfg.h"
#include "core/ssp_err.h"
#include "ssp_cu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ssp_cfg *parse(const char *text, int want_rc, const char *needle)
{
	ssp_cfg *c = NULL;
	ssp_errmsg em = { { 0 } };
	int rc = ssp_cfg_parse(text, strlen(text), "t.conf", &c, &em);

	CU_ASSERT_EQUAL(rc, want_rc);
	if (rc != want_rc)
		fprintf(stderr, "\n  %s -> %d (%s)\n", text, rc, em.msg);
	if (needle && strstr(em.msg, needle) == NULL) {
		fprintf(stderr, "\n  '%s' not in '%s'\n", needle, em.msg);
		CU_FAIL("message");
	}
	return c;
}

static void test_table(void)
{
	ssp_cfg *c = NULL;
	ssp_cfg_id id;

	/* every default fits its own type and range (ssp_cfg_defaults checks them) */
	CU_ASSERT_EQUAL_FATAL(ssp_cfg_defaults(&c), 0);
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		const ssp_cfg_def *d = ssp_cfg_def_of((ssp_cfg_id)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT(d->section && d->key && d->doc && d->example && d->users);
		CU_ASSERT(strlen(d->doc) > 10);
		/* section.key finds this very entry: no key is declared twice */
		CU_ASSERT_EQUAL(ssp_cfg_find(d->section, d->key, &id), 0);
		CU_ASSERT_EQUAL((int)id, i);
		CU_ASSERT_FALSE(ssp_cfg_is_set(c, (ssp_cfg_id)i));
		if (d->def) {
			CU_ASSERT_STRING_EQUAL(ssp_cfg_str(c, (ssp_cfg_id)i), d->def);
		} else {
			CU_ASSERT_PTR_NULL(ssp_cfg_str(c, (ssp_cfg_id)i));
		}
	}
	CU_ASSERT_PTR_NULL(ssp_cfg_def_of(SSP_CFG_COUNT));
	CU_ASSERT_EQUAL(ssp_cfg_find("bridge", "rpc_url", &id), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_cfg_find(NULL, "x", &id), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_cfg_u64(c, SSP_CFG_VALIDATOR_BATCH_SIZE), 256);
	CU_ASSERT_EQUAL(ssp_cfg_u64(c, SSP_CFG_VALIDATOR_BATCH_WINDOW), 600);
	CU_ASSERT_EQUAL(ssp_cfg_u64(c, SSP_CFG_BRIDGE_CONFIRMATIONS), 3);
	CU_ASSERT_DOUBLE_EQUAL(ssp_cfg_double(c, SSP_CFG_BRIDGE_RPC_TIMEOUT), 10.0, 1e-9);
	ssp_cfg_free(c);
	ssp_cfg_free(NULL);
}

static void test_types(void)
{
	ssp_cfg *c;

	c = parse("[validator]\nbatch_size = 1000\n[bridge]\nrpc_timeout = 0.5\nmax_fee_per_gas_gwei = 1.5\n"
		  "[chain]\nminter = 0x5FbDB2315678afecb367f032d93F642f64180aa3\nrpc_url = https://n.example/x\n",
		  0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(ssp_cfg_u64(c, SSP_CFG_VALIDATOR_BATCH_SIZE), 1000);
	CU_ASSERT(ssp_cfg_is_set(c, SSP_CFG_VALIDATOR_BATCH_SIZE));
	CU_ASSERT_FALSE(ssp_cfg_is_set(c, SSP_CFG_VALIDATOR_BATCH_WINDOW));
	CU_ASSERT_EQUAL(ssp_cfg_u64(c, SSP_CFG_VALIDATOR_BATCH_WINDOW), 600);
	CU_ASSERT_DOUBLE_EQUAL(ssp_cfg_double(c, SSP_CFG_BRIDGE_RPC_TIMEOUT), 0.5, 1e-12);
	CU_ASSERT_STRING_EQUAL(ssp_cfg_str(c, SSP_CFG_BRIDGE_MAX_FEE_PER_GAS_GWEI), "1.5");
	CU_ASSERT_STRING_EQUAL(ssp_cfg_str(c, SSP_CFG_CHAIN_RPC_URL), "https://n.example/x");
	ssp_cfg_free(c);

	/* each type refuses what is not of it, naming file, line, key and value */
	CU_ASSERT_PTR_NULL(parse("[validator]\nbatch_size = 0\n", SSP_ERR_CONFIG, "t.conf:2: [validator] batch_size = 0: must be 1..1000000"));
	CU_ASSERT_PTR_NULL(parse("[validator]\nbatch_size = 1000001\n", SSP_ERR_CONFIG, "must be 1..1000000"));
	CU_ASSERT_PTR_NULL(parse("[validator]\nbatch_size = -1\n", SSP_ERR_CONFIG, "not a valid integer"));
	CU_ASSERT_PTR_NULL(parse("[chain]\nchain_id = 0x1\n", SSP_ERR_CONFIG, "not a valid integer"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nrpc_timeout = nan\n", SSP_ERR_CONFIG, "not a valid number"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nrpc_timeout = 0.01\n", SSP_ERR_CONFIG, "must be 0.1..3600"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nmax_fee_per_gas_gwei = 1.0000000001\n", SSP_ERR_CONFIG, "gwei amount"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nmax_fee_per_gas_gwei = .5\n", SSP_ERR_CONFIG, "gwei amount"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nmax_fee_per_gas_gwei = 5.\n", SSP_ERR_CONFIG, "gwei amount"));
	CU_ASSERT_PTR_NULL(parse("[chain]\nminter = 0x5FbDB2315678afecb367f032d93F642f64180aa\n", SSP_ERR_CONFIG, "an address"));
	CU_ASSERT_PTR_NULL(parse("[chain]\nminter = 5FbDB2315678afecb367f032d93F642f64180aa3xx\n", SSP_ERR_CONFIG, "an address"));
	CU_ASSERT_PTR_NULL(parse("[chain]\nrpc_url = ftp://x/\n", SSP_ERR_CONFIG, "http:// or https://"));
	CU_ASSERT_PTR_NULL(parse("[chain]\nrpc_url = http://\n", SSP_ERR_CONFIG, "http:// or https://"));
	/* unknown keys and sections are refused, not ignored */
	CU_ASSERT_PTR_NULL(parse("[chain]\nrpc_ur = http://x/\n", SSP_ERR_CONFIG, "t.conf:2: unknown key [chain] rpc_ur"));
	CU_ASSERT_PTR_NULL(parse("[bridge]\nrpc_url = http://x/\n", SSP_ERR_CONFIG, "unknown key [bridge] rpc_url"));
	CU_ASSERT_PTR_NULL(parse("top = 1\n", SSP_ERR_CONFIG, "unknown key top"));
	/* the INI layer's errors pass through */
	CU_ASSERT_PTR_NULL(parse("[chain]\nchain_id = 1\nchain_id = 2\n", SSP_ERR_PARSE, NULL));
}

static void test_require_and_print(void)
{
	ssp_errmsg em = { { 0 } };
	ssp_cfg *c = parse("[chain]\nchain_id = 5\n", 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(ssp_cfg_require(c, SSP_CFG_CHAIN_CHAIN_ID, &em), 0);
	CU_ASSERT_EQUAL(ssp_cfg_require(c, SSP_CFG_VALIDATOR_BATCH_SIZE, &em), 0); /* default */
	CU_ASSERT_EQUAL(ssp_cfg_require(c, SSP_CFG_CHAIN_MINTER, &em), SSP_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "t.conf: [chain] minter is required"));
	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(ssp_cfg_print(c, f), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[chain]\n; rpc_url = (not set)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "chain_id = 5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "batch_size = 256 ; default\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "; minter = (not set)\n"));
	free(buf);
	ssp_cfg_free(c);
}

/* The committed example loads, sets every key, and shows each key's example value. */
static void test_example(void)
{
	char path[4096];
	const char *src = getenv("SSP_SRCDIR");
	ssp_errmsg em = { { 0 } };
	ssp_cfg *c = NULL;

	snprintf(path, sizeof(path), "%s/docs/ssp.conf.example", src ? src : ".");
	CU_ASSERT_EQUAL_FATAL(ssp_cfg_load(path, &c, &em), 0);
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		CU_ASSERT(ssp_cfg_is_set(c, (ssp_cfg_id)i));
		CU_ASSERT_STRING_EQUAL(ssp_cfg_str(c, (ssp_cfg_id)i), ssp_cfg_def_of((ssp_cfg_id)i)->example);
	}
	ssp_cfg_free(c);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "table: unique keys, defaults of their type", test_table },
		{ "types, ranges, unknown keys", test_types },
		{ "required keys, effective settings", test_require_and_print },
		{ "docs/ssp.conf.example", test_example },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("cfg", tests);
}
