/* Suite for lib/ssp_audit: synthetic exports signed with real keys (anvil's well-known test
 * accounts) and a synthetic chain; a clean export audits clean, and each kind of tampering is
 * caught and named. Event topics are checked against `cast sig-event`. */
#include "export/ssp_audit.h"
#include "ssp_cu.h"
#include "crypto/ssp_eip712.h"
#include "export/ssp_export.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keccak.h"
#include "boinc/ssp_stats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* anvil accounts 0, 1, 2 (`cast wallet address --private-key …`). */
static const char K1_HEX[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char A1_TXT[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char K2_HEX[] = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char A2_TXT[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
static const char K3_HEX[] = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
static const char A3_TXT[] = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
static const char URL[] = "https://boinc.example.org/ssp/";
static const char MINTER[] = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
#define RATE 1000000000000ULL /* wei per micro-cobblestone */
#define NUSERS 7

static uint8_t K1[32], K2[32], K3[32], A1[20], A2[20], A3[20];

struct fx {
	char dir[PATH_MAX];
	ssp_export_manifest m;
	ssp_domain domain;
	ssp_export_claim *claims;
	size_t nclaims;
	ssp_export_batch *batches;
	size_t nbatches;
	ssp_audit_chain *chain;
};

static void keys(void)
{
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(K1_HEX, K1, 32), 0);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(K2_HEX, K2, 32), 0);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(K3_HEX, K3, 32), 0);
	CU_ASSERT_EQUAL(ssp_address_parse(A1_TXT, A1), 0);
	CU_ASSERT_EQUAL(ssp_address_parse(A2_TXT, A2), 0);
	CU_ASSERT_EQUAL(ssp_address_parse(A3_TXT, A3), 0);
}

static void sign_claim(struct fx *f, ssp_export_claim *ec, const uint8_t sk[32])
{
	uint8_t d[32];

	ssp_eip712_claim_digest(&f->domain, &ec->claim, d);
	CU_ASSERT_EQUAL(ssp_sign(sk, d, ec->sig), 0);
}

static void sign_batch(struct fx *f, ssp_export_batch *b, const uint8_t *const *sks, size_t n)
{
	uint8_t d[32];

	ssp_eip712_batch_digest(&f->domain, &b->header, d);
	free(b->sigs);
	b->sigs = calloc(n ? n : 1, sizeof *b->sigs);
	b->nsigs = n;
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(ssp_sign(sks[i], d, b->sigs[i].sig), 0);
		CU_ASSERT_EQUAL(ssp_key_address(sks[i], b->sigs[i].signer), 0);
	}
	/* Sorted by signer, as the contract wants them. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && memcmp(b->sigs[k - 1].signer, b->sigs[k].signer, 20) > 0; k--) {
			ssp_export_sig t = b->sigs[k];

			b->sigs[k] = b->sigs[k - 1];
			b->sigs[k - 1] = t;
		}
}

static void add_ev(struct fx *f, int kind, uint64_t block, uint64_t li, const uint8_t *signer,
		   uint64_t value)
{
	ssp_chain_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.block_number = block;
	ev.log_index = li;
	if (signer != NULL)
		memcpy(ev.signer, signer, 20);
	ssp_u256_from_u64(&ev.value, value);
	CU_ASSERT_EQUAL(ssp_audit_chain_add(f->chain, &ev), 0);
}

static void add_mint(struct fx *f, const ssp_export_batch *b, uint64_t block)
{
	ssp_chain_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = SSP_EV_BATCH_MINTED;
	ev.block_number = block;
	memcpy(ev.project, b->header.project, 32);
	ev.first_seq = b->header.first_seq;
	ev.last_seq = b->header.last_seq;
	memcpy(ev.claims_root, b->header.claims_root, 32);
	ev.total_credit = b->header.total_credit;
	ssp_u256_from_u64(&ev.amount, RATE);
	CU_ASSERT_EQUAL(ssp_u256_mul_u64(&ev.amount, &ev.amount, ev.total_credit), 0);
	memcpy(ev.tx_hash, b->tx_hash, 32);
	CU_ASSERT_EQUAL(ssp_audit_chain_add(f->chain, &ev), 0);
	CU_ASSERT_EQUAL(ssp_u256_add(&f->chain->total_minted, &f->chain->total_minted, &ev.amount), 0);
}

/* Seals claims [first, first + n) of f into batch b (id), signed by K1. */
static void seal(struct fx *f, ssp_export_batch *b, int64_t id, size_t first, size_t n)
{
	ssp_claim *cs = calloc(n, sizeof *cs);
	const uint8_t *sk[1] = { K1 };

	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < n; i++) {
		cs[i] = f->claims[first + i].claim;
		f->claims[first + i].batch_id = id;
	}
	b->id = id;
	CU_ASSERT_EQUAL(ssp_batch_seal(cs, n, &b->header, &b->payouts, &b->npayouts), 0);
	free(cs);
	b->state = SSP_EXPORT_SEALED;
	b->sealed_at = 1700000000 + (uint64_t)id;
	sign_batch(f, b, sk, 1);
}

/* n claims of NUSERS users; batches of bs claims over the first nbatched; the first nminted
 * batches minted (block 10 + i), signer A1 threshold 1 rate RATE set at block 1. */
