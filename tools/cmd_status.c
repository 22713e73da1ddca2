/* ssp status: the ledger, the batches, the bridge account and the chain, for an admin or a
 * monitoring system (human text or --json). */
#include "config.h"
#include "bridge/ssp_bridge.h"
#include "ssp_cmd.h"
#include "core/ssp_log.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char status_help[] =
	"Usage: ssp status [--conf FILE] [--json]\n\n"
	"Shows the state of the project's ledger (credits, claims, batches by state, FAILED\n"
	"batches with their reasons), the chain (node, head, the minter's nextSeq, paused,\n"
	"total minted, whether the validator's key is a signer) and the bridge account\n"
	"(balance, an estimate of the mints it pays for, nonces), then the problems found.\n"
	"No password is needed; nothing is changed.\n\n"
	"  --conf FILE   ssp.conf (default ssp.conf)\n"
	"  --json        one JSON object (the members are described in docs/operations.md)\n"
	"  -h, --help    this help\n\n"
	"Exit status: 0 no problem, 1 problems listed (FAILED batches, node unreachable or on\n"
	"another chain, minting paused, low balance, ...), 2 usage or configuration error.\n";

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "?";
}

/* "N s ago" style age, or "-" for null. */
static const char *age(json_t *o, const char *k, char buf[48])
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, 48, "%" JSON_INTEGER_FORMAT " s", json_integer_value(v));
	return buf;
}

static void print_human(json_t *doc)
{
	json_t *p = json_object_get(doc, "project"), *l = json_object_get(doc, "ledger");
	json_t *c = json_object_get(doc, "chain"), *b = json_object_get(doc, "bridge");
	json_t *bs = json_object_get(l, "batches"), *v;
	char a1[48], a2[48];
	size_t i;

	printf("project   %s (%s)\n", str(p, "master_url"), str(p, "id"));
	printf("ledger    %s, schema %" JSON_INTEGER_FORMAT "\n", str(l, "path"), num(l, "schema_version"));
	printf("credits   %" JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT " micro-cobblestones); "
	       "unclaimed %" JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT ")\n",
	       num(l, "credits"), num(l, "credit_total"), num(l, "credits_unclaimed"),
	       num(l, "credit_unclaimed"));
	printf("claims    %" JSON_INTEGER_FORMAT ", last seq %" JSON_INTEGER_FORMAT "; unbatched %"
	       JSON_INTEGER_FORMAT " (oldest %s)\n", num(l, "claims"), num(l, "last_seq"),
	       num(l, "claims_unbatched"), age(l, "oldest_unbatched_age", a1));
	printf("batches   SEALED %" JSON_INTEGER_FORMAT ", SUBMITTED %" JSON_INTEGER_FORMAT
	       ", MINTED %" JSON_INTEGER_FORMAT ", FINAL %" JSON_INTEGER_FORMAT ", FAILED %"
	       JSON_INTEGER_FORMAT "; oldest not final %s; final up to seq %" JSON_INTEGER_FORMAT
	       " (%" JSON_INTEGER_FORMAT " micro-cobblestones)\n",
	       num(bs, "SEALED"), num(bs, "SUBMITTED"), num(bs, "MINTED"), num(bs, "FINAL"),
	       num(bs, "FAILED"), age(l, "oldest_pending_batch_age", a2), num(l, "last_final_seq"),
	       num(l, "credit_final"));
	json_array_foreach(json_object_get(l, "failed"), i, v)
		printf("failed    batch %" JSON_INTEGER_FORMAT " (seq %" JSON_INTEGER_FORMAT "..%"
		       JSON_INTEGER_FORMAT "): %s\n", num(v, "id"), num(v, "first_seq"),
		       num(v, "last_seq"), str(v, "reason"));
	printf("chain     %s: ", str(c, "rpc_url"));
	if (!json_is_true(json_object_get(c, "reachable")))
		printf("unreachable\n");
	else
		printf("chain id %" JSON_INTEGER_FORMAT ", head %" JSON_INTEGER_FORMAT " (%s old)\n",
		       num(c, "chain_id"), num(c, "head"), age(c, "head_age", a1));
	printf("minter    %s: nextSeq %s, paused %s, total minted %s wei\n", str(c, "minter"),
	       json_is_integer(json_object_get(c, "next_seq")) ?
		       (snprintf(a2, sizeof a2, "%" JSON_INTEGER_FORMAT, num(c, "next_seq")), a2) : "?",
	       json_is_boolean(json_object_get(c, "paused")) ?
		       (json_is_true(json_object_get(c, "paused")) ? "yes" : "no") : "?",
	       str(c, "total_minted"));
	if (json_object_get(c, "validator_signer") != NULL)
		printf("signer    %s: %s\n", str(c, "validator_signer"),
		       !json_is_boolean(json_object_get(c, "validator_signer_in_set")) ? "?" :
		       json_is_true(json_object_get(c, "validator_signer_in_set")) ?
		       "in the minter's signer set" : "NOT in the minter's signer set");
	printf("bridge    %s: balance %s wei, about %s mints; nonce %s\n", str(b, "address"),
	       str(b, "balance_wei"),
	       json_is_integer(json_object_get(b, "mints_affordable_estimate")) ?
		       (snprintf(a1, sizeof a1, "%" JSON_INTEGER_FORMAT, num(b, "mints_affordable_estimate")), a1) : "?",
	       json_is_integer(json_object_get(b, "nonce_latest")) ?
		       (snprintf(a2, sizeof a2, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT " pending",
				 num(b, "nonce_latest"), num(b, "nonce_pending")), a2) : "?");
	if (json_array_size(json_object_get(doc, "problems")) == 0)
		printf("problems  none\n");
	json_array_foreach(json_object_get(doc, "problems"), i, v)
		printf("problem   %s\n", json_string_value(v));
}

int ssp_cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = "ssp.conf";
	ssp_bridge_cfg cfg;
	ssp_errmsg em = { { 0 } };
	json_t *doc = NULL;
	int c, rc, as_json = 0, status;

	ssp_log_set_ident("ssp status");
	ssp_log_set_level(SSP_LOG_CRITICAL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'j': as_json = 1; break;
		case 'h': fputs(status_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("status", "status: bad option");
		}
	}
	if (optind < argc)
		return ssp_cmd_usage_error("status", "status: unexpected argument");
	if ((rc = ssp_bridge_cfg_load(conf, &cfg, &em)) != 0)
		return ssp_cmd_fail(conf, rc, em.msg);
	if ((rc = ssp_bridge_status(&cfg, &doc, &em)) != 0)
		return ssp_cmd_fail("status", rc, em.msg);
	if (as_json) {
		char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);

		if (text == NULL) {
			json_decref(doc);
			return ssp_cmd_fail("status", SSP_ERR_NOMEM, NULL);
		}
		printf("%s\n", text);
		free(text);
	} else {
		print_human(doc);
	}
	status = json_array_size(json_object_get(doc, "problems")) ? SSP_EXIT_FALSE : SSP_EXIT_OK;
	json_decref(doc);
	return status;
}
