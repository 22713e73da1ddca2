/* The audit report: kind names, text and JSON forms. */
#include "export/ssp_audit.h"
#include "export/ssp_export_int.h"
#include "core/ssp_hex.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *help;
} kinds[SSP_AK_COUNT] = {
	[SSP_AK_EXPORT_FILE] = { "export_file", "a file differs from the manifest or is corrupt" },
	[SSP_AK_EXPORT_CHAIN] = { "export_chain", "the export is for another chain or minter" },
	[SSP_AK_CLAIM_MALFORMED] = { "claim_malformed", "a claims line does not parse" },
	[SSP_AK_CLAIM_PROJECT] = { "claim_project", "a claim of another project" },
	[SSP_AK_SEQ_GAP] = { "seq_gap", "claims are missing: a seq was skipped (dropped claim)" },
	[SSP_AK_SEQ_DUPLICATE] = { "seq_duplicate", "a seq appears again or out of order" },
	[SSP_AK_RESULT_TWICE] = { "result_claimed_twice", "one BOINC result is claimed twice" },
	[SSP_AK_CLAIM_BATCH] = { "claim_batch_mismatch", "a claim names another batch than the one covering it" },
	[SSP_AK_CLAIM_SIG_INVALID] = { "claim_signature_invalid", "a claim signature recovers to no address" },
	[SSP_AK_CLAIM_SIGNER] = { "claim_signer_not_accepted",
				  "a claim signature recovers to a non-signer: the claim was edited or the signature forged" },
	[SSP_AK_BATCH_MALFORMED] = { "batch_malformed", "a batches line does not parse" },
	[SSP_AK_BATCH_ORDER] = { "batch_order", "batches overlap, go backwards or leave a gap" },
	[SSP_AK_BATCH_INCOMPLETE] = { "batch_incomplete", "claims of a batch are not in the export" },
	[SSP_AK_CLAIMS_ROOT] = { "claims_root_mismatch", "a batch's claims do not hash to its claimsRoot" },
	[SSP_AK_PAYOUTS] = { "payouts_mismatch", "the exported payouts are not the batch's claims summed" },
	[SSP_AK_PAYOUTS_HASH] = { "payouts_hash_mismatch",
				  "the signed payoutsHash is not the hash of the claims' payouts" },
	[SSP_AK_TOTAL_CREDIT] = { "total_credit_mismatch", "a batch's totalCredit is not its claims' credit" },
	[SSP_AK_BATCH_SIG_INVALID] = { "batch_signature_invalid",
				       "a batch signature does not recover to the signer it names" },
	[SSP_AK_BATCH_SIGNER] = { "batch_signer_not_accepted", "a batch is signed by a non-signer" },
	[SSP_AK_BATCH_THRESHOLD] = { "batch_below_threshold",
				     "a minted batch has fewer accepted signatures than the threshold" },
	[SSP_AK_BATCH_NOT_MINTED] = { "batch_not_on_chain", "a batch exported as minted has no BatchMinted event" },
	[SSP_AK_BATCH_TX] = { "batch_tx_mismatch", "the exported mint transaction is not the event's" },
	[SSP_AK_MINT_WITHOUT_BATCH] = { "mint_without_batch", "a BatchMinted event no exported batch explains" },
	[SSP_AK_MINT_MISMATCH] = { "mint_mismatch", "a BatchMinted event differs from its exported batch" },
	[SSP_AK_MINT_AMOUNT] = { "mint_amount_mismatch", "a mint's amount is not totalCredit x rate" },
	[SSP_AK_SEQ_MINTED_TWICE] = { "seq_minted_twice", "two BatchMinted events cover the same seq" },
	[SSP_AK_TOTAL_MINTED] = { "total_minted_mismatch",
				  "the minter's totalMinted() is not the sum of its BatchMinted amounts" },
	[SSP_AK_STATS_EXCEEDED] = { "credit_above_boinc_total",
				    "a user's claimed credit exceeds the total_credit BOINC publishes" },
	[SSP_AK_STATS_MISSING] = { "user_missing_from_stats",
				   "(no longer raised: users BOINC's stats leave out are counted apart)" },
	[SSP_AK_RECEIPT_MALFORMED] = { "receipt_malformed",
				       "an archived receipt (or its line) does not parse or is out of order" },
	[SSP_AK_RECEIPT_MISMATCH] = { "receipt_mismatch",
				      "an archived receipt does not hash to its claim's resultDigest (or is another result's)" },
};