static void fx_build(struct fx *f, const char *name, size_t n, size_t bs, size_t nbatched,
		     size_t nminted)
{
	memset(f, 0, sizeof *f);
	keys();
	snprintf(f->dir, sizeof f->dir, "%s/%s", ssp_cu_tmpdir(), name);
	f->m.created_at = 1700001234;
	snprintf(f->m.master_url, sizeof f->m.master_url, "%s", URL);
	ssp_project_id(URL, f->m.project);
	f->m.chain_id = 31337;
	CU_ASSERT_EQUAL(ssp_address_parse(MINTER, f->m.minter), 0);
	f->m.has_rate = 1;
	ssp_u256_from_u64(&f->m.rate, RATE);
	f->domain.chain_id = f->m.chain_id;
	memcpy(f->domain.contract, f->m.minter, 20);
	f->claims = calloc(n + 8, sizeof *f->claims);
	f->nclaims = n;
	for (size_t i = 0; i < n; i++) {
		ssp_claim *c = &f->claims[i].claim;
		uint64_t seq = i + 1, user = 1 + seq % NUSERS;

		memcpy(c->project, f->m.project, 32);
		c->seq = seq;
		c->result_id = 50000 + seq;
		c->workunit_id = 9000 + seq / 2;
		c->user_id = user;
		c->host_id = 300 + user;
		memset(c->beneficiary, (int)(0x11 * user), 20);
		c->credit = 1000000 + seq * 13;
		memset(c->result_digest, (int)(seq & 0xff), 32);
		c->result_digest[0] = (uint8_t)(seq >> 8);
		c->granted_at = 1700000000 + seq;
		sign_claim(f, &f->claims[i], K1);
	}
	f->nbatches = nbatched / bs;
	f->batches = calloc(f->nbatches + 4, sizeof *f->batches);
	for (size_t b = 0; b < f->nbatches; b++)
		seal(f, &f->batches[b], (int64_t)b + 1, b * bs, bs);
	CU_ASSERT_EQUAL(ssp_audit_chain_new(31337, f->m.minter, &f->chain), 0);
	f->chain->from_block = 0;
	f->chain->to_block = 1000;
	f->chain->has_total_minted = 1;
	add_ev(f, SSP_EV_SIGNER_ADDED, 1, 0, A1, 0);
	add_ev(f, SSP_EV_THRESHOLD_CHANGED, 1, 1, NULL, 1);
	add_ev(f, SSP_EV_RATE_CHANGED, 1, 2, NULL, RATE);
	for (size_t b = 0; b < nminted && b < f->nbatches; b++) {
		ssp_export_batch *x = &f->batches[b];

		x->state = SSP_EXPORT_MINTED;
		x->has_tx = 1;
		memset(x->tx_hash, (int)(0xa0 + b), 32);
		x->block_number = 10 + b;
		memset(x->block_hash, (int)(0xb0 + b), 32);
		add_mint(f, x, 10 + b);
	}
}

static void fx_free(struct fx *f)
{
	for (size_t b = 0; b < f->nbatches; b++)
		ssp_export_batch_clear(&f->batches[b]);
	free(f->batches);
	free(f->claims);
	ssp_audit_chain_free(f->chain);
	memset(f, 0, sizeof *f);
}

/* Writes the files; with keep_manifest the manifest of the previous write stays (a tamperer
 * who cannot republish it), else a new one describes the files (one who can). */
static void fx_write(struct fx *f, int keep_manifest)
{
	char path[PATH_MAX + 64], *line = NULL, *mtext = NULL;
	ssp_ndjson_writer *w = NULL;
	ssp_export_manifest m = f->m;
	size_t len;
	FILE *mf;

	CU_ASSERT_EQUAL(ssp_export_path(ssp_cu_tmpdir(), "", path, sizeof path), 0);
	snprintf(path, sizeof path, "mkdir -p '%s'", f->dir);
	CU_ASSERT_EQUAL_FATAL(system(path), 0);
	snprintf(path, sizeof path, "%s/claims.ndjson.gz", f->dir);
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_open(path, 1, SSP_EXPORT_MAX_CLAIM_LINE, &w), 0);
	for (size_t i = 0; i < f->nclaims; i++) {
		CU_ASSERT_EQUAL_FATAL(ssp_export_claim_format(&f->claims[i], &line, &len), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, line, len), 0);
		free(line);
	}
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_close(w, m.claims.sha256, &m.claims.bytes, &m.claims.lines), 0);
	snprintf(path, sizeof path, "%s/batches.ndjson.gz", f->dir);
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_open(path, 1, SSP_EXPORT_MAX_BATCH_LINE, &w), 0);
	for (size_t i = 0; i < f->nbatches; i++) {
		CU_ASSERT_EQUAL_FATAL(ssp_export_batch_format(&f->batches[i], &line, &len), 0);
		CU_ASSERT_EQUAL(ssp_ndjson_write_line(w, line, len), 0);
		free(line);
	}
	CU_ASSERT_EQUAL_FATAL(ssp_ndjson_writer_close(w, m.batches.sha256, &m.batches.bytes, &m.batches.lines), 0);
	if (keep_manifest)
		return;
	m.nclaims = m.claims.lines;
	m.first_seq = 1;
	m.last_seq = m.claims.lines;
	m.nbatches = m.batches.lines;
	CU_ASSERT_EQUAL_FATAL(ssp_export_manifest_format(&m, &mtext), 0);
	snprintf(path, sizeof path, "%s/manifest.json", f->dir);
	mf = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mf);
	fputs(mtext, mf);
	fclose(mf);
	free(mtext);
}

static ssp_audit_report *fx_audit(struct fx *f, int online, const ssp_stats *stats, unsigned threads)
{
	ssp_audit_opts o;
	ssp_audit_report *r = NULL;
	ssp_errmsg em = { { 0 } };
	int rc;

	memset(&o, 0, sizeof o);
	o.export_dir = f->dir;
	if (online) {
		ssp_audit_chain_sort(f->chain);
		o.chain = f->chain;
	}
	o.stats = stats;
	o.threads = threads;
	rc = ssp_audit_run(&o, &r, &em);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "audit failed: %s\n", em.msg);
	return r;
}

/* Prints the report when a test is about to fail on it. */
static void show(const ssp_audit_report *r)
{
	char *t = NULL;

	if (r != NULL && ssp_audit_report_format(r, 0, &t) == 0)
		fprintf(stderr, "\n%s", t);
	free(t);
}

/* 1 when r has an issue of kind (and, if seq, about seq; if batch, about batch). */
static int has(const ssp_audit_report *r, int kind, uint64_t seq, int64_t batch)
{
	if (r == NULL || r->by_kind[kind] == 0)
		return 0;
	for (size_t i = 0; i < r->nkept; i++)
		if (r->issues[i].kind == kind && (seq == 0 || r->issues[i].seq == seq) &&
		    (batch == 0 || r->issues[i].batch_id == batch))
			return 1;
	return 0;
}

#define EXPECT(r, kind, seq, batch)                                                   \
	do {                                                                          \
		int ok_ = has(r, kind, seq, batch);                                   \
		CU_ASSERT_TRUE(ok_);                                                  \
		if (!ok_) {                                                           \
			fprintf(stderr, "expected %s\n", ssp_audit_kind_name(kind)); \
			show(r);                                                      \
		}                                                                     \
	} while (0)

#define EXPECT_CLEAN(r)                                \
	do {                                           \
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);       \
		CU_ASSERT_EQUAL((r)->nissues, 0);      \
		if ((r)->nissues != 0)                 \
			show(r);                       \
	} while (0)

/* ------------------------------------------------------------------ tests */

static void test_clean(void)
{
	struct fx f;
	ssp_audit_report *r;
	char *text = NULL;

	fx_build(&f, "clean", 100, 10, 90, 6);
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	EXPECT_CLEAN(r);
	CU_ASSERT_EQUAL(r->claims, 100);
	CU_ASSERT_EQUAL(r->claims_batched, 90);
	CU_ASSERT_EQUAL(r->claims_unbatched, 10);
	CU_ASSERT_EQUAL(r->batches, 9);
	CU_ASSERT_EQUAL(r->batches_minted, 6);
	CU_ASSERT_EQUAL(r->batches_pending, 3);
	CU_ASSERT_EQUAL(r->mint_events, 6);
	{
		uint64_t want = 0;
		ssp_u256 amount;

		for (size_t b = 0; b < 6; b++)
			want += f.batches[b].header.total_credit;
		CU_ASSERT_EQUAL(r->credit_minted, want);
		ssp_u256_from_u64(&amount, RATE);
		CU_ASSERT_EQUAL(ssp_u256_mul_u64(&amount, &amount, want), 0);
		CU_ASSERT_EQUAL(ssp_u256_cmp(&r->amount_minted, &amount), 0);
	}
	CU_ASSERT_EQUAL(ssp_audit_report_format(r, 0, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "CLEAN"));
	free(text);
	CU_ASSERT_EQUAL(ssp_audit_report_format(r, 1, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"clean\": true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"batchesMinted\": 6"));
	free(text);
	/* The HTML page: its parts, and nothing it would load. */
	CU_ASSERT_EQUAL(ssp_audit_report_html(r, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "default-src 'none'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<figure id=\"chart-credit\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<figure id=\"chart-minted\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<figure id=\"chart-users\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<tr id=\"batch-9\">"));
	CU_ASSERT_PTR_NULL(strstr(text, "<tr id=\"batch-10\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<tr id=\"user-7\">"));
	CU_ASSERT_PTR_NULL(strstr(text, "<script"));
	CU_ASSERT_PTR_NULL(strstr(text, "src="));
	CU_ASSERT_PTR_NULL(strstr(text, "url("));
	free(text);
	ssp_audit_report_free(r);
	/* Offline, one thread: clean too. */
	r = fx_audit(&f, 0, NULL, 1);
	EXPECT_CLEAN(r);
	CU_ASSERT_EQUAL(r->chain_checked, 0);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_edited_claim(void)
{
	struct fx f;
	ssp_audit_report *r;
	char *text = NULL;

	fx_build(&f, "edited", 60, 10, 60, 6);
	fx_write(&f, 0);
	/* Credit raised on seq 17 (batch 2) after signing, manifest republished. */
	f.claims[16].claim.credit += 5000000;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 17, 2);
	EXPECT(r, SSP_AK_CLAIMS_ROOT, 0, 2);
	EXPECT(r, SSP_AK_PAYOUTS, 0, 2);
	EXPECT(r, SSP_AK_PAYOUTS_HASH, 0, 2);
	EXPECT(r, SSP_AK_TOTAL_CREDIT, 0, 2);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIM_SIGNER], 1);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_EXPORT_FILE], 0);
	CU_ASSERT_EQUAL(ssp_audit_report_format(r, 0, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "claim seq 17 (result 50017)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "altered after signing"));
	free(text);
	CU_ASSERT_EQUAL(ssp_audit_report_format(r, 1, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"clean\": false"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"claim_signer_not_accepted\": 1"));
	free(text);
	/* In the HTML page the claim's discrepancy links to its batch's row, which links back. */
	CU_ASSERT_EQUAL(ssp_audit_report_html(r, &text), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<a href=\"#batch-2\">claim seq 17, batch 2</a>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<tr id=\"batch-2\" class=\"issue\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<a href=\"#d-0\">"));
	free(text);
	ssp_audit_report_free(r);

	/* The same edit without republishing the manifest: the file digest says so too. */
	f.claims[16].claim.credit -= 5000000;
	fx_write(&f, 0);
	f.claims[16].claim.credit += 1;
	fx_write(&f, 1);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_EXPORT_FILE, 0, 0);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 17, 2);
	ssp_audit_report_free(r);
	/* Offline the edit is still caught (the signer is not the batch's). */
	r = fx_audit(&f, 0, NULL, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 17, 2);
	EXPECT(r, SSP_AK_CLAIMS_ROOT, 0, 2);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_dropped_claim(void)
{
	struct fx f;
	ssp_audit_report *r;

	fx_build(&f, "dropped", 50, 10, 50, 5);
	fx_write(&f, 0);
	memmove(&f.claims[22], &f.claims[23], (f.nclaims - 23) * sizeof *f.claims);
	f.nclaims--;
	fx_write(&f, 1);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_SEQ_GAP, 23, 0);
	EXPECT(r, SSP_AK_BATCH_INCOMPLETE, 23, 3);
	EXPECT(r, SSP_AK_EXPORT_FILE, 0, 0);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIM_SIGNER], 0);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIMS_ROOT], 0);
	ssp_audit_report_free(r);
	/* Republished manifest: still a gap and an incomplete batch. */
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_SEQ_GAP, 23, 0);
	EXPECT(r, SSP_AK_BATCH_INCOMPLETE, 23, 3);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* The last claims dropped with the whole last batch's line kept: batch incomplete. */
	fx_build(&f, "dropped-tail", 30, 10, 30, 3);
	f.nclaims = 25;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_BATCH_INCOMPLETE, 26, 3);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_forged_signatures(void)
{
	struct fx f;
	ssp_audit_report *r;
	const uint8_t *k3[1] = { K3 };

	fx_build(&f, "forged", 40, 10, 40, 4);
	/* Claim 5 re-signed by a key that is not a signer: the claim itself is unchanged. */
	sign_claim(&f, &f.claims[4], K3);
	/* Claim 6's signature made unrecoverable. */
	memset(f.claims[5].sig, 0xff, 64);
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 5, 1);
	EXPECT(r, SSP_AK_CLAIM_SIG_INVALID, 6, 1);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIMS_ROOT], 0);
	CU_ASSERT_EQUAL(r->nissues, 2);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* Batch 2's signature by K3 but said to be by A1; batch 3 signed by K3 as itself. */
	fx_build(&f, "forged-batch", 40, 10, 40, 4);
	sign_batch(&f, &f.batches[1], k3, 1);
	memcpy(f.batches[1].sigs[0].signer, A1, 20);
	sign_batch(&f, &f.batches[2], k3, 1);
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_BATCH_SIG_INVALID, 0, 2);
	EXPECT(r, SSP_AK_BATCH_SIGNER, 0, 3);
	EXPECT(r, SSP_AK_BATCH_THRESHOLD, 0, 2);
	EXPECT(r, SSP_AK_BATCH_THRESHOLD, 0, 3);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_payouts_mismatch(void)
{
	struct fx f;
	ssp_audit_report *r;
	const uint8_t *k1[1] = { K1 };
	ssp_export_batch *b;

	/* A batch sealed and signed over payouts that pay user 1's beneficiary more than its
	 * claims, exported with those payouts, and minted (the signer set accepted it). */
	fx_build(&f, "payouts", 30, 10, 30, 0);
	b = &f.batches[1];
	b->payouts[0].credit += 777;
	b->header.total_credit += 777;
	CU_ASSERT_EQUAL(ssp_payouts_hash(b->payouts, b->npayouts, b->header.payouts_hash), 0);
	sign_batch(&f, b, k1, 1);
	for (size_t i = 0; i < 3; i++) {
		f.batches[i].state = SSP_EXPORT_MINTED;
		add_mint(&f, &f.batches[i], 20 + i);
	}
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_PAYOUTS, 0, 2);
	EXPECT(r, SSP_AK_PAYOUTS_HASH, 0, 2);
	EXPECT(r, SSP_AK_TOTAL_CREDIT, 0, 2);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIMS_ROOT], 0);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIM_SIGNER], 0);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_MINT_AMOUNT], 0);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* Only the exported list edited (the signed hash still matches the claims). */
	fx_build(&f, "payouts-list", 30, 10, 30, 3);
	f.batches[0].payouts[1].credit -= 1;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_PAYOUTS, 0, 1);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_PAYOUTS_HASH], 0);
	CU_ASSERT_EQUAL(r->nissues, 1);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_mints(void)
{
	struct fx f;
	ssp_audit_report *r;
	ssp_chain_event ev;

	/* A mint with no batch: beyond the export, and one over seqs already minted. */
	fx_build(&f, "mint-nobatch", 40, 10, 40, 4);
	memset(&ev, 0, sizeof ev);
	ev.kind = SSP_EV_BATCH_MINTED;
	ev.block_number = 50;
	memcpy(ev.project, f.m.project, 32);
	ev.first_seq = 41;
	ev.last_seq = 45;
	ev.total_credit = 5;
	ssp_u256_from_u64(&ev.amount, 5 * RATE);
	CU_ASSERT_EQUAL(ssp_audit_chain_add(f.chain, &ev), 0);
	ev.block_number = 51;
	ev.first_seq = 11;
	ev.last_seq = 20;
	ev.total_credit = 10;
	ssp_u256_from_u64(&ev.amount, 10 * RATE);
	CU_ASSERT_EQUAL(ssp_audit_chain_add(f.chain, &ev), 0);
	f.chain->total_minted.w[0] += 15 * RATE;
	/* Another project's mint is not this export's business (but counts in totalMinted). */
	ev.block_number = 52;
	memset(ev.project, 0x99, 32);
	CU_ASSERT_EQUAL(ssp_audit_chain_add(f.chain, &ev), 0);
	f.chain->total_minted.w[0] += 10 * RATE;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_MINT_WITHOUT_BATCH, 41, 0);
	EXPECT(r, SSP_AK_MINT_WITHOUT_BATCH, 11, 0);
	EXPECT(r, SSP_AK_SEQ_MINTED_TWICE, 11, 0);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_MINT_WITHOUT_BATCH], 2);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_TOTAL_MINTED], 0);
	CU_ASSERT_EQUAL(r->mint_events, 6);
	CU_ASSERT_EQUAL(r->mint_events_other, 1);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* Wrong amount, totalMinted off, an exported-minted batch without event, a wrong tx. */
	fx_build(&f, "mint-amount", 40, 10, 40, 3);
	f.chain->events[3].amount.w[0] += 1; /* first BatchMinted (after the 3 setup events) */
	f.batches[3].state = SSP_EXPORT_FINAL;
	f.batches[3].has_tx = 1;
	f.batches[3].block_number = 99;
	f.batches[2].tx_hash[0] ^= 1;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_MINT_AMOUNT, 1, 0);
	EXPECT(r, SSP_AK_TOTAL_MINTED, 0, 0);
	EXPECT(r, SSP_AK_BATCH_NOT_MINTED, 0, 4);
	EXPECT(r, SSP_AK_BATCH_TX, 0, 3);
	ssp_audit_report_free(r);
	/* A minted batch whose header differs from the event (claims root). */
	f.chain->events[3].amount.w[0] -= 1;
	f.batches[3].state = SSP_EXPORT_SEALED;
	f.batches[2].tx_hash[0] ^= 1;
	f.chain->events[4].claims_root[3] ^= 1;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_MINT_MISMATCH, 0, 2);
	CU_ASSERT_EQUAL(r->nissues, 1);
	ssp_audit_report_free(r);
	/* The export's chain is not the audited one. */
	f.chain->events[4].claims_root[3] ^= 1;
	f.chain->chain_id = 1;
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_EXPORT_CHAIN, 0, 0);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_signer_timeline(void)
{
	struct fx f;
	ssp_audit_report *r;
	const uint8_t *k12[2] = { K1, K2 };

	/* A1 removed (A2 added, threshold 1) at block 15: batches minted at blocks 10..13 are
	 * fine, batch 5 minted at block 16 and signed by A1 is not, nor are its claims. */
	fx_build(&f, "timeline", 50, 10, 50, 4);
	add_ev(&f, SSP_EV_SIGNER_ADDED, 15, 0, A2, 0);
	add_ev(&f, SSP_EV_SIGNER_REMOVED, 15, 1, A1, 0);
	f.batches[4].state = SSP_EXPORT_MINTED;
	add_mint(&f, &f.batches[4], 16);
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_BATCH_SIGNER, 0, 5);
	EXPECT(r, SSP_AK_BATCH_THRESHOLD, 0, 5);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 41, 5);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_CLAIM_SIGNER], 10);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_BATCH_SIGNER], 1);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* Threshold 2 after batch 2's mint: batches 3 and 4 need two signatures (batch 4 has them). */
	fx_build(&f, "threshold", 40, 10, 40, 0);
	add_ev(&f, SSP_EV_SIGNER_ADDED, 2, 0, A2, 0);
	add_ev(&f, SSP_EV_THRESHOLD_CHANGED, 11, 5, NULL, 2);
	sign_batch(&f, &f.batches[3], k12, 2);
	for (size_t i = 0; i < 4; i++) {
		f.batches[i].state = SSP_EXPORT_MINTED;
		add_mint(&f, &f.batches[i], 10 + i);
	}
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_BATCH_THRESHOLD, 0, 3);
	CU_ASSERT_EQUAL(r->nissues, 1);
	ssp_audit_report_free(r);
	/* Scanning from a later block: the state before it comes from eth_call. */
	fx_free(&f);
}