const char *ssp_audit_kind_name(int kind)
{
	return kind >= 0 && kind < SSP_AK_COUNT ? kinds[kind].name : "?";
}

const char *ssp_audit_kind_help(int kind)
{
	return kind >= 0 && kind < SSP_AK_COUNT ? kinds[kind].help : "?";
}

void ssp_audit_report_free(ssp_audit_report *r)
{
	if (r == NULL)
		return;
	free(r->issues);
	free(r->batch_rows);
	free(r->user_rows);
	free(r->day_rows);
	free(r);
}

/* micro-cobblestones as "cobblestones.micro". */
static const char *credit_s(uint64_t micro, char buf[32])
{
	snprintf(buf, 32, "%llu.%06llu", (unsigned long long)(micro / 1000000),
		 (unsigned long long)(micro % 1000000));
	return buf;
}

const char *ssp_audit_ssp_string(const ssp_u256 *wei, char buf[SSP_U256_DEC_MAX + 4])
{
	char dec[SSP_U256_DEC_MAX];
	size_t n, ip;

	ssp_u256_to_dec(wei, dec);
	n = strlen(dec);
	if (n <= 18) {
		snprintf(buf, SSP_U256_DEC_MAX + 4, "0.%0*d%s", (int)(18 - n), 0, dec);
		if (n == 18)
			snprintf(buf, SSP_U256_DEC_MAX + 4, "0.%s", dec);
	} else {
		ip = n - 18;
		snprintf(buf, SSP_U256_DEC_MAX + 4, "%.*s.%s", (int)ip, dec, dec + ip);
	}
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static int format_text(const ssp_audit_report *r, FILE *f)
{
	const ssp_export_manifest *m = &r->manifest;
	char h[67], a1[SSP_ADDR_STRLEN], c1[32], c2[32], c3[32], s1[SSP_U256_DEC_MAX + 4];

	fprintf(f, "project   %s\n          id %s\n", m->master_url, ssp_hex_encode(m->project, 32, h, 1));
	fprintf(f, "export    created %llu, chain %llu, minter %s\n", (unsigned long long)m->created_at,
		(unsigned long long)m->chain_id, ssp_address_format(m->minter, a1));
	if (r->only_batch > 0)
		fprintf(f, "scope     batch %lld and its claims only\n", (long long)r->only_batch);
	if (r->chain_checked)
		fprintf(f, "chain     blocks %llu..%llu: %llu BatchMinted events of the project (%llu of other projects)\n",
			(unsigned long long)r->from_block, (unsigned long long)r->to_block,
			(unsigned long long)r->mint_events, (unsigned long long)r->mint_events_other);
	else
		fprintf(f, "chain     not checked (offline)\n");
	fprintf(f, "claims    %llu: %llu in batches, %llu not yet; %s cobblestones claimed\n",
		(unsigned long long)r->claims, (unsigned long long)r->claims_batched,
		(unsigned long long)r->claims_unbatched, credit_s(r->credit_claimed, c1));
	if (r->claims_no_digest)
		fprintf(f, "          %llu claim%s without output digest (resultDigest zero: the outputs"
			" were deleted before the claim)\n", (unsigned long long)r->claims_no_digest,
			r->claims_no_digest == 1 ? "" : "s");
	fprintf(f, "batches   %llu: %llu minted%s, %llu pending, %llu failed; %s cobblestones batched, %s minted\n",
		(unsigned long long)r->batches, (unsigned long long)r->batches_minted,
		r->chain_checked ? "" : " (as the export says)", (unsigned long long)r->batches_pending, (unsigned long long)r->batches_failed,
		credit_s(r->credit_batched, c2), credit_s(r->credit_minted, c3));
	if (r->chain_checked)
		fprintf(f, "minted    %s SSP to the project's volunteers\n", ssp_audit_ssp_string(&r->amount_minted, s1));
	if (r->stats_checked) {
		fprintf(f, "stats     %llu users' claimed credit checked against BOINC's total_credit\n",
			(unsigned long long)(r->stats_users - r->stats_unlisted_users));
		if (r->stats_unlisted_users > 0)
			fprintf(f, "unlisted  %llu users (%llu claims, %s cobblestones) not in BOINC's stats, so not checked:\n"
				   "          %s\n",
				(unsigned long long)r->stats_unlisted_users,
				(unsigned long long)r->stats_unlisted_claims,
				credit_s(r->stats_unlisted_credit, c1), SSP_AUDIT_UNLISTED_REASON);
	}
	if (r->receipts_published)
		fprintf(f, "receipts  %llu claims' resultDigest re-derived from archived receipts, %llu claims without one\n",
			(unsigned long long)r->receipts_checked, (unsigned long long)r->receipts_missing);
	fprintf(f, "time      %.2f s\n", r->seconds);
	if (r->nissues == 0) {
		if (r->stats_checked && r->stats_unlisted_users > 0)
			fprintf(f, "result    CLEAN: no discrepancies in what could be checked (%s of %s cobblestones claimed not checkable against BOINC's stats)\n",
				credit_s(r->stats_unlisted_credit, c1), credit_s(r->credit_claimed, c2));
		else
			fprintf(f, "result    CLEAN: no discrepancies\n");
		return 0;
	}
	fprintf(f, "result    %llu DISCREPANC%s\n", (unsigned long long)r->nissues,
		r->nissues == 1 ? "Y" : "IES");
	for (int k = 0; k < SSP_AK_COUNT; k++)
		if (r->by_kind[k] > 0)
			fprintf(f, "  %-26s %8llu  %s\n", kinds[k].name, (unsigned long long)r->by_kind[k],
				kinds[k].help);
	fprintf(f, "\n");
	for (size_t i = 0; i < r->nkept; i++)
		fprintf(f, "%s: %s\n", ssp_audit_kind_name(r->issues[i].kind), r->issues[i].msg);
	if (r->nissues > r->nkept)
		fprintf(f, "… and %llu more (raise --max-issues to list them)\n",
			(unsigned long long)(r->nissues - r->nkept));
	return 0;
}

static int format_json(const ssp_audit_report *r, char **out)
{
	const ssp_export_manifest *m = &r->manifest;
	json_t *o = json_object(), *sum = json_object(), *counts = json_object(), *arr = json_array();
	char dec[SSP_U256_DEC_MAX];
	char *s;
	int bad = 0;

	ssp_exj_set(o, "clean", json_boolean(r->nissues == 0), &bad);
	ssp_exj_set(sum, "masterUrl", json_string(m->master_url), &bad);
	ssp_exj_set(sum, "project", ssp_exj_hex_new(m->project, 32), &bad);
	ssp_exj_set(sum, "chainId", ssp_exj_u64_new(m->chain_id), &bad);
	ssp_exj_set(sum, "minter", ssp_exj_addr_new(m->minter), &bad);
	ssp_exj_set(sum, "exportCreatedAt", ssp_exj_u64_new(m->created_at), &bad);
	ssp_exj_set(sum, "onlyBatch", r->only_batch > 0 ? json_integer(r->only_batch) : json_null(), &bad);
	ssp_exj_set(sum, "chainChecked", json_boolean(r->chain_checked), &bad);
	ssp_exj_set(sum, "fromBlock", r->chain_checked ? ssp_exj_u64_new(r->from_block) : json_null(), &bad);
	ssp_exj_set(sum, "toBlock", r->chain_checked ? ssp_exj_u64_new(r->to_block) : json_null(), &bad);
	ssp_exj_set(sum, "claims", ssp_exj_u64_new(r->claims), &bad);
	ssp_exj_set(sum, "claimsBatched", ssp_exj_u64_new(r->claims_batched), &bad);
	ssp_exj_set(sum, "claimsUnbatched", ssp_exj_u64_new(r->claims_unbatched), &bad);
	ssp_exj_set(sum, "claimsWithoutOutputDigest", ssp_exj_u64_new(r->claims_no_digest), &bad);
	ssp_exj_set(sum, "batches", ssp_exj_u64_new(r->batches), &bad);
	ssp_exj_set(sum, "batchesMinted", ssp_exj_u64_new(r->batches_minted), &bad);
	ssp_exj_set(sum, "batchesPending", ssp_exj_u64_new(r->batches_pending), &bad);
	ssp_exj_set(sum, "batchesFailed", ssp_exj_u64_new(r->batches_failed), &bad);
	ssp_exj_set(sum, "creditClaimed", json_integer((json_int_t)(r->credit_claimed & INT64_MAX)), &bad);
	ssp_exj_set(sum, "creditBatched", json_integer((json_int_t)(r->credit_batched & INT64_MAX)), &bad);
	ssp_exj_set(sum, "creditMinted", json_integer((json_int_t)(r->credit_minted & INT64_MAX)), &bad);
	ssp_exj_set(sum, "mintEvents", ssp_exj_u64_new(r->mint_events), &bad);
	ssp_exj_set(sum, "mintEventsOtherProjects", ssp_exj_u64_new(r->mint_events_other), &bad);
	ssp_exj_set(sum, "amountMintedWei", json_string(ssp_u256_to_dec(&r->amount_minted, dec)), &bad);
	ssp_exj_set(sum, "statsChecked", json_boolean(r->stats_checked), &bad);
	ssp_exj_set(sum, "statsUsers", ssp_exj_u64_new(r->stats_users), &bad);
	if (r->stats_checked) {
		json_t *u = json_object();

		ssp_exj_set(u, "users", ssp_exj_u64_new(r->stats_unlisted_users), &bad);
		ssp_exj_set(u, "claims", ssp_exj_u64_new(r->stats_unlisted_claims), &bad);
		ssp_exj_set(u, "credit", ssp_exj_u64_new(r->stats_unlisted_credit), &bad);
		ssp_exj_set(u, "reason", json_string(SSP_AUDIT_UNLISTED_REASON), &bad);
		ssp_exj_set(sum, "statsUnlisted", u, &bad);
	} else {
		ssp_exj_set(sum, "statsUnlisted", json_null(), &bad);
	}
	ssp_exj_set(sum, "receiptsPublished", json_boolean(r->receipts_published), &bad);
	ssp_exj_set(sum, "receiptsChecked", ssp_exj_u64_new(r->receipts_checked), &bad);
	ssp_exj_set(sum, "receiptsMissing", ssp_exj_u64_new(r->receipts_missing), &bad);
	ssp_exj_set(sum, "seconds", json_real(r->seconds), &bad);
	ssp_exj_set(o, "summary", sum, &bad);
	for (int k = 0; k < SSP_AK_COUNT; k++)
		if (r->by_kind[k] > 0)
			ssp_exj_set(counts, kinds[k].name, ssp_exj_u64_new(r->by_kind[k]), &bad);
	ssp_exj_set(o, "counts", counts, &bad);
	for (size_t i = 0; i < r->nkept && arr != NULL; i++) {
		const ssp_audit_issue *is = &r->issues[i];
		json_t *e = json_object();

		ssp_exj_set(e, "kind", json_string(ssp_audit_kind_name(is->kind)), &bad);
		ssp_exj_set(e, "batch", is->batch_id > 0 ? json_integer(is->batch_id) : json_null(), &bad);
		ssp_exj_set(e, "seq", is->seq > 0 ? ssp_exj_u64_new(is->seq) : json_null(), &bad);
		ssp_exj_set(e, "message", json_string(is->msg), &bad);
		if (e == NULL || json_array_append_new(arr, e) != 0)
			bad = 1;
	}
	ssp_exj_set(o, "discrepancies", arr, &bad);
	ssp_exj_set(o, "omitted", ssp_exj_u64_new(r->nissues - r->nkept), &bad);
	s = bad ? NULL : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (s == NULL)
		return SSP_ERR_NOMEM;
	*out = s;
	return 0;
}

int ssp_audit_report_format(const ssp_audit_report *r, int json, char **out)
{
	char *buf = NULL, *t;
	size_t len = 0;
	FILE *f;
	int rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (r == NULL)
		return SSP_ERR_INVAL;
	if (json) {
		rc = format_json(r, &t);
		if (rc != 0)
			return rc;
		buf = malloc(strlen(t) + 2);
		if (buf != NULL)
			snprintf(buf, strlen(t) + 2, "%s\n", t);
		free(t);
		if (buf == NULL)
			return SSP_ERR_NOMEM;
		*out = buf;
		return 0;
	}
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return SSP_ERR_NOMEM;
	rc = format_text(r, f);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return SSP_ERR_NOMEM;
	}
	*out = buf;
	return 0;
}