static void test_duplicates_and_order(void)
{
	struct fx f;
	ssp_audit_report *r;

	/* Seq 8 appears twice; result of seq 12 reused by seq 13 (re-signed). */
	fx_build(&f, "dups", 30, 10, 30, 3);
	memmove(&f.claims[8], &f.claims[7], (f.nclaims - 7) * sizeof *f.claims);
	f.nclaims++;
	f.claims[13].claim.result_id = f.claims[12].claim.result_id;
	sign_claim(&f, &f.claims[13], K1);
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_SEQ_DUPLICATE, 8, 0);
	EXPECT(r, SSP_AK_RESULT_TWICE, 8, 0);
	EXPECT(r, SSP_AK_RESULT_TWICE, 13, 0);
	ssp_audit_report_free(r);
	fx_free(&f);

	/* Claims naming the wrong batch, a claim of another project, a malformed line. */
	fx_build(&f, "batchids", 30, 10, 20, 2);
	f.claims[3].batch_id = 2;
	f.claims[25].batch_id = 7;
	fx_write(&f, 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_CLAIM_BATCH, 4, 2);
	EXPECT(r, SSP_AK_CLAIM_BATCH, 26, 7);
	CU_ASSERT_EQUAL(r->nissues, 2);
	ssp_audit_report_free(r);
	fx_free(&f);
}

static void test_garbage_files(void)
{
	struct fx f;
	ssp_audit_report *r;
	ssp_audit_opts o;
	ssp_errmsg em = { { 0 } };
	char cmd[3 * PATH_MAX];

	fx_build(&f, "garbage", 30, 10, 30, 3);
	fx_write(&f, 0);
	/* A truncated claims file: named, the missing claims reported, no crash. */
	snprintf(cmd, sizeof cmd, "cd '%s' && head -c 900 claims.ndjson.gz > t && mv t claims.ndjson.gz",
		 f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_EXPORT_FILE, 0, 0);
	EXPECT(r, SSP_AK_BATCH_INCOMPLETE, 0, 0);
	ssp_audit_report_free(r);
	/* Garbage lines inside a valid gzip stream, republished. */
	fx_write(&f, 0);
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && (gzip -dc claims.ndjson.gz | sed '5s/.*/{\"claim\":1}/; 6s/.*/garbage/') | gzip > t && mv t claims.ndjson.gz && "
		 "(gzip -dc batches.ndjson.gz | sed '2s/\"state\":\"MINTED\"/\"state\":7/') | gzip > t && mv t batches.ndjson.gz",
		 f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	r = fx_audit(&f, 1, NULL, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_CLAIM_MALFORMED, 0, 0);
	EXPECT(r, SSP_AK_BATCH_MALFORMED, 0, 0);
	EXPECT(r, SSP_AK_SEQ_GAP, 5, 0);
	EXPECT(r, SSP_AK_EXPORT_FILE, 0, 0);
	EXPECT(r, SSP_AK_MINT_WITHOUT_BATCH, 11, 0);
	ssp_audit_report_free(r);
	/* No manifest: an error, not a report. */
	snprintf(cmd, sizeof cmd, "rm '%s/manifest.json'", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	memset(&o, 0, sizeof o);
	o.export_dir = f.dir;
	r = (ssp_audit_report *)1;
	CU_ASSERT_EQUAL(ssp_audit_run(&o, &r, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "manifest.json"));
	fx_free(&f);
}

/* Runs the offline audit of dir in a child process under a one-second alarm (a FIFO or a
 * symlink to /dev/zero would otherwise block it for ever). Returns the audit's return code
 * (as ssp_audit_run's, negated into 0..255), or -1000 when the child was killed; the error
 * message in em. */
static int audit_in_child(const char *dir, ssp_errmsg *em)
{
	int fds[2], status = 0;
	pid_t pid;
	ssize_t n;

	memset(em, 0, sizeof *em);
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		ssp_audit_opts o;
		ssp_audit_report *r = NULL;
		ssp_errmsg cem = { { 0 } };
		int rc;

		close(fds[0]);
		alarm(1);
		memset(&o, 0, sizeof o);
		o.export_dir = dir;
		o.threads = 1;
		rc = ssp_audit_run(&o, &r, &cem);
		if (write(fds[1], cem.msg, sizeof cem.msg) < 0)
			_exit(99);
		ssp_audit_report_free(r);
		_exit(-rc);
	}
	close(fds[1]);
	n = read(fds[0], em->msg, sizeof em->msg);
	(void)n;
	em->msg[sizeof em->msg - 1] = '\0';
	close(fds[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

/* Rewrites f's export from scratch (removing whatever stands in its files' place). */
static void fresh(struct fx *f)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	fx_write(f, 0);
}

static void test_hostile_files(void)
{
	struct fx f;
	ssp_audit_report *r;
	ssp_errmsg em;
	char cmd[3 * PATH_MAX], secret[PATH_MAX + 32];
	FILE *x;

	fx_build(&f, "hostile", 30, 10, 30, 3);
	snprintf(secret, sizeof secret, "%s/secret.txt", ssp_cu_tmpdir());
	x = fopen(secret, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	fputs("TOPSECRET-PASSWORD-LINE\n", x);
	fclose(x);
	/* A FIFO in place of the claims file: refused at once, named, nothing blocks. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && rm claims.ndjson.gz && mkfifo claims.ndjson.gz", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_FILE_TYPE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "claims.ndjson.gz: a FIFO"));
	/* A symbolic link to /dev/zero as the batches file. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && ln -sf /dev/zero batches.ndjson.gz", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_FILE_TYPE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "batches.ndjson.gz: a symbolic link"));
	/* The manifest a symbolic link to a local file: refused, none of its bytes in the message. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && ln -sf '%s' manifest.json", f.dir, secret);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_FILE_TYPE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "manifest.json: a symbolic link"));
	CU_ASSERT_PTR_NULL(strstr(em.msg, "TOPSECRET"));
	/* The same for a data file. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && ln -sf '%s' claims.ndjson.gz", f.dir, secret);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_FILE_TYPE);
	CU_ASSERT_PTR_NULL(strstr(em.msg, "TOPSECRET"));
	/* A directory, and a manifest over its cap. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && rm claims.ndjson.gz && mkdir claims.ndjson.gz", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_FILE_TYPE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "a directory"));
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && truncate -s 2M manifest.json", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "manifest.json"));
	/* A data file larger than the manifest says (64 MiB of zeros appended, sparse): read only
	 * up to the stated size, reported, within the alarm. */
	fresh(&f);
	snprintf(cmd, sizeof cmd, "cd '%s' && truncate -s +64M claims.ndjson.gz", f.dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(audit_in_child(f.dir, &em), 0);
	r = fx_audit(&f, 0, NULL, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT(r, SSP_AK_EXPORT_FILE, 0, 0);
	{
		char *text = NULL;

		CU_ASSERT_EQUAL(ssp_audit_report_format(r, 0, &text), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "claims.ndjson.gz: line 31: the file goes on past"));
		free(text);
	}
	ssp_audit_report_free(r);
	/* BOINC's stats from outside too: a FIFO or a symbolic link is refused, not read. */
	{
		ssp_stats *s = NULL;

		snprintf(cmd, sizeof cmd, "cd '%s' && mkfifo user.gz && ln -s '%s' user.xml", f.dir, secret);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		snprintf(cmd, sizeof cmd, "%s/user.gz", f.dir);
		CU_ASSERT_EQUAL(ssp_audit_stats_read(cmd, &s, &em), SSP_ERR_FILE_TYPE);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "a FIFO"));
		snprintf(cmd, sizeof cmd, "%s/user.xml", f.dir);
		CU_ASSERT_EQUAL(ssp_audit_stats_read(cmd, &s, &em), SSP_ERR_FILE_TYPE);
		CU_ASSERT_PTR_NULL(strstr(em.msg, "TOPSECRET"));
		CU_ASSERT_PTR_NULL(s);
	}
	unlink(secret);
	fx_free(&f);
}

static void test_stats_check(void)
{
	struct fx f;
	ssp_audit_report *r;
	ssp_stats *s = NULL;
	ssp_errmsg em = { { 0 } };
	uint64_t sum[NUSERS + 1] = { 0 }, cnt[NUSERS + 1] = { 0 };
	char path[PATH_MAX + 32];
	FILE *x;

	fx_build(&f, "stats", 70, 10, 70, 7);
	fx_write(&f, 0);
	for (size_t i = 0; i < f.nclaims; i++) {
		sum[f.claims[i].claim.user_id] += f.claims[i].claim.credit;
		cnt[f.claims[i].claim.user_id]++;
	}
	snprintf(path, sizeof path, "%s/user.xml", f.dir);
	/* Users 1..7: exactly the claimed credit, except user 3 (one micro above the allowance:
	 * cnt/2 + 1) and user 5 (below by the allowance: fine); user 7 absent. */
	x = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	fputs("<users>\n", x);
	for (uint64_t u = 1; u <= NUSERS - 1; u++) {
		uint64_t t = sum[u];

		if (u == 3)
			t -= cnt[u] / 2 + 2;
		if (u == 5)
			t -= cnt[u] / 2 + 1;
		fprintf(x, "<user><id>%llu</id><name>u</name><total_credit>%llu.%06llu</total_credit></user>\n",
			(unsigned long long)u, (unsigned long long)(t / 1000000),
			(unsigned long long)(t % 1000000));
	}
	fputs("</users>\n", x);
	fclose(x);
	CU_ASSERT_EQUAL_FATAL(ssp_stats_read(path, &s, &em), 0);
	r = fx_audit(&f, 1, s, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->stats_checked, 1);
	CU_ASSERT_EQUAL(r->stats_users, NUSERS);
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_STATS_EXCEEDED], 1);
	/* User 7, left out of the stats (as BOINC leaves out users who did not consent to
	 * statistics export), is counted apart, not a discrepancy. */
	CU_ASSERT_EQUAL(r->by_kind[SSP_AK_STATS_MISSING], 0);
	CU_ASSERT_EQUAL(r->nissues, 1);
	CU_ASSERT_EQUAL(r->stats_unlisted_users, 1);
	CU_ASSERT_EQUAL(r->stats_unlisted_claims, cnt[7]);
	CU_ASSERT_EQUAL(r->stats_unlisted_credit, sum[7]);
	CU_ASSERT_EQUAL(r->nuser_rows, NUSERS);
	CU_ASSERT_EQUAL(r->user_rows[6].user_id, 7);
	CU_ASSERT_EQUAL(r->user_rows[6].in_stats, 0);
	CU_ASSERT_EQUAL(r->user_rows[2].in_stats, 1);
	{
		char *text = NULL;

		CU_ASSERT_EQUAL(ssp_audit_report_format(r, 0, &text), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "user 3:"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "unlisted  1 users"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "consented to statistics export"));
		free(text);
	}
	ssp_audit_report_free(r);
	ssp_stats_free(s);
	s = NULL;
	/* The same stats with user 3 right and users 6 and 7 left out: clean, saying how much
	 * could not be checked. */
	x = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	fputs("<users>\n", x);
	for (uint64_t u = 1; u <= NUSERS - 2; u++)
		fprintf(x, "<user><id>%llu</id><name>u</name><total_credit>%llu.%06llu</total_credit></user>\n",
			(unsigned long long)u, (unsigned long long)(sum[u] / 1000000),
			(unsigned long long)(sum[u] % 1000000));
	fputs("</users>\n", x);
	fclose(x);
	CU_ASSERT_EQUAL_FATAL(ssp_stats_read(path, &s, &em), 0);
	r = fx_audit(&f, 1, s, 2);
	EXPECT_CLEAN(r);
	CU_ASSERT_EQUAL(r->stats_unlisted_users, 2);
	CU_ASSERT_EQUAL(r->stats_unlisted_credit, sum[6] + sum[7]);
	{
		char *text = NULL, want[200];

		CU_ASSERT_EQUAL(ssp_audit_report_format(r, 0, &text), 0);
		snprintf(want, sizeof want, "CLEAN: no discrepancies in what could be checked (%llu.%06llu of",
			 (unsigned long long)((sum[6] + sum[7]) / 1000000),
			 (unsigned long long)((sum[6] + sum[7]) % 1000000));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
		free(text);
		CU_ASSERT_EQUAL(ssp_audit_report_format(r, 1, &text), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"statsUnlisted\": {"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"clean\": true"));
		free(text);
	}
	ssp_audit_report_free(r);
	/* Stats of another project: refused. */
	{
		ssp_audit_opts o;

		memset(&o, 0, sizeof o);
		o.export_dir = f.dir;
		o.stats = s;
		o.stats_master_url = "https://other.example.org/";
		CU_ASSERT_EQUAL(ssp_audit_run(&o, &r, &em), SSP_ERR_INVAL);
		CU_ASSERT_PTR_NULL(r);
	}
	ssp_stats_free(s);
	fx_free(&f);
}

static void test_only_batch(void)
{
	struct fx f;
	ssp_audit_report *r;
	ssp_audit_opts o;
	ssp_errmsg em = { { 0 } };

	fx_build(&f, "only", 50, 10, 50, 2);
	f.claims[3].claim.credit++; /* batch 1 tampered */
	fx_write(&f, 0);
	memset(&o, 0, sizeof o);
	o.export_dir = f.dir;
	o.only_batch = 3;
	if (ssp_audit_run(&o, &r, &em) != 0)
		fprintf(stderr, "only_batch: %s\n", em.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	EXPECT_CLEAN(r);
	CU_ASSERT_EQUAL(r->claims, 10);
	CU_ASSERT_EQUAL(r->batches, 1);
	ssp_audit_report_free(r);
	o.only_batch = 1;
	CU_ASSERT_EQUAL_FATAL(ssp_audit_run(&o, &r, &em), 0);
	EXPECT(r, SSP_AK_CLAIM_SIGNER, 4, 1);
	EXPECT(r, SSP_AK_CLAIMS_ROOT, 0, 1);
	ssp_audit_report_free(r);
	o.only_batch = 9;
	CU_ASSERT_EQUAL(ssp_audit_run(&o, &r, &em), SSP_ERR_NOT_FOUND);
	fx_free(&f);
}

static void test_many_threads(void)
{
	struct fx f;
	ssp_audit_report *r1, *r4;

	/* Several chunks of claims; a tampering deep inside; 1 and 4 threads agree. */
	fx_build(&f, "many", 9000, 256, 8960, 35);
	f.claims[7777].claim.granted_at++;
	fx_write(&f, 0);
	r1 = fx_audit(&f, 1, NULL, 1);
	r4 = fx_audit(&f, 1, NULL, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r4);
	EXPECT(r1, SSP_AK_CLAIM_SIGNER, 7778, 31);
	EXPECT(r1, SSP_AK_CLAIMS_ROOT, 0, 31);
	CU_ASSERT_EQUAL(r1->nissues, 2);
	CU_ASSERT_EQUAL(r4->nissues, r1->nissues);
	CU_ASSERT_EQUAL(memcmp(r1->by_kind, r4->by_kind, sizeof r1->by_kind), 0);
	CU_ASSERT_EQUAL(r4->claims, 9000);
	CU_ASSERT_EQUAL(r4->batches_minted, 35);
	ssp_audit_report_free(r1);
	ssp_audit_report_free(r4);
	fx_free(&f);
}

/* Log decoding, with topics from `cast sig-event`. */
static void test_chain_logs(void)
{
	static const struct {
		const char *sig, *topic;
	} v[] = {
		{ SSP_EV_BATCH_MINTED_SIG, "0x45dd34c9c4e3ae57e91033aafaced1e7c6659d22785df28c1f1e3d92ed290900" },
		{ SSP_EV_SIGNER_ADDED_SIG, "0x47d1c22a25bb3a5d4e481b9b1e6944c2eade3181a0a20b495ed61d35b5323f24" },
		{ SSP_EV_SIGNER_REMOVED_SIG, "0x3525e22824a8a7df2c9a6029941c824cf95b6447f1e13d5128fd3826d35afe8b" },
		{ SSP_EV_THRESHOLD_CHANGED_SIG, "0x3164947cf0f49f08dd0cd80e671535b1e11590d347c55dcaa97ba3c24a96b33a" },
		{ SSP_EV_RATE_CHANGED_SIG, "0x4ac9052a820bf4f8c02d7588587cae835573b5b99ea7ad4ca002f17f319f7186" },
	};
	ssp_audit_chain *c = NULL;
	ssp_rpc_log log;
	ssp_errmsg em = { { 0 } };
	uint8_t minter[20], data[5 * 32];
	int added = -1;

	keys();
	CU_ASSERT_EQUAL(ssp_address_parse(MINTER, minter), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_audit_chain_new(31337, minter, &c), 0);
	memset(&log, 0, sizeof log);
	memcpy(log.address, minter, 20);
	log.block_number = 7;
	log.log_index = 3;
	/* BatchMinted(project, 11, 20, root, 1234, 1234e12). */
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[0].topic, log.topics[0], 32), 0);
	ssp_project_id(URL, log.topics[1]);
	log.ntopics = 2;
	memset(data, 0, sizeof data);
	data[31] = 11;
	data[63] = 20;
	memset(data + 64, 0x5a, 32);
	data[3 * 32 + 30] = 0x04;
	data[3 * 32 + 31] = 0xd2;
	ssp_be64_put(data + 4 * 32 + 24, 1234ULL * RATE);
	log.data = data;
	log.data_len = sizeof data;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(added, 1);
	CU_ASSERT_EQUAL_FATAL(c->nevents, 1);
	CU_ASSERT_EQUAL(c->events[0].kind, SSP_EV_BATCH_MINTED);
	CU_ASSERT_EQUAL(c->events[0].first_seq, 11);
	CU_ASSERT_EQUAL(c->events[0].last_seq, 20);
	CU_ASSERT_EQUAL(c->events[0].total_credit, 1234);
	CU_ASSERT_EQUAL(c->events[0].amount.w[0], 1234ULL * RATE);
	CU_ASSERT_EQUAL(c->events[0].claims_root[31], 0x5a);
	CU_ASSERT_EQUAL(c->events[0].block_number, 7);
	/* Malformed: short data, a non-canonical uint64, one topic missing. */
	log.data_len = 4 * 32;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "BatchMinted"));
	log.data_len = sizeof data;
	data[0] = 1;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), SSP_ERR_PARSE);
	data[0] = 0;
	log.ntopics = 1;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), SSP_ERR_PARSE);
	/* Skipped: another contract, a removed log, an unknown event. */
	log.ntopics = 2;
	log.address[0] ^= 1;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(added, 0);
	log.address[0] ^= 1;
	log.removed = 1;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(added, 0);
	log.removed = 0;
	log.topics[0][0] ^= 1;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(added, 0);
	/* SignerAdded(A2), SignerRemoved(A3), ThresholdChanged(1, 2), RateChanged(5, 7). */
	memset(log.topics[1], 0, 32);
	memcpy(log.topics[1] + 12, A2, 20);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[1].topic, log.topics[0], 32), 0);
	log.data_len = 0;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(added, 1);
	CU_ASSERT_EQUAL(memcmp(c->events[1].signer, A2, 20), 0);
	log.topics[1][0] = 1; /* not an address */
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), SSP_ERR_PARSE);
	log.topics[1][0] = 0;
	memcpy(log.topics[1] + 12, A3, 20);
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[2].topic, log.topics[0], 32), 0);
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(c->events[2].kind, SSP_EV_SIGNER_REMOVED);
	CU_ASSERT_EQUAL(memcmp(c->events[2].signer, A3, 20), 0);
	memset(data, 0, sizeof data);
	data[31] = 1;
	data[63] = 2;
	log.ntopics = 1;
	log.data_len = 64;
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[3].topic, log.topics[0], 32), 0);
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(c->events[3].kind, SSP_EV_THRESHOLD_CHANGED);
	CU_ASSERT_EQUAL(c->events[3].value.w[0], 2);
	data[31] = 5;
	data[63] = 7;
	CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[4].topic, log.topics[0], 32), 0);
	log.block_number = 2;
	CU_ASSERT_EQUAL(ssp_audit_chain_add_log(c, &log, &added, &em), 0);
	CU_ASSERT_EQUAL(c->events[4].kind, SSP_EV_RATE_CHANGED);
	CU_ASSERT_EQUAL(c->events[4].value.w[0], 7);
	ssp_audit_chain_sort(c);
	CU_ASSERT_EQUAL(c->events[0].kind, SSP_EV_RATE_CHANGED); /* block 2 first */
	/* Each signature hashes to the topic cast computed. */
	for (size_t i = 0; i < 5; i++) {
		uint8_t t[32], want[32];

		ssp_keccak256(v[i].sig, strlen(v[i].sig), t);
		CU_ASSERT_EQUAL(ssp_hex_decode_exact(v[i].topic, want, 32), 0);
		CU_ASSERT_EQUAL(memcmp(t, want, 32), 0);
	}
	ssp_audit_chain_free(c);
	for (int k = 0; k < SSP_AK_COUNT; k++) {
		CU_ASSERT_STRING_NOT_EQUAL(ssp_audit_kind_name(k), "?");
		CU_ASSERT_STRING_NOT_EQUAL(ssp_audit_kind_help(k), "?");
	}
	CU_ASSERT_STRING_EQUAL(ssp_audit_kind_name(SSP_AK_COUNT), "?");
}

static CU_TestInfo tests[] = {
	{ "a clean export audits clean", test_clean },
	{ "edited claim", test_edited_claim },
	{ "dropped claim", test_dropped_claim },
	{ "forged claim and batch signatures", test_forged_signatures },
	{ "payouts not matching the claims", test_payouts_mismatch },
	{ "mints: without batch, twice, amount, tx", test_mints },
	{ "signer set and threshold over time", test_signer_timeline },
	{ "duplicates, batch ids", test_duplicates_and_order },
	{ "corrupt and garbage files", test_garbage_files },
	{ "hostile files: FIFO, symlinks, oversized", test_hostile_files },
	{ "credit above BOINC's total", test_stats_check },
	{ "one batch only (co-signing)", test_only_batch },
	{ "threads agree", test_many_threads },
	{ "chain logs", test_chain_logs },
	CU_TEST_INFO_NULL,
};

int main(void)
{
	return ssp_cu_run("audit", tests);
}
